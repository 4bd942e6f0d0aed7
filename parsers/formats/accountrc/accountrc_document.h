// Sylpheed's and Claws Mail's rc files (accountrc, clawsrc, sylpheedrc) as a lossless document:
// `[Section]` header lines, then `key=value` lines split at the first '='. Every byte is kept;
// serializing an unedited document gives the input back, and an edit replaces only value bytes
// (or inserts one line where the client itself would write it), as a span of the shared editor.
#pragma once

#include <cstddef>
#include <cstdint>
#include <memory>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include "parsers/formats/span_editor.h"
#include "src/model/lossless_document.h"
#include "src/model/parse_result.h"

namespace mailmig {

class AccountrcDocument final : public LosslessDocument {
 public:
  // std::uint32_t like Line's other bit-fields: the Windows ABI packs only bit-fields of one type
  // together, and Line must stay 8 bytes there too.
  enum class LineKind : std::uint32_t {
    Blank,     // empty after the line ending is removed (the client skips it)
    Header,    // "[...]"
    KeyValue,  // "key=value"
    Other,     // text without '=' inside a section (the client warns and ignores it)
  };

  // Where a line is in its section's bytes as parsed (`Section::original`), or, for a line added
  // since, in the section's `added` text. Its content ends before the first LF from `begin` and
  // the CRs before it (the client strips every trailing CR and LF), and its number follows from
  // its place: 8 bytes a line keep the index of a large file small (parse() refuses a line whose
  // key does not fit).
  struct Line {
    std::uint32_t begin = 0;
    std::uint32_t key_size : 28 = 0;  // KeyValue: the bytes before the first '='
    std::uint32_t added : 1 = 0;      // added since parse(): its text is in Section::added
    std::uint32_t edited : 1 = 0;     // its value is an edit of the span editor's (parsed lines)
    LineKind kind : 2 = LineKind::Blank;
  };
  static constexpr std::size_t kMaxKeySize = (std::size_t{1} << 28) - 1;

  // A section: its lines from the header to the line before the next header, as views of the
  // document's bytes. Edits go to the document's span editor; a section only keeps the text of
  // the lines added to it, so that reading an edited account costs no serialize().
  struct Section {
    std::string name;                   // the header without its brackets: "Account: 1", "Common"
    std::vector<Line> lines;            // lines[0] is the header
    std::string_view original;          // the section's bytes as parsed, line endings included
    std::size_t offset = 0;             // where `original` begins in the document
    std::size_t first_number = 0;       // the header's line number in the file as read
    std::string added;                  // "key=value\n" of each line added since
    const SpanEditor* edits = nullptr;  // the document's

    std::string_view key_of(const Line& line) const {
      if (line.kind != LineKind::KeyValue) return {};
      return text_of(line).substr(line.begin, line.key_size);
    }
    // Inline: an account's read looks up values of many lines of its section.
    std::string_view value_of(const Line& line) const {
      if (line.kind != LineKind::KeyValue) return {};
      if (line.edited) return edited_value(line);
      const std::size_t value_begin = line.begin + line.key_size + 1;
      return text_of(line).substr(value_begin, content_end(line) - value_begin);
    }
    // The 1-based number of a parsed line in the file as read; 0 for a line added since.
    std::size_t number_of(const Line& line) const;

   private:
    friend class AccountrcDocument;
    std::string_view text_of(const Line& line) const {
      return line.added ? std::string_view(added) : original;
    }
    // Where the line's content ends in text_of(line).
    std::size_t content_end(const Line& line) const {
      const std::string_view text = text_of(line);
      std::size_t end = text.find('\n', line.begin);
      if (end == std::string_view::npos) end = text.size();
      while (end > line.begin && text[end - 1] == '\r') --end;
      return end;
    }
    std::string_view edited_value(const Line& line) const;
  };

  AccountrcDocument();

  // Parses bytes, which the document keeps (moved in, a large file is not copied); on failure the
  // result says where (line and byte column) and what was expected, and `out` is left unchanged.
  static ParseResult parse(std::string input, AccountrcDocument& out);

  // The bytes given to parse().
  std::string original() const override { return text_->bytes; }
  // The file's bytes as they stand: the input, unchanged, until edited.
  std::string serialize() const override { return text_->edits.apply(text_->bytes); }
  // Whether serialize() differs from original(), found without building it.
  bool changed() const override { return text_->edits.changes(text_->bytes); }
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
  // A line set_value() added: where in its section's original bytes it goes, and its line ending.
  // The lines added at one offset are written, in line order, as one insertion there.
  struct AddedLine {
    std::uint32_t added_begin = 0;  // its Line::begin in Section::added
    std::uint32_t at = 0;           // offset in Section::original
    bool ending_first = false;      // after a last line without a newline: "\nkey=value"
    bool crlf = false;
  };
  // The bytes and their edits stay where they are when the document moves: sections view them.
  struct Text {
    std::string bytes;
    SpanEditor edits;
  };

  void replace_line_value(Section& section, std::size_t line_index, std::string_view value);
  void write_insertion(const Section& section, std::uint32_t at);
  AddedLine& added_line(std::size_t section_index, std::uint32_t added_begin);

  std::unique_ptr<Text> text_;
  std::vector<Section> sections_;
  std::vector<std::vector<AddedLine>> added_lines_;  // by section, filled on the first addition
  // name -> first such section; built at the first find_section(), as a plan of a large
  // accountrc finds its sections by index and never by name.
  mutable std::unordered_map<std::string, std::size_t> section_index_;
  mutable bool section_index_built_ = false;
  std::string first_line_ending_ = "\n";
};

}  // namespace mailmig
