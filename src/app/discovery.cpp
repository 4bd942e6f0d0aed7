#include "src/app/discovery.h"

#include <algorithm>
#include <boost/filesystem.hpp>
#include <cerrno>

#include "parsers/clients/client_list.h"
#include "src/io/read_file.h"

namespace mailmig {
namespace fs = boost::filesystem;

namespace {

// The first bytes of a file, enough to recognise its format.
// Only those are read: the whole file is read once, by its loader. Opened without blocking and
// read only when it is (still) a regular file; a file too large to load has no head.
std::string head_of(const fs::path& path) { return read_file_head(path.string(), 4096); }

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

// The files people name for the clients, each once: "prefs.js, .reg, accountrc, ...".
std::string known_files() {
  std::vector<std::string_view> hints;
  for (const ClientDescriptor* client : all_clients()) {
    if (client->file_hint &&
        std::find(hints.begin(), hints.end(), client->file_hint) == hints.end()) {
      hints.emplace_back(client->file_hint);
    }
  }
  std::string text;
  for (std::string_view hint : hints) {
    if (!text.empty()) text += ", ";
    text += hint;
  }
  return text;
}

}  // namespace

ClientKind provisional_client(const ProfileLocation& location) { return location.client->kind; }

std::vector<ProfileLocation> discover_profiles(const std::string& home_text,
                                               std::vector<std::string>* outside_home) {
  boost::system::error_code ignored;
  HomeFolder home;
  home.path = fs::absolute(fs::path(home_text), ignored).string();
  boost::system::error_code unresolved;
  const fs::path real_home = fs::canonical(home.path, unresolved);
  if (outside_home && !unresolved) {
    home.real_path = real_home.string();
    home.outside = outside_home;
  }
  std::vector<ProfileLocation> found;
  for (const ClientDescriptor* client : all_clients()) {
    if (!client->editable() || !client->find_in_home) continue;
    for (ProfileLocation& location : client->find_in_home(home)) {
      found.push_back(std::move(location));
    }
  }
  return found;
}

std::vector<UneditableClient> discover_uneditable_clients(const std::string& home_text) {
  boost::system::error_code ignored;
  HomeFolder home;
  home.path = fs::absolute(fs::path(home_text), ignored).string();
  std::vector<UneditableClient> found;
  for (const ClientDescriptor* client : all_clients()) {
    if (client->editable() || !client->find_in_home) continue;
    for (const ProfileLocation& location : client->find_in_home(home)) {
      found.push_back({client->kind, location.path});
    }
  }
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
  const bool folder = fs::is_directory(status);
  if (!folder && !fs::is_regular_file(status)) {
    // A FIFO or a device: said by read_file, which opens it without blocking and never reads it.
    result.error = read_file(path_text).error;
    return result;
  }
  NamedPath named;
  named.path = path_text;
  named.is_folder = folder;
  if (!folder) {
    named.name = to_lower(path.filename().string());
    named.extension = to_lower(path.extension().string());
    named.head = head_of(path);
  }
  for (const ClientDescriptor* client : all_clients()) {
    if (!client->recognise) continue;
    result.locations = client->recognise(named);
    if (!result.locations.empty()) return result;
  }
  result.error = folder ? path_text + ": not a mail client profile folder"
                        : path_text + ": not a file mailmig knows (" + known_files() + ")";
  return result;
}

LoadResult load_profile(const ProfileLocation& location) {
  return location.client->load(location.path);
}

}  // namespace mailmig
