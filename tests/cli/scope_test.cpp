// Issue 15 §1 at the command level: a policy changes only the accounts on the organisation's
// servers. The DTI example from the issue: a Sylpheed home with a DTI account and another
// provider's account, planned with the DTI policy, leaves the other provider's account alone
// (seed 003, FAQ Q7: only DTI's accounts are affected).
#include <gtest/gtest.h>

#include <string>

#include "tests/cli/cli_test_support.h"

namespace mailmig::cli_testing {
namespace {

constexpr const char* kAccountrc =
    "[Account: 1]\naccount_name=DTI\naddress=tanaka@tanaka.dti.ne.jp\nprotocol=0\n"
    "receive_server=pop.tanaka.dti.ne.jp\nsmtp_server=smtp.tanaka.dti.ne.jp\nuser_id=tanaka\n"
    "use_smtp_auth=0\npop_before_smtp=1\nssl_pop=0\nssl_smtp=0\nset_smtpport=0\nsmtp_port=25\n"
    "\n"
    "[Account: 2]\naccount_name=Other ISP\naddress=tanaka@other-isp.example.jp\nprotocol=0\n"
    "receive_server=pop.other-isp.example.jp\nsmtp_server=smtp.other-isp.example.jp\n"
    "user_id=tanaka2\nuse_smtp_auth=0\npop_before_smtp=0\nssl_pop=0\nssl_smtp=0\n"
    "set_smtpport=0\nsmtp_port=25\n"
    "\n"
    "[Account: 3]\naccount_name=Bridge\naddress=tanaka@bridge.example.jp\nprotocol=3\n"
    "receive_server=127.0.0.1\nsmtp_server=localhost\nuser_id=tanaka3\nuse_smtp_auth=0\n"
    "ssl_imap=0\nssl_smtp=0\nset_smtpport=1\nsmtp_port=1025\n";

class ScopeTest : public ::testing::Test {
 protected:
  void SetUp() override {
    options_.tmpdir = sandbox_.tmp();
    accountrc_ = sandbox_.home() + "/.sylpheed-2.0/accountrc";
    write_file_bytes(accountrc_, kAccountrc);
  }

  RunOutput run(std::vector<std::string> args) {
    args.insert(args.end(), {"--home", sandbox_.home(), "--state-dir", sandbox_.state()});
    return run_mailmig(args, options_);
  }

  // The lines of one [Account: N] section.
  static std::string section(const std::string& text, const std::string& id) {
    const std::size_t start = text.find("[Account: " + id + "]");
    const std::size_t end = text.find("\n[Account: ", start + 1);
    return text.substr(start, end == std::string::npos ? std::string::npos : end - start);
  }

  Sandbox sandbox_;
  RunOptions options_;
  std::string accountrc_;
};

const nlohmann::json* account_on(const nlohmann::json& run, const std::string& incoming_host) {
  for (const auto& profile : run["profiles"]) {
    for (const auto& account : profile["accounts"]) {
      if (account["incoming"]["hostname"] == incoming_host) return &account;
    }
  }
  ADD_FAILURE() << "no account on " << incoming_host;
  return nullptr;
}

TEST_F(ScopeTest, TheDtiPolicyLeavesAnotherProvidersAccountAlone) {
  const std::string policy = fixture_path("policies/003-dti.xml");
  const RunOutput plan = run({"plan", "--format", "json", "--policy", policy});
  EXPECT_EQ(plan.exit_code, 4) << plan.err;
  const nlohmann::json json = parse_json(plan.out);
  const nlohmann::json* dti = account_on(json, "pop.tanaka.dti.ne.jp");
  const nlohmann::json* other = account_on(json, "pop.other-isp.example.jp");
  const nlohmann::json* bridge = account_on(json, "127.0.0.1");
  ASSERT_TRUE(dti && other && bridge);
  EXPECT_EQ((*dti)["governed"], true);
  EXPECT_FALSE((*dti)["changes"].empty());
  EXPECT_EQ((*other)["governed"], false);
  EXPECT_TRUE((*other)["changes"].empty());
  EXPECT_TRUE((*other)["findings"].empty());
  EXPECT_EQ((*bridge)["governed"], false);

  const RunOutput text = run({"plan", "--policy", policy});
  EXPECT_EQ(text.exit_code, 4) << text.err;
  const std::string left_alone =
      "    sending: SMTP smtp.other-isp.example.jp:25, no encryption, no authentication, user "
      "tanaka2\n    not governed by this policy: left alone\n";
  EXPECT_NE(text.out.find(left_alone), std::string::npos) << text.out;
  EXPECT_EQ(text.out.find("built-in default"), std::string::npos) << text.out;

  const RunOutput csv = run({"plan", "--format", "csv", "--policy", policy});
  EXPECT_NE(csv.out.find("smtp.other-isp.example.jp,25,plain,none,,,,,,tanaka2,,,"),
            std::string::npos)
      << csv.out;
  EXPECT_NE(csv.out.find(",plan,not-governed,false\r\n"), std::string::npos) << csv.out;

  const std::string before = read_file_bytes(accountrc_);
  const RunOutput apply = run({"apply", "--policy", policy});
  EXPECT_EQ(apply.exit_code, 0) << apply.err << apply.out;
  const std::string after = read_file_bytes(accountrc_);
  EXPECT_NE(section(after, "1"), section(before, "1"));
  EXPECT_EQ(section(after, "2"), section(before, "2"));
  EXPECT_EQ(section(after, "3"), section(before, "3"));
  EXPECT_NE(after.find("smtp_port=587"), std::string::npos) << after;
}

TEST_F(ScopeTest, TheBuiltinDefaultSaysItHasNoScopeAndLeavesLocalServersAlone) {
  const RunOutput plan = run({"plan", "--format", "json"});
  EXPECT_EQ(plan.exit_code, 4) << plan.err;
  const nlohmann::json json = parse_json(plan.out);
  const nlohmann::json* other = account_on(json, "pop.other-isp.example.jp");
  const nlohmann::json* bridge = account_on(json, "127.0.0.1");
  ASSERT_TRUE(other && bridge);
  EXPECT_EQ((*other)["governed"], true);
  EXPECT_EQ((*bridge)["governed"], false);
  EXPECT_TRUE((*bridge)["changes"].empty());

  const RunOutput text = run({"plan"});
  EXPECT_NE(text.out.find("The built-in default policy has no organisation scope: it changes "
                          "only what it verifies, and never a server on this machine.\n"),
            std::string::npos)
      << text.out;
  const RunOutput japanese = run({"plan", "--lang", "ja"});
  EXPECT_NE(japanese.out.find("このポリシーの対象外: 変更しません"), std::string::npos)
      << japanese.out;
}

TEST_F(ScopeTest, APolicyWithoutScopeIsRefusedWithHowToWriteOne) {
  const std::string policy = fixture_path("policies/invalid/missing-scope.xml");
  for (const char* command : {"plan", "apply"}) {
    const RunOutput refused = run({command, "--policy", policy});
    EXPECT_EQ(refused.exit_code, 2) << refused.out << refused.err;
    EXPECT_NE(refused.err.find(policy + ":1: missing <scope> in <policy>: name the organisation's "
                                        "servers, for example <scope><host "
                                        "match=\"*.example.ac.jp\"/></scope>"),
              std::string::npos)
        << refused.err;
  }
  EXPECT_EQ(read_file_bytes(accountrc_), kAccountrc);
}

TEST(ScopeCommandTest, ClawsMailsSendmailCommandIsNeverTouched) {
  Sandbox sandbox;
  RunOptions options;
  options.tmpdir = sandbox.tmp();
  const std::string accountrc = sandbox.home() + "/.claws-mail/accountrc";
  write_file_bytes(accountrc,
                   "[Account: 1]\naccount_name=Campus\naddress=hanako@example.ac.jp\n"
                   "protocol=0\nreceive_server=pop.example.ac.jp\nsmtp_server=smtp.example.ac.jp\n"
                   "user_id=hanako\nuse_mail_command=1\nmail_command=/usr/sbin/sendmail -t -i\n"
                   "use_smtp_auth=0\nssl_pop=0\nssl_smtp=0\nset_smtpport=1\nsmtp_port=25\n");
  const RunOutput apply =
      run_mailmig({"apply", "--home", sandbox.home(), "--state-dir", sandbox.state()}, options);
  EXPECT_EQ(apply.exit_code, 0) << apply.err << apply.out;
  const std::string after = read_file_bytes(accountrc);
  EXPECT_NE(after.find("ssl_pop=1\n"), std::string::npos) << after;  // the mailbox is governed
  for (const char* kept : {"use_mail_command=1\n", "mail_command=/usr/sbin/sendmail -t -i\n",
                           "use_smtp_auth=0\n", "ssl_smtp=0\n", "smtp_port=25\n"}) {
    EXPECT_NE(after.find(kept), std::string::npos) << kept << " in\n" << after;
  }
}

}  // namespace
}  // namespace mailmig::cli_testing
