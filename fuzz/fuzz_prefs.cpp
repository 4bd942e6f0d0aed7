// prefs.js under fuzzing: any bytes parse without a crash; an unedited document serializes to
// its input; after an edit the document re-reads with the new value and keeps its other prefs.
#include <cstddef>
#include <cstdint>
#include <string>

#include "parsers/formats/prefs_js/prefs_document.h"

namespace {

void check(bool condition) {
  if (!condition) __builtin_trap();
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  using mailmig::PrefsDocument;
  using mailmig::PrefsFileKind;
  const std::string input(reinterpret_cast<const char*>(data), size);

  PrefsDocument defaults;
  PrefsDocument::parse(input, defaults, PrefsFileKind::Default);
  check(defaults.serialize() == input);

  PrefsDocument document;
  PrefsDocument::parse(input, document);
  check(document.serialize() == input);
  if (!document.ok()) return 0;

  // Replace the value of the last pref (or insert a new one), then read the bytes again.
  const std::string name = document.entries().empty()
                               ? std::string("mailmig.fuzz")
                               : std::string(document.name(document.entries().back()));
  const std::size_t count = document.entries().size();
  const bool had_name = document.find(name) != nullptr;
  const std::string value = "new \"value\"\n\\ \xE6\x97\xA5";
  bool edited = false;
  switch (document.type_of(name).value_or(mailmig::PrefType::String)) {
    case mailmig::PrefType::String:
      edited = document.set_string(name, value);
      break;
    case mailmig::PrefType::Int:
      edited = document.set_int(name, -2147483647 - 1);
      break;
    case mailmig::PrefType::Bool:
      edited = document.set_bool(name, !*document.get_bool(name));
      break;
  }
  if (!edited) return 0;  // a name holding a NUL byte cannot be written back

  PrefsDocument reread;
  PrefsDocument::parse(document.serialize(), reread);
  check(reread.ok());
  check(reread.entries().size() == count + (had_name ? 0 : 1));
  switch (*reread.type_of(name)) {
    case mailmig::PrefType::String:
      check(reread.get_string(name) == value);
      break;
    case mailmig::PrefType::Int:
      check(reread.get_int(name) == -2147483647 - 1);
      break;
    case mailmig::PrefType::Bool:
      check(reread.get_bool(name) == document.get_bool(name));
      break;
  }
  check(reread.remove(name));
  check(!reread.find(name));
  return 0;
}
