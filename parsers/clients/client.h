// A mail client as mailmig knows it: one descriptor a client, each defined in its folder
// (parsers/clients/<client>/<client>_client.cpp) and all on one list (client_list.cpp).
// Discovery, PATH arguments, loading, running-client checks and the manual steps of a client
// mailmig never edits all go through the descriptor.
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "src/model/client.h"
#include "src/model/profile.h"

namespace mailmig {

struct ClientDescriptor;

// A profile found: its folder, or its single file when the profile is one file, and the client
// it is taken for until it is read (a registry export tells Outlook from Outlook Express only
// then).
struct ProfileLocation {
  const ClientDescriptor* client = nullptr;
  std::string path;

  bool operator==(const ProfileLocation&) const = default;
};

// A home folder that profiles are looked for in.
struct HomeFolder {
  std::string path;  // absolute
  // Set when mailmig works on a home named with --home (maybe another user's): the home's real
  // path. A profile that the client's own settings place outside it goes to `outside` instead,
  // so it is left alone: it is someone else's, or somewhere the home's owner chose.
  std::optional<std::string> real_path;
  std::vector<std::string>* outside = nullptr;
};

// A file or folder named on the command line, as far as telling the clients apart needs.
struct NamedPath {
  std::string path;  // absolute
  bool is_folder = false;
  std::string name;       // the file name in lower case: "prefs.js"
  std::string extension;  // in lower case: ".reg"
  std::string head;       // a file's first bytes; empty for a folder
};

struct ClientDescriptor {
  ClientKind kind;
  // Every profile of the client in a home (Linux, macOS, or a Windows user folder copied or
  // mounted anywhere), in a stable order.
  std::vector<ProfileLocation> (*find_in_home)(const HomeFolder& home) = nullptr;
  // The profiles a PATH named on the command line holds when it is this client's; none when it
  // is not. The first client on the list to claim a PATH has it.
  std::vector<ProfileLocation> (*recognise)(const NamedPath& path) = nullptr;
  // The file a person names for this client, in the message for a PATH no client claims.
  const char* file_hint = nullptr;
  // Where the client keeps its accounts, for --help: "prefs.js, user.js".
  const char* formats = nullptr;
  // What the client can store (editable clients). A profile may narrow it for one account where
  // that account's own settings decide (Profile::capabilities): the engine plans per account, so
  // the descriptor holds the client's general case and the profile the exceptions.
  ClientCapabilities (*capabilities)() = nullptr;
  LoadResult (*load)(const std::string& path) = nullptr;
  // What proves the client runs with this profile open ("<profile>/.parentlock is locked by
  // process 4242"), or empty: mailmig then leaves the profile alone.
  std::string (*find_running)(const std::string& profile_path) = nullptr;
  // Only for a client mailmig finds but never edits: the steps its user takes by hand (English,
  // marked N_(), "{path}" filled in with where it was found).
  const char* manual_steps = nullptr;
  // Where its tests stand, as paths in the source tree (tests/parsers/clients/
  // client_list_test.cpp checks them): a profile that loads and writes back unchanged, and the
  // fuzz target that feeds its loader hostile bytes.
  const char* fixture = nullptr;
  const char* fuzz_target = nullptr;

  bool editable() const { return manual_steps == nullptr; }
};

// The file-system questions the descriptors ask; none follows a failure with an exception.
bool is_folder(const std::string& path);
bool is_regular_file(const std::string& path);
// A file that is there, of any kind but a folder: a FIFO, a device or a dangling link named
// like a profile file is then refused by name when it is read (without blocking), never
// skipped in silence.
bool is_present_file(const std::string& path);
std::string to_lower(std::string text);
// `relative` (with "/" between its parts) inside `folder`, and the folder a path is in.
std::string path_in(const std::string& folder, const std::string& relative);
std::string folder_of(const std::string& path);
// Whether `path` really lies in `real_folder` (a resolved path): links and ".." in `path` are
// resolved first, so neither can lead out; a part of `path` that does not exist yet is taken as
// written.
bool lies_inside(const std::string& real_folder, const std::string& path);

}  // namespace mailmig
