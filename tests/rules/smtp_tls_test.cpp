#include <gtest/gtest.h>

#include "tests/rules/rule_test_support.h"

namespace mailmig {
namespace {

constexpr std::string_view kRule = "smtp-tls";

// Claws Mail on the old KUMail submission port without STARTTLS (fixtures/homes/linux).
Account claws_submission_without_tls() {
  Account account = test_accounts::claws_imap_starttls();
  account.outgoing->socket_type = SocketType::Plain;
  return account;
}

TEST(SmtpTlsRule, PasswordLoginOverPlainSubmissionGetsStartTls) {
  const Account before = claws_submission_without_tls();
  const RuleOutput output = run_rule(kRule, before);
  const std::string reason =
      "The login to smtp.example.ac.jp crosses the network unencrypted: STARTTLS encrypts it";
  EXPECT_EQ(
      output.changes,
      (std::vector<Change>{{"smtp-tls", "outgoing.socketType", "plain", "STARTTLS", reason}}));
  EXPECT_TRUE(output.findings.empty());
  Account after = before;
  after.outgoing->socket_type = SocketType::StartTls;
  EXPECT_EQ(with_changes(before, output.changes), after);
}

TEST(SmtpTlsRule, SpaOverPlainIsEncryptedToo) {
  Account before = test_accounts::outlook_pop_spa_smtp25();
  before.outgoing->port = 587;
  const RuleOutput output = run_rule(kRule, before);
  ASSERT_EQ(output.changes.size(), 1u);
  EXPECT_EQ(output.changes[0].field, "outgoing.socketType");
  EXPECT_EQ(output.changes[0].to, "STARTTLS");
}

TEST(SmtpTlsRule, OnPort25TheSubmissionPortComesWithIt) {
  const RuleOutput output = run_rule(kRule, test_accounts::thunderbird_imap_plain());
  ASSERT_EQ(output.changes.size(), 2u);
  EXPECT_EQ(output.changes[0].field, "outgoing.port");
  EXPECT_EQ(output.changes[0].to, "587");
  EXPECT_EQ(output.changes[1].to, "STARTTLS");
}

TEST(SmtpTlsRule, NoLoginEncryptedOrNoSmtpIsLeftAlone) {
  EXPECT_TRUE(run_rule(kRule, test_accounts::outlook_express_dti()).changes.empty());  // no login
  EXPECT_TRUE(run_rule(kRule, test_accounts::sylpheed_apop_pop_before_smtp()).changes.empty());
  EXPECT_TRUE(run_rule(kRule, test_accounts::claws_imap_starttls()).changes.empty());
  EXPECT_TRUE(run_rule(kRule, test_accounts::windows_live_mail_kumail()).changes.empty());
  EXPECT_TRUE(run_rule(kRule, test_accounts::thunderbird_news()).changes.empty());
}

}  // namespace
}  // namespace mailmig
