#include <gtest/gtest.h>

#include "tests/rules/rule_test_support.h"

namespace mailmig {
namespace {

constexpr std::string_view kRule = "apop-to-tls";

Finding separate_password_warning(const std::string& hostname) {
  return make_finding("apop-to-tls", Severity::Warning,
                      "{hostname} may have had a separate APOP password: the mail program now "
                      "needs the normal login password and asks for it on the next connection",
                      {{"hostname", hostname}});
}

TEST(ApopToTlsRule, BeckyApopOnPort11110MovesToSslOn995) {
  const Account before = test_accounts::becky_apop_keio();
  const RuleOutput output = run_rule(kRule, before);
  const std::string reason =
      "APOP protects only the password and leaves the mail readable: popper.sc.itc.keio.ac.jp is "
      "read over SSL/TLS on port 995 with the normal password";
  EXPECT_EQ(output.changes,
            (std::vector<Change>{
                {"apop-to-tls", "incoming.port", "11110", "995", reason},
                {"apop-to-tls", "incoming.socketType", "plain", "SSL", reason},
                {"apop-to-tls", "incoming.authentication", "apop", "password-cleartext", reason},
            }));
  EXPECT_EQ(output.findings,
            (std::vector<Finding>{separate_password_warning("popper.sc.itc.keio.ac.jp")}));
  Account after = before;
  after.incoming.port = 995;
  after.incoming.socket_type = SocketType::Ssl;
  after.incoming.authentication = AuthMethod::PasswordCleartext;
  EXPECT_EQ(with_changes(before, output.changes), after);
}

TEST(ApopToTlsRule, SylpheedApopOnPort110MovesToSslOn995) {
  const RuleOutput output = run_rule(kRule, test_accounts::sylpheed_apop_pop_before_smtp());
  ASSERT_EQ(output.changes.size(), 3u);
  EXPECT_EQ(output.changes[0], (Change{"apop-to-tls", "incoming.port", "110", "995",
                                       "APOP protects only the password and leaves the mail "
                                       "readable: pop3.club.kyutech.ac.jp is read over SSL/TLS on "
                                       "port 995 with the normal password"}));
}

TEST(ApopToTlsRule, ApopInsideSslOnlyDropsApop) {
  // Seed 002's "APOP + SSL" in Sylpheed.
  Account before = test_accounts::sylpheed_apop_pop_before_smtp();
  before.incoming.port = 995;
  before.incoming.socket_type = SocketType::Ssl;
  const RuleOutput output = run_rule(kRule, before);
  EXPECT_EQ(
      output.changes,
      (std::vector<Change>{{"apop-to-tls", "incoming.authentication", "apop", "password-cleartext",
                            "The connection to pop3.club.kyutech.ac.jp is already "
                            "encrypted, so the normal password replaces APOP"}}));
  EXPECT_EQ(output.findings,
            (std::vector<Finding>{separate_password_warning("pop3.club.kyutech.ac.jp")}));
}

TEST(ApopToTlsRule, ApopWithStartTlsKeepsPortAndStartTls) {
  Account before = test_accounts::becky_apop_keio();
  before.incoming.port = 110;
  before.incoming.socket_type = SocketType::StartTls;
  const RuleOutput output = run_rule(kRule, before);
  ASSERT_EQ(output.changes.size(), 1u);
  EXPECT_EQ(output.changes[0].field, "incoming.authentication");
}

TEST(ApopToTlsRule, OtherAccountsAreLeftAlone) {
  for (const Account& account :
       {test_accounts::thunderbird_imap_plain(), test_accounts::outlook_pop_spa_smtp25(),
        test_accounts::outlook_express_dti(), test_accounts::thunderbird_news()}) {
    const RuleOutput output = run_rule(kRule, account);
    EXPECT_TRUE(output.changes.empty()) << account.id;
    EXPECT_TRUE(output.findings.empty()) << account.id;
  }
}

}  // namespace
}  // namespace mailmig
