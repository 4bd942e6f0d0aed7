// Fuzzes the accountrc document and the Sylpheed/Claws profile: a parsed input serializes back
// to itself, an edit reads back, and apply() on every account keeps the file parseable.
#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <string>
#include <vector>

#include "parsers/clients/sylpheed/accountrc_profile.h"
#include "parsers/clients/sylpheed/sylpheed_client.h"
#include "parsers/formats/accountrc/accountrc_document.h"
#include "parsers/formats/accountrc/accountrc_key_order.h"

namespace {

void check(bool condition) {
  if (!condition) __builtin_trap();
}

void fuzz_profile(mailmig::ClientKind client, const std::string& bytes) {
  mailmig::AccountrcFiles files;
  files.accountrc = {"accountrc", bytes};
  mailmig::LoadResult loaded = mailmig::AccountrcProfile::make(client, ".", std::move(files));
  if (!loaded) return;
  mailmig::Profile& profile = *loaded.profile;
  profile.display_text(profile.files()[0], profile.files()[0].current());
  // apply() either makes a change or says in a finding why it could not: an account whose
  // writer raised no finding must read back the new port.
  std::vector<std::string> accounts_with_findings;
  for (const mailmig::Account& account : profile.accounts()) {
    const std::vector<mailmig::Finding> findings = profile.apply(
        account.id, {{"fuzz", "outgoing.port", "", "587", ""},
                     {"fuzz", "outgoing.socketType", "", "STARTTLS", ""},
                     {"fuzz", "outgoing.authentication", "", "password-cleartext", ""},
                     {"fuzz", "incoming.authentication", "", "password-cleartext", ""},
                     {"fuzz", "incoming.port", "", "995", ""}});
    if (!findings.empty()) accounts_with_findings.push_back(account.id);
    mailmig::AccountrcDocument written;
    check(static_cast<bool>(
        mailmig::AccountrcDocument::parse(profile.files()[0].current(), written)));
  }
  for (const mailmig::Account& account : profile.accounts()) {
    const bool explained = std::find(accounts_with_findings.begin(), accounts_with_findings.end(),
                                     account.id) != accounts_with_findings.end();
    if (account.outgoing && !explained) check(account.outgoing->port == 587);
  }
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::string bytes(reinterpret_cast<const char*>(data), size);
  mailmig::AccountrcDocument document;
  if (!mailmig::AccountrcDocument::parse(bytes, document)) return 0;
  check(document.serialize() == bytes);

  if (!document.sections().empty()) {
    const std::string section = document.sections().front().name;
    check(document.set_value(section, "smtp_port", "587", mailmig::sylpheed_key_order()));
    check(document.set_value(section, "x_mailmig_fuzz", "-- ", mailmig::claws_key_order()));
    mailmig::AccountrcDocument reparsed;
    check(static_cast<bool>(mailmig::AccountrcDocument::parse(document.serialize(), reparsed)));
    const auto* edited = reparsed.find_section(section);
    check(edited != nullptr);
    check(reparsed.value(*edited, "smtp_port") == "587");
    check(reparsed.value(*edited, "x_mailmig_fuzz") == "-- ");
  }

  fuzz_profile(mailmig::kSylpheed, bytes);
  fuzz_profile(mailmig::kClawsMail, bytes);
  return 0;
}
