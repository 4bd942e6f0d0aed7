#include <gtest/gtest.h>

#include "tests/rules/rule_test_support.h"

namespace mailmig {
namespace {

constexpr std::string_view kRule = "smtp-auth";

TEST(SmtpAuthRule, OutlookExpressWithoutLoginGetsAuthStartTlsAndTheSubmissionPort) {
  const Account before = test_accounts::outlook_express_dti();
  const RuleOutput output = run_rule(kRule, before);
  const std::string auth_reason =
      "smtp.tanaka.dti.ne.jp needs SMTP authentication with the receiving account's user name "
      "and password";
  EXPECT_EQ(
      output.changes,
      (std::vector<Change>{
          {"smtp-auth", "outgoing.port", "25", "587",
           "Logging in to send belongs on the submission port 587 with STARTTLS; port 25 is for "
           "mail between servers and often blocked (OP25B) for smtp.tanaka.dti.ne.jp"},
          {"smtp-auth", "outgoing.socketType", "plain", "STARTTLS",
           "The password for smtp.tanaka.dti.ne.jp must not travel unencrypted: STARTTLS is "
           "turned on together with SMTP authentication"},
          {"smtp-auth", "outgoing.authentication", "none", "password-cleartext", auth_reason},
          {"smtp-auth", "outgoing.username", "", "tanaka", auth_reason},
      }));
  EXPECT_TRUE(output.findings.empty());
  Account after = before;
  after.outgoing = ServerSettings{Protocol::Smtp,       "smtp.tanaka.dti.ne.jp",       587,
                                  SocketType::StartTls, AuthMethod::PasswordCleartext, "tanaka"};
  EXPECT_EQ(with_changes(before, output.changes), after);
}

TEST(SmtpAuthRule, SylpheedPopBeforeSmtpOnTheSubmissionPortOnlyGetsTheLogin) {
  Account before = test_accounts::sylpheed_apop_pop_before_smtp();
  before.outgoing->port = 587;
  before.outgoing->socket_type = SocketType::StartTls;
  const RuleOutput output = run_rule(kRule, before);
  const std::string reason =
      "POP before SMTP is ending: smtp.club.kyutech.ac.jp needs SMTP authentication with the "
      "receiving account's user name and password";
  EXPECT_EQ(
      output.changes,
      (std::vector<Change>{
          {"smtp-auth", "outgoing.authentication", "smtp-after-pop", "password-cleartext", reason},
          {"smtp-auth", "outgoing.username", "", "hanako", reason},
      }));
}

TEST(SmtpAuthRule, BeckyPopBeforeSmtpOnAnOddPlainPortKeepsThePort) {
  Account before = test_accounts::becky_apop_keio();
  before.outgoing->port = 2525;
  const RuleOutput output = run_rule(kRule, before);
  ASSERT_EQ(output.changes.size(), 2u);  // the user name is already the receiving one
  EXPECT_EQ(output.changes[0].field, "outgoing.socketType");
  EXPECT_EQ(output.changes[0].to, "STARTTLS");
  EXPECT_EQ(output.changes[1].field, "outgoing.authentication");
}

TEST(SmtpAuthRule, ExplicitOutgoingUserNameIsKeptWhenSmtpAuthIsTurnedOn) {
  Account before = test_accounts::outlook_express_dti();
  before.outgoing->port = 587;
  before.outgoing->socket_type = SocketType::StartTls;
  before.outgoing->username = "tanaka-smtp";
  const RuleOutput output = run_rule(kRule, before);
  EXPECT_EQ(
      output.changes,
      (std::vector<Change>{{"smtp-auth", "outgoing.authentication", "none", "password-cleartext",
                            "smtp.tanaka.dti.ne.jp needs SMTP authentication with the user "
                            "name already set for sending (tanaka-smtp)"}}));
  EXPECT_TRUE(output.findings.empty());
}

TEST(SmtpAuthRule, TurningPopBeforeSmtpOffKeepsAnExplicitDifferentUserName) {
  Account before = test_accounts::becky_apop_keio();
  before.outgoing->username = "ws-tanaka";
  const RuleOutput output = run_rule(kRule, before);
  const std::string reason =
      "POP before SMTP is ending: popper.sc.itc.keio.ac.jp needs SMTP authentication with the "
      "user name already set for sending (ws-tanaka)";
  ASSERT_EQ(output.changes.size(), 3u);
  EXPECT_EQ(output.changes[2], (Change{"smtp-auth", "outgoing.authentication", "smtp-after-pop",
                                       "password-cleartext", reason}));
  EXPECT_EQ(with_changes(before, output.changes).outgoing->username, "ws-tanaka");
}

TEST(SmtpAuthRule, ALoginKeptOnKeepsItsOwnUserName) {
  Account before = test_accounts::claws_imap_starttls();
  before.outgoing->username = "hanako-send";
  const RuleOutput output = run_rule(kRule, before);
  EXPECT_TRUE(output.changes.empty());
  EXPECT_TRUE(output.findings.empty());
}

TEST(SmtpAuthRule, AnAccountThatReceivesNoMailLendsNoLogin) {
  // Sylpheed's news and local accounts may name an SMTP server; the news login in user_id is no
  // mail login, and a local mailbox has none: neither gets SMTP AUTH.
  Account news = test_accounts::thunderbird_news();
  news.incoming.username = "news-reader";
  news.incoming.authentication = AuthMethod::PasswordCleartext;
  news.outgoing = ServerSettings{Protocol::Smtp,    "smtp.example.ac.jp", 25,
                                 SocketType::Plain, AuthMethod::None,     ""};
  Account local = news;
  local.incoming = ServerSettings{Protocol::None, "", 0, SocketType::Plain, AuthMethod::None, ""};
  for (const Account& account : {news, local}) {
    const RuleOutput output = run_rule(kRule, account);
    EXPECT_TRUE(output.changes.empty()) << to_string(account.incoming.protocol);
    EXPECT_TRUE(output.findings.empty()) << to_string(account.incoming.protocol);
  }
}

TEST(SmtpAuthRule, AnotherProvidersSmtpServerIsLeftAlone) {
  // Seed 003's FAQ: only DTI's accounts are affected.
  Account before = test_accounts::outlook_express_dti();
  before.outgoing->hostname = "smtp.other-isp.example.jp";
  const RuleOutput output = run_rule(kRule, before, fixture_policy("003-dti.xml"));
  EXPECT_TRUE(output.changes.empty());
  EXPECT_TRUE(output.findings.empty());
}

TEST(SmtpAuthRule, NoUserNameAnywhereAsksForOne) {
  Account before = test_accounts::outlook_express_dti();
  before.incoming.username.clear();
  const RuleOutput output = run_rule(kRule, before);
  ASSERT_EQ(output.changes.size(), 3u);
  EXPECT_EQ(output.findings,
            (std::vector<Finding>{make_finding(
                "smtp-auth", Severity::ActionRequired,
                "Enter the user name for sending through {hostname}: the account has no "
                "receiving user name to copy",
                {{"hostname", "smtp.tanaka.dti.ne.jp"}})}));
}

TEST(SmtpAuthRule, PasswordLoginWithoutUserNameGetsTheReceivingOne) {
  Account before = test_accounts::claws_imap_starttls();
  before.outgoing->username.clear();
  const RuleOutput output = run_rule(kRule, before);
  EXPECT_EQ(output.changes,
            (std::vector<Change>{{"smtp-auth", "outgoing.username", "", "hanako",
                                  "Sending through smtp.example.ac.jp logs in without a user "
                                  "name: the receiving account's user name is used"}}));
}

TEST(SmtpAuthRule, AccountsThatLogInAlreadyAreLeftAlone) {
  for (const Account& account :
       {test_accounts::thunderbird_imap_plain(), test_accounts::outlook_pop_spa_smtp25(),
        test_accounts::claws_imap_starttls(), test_accounts::windows_live_mail_kumail(),
        test_accounts::thunderbird_news()}) {
    const RuleOutput output = run_rule(kRule, account);
    EXPECT_TRUE(output.changes.empty()) << account.id;
    EXPECT_TRUE(output.findings.empty()) << account.id;
  }
}

}  // namespace
}  // namespace mailmig
