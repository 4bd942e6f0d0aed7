#include "parsers/clients/client.h"

#include <algorithm>
#include <boost/filesystem.hpp>

namespace mailmig {
namespace fs = boost::filesystem;

bool is_folder(const std::string& path) {
  boost::system::error_code ignored;
  return fs::is_directory(path, ignored);
}

bool is_regular_file(const std::string& path) {
  boost::system::error_code ignored;
  return fs::is_regular_file(path, ignored);
}

bool is_present_file(const std::string& path) {
  boost::system::error_code ignored;
  return fs::exists(fs::symlink_status(path, ignored)) && !fs::is_directory(path, ignored);
}

std::string to_lower(std::string text) {
  std::transform(text.begin(), text.end(), text.begin(),
                 [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
  return text;
}

std::string path_in(const std::string& folder, const std::string& relative) {
  return (fs::path(folder) / relative).string();
}

std::string folder_of(const std::string& path) { return fs::path(path).parent_path().string(); }

bool lies_inside(const std::string& real_folder, const std::string& path) {
  boost::system::error_code error;
  const fs::path real = fs::weakly_canonical(fs::absolute(path), error);
  if (error) return false;
  const fs::path relative = real.lexically_relative(real_folder);
  return !relative.empty() && *relative.begin() != "..";
}

}  // namespace mailmig
