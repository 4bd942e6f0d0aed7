// Thunderbird's saved logins follow the settings: when smtp-auth switches SMTP AUTH on, the
// incoming server's saved login is copied to "smtp://<host>"; when a policy moves a server, the
// login's origin is renamed. Either way the user never re-enters a password mailmig could carry.
#include <gtest/gtest.h>

#include "tests/cli/cli_test_support.h"

namespace mailmig::cli_testing {
namespace {

const std::string kDefaultProfile = "home/.thunderbird/k3m9x2ab.default-release";
const std::string kHanakoProfile = "home/.thunderbird/p7q1w5zc.hanako";

const nlohmann::json* find_login(const nlohmann::json& logins, const std::string& origin) {
  for (const auto& login : logins["logins"]) {
    if (login["hostname"] == origin) return &login;
  }
  return nullptr;
}

class ThunderbirdLoginsTest : public ::testing::Test {
 protected:
  void SetUp() override {
    sandbox_.copy_fixture("homes/linux", "home");
    options_.tmpdir = sandbox_.tmp();
  }

  nlohmann::json apply(const std::string& policy, const std::string& profile) {
    const RunOutput output =
        run_mailmig({"apply", "--policy", fixture_path("policies/" + policy), "--state-dir",
                     sandbox_.state(), "--format", "json", sandbox_.path(profile)},
                    options_);
    EXPECT_EQ(output.exit_code, 0) << output.err;
    return parse_json(output.out);
  }

  Sandbox sandbox_;
  RunOptions options_;
};

TEST_F(ThunderbirdLoginsTest, SmtpAuthCopiesTheIncomingLoginToTheSmtpOrigin) {
  const nlohmann::json before =
      parse_json(read_file_bytes(sandbox_.path(kHanakoProfile + "/logins.json")));
  ASSERT_EQ(find_login(before, "smtp://smtp.tanaka.dti.ne.jp"), nullptr);
  const nlohmann::json run = apply("003-dti.xml", kHanakoProfile);

  const nlohmann::json after =
      parse_json(read_file_bytes(sandbox_.path(kHanakoProfile + "/logins.json")));
  const nlohmann::json* incoming = find_login(after, "mailbox://pop.tanaka.dti.ne.jp");
  const nlohmann::json* smtp = find_login(after, "smtp://smtp.tanaka.dti.ne.jp");
  ASSERT_NE(incoming, nullptr);
  ASSERT_NE(smtp, nullptr) << after.dump(1);
  EXPECT_EQ((*smtp)["httpRealm"], "smtp://smtp.tanaka.dti.ne.jp");
  EXPECT_EQ((*smtp)["encryptedUsername"], (*incoming)["encryptedUsername"]);
  EXPECT_EQ((*smtp)["encryptedPassword"], (*incoming)["encryptedPassword"]);
  EXPECT_EQ((*smtp)["encType"], (*incoming)["encType"]);
  EXPECT_NE((*smtp)["guid"], (*incoming)["guid"]);
  EXPECT_EQ((*smtp)["id"], before["nextId"]);
  EXPECT_EQ(after["nextId"], before["nextId"].get<int>() + 1);
  EXPECT_EQ(after["logins"].size(), before["logins"].size() + 1);

  EXPECT_TRUE(findings_containing(run, "password").empty())
      << "a password finding where the login was carried: " << run.dump(1);
}

TEST_F(ThunderbirdLoginsTest, ServerMoveRenamesTheLoginOrigins) {
  const nlohmann::json before =
      parse_json(read_file_bytes(sandbox_.path(kDefaultProfile + "/logins.json")));
  const nlohmann::json* old_login = find_login(before, "mailbox://pop3.club.kyutech.ac.jp");
  ASSERT_NE(old_login, nullptr);
  const nlohmann::json run = apply("002-kyutech.xml", kDefaultProfile);

  const nlohmann::json after =
      parse_json(read_file_bytes(sandbox_.path(kDefaultProfile + "/logins.json")));
  EXPECT_EQ(find_login(after, "mailbox://pop3.club.kyutech.ac.jp"), nullptr);
  const nlohmann::json* moved = find_login(after, "mailbox://mail.club.kyutech.ac.jp");
  ASSERT_NE(moved, nullptr) << after.dump(1);
  EXPECT_EQ((*moved)["httpRealm"], "mailbox://mail.club.kyutech.ac.jp");
  EXPECT_EQ((*moved)["guid"], (*old_login)["guid"]);
  EXPECT_EQ((*moved)["encryptedPassword"], (*old_login)["encryptedPassword"]);
  // The moved account's sending server switches AUTH on: it gets the same login.
  const nlohmann::json* smtp = find_login(after, "smtp://mail.club.kyutech.ac.jp");
  ASSERT_NE(smtp, nullptr) << after.dump(1);
  EXPECT_EQ((*smtp)["encryptedUsername"], (*old_login)["encryptedUsername"]);
  EXPECT_EQ((*smtp)["encryptedPassword"], (*old_login)["encryptedPassword"]);
  // The other saved logins are untouched.
  EXPECT_NE(find_login(after, "imap://imap.iis.u-tokyo.ac.jp"), nullptr);
  EXPECT_NE(find_login(after, "smtp://mail.iis.u-tokyo.ac.jp"), nullptr);

  // Only the generic "the new server may need a new password" warning: nothing to re-enter.
  for (const nlohmann::json& finding : findings_containing(run, "password")) {
    EXPECT_NE(finding["severity"], "action-required") << finding.dump();
  }
  EXPECT_TRUE(findings_containing(run, "Enter the password").empty()) << run.dump(1);
}

TEST_F(ThunderbirdLoginsTest, ANewUserNameAsksForThePasswordOnce) {
  // Thunderbird stores the user name encrypted, so a login cannot follow a new user name: here
  // (and only here) the user must type the password once, and mailmig says so.
  const std::string policy = sandbox_.path("new-user-name.xml");
  write_file_bytes(policy,
                   "<policy xmlns='urn:mailmig:policy:1' name='new user name'>"
                   "<scope><host match='*.kyoto-u.ac.jp'/></scope>"
                   "<move match='pop.kumail.kyoto-u.ac.jp'><incomingServer type='pop3'>"
                   "<hostname>pop.kumail.kyoto-u.ac.jp</hostname><port>995</port>"
                   "<socketType>SSL</socketType><username>%EMAILADDRESS%</username>"
                   "</incomingServer></move></policy>");
  const RunOutput output =
      run_mailmig({"apply", "--policy", policy, "--state-dir", sandbox_.state(), "--format", "json",
                   sandbox_.path(kHanakoProfile)},
                  options_);
  const nlohmann::json run = parse_json(output.out);
  const std::vector<nlohmann::json> findings = findings_containing(run, "Enter the password once");
  ASSERT_EQ(findings.size(), 1u) << run.dump(1);
  EXPECT_EQ(findings[0]["severity"], "action-required");
}

TEST_F(ThunderbirdLoginsTest, NoPasswordIsCarriedToAProviderThatSignsInWithOAuth2) {
  // Seed 004: KUMail moves to Gmail, where Thunderbird signs in with OAuth2. The old password is
  // wrong there (repeated wrong logins lock the account), so no login follows the servers, and
  // no password is asked for.
  const nlohmann::json run = apply("004-kumail.xml", kHanakoProfile);
  const nlohmann::json after =
      parse_json(read_file_bytes(sandbox_.path(kHanakoProfile + "/logins.json")));
  for (const auto& login : after["logins"]) {
    EXPECT_EQ(login["hostname"].get<std::string>().find("gmail"), std::string::npos)
        << login.dump();
  }
  EXPECT_TRUE(findings_containing(run, "Enter the password once").empty()) << run.dump(1);
  EXPECT_EQ(findings_containing(run, "signs in with OAuth2").size(), 2u) << run.dump(1);
}

}  // namespace
}  // namespace mailmig::cli_testing
