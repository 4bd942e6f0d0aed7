// The running-client check of every client mailmig edits, under Wine with a dummy program in
// the client's place (tests/windows/dummy_client.cpp): named as the client's executable, holding
// Thunderbird's parent.lock, or owning Sylpheed's or Claws Mail's mutex. mailmig.exe apply must
// then leave the profile alone and exit 3; with nothing running it goes ahead.
#include <gtest/gtest.h>

#include <filesystem>
#include <string>
#include <vector>

#include "src/encoding/wide_text.h"
#include "tests/io/io_test_support.h"
#include "tests/windows/windows_test_process.h"
#include "tests/windows/windows_test_user.h"

namespace mailmig {
namespace {

using testing::kDummyClient;
using testing::kMailmig;
using testing::kSourceDir;

struct RunningClient {
  const char* name;        // the client, for the failure messages
  const char* fixture;     // copied into a fresh folder; the copy is the profile PATH
  const char* executable;  // the dummy's name
  const char* held_file;   // in the profile folder, held open without sharing; or nullptr
  const char* mutex;       // owned by the dummy; or nullptr
};

const RunningClient kClients[] = {
    {"Thunderbird",
     "fixtures/homes/windows/AppData/Roaming/Thunderbird/Profiles/x8f2k1qz.default-release",
     "thunderbird.exe", "parent.lock", nullptr},
    {"Sylpheed", "fixtures/homes/windows/AppData/Roaming/Sylpheed", "sylpheed.exe", nullptr,
     "Sylpheed"},
    {"ClawsMail", "fixtures/homes/windows/AppData/Roaming/Claws-mail", "claws-mail.exe", nullptr,
     "ClawsMail"},
    {"Outlook", "fixtures/registry/outlook2016-unicode.reg", "OUTLOOK.EXE", nullptr, nullptr},
    {"OutlookExpress", "fixtures/registry/oe-regedit4-cp932.reg", "msimn.exe", nullptr, nullptr},
    {"WindowsMail", "fixtures/homes/windows/AppData/Local/Microsoft/Windows Live Mail",
     "WinMail.exe", nullptr, nullptr},
    {"WindowsLiveMail", "fixtures/homes/windows/AppData/Local/Microsoft/Windows Live Mail",
     "wlmail.exe", nullptr, nullptr},
    {"Becky", "fixtures/homes/windows/Documents/Becky", "B2.exe", nullptr, nullptr},
};

// A copy of the client's fixture in `folder`: the profile PATH.
std::string copy_profile(const testing::TempFolder& folder, const RunningClient& client) {
  const std::filesystem::path fixture = widen(kSourceDir + "/" + client.fixture);
  const std::string profile = folder / narrow(fixture.filename().wstring());
  std::error_code error;
  std::filesystem::copy(fixture, widen(profile), std::filesystem::copy_options::recursive, error);
  EXPECT_FALSE(error) << error.message();
  return profile;
}

testing::ProgramRun apply(const testing::TempFolder& folder, const std::string& profile) {
  return testing::run_program(
      kMailmig, {"apply", "--verify", "off", "--state-dir", folder / "state", "--quiet", profile});
}

// One client after the other, in one test: the process list and the mutexes are the whole
// Wine session's, so a dummy OUTLOOK.EXE of a test running beside it would be seen here.
TEST(RunningClientOnWindows, ApplyRefusesEveryClientsProfileWithExit3WhileTheClientRuns) {
  for (const RunningClient& client : kClients) {
    SCOPED_TRACE(client.name);
    const testing::TempFolder folder;
    const std::string profile = copy_profile(folder, client);
    const std::string program = folder / client.executable;
    ASSERT_TRUE(CopyFileW(widen(kDummyClient).c_str(), widen(program).c_str(), TRUE));
    std::vector<std::string> arguments;
    if (client.held_file) {
      arguments.insert(arguments.end(), {"--hold", profile + "/" + client.held_file});
    }
    if (client.mutex) arguments.insert(arguments.end(), {"--mutex", client.mutex});
    const std::string ready = folder / "ready";
    arguments.insert(arguments.end(), {"--ready", ready});
    {
      const testing::BackgroundProgram running(program, arguments);
      ASSERT_TRUE(running.started());
      ASSERT_TRUE(running.wait_for_file(ready));
      const testing::ProgramRun refused = apply(folder, profile);
      ASSERT_TRUE(refused.finished);
      EXPECT_EQ(refused.exit_code, 3u) << refused.errors;
      EXPECT_NE(refused.errors.find("running"), std::string::npos) << refused.errors;
    }
    // Closed: the same run goes ahead (the check is not simply always true).
    const testing::ProgramRun applied = apply(folder, profile);
    ASSERT_TRUE(applied.finished);
    EXPECT_NE(applied.exit_code, 3u) << applied.errors;
  }
}

}  // namespace
}  // namespace mailmig
