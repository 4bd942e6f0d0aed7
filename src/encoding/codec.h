// The one place mailmig converts text between encodings (through the iconv API, so glibc's
// iconv serves on Linux and GNU libiconv elsewhere).
#pragma once

#include <cstddef>
#include <string>
#include <string_view>

namespace mailmig {

struct Conversion {
  bool ok = false;
  std::string text;              // the converted bytes when ok
  std::size_t error_offset = 0;  // byte offset in the input where conversion stopped
  std::string error;             // what went wrong, for a person

  explicit operator bool() const { return ok; }
};

// Encoding names are iconv's: "UTF-8", "CP932", "UTF-16LE", "WINDOWS-1252".
// Never substitutes: input that is invalid in `from`, or a character that `to` cannot hold,
// is an error (a value must not silently become '?').
Conversion convert_encoding(std::string_view input, const char* from, const char* to);

inline Conversion to_utf8(std::string_view input, const char* from) {
  return convert_encoding(input, from, "UTF-8");
}
inline Conversion from_utf8(std::string_view utf8, const char* to) {
  return convert_encoding(utf8, "UTF-8", to);
}

bool is_valid_utf8(std::string_view bytes);

}  // namespace mailmig
