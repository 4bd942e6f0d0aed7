// packaging/login-scripts/mailmig-logon.cmd run by Wine's cmd (issue 17 §4), from a
// NETLOGON-like folder holding mailmig.exe and the policy, for a user with a Thunderbird profile.
#include <gtest/gtest.h>

#include <string>

#include "tests/windows/windows_test_user.h"

namespace mailmig {
namespace {

using testing::kDummyClient;
using testing::kProfileInHome;
using testing::make_deployment_folder;
using testing::moved_to_gmail;
using testing::WindowsUser;

class LogonScript : public ::testing::Test {
 protected:
  testing::ProgramRun logon(const testing::Environment& environment) {
    return testing::run_program("cmd.exe", {"/c", netlogon_ + "\\mailmig-logon.cmd"}, environment);
  }
  // A test bench cannot reach the policy's new servers: their check is turned off, as an
  // administrator's test machine would (the script passes MAILMIG_VERIFY on to mailmig.exe).
  testing::Environment bench() const {
    testing::Environment environment = user_.environment();
    environment.emplace_back("MAILMIG_VERIFY", "off");
    return environment;
  }
  std::string log() const {
    return testing::read_whole_file(user_.local_app_data() + "/mailmig/mailmig.log");
  }

  testing::TempFolder folder_;
  WindowsUser user_{folder_, "鈴木"};
  std::string netlogon_ = make_deployment_folder(folder_);
};

TEST_F(LogonScript, MigratesTheUserOnceWithThePolicyBesideItAndLogsIt) {
  const testing::ProgramRun first = logon(bench());
  ASSERT_TRUE(first.finished);
  EXPECT_EQ(first.exit_code, 0u) << first.output << first.errors << log();
  EXPECT_TRUE(moved_to_gmail(user_.prefs())) << user_.prefs();
  EXPECT_NE(log().find("mailmig-logon: done"), std::string::npos) << log();
  EXPECT_NE(log().find("command=apply"), std::string::npos) << log();
  EXPECT_EQ(first.output, "");  // nothing shown at a logon

  // The next logon finds nothing left to do and changes nothing.
  const std::string after_first = user_.prefs();
  const testing::ProgramRun second = logon(bench());
  EXPECT_EQ(second.exit_code, 0u) << log();
  EXPECT_EQ(user_.prefs(), after_first);
}

TEST_F(LogonScript, ARunningThunderbirdMeansTryAgainAtTheNextLogon) {
  const std::string ready = folder_ / "ready";
  {
    const testing::BackgroundProgram thunderbird(
        kDummyClient,
        {"--hold", user_.home() + "/" + kProfileInHome + "/parent.lock", "--ready", ready});
    ASSERT_TRUE(thunderbird.wait_for_file(ready));
    const testing::ProgramRun held = logon(bench());
    ASSERT_TRUE(held.finished);
    EXPECT_EQ(held.exit_code, 3u) << log();
    EXPECT_NE(log().find("tried again at the next logon"), std::string::npos) << log();
    EXPECT_FALSE(moved_to_gmail(user_.prefs()));
  }
  const testing::ProgramRun next = logon(bench());
  EXPECT_EQ(next.exit_code, 0u) << log();
  EXPECT_TRUE(moved_to_gmail(user_.prefs())) << user_.prefs();
}

// The script no longer turns the server check off: the policy's mode (required) holds a change
// to a server that does not answer back, and the next logon tries again.
TEST_F(LogonScript, TheNewServerIsCheckedAsThePolicySaysAndAFailureMeansTryAgain) {
  const std::string policy_path = netlogon_ + "\\mailmig-policy.xml";
  std::string policy = testing::read_whole_file(policy_path);
  // The new servers renamed into .invalid, which never resolves (RFC 2606).
  for (const std::string& server : {std::string("pop.gmail.com"), std::string("smtp.gmail.com")}) {
    const std::string renamed = server + ".invalid";
    for (std::size_t at = policy.find(server); at != std::string::npos;
         at = policy.find(server, at + renamed.size())) {
      policy.replace(at, server.size(), renamed);
    }
  }
  testing::write_whole_file(policy_path, policy);

  const testing::ProgramRun held = logon(user_.environment());
  ASSERT_TRUE(held.finished);
  EXPECT_EQ(held.exit_code, 3u) << log();
  EXPECT_NE(log().find("tried again at the next logon"), std::string::npos) << log();
  EXPECT_EQ(user_.prefs().find(".invalid"), std::string::npos) << user_.prefs();

  // Where the servers cannot be reached, MAILMIG_VERIFY=off lets the change through.
  const testing::ProgramRun unchecked = logon(bench());
  EXPECT_EQ(unchecked.exit_code, 0u) << log();
  EXPECT_NE(user_.prefs().find("\"pop.gmail.com.invalid\""), std::string::npos) << user_.prefs();
}

TEST_F(LogonScript, WithoutMailmigExeItSaysSoAndExits2) {
  const std::string missing = folder_ / "nowhere/mailmig.exe";
  testing::Environment environment = user_.environment();
  environment.emplace_back("MAILMIG_EXE", missing);
  const testing::ProgramRun run = logon(environment);
  ASSERT_TRUE(run.finished);
  EXPECT_EQ(run.exit_code, 2u);
  EXPECT_NE(log().find("mailmig.exe not found"), std::string::npos) << log();
}

}  // namespace
}  // namespace mailmig
