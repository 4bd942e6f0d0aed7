#include "parsers/clients/becky/becky_data_folder.h"

#include <algorithm>
#include <boost/filesystem.hpp>
#include <boost/system/error_code.hpp>

#include "src/io/read_file.h"

namespace mailmig {
namespace {

namespace fs = boost::filesystem;

bool equal_ascii_ignoring_case(const std::string& a, const std::string& b) {
  return std::equal(a.begin(), a.end(), b.begin(), b.end(), [](char x, char y) {
    auto lower = [](char c) { return c >= 'A' && c <= 'Z' ? static_cast<char>(c - 'A' + 'a') : c; };
    return lower(x) == lower(y);
  });
}

// Windows file names ignore case, and a folder copied from Windows may say MAILBOX.INI. Any
// entry but a folder counts: a FIFO, a device or a dangling link is then refused by name when
// it is read, never skipped in silence.
std::optional<fs::path> child_file(const fs::path& dir, const std::string& name) {
  boost::system::error_code error;
  for (fs::directory_iterator it(dir, error), end; !error && it != end; it.increment(error)) {
    boost::system::error_code kind_error;
    if (equal_ascii_ignoring_case(it->path().filename().string(), name) &&
        !fs::is_directory(it->path(), kind_error)) {
      return it->path();
    }
  }
  return std::nullopt;
}

bool names_default(const std::optional<std::string>& default_mailbox, const std::string& folder) {
  if (!default_mailbox) return false;
  std::string name = *default_mailbox;
  while (!name.empty() && (name.back() == '\\' || name.back() == '/')) name.pop_back();
  return equal_ascii_ignoring_case(name, folder) || equal_ascii_ignoring_case(name + ".mb", folder);
}

}  // namespace

bool is_becky_data_dir(const std::string& dir) {
  const fs::path root(dir);
  if (!child_file(root, "Folder.lst") && !child_file(root, "B2.ini")) return false;
  boost::system::error_code error;
  for (fs::directory_iterator it(root, error), end; !error && it != end; it.increment(error)) {
    if (it->path().extension() == ".mb" && fs::is_directory(it->path(), error)) return true;
  }
  return false;
}

std::optional<std::string> read_becky_default_mailbox(const std::string& data_dir) {
  auto list = child_file(fs::path(data_dir), "Folder.lst");
  if (!list) return std::nullopt;
  auto read = read_file(list->string());
  if (!read) return std::nullopt;
  std::string first = read.bytes.substr(0, read.bytes.find('\n'));
  if (!first.empty() && first.back() == '\r') first.pop_back();
  if (first.empty()) return std::nullopt;
  return first;
}

std::vector<std::string> find_becky_mailboxes(const std::string& data_dir) {
  const auto default_mailbox = read_becky_default_mailbox(data_dir);
  std::vector<std::pair<std::string, std::string>> found;  // folder name, Mailbox.ini path
  boost::system::error_code error;
  for (fs::directory_iterator it(fs::path(data_dir), error), end; !error && it != end;
       it.increment(error)) {
    boost::system::error_code kind_error;
    if (!fs::is_directory(it->path(), kind_error)) continue;
    if (auto ini = child_file(it->path(), "Mailbox.ini")) {
      found.emplace_back(it->path().filename().string(), ini->string());
    }
  }
  std::sort(found.begin(), found.end(), [&](const auto& a, const auto& b) {
    const bool a_default = names_default(default_mailbox, a.first);
    const bool b_default = names_default(default_mailbox, b.first);
    if (a_default != b_default) return a_default;
    return a.first < b.first;
  });
  std::vector<std::string> paths;
  paths.reserve(found.size());
  for (auto& [folder, path] : found) paths.push_back(std::move(path));
  return paths;
}

}  // namespace mailmig
