// The names Windows gives: the computer's NetBIOS name and the logged-on account's name.
#include <windows.h>

#include <string>

#include "src/encoding/wide_text.h"
#include "src/util/identity.h"

namespace mailmig {

std::string machine_name() {
  std::wstring name(MAX_COMPUTERNAME_LENGTH + 1, L'\0');
  auto length = static_cast<DWORD>(name.size());
  if (!GetComputerNameW(name.data(), &length)) return "unknown";
  name.resize(length);
  return narrow(name);
}

std::string user_name() {
  std::wstring name(257, L'\0');  // UNLEN + 1
  auto length = static_cast<DWORD>(name.size());
  if (!GetUserNameW(name.data(), &length) || length == 0) return "unknown";
  name.resize(length - 1);  // the count includes the terminating NUL
  return narrow(name);
}

// From Windows: argv[0] may be a bare name.
std::string program_path() {
  std::wstring path(MAX_PATH, L'\0');
  for (;;) {
    const DWORD length = GetModuleFileNameW(nullptr, path.data(), static_cast<DWORD>(path.size()));
    if (length == 0) return {};
    if (length < path.size()) {
      path.resize(length);
      return narrow(path);
    }
    path.resize(path.size() * 2);
  }
}

}  // namespace mailmig
