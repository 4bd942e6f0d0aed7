#include "tests/windows/windows_test_process.h"

#include <filesystem>
#include <fstream>
#include <iterator>
#include <map>

#include "src/encoding/wide_text.h"

namespace mailmig::testing {
namespace {

// CommandLineToArgvW's rules backwards: quotes around each argument, backslashes doubled only
// before a quote.
std::wstring quoted(const std::wstring& argument) {
  std::wstring text = L"\"";
  std::size_t backslashes = 0;
  for (const wchar_t c : argument) {
    if (c == L'\\') {
      ++backslashes;
      continue;
    }
    text.append(c == L'"' ? backslashes * 2 + 1 : backslashes, L'\\');
    backslashes = 0;
    text += c;
  }
  text.append(backslashes * 2, L'\\');
  return text + L"\"";
}

std::wstring command_line(const std::string& program, const std::vector<std::string>& arguments) {
  std::wstring line = quoted(widen(program));
  for (const std::string& argument : arguments) line += L" " + quoted(widen(argument));
  return line;
}

// This process's environment with `changes` made, as CreateProcessW takes it.
std::wstring environment_block(const Environment& changes) {
  std::map<std::wstring, std::wstring> variables;
  wchar_t* block = GetEnvironmentStringsW();
  for (const wchar_t* entry = block; *entry != L'\0'; entry += wcslen(entry) + 1) {
    const std::wstring text = entry;
    // Drive-current-folder entries ("=C:=C:\x") start with '='.
    const std::size_t equals = text.find(L'=', 1);
    if (equals != std::wstring::npos) variables[text.substr(0, equals)] = text.substr(equals + 1);
  }
  FreeEnvironmentStringsW(block);
  for (const auto& [name, value] : changes) variables[widen(name)] = widen(value);
  std::wstring result;
  for (const auto& [name, value] : variables) result += name + L"=" + value + L'\0';
  return result + L'\0';
}

HANDLE inheritable_file(const std::wstring& path, DWORD access, DWORD disposition) {
  SECURITY_ATTRIBUTES inherit{sizeof(SECURITY_ATTRIBUTES), nullptr, TRUE};
  return CreateFileW(path.c_str(), access, FILE_SHARE_READ | FILE_SHARE_WRITE, &inherit,
                     disposition, FILE_ATTRIBUTE_NORMAL, nullptr);
}

std::string file_text(const std::wstring& path) {
  std::ifstream in(std::filesystem::path(path), std::ios::binary);
  return {std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>()};
}

std::wstring temp_file_name(const wchar_t* prefix) {
  wchar_t folder[MAX_PATH + 1];
  wchar_t name[MAX_PATH + 1];
  GetTempPathW(MAX_PATH + 1, folder);
  GetTempFileNameW(folder, prefix, 0, name);
  return name;
}

}  // namespace

ProgramRun run_program(const std::string& program, const std::vector<std::string>& arguments,
                       const Environment& environment, const std::string& folder) {
  ProgramRun run;
  const std::wstring out_path = temp_file_name(L"out");
  const std::wstring err_path = temp_file_name(L"err");
  HANDLE input = inheritable_file(L"NUL", GENERIC_READ, OPEN_EXISTING);
  HANDLE output = inheritable_file(out_path, GENERIC_WRITE, CREATE_ALWAYS);
  HANDLE errors = inheritable_file(err_path, GENERIC_WRITE, CREATE_ALWAYS);
  STARTUPINFOW startup{};
  startup.cb = sizeof startup;
  startup.dwFlags = STARTF_USESTDHANDLES;
  startup.hStdInput = input;
  startup.hStdOutput = output;
  startup.hStdError = errors;
  PROCESS_INFORMATION process{};
  std::wstring line = command_line(program, arguments);
  std::wstring block = environment_block(environment);
  const std::wstring working_folder = widen(folder);
  if (CreateProcessW(nullptr, line.data(), nullptr, nullptr, TRUE, CREATE_UNICODE_ENVIRONMENT,
                     block.data(), folder.empty() ? nullptr : working_folder.c_str(), &startup,
                     &process)) {
    if (WaitForSingleObject(process.hProcess, 120000) == WAIT_OBJECT_0) {
      run.finished = GetExitCodeProcess(process.hProcess, &run.exit_code) != 0;
    } else {
      TerminateProcess(process.hProcess, 99);
    }
    CloseHandle(process.hThread);
    CloseHandle(process.hProcess);
  }
  CloseHandle(input);
  CloseHandle(output);
  CloseHandle(errors);
  run.output = file_text(out_path);
  run.errors = file_text(err_path);
  DeleteFileW(out_path.c_str());
  DeleteFileW(err_path.c_str());
  return run;
}

BackgroundProgram::BackgroundProgram(const std::string& program,
                                     const std::vector<std::string>& arguments) {
  STARTUPINFOW startup{};
  startup.cb = sizeof startup;
  PROCESS_INFORMATION process{};
  std::wstring line = command_line(program, arguments);
  if (CreateProcessW(nullptr, line.data(), nullptr, nullptr, FALSE, 0, nullptr, nullptr, &startup,
                     &process)) {
    CloseHandle(process.hThread);
    process_ = process.hProcess;
  }
}

BackgroundProgram::~BackgroundProgram() {
  if (process_ == nullptr) return;
  TerminateProcess(process_, 0);
  WaitForSingleObject(process_, 30000);
  CloseHandle(process_);
}

bool BackgroundProgram::wait_for_file(const std::string& path) const {
  const std::wstring wide = widen(path);
  for (int tenth = 0; tenth < 600; ++tenth) {
    if (GetFileAttributesW(wide.c_str()) != INVALID_FILE_ATTRIBUTES) return true;
    if (process_ == nullptr || WaitForSingleObject(process_, 100) == WAIT_OBJECT_0) return false;
  }
  return false;
}

std::string windows_path(const std::string& path) {
  if (path.empty() || path.front() != '/') return path;
  std::string windows = "Z:" + path;
  for (char& c : windows) {
    if (c == '/') c = '\\';
  }
  return windows;
}

}  // namespace mailmig::testing
