// The conventions of the command line: --version names the build, `mailmig help` and
// `mailmig help COMMAND`, and a mistyped command gets a suggestion (exit 2), in both languages.
#include <gtest/gtest.h>
#include <sys/utsname.h>

#include <regex>

#include "parsers/clients/client_list.h"
#include "src/cli/command_help.h"
#include "tests/cli/cli_test_support.h"

namespace mailmig::cli_testing {
namespace {

class CommandLineTest : public ::testing::Test {
 protected:
  void SetUp() override { options_.tmpdir = sandbox_.tmp(); }
  Sandbox sandbox_;
  RunOptions options_;
};

TEST_F(CommandLineTest, VersionNamesTheVersionCommitBuildDateAndPlatform) {
  const RunOutput output = run_mailmig({"--version"}, options_);
  ASSERT_EQ(output.exit_code, 0) << output.err;
  const std::vector<std::string> lines = split_lines(output.out);
  ASSERT_GE(lines.size(), 2u) << output.out;
  EXPECT_EQ(lines[0], std::string("mailmig ") + MAILMIG_VERSION);
  utsname machine{};
  ASSERT_EQ(uname(&machine), 0);
  // The commit is the checkout's (12 hex digits) or "unknown" outside git.
  const std::regex details("commit ([0-9a-f]{12}|unknown), built "
                           "[0-9]{4}-[0-9]{2}-[0-9]{2} [0-9]{2}:[0-9]{2}:[0-9]{2} UTC, for " +
                           std::string(machine.sysname) + " " + machine.machine);
  EXPECT_TRUE(std::regex_match(lines[1], details)) << lines[1];
}

TEST_F(CommandLineTest, VersionInJapanese) {
  const RunOutput output = run_mailmig({"--lang", "ja", "--version"}, options_);
  ASSERT_EQ(output.exit_code, 0) << output.err;
  EXPECT_NE(output.out.find("コミット"), std::string::npos) << output.out;
}

TEST_F(CommandLineTest, HelpListsTheCommands) {
  const RunOutput output = run_mailmig({"help"}, options_);
  EXPECT_EQ(output.exit_code, 0) << output.err;
  for (const char* command : {"scan", "plan", "apply", "rules", "rollback", "history", "report"}) {
    EXPECT_NE(output.out.find(std::string("\n  ") + command), std::string::npos)
        << command << " missing from:\n" << output.out;
  }
  EXPECT_EQ(output.out, run_mailmig({"--help"}, options_).out);
}

// The clients come from the one list, so a new client is in the help without a word here.
TEST_F(CommandLineTest, HelpNamesEveryClient) {
  const RunOutput output = run_mailmig({"--help"}, options_);
  EXPECT_EQ(output.exit_code, 0) << output.err;
  for (const ClientDescriptor* client : all_clients()) {
    EXPECT_NE(output.out.find(client_display_name(client->kind)), std::string::npos)
        << client_display_name(client->kind) << " missing from:\n" << output.out;
  }
}

TEST_F(CommandLineTest, HelpOfOneCommandIsThatCommandsHelp) {
  const RunOutput output = run_mailmig({"help", "plan"}, options_);
  EXPECT_EQ(output.exit_code, 0) << output.err;
  EXPECT_NE(output.out.find("mailmig plan"), std::string::npos) << output.out;
  EXPECT_NE(output.out.find("--policy"), std::string::npos) << output.out;
  EXPECT_EQ(output.out, run_mailmig({"plan", "--help"}, options_).out);

  const RunOutput summary = run_mailmig({"help", "report", "summary"}, options_);
  EXPECT_EQ(summary.exit_code, 0) << summary.err;
  EXPECT_NE(summary.out.find("mailmig report summary"), std::string::npos) << summary.out;
}

TEST_F(CommandLineTest, HelpOfAnUnknownCommandSuggestsTheNearest) {
  const RunOutput output = run_mailmig({"help", "rollbak"}, options_);
  EXPECT_EQ(output.exit_code, 2);
  EXPECT_EQ(output.out, "");
  EXPECT_NE(output.err.find("Did you mean \"rollback\"?"), std::string::npos) << output.err;
}

TEST_F(CommandLineTest, AMistypedCommandSuggestsTheNearestAndExits2) {
  const RunOutput output = run_mailmig({"aply"}, options_);
  EXPECT_EQ(output.exit_code, 2);
  EXPECT_EQ(output.out, "");
  EXPECT_EQ(output.err,
            "mailmig: unknown command \"aply\". Did you mean \"apply\"?\n"
            "\"mailmig help\" lists the commands.\n");
}

TEST_F(CommandLineTest, AMistypedCommandInJapanese) {
  options_.lang = "ja_JP.UTF-8";
  const RunOutput output = run_mailmig({"aply"}, options_);
  EXPECT_EQ(output.exit_code, 2);
  EXPECT_NE(output.err.find("「aply」というコマンドはありません。「apply」のことですか？"),
            std::string::npos)
      << output.err;
  EXPECT_EQ(output.err.find("Did you mean"), std::string::npos) << output.err;
}

TEST_F(CommandLineTest, AMistypedReportCommandSuggestsTheNearest) {
  const RunOutput output = run_mailmig({"report", "sumary", "all.db"}, options_);
  EXPECT_EQ(output.exit_code, 2);
  EXPECT_EQ(output.err,
            "mailmig: unknown command \"report sumary\". Did you mean \"report summary\"?\n"
            "\"mailmig help report\" lists the commands.\n");
}

TEST_F(CommandLineTest, AWordFarFromEveryCommandGetsNoSuggestion) {
  const RunOutput output = run_mailmig({"--lang", "en", "migrate"}, options_);
  EXPECT_EQ(output.exit_code, 2);
  EXPECT_EQ(output.err,
            "mailmig: unknown command \"migrate\".\n\"mailmig help\" lists the commands.\n");
}

TEST(NearestCommand, OneOrTwoEditsAwayIsATypo) {
  const std::vector<std::string> commands{"scan",    "plan",   "apply", "rules",
                                          "rollback", "history", "report", "help"};
  EXPECT_EQ(nearest_command("aply", commands), "apply");
  EXPECT_EQ(nearest_command("plna", commands), "plan");  // two letters swapped: one edit
  EXPECT_EQ(nearest_command("rule", commands), "rules");
  EXPECT_EQ(nearest_command("histroy", commands), "history");
  EXPECT_EQ(nearest_command("rolback", commands), "rollback");
  EXPECT_EQ(nearest_command("migrate", commands), "");
  EXPECT_EQ(nearest_command("x", commands), "");
  EXPECT_EQ(nearest_command("", commands), "");
}

}  // namespace
}  // namespace mailmig::cli_testing
