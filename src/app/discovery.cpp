#include "src/app/discovery.h"

#include <algorithm>
#include <cerrno>
#include <boost/filesystem.hpp>

#include "parsers/clients/sylpheed/accountrc_profile.h"
#include "parsers/clients/becky/becky_data_folder.h"
#include "parsers/clients/becky/becky_profile.h"
#include "parsers/clients/windows_mail/windows_mail_profile.h"
#include "parsers/clients/outlook/registry_profile.h"
#include "parsers/clients/thunderbird/profiles_ini.h"
#include "parsers/clients/thunderbird/thunderbird_profile.h"
#include "src/io/read_file.h"

namespace mailmig {
namespace fs = boost::filesystem;

namespace {

bool is_dir(const fs::path& path) {
  boost::system::error_code ignored;
  return fs::is_directory(path, ignored);
}

bool is_file(const fs::path& path) {
  boost::system::error_code ignored;
  return fs::is_regular_file(path, ignored);
}

// A file that is there, of any kind but a folder: a FIFO, a device or a dangling link named like
// a profile file is then refused by name when it is read (without blocking), never skipped in
// silence.
bool is_present_file(const fs::path& path) {
  boost::system::error_code ignored;
  return fs::exists(fs::symlink_status(path, ignored)) && !fs::is_directory(path, ignored);
}

std::string lower(std::string text) {
  std::transform(text.begin(), text.end(), text.begin(),
                 [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
  return text;
}

// The first bytes of a file, enough to recognise its format.
// Only those are read: the whole file is read once, by its loader. Opened without blocking and
// read only when it is (still) a regular file; a file too large to load has no head.
std::string head_of(const fs::path& path) { return read_file_head(path.string(), 4096); }

bool holds_oeaccount_files(const fs::path& root) {
  boost::system::error_code error;
  fs::recursive_directory_iterator it(root, fs::directory_options::skip_permission_denied, error);
  for (; !error && it != fs::recursive_directory_iterator(); it.increment(error)) {
    if (lower(it->path().extension().string()) == ".oeaccount") return true;
  }
  return false;
}

// The profiles profiles.ini lists in `root`. With `real_home` set, one whose real path is
// outside it goes to `outside` instead of `out`.
void add_thunderbird_root(const fs::path& root, std::vector<ProfileLocation>& out,
                          const fs::path* real_home = nullptr,
                          std::vector<std::string>* outside = nullptr) {
  if (!is_file(root / "profiles.ini")) return;
  for (const std::string& profile : find_thunderbird_profiles(root.string())) {
    if (real_home && outside && !lies_inside(real_home->string(), profile)) {
      outside->push_back(profile);
    } else if (is_dir(profile)) {
      out.push_back({ProfileFormat::Thunderbird, profile});
    }
  }
}

ProfileFormat accountrc_format(const fs::path& folder) {
  if (is_file(folder / "clawsrc")) return ProfileFormat::ClawsMail;
  ReadResult read = read_file((folder / "accountrc").string());
  return read && looks_like_claws_accountrc(read.bytes) ? ProfileFormat::ClawsMail
                                                        : ProfileFormat::Sylpheed;
}

void add_accountrc_folder(const fs::path& folder, std::vector<ProfileLocation>& out) {
  if (is_present_file(folder / "accountrc")) {
    out.push_back({accountrc_format(folder), folder.string()});
  }
}

void add_becky_folder(const fs::path& folder, std::vector<ProfileLocation>& out) {
  if (is_dir(folder) && is_becky_data_dir(folder.string())) {
    out.push_back({ProfileFormat::Becky, folder.string()});
  }
}

void add_becky_root(const fs::path& root, std::vector<ProfileLocation>& out) {
  // C:\Becky! holds one data folder a Windows logon name.
  if (!is_dir(root)) return;
  add_becky_folder(root, out);
  std::vector<fs::path> children;
  boost::system::error_code error;
  for (fs::directory_iterator it(root, error); !error && it != fs::directory_iterator();
       it.increment(error)) {
    if (is_dir(it->path())) children.push_back(it->path());
  }
  std::sort(children.begin(), children.end());
  for (const auto& child : children) add_becky_folder(child, out);
}

void add_windows_mail_store(const fs::path& root, std::vector<ProfileLocation>& out) {
  if (is_dir(root) && holds_oeaccount_files(root)) {
    out.push_back({ProfileFormat::WindowsMail, root.string()});
  }
}

// A relative PATH made absolute: a bare "accountrc" has an empty parent folder, and the profile
// root, its lock and the journal all name the folder the file is in. Links are kept as they are
// (the writer checks where they lead).
std::string absolute_path(const std::string& text) {
  const fs::path path(text);
  if (path.is_absolute()) return text;
  boost::system::error_code error;
  const fs::path current = fs::current_path(error);
  if (error) return text;
  std::string joined = (current / path).lexically_normal().string();
  while (joined.size() > 1 && (joined.back() == '/' || joined.ends_with("/."))) {
    joined.pop_back();
  }
  return joined;
}

}  // namespace

ClientKind provisional_client(const ProfileLocation& location) {
  switch (location.format) {
    case ProfileFormat::Thunderbird: return ClientKind::Thunderbird;
    case ProfileFormat::RegistryExport: return ClientKind::Outlook;
    case ProfileFormat::Becky: return ClientKind::Becky;
    case ProfileFormat::Sylpheed: return ClientKind::Sylpheed;
    case ProfileFormat::ClawsMail: return ClientKind::ClawsMail;
    case ProfileFormat::WindowsMail: return ClientKind::WindowsMail;
  }
  return ClientKind::Thunderbird;
}

std::vector<ProfileLocation> discover_profiles(const std::string& home_text,
                                               std::vector<std::string>* outside_home) {
  boost::system::error_code ignored;
  const fs::path home = fs::absolute(fs::path(home_text), ignored);
  boost::system::error_code unresolved;
  const fs::path real_home = fs::canonical(home, unresolved);
  const fs::path* checked_home = outside_home && !unresolved ? &real_home : nullptr;
  std::vector<ProfileLocation> found;
  // Linux, then its sandboxed packagings, then macOS, then a Windows user folder.
  for (const char* root : {".thunderbird", "snap/thunderbird/common/.thunderbird",
                           ".var/app/org.mozilla.Thunderbird/.thunderbird", "Library/Thunderbird",
                           "AppData/Roaming/Thunderbird"}) {
    add_thunderbird_root(home / root, found, checked_home, outside_home);
  }

  add_accountrc_folder(home / ".sylpheed-2.0", found);
  add_accountrc_folder(home / "Library/Application Support/Sylpheed", found);
  add_accountrc_folder(home / "AppData/Roaming/Sylpheed", found);
  add_accountrc_folder(home / ".claws-mail", found);
  add_accountrc_folder(home / "AppData/Roaming/Claws-mail", found);

  add_becky_folder(home / "Documents/Becky", found);
  add_becky_folder(home / "My Documents/Becky", found);
  add_becky_root(home / "Becky!", found);

  add_windows_mail_store(home / "AppData/Local/Microsoft/Windows Live Mail", found);
  add_windows_mail_store(home / "AppData/Local/Microsoft/Windows Mail", found);
  add_windows_mail_store(home / "Local Settings/Application Data/Microsoft/Windows Mail", found);
  return found;
}

std::vector<UneditableClient> discover_uneditable_clients(const std::string& home_text) {
  boost::system::error_code ignored;
  const fs::path home = fs::absolute(fs::path(home_text), ignored);
  std::vector<UneditableClient> found;
  // The new Outlook for Windows keeps its local data in %LOCALAPPDATA%\Microsoft\Olk and is a
  // packaged app (Microsoft.OutlookForWindows_8wekyb3d8bbwe). Neither is documented by Microsoft
  // in a source we could check; both are what administrators' clean-up and inventory scripts
  // look for, so either one counts.
  for (const char* folder : {"AppData/Local/Microsoft/Olk",
                             "AppData/Local/Packages/Microsoft.OutlookForWindows_8wekyb3d8bbwe"}) {
    if (is_dir(home / folder)) {
      found.push_back({ClientKind::NewOutlook, (home / folder).string()});
      break;
    }
  }
  // Shuriken (JustSystems): its data folder could not be verified. Its settings are taken to be
  // in %APPDATA%\<JustSystems folder>\Shuriken, the vendor's usual layout, matched without case
  // and for both spellings ("Justsystem", "JustSystems"); nothing else is guessed.
  const fs::path roaming = home / "AppData/Roaming";
  std::vector<fs::path> candidates;
  boost::system::error_code error;
  for (fs::directory_iterator vendor(roaming, error); !error && vendor != fs::directory_iterator();
       vendor.increment(error)) {
    const std::string name = lower(vendor->path().filename().string());
    if (name != "justsystem" && name != "justsystems") continue;
    boost::system::error_code inner;
    for (fs::directory_iterator app(vendor->path(), inner);
         !inner && app != fs::directory_iterator(); app.increment(inner)) {
      if (lower(app->path().filename().string()) == "shuriken" && is_dir(app->path())) {
        candidates.push_back(app->path());
      }
    }
  }
  std::sort(candidates.begin(), candidates.end());
  if (!candidates.empty()) found.push_back({ClientKind::Shuriken, candidates.front().string()});
  return found;
}

ClassifyResult classify_path(const std::string& given_path) {
  const std::string path_text = absolute_path(given_path);
  const fs::path path(path_text);
  ClassifyResult result;
  boost::system::error_code error;
  const fs::file_status status = fs::status(path, error);
  if (!fs::exists(status)) {
    result.error = path_text + ": no such file or folder";
    return result;
  }
  if (fs::is_directory(status)) {
    if (is_file(path / "prefs.js")) {
      result.locations.push_back({ProfileFormat::Thunderbird, path_text});
    } else if (is_file(path / "profiles.ini")) {
      add_thunderbird_root(path, result.locations);
    } else if (is_present_file(path / "accountrc")) {
      add_accountrc_folder(path, result.locations);
    } else if (is_becky_data_dir(path_text)) {
      result.locations.push_back({ProfileFormat::Becky, path_text});
    } else if (holds_oeaccount_files(path)) {
      result.locations.push_back({ProfileFormat::WindowsMail, path_text});
    }
    if (result.locations.empty()) {
      result.error = path_text + ": not a mail client profile folder";
    }
    return result;
  }
  if (!fs::is_regular_file(status)) {
    // A FIFO or a device: said by read_file, which opens it without blocking and never reads it.
    result.error = read_file(path_text).error;
    return result;
  }

  const std::string name = lower(path.filename().string());
  const std::string extension = lower(path.extension().string());
  const std::string head = head_of(path);
  if (name == "prefs.js") {
    result.locations.push_back({ProfileFormat::Thunderbird, path.parent_path().string()});
  } else if (extension == ".reg" || head.starts_with("REGEDIT") ||
             head.starts_with("\xff\xfeW\0i\0n\0d\0o\0w\0s\0 \0R\0e\0g\0i\0s\0t\0r\0y")) {
    result.locations.push_back({ProfileFormat::RegistryExport, path_text});
  } else if (name == "accountrc") {
    const bool claws = looks_like_claws_accountrc(head) ||
                       is_file(path.parent_path() / "clawsrc");
    result.locations.push_back(
        {claws ? ProfileFormat::ClawsMail : ProfileFormat::Sylpheed, path_text});
  } else if (name == "mailbox.ini") {
    result.locations.push_back({ProfileFormat::Becky, path_text});
  } else if (extension == ".oeaccount") {
    result.locations.push_back({ProfileFormat::WindowsMail, path_text});
  } else {
    result.error = path_text + ": not a file mailmig knows (prefs.js, .reg, accountrc, "
                               "Mailbox.ini, .oeaccount)";
  }
  return result;
}

LoadResult load_profile(const ProfileLocation& location) {
  switch (location.format) {
    case ProfileFormat::Thunderbird: return load_thunderbird_profile(location.path);
    case ProfileFormat::RegistryExport: return load_registry_file(location.path);
    case ProfileFormat::Becky: return load_becky_profile(location.path);
    case ProfileFormat::Sylpheed: return load_sylpheed_profile(location.path);
    case ProfileFormat::ClawsMail: return load_claws_profile(location.path);
    case ProfileFormat::WindowsMail: return load_windows_mail_store(location.path);
  }
  return {};
}

bool lies_inside(const std::string& real_folder, const std::string& path) {
  boost::system::error_code error;
  const fs::path real = fs::weakly_canonical(fs::absolute(path), error);
  if (error) return false;
  const fs::path relative = real.lexically_relative(real_folder);
  return !relative.empty() && *relative.begin() != "..";
}

}  // namespace mailmig
