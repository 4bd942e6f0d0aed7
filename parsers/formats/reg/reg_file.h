// A lossless regedit export (.reg): REGEDIT4 in an ANSI code page, or "Windows Registry Editor
// Version 5.00" in UTF-16LE with a BOM. Lines are classified the way Wine's regedit import
// (programs/regedit/regproc.c) reads them; every byte, including lines regedit ignores or
// rejects, is kept, so serializing an unedited file gives back its input.
#pragma once

#include <array>
#include <cstddef>
#include <cstdint>
#include <deque>
#include <optional>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include "parsers/formats/reg/reg_key_index.h"
#include "parsers/formats/span_editor.h"
#include "src/model/lossless_document.h"
#include "src/model/parse_result.h"

namespace mailmig {

enum class RegEncoding { Ansi, Utf16Le };

enum class RegLineKind : std::uint8_t {
  Header,
  Blank,
  Comment,        // first non-blank character ';'
  Key,            // [HKEY_...\path] that regedit opens
  KeyDeletion,    // [-HKEY_...\path]
  Value,          // "name"=data or @=data, possibly continued over several lines
  ValueDeletion,  // "name"=-
  Opaque,         // anything regedit ignores or rejects; it never becomes a value
};

// How the data is written: "..." (REG_SZ), dword:, hex: or hex(T):.
enum class RegDataKind : std::uint8_t { String, Dword, Hex };

inline constexpr std::uint32_t kRegSz = 1;
inline constexpr std::uint32_t kRegBinary = 3;
inline constexpr std::uint32_t kRegDword = 4;

struct RegValue {
  std::string name;  // UTF-8, unescaped; "" is the default value (@)
  RegDataKind kind = RegDataKind::String;
  std::uint32_t type = kRegSz;  // REG_* as written: 1 for "...", 4 dword:, 3 hex:, T hex(T):
  std::string text;             // String: UTF-8, unescaped
  std::uint32_t dword = 0;      // Dword
  std::string bytes;            // Hex: the data bytes as regedit imports them

  static RegValue string(std::string name, std::string utf8);
  static RegValue dword_value(std::string name, std::uint32_t number);
  static RegValue binary(std::string name, std::string data, std::uint32_t type = kRegBinary);
};

// An entry is offsets into the document's text (its value is decoded when asked for:
// RegFile::value), as a large export has a million of them: 24 bytes. What the text tells
// is found there when asked for: line numbers, where the lines end and where the data starts
// (RegFile::first_line, last_line, entry_end, data_begin).
// Where a name stands in its entry's first line: bytes after the entry's start, and its size.
// 16 bits each, as a large export has a million entries: a value name longer than that (regedit
// writes up to 16,383 characters) is read by decoding it, and a key path longer is refused.
struct RegNameSpan {
  std::uint16_t offset = 0;
  std::uint16_t size = 0;
};

struct RegEntry {
  RegLineKind kind = RegLineKind::Opaque;
  bool edited = false;  // set_value or add_value wrote it (RegFile::edited_entries)
  // Value and ValueDeletion entries whose name is written without escapes and is its UTF-8
  // spelling, and Key and KeyDeletion entries whose path is: its span in the text as parsed
  // (name_begin, name_size), so that look-ups compare it where it stands.
  bool name_as_written = false;
  RegDataKind data_kind = RegDataKind::String;  // Value: how its data is written
  // 32 bits, as a document's text is below 4 GiB (RegFile::parse refuses more).
  std::uint32_t begin = 0;        // byte span in the document's text, line endings included
  std::uint32_t content_end = 0;  // where the last line's ending starts
  // Every entry after the header: index of the Key entry whose section it is in, or npos.
  std::uint32_t section = npos;
  // Value and ValueDeletion: the name as written (see name_as_written); Key and KeyDeletion: the
  // path between the brackets (after the '-' of a deletion), which RegFile::raw_key_path gives.
  // A value add_value added has no span: its slot holds the value's index among the added ones.
  union {
    RegNameSpan name_span{};
    std::uint32_t added_index;
  };

  std::uint32_t name_begin() const { return begin + name_span.offset; }
  std::uint32_t name_size() const { return name_span.size; }
  // Sets name_span to [name_begin, name_begin + size); false when it does not fit in 16 bits.
  bool set_name_span(std::size_t name_begin, std::size_t size) {
    const std::size_t offset = name_begin - begin;
    if (offset > UINT16_MAX || size > UINT16_MAX) return false;
    name_span = {static_cast<std::uint16_t>(offset), static_cast<std::uint16_t>(size)};
    return true;
  }

  // Indexes are 32-bit like the offsets (an entry holds at least one byte of the text, and each
  // added value one entry).
  static constexpr std::uint32_t npos = static_cast<std::uint32_t>(-1);
};
static_assert(sizeof(RegEntry) <= 20, "a large export has a million entries");

// Case-insensitive (ASCII) comparison of key paths and value names. Inline, since look-ups compare
// many names: most differ in length, and names are short, so a loop that folds case only where
// bytes differ beats a memcmp call and a second pass.
inline bool reg_names_equal(std::string_view a, std::string_view b) {
  if (a.size() != b.size()) return false;
  for (std::size_t i = 0; i < a.size(); ++i) {
    if (a[i] == b[i]) continue;
    // Equal but for ASCII case: they differ in the 0x20 bit only, and are letters.
    const char lower = static_cast<char>(a[i] | 0x20);
    if ((a[i] ^ b[i]) != 0x20 || lower < 'a' || lower > 'z') return false;
  }
  return true;
}

// Edits return a ParseResult: ok, or why the document was left as it was (no line: 0).
class RegFile final : public LosslessDocument {
 public:
  // `ansi_codepage` (an iconv name) decodes files without a UTF-16 BOM; regedit reads them in
  // the system's ANSI code page, CP932 on Japanese Windows.
  static ParseResult parse(std::string_view bytes, RegFile& out,
                           const char* ansi_codepage = "CP932");
  // The same, taking the bytes: an ANSI file's text is its bytes, kept without a copy (a large
  // export is tens of megabytes), and a UTF-16 file's bytes are freed once decoded.
  static ParseResult parse_owned(std::string bytes, RegFile& out,
                                 const char* ansi_codepage = "CP932");

  // The file's bytes with the edits: the input, unchanged, until edited.
  std::string serialize() const override;
  // The bytes given to parse(): for ANSI files the text itself, for UTF-16 files encoded again
  // from it (exactly the input, as the parse refuses what would not convert back).
  std::string original() const override { return encode_text(text_); }
  // Whether serialize() differs from original(), found without building either.
  bool changed() const override;

  RegEncoding encoding() const { return encoding_; }
  int version() const { return version_; }  // 4 (REGEDIT4) or 5
  const std::string& codepage() const { return codepage_; }
  // The first line ending in the file; CRLF when it has none.
  const std::string& line_ending() const { return line_ending_; }
  // The entries as parsed (values added since are not among them).
  const std::vector<RegEntry>& entries() const { return entries_; }
  // Where a parsed entry's final line ending ends: the next entry's begin, as the entries cover
  // the text line by line.
  std::uint32_t entry_end(const RegEntry& entry) const;
  // An entry's first and last line (1-based) in the file as parsed; both are the line an added
  // value follows. Counted in the text: for messages, not for loops over the entries.
  std::uint32_t first_line(const RegEntry& entry) const;
  std::uint32_t last_line(const RegEntry& entry) const;
  // A parsed Value entry's data: where it starts after the '=', in the text as parsed.
  std::uint32_t data_begin(const RegEntry& entry) const;

  // first_line counts from the first line of every so many entries, which the file keeps.
  static constexpr std::size_t kLineCheckpointStride = 256;

  // The document's text as parsed (edits are not in it): the file's bytes for ANSI files, UTF-8
  // (after the BOM) for UTF-16.
  const std::string& text() const { return text_; }
  // An entry's lines without the final line ending, in the document's text encoding, with edits.
  std::string_view entry_content(const RegEntry& entry) const;
  // The entry that decided the value in the file as parsed, before any edit (see find_entry),
  // and its lines as parsed.
  const RegEntry* find_parsed_entry(std::string_view key_path, std::string_view name) const;
  std::string_view parsed_content(const RegEntry& entry) const;
  // Whether the entry was read from the file (false: add_value added it).
  bool was_parsed(const RegEntry& entry) const;
  // The entries set_value and add_value wrote, each once, in the order of their first edit: a
  // value's entry does not change once it is edited (later edits rewrite the same entry).
  std::vector<const RegEntry*> edited_entries() const;

  // A Key or KeyDeletion entry's path (UTF-8), and as written in the document's text.
  std::string_view key_path(const RegEntry& entry) const;
  std::string_view raw_key_path(const RegEntry& entry) const {
    return std::string_view(text_).substr(entry.name_begin(), entry.name_size());
  }

  // The paths of the keys regedit opens, each once (first spelling), in file order. The overload
  // lists only the keys whose first spelling keep(path) accepts; it asks keep before looking the
  // path up, so that the other keys are neither looked up nor copied.
  std::vector<std::string> key_paths() const;
  template <typename Keep>
  std::vector<std::string> key_paths(Keep keep) const {
    std::vector<std::string> paths;
    for (std::size_t i = 0; i < entries_.size(); ++i) {
      if (entries_[i].kind != RegLineKind::Key) continue;
      const std::string_view path = key_path(entries_[i]);
      // The first spelling: the path's first Key entry.
      if (keep(path) && find_sections(path).front() == i) paths.emplace_back(path);
    }
    return paths;
  }
  // The entry that decides a value after import (the last setting or deletion of it); nullptr
  // when the value is never written. Paths and names compare case-insensitively like Windows.
  const RegEntry* find_entry(std::string_view key_path, std::string_view name) const;
  // The value as regedit would import it, or nullopt when it is absent or deleted.
  std::optional<RegValue> find_value(std::string_view key_path, std::string_view name) const;
  // A Value entry's value (a ValueDeletion's: the name only), decoded from its lines with edits.
  RegValue value(const RegEntry& entry) const;
  // A Value or ValueDeletion entry's name (UTF-8).
  std::string value_name(const RegEntry& entry) const;

  // Replaces an existing value's whole logical line(s) by what regedit exports for it.
  ParseResult set_value(std::string_view key_path, const RegValue& value);
  ParseResult set_dword(std::string_view key_path, std::string_view name, std::uint32_t number);
  ParseResult set_binary(std::string_view key_path, std::string_view name, std::string_view data);
  ParseResult set_string(std::string_view key_path, std::string_view name, std::string_view utf8);
  // Adds a value after the last value line of the key's last section.
  ParseResult add_value(std::string_view key_path, const RegValue& value);
  // set_value when the value is present, add_value otherwise.
  ParseResult put_value(std::string_view key_path, const RegValue& value);
  // Rewrites the value's line(s) as `"name"=-`, which deletes it on import; find_value no
  // longer sees it. A value that is not there is left alone (success).
  ParseResult delete_value(std::string_view key_path, std::string_view name);

  // The names of the values the key holds after import, edits included, each once (its first
  // spelling), in file order.
  std::vector<std::string> value_names(std::string_view key_path) const;
  // Whether the key exists after import: opened by a key line (its own or a subkey's, as
  // regedit creates the keys above one it opens) that no later deletion removes.
  bool has_key(std::string_view key_path) const;

  // The line regedit exports for a value (continuation lines in this file's line ending), in
  // the document's text encoding, without the final line ending.
  ParseResult format_value_line(const RegValue& value, std::string& line) const;
  // `"name"=-` in the document's text encoding.
  ParseResult format_value_deletion(std::string_view name, std::string& line) const;

  // A file in this file's header, encoding and line ending holding only the given keys, each
  // with its lines (document text encoding), laid out as regedit exports.
  struct Section {
    std::string raw_key_path;
    std::vector<std::string> lines;
  };
  std::string render_export(const std::vector<Section>& sections) const;

  // The hash the key index files a path under: the same for every spelling of the path in ASCII
  // case, as Windows compares them, and seeded per process, so that a file cannot hold many
  // paths of one hash (each look-up would walk them all).
  static std::uint64_t path_hash(std::string_view path);

  // Text in the document's encoding to bytes of the file (BOM added for UTF-16).
  std::string encode_text(std::string_view text) const;

 private:
  // parse(), moving the text out of `owned` (which holds `bytes`) when it is given.
  static ParseResult parse(std::string_view bytes, std::string* owned, RegFile& out,
                           const char* ansi_codepage);
  // A formatted UTF-8 line in the document's text encoding; `name` names it in errors.
  ParseResult encode_text_line(std::string_view utf8, std::string_view name,
                               std::string& out) const;

  // Edits are span replacements of the parsed text (an edit costs its own lines, not a copy
  // and a new parse of the whole file): a parsed entry's lines are replaced, and the values
  // added after an entry are one insertion after its line ending (before it for a last line
  // without one), rebuilt when one of them is added or edited.
  struct AddedLine {
    std::string content;                        // without the final line ending
    std::string name;                           // the value's name, as added
    std::uint32_t anchor;                       // the parsed entry they follow
    std::uint32_t next_added = RegEntry::npos;  // the entry added after this one, or npos
  };
  void rebuild_insertion(std::size_t anchor);
  // Replaces an entry's lines (not its final line ending) by `content`.
  void replace_lines(RegEntry& entry, std::string content);
  void build_index();
  // The added line of a value add_value added; nullptr for a parsed entry.
  const AddedLine* added_line(const RegEntry& entry) const;
  // The first entry added after entry `index` (parsed or added), or npos.
  std::size_t next_added(std::size_t index) const;
  void set_next_added(std::size_t index, std::size_t added);
  RegKeyIndex::Sections find_sections(std::string_view key_path) const;
  // Calls visit(index) for the entries of the section that starts at Key entry `key`, in file
  // order, added entries included.
  template <typename Visit>
  void for_each_in_section(std::size_t key, Visit visit) const;
  const RegEntry* find_entry(std::string_view key_path, std::string_view name,
                             bool with_edits) const;
  std::size_t find_index(std::string_view key_path, std::string_view name, bool with_edits) const;
  // Whether a formatted value line reads back as `value`, as regedit would read it inside a key.
  bool reads_back(std::string_view line, const RegValue& value) const;
  // Whether entry `index` (parsed or added) is a Value or ValueDeletion of that name.
  bool is_value_named(std::size_t index, std::string_view name) const;
  // The rest of is_value_named, apart so that its usual case inlines: the name decoded.
  bool has_decoded_name(const RegEntry& entry, std::string_view name) const;
  // A parsed entry's lines as set_value or delete_value replaced them, or nullptr.
  std::optional<std::string_view> replacement(const RegEntry& entry) const;
  // The usual value decoded where it stands, without a reader: a parsed, unedited value whose
  // name is as written, holding a string without escapes (or other than ASCII in an ANSI file),
  // a dword, or hex bytes of two digits each. False leaves the rest to the reader.
  bool read_plain_value(const RegEntry& entry, RegValue& value) const;

  // set_value for the value's entry, found by index.
  ParseResult set_entry(std::size_t found, const RegValue& value);

  // An entry by index: entries_ (as parsed), then added_.
  const RegEntry& entry_at(std::size_t index) const;
  RegEntry& entry_at(std::size_t index);

  std::string text_;
  SpanEditor editor_;
  // The values add_value added, apart from the parsed entries so that a large file's entries are
  // never copied to grow (a deque does not move them), and their lines (RegEntry::added_index).
  std::deque<RegEntry> added_;
  std::deque<AddedLine> added_lines_;
  // Parsed entry -> the first value added after it (AddedLine::next_added links the others).
  std::unordered_map<std::uint32_t, std::uint32_t> first_added_after_;
  // Key entries by the hash of their path (path_hash), each path's sections apart (two paths
  // whose hashes collide are two elements): entry indexes, not copies of the paths or views of
  // the text, so that a copied file's index holds as it is.
  RegKeyIndex key_sections_;
  std::vector<std::size_t> key_deletions_;  // KeyDeletion entries
  // The last path looked up and its sections: reading or writing an account asks for one key's
  // values dozens of times in a row, and hashing a long path costs more than comparing it.
  RegKeyIndex::Sections sections_of(std::string_view key_path) const;
  // The index the cache was filled from: a copied or moved file does not use it.
  mutable const void* last_index_ = nullptr;
  mutable std::string last_path_;
  mutable RegKeyIndex::Sections last_sections_;
  RegEncoding encoding_ = RegEncoding::Ansi;
  int version_ = 4;
  std::string codepage_ = "CP932";
  bool keeps_ascii_ = true;  // the code page reads ASCII bytes as ASCII (keeps_ascii() in the .cpp)
  std::string line_ending_ = "\r\n";
  std::array<bool, 256> lead_bytes_{};
  std::vector<RegEntry> entries_;
  // Key and KeyDeletion entries whose path is not as written (not name_as_written): by index,
  // the path decoded to UTF-8. Only ANSI files with paths other than ASCII have them.
  std::unordered_map<std::uint32_t, std::string> decoded_key_paths_;
  std::vector<std::uint32_t> edited_;            // edited_entries(), by index
  std::vector<std::uint32_t> line_checkpoints_;  // first_line of entry k * kLineCheckpointStride
};

}  // namespace mailmig
