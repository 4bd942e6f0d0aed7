// Windows only: mailmig's text and paths are UTF-8 inside; every Windows call takes UTF-16.
#pragma once

#include <string>
#include <string_view>

namespace mailmig {

// Invalid UTF-8 becomes U+FFFD (a path that then names no file), never a different valid name.
std::wstring widen(std::string_view utf8);
std::string narrow(std::wstring_view wide);

}  // namespace mailmig
