// Windows tests' process harness (no fork there): mailmig.exe and helpers started with
// CreateProcessW, their output taken from files, the environment changed for the child only.
#pragma once

#include <windows.h>

#include <string>
#include <utility>
#include <vector>

namespace mailmig::testing {

using Environment = std::vector<std::pair<std::string, std::string>>;  // set for the child

struct ProgramRun {
  bool finished = false;  // started, and ended within the time allowed
  DWORD exit_code = 0;
  std::string output;  // standard output
  std::string errors;  // standard error
};

// Runs `program` (a UTF-8 path) with `arguments`, its standard input from NUL, in `folder`
// (empty: this one), and waits for it (at most two minutes).
ProgramRun run_program(const std::string& program, const std::vector<std::string>& arguments,
                       const Environment& environment = {}, const std::string& folder = {});

// A program left running until the object goes (then it is ended).
class BackgroundProgram {
 public:
  BackgroundProgram(const std::string& program, const std::vector<std::string>& arguments);
  ~BackgroundProgram();
  BackgroundProgram(const BackgroundProgram&) = delete;
  BackgroundProgram& operator=(const BackgroundProgram&) = delete;

  bool started() const { return process_ != nullptr; }
  // Waits (at most a minute) until `path` exists: the program said it is ready.
  bool wait_for_file(const std::string& path) const;

 private:
  HANDLE process_ = nullptr;
};

// A Linux path as CTest hands it ("/work/build/mailmig.exe") made a Windows one (Z: is Wine's
// root), so cmd.exe and CreateProcess take it; a Windows path is kept.
std::string windows_path(const std::string& path);

}  // namespace mailmig::testing
