// A Becky! 2 settings file (Mailbox.ini): a Windows INI file in CP932 (Shift_JIS), held as
// spans over its original bytes so that an unedited document serializes to exactly its input.
// Edits are span replacements (a value's bytes, the lines added to a section), never a re-parse.
#pragma once

#include <cstddef>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "parsers/formats/span_editor.h"
#include "src/model/lossless_document.h"
#include "src/model/parse_result.h"

namespace mailmig {

class BeckyIniDocument final : public LosslessDocument {
 public:
  // Parses `bytes`. On failure the error names the line (and byte column); `document` is left
  // unchanged. Rejects NUL bytes, invalid CP932 in section or key lines, a key before any
  // section and a section header without ']'.
  static ParseResult parse(std::string bytes, BeckyIniDocument& document);

  // The bytes given to parse().
  std::string original() const override { return bytes_; }
  // The file's bytes as they stand: the input, unchanged, until edited.
  std::string serialize() const override { return edits_.apply(bytes_); }
  // Whether serialize() differs from original(), found without building it.
  bool changed() const override { return edits_.changes(bytes_); }

  // The value of the first `key` in the first `section` (names compared case-insensitively, as
  // Windows does), decoded to UTF-8 and without the spaces Windows trims.
  std::optional<std::string> value(std::string_view section, std::string_view key) const;
  bool has_section(std::string_view section) const;

  // Replaces the value's bytes, or adds `key=value` after the last line of the section in the
  // file's line ending. The value is encoded to CP932; text CP932 cannot hold is an error.
  ParseResult set_value(std::string_view section, std::string_view key, std::string_view value);

  // The text decoded to UTF-8 with the value of every key whose name contains "pass" replaced by
  // "********".
  std::string display_text() const;

 private:
  enum class LineKind { Blank, Comment, Section, Entry, Other };
  struct Line {
    std::size_t begin = 0;
    std::size_t content_end = 0;  // before the line ending
    std::size_t end = 0;          // after the line ending
    LineKind kind = LineKind::Blank;
    std::size_t name_begin = 0, name_end = 0;    // section or key name
    std::size_t equals = 0;                      // entries only: the '='
    std::size_t value_begin = 0, value_end = 0;  // entries only
    std::size_t section = 0;                     // index into sections_ (lines after a header)
  };
  // A key set_value added to a section (CP932), written after the section's last line.
  struct AddedEntry {
    std::string key;
    std::string value;
  };
  struct Section {
    std::size_t header_line = 0;
    std::size_t last_line = 0;  // the last non-blank line that belongs to the section
    std::vector<AddedEntry> added;
  };

  std::string_view slice(std::size_t begin, std::size_t end) const {
    return std::string_view(bytes_).substr(begin, end - begin);
  }
  std::optional<std::size_t> find_section(std::string_view cp932_name) const;
  std::optional<std::size_t> find_entry(std::size_t section, std::string_view cp932_key) const;
  std::string_view line_ending_near(const Line& line) const;
  // The value of an entry line as it stands (CP932).
  std::string_view current_value(const Line& line) const;
  // Writes the section's added entries as one insertion after its last line.
  void write_added(const Section& section);
  std::string display_text_of_original() const;

  std::string bytes_;
  SpanEditor edits_;
  std::vector<Line> lines_;
  std::vector<Section> sections_;
};

}  // namespace mailmig
