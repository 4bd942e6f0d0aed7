// A stand-in for a running mail client under Wine: copied under a client's executable name
// (OUTLOOK.EXE, B2.exe, ...) it shows in the process list; it can also hold a file open without
// sharing (Thunderbird's parent.lock) or own a named mutex (Sylpheed's, Claws Mail's).
//   dummy_client.exe [--hold FILE] [--mutex NAME] [--ready FILE]
// --ready FILE is created once the file is held and the mutex owned. It then waits until it is
// ended, and ends itself after two minutes should a test never come back for it.
#include <windows.h>
// clang-format off: shellapi.h needs the types windows.h defines first
#include <shellapi.h>
// clang-format on

#include <string>

int main() {
  int argc = 0;
  wchar_t** argv = CommandLineToArgvW(GetCommandLineW(), &argc);
  if (argv == nullptr) return 3;
  HANDLE held = INVALID_HANDLE_VALUE;
  HANDLE mutex = nullptr;
  for (int i = 1; i + 1 < argc; i += 2) {
    const std::wstring option = argv[i];
    if (option == L"--hold") {
      held = CreateFileW(argv[i + 1], GENERIC_READ | GENERIC_WRITE, 0, nullptr, OPEN_ALWAYS,
                         FILE_ATTRIBUTE_NORMAL, nullptr);
      if (held == INVALID_HANDLE_VALUE) return 10;
    } else if (option == L"--mutex") {
      mutex = CreateMutexW(nullptr, TRUE, argv[i + 1]);
      if (mutex == nullptr) return 11;
    } else if (option == L"--ready") {
      HANDLE ready = CreateFileW(argv[i + 1], GENERIC_WRITE, 0, nullptr, CREATE_ALWAYS,
                                 FILE_ATTRIBUTE_NORMAL, nullptr);
      if (ready == INVALID_HANDLE_VALUE) return 12;
      CloseHandle(ready);
    } else {
      return 2;
    }
  }
  Sleep(120000);
  if (held != INVALID_HANDLE_VALUE) CloseHandle(held);
  if (mutex != nullptr) CloseHandle(mutex);
  return 0;
}
