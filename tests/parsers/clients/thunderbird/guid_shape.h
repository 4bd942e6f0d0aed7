// Checks the shape of the guids mailmig gives copied logins: "{8-4-4-4-12}" in lower-case hex,
// version 4, RFC 4122 variant.
#pragma once

#include <string_view>

namespace mailmig {

inline bool is_v4_guid(std::string_view text) {
  if (text.size() != 38 || text.front() != '{' || text.back() != '}') return false;
  for (std::size_t i = 1; i < 37; ++i) {
    const char c = text[i];
    if (i == 9 || i == 14 || i == 19 || i == 24) {
      if (c != '-') return false;
    } else if (!((c >= '0' && c <= '9') || (c >= 'a' && c <= 'f'))) {
      return false;
    }
  }
  return text[15] == '4' && std::string_view("89ab").find(text[20]) != std::string_view::npos;
}

}  // namespace mailmig
