// Becky! 2: a data folder of mailboxes, each with its Mailbox.ini.
#include "parsers/clients/becky/becky_client.h"

#include <algorithm>
#include <boost/filesystem.hpp>

#include "parsers/clients/becky/becky_data_folder.h"
#include "parsers/clients/becky/becky_profile.h"
#include "parsers/clients/client.h"
#include "src/io/running_client_platform.h"

namespace mailmig {

extern const ClientDescriptor kBeckyClient;

namespace {

void add_data_folder(const std::string& folder, std::vector<ProfileLocation>& found) {
  if (is_folder(folder) && is_becky_data_dir(folder)) found.push_back({&kBeckyClient, folder});
}

// C:\Becky! holds one data folder a Windows logon name.
void add_install_folder(const std::string& root, std::vector<ProfileLocation>& found) {
  namespace fs = boost::filesystem;
  if (!is_folder(root)) return;
  add_data_folder(root, found);
  std::vector<fs::path> children;
  boost::system::error_code error;
  for (fs::directory_iterator it(root, error); !error && it != fs::directory_iterator();
       it.increment(error)) {
    if (is_folder(it->path().string())) children.push_back(it->path());
  }
  std::sort(children.begin(), children.end());
  for (const auto& child : children) add_data_folder(child.string(), found);
}

std::vector<ProfileLocation> find_in_home(const HomeFolder& home) {
  std::vector<ProfileLocation> found;
  add_data_folder(path_in(home.path, "Documents/Becky"), found);
  add_data_folder(path_in(home.path, "My Documents/Becky"), found);
  add_install_folder(path_in(home.path, "Becky!"), found);
  return found;
}

std::vector<ProfileLocation> recognise(const NamedPath& named) {
  if (named.is_folder ? is_becky_data_dir(named.path) : named.name == "mailbox.ini") {
    return {{&kBeckyClient, named.path}};
  }
  return {};
}

std::string find_running(const std::string&) { return windows_process_evidence({"B2.exe"}); }

}  // namespace

const ClientDescriptor kBeckyClient{
    .kind = kBecky,
    .find_in_home = find_in_home,
    .recognise = recognise,
    .file_hint = "Mailbox.ini",
    .formats = "Mailbox.ini in Shift_JIS",
    .capabilities = becky_capabilities,
    .load = load_becky_profile,
    .find_running = find_running,
    .fixture = "fixtures/homes/windows/Documents/Becky",
    .fuzz_target = "fuzz/fuzz_becky.cpp",
};

}  // namespace mailmig
