// A Windows user for the tests of mailmig.exe under Wine: a home in a fresh folder with the
// Thunderbird profile of the Windows fixture home, and the folder IT deploys (NETLOGON).
#pragma once

#include <string>

#include "tests/io/io_test_support.h"
#include "tests/windows/windows_test_process.h"

namespace mailmig::testing {

extern const std::string kMailmig;      // the mailmig.exe built, as a Windows path
extern const std::string kSourceDir;    // the source folder, as a Windows path
extern const std::string kDummyClient;  // tests/windows/dummy_client.cpp's program
// Where the Thunderbird profile is in the user's home.
extern const std::string kProfileInHome;
// Moves pop.kumail.kyoto-u.ac.jp, the Thunderbird fixture's server, to pop.gmail.com.
extern const std::string kPolicy;

// Copies a file or a folder (with what it holds) to `to`, making the folders on the way.
void copy_into(const std::string& from, const std::string& to);

// C:\Users\<name>, with the environment Windows gives that user's programs.
class WindowsUser {
 public:
  WindowsUser(const TempFolder& folder, const std::string& name);

  const std::string& home() const { return home_; }
  std::string prefs() const;  // the Thunderbird profile's prefs.js
  std::string local_app_data() const { return home_ + "/AppData/Local"; }
  Environment environment() const;

 private:
  std::string home_;
};

// The folder IT copies from the zip (NETLOGON): mailmig.exe, its Japanese messages, the policy
// and the logon script, with nothing else around them. Its path, with backslashes.
std::string make_deployment_folder(const TempFolder& folder);

// Whether prefs.js was migrated by kPolicy.
bool moved_to_gmail(const std::string& prefs);

}  // namespace mailmig::testing
