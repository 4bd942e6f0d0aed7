// No plan ever puts a password on an unencrypted connection that did not carry one before: the
// guarantee every client's writer relies on (the writers no longer check it themselves).
#include <gtest/gtest.h>

#include <algorithm>
#include <string>
#include <vector>

#include "rules/rule_engine.h"
#include "tests/rules/rule_test_support.h"

namespace mailmig {
namespace {

// Whether a login on this server can put the password on the wire as it is.
bool sends_password_in_clear(const ServerSettings& server) {
  return server.socket_type == SocketType::Plain &&
         (server.authentication == AuthMethod::PasswordCleartext ||
          server.authentication == AuthMethod::Any);
}

std::vector<Account> accounts() {
  // The Becky! and Windows Mail fixtures whose writers once refused such plans themselves: a
  // club mailbox with APOP that sends without a login, an account with SPA (NTLM) on plain POP3
  // that sends over SSL, and one that logs in over plain POP3 and sends without a login.
  Account becky_club{
      "5a6b7c8d.mb", "九工大サークル(ソフト部)", "hanako@club.kyutech.ac.jp", {}, {}};
  becky_club.incoming = {Protocol::Pop3,    "pop3.club.kyutech.ac.jp", 110,
                         SocketType::Plain, AuthMethod::Apop,          "hanako"};
  becky_club.outgoing = ServerSettings{Protocol::Smtp,    "smtp.club.kyutech.ac.jp", 25,
                                       SocketType::Plain, AuthMethod::None,          "hanako"};
  Account windows_mail_spa{"utf8-bom-spa.oeaccount", "R&D <lab>", "", {}, {}};
  windows_mail_spa.incoming = {Protocol::Pop3,    "pop.iis.u-tokyo.ac.jp", 110,
                               SocketType::Plain, AuthMethod::Ntlm,        ""};
  windows_mail_spa.outgoing =
      ServerSettings{Protocol::Smtp,  "mail.iis.u-tokyo.ac.jp",      465,
                     SocketType::Ssl, AuthMethod::PasswordCleartext, "tanaka"};
  Account windows_mail_keio{
      "account{5D2A8C41}.oeaccount", "慶應 信濃町", "hanako@sc.itc.keio.ac.jp", {}, {}};
  windows_mail_keio.incoming = {Protocol::Pop3,    "popper.sc.itc.keio.ac.jp",    110,
                                SocketType::Plain, AuthMethod::PasswordCleartext, "hanako"};
  windows_mail_keio.outgoing = ServerSettings{Protocol::Smtp,    "popper.sc.itc.keio.ac.jp", 25,
                                              SocketType::Plain, AuthMethod::None,           ""};
  return {test_accounts::thunderbird_imap_plain(),
          test_accounts::sylpheed_apop_pop_before_smtp(),
          test_accounts::outlook_pop_spa_smtp25(),
          test_accounts::becky_apop_keio(),
          test_accounts::outlook_express_dti(),
          test_accounts::windows_live_mail_kumail(),
          test_accounts::claws_imap_starttls(),
          test_accounts::thunderbird_news(),
          becky_club,
          windows_mail_spa,
          windows_mail_keio};
}

Policy policy_from(const std::string& body) {
  const std::string text =
      "<policy xmlns='urn:mailmig:policy:1' name='test'><scope><host match='*.jp'/></scope>" +
      body + "</policy>";
  const PolicyLoadResult loaded = parse_policy(text, "", "test.xml");
  EXPECT_TRUE(loaded) << loaded.error;
  return loaded ? *loaded.policy : Policy{};
}

// A move of every account onto servers the policy wants unencrypted, with the login named.
Policy move_to_plain(const std::string& authentication) {
  const std::string login =
      authentication.empty() ? "" : "<authentication>" + authentication + "</authentication>";
  return policy_from(
      "<move match='*.jp'><incomingServer><hostname>mail.example.jp</hostname>"
      "<socketType>plain</socketType>" +
      login +
      "</incomingServer>"
      "<outgoingServer><hostname>smtp.example.jp</hostname><port>25</port>"
      "<socketType>plain</socketType>" +
      login + "</outgoingServer></move>");
}

std::vector<Policy> policies() {
  return {builtin_default_policy(),
          fixture_policy("000-iis-u-tokyo.xml"),
          fixture_policy("001-keio.xml"),
          fixture_policy("002-kyutech.xml"),
          fixture_policy("003-dti.xml"),
          fixture_policy("004-kumail.xml"),
          fixture_policy("004-kumail-clientconfig.xml"),
          move_to_plain(""),
          move_to_plain("password-cleartext"),
          move_to_plain("any")};
}

// Each policy with only the given rules enabled.
Policy with_rules(Policy policy, const std::vector<std::string_view>& enabled) {
  for (auto& [id, state] : policy.rule_states) {
    state = std::find(enabled.begin(), enabled.end(), id) != enabled.end();
  }
  return policy;
}

// Every combination of the built-in rules (the TLS rules switched off too) on every account.
TEST(PasswordInClear, NoPlanSendsAPasswordUnencryptedThatWasEncryptedOrNotSentBefore) {
  std::vector<std::string_view> ids;
  for (const auto& rule : builtin_rules()) ids.push_back(rule->id());
  const std::size_t combinations = std::size_t{1} << ids.size();
  for (const Policy& policy : policies()) {
    for (std::size_t mask = 0; mask < combinations; ++mask) {
      std::vector<std::string_view> enabled;
      for (std::size_t bit = 0; bit < ids.size(); ++bit) {
        if (mask & (std::size_t{1} << bit)) enabled.push_back(ids[bit]);
      }
      const Policy combination = with_rules(policy, enabled);
      for (const Account& before : accounts()) {
        const EditPlan plan = plan_account(before, combination);
        EXPECT_FALSE(sends_password_in_clear(plan.after.incoming) &&
                     !sends_password_in_clear(before.incoming))
            << policy.name << " mask " << mask << " " << before.id << " incoming";
        if (!before.outgoing) continue;
        EXPECT_FALSE(sends_password_in_clear(*plan.after.outgoing) &&
                     !sends_password_in_clear(*before.outgoing))
            << policy.name << " mask " << mask << " " << before.id << " outgoing";
      }
    }
  }
}

}  // namespace
}  // namespace mailmig
