#include "src/cli/console.h"

#ifdef _WIN32
#include <windows.h>

#include <algorithm>
#include <cstddef>
#include <iostream>
#include <string>
#include <string_view>

#include "src/cli/utf8_joiner.h"
#include "src/encoding/wide_text.h"
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

namespace {

// A stream buffer writing to one console handle as UTF-16, whole characters at a time.
class ConsoleBuffer final : public std::streambuf {
 public:
  explicit ConsoleBuffer(HANDLE console) : console_(console) {
    setp(pending_, pending_ + sizeof pending_);
  }
  ~ConsoleBuffer() override {
    sync();
    write(joiner_.release());
  }
  ConsoleBuffer(const ConsoleBuffer&) = delete;
  ConsoleBuffer& operator=(const ConsoleBuffer&) = delete;

 protected:
  int_type overflow(int_type c) override {
    if (sync() != 0) return traits_type::eof();
    if (!traits_type::eq_int_type(c, traits_type::eof())) {
      *pptr() = traits_type::to_char_type(c);
      pbump(1);
    }
    return traits_type::not_eof(c);
  }

  int sync() override {
    const std::string whole = joiner_.whole_sequences(std::string_view(pbase(), pptr() - pbase()));
    setp(pending_, pending_ + sizeof pending_);
    return write(whole) ? 0 : -1;
  }

 private:
  bool write(std::string_view utf8) {
    const std::wstring wide = widen(utf8);
    // Consoles before Windows 8 refuse a single write of more than about 64 KB.
    constexpr std::size_t kLargestWrite = 8192;
    for (std::size_t done = 0; done < wide.size();) {
      const auto length = static_cast<DWORD>(std::min(kLargestWrite, wide.size() - done));
      DWORD written = 0;
      if (!WriteConsoleW(console_, wide.data() + done, length, &written, nullptr) || written == 0) {
        return false;
      }
      done += written;
    }
    return true;
  }

  HANDLE console_;
  Utf8Joiner joiner_;
  char pending_[4096];
};

// A console buffer for the handle, or none when it is a file, a pipe or absent.
std::unique_ptr<std::streambuf> console_buffer(DWORD standard_handle) {
  if (!is_console(standard_handle)) return nullptr;
  return std::make_unique<ConsoleBuffer>(GetStdHandle(standard_handle));
}

}  // namespace

Utf8Console::Utf8Console()
    : output_(console_buffer(STD_OUTPUT_HANDLE)),
      errors_(console_buffer(STD_ERROR_HANDLE)),
      previous_input_code_page_(GetConsoleCP()) {
  if (output_) previous_output_ = std::cout.rdbuf(output_.get());
  if (errors_) {
    previous_errors_ = std::cerr.rdbuf(errors_.get());
    previous_log_ = std::clog.rdbuf(errors_.get());
  }
  // 0 without a console: nothing to set or give back.
  if (previous_input_code_page_ != 0) SetConsoleCP(CP_UTF8);
}

Utf8Console::~Utf8Console() {
  if (output_) {
    std::cout.flush();
    std::cout.rdbuf(previous_output_);
  }
  if (errors_) {
    std::cerr.flush();
    std::clog.flush();
    std::cerr.rdbuf(previous_errors_);
    std::clog.rdbuf(previous_log_);
  }
  if (previous_input_code_page_ != 0) SetConsoleCP(previous_input_code_page_);
}

#else

ConsoleFacts current_console() { return {}; }

bool stdin_is_interactive() { return ::isatty(STDIN_FILENO) != 0; }

#endif

}  // namespace mailmig
