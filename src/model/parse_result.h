// How a parser reports malformed input: a status with a position and a message a person can act
// on (shaped like pugixml's xml_parse_result).
#pragma once

#include <cstddef>
#include <string>
#include <string_view>

namespace mailmig {

struct ParseResult {
  bool ok = true;
  std::size_t line = 0;    // 1-based; 0 when the error has no line (a bad BOM, say)
  std::size_t column = 0;  // 1-based byte column; 0 when unknown
  std::string message;     // "expected ')' after pref value"

  explicit operator bool() const { return ok; }

  static ParseResult success() { return {}; }
  static ParseResult failure(std::size_t line, std::size_t column, std::string message) {
    return ParseResult{false, line, column, std::move(message)};
  }

  // "path:line: message", or "path: message" without a line.
  std::string describe(std::string_view path) const {
    // Appended piece by piece: GCC 12 at -O3 takes `":" + std::to_string(line)` for an
    // overlapping copy (a false -Werror=restrict).
    std::string text(path);
    if (line > 0) {
      text += ':';
      text += std::to_string(line);
    }
    text += ": ";
    text += message;
    return text;
  }
};

}  // namespace mailmig
