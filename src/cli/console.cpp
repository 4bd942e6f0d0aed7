#include "src/cli/console.h"

#ifdef _WIN32
#include <windows.h>
#else
#include <unistd.h>
#endif

namespace mailmig {

bool keep_window_open(const ConsoleFacts& facts) {
  return facts.stdin_is_console && facts.stdout_is_console && facts.attached_processes == 1;
}

#ifdef _WIN32

namespace {

bool is_console(DWORD standard_handle) {
  DWORD mode = 0;
  return GetConsoleMode(GetStdHandle(standard_handle), &mode) != 0;
}

}  // namespace

ConsoleFacts current_console() {
  ConsoleFacts facts;
  facts.stdin_is_console = is_console(STD_INPUT_HANDLE);
  facts.stdout_is_console = is_console(STD_OUTPUT_HANDLE);
  DWORD processes[2];
  facts.attached_processes = GetConsoleProcessList(processes, 2);
  return facts;
}

bool stdin_is_interactive() { return is_console(STD_INPUT_HANDLE); }

Utf8Console::Utf8Console()
    : previous_output_code_page_(GetConsoleOutputCP()), previous_input_code_page_(GetConsoleCP()) {
  // 0 without a console: nothing to set or give back.
  if (previous_output_code_page_ != 0) SetConsoleOutputCP(CP_UTF8);
  if (previous_input_code_page_ != 0) SetConsoleCP(CP_UTF8);
}

Utf8Console::~Utf8Console() {
  if (previous_output_code_page_ != 0) SetConsoleOutputCP(previous_output_code_page_);
  if (previous_input_code_page_ != 0) SetConsoleCP(previous_input_code_page_);
}

#else

ConsoleFacts current_console() { return {}; }

bool stdin_is_interactive() { return ::isatty(STDIN_FILENO) != 0; }

#endif

}  // namespace mailmig
