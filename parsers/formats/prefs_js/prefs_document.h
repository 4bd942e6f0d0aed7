// prefs.js and user.js as a lossless document: Mozilla's own prefs grammar (libpref's parser),
// with the byte span of every pref statement and value so that edits replace only those bytes.
//
// A profile's prefs.js can hold hundreds of thousands of prefs, so the document keeps the bytes
// once, a small fixed-size entry per statement (offsets, no copies) and a hash index by name.
// Edits are span replacements through the shared SpanEditor (a new value literal, a removed line,
// the lines inserted at one offset) instead of re-parsing; reads see them, and serialize() builds
// the new bytes in one pass.
#pragma once

#include <cstddef>
#include <cstdint>
#include <map>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "parsers/formats/span_editor.h"
#include "src/model/lossless_document.h"
#include "src/model/parse_result.h"
#include "src/util/huge_pages.h"

namespace mailmig {

// User files (prefs.js, user.js) accept only `user_pref` without attributes; default files
// (defaults/pref/*.js) also accept `pref`, `sticky_pref` and the `sticky` / `locked` attributes.
enum class PrefsFileKind { User, Default };

enum class PrefType : std::uint8_t { String, Int, Bool };
enum class PrefSpecifier : std::uint8_t { Pref, StickyPref, UserPref };

// One pref statement. Offsets index the bytes given to parse() (for a statement inserted since,
// the text of the lines inserted with it at one offset); PrefsDocument::name() and
// string_value() decode them.
struct PrefEntry {
  std::uint32_t line = 0;             // line of the specifier keyword; 0 for an inserted line
  std::uint32_t statement_begin = 0;  // the specifier keyword
  std::uint32_t statement_end = 0;    // just after the ';'
  std::uint32_t value_begin = 0;      // the value token, a leading sign included
  std::uint32_t value_end = 0;
  std::uint32_t name_begin = 0;  // the name's bytes, or its decoded copy when it holds escapes
  std::uint32_t name_end = 0;
  std::int32_t int_value = 0;
  PrefSpecifier specifier = PrefSpecifier::UserPref;
  PrefType type = PrefType::Bool;
  bool bool_value = false;
  bool sticky = false;
  bool locked = false;
  std::uint8_t flags = 0;  // PrefsDocument's bookkeeping (the k* bits below)

  static constexpr std::uint8_t kNameDecoded = 1;     // name_* index the decoded names
  static constexpr std::uint8_t kInserted = 2;        // a line added by an edit
  static constexpr std::uint8_t kRemoved = 4;         // removed by an edit
  static constexpr std::uint8_t kValueEdited = 8;     // its value literal was replaced
  static constexpr std::uint8_t kHasDuplicates = 16;  // an earlier statement has its name
  static constexpr std::uint8_t kEolFirst = 32;       // inserted as line ending + statement
  static constexpr std::uint8_t kEolShift = 6;        // inserted line ending: 0 LF, 1 CRLF, 2 CR

  bool removed() const { return (flags & kRemoved) != 0; }
};

class PrefsDocument final : public LosslessDocument {
 public:
  // Parses like Mozilla: every error is collected and parsing resumes after the next ';'.
  // Returns the first error (message prefixed "prefs parse error: " as Mozilla prints it), or
  // success. Unlike the other formats, `document` holds the prefs that did parse either way,
  // as Thunderbird keeps them. Bytes past 4 GiB are refused.
  static ParseResult parse(std::string bytes, PrefsDocument& document,
                           PrefsFileKind kind = PrefsFileKind::User);

  bool ok() const { return errors_.empty(); }
  // Every error: the line where Mozilla notices it, the byte column of the token it was noticed
  // at, and Mozilla's text (e.g. "expected ')' after pref value").
  const std::vector<ParseResult>& errors() const { return errors_; }
  // Every statement parsed, in the order of the bytes, then every statement inserted since;
  // an edit marks the statements it removes as removed().
  std::span<const PrefEntry> entries() const { return entries_; }
  // The decoded name of an entry, valid until the next edit.
  std::string_view name(const PrefEntry& entry) const;
  // The current decoded value of a String entry.
  std::string string_value(const PrefEntry& entry) const;

  // Lookups follow libpref: the last statement of a name wins. They see every edit.
  const PrefEntry* find(std::string_view name) const;
  std::optional<PrefType> type_of(std::string_view name) const;
  std::optional<std::string> get_string(std::string_view name) const;
  std::optional<std::int32_t> get_int(std::string_view name) const;
  std::optional<bool> get_bool(std::string_view name) const;
  // Every pref name that starts with `prefix` and is set, once each, in byte order; the views
  // are valid until the next edit.
  std::vector<std::string_view> names_with_prefix(std::string_view prefix) const;
  // Every String pref whose name starts with `name_prefix` and whose value starts with
  // `value_prefix`, once each, in byte order. The first query of a name prefix indexes the values
  // of its prefs, so that a query costs the prefs found, not the file; edits keep that index.
  std::vector<std::string> names_with_value_prefix(std::string_view name_prefix,
                                                   std::string_view value_prefix) const;

  // Replace the value token of the last statement of `name`, or insert a new
  // `user_pref("name", value);` line where Thunderbird's byte-sorted order puts it (at the end
  // when the file is not sorted). An existing pref keeps its type: false (and no edit) when it
  // holds another type, or when a string contains a NUL byte, which no pref file can carry.
  bool set_string(std::string_view name, std::string_view value);
  bool set_int(std::string_view name, std::int32_t value);
  bool set_bool(std::string_view name, bool value);

  // Removes every statement of `name`: the whole line with its line ending when the statement
  // is alone on its line(s), else just the statement. False when there was none.
  bool remove(std::string_view name);

  // The current bytes, built in one pass from the bytes and the edits: the input, unchanged,
  // until edited.
  std::string serialize() const override;
  // The bytes given to parse().
  std::string original() const override { return reparsed_ ? original_ : text_; }
  // Whether serialize() differs from original(), found without building the new bytes.
  bool changed() const override;
  // The file's line ending ("\r\n", "\r" or "\n"), from its first line; "\n" without one.
  std::string_view line_ending() const;

 private:
  // Whether the live statements are in byte order, as Thunderbird writes them: Unchecked until
  // the first insertion needs it; Unknown after an edit that may have changed it (the next
  // insertion parses the current bytes again).
  enum class Order { Unchecked, Empty, Sorted, Unsorted, Unknown };
  struct Probe {
    std::size_t slot;   // where the name's probe sequence starts
    std::uint32_t tag;  // the bits of its hash kept above the entry number in a slot
  };

  ParseResult read(std::string bytes, PrefsFileKind kind);
  void parse_text(PrefsFileKind kind);
  void build_index();
  // Indexes entry `number`, whose name probes from `where`.
  void index_entry(std::uint32_t number, Probe where);
  Probe probe(std::string_view name) const;
  // The entry number a slot holds when it holds `name`.
  std::optional<std::uint32_t> number_in(std::uint32_t slot_value, std::uint32_t tag,
                                         std::string_view name) const;
  void find_order();
  // Adds a String entry's current value to the value indexes of the name prefixes it has.
  void index_value(std::uint32_t number);
  // Applies the edits to the bytes and parses them again: the rare edits whose effect on their
  // neighbours the span edits do not model are made on freshly parsed bytes instead.
  void reparse_current();

  PrefEntry* find_live(std::string_view name);
  std::string_view literal(const PrefEntry& entry) const;
  std::string_view statement(const PrefEntry& entry, std::string& scratch) const;
  // The text of the lines inserted with an inserted entry, which its offsets index.
  std::string_view inserted_text(const PrefEntry& entry) const;
  bool set_literal(std::string_view name, PrefType type, const std::string& literal,
                   std::int32_t int_value, bool bool_value);
  // False, changing nothing, when the value's bytes overlap another edit.
  bool replace_value(std::uint32_t number, const std::string& literal);
  void insert_line(std::string_view name, PrefType type, const std::string& literal,
                   std::int32_t int_value, bool bool_value);
  bool insert_sorted(std::string_view line, std::size_t literal_size);
  bool insert_at_end(std::string_view line, std::size_t literal_size);
  // Adds an inserted entry for `line` to the lines that go at `at`, as the position-th; false,
  // changing nothing, when `at` lies inside an edited span.
  bool place_line(std::uint32_t at, std::size_t position, std::string_view line,
                  std::size_t literal_size, bool eol_first);
  // Moves the inserted lines of the group at `at` from `position` on by `delta` bytes.
  void shift_lines(std::uint32_t at, std::size_t position, std::ptrdiff_t delta);
  bool remove_statement(std::uint32_t number);
  // Whether no edit but the statement's own value touches the line(s) [first, line_end].
  bool clear_around(std::uint32_t first, std::uint32_t line_end, const PrefEntry& own) const;

  std::string text_;      // the bytes as last parsed
  std::string original_;  // the bytes given to parse(), once the text was parsed again
  bool reparsed_ = false;
  PrefsFileKind kind_ = PrefsFileKind::User;
  // The two large arrays of a large file, in memory that huge pages can back.
  std::vector<PrefEntry, LargeArrayAllocator<PrefEntry>> entries_;
  std::uint32_t parsed_count_ = 0;  // entries_[0, parsed_count_) were parsed from text_
  std::vector<ParseResult> errors_;
  // For names_with_value_prefix(), the values of one name prefix's String prefs, each with its
  // entry number. The values of parsed literals without escapes view text_ and are sorted once;
  // the others, and every value an edit sets since, are copies. A query skips items that no
  // longer hold (a value changed since, a statement removed or shadowed).
  struct ValueIndex {
    std::vector<std::pair<std::string_view, std::uint32_t>> parsed;
    std::multimap<std::string, std::uint32_t, std::less<>> copied;
  };
  mutable std::map<std::string, ValueIndex, std::less<>> value_indexes_;
  std::uint32_t parsed_end_ = 0;  // where parsing stopped: the text's end or a NUL byte
  std::string names_;             // decoded names: those holding escapes, and inserted ones
  // Open addressing by name hash: 1 + the number of the last statement of a name in the low
  // slot_bits_ bits, and above them the same bits of the name's hash, so that most probes that
  // meet another name are settled without reading it; 0 = free.
  std::vector<std::uint32_t, LargeArrayAllocator<std::uint32_t>> slots_;
  std::uint32_t slot_bits_ = 0;
  std::uint32_t indexed_ = 0;  // names in slots_
  SpanEditor edits_;           // every edit of text_
  // The inserted entries by the offset of text_ their lines are inserted at (one insertion of
  // edits_ holds them all), in the order of those lines; and each one's offset, by its number
  // minus parsed_count_.
  std::map<std::uint32_t, std::vector<std::uint32_t>> inserted_lines_;
  std::vector<std::uint32_t> inserted_at_;
  Order order_ = Order::Unchecked;
  std::uint32_t descent_ = 0;  // when Unsorted: entries descent_ - 1 and descent_ are out of order
  std::uint32_t live_ = 0;     // statements not removed
};

// Thunderbird's StrEscape: double quotes around the bytes, with only LF, CR, backslash and the
// double quote escaped (`\n`, `\r`, `\\`, `\"`); everything else is written raw.
std::string escape_pref_string(std::string_view value);

}  // namespace mailmig
