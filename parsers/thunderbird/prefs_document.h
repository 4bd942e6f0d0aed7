// prefs.js and user.js as a lossless document: Mozilla's own prefs grammar (libpref's parser),
// with the byte span of every pref statement and value so that edits replace only those bytes.
#pragma once

#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "src/model/parse_result.h"

namespace mailmig {

// User files (prefs.js, user.js) accept only `user_pref` without attributes; default files
// (defaults/pref/*.js) also accept `pref`, `sticky_pref` and the `sticky` / `locked` attributes.
enum class PrefsFileKind { User, Default };

enum class PrefType { String, Int, Bool };
enum class PrefSpecifier { Pref, StickyPref, UserPref };

struct PrefsError {
  std::size_t line = 0;
  std::string message;  // Mozilla's text, e.g. "expected ')' after pref value"
};

// One successfully parsed pref statement. Offsets index the document's bytes.
struct PrefEntry {
  PrefSpecifier specifier = PrefSpecifier::UserPref;
  std::string name;  // decoded bytes (escapes resolved)
  PrefType type = PrefType::Bool;
  std::string string_value;
  std::int32_t int_value = 0;
  bool bool_value = false;
  bool sticky = false;
  bool locked = false;
  std::size_t line = 0;             // line of the specifier keyword
  std::size_t statement_begin = 0;  // the specifier keyword
  std::size_t statement_end = 0;    // just after the ';'
  std::size_t value_begin = 0;      // the value token, a leading sign included
  std::size_t value_end = 0;
};

class PrefsDocument {
 public:
  // Parses like Mozilla: every error is collected and parsing resumes after the next ';'.
  // Returns the first error (message prefixed "prefs parse error: " as Mozilla prints it), or
  // success; the prefs that did parse are available either way.
  ParseResult load(std::string bytes, PrefsFileKind kind = PrefsFileKind::User);

  bool ok() const { return errors_.empty(); }
  const std::vector<PrefsError>& errors() const { return errors_; }
  const std::vector<PrefEntry>& entries() const { return entries_; }

  // Lookups follow libpref: the last statement of a name wins.
  const PrefEntry* find(std::string_view name) const;
  std::optional<PrefType> type_of(std::string_view name) const;
  std::optional<std::string> get_string(std::string_view name) const;
  std::optional<std::int32_t> get_int(std::string_view name) const;
  std::optional<bool> get_bool(std::string_view name) const;

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

  const std::string& serialise() const { return text_; }
  // The file's line ending ("\r\n", "\r" or "\n"), from its first line; "\n" without one.
  std::string_view line_ending() const;

 private:
  bool set_literal(std::string_view name, PrefType type, const std::string& literal);
  void insert_line(const std::string& line);
  void reparse();

  std::string text_;
  PrefsFileKind kind_ = PrefsFileKind::User;
  std::vector<PrefEntry> entries_;
  std::vector<PrefsError> errors_;
  std::size_t parsed_end_ = 0;  // where parsing stopped: the text's end or a NUL byte
};

// Thunderbird's StrEscape: double quotes around the bytes, with only LF, CR, backslash and the
// double quote escaped (`\n`, `\r`, `\\`, `\"`); everything else is written raw.
std::string escape_pref_string(std::string_view value);

}  // namespace mailmig
