// A Windows Mail / Windows Live Mail account file (account{GUID}.oeaccount): XML with a
// <MessageAccount> root whose children are typed properties (SZ, DWORD, BINARY). pugixml finds
// the elements in a UTF-8 copy; edits are span replacements of the original bytes (never a
// re-parse), so everything else (BOM, declaration, indentation, quoting, line endings) stays
// exactly as it was.
#pragma once

#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "parsers/formats/span_editor.h"
#include "src/model/lossless_document.h"
#include "src/model/parse_result.h"

namespace mailmig {

enum class OeAccountEncoding { Utf16LeBom, Utf8Bom, Utf8 };

class OeAccountDocument final : public LosslessDocument {
 public:
  // Parses `bytes`: UTF-16LE with BOM (what Windows Mail writes), or UTF-8 with or without BOM.
  // Errors name the line and column (in the text) of malformed XML, a wrong root element or an
  // invalid UTF-16/UTF-8 sequence.
  static ParseResult parse(std::string bytes, OeAccountDocument& document);

  // The bytes given to parse().
  std::string original() const override { return bytes_; }
  // The file's bytes as they stand: the input, unchanged, until edited.
  std::string serialize() const override { return edits_.apply(bytes_); }
  // Whether serialize() differs from original(), found without building it.
  bool changed() const override { return edits_.changes(bytes_); }
  OeAccountEncoding encoding() const { return encoding_; }

  // The text of the first property element `name` (entities decoded), and its type attribute.
  std::optional<std::string> text(std::string_view name) const;
  std::optional<std::string> type(std::string_view name) const;
  // A DWORD property's value: hex without "0x" (Thunderbird parses base 16); TRUE and FALSE,
  // which Microsoft's template uses, read as 1 and 0. nullopt if absent or not a number.
  std::optional<std::uint32_t> dword(std::string_view name) const;

  // Sets an SZ property (escaping XML), or adds it before </MessageAccount>.
  ParseResult set_string(std::string_view name, std::string_view value);
  // Sets a DWORD property in the style its text had (8 zero-padded digits, TRUE/FALSE, or
  // minimal hex, in the same letter case); a new one is written as 8 lowercase digits.
  ParseResult set_dword(std::string_view name, std::uint32_t value);

  // The text decoded to UTF-8, with every password property's value shown as "********".
  std::string display_text() const;

 private:
  struct Property {
    std::string name;
    std::string type;
    std::string text;  // decoded, entities resolved
    // Offsets in utf8_ of the element's start and of its content (between the tags); an
    // element whose content is more than text cannot be edited.
    std::size_t element_begin = 0;
    std::size_t content_begin = 0;
    std::size_t content_end = 0;
    bool self_closing = false;
    bool editable = false;
    bool added = false;  // added by an edit, written before </MessageAccount>
  };

  const Property* find(std::string_view name) const;
  Property* find(std::string_view name);
  std::size_t original_offset(std::size_t utf8_offset) const;
  std::optional<std::string> encode(std::string_view utf8) const;
  // Sets the property's text, given decoded and as written (escaped).
  ParseResult replace_text(Property& property, std::string text, const std::string& escaped_text);
  ParseResult add_property(std::string_view name, std::string_view type, std::string text,
                           const std::string& escaped_text);
  // Writes every added property as one insertion before </MessageAccount>.
  ParseResult write_added();
  std::string display_text_of_original() const;

  std::string bytes_;
  SpanEditor edits_;
  OeAccountEncoding encoding_ = OeAccountEncoding::Utf8;
  std::string utf8_;  // the text after the BOM, decoded
  std::vector<Property> properties_;
  std::size_t root_close_ = 0;  // offset in utf8_ of "</MessageAccount"
};

}  // namespace mailmig
