// Sylpheed's and Claws Mail's rc files (accountrc, clawsrc, sylpheedrc) as a lossless document:
// `[Section]` header lines, then `key=value` lines split at the first '='. Every byte is kept;
// serializing an unedited document gives the input back, and an edit splices only value bytes
// (or inserts one line where the client itself would write it).
#pragma once

#include <cstddef>
#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include "src/model/parse_result.h"

namespace mailmig {

class AccountrcDocument {
 public:
  enum class LineKind : std::uint8_t {
    Blank,     // empty after the line ending is removed (the client skips it)
    Header,    // "[...]"
    KeyValue,  // "key=value"
    Other,     // text without '=' inside a section (the client warns and ignores it)
  };

  // Offsets into its section's bytes. `content_end` excludes the line ending (the client strips
  // every trailing CR and LF); the line ends, its ending included, where the next one begins
  // (Section::end_of). 16 bytes a line keep the index of a large file small; parse() refuses a
  // section or a line number that does not fit.
  struct Line {
    std::uint32_t number : 30 = 0;  // 1-based, in the file as read (0 for a line added since)
    LineKind kind : 2 = LineKind::Blank;
    std::uint32_t begin = 0;
    std::uint32_t content_end = 0;
    std::uint32_t value_begin = 0;  // KeyValue: just after the first '=' (the key ends before it)
  };
  static constexpr std::size_t kMaxLineNumber = (std::size_t{1} << 30) - 1;

  // A section holds its own bytes, from its header line to the line before the next header, so
  // that an edit costs the size of the section, not of the file.
  struct Section {
    std::string name;         // the header without its brackets: "Account: 1", "Common"
    std::string bytes;        // the section's lines, line endings included
    std::vector<Line> lines;  // lines[0] is the header

    // Where lines[index] ends, its line ending included.
    std::uint32_t end_of(std::size_t index) const {
      return index + 1 < lines.size() ? lines[index + 1].begin
                                      : static_cast<std::uint32_t>(bytes.size());
    }
    // Inline: an account's read looks up keys of every line of its section.
    std::string_view content(const Line& line) const {
      return std::string_view(bytes).substr(line.begin, line.content_end - line.begin);
    }
    std::string_view key_of(const Line& line) const {
      if (line.kind != LineKind::KeyValue) return {};
      return std::string_view(bytes).substr(line.begin, line.value_begin - 1 - line.begin);
    }
    std::string_view value_of(const Line& line) const {
      if (line.kind != LineKind::KeyValue) return {};
      return std::string_view(bytes).substr(line.value_begin, line.content_end - line.value_begin);
    }
  };

  // Parses bytes (copied into the sections); on failure the result says where (line and byte
  // column) and what was expected, and `document` is left unchanged.
  static ParseResult parse(std::string_view bytes, AccountrcDocument& document);

  // The whole file: the blank lines before the first section, then every section (the input,
  // unchanged, until edited).
  std::string serialize() const;
  // serialize() == other, without building serialize().
  bool has_bytes(std::string_view other) const;
  const std::vector<Section>& sections() const { return sections_; }

  // The first section with this name.
  const Section* find_section(std::string_view name) const;
  // The value the client uses: of the last line with this key, as the client reads the file
  // top to bottom and each line overwrites the one before.
  std::optional<std::string_view> value(const Section& section, std::string_view key) const;
  // Index into section.lines of the line that value() reads.
  std::optional<std::size_t> effective_line(const Section& section, std::string_view key) const;

  // Replaces the value of `key` in section `section_name` (its effective line), or adds a
  // `key=value` line when the key is missing: right after the nearest key that precedes it in
  // `client_order`, right after the header when none precedes it, or at the end of the section
  // (before its blank separator) when the key is not in `client_order`. The new line takes the
  // line ending of the line it follows (else the file's first). Returns false, changing
  // nothing, for an unknown section or a value the format cannot hold (CR, LF or NUL).
  bool set_value(std::string_view section_name, std::string_view key, std::string_view value,
                 std::span<const std::string_view> client_order);
  // The same for the section at this index of sections().
  bool set_value(std::size_t section_index, std::string_view key, std::string_view value,
                 std::span<const std::string_view> client_order);
  // Replaces the value of the key-value line at `line_index` of section `section_index`, for a
  // caller that knows the key's effective line (an account's key table): set_value() without
  // looking for it. Returns false, changing nothing, for another kind of line or a value the
  // format cannot hold.
  bool replace_value(std::size_t section_index, std::size_t line_index, std::string_view value);

 private:
  std::string_view line_ending_for_insert(const Section& section, std::size_t after_line) const;
  static void replace_line_value(Section& section, std::size_t line_index, std::string_view value);

  std::string preamble_;  // blank lines before the first header
  std::vector<Section> sections_;
  // name -> first such section; built at the first find_section(), as a plan of a large
  // accountrc finds its sections by index and never by name.
  mutable std::unordered_map<std::string, std::size_t> section_index_;
  mutable bool section_index_built_ = false;
  std::string first_line_ending_ = "\n";
};

}  // namespace mailmig
