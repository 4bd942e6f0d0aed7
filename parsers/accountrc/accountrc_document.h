// Sylpheed's and Claws Mail's rc files (accountrc, clawsrc, sylpheedrc) as a lossless document:
// `[Section]` header lines, then `key=value` lines split at the first '='. Every byte is kept;
// serialising an unedited document gives the input back, and an edit splices only value bytes
// (or inserts one line where the client itself would write it).
#pragma once

#include <cstddef>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "src/model/parse_result.h"

namespace mailmig {

struct AccountrcParse;

class AccountrcDocument {
 public:
  enum class LineKind {
    Blank,     // empty after the line ending is removed (the client skips it)
    Header,    // "[...]"
    KeyValue,  // "key=value"
    Other,     // text without '=' inside a section (the client warns and ignores it)
  };

  // Offsets into bytes(). `content_end` excludes the line ending (the client strips every
  // trailing CR and LF); `end` includes it.
  struct Line {
    LineKind kind = LineKind::Blank;
    std::size_t number = 0;  // 1-based
    std::size_t begin = 0;
    std::size_t content_end = 0;
    std::size_t end = 0;
    std::size_t value_begin = 0;  // KeyValue: just after the first '=' (the key ends before it)
  };

  struct Section {
    std::string name;        // the header without its brackets: "Account: 1", "Common"
    std::size_t header = 0;  // index into lines()
    std::size_t first = 0;   // first line after the header
    std::size_t last = 0;    // one past the section's last line
  };

  // Parses bytes; on failure the result says where and what was expected.
  static AccountrcParse parse(std::string bytes);

  const std::string& bytes() const { return bytes_; }
  const std::vector<Line>& lines() const { return lines_; }
  const std::vector<Section>& sections() const { return sections_; }

  const Section* find_section(std::string_view name) const;
  // The value the client uses: of the last line with this key, as the client reads the file
  // top to bottom and each line overwrites the one before.
  std::optional<std::string_view> value(const Section& section, std::string_view key) const;
  // Index into lines() of the line that value() reads.
  std::optional<std::size_t> effective_line(const Section& section, std::string_view key) const;
  std::string_view content(const Line& line) const;
  std::string_view key_of(const Line& line) const;
  std::string_view value_of(const Line& line) const;

  // Replaces the value of `key` in section `section_name` (its effective line), or adds a
  // `key=value` line when the key is missing: right after the nearest key that precedes it in
  // `client_order`, right after the header when none precedes it, or at the end of the section
  // (before its blank separator) when the key is not in `client_order`. The new line takes the
  // line ending of the line it follows (else the file's first). Returns false, changing
  // nothing, for an unknown section or a value the format cannot hold (CR, LF or NUL).
  bool set_value(std::string_view section_name, std::string_view key, std::string_view value,
                 std::span<const std::string_view> client_order);

 private:
  ParseResult index();
  std::string_view line_ending_for_insert(std::size_t after_line) const;

  std::string bytes_;
  std::vector<Line> lines_;
  std::vector<Section> sections_;
};

struct AccountrcParse {
  ParseResult result;
  AccountrcDocument document;
};

}  // namespace mailmig
