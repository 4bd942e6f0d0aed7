#include <gtest/gtest.h>

#include "tests/rules/rule_test_support.h"

namespace mailmig {
namespace {

constexpr std::string_view kRule = "smtp-submission-port";

TEST(SmtpSubmissionPortRule, OutlookExpressOnPort25MovesTo587WithStartTls) {
  const Account before = test_accounts::outlook_express_dti();
  const RuleOutput output = run_rule(kRule, before);
  const std::string reason =
      "Many networks block port 25 for sending (OP25B): smtp.tanaka.dti.ne.jp is reached on the "
      "submission port 587 with STARTTLS";
  EXPECT_EQ(output.changes,
            (std::vector<Change>{
                {"smtp-submission-port", "outgoing.port", "25", "587", reason},
                {"smtp-submission-port", "outgoing.socketType", "plain", "STARTTLS", reason}}));
  EXPECT_TRUE(output.findings.empty());
  Account after = before;
  after.outgoing->port = 587;
  after.outgoing->socket_type = SocketType::StartTls;
  EXPECT_EQ(with_changes(before, output.changes), after);
}

TEST(SmtpSubmissionPortRule, ThunderbirdOnPort25AlsoMoves) {
  const RuleOutput output = run_rule(kRule, test_accounts::thunderbird_imap_plain());
  ASSERT_EQ(output.changes.size(), 2u);
  EXPECT_EQ(output.changes[0].reason,
            "Many networks block port 25 for sending (OP25B): mail.iis.u-tokyo.ac.jp is reached "
            "on the submission port 587 with STARTTLS");
}

TEST(SmtpSubmissionPortRule, SslOnPort25BecomesStartTlsOn587) {
  Account before = test_accounts::outlook_express_dti();
  before.outgoing->socket_type = SocketType::Ssl;
  const RuleOutput output = run_rule(kRule, before);
  ASSERT_EQ(output.changes.size(), 2u);
  EXPECT_EQ(output.changes[1].from, "SSL");
  EXPECT_EQ(output.changes[1].to, "STARTTLS");
}

TEST(SmtpSubmissionPortRule, OtherPortsAndAccountsWithoutSmtpAreLeftAlone) {
  EXPECT_TRUE(run_rule(kRule, test_accounts::claws_imap_starttls()).changes.empty());
  EXPECT_TRUE(run_rule(kRule, test_accounts::windows_live_mail_kumail()).changes.empty());
  EXPECT_TRUE(run_rule(kRule, test_accounts::thunderbird_news()).changes.empty());
}

}  // namespace
}  // namespace mailmig
