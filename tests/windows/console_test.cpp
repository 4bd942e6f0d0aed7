// The console of mailmig.exe (issue 17 §2): a double-clicked window is kept open for reading;
// nothing waits or asks in a script, a cmd.exe window or with redirected input or output.
#include "src/cli/console.h"

#include <gtest/gtest.h>

#include <string>

#include "tests/windows/windows_test_user.h"

namespace mailmig {
namespace {

using testing::make_deployment_folder;
using testing::WindowsUser;

TEST(Console, OnlyAWindowOfItsOwnWithAPersonAtItIsKeptOpen) {
  EXPECT_TRUE(keep_window_open({true, true, 1}));     // double-clicked
  EXPECT_FALSE(keep_window_open({true, true, 2}));    // typed in cmd.exe, or a script's window
  EXPECT_FALSE(keep_window_open({false, true, 1}));   // input redirected (< nul)
  EXPECT_FALSE(keep_window_open({true, false, 1}));   // output redirected
  EXPECT_FALSE(keep_window_open({false, false, 0}));  // no console (a logon script, a service)
}

// With NUL as input (a script's "< nul") and output to a file: no question, no "press Enter"
// wait, nothing changed. NUL is a character device, so the C runtime's isatty() took it for a
// person at a terminal.
TEST(Console, StartedWithoutAConsoleItAsksNothingWaitsForNothingAndChangesNothing) {
  testing::TempFolder folder;
  const WindowsUser user(folder, "tanaka");
  const std::string netlogon = make_deployment_folder(folder);
  const std::string before = user.prefs();
  testing::Environment environment = user.environment();
  environment.emplace_back("MAILMIG_VERIFY", "off");  // a test machine reaches no mail server
  const testing::ProgramRun run =
      testing::run_program(netlogon + "/mailmig.exe", {"--lang", "en"}, environment);
  ASSERT_TRUE(run.finished);
  EXPECT_NE(run.output.find("Standard input is not a terminal: nothing was changed"),
            std::string::npos)
      << run.output;
  EXPECT_EQ(run.output.find("Press Enter"), std::string::npos) << run.output;
  EXPECT_EQ(run.output.find("Apply these changes?"), std::string::npos) << run.output;
  EXPECT_EQ(user.prefs(), before);
}

TEST(Console, ThisTestHasNoConsoleOfItsOwnToKeepOpen) {
  // CTest runs each test with its output in a pipe: never a window to keep open.
  EXPECT_FALSE(keep_window_open(current_console()));
}

}  // namespace
}  // namespace mailmig
