// Fuzzes the .reg document: parse, byte-exact round trip, an edit that must read back after a
// fresh parse, and the account view's apply() on whatever accounts the input holds.
#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "parsers/clients/outlook/outlook_profile.h"
#include "parsers/formats/reg/reg_file.h"

namespace {

void check(bool condition) {
  if (!condition) __builtin_trap();
}

// Writes `value` into the first key and checks that a new parse of the result reads it back.
void edit_and_reread(mailmig::RegFile file, const mailmig::RegValue& value) {
  const auto paths = file.key_paths();
  if (paths.empty()) return;
  if (!file.put_value(paths.front(), value)) return;
  mailmig::RegFile reread;
  check(mailmig::RegFile::parse(file.serialize(), reread).ok);
  const std::optional<mailmig::RegValue> read = reread.find_value(paths.front(), value.name);
  check(read.has_value());
  check(read->kind == value.kind && read->dword == value.dword && read->bytes == value.bytes &&
        read->text == value.text);
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::string_view bytes(reinterpret_cast<const char*>(data), size);
  mailmig::RegFile file;
  if (!mailmig::RegFile::parse(bytes, file).ok) return 0;
  check(file.serialize() == bytes);

  edit_and_reread(file, mailmig::RegValue::dword_value("SMTP Port", 587));
  edit_and_reread(file, mailmig::RegValue::binary("SMTP Server", std::string(90, '\x73')));
  edit_and_reread(file, mailmig::RegValue::string("Account Name", "\"q\" \\ \xE7\x94\xB0"));

  mailmig::LoadResult loaded = mailmig::load_registry_bytes("fuzz.reg", std::string(bytes));
  if (!loaded) return 0;
  for (const mailmig::Account& account : loaded.profile->accounts()) {
    const auto findings = loaded.profile->apply(
        account.id, {{"fuzz", "outgoing.port", "", "587", ""},
                     {"fuzz", "outgoing.socketType", "", "STARTTLS", ""},
                     {"fuzz", "incoming.hostname", "", "pop.example.jp", ""}});
    bool written = true;
    for (const mailmig::Finding& finding : findings) {
      written = written && finding.severity != mailmig::Severity::Warning;
    }
    if (!written) continue;
    for (const mailmig::Account& after : loaded.profile->accounts()) {
      if (after.id == account.id) check(after.incoming.hostname == "pop.example.jp");
    }
  }
  for (const mailmig::ProfileFile& file_entry : loaded.profile->files()) {
    loaded.profile->display_text(file_entry, file_entry.current());
  }
  return 0;
}
