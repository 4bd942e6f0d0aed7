// Windows only: a Windows error code as the errno that says the same, so that messages read as
// on Linux ("No such file or directory") and callers test one set of codes.
#pragma once

#include <windows.h>

namespace mailmig {

int errno_from_windows_error(DWORD error);
inline int last_windows_errno() { return errno_from_windows_error(GetLastError()); }

}  // namespace mailmig
