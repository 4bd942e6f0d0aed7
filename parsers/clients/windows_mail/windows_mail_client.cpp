// Windows Mail and Windows Live Mail: a store folder of .oeaccount files, one an account.
#include "parsers/clients/windows_mail/windows_mail_client.h"

#include <boost/filesystem.hpp>

#include "parsers/clients/client.h"
#include "parsers/clients/windows_mail/windows_mail_profile.h"
#include "src/io/running_client_platform.h"

namespace mailmig {

extern const ClientDescriptor kWindowsMailClient;

namespace {

bool holds_oeaccount_files(const std::string& root) {
  namespace fs = boost::filesystem;
  boost::system::error_code error;
  fs::recursive_directory_iterator it(root, fs::directory_options::skip_permission_denied, error);
  for (; !error && it != fs::recursive_directory_iterator(); it.increment(error)) {
    if (to_lower(it->path().extension().string()) == ".oeaccount") return true;
  }
  return false;
}

std::vector<ProfileLocation> find_in_home(const HomeFolder& home) {
  std::vector<ProfileLocation> found;
  for (const char* store :
       {"AppData/Local/Microsoft/Windows Live Mail", "AppData/Local/Microsoft/Windows Mail",
        "Local Settings/Application Data/Microsoft/Windows Mail"}) {
    const std::string root = path_in(home.path, store);
    if (is_folder(root) && holds_oeaccount_files(root))
      found.push_back({&kWindowsMailClient, root});
  }
  return found;
}

std::vector<ProfileLocation> recognise(const NamedPath& named) {
  if (named.is_folder ? holds_oeaccount_files(named.path) : named.extension == ".oeaccount") {
    return {{&kWindowsMailClient, named.path}};
  }
  return {};
}

std::string find_running(const std::string&) {
  return windows_process_evidence({"WinMail.exe", "wlmail.exe"});
}

}  // namespace

const ClientDescriptor kWindowsMailClient{
    .kind = kWindowsMail,
    .find_in_home = find_in_home,
    .recognise = recognise,
    .file_hint = ".oeaccount",
    .formats = ".oeaccount",
    .capabilities = windows_mail_capabilities,
    .load = load_windows_mail_store,
    .find_running = find_running,
    .fixture = "fixtures/homes/windows/AppData/Local/Microsoft/Windows Live Mail",
    .fuzz_target = "fuzz/fuzz_oeaccount.cpp",
};

}  // namespace mailmig
