// Windows Mail .oeaccount: whatever parses must serialize to the same bytes, and edits (a
// replaced and an added property) must read back.
#include <cstddef>
#include <cstdint>
#include <string>

#include "parsers/formats/oeaccount/oeaccount_document.h"

namespace {

void check_round_trip(const mailmig::OeAccountDocument& document) {
  mailmig::OeAccountDocument reparsed;
  if (!mailmig::OeAccountDocument::parse(document.serialize(), reparsed)) __builtin_trap();
  if (reparsed.serialize() != document.serialize()) __builtin_trap();
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::string input(reinterpret_cast<const char*>(data), size);
  mailmig::OeAccountDocument document;
  if (!mailmig::OeAccountDocument::parse(input, document)) return 0;
  if (document.serialize() != input) __builtin_trap();
  (void)document.display_text();

  // An edit may be refused (an element holding more than text, a root without a closing tag,
  // a property of another type); an accepted one must read back.
  if (document.set_dword("SMTP_Port", 587)) {
    check_round_trip(document);
    if (document.dword("SMTP_Port") != 587u) __builtin_trap();
  }
  if (document.set_string("SMTP_Server", "smtp.例え.jp & <x>")) {
    check_round_trip(document);
    if (document.text("SMTP_Server") != "smtp.例え.jp & <x>") __builtin_trap();
  }
  if (document.set_dword("Mailmig_Added", 0x24b)) {
    check_round_trip(document);
    if (document.dword("Mailmig_Added") != 0x24bu) __builtin_trap();
  }
  return 0;
}
