// Finding client profiles: in a home folder (Linux, macOS, or a Windows user folder copied or
// mounted anywhere), or from paths named on the command line.
#pragma once

#include <string>
#include <vector>

#include "src/model/client.h"
#include "src/model/profile.h"

namespace mailmig {

// How a profile is stored, which decides the loader. A registry export's client (Outlook or
// Outlook Express) is only known once it is read.
enum class ProfileFormat { Thunderbird, RegistryExport, Becky, Sylpheed, ClawsMail, WindowsMail };

struct ProfileLocation {
  ProfileFormat format;
  std::string path;  // a profile folder, or the single file when the profile is one file

  bool operator==(const ProfileLocation&) const = default;
};

// The client a location belongs to, as far as it is known before reading it.
ClientKind provisional_client(const ProfileLocation& location);

// Every profile of every supported client under `home`, in a stable order. With
// `outside_home` (mailmig works on a home named with --home, maybe another user's), a
// Thunderbird profile that profiles.ini places outside the home's real path is listed there
// instead, so it is left alone: it is someone else's, or somewhere the home's owner chose.
// Whether `path` really lies in `real_folder` (a resolved path): links and ".." in `path` are
// resolved first, so neither can lead out; a part of `path` that does not exist yet is taken
// as written.
bool lies_inside(const std::string& real_folder, const std::string& path);

std::vector<ProfileLocation> discover_profiles(const std::string& home,
                                               std::vector<std::string>* outside_home = nullptr);

// A mail program mailmig cannot edit (the new Outlook for Windows, Shuriken), found by the
// folder where it keeps its data in a home or Windows user folder: its users get the steps to
// take by hand.
struct UneditableClient {
  ClientKind client;
  std::string path;  // the data folder that gave it away

  bool operator==(const UneditableClient&) const = default;
};
std::vector<UneditableClient> discover_uneditable_clients(const std::string& home);

struct ClassifyResult {
  std::vector<ProfileLocation> locations;  // a Thunderbird root folder can hold several profiles
  std::string error;                       // "PATH: not a mail client profile or file"
};

// What a command-line PATH names: a profile folder, or a single file of any format, told apart
// by its name and its content.
ClassifyResult classify_path(const std::string& path);

LoadResult load_profile(const ProfileLocation& location);

}  // namespace mailmig
