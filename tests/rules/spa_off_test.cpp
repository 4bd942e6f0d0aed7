#include <gtest/gtest.h>

#include "tests/rules/rule_test_support.h"

namespace mailmig {
namespace {

constexpr std::string_view kRule = "spa-off";

TEST(SpaOffRule, IsOffUnlessThePolicyTurnsItOn) {
  EXPECT_FALSE(find_rule(kRule)->enabled_by_default());
  EXPECT_FALSE(builtin_default_policy(known_rules()).rule_enabled(kRule));
  EXPECT_TRUE(fixture_policy("000-iis-u-tokyo.xml").rule_enabled(kRule));
}

TEST(SpaOffRule, OutlookSpaOverTlsBecomesTheNormalPassword) {
  Account before = test_accounts::outlook_pop_spa_smtp25();
  before.incoming.port = 995;
  before.incoming.socket_type = SocketType::Ssl;
  before.outgoing->port = 587;
  before.outgoing->socket_type = SocketType::StartTls;
  const RuleOutput output = run_rule(kRule, before);
  EXPECT_EQ(output.changes,
            (std::vector<Change>{
                {"spa-off", "incoming.authentication", "NTLM", "password-cleartext",
                 "pop.iis.u-tokyo.ac.jp no longer accepts Secure Password Authentication (SPA): "
                 "the normal password is sent inside the encrypted connection"},
                {"spa-off", "outgoing.authentication", "NTLM", "password-cleartext",
                 "mail.iis.u-tokyo.ac.jp no longer accepts Secure Password Authentication (SPA): "
                 "the normal password is sent inside the encrypted connection"},
            }));
  EXPECT_TRUE(output.findings.empty());
  Account after = before;
  after.incoming.authentication = AuthMethod::PasswordCleartext;
  after.outgoing->authentication = AuthMethod::PasswordCleartext;
  EXPECT_EQ(with_changes(before, output.changes), after);
}

TEST(SpaOffRule, SpaWithoutTlsIsLeftOnWithAManualStep) {
  const RuleOutput output = run_rule(kRule, test_accounts::outlook_pop_spa_smtp25());
  EXPECT_TRUE(output.changes.empty());
  const char* kMessage =
      "{hostname} uses Secure Password Authentication (SPA) on an unencrypted connection; "
      "mailmig does not send a password unencrypted: turn on SSL/TLS or STARTTLS for "
      "{hostname}, then turn SPA off";
  EXPECT_EQ(output.findings, (std::vector<Finding>{
                                 make_finding("spa-off", Severity::ActionRequired, kMessage,
                                              {{"hostname", "pop.iis.u-tokyo.ac.jp"}}),
                                 make_finding("spa-off", Severity::ActionRequired, kMessage,
                                              {{"hostname", "mail.iis.u-tokyo.ac.jp"}}),
                             }));
}

TEST(SpaOffRule, AccountWithoutOutgoingServerOnlyChangesIncoming) {
  Account before = test_accounts::outlook_pop_spa_smtp25();
  before.incoming.socket_type = SocketType::StartTls;
  before.outgoing.reset();
  const RuleOutput output = run_rule(kRule, before);
  ASSERT_EQ(output.changes.size(), 1u);
  EXPECT_EQ(output.changes[0].field, "incoming.authentication");
  EXPECT_TRUE(output.findings.empty());
}

TEST(SpaOffRule, AccountsWithoutSpaAreLeftAlone) {
  for (const Account& account :
       {test_accounts::thunderbird_imap_plain(), test_accounts::becky_apop_keio(),
        test_accounts::claws_imap_starttls()}) {
    const RuleOutput output = run_rule(kRule, account);
    EXPECT_TRUE(output.changes.empty()) << account.id;
    EXPECT_TRUE(output.findings.empty()) << account.id;
  }
}

}  // namespace
}  // namespace mailmig
