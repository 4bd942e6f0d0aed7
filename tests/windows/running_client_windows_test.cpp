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
  const char* name;
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

// The test's name shows the client, not the bytes of the struct.
void PrintTo(const RunningClient& client, std::ostream* out) { *out << client.name; }

class RunningClientOnWindows : public ::testing::TestWithParam<RunningClient> {
 protected:
  void SetUp() override {
    const std::filesystem::path fixture = widen(kSourceDir + "/" + GetParam().fixture);
    profile_ = folder_ / narrow(fixture.filename().wstring());
    std::error_code error;
    std::filesystem::copy(fixture, widen(profile_), std::filesystem::copy_options::recursive,
                          error);
    ASSERT_FALSE(error) << error.message();
  }

  testing::ProgramRun apply() {
    return testing::run_program(kMailmig, {"apply", "--verify", "off", "--state-dir",
                                           folder_ / "state", "--quiet", profile_});
  }

  testing::TempFolder folder_;
  std::string profile_;
};

TEST_P(RunningClientOnWindows, ApplyRefusesWithExit3WhileTheClientRuns) {
  const RunningClient& client = GetParam();
  const std::string program = folder_ / client.executable;
  ASSERT_TRUE(CopyFileW(widen(kDummyClient).c_str(), widen(program).c_str(), TRUE));
  std::vector<std::string> arguments;
  if (client.held_file)
    arguments.insert(arguments.end(), {"--hold", profile_ + "/" + client.held_file});
  if (client.mutex) arguments.insert(arguments.end(), {"--mutex", client.mutex});
  const std::string ready = folder_ / "ready";
  arguments.insert(arguments.end(), {"--ready", ready});
  {
    const testing::BackgroundProgram running(program, arguments);
    ASSERT_TRUE(running.started());
    ASSERT_TRUE(running.wait_for_file(ready));
    const testing::ProgramRun refused = apply();
    ASSERT_TRUE(refused.finished);
    EXPECT_EQ(refused.exit_code, 3u) << refused.errors;
    EXPECT_NE(refused.errors.find("running"), std::string::npos) << refused.errors;
  }
  // Closed: the same run goes ahead (the check is not simply always true).
  const testing::ProgramRun applied = apply();
  ASSERT_TRUE(applied.finished);
  EXPECT_NE(applied.exit_code, 3u) << applied.errors;
}

INSTANTIATE_TEST_SUITE_P(EveryClient, RunningClientOnWindows, ::testing::ValuesIn(kClients),
                         [](const ::testing::TestParamInfo<RunningClient>& param_info) {
                           return std::string(param_info.param.name);
                         });

}  // namespace
}  // namespace mailmig
