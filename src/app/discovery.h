// Finding client profiles: in a home folder (Linux, macOS, or a Windows user folder copied or
// mounted anywhere), or from paths named on the command line. Each client says where and how in
// its descriptor (parsers/clients/client.h); these functions ask every client on the list.
#pragma once

#include <string>
#include <vector>

#include "parsers/clients/client.h"
#include "src/model/client.h"
#include "src/model/profile.h"

namespace mailmig {

// The client a location belongs to, as far as it is known before reading it.
ClientKind provisional_client(const ProfileLocation& location);

// Every profile of every client mailmig edits under `home`, in a stable order. With
// `outside_home` (mailmig works on a home named with --home, maybe another user's), a
// Thunderbird profile that profiles.ini places outside the home's real path is listed there
// instead, so it is left alone: it is someone else's, or somewhere the home's owner chose.
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
