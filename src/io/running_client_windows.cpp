// Tested under Wine (tests/windows/running_client_windows_test.cpp) with dummy processes, a
// held parent.lock and the clients' mutexes.
#ifdef _WIN32

#include <windows.h>
// clang-format off: tlhelp32.h needs the types windows.h defines first
#include <tlhelp32.h>
// clang-format on

#include <string>

#include "src/encoding/wide_text.h"
#include "src/io/running_client_platform.h"

namespace mailmig {

bool file_held_open(const std::string& path) {
  HANDLE handle = CreateFileW(widen(path).c_str(), GENERIC_READ, 0, nullptr, OPEN_EXISTING,
                              FILE_ATTRIBUTE_NORMAL, nullptr);
  if (handle != INVALID_HANDLE_VALUE) {
    CloseHandle(handle);
    return false;
  }
  return GetLastError() == ERROR_SHARING_VIOLATION;
}

bool named_mutex_exists(const char* name) {
  HANDLE mutex = OpenMutexA(SYNCHRONIZE, FALSE, name);
  if (mutex == nullptr) return false;
  CloseHandle(mutex);
  return true;
}

std::string windows_process_evidence(std::initializer_list<const char*> executables) {
  HANDLE snapshot = CreateToolhelp32Snapshot(TH32CS_SNAPPROCESS, 0);
  if (snapshot == INVALID_HANDLE_VALUE) return {};
  PROCESSENTRY32W entry{};
  entry.dwSize = sizeof(entry);
  std::string evidence;
  for (BOOL more = Process32FirstW(snapshot, &entry); more && evidence.empty();
       more = Process32NextW(snapshot, &entry)) {
    for (const char* name : executables) {
      if (_wcsicmp(entry.szExeFile, widen(name).c_str()) == 0) {
        evidence = "process " + std::to_string(entry.th32ProcessID) + " is running";
      }
    }
  }
  CloseHandle(snapshot);
  return evidence;
}

}  // namespace mailmig

#endif  // _WIN32
