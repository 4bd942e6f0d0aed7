// The parts of the file-system seam that are the same on every platform: messages, the durable
// new file, and path strings (file_system.cpp is POSIX, file_system_windows.cpp Windows).
#include <algorithm>
#include <cstring>
#include <string>

#include "src/io/file_system.h"

namespace mailmig {
namespace {

// Windows takes both '/' and '\\' between components; mailmig's own paths use '/'.
#ifdef _WIN32
constexpr const char* kSeparators = "/\\";
#else
constexpr const char* kSeparators = "/";
#endif

bool is_separator(char c) { return c != '\0' && std::strchr(kSeparators, c) != nullptr; }

}  // namespace

std::string OpenedFolder::path_of(const std::string& name) const { return join_path(path_, name); }

IoStatus io_error(const std::string& path, std::string_view operation, int error_number) {
  return {path + ": " + std::string(operation) + " failed: " + std::strerror(error_number)};
}

IoStatus write_new_file_durably(FileSystem& fs, const OpenedFolder& folder, const std::string& name,
                                std::string_view bytes, std::uint32_t mode) {
  OpenedFile file = fs.create_new_file(folder, name, mode);
  if (!file) return {file.error};
  IoStatus status = fs.write(file, bytes);
  if (status) status = fs.fsync_file(file);
  const IoStatus closed = fs.close_file(file);
  if (status && !closed) status = closed;
  if (status) status = fs.fsync_open_folder(folder);
  if (!status) fs.unlink_in(folder, name);
  return status;
}

std::string without_trailing_slashes(std::string path) {
  while (path.size() > 1 && is_separator(path.back())) path.pop_back();
  return path;
}

std::string parent_folder(const std::string& path) {
  const std::string trimmed = without_trailing_slashes(path);
  const std::size_t slash = trimmed.find_last_of(kSeparators);
  if (slash == std::string::npos) return ".";
  if (slash == 0) return "/";
  return trimmed.substr(0, slash);
}

std::string file_name(const std::string& path) {
  const std::string trimmed = without_trailing_slashes(path);
  const std::size_t slash = trimmed.find_last_of(kSeparators);
  return slash == std::string::npos ? trimmed : trimmed.substr(slash + 1);
}

std::size_t absolute_root_length(const std::string& path) {
#ifdef _WIN32
  const bool drive = path.size() >= 3 &&
                     ((path[0] >= 'A' && path[0] <= 'Z') || (path[0] >= 'a' && path[0] <= 'z'));
  if (drive && path[1] == ':' && is_separator(path[2])) return 3;
#endif
  return !path.empty() && is_separator(path.front()) ? 1 : 0;
}

std::string join_path(const std::string& folder, const std::string& name) {
  if (folder.empty()) return name;
  if (is_separator(folder.back())) return folder + name;
  return folder + "/" + name;
}

std::string path_for_people(std::string path) {
#ifdef _WIN32
  std::replace(path.begin(), path.end(), '/', '\\');
#endif
  return path;
}

}  // namespace mailmig
