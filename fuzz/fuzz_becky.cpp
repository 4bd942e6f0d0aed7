// Becky! Mailbox.ini: whatever parses must serialize to the same bytes, and an edit must read
// back.
#include <cstddef>
#include <cstdint>
#include <string>

#include "parsers/formats/ini/becky_ini_document.h"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::string input(reinterpret_cast<const char*>(data), size);
  mailmig::BeckyIniDocument document;
  if (!mailmig::BeckyIniDocument::parse(input, document)) return 0;
  if (document.serialize() != input) __builtin_trap();
  (void)document.display_text();
  if (!document.has_section("Account")) return 0;
  for (const char* key : {"MailServer", "SMTPPort", "Name"}) {
    const std::string value = "表ソ.example";
    if (!document.set_value("Account", key, value)) __builtin_trap();
    mailmig::BeckyIniDocument reparsed;
    if (!mailmig::BeckyIniDocument::parse(document.serialize(), reparsed)) __builtin_trap();
    if (reparsed.value("Account", key) != value) __builtin_trap();
  }
  return 0;
}
