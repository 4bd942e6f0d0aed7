// Sylpheed and Claws Mail keep their accounts in the same accountrc format; Claws' folder also
// holds clawsrc, and its accountrc keys Sylpheed never writes.
#include "parsers/clients/sylpheed/sylpheed_client.h"

#include "parsers/clients/client.h"
#include "parsers/clients/sylpheed/accountrc_profile.h"
#include "src/io/file_system.h"
#include "src/io/read_file.h"
#include "src/io/running_client_platform.h"
#include "src/util/digest.h"

namespace mailmig {

extern const ClientDescriptor kSylpheedClient;
extern const ClientDescriptor kClawsMailClient;

namespace {

const ClientDescriptor* client_of_folder(const std::string& folder) {
  if (is_regular_file(path_in(folder, "clawsrc"))) return &kClawsMailClient;
  ReadResult read = read_file(path_in(folder, "accountrc"));
  return read && looks_like_claws_accountrc(read.bytes) ? &kClawsMailClient : &kSylpheedClient;
}

void add_folder(const std::string& folder, std::vector<ProfileLocation>& found) {
  if (is_present_file(path_in(folder, "accountrc"))) {
    found.push_back({client_of_folder(folder), folder});
  }
}

std::vector<ProfileLocation> find_sylpheed_in_home(const HomeFolder& home) {
  std::vector<ProfileLocation> found;
  for (const char* folder :
       {".sylpheed-2.0", "Library/Application Support/Sylpheed", "AppData/Roaming/Sylpheed"}) {
    add_folder(path_in(home.path, folder), found);
  }
  return found;
}

std::vector<ProfileLocation> find_claws_mail_in_home(const HomeFolder& home) {
  std::vector<ProfileLocation> found;
  for (const char* folder : {".claws-mail", "AppData/Roaming/Claws-mail"}) {
    add_folder(path_in(home.path, folder), found);
  }
  return found;
}

// A configuration folder or its accountrc, of either client: the content tells which.
std::vector<ProfileLocation> recognise(const NamedPath& named) {
  std::vector<ProfileLocation> found;
  if (named.is_folder) {
    add_folder(named.path, found);
  } else if (named.name == "accountrc") {
    const bool claws = looks_like_claws_accountrc(named.head) ||
                       is_regular_file(path_in(folder_of(named.path), "clawsrc"));
    found.push_back({claws ? &kClawsMailClient : &kSylpheedClient, named.path});
  }
  return found;
}

#ifdef _WIN32
std::string mutex_evidence(const char* name) {
  return named_mutex_exists(name) ? std::string("the mutex ") + name + " exists" : std::string();
}

std::string find_sylpheed_running(const std::string&) { return mutex_evidence("Sylpheed"); }
std::string find_claws_mail_running(const std::string&) { return mutex_evidence("ClawsMail"); }
#else
// Sylpheed's control socket $TMPDIR/sylpheed-<uid>.
std::string find_sylpheed_running(const std::string& profile_path) {
  const uid_t owner = owner_of(profile_path);
  const std::string socket = join_path(glib_temp_folder(), "sylpheed-" + std::to_string(owner));
  if (socket_accepts(socket, owner)) return socket + " accepts connections";
  return {};
}

std::string find_claws_mail_running(const std::string& profile_path) {
  const uid_t owner = owner_of(profile_path);
  for (const std::string& socket : claws_mail_socket_paths(profile_path)) {
    if (socket_accepts(socket, owner)) return socket + " accepts connections";
  }
  return {};
}
#endif

}  // namespace

#ifndef _WIN32
std::vector<std::string> claws_mail_socket_paths(const std::string& config_folder) {
  const std::string socket_folder = join_path(glib_user_runtime_folder(), "claws-mail");
  std::vector<std::string> paths;
  // Between the two layouts Claws put the socket at <runtime>/claws-mail itself.
  paths.push_back(socket_folder);
  std::string as_given = config_folder;
  while (as_given.size() > 1 && as_given.back() == '/') as_given.pop_back();
  paths.push_back(join_path(socket_folder, md5_hex(as_given)));
  RealFileSystem fs;
  if (const PathResult real = fs.real_path(as_given); real && real.path != as_given) {
    paths.push_back(join_path(socket_folder, md5_hex(real.path)));
  }
  const std::string uid = std::to_string(owner_of(config_folder));
  // The legacy $TMPDIR/claws-mail-<uid>.
  paths.push_back(join_path(glib_temp_folder(), "claws-mail-" + uid));
  // Older Claws with --alternate-config-dir kept the socket inside that folder.
  paths.push_back(join_path(as_given, "claws-mail-" + uid));
  return paths;
}
#endif

const ClientDescriptor kSylpheedClient{
    .kind = kSylpheed,
    .find_in_home = find_sylpheed_in_home,
    .recognise = recognise,
    .file_hint = "accountrc",
    .formats = "accountrc",
    // A POP3 account's: an IMAP account cannot send SMTP-after-POP (the profile narrows it).
    .capabilities = [] { return accountrc_capabilities(kSylpheed, Protocol::Pop3); },
    .load = load_sylpheed_profile,
    .find_running = find_sylpheed_running,
    .fixture = "fixtures/homes/linux/.sylpheed-2.0",
    .fuzz_target = "fuzz/fuzz_accountrc.cpp",
};

const ClientDescriptor kClawsMailClient{
    .kind = kClawsMail,
    .find_in_home = find_claws_mail_in_home,
    .recognise = recognise,
    .file_hint = "accountrc",
    .formats = "accountrc",
    .capabilities = [] { return accountrc_capabilities(kClawsMail, Protocol::Pop3); },
    .load = load_claws_profile,
    .find_running = find_claws_mail_running,
    .fixture = "fixtures/homes/linux/.claws-mail",
    .fuzz_target = "fuzz/fuzz_accountrc.cpp",
};

}  // namespace mailmig
