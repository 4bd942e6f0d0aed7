// Where mailmig finds its policy without --policy: beside the executable, then the system's
// (/etc/mailmig/policy.xml in the package), then the built-in default. The system path itself is
// exercised on the installed package by tests/packaging/deb_contents_test.sh.
#include "src/cli/policy_search.h"

#include <gtest/gtest.h>

#include <boost/filesystem.hpp>

#include "tests/cli/cli_test_support.h"

namespace mailmig::cli_testing {
namespace {

namespace fs = boost::filesystem;

class PolicySearchTest : public ::testing::Test {
 protected:
  void SetUp() override {
    fs::create_directories(sandbox_.path("bin"));
    fs::create_directories(sandbox_.path("etc/mailmig"));
  }
  std::string executable() const { return sandbox_.path("bin/mailmig"); }
  std::string beside() const { return sandbox_.path("bin/mailmig-policy.xml"); }
  std::string system_policy() const { return sandbox_.path("etc/mailmig/policy.xml"); }

  Sandbox sandbox_;
};

TEST_F(PolicySearchTest, TheCommandLineWinsOverEveryFile) {
  write_file_bytes(beside(), "x");
  write_file_bytes(system_policy(), "x");
  EXPECT_EQ(find_policy_file("given.xml", executable(), system_policy()), "given.xml");
}

TEST_F(PolicySearchTest, BesideTheExecutableWinsOverTheSystemPolicy) {
  write_file_bytes(beside(), "x");
  write_file_bytes(system_policy(), "x");
  EXPECT_EQ(find_policy_file("", executable(), system_policy()), beside());
}

TEST_F(PolicySearchTest, TheSystemPolicyWhenNoneIsBesideTheExecutable) {
  write_file_bytes(system_policy(), "x");
  EXPECT_EQ(find_policy_file("", executable(), system_policy()), system_policy());
}

TEST_F(PolicySearchTest, NoFileMeansTheBuiltInPolicy) {
  EXPECT_EQ(find_policy_file("", executable(), system_policy()), "");
  EXPECT_EQ(find_policy_file("", "", ""), "");
}

// A policy IT placed that cannot be loaded must stop the run (exit 2), not be skipped.
TEST_F(PolicySearchTest, ADanglingLinkOrAFolderStillCounts) {
  fs::create_symlink(sandbox_.path("nowhere.xml"), system_policy());
  EXPECT_EQ(find_policy_file("", executable(), system_policy()), system_policy());
  fs::create_directory(beside());
  EXPECT_EQ(find_policy_file("", executable(), system_policy()), beside());
}

TEST(SystemPolicyPath, IsWhereThePackageInstallsIt) {
  EXPECT_STREQ(kSystemPolicyPath, "/etc/mailmig/policy.xml");
}

}  // namespace
}  // namespace mailmig::cli_testing
