#include <gtest/gtest.h>

#include "src/model/oauth2_providers.h"
#include "tests/rules/rule_test_support.h"

namespace mailmig {
namespace {

constexpr std::string_view kRule = "server-move";

Policy inline_policy(std::string_view moves) {
  const std::string text =
      "<policy xmlns='urn:mailmig:policy:1' name='test'><scope><host match='*.jp'/></scope>" +
      std::string(moves) + "</policy>";
  const PolicyLoadResult loaded = parse_policy(text, "", "test.xml");
  EXPECT_TRUE(loaded) << loaded.error;
  return loaded ? *loaded.policy : Policy{};
}

Finding password_warning(const std::string& hostname) {
  return make_finding(std::string(kRule), Severity::Warning,
                      "The new server {hostname} may need a new password (for example an app "
                      "password): have it ready, because the mail program asks for it on the next "
                      "connection",
                      {{"hostname", hostname}});
}

// Gmail signs in with OAuth2 (Thunderbird's OAuth2Providers): a client without it must use an
// app password, never the old password.
Finding app_password_step(const std::string& hostname) {
  return make_finding(std::string(kRule), Severity::ActionRequired,
                      "{hostname} does not take the old password: create an app password at the "
                      "provider (or choose OAuth2 sign-in if the mail program offers it) and enter "
                      "it when the mail program asks. Do not let it retry the old password: "
                      "repeated failed logins can lock the account.",
                      {{"hostname", hostname}});
}

Finding oauth2_sign_in(const std::string& hostname) {
  return make_finding(std::string(kRule), Severity::Warning,
                      "{hostname} signs in with OAuth2: at the next connection the mail program "
                      "opens the provider's sign-in page; sign in there. The old saved password is "
                      "not used.",
                      {{"hostname", hostname}});
}

TEST(ServerMoveRule, SylpheedClubAccountMovesToTheNewCampusServer) {
  const Account before = test_accounts::sylpheed_apop_pop_before_smtp();
  const RuleOutput output = run_rule(kRule, before, fixture_policy("002-kyutech.xml"));
  const std::string in_reason =
      "The server pop3.club.kyutech.ac.jp is replaced by mail.club.kyutech.ac.jp (policy move for "
      "pop3.club.kyutech.ac.jp)";
  const std::string out_reason =
      "The server smtp.club.kyutech.ac.jp is replaced by mail.club.kyutech.ac.jp (policy move for "
      "*.club.kyutech.ac.jp)";
  EXPECT_EQ(output.changes,
            (std::vector<Change>{
                {"server-move", "incoming.hostname", "pop3.club.kyutech.ac.jp",
                 "mail.club.kyutech.ac.jp", in_reason},
                {"server-move", "incoming.port", "110", "995", in_reason},
                {"server-move", "incoming.socketType", "plain", "SSL", in_reason},
                {"server-move", "incoming.authentication", "apop", "password-cleartext", in_reason},
                {"server-move", "outgoing.hostname", "smtp.club.kyutech.ac.jp",
                 "mail.club.kyutech.ac.jp", out_reason},
                {"server-move", "outgoing.port", "25", "587", out_reason},
                {"server-move", "outgoing.socketType", "plain", "STARTTLS", out_reason},
                {"server-move", "outgoing.authentication", "smtp-after-pop", "password-cleartext",
                 out_reason},
            }));
  // Both sides land on one host: one password warning.
  EXPECT_EQ(output.findings, (std::vector<Finding>{password_warning("mail.club.kyutech.ac.jp")}));
}

TEST(ServerMoveRule, WindowsLiveMailKumailMovesToGmailWithTheFullAddress) {
  const Account before = test_accounts::windows_live_mail_kumail();
  const RuleOutput output = run_rule(kRule, before, fixture_policy("004-kumail.xml"));
  const std::string in_reason =
      "The server pop.kumail.kyoto-u.ac.jp is replaced by pop.gmail.com (policy move for "
      "pop.kumail.kyoto-u.ac.jp)";
  const std::string out_reason =
      "The server smtp.kumail.kyoto-u.ac.jp is replaced by smtp.gmail.com (policy move for "
      "smtp.kumail.kyoto-u.ac.jp)";
  EXPECT_EQ(
      output.changes,
      (std::vector<Change>{
          {"server-move", "incoming.hostname", "pop.kumail.kyoto-u.ac.jp", "pop.gmail.com",
           in_reason},
          {"server-move", "incoming.username", "hanako", "hanako@st.kyoto-u.ac.jp", in_reason},
          {"server-move", "outgoing.hostname", "smtp.kumail.kyoto-u.ac.jp", "smtp.gmail.com",
           out_reason},
          {"server-move", "outgoing.port", "465", "587", out_reason},
          {"server-move", "outgoing.socketType", "SSL", "STARTTLS", out_reason},
          {"server-move", "outgoing.username", "hanako", "hanako@st.kyoto-u.ac.jp", out_reason},
      }));
  EXPECT_EQ(output.findings, (std::vector<Finding>{app_password_step("pop.gmail.com"),
                                                   app_password_step("smtp.gmail.com")}));
  Account after = before;
  after.incoming = {Protocol::Pop3,
                    "pop.gmail.com",
                    995,
                    SocketType::Ssl,
                    AuthMethod::PasswordCleartext,
                    "hanako@st.kyoto-u.ac.jp"};
  after.outgoing = ServerSettings{Protocol::Smtp,
                                  "smtp.gmail.com",
                                  587,
                                  SocketType::StartTls,
                                  AuthMethod::PasswordCleartext,
                                  "hanako@st.kyoto-u.ac.jp"};
  EXPECT_EQ(with_changes(before, output.changes), after);
}

TEST(ServerMoveRule, ThunderbirdKumailMovesToGmailWithOAuth2) {
  Account before = test_accounts::windows_live_mail_kumail();
  before.oauth2_on_provider_hosts = true;  // as Thunderbird's accounts read
  const RuleOutput output = run_rule(kRule, before, fixture_policy("004-kumail.xml"));
  const std::string in_reason =
      "The server pop.kumail.kyoto-u.ac.jp is replaced by pop.gmail.com (policy move for "
      "pop.kumail.kyoto-u.ac.jp)";
  const std::string out_reason =
      "The server smtp.kumail.kyoto-u.ac.jp is replaced by smtp.gmail.com (policy move for "
      "smtp.kumail.kyoto-u.ac.jp)";
  EXPECT_EQ(
      output.changes,
      (std::vector<Change>{
          {"server-move", "incoming.hostname", "pop.kumail.kyoto-u.ac.jp", "pop.gmail.com",
           in_reason},
          {"server-move", "incoming.authentication", "password-cleartext", "OAuth2", in_reason},
          {"server-move", "incoming.username", "hanako", "hanako@st.kyoto-u.ac.jp", in_reason},
          {"server-move", "outgoing.hostname", "smtp.kumail.kyoto-u.ac.jp", "smtp.gmail.com",
           out_reason},
          {"server-move", "outgoing.port", "465", "587", out_reason},
          {"server-move", "outgoing.socketType", "SSL", "STARTTLS", out_reason},
          {"server-move", "outgoing.authentication", "password-cleartext", "OAuth2", out_reason},
          {"server-move", "outgoing.username", "hanako", "hanako@st.kyoto-u.ac.jp", out_reason},
      }));
  EXPECT_EQ(output.findings, (std::vector<Finding>{oauth2_sign_in("pop.gmail.com"),
                                                   oauth2_sign_in("smtp.gmail.com")}));
  // Once there, nothing more: the move matched the old hosts only.
  EXPECT_TRUE(
      run_rule(kRule, with_changes(before, output.changes), fixture_policy("004-kumail.xml"))
          .changes.empty());
}

TEST(ServerMoveRule, OAuth2ProviderHostsFollowThunderbirdsList) {
  for (const char* host :
       {"imap.gmail.com", "SMTP.Gmail.com", "pop.googlemail.com", "outlook.office365.com",
        "smtp.office365.com", "imap.mail.yahoo.com", "imap.aol.com", "smtp-mail.outlook.com"}) {
    EXPECT_TRUE(thunderbird_signs_in_with_oauth2(host)) << host;
  }
  for (const char* host :
       {"pop.kumail.kyoto-u.ac.jp", "gmail.com.example.jp", "mail.ru", "notgmail.com", "com", ""}) {
    EXPECT_FALSE(thunderbird_signs_in_with_oauth2(host)) << host;
  }
}

TEST(ServerMoveRule, ClientConfigTargetMovesTheWholeAccount) {
  const Account before = test_accounts::windows_live_mail_kumail();
  const RuleOutput output = run_rule(kRule, before, fixture_policy("004-kumail-clientconfig.xml"));
  const RuleOutput inline_output = run_rule(kRule, before, fixture_policy("004-kumail.xml"));
  EXPECT_EQ(with_changes(before, output.changes), with_changes(before, inline_output.changes));
  ASSERT_EQ(output.changes.size(), 6u);
  EXPECT_EQ(output.changes[2].reason,
            "The server smtp.kumail.kyoto-u.ac.jp is replaced by smtp.gmail.com (policy move for "
            "pop.kumail.kyoto-u.ac.jp)");
}

TEST(ServerMoveRule, AccountWithoutAddressKeepsItsUserNameAndAsksForOne) {
  Account before = test_accounts::windows_live_mail_kumail();
  before.address.clear();
  const RuleOutput output = run_rule(kRule, before, fixture_policy("004-kumail.xml"));
  for (const Change& change : output.changes) {
    EXPECT_NE(change.field, "incoming.username");
    EXPECT_NE(change.field, "outgoing.username");
  }
  EXPECT_EQ(output.changes.size(), 4u);
  EXPECT_EQ(output.findings,
            (std::vector<Finding>{
                make_finding("server-move", Severity::ActionRequired,
                             "Enter the user name for {hostname} by hand ({template}, from the "
                             "e-mail address): this account has no e-mail address to build it "
                             "from",
                             {{"hostname", "pop.gmail.com"}, {"template", "%EMAILADDRESS%"}}),
                app_password_step("pop.gmail.com"),
                make_finding("server-move", Severity::ActionRequired,
                             "Enter the user name for {hostname} by hand ({template}, from the "
                             "e-mail address): this account has no e-mail address to build it "
                             "from",
                             {{"hostname", "smtp.gmail.com"}, {"template", "%EMAILADDRESS%"}}),
                app_password_step("smtp.gmail.com")}));
}

TEST(ServerMoveRule, OutlookSpaAccountStaysOnItsHostWithNewPortsAndNoPasswordWarning) {
  const Account before = test_accounts::outlook_pop_spa_smtp25();
  const RuleOutput output = run_rule(kRule, before, fixture_policy("000-iis-u-tokyo.xml"));
  const std::string in_reason =
      "The server pop.iis.u-tokyo.ac.jp is replaced by pop.iis.u-tokyo.ac.jp (policy move for "
      "pop.iis.u-tokyo.ac.jp)";
  const std::string out_reason =
      "The server mail.iis.u-tokyo.ac.jp is replaced by mail.iis.u-tokyo.ac.jp (policy move for "
      "mail.iis.u-tokyo.ac.jp)";
  EXPECT_EQ(
      output.changes,
      (std::vector<Change>{
          {"server-move", "incoming.port", "110", "995", in_reason},
          {"server-move", "incoming.socketType", "plain", "SSL", in_reason},
          {"server-move", "incoming.authentication", "NTLM", "password-cleartext", in_reason},
          {"server-move", "outgoing.port", "25", "587", out_reason},
          {"server-move", "outgoing.socketType", "plain", "STARTTLS", out_reason},
          {"server-move", "outgoing.authentication", "NTLM", "password-cleartext", out_reason},
      }));
  EXPECT_TRUE(output.findings.empty());
}

TEST(ServerMoveRule, ProtocolChangesAndAMissingPortFollowsTheDefault) {
  const Policy policy = inline_policy(
      "<move match='pop.example.ac.jp'><incomingServer type='imap'>"
      "<hostname>imap.example.ac.jp</hostname></incomingServer></move>");
  Account before = test_accounts::outlook_express_dti();
  before.incoming.hostname = "pop.example.ac.jp";
  const RuleOutput output = run_rule(kRule, before, policy);
  const std::string reason =
      "The server pop.example.ac.jp is replaced by imap.example.ac.jp (policy move for "
      "pop.example.ac.jp)";
  EXPECT_EQ(
      output.changes,
      (std::vector<Change>{
          {"server-move", "incoming.protocol", "pop3", "imap", reason},
          {"server-move", "incoming.hostname", "pop.example.ac.jp", "imap.example.ac.jp", reason},
          {"server-move", "incoming.port", "110", "143", reason},
      }));
  // A port the user chose is not a default: it stays.
  before.incoming.port = 10110;
  const RuleOutput custom = run_rule(kRule, before, policy);
  ASSERT_EQ(custom.changes.size(), 2u);
  EXPECT_EQ(custom.changes[1].field, "incoming.hostname");
}

TEST(ServerMoveRule, AMoveMayChangeOnlyThePort) {
  const Policy policy = inline_policy(
      "<move match='smtp.tanaka.dti.ne.jp'><outgoingServer type='smtp'>"
      "<hostname>smtp.tanaka.dti.ne.jp</hostname><port>587</port></outgoingServer></move>");
  const RuleOutput output = run_rule(kRule, test_accounts::outlook_express_dti(), policy);
  EXPECT_EQ(
      output.changes,
      (std::vector<Change>{{"server-move", "outgoing.port", "25", "587",
                            "The server smtp.tanaka.dti.ne.jp is replaced by "
                            "smtp.tanaka.dti.ne.jp (policy move for smtp.tanaka.dti.ne.jp)"}}));
  EXPECT_TRUE(output.findings.empty());
}

TEST(ServerMoveRule, NeverSwitchesAPasswordOnOverPlainText) {
  const Policy policy = inline_policy(
      "<move match='smtp.tanaka.dti.ne.jp'><outgoingServer type='smtp'>"
      "<hostname>smtp.tanaka.dti.ne.jp</hostname><port>587</port><socketType>plain</socketType>"
      "<authentication>password-cleartext</authentication></outgoingServer></move>");
  const RuleOutput output = run_rule(kRule, test_accounts::outlook_express_dti(), policy);
  ASSERT_EQ(output.changes.size(), 1u);
  EXPECT_EQ(output.changes[0].field, "outgoing.port");
  EXPECT_EQ(output.findings,
            (std::vector<Finding>{make_finding(
                "server-move", Severity::ActionRequired,
                "The policy asks for a normal password on {hostname} without an encrypted "
                "connection; mailmig does not switch that on: check the policy's socketType for "
                "{hostname}",
                {{"hostname", "smtp.tanaka.dti.ne.jp"}})}));
}

// A move to an unencrypted connection keeps the encryption of a login that sends the password
// as it is (Windows Live Mail on KUMail logs in over SSL); the host still moves.
TEST(ServerMoveRule, NeverTakesTheEncryptionAwayFromAPasswordLogin) {
  const Policy policy = inline_policy(
      "<move match='pop.kumail.kyoto-u.ac.jp'><incomingServer type='pop3'>"
      "<hostname>pop.example.jp</hostname><port>110</port><socketType>plain</socketType>"
      "</incomingServer></move>");
  const RuleOutput output = run_rule(kRule, test_accounts::windows_live_mail_kumail(), policy);
  ASSERT_EQ(output.changes.size(), 1u);
  EXPECT_EQ(output.changes[0].field, "incoming.hostname");
  EXPECT_EQ(output.changes[0].to, "pop.example.jp");
  ASSERT_FALSE(output.findings.empty());
  EXPECT_EQ(output.findings[0],
            make_finding("server-move", Severity::ActionRequired,
                         "The policy asks for an unencrypted connection to {hostname}, which "
                         "would send the password unencrypted; mailmig keeps the connection "
                         "encrypted: check the policy's socketType for {hostname}",
                         {{"hostname", "pop.example.jp"}}));
}

TEST(ServerMoveRule, HostSpelledInOtherCaseIsKept) {
  Account before = test_accounts::outlook_pop_spa_smtp25();
  before.incoming.hostname = "POP.IIS.U-Tokyo.AC.JP";
  const RuleOutput output = run_rule(kRule, before, fixture_policy("000-iis-u-tokyo.xml"));
  for (const Change& change : output.changes) EXPECT_NE(change.field, "incoming.hostname");
}

TEST(ServerMoveRule, UnmatchedAndNewsAccountsAreLeftAlone) {
  const Policy policy = fixture_policy("002-kyutech.xml");
  const RuleOutput unmatched = run_rule(kRule, test_accounts::claws_imap_starttls(), policy);
  EXPECT_TRUE(unmatched.changes.empty());
  EXPECT_TRUE(unmatched.findings.empty());
  Account news = test_accounts::thunderbird_news();
  news.incoming.hostname = "news.club.kyutech.ac.jp";
  EXPECT_TRUE(run_rule(kRule, news,
                       inline_policy("<move match='*.club.kyutech.ac.jp'>"
                                     "<incomingServer><hostname>x.ac.jp</hostname>"
                                     "</incomingServer></move>"))
                  .changes.empty());
}

TEST(ServerMoveRule, MovedAccountThatStillMatchesChangesNothing) {
  // mail.club.kyutech.ac.jp is itself under *.club.kyutech.ac.jp.
  const Policy policy = fixture_policy("002-kyutech.xml");
  const Account before = test_accounts::sylpheed_apop_pop_before_smtp();
  const Account moved = with_changes(before, run_rule(kRule, before, policy).changes);
  const RuleOutput again = run_rule(kRule, moved, policy);
  EXPECT_TRUE(again.changes.empty());
  EXPECT_TRUE(again.findings.empty());
}

}  // namespace
}  // namespace mailmig
