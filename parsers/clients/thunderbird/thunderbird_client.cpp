// Thunderbird: a profile folder holding prefs.js, listed by profiles.ini in the client's root.
#include "parsers/clients/thunderbird/thunderbird_client.h"

#include <charconv>

#include "parsers/clients/client.h"
#include "parsers/clients/thunderbird/profiles_ini.h"
#include "parsers/clients/thunderbird/thunderbird_profile.h"
#include "src/io/file_system.h"
#include "src/io/running_client_platform.h"

namespace mailmig {

extern const ClientDescriptor kThunderbirdClient;

namespace {

// The profiles profiles.ini lists in `root`. With the home's real path known, one outside it
// goes to `home.outside` instead.
void add_root(const std::string& root, std::vector<ProfileLocation>& found,
              const HomeFolder* home = nullptr) {
  if (!is_regular_file(path_in(root, "profiles.ini"))) return;
  for (const std::string& profile : find_thunderbird_profiles(root)) {
    if (home && home->real_path && home->outside && !lies_inside(*home->real_path, profile)) {
      home->outside->push_back(profile);
    } else if (is_folder(profile)) {
      found.push_back({&kThunderbirdClient, profile});
    }
  }
}

std::vector<ProfileLocation> find_in_home(const HomeFolder& home) {
  std::vector<ProfileLocation> found;
  // Linux, then its sandboxed packagings, then macOS, then a Windows user folder.
  for (const char* root : {".thunderbird", "snap/thunderbird/common/.thunderbird",
                           ".var/app/org.mozilla.Thunderbird/.thunderbird", "Library/Thunderbird",
                           "AppData/Roaming/Thunderbird"}) {
    add_root(path_in(home.path, root), found, &home);
  }
  return found;
}

// A profile folder, the root folder profiles.ini lists profiles in, or a profile's prefs.js.
std::vector<ProfileLocation> recognise(const NamedPath& named) {
  std::vector<ProfileLocation> found;
  if (named.is_folder) {
    if (is_regular_file(path_in(named.path, "prefs.js"))) {
      found.push_back({&kThunderbirdClient, named.path});
    } else {
      add_root(named.path, found);
    }
  } else if (named.name == "prefs.js") {
    found.push_back({&kThunderbirdClient, folder_of(named.path)});
  }
  return found;
}

#ifdef _WIN32
// Thunderbird holds parent.lock open without sharing while it runs and never deletes it.
std::string find_running(const std::string& profile_path) {
  const std::string lock = profile_path + "\\parent.lock";
  return file_held_open(lock) ? lock + " is held open" : std::string();
}
#else
// An fcntl lock on .parentlock, or the older "lock" symlink "<IP>:<PID>" naming a live process.
std::string find_running(const std::string& profile_path) {
  const std::string parent_lock = join_path(profile_path, ".parentlock");
  if (const std::optional<long> holder = fcntl_lock_holder(parent_lock)) {
    return parent_lock + " is locked by process " + std::to_string(*holder);
  }
  // "<IP>:+<PID>" when the fcntl lock is taken too.
  const std::string symlink_lock = join_path(profile_path, "lock");
  const std::optional<std::string> text = link_target(symlink_lock);
  if (!text) return {};
  const std::size_t colon = text->rfind(':');
  if (colon == std::string::npos) return {};
  const std::string_view pid_text = std::string_view(*text).substr(colon + 1);
  // With "+" the fcntl lock is the proof, and it is free: the symlink is stale.
  if (!pid_text.empty() && pid_text.front() == '+') return {};
  long pid = 0;
  const auto parsed = std::from_chars(pid_text.data(), pid_text.data() + pid_text.size(), pid);
  if (parsed.ec != std::errc() || parsed.ptr != pid_text.data() + pid_text.size() || pid <= 0) {
    return {};
  }
  // The IP is not compared with this host's addresses: a PID alive here counts as running.
  if (!process_alive(pid)) return {};
  return symlink_lock + " -> " + *text + ": process " + std::to_string(pid) + " is alive";
}
#endif

}  // namespace

const ClientDescriptor kThunderbirdClient{
    .kind = kThunderbird,
    .find_in_home = find_in_home,
    .recognise = recognise,
    .file_hint = "prefs.js",
    .formats = "prefs.js, user.js, logins.json",
    .capabilities = thunderbird_capabilities,
    .load = load_thunderbird_profile,
    .find_running = find_running,
    .fixture = "fixtures/homes/linux/.thunderbird/k3m9x2ab.default-release",
    .fuzz_target = "fuzz/fuzz_prefs.cpp",
};

}  // namespace mailmig
