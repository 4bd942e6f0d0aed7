#include <gtest/gtest.h>

#include "tests/rules/rule_test_support.h"

namespace mailmig {
namespace {

constexpr std::string_view kRule = "incoming-tls";

TEST(IncomingTlsRule, ThunderbirdImapOn143MovesToSslOn993) {
  const Account before = test_accounts::thunderbird_imap_plain();
  const RuleOutput output = run_rule(kRule, before);
  const std::string reason =
      "Mail from imap.iis.u-tokyo.ac.jp travels unencrypted: it is read over SSL/TLS on port 993";
  EXPECT_EQ(output.changes,
            (std::vector<Change>{{"incoming-tls", "incoming.port", "143", "993", reason},
                                 {"incoming-tls", "incoming.socketType", "plain", "SSL", reason}}));
  EXPECT_TRUE(output.findings.empty());
  Account after = before;
  after.incoming.port = 993;
  after.incoming.socket_type = SocketType::Ssl;
  EXPECT_EQ(with_changes(before, output.changes), after);
}

TEST(IncomingTlsRule, OutlookPopOn110MovesToSslOn995AndKeepsItsLogin) {
  const RuleOutput output = run_rule(kRule, test_accounts::outlook_pop_spa_smtp25());
  const std::string reason =
      "Mail from pop.iis.u-tokyo.ac.jp travels unencrypted: it is read over SSL/TLS on port 995";
  EXPECT_EQ(output.changes,
            (std::vector<Change>{{"incoming-tls", "incoming.port", "110", "995", reason},
                                 {"incoming-tls", "incoming.socketType", "plain", "SSL", reason}}));
}

TEST(IncomingTlsRule, PlainConnectionOnAnOddPortAlsoMovesTo995) {
  Account before = test_accounts::outlook_express_dti();
  before.incoming.port = 10110;
  const RuleOutput output = run_rule(kRule, before);
  ASSERT_EQ(output.changes.size(), 2u);
  EXPECT_EQ(output.changes[0].from, "10110");
  EXPECT_EQ(output.changes[0].to, "995");
}

TEST(IncomingTlsRule, EncryptedAndNewsAccountsAreLeftAlone) {
  // STARTTLS is encrypted already.
  EXPECT_TRUE(run_rule(kRule, test_accounts::claws_imap_starttls()).changes.empty());
  EXPECT_TRUE(run_rule(kRule, test_accounts::windows_live_mail_kumail()).changes.empty());
  EXPECT_TRUE(run_rule(kRule, test_accounts::thunderbird_news()).changes.empty());
  Account none = test_accounts::thunderbird_news();
  none.incoming.protocol = Protocol::None;
  EXPECT_TRUE(run_rule(kRule, none).changes.empty());
}

}  // namespace
}  // namespace mailmig
