// A user whose name is Japanese (issue 17 §2): UTF-8 inside mailmig, wide at every Windows call.
#include <gtest/gtest.h>

#include <filesystem>
#include <string>

#include "src/encoding/wide_text.h"
#include "tests/windows/windows_test_user.h"

namespace mailmig {
namespace {

using testing::kMailmig;
using testing::kPolicy;
using testing::kSourceDir;
using testing::make_deployment_folder;
using testing::moved_to_gmail;
using testing::WindowsUser;
namespace fs = std::filesystem;

// UTF-8 inside mailmig, wide at Windows: %USERPROFILE%, %LOCALAPPDATA%, the command line, the
// policy beside the executable, and every file of the run (backups, journal, log) under a name
// no ANSI code page but Japanese holds.
TEST(JapaneseUser, ApplyMigratesTheProfileInTheirHomeAndSaysSoInJapanese) {
  testing::TempFolder folder;
  const WindowsUser user(folder, "山田表ソ能");
  const std::string netlogon = make_deployment_folder(folder);
  const std::string log = user.local_app_data() + "/実行記録.log";
  const testing::ProgramRun run = testing::run_program(
      netlogon + "/mailmig.exe", {"apply", "--lang", "ja", "--verify", "off", "--log", log},
      user.environment());
  ASSERT_TRUE(run.finished);
  EXPECT_EQ(run.exit_code, 0u) << run.output << run.errors;
  EXPECT_TRUE(moved_to_gmail(user.prefs())) << user.prefs();
  EXPECT_NE(run.output.find("山田表ソ能"), std::string::npos) << run.output;  // the profile's path
  EXPECT_NE(run.output.find("変更"), std::string::npos) << run.output;        // in Japanese
  EXPECT_NE(testing::read_whole_file(log).find("command=apply event=done"), std::string::npos);
  EXPECT_TRUE(fs::is_directory(widen(user.local_app_data() + "/mailmig/backups")));

  // Undone from the journal under the Japanese name: the old server is back.
  const testing::ProgramRun undone =
      testing::run_program(netlogon + "/mailmig.exe", {"rollback"}, user.environment());
  EXPECT_EQ(undone.exit_code, 0u) << undone.output << undone.errors;
  EXPECT_NE(user.prefs().find("\"pop.kumail.kyoto-u.ac.jp\""), std::string::npos);
}

TEST(JapaneseUser, AJapaneseHomeOnTheCommandLineIsTakenAsWritten) {
  testing::TempFolder folder;
  const WindowsUser user(folder, "佐藤花子");
  const testing::ProgramRun run = testing::run_program(
      kMailmig, {"apply", "--verify", "off", "--policy", kSourceDir + "/" + kPolicy, "--home",
                 user.home(), "--quiet"});
  ASSERT_TRUE(run.finished);
  EXPECT_EQ(run.exit_code, 0u) << run.errors;
  EXPECT_TRUE(moved_to_gmail(user.prefs())) << user.prefs();
}

}  // namespace
}  // namespace mailmig
