#include "tests/windows/windows_test_user.h"

#include <gtest/gtest.h>

#include <filesystem>

#include "src/encoding/wide_text.h"

namespace mailmig::testing {

namespace fs = std::filesystem;

const std::string kMailmig = windows_path(MAILMIG_EXE);
const std::string kSourceDir = windows_path(MAILMIG_SOURCE_DIR);
const std::string kDummyClient = windows_path(DUMMY_CLIENT_EXE);
const std::string kProfileInHome = "AppData/Roaming/Thunderbird/Profiles/x8f2k1qz.default-release";
const std::string kPolicy = "fixtures/policies/004-kumail.xml";

void copy_into(const std::string& from, const std::string& to) {
  std::error_code error;
  fs::create_directories(fs::path(widen(to)).parent_path(), error);
  fs::copy(widen(from), widen(to), fs::copy_options::recursive, error);
  ASSERT_FALSE(error) << from << " -> " << to << ": " << error.message();
}

WindowsUser::WindowsUser(const TempFolder& folder, const std::string& name) : home_(folder / name) {
  copy_into(kSourceDir + "/fixtures/homes/windows/AppData/Roaming/Thunderbird",
            home_ + "/AppData/Roaming/Thunderbird");
  fs::create_directories(widen(local_app_data()));
}

std::string WindowsUser::prefs() const {
  return read_whole_file(home_ + "/" + kProfileInHome + "/prefs.js");
}

Environment WindowsUser::environment() const {
  return {{"USERPROFILE", home_},
          {"LOCALAPPDATA", local_app_data()},
          {"APPDATA", home_ + "/AppData/Roaming"}};
}

std::string make_deployment_folder(const TempFolder& folder) {
  std::string netlogon = folder / "NETLOGON/mailmig";
  copy_into(kMailmig, netlogon + "/mailmig.exe");
  copy_into(windows_path(MAILMIG_BINARY_DIR) + "/locale", netlogon + "/locale");
  copy_into(kSourceDir + "/" + kPolicy, netlogon + "/mailmig-policy.xml");
  copy_into(kSourceDir + "/packaging/login-scripts/mailmig-logon.cmd",
            netlogon + "/mailmig-logon.cmd");
  for (char& c : netlogon) {
    if (c == '/') c = '\\';
  }
  return netlogon;
}

bool moved_to_gmail(const std::string& prefs) {
  return prefs.find("\"pop.gmail.com\"") != std::string::npos &&
         prefs.find("\"pop.kumail.kyoto-u.ac.jp\"") == std::string::npos;
}

}  // namespace mailmig::testing
