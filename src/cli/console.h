// The console mailmig talks to. On Windows a double-clicked mailmig.exe gets a console window
// of its own that closes with the program, a console shows bytes in its code page (and garbles
// UTF-8 even under 65001 in Wine and older Windows: mailmig writes it UTF-16), and "is stdin a
// terminal" must ask the console itself: the C runtime's isatty() is also true for NUL, which
// logon scripts give as stdin.
#pragma once

#ifdef _WIN32
#include <memory>
#include <streambuf>
#endif

namespace mailmig {

struct ConsoleFacts {
  bool stdin_is_console = false;
  bool stdout_is_console = false;
  // Processes attached to the console (GetConsoleProcessList): 1 when this program opened the
  // window itself (double-clicked), more when it was started from cmd.exe or a script.
  unsigned attached_processes = 0;
};

// The facts of this process's console; all false and 0 on Linux.
ConsoleFacts current_console();

// Whether to ask for Enter before exiting: only a window mailmig owns, read and typed in by a
// person; never in a logon script, a cmd.exe window or with input or output redirected.
bool keep_window_open(const ConsoleFacts& facts);

// Whether standard input is a person at a terminal or console.
bool stdin_is_interactive();

#ifdef _WIN32
// For the program's lifetime, whatever std::cout, std::cerr and std::clog write to a console is
// shown as the UTF-8 it is: converted to UTF-16 and written with WriteConsoleW, since consoles
// (Wine's, and Windows' before 10 1903) garble UTF-8 bytes even under code page 65001. Output
// redirected to a file or a pipe stays the same bytes. The input code page is UTF-8 for the
// time, given back at the end since cmd.exe keeps it.
class Utf8Console {
 public:
  Utf8Console();
  ~Utf8Console();
  Utf8Console(const Utf8Console&) = delete;
  Utf8Console& operator=(const Utf8Console&) = delete;

 private:
  std::unique_ptr<std::streambuf> output_;
  std::unique_ptr<std::streambuf> errors_;
  std::streambuf* previous_output_ = nullptr;
  std::streambuf* previous_errors_ = nullptr;
  std::streambuf* previous_log_ = nullptr;
  unsigned previous_input_code_page_ = 0;
};
#endif

}  // namespace mailmig
