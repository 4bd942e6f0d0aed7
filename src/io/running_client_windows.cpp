// UNTESTED: written for Windows, never built or run here (mailmig is built and tested on Linux).
// Each check is the smallest documented test for its client; see running_client.h.
#ifdef _WIN32

#include <tlhelp32.h>
#include <windows.h>

#include <string>

#include "src/io/running_client_platform.h"

namespace mailmig {
namespace {

std::wstring to_wide(const std::string& utf8) {
  const int length =
      MultiByteToWideChar(CP_UTF8, 0, utf8.data(), static_cast<int>(utf8.size()), nullptr, 0);
  std::wstring wide(static_cast<std::size_t>(length), L'\0');
  MultiByteToWideChar(CP_UTF8, 0, utf8.data(), static_cast<int>(utf8.size()), wide.data(), length);
  return wide;
}

// Thunderbird holds parent.lock open without sharing while it runs and never deletes it.
std::string thunderbird_evidence(const std::string& profile_path) {
  const std::string lock = profile_path + "\\parent.lock";
  HANDLE handle = CreateFileW(to_wide(lock).c_str(), GENERIC_READ, 0, nullptr, OPEN_EXISTING,
                              FILE_ATTRIBUTE_NORMAL, nullptr);
  if (handle != INVALID_HANDLE_VALUE) {
    CloseHandle(handle);
    return {};
  }
  if (GetLastError() == ERROR_SHARING_VIOLATION) return lock + " is held open";
  return {};
}

std::string mutex_evidence(const char* name) {
  HANDLE mutex = OpenMutexA(SYNCHRONIZE, FALSE, name);
  if (mutex == nullptr) return {};
  CloseHandle(mutex);
  return std::string("the mutex ") + name + " exists";
}

std::string process_evidence(const wchar_t* const* executables) {
  HANDLE snapshot = CreateToolhelp32Snapshot(TH32CS_SNAPPROCESS, 0);
  if (snapshot == INVALID_HANDLE_VALUE) return {};
  PROCESSENTRY32W entry{};
  entry.dwSize = sizeof(entry);
  std::string evidence;
  for (BOOL more = Process32FirstW(snapshot, &entry); more && evidence.empty();
       more = Process32NextW(snapshot, &entry)) {
    for (const wchar_t* const* name = executables; *name != nullptr; ++name) {
      if (_wcsicmp(entry.szExeFile, *name) == 0) {
        evidence = "process " + std::to_string(entry.th32ProcessID) + " is running";
      }
    }
  }
  CloseHandle(snapshot);
  return evidence;
}

}  // namespace

std::string find_running_client(ClientKind client, const std::string& profile_path) {
  static const wchar_t* const kOutlook[] = {L"OUTLOOK.EXE", nullptr};
  static const wchar_t* const kOutlookExpress[] = {L"msimn.exe", nullptr};
  static const wchar_t* const kWindowsMail[] = {L"WinMail.exe", L"wlmail.exe", nullptr};
  static const wchar_t* const kBecky[] = {L"B2.exe", nullptr};
  switch (client) {
    case ClientKind::Thunderbird:
      return thunderbird_evidence(profile_path);
    case ClientKind::Sylpheed:
      return mutex_evidence("Sylpheed");
    case ClientKind::ClawsMail:
      return mutex_evidence("ClawsMail");
    case ClientKind::Outlook:
      return process_evidence(kOutlook);
    case ClientKind::OutlookExpress:
      return process_evidence(kOutlookExpress);
    case ClientKind::WindowsMail:
      return process_evidence(kWindowsMail);
    case ClientKind::Becky:
      return process_evidence(kBecky);
    case ClientKind::NewOutlook:
    case ClientKind::Shuriken:
      break;  // never edited, so never waited for
  }
  return {};
}

}  // namespace mailmig

#endif  // _WIN32
