#include "src/io/file_system.h"

#include <dirent.h>
#include <fcntl.h>
#include <sys/random.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <climits>
#include <cstdlib>
#include <cstring>
#include <utility>

namespace mailmig {
namespace {

FileType file_type(mode_t mode) {
  if (S_ISREG(mode)) return FileType::Regular;
  if (S_ISDIR(mode)) return FileType::Directory;
  if (S_ISLNK(mode)) return FileType::Symlink;
  return FileType::Other;
}

StatResult stat_result(const std::string& path, int rc, const struct stat& info) {
  StatResult result;
  if (rc != 0) {
    if (errno != ENOENT && errno != ENOTDIR) result.error = io_error(path, "stat", errno).error;
    return result;
  }
  result.status.type = file_type(info.st_mode);
  result.status.size = static_cast<std::uint64_t>(info.st_size);
  result.status.mtime_ns = static_cast<std::int64_t>(info.st_mtim.tv_sec) * 1000000000 +
                           static_cast<std::int64_t>(info.st_mtim.tv_nsec);
  result.status.mode = static_cast<std::uint32_t>(info.st_mode & 07777);
  result.status.uid = info.st_uid;
  result.status.gid = info.st_gid;
  result.status.device = static_cast<std::uint64_t>(info.st_dev);
  result.status.inode = static_cast<std::uint64_t>(info.st_ino);
  return result;
}

// Creates `name` in the folder `dir_fd` with O_EXCL, never through a symlink, and exactly `mode`.
OpenedFile open_exclusive(int dir_fd, const std::string& folder_path, const std::string& name,
                          std::uint32_t mode) {
  OpenedFile file;
  file.path = join_path(folder_path, name);
  file.name = name;
  file.fd = ::openat(dir_fd, name.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC,
                     static_cast<mode_t>(mode));
  if (file.fd < 0) {
    file.error = io_error(file.path, "create", errno).error;
    return file;
  }
  // The umask may have taken bits away; the mode asked for is the mode wanted.
  struct stat info {};
  const char* failed = nullptr;
  if (::fchmod(file.fd, static_cast<mode_t>(mode)) != 0) {
    failed = "chmod";
  } else if (::fstat(file.fd, &info) != 0) {
    failed = "stat";
  }
  if (failed != nullptr) {
    file.error = io_error(file.path, failed, errno).error;
    ::close(file.fd);
    ::unlinkat(dir_fd, name.c_str(), 0);
    file.fd = -1;
    return file;
  }
  file.status = stat_result(file.path, 0, info).status;
  return file;
}

IoStatus fsync_folder_fd(int fd, const std::string& folder) {
  // Some file systems cannot fsync a folder; they say so with EINVAL and there is nothing to do.
  if (::fsync(fd) != 0 && errno != EINVAL) return io_error(folder, "fsync folder", errno);
  return {};
}

std::vector<std::string> path_components(const std::string& path) {
  std::vector<std::string> components;
  std::size_t begin = 0;
  while (begin <= path.size()) {
    std::size_t end = path.find('/', begin);
    if (end == std::string::npos) end = path.size();
    std::string component = path.substr(begin, end - begin);
    if (!component.empty() && component != ".") components.push_back(std::move(component));
    begin = end + 1;
  }
  return components;
}

// Opens the folder `path` one component at a time, each relative to its parent's descriptor and
// with O_NOFOLLOW, creating missing ones with `mode` when `create`. A symlink on the way is
// followed only when it belongs to root or to the user running: anyone else's link could lead
// this process where its owner may not go. Returns the descriptor, or -1 with `error` set.
int walk_folders(const std::string& path, bool create, mode_t mode, std::string& error) {
  // The folders on the way are only searched (O_PATH needs no read right, like a path lookup);
  // the last one is opened for reading, so that it can be fsynced and listed.
#ifdef O_PATH
  constexpr int kSearchOnly = O_PATH;
#else
  constexpr int kSearchOnly = O_RDONLY;
#endif
  const std::vector<std::string> components = path_components(path);
  const bool absolute = !path.empty() && path.front() == '/';
  const int start_flags = (components.empty() ? O_RDONLY : kSearchOnly) | O_DIRECTORY | O_CLOEXEC;
  int current = ::open(absolute ? "/" : ".", start_flags);
  if (current < 0) {
    error = io_error(absolute ? "/" : ".", "open folder", errno).error;
    return -1;
  }
  std::string walked = absolute ? "" : ".";
  for (std::size_t i = 0; i < components.size(); ++i) {
    walked += "/" + components[i];
    const char* name = components[i].c_str();
    const int access = i + 1 == components.size() ? O_RDONLY : kSearchOnly;
    const int flags = access | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC;
    int next = ::openat(current, name, flags);
    if (next < 0 && errno == ENOENT && create) {
      if (::mkdirat(current, name, mode) != 0 && errno != EEXIST) {
        error = io_error(walked, "make folder", errno).error;
        ::close(current);
        return -1;
      }
      next = ::openat(current, name, flags);
    }
    if (next < 0 && (errno == ELOOP || errno == ENOTDIR)) {
      struct stat link {};
      if (::fstatat(current, name, &link, AT_SYMLINK_NOFOLLOW) == 0 && S_ISLNK(link.st_mode)) {
        if (link.st_uid == 0 || link.st_uid == ::geteuid()) {
          next = ::openat(current, name, flags & ~O_NOFOLLOW);
        } else {
          error = walked + ": refused: a symlink that belongs to another user (uid " +
                  std::to_string(link.st_uid) + "); mailmig does not follow it";
          ::close(current);
          return -1;
        }
      } else {
        errno = ENOTDIR;
      }
    }
    if (next < 0) {
      error = errno == ENOTDIR ? walked + ": open folder failed: exists and is not a folder"
                               : io_error(walked, "open folder", errno).error;
      ::close(current);
      return -1;
    }
    ::close(current);
    current = next;
  }
  return current;
}

}  // namespace

OpenedFolder::OpenedFolder(int fd, std::string path, FileStatus status)
    : fd_(fd), path_(std::move(path)), status_(status) {}

OpenedFolder::~OpenedFolder() {
  if (fd_ >= 0) ::close(fd_);
}

OpenedFolder::OpenedFolder(OpenedFolder&& other) noexcept
    : fd_(std::exchange(other.fd_, -1)),
      path_(std::move(other.path_)),
      status_(other.status_),
      error_(std::move(other.error_)) {}

OpenedFolder& OpenedFolder::operator=(OpenedFolder&& other) noexcept {
  if (this != &other) {
    if (fd_ >= 0) ::close(fd_);
    fd_ = std::exchange(other.fd_, -1);
    path_ = std::move(other.path_);
    status_ = other.status_;
    error_ = std::move(other.error_);
  }
  return *this;
}

ReadResult RealFileSystem::read_file(const std::string& path, std::uintmax_t max_bytes) {
  return mailmig::read_file(path, max_bytes);
}

StatResult RealFileSystem::stat(const std::string& path) {
  struct stat info {};
  const int rc = ::stat(path.c_str(), &info);
  return stat_result(path, rc, info);
}

StatResult RealFileSystem::lstat(const std::string& path) {
  struct stat info {};
  const int rc = ::lstat(path.c_str(), &info);
  return stat_result(path, rc, info);
}

PathResult RealFileSystem::real_path(const std::string& path) {
  PathResult result;
  char* resolved = ::realpath(path.c_str(), nullptr);
  if (resolved == nullptr) {
    result.error = io_error(path, "resolve", errno).error;
    return result;
  }
  result.path = resolved;
  std::free(resolved);
  return result;
}

OpenedFolder RealFileSystem::open_folder(const std::string& path) {
  std::string error;
  const int fd = walk_folders(path, false, 0, error);
  if (fd < 0) return OpenedFolder(error);
  struct stat info {};
  if (::fstat(fd, &info) != 0) {
    const int saved_errno = errno;
    ::close(fd);
    return OpenedFolder(io_error(path, "stat", saved_errno).error);
  }
  return OpenedFolder(fd, path, stat_result(path, 0, info).status);
}

StatResult RealFileSystem::stat_in(const OpenedFolder& folder, const std::string& name) {
  struct stat info {};
  const int rc = ::fstatat(folder.fd(), name.c_str(), &info, AT_SYMLINK_NOFOLLOW);
  return stat_result(folder.path_of(name), rc, info);
}

ReadResult RealFileSystem::read_in(const OpenedFolder& folder, const std::string& name,
                                   std::uintmax_t max_bytes) {
  const std::string path = folder.path_of(name);
  const int fd = ::openat(folder.fd(), name.c_str(),
                          O_RDONLY | O_CLOEXEC | O_NOCTTY | O_NONBLOCK | O_NOFOLLOW);
  if (fd < 0) {
    ReadResult result;
    result.error = errno == ELOOP ? path + ": is a symlink; mailmig does not read through it here"
                                  : path + ": " + std::strerror(errno);
    return result;
  }
  return read_open_file(fd, path, max_bytes);
}

OpenedFile RealFileSystem::create_temp_file(const OpenedFolder& folder,
                                            const std::string& base_name) {
  OpenedFile file;
  for (int attempt = 0; attempt < 16; ++attempt) {
    const std::string suffix = random_hex(8);
    if (suffix.empty()) {
      file.error = folder.path() + ": no random source for a temporary file name";
      return file;
    }
    file = open_exclusive(folder.fd(), folder.path(),
                          "." + base_name + std::string(kTempFileMarker) + suffix, 0600);
    if (file || errno != EEXIST) return file;
  }
  return file;
}

OpenedFile RealFileSystem::create_new_file(const OpenedFolder& folder, const std::string& name,
                                           std::uint32_t mode) {
  return open_exclusive(folder.fd(), folder.path(), name, mode);
}

IoStatus RealFileSystem::write(const OpenedFile& file, std::string_view bytes) {
  std::size_t done = 0;
  while (done < bytes.size()) {
    const ssize_t n = ::write(file.fd, bytes.data() + done, bytes.size() - done);
    if (n < 0) {
      if (errno == EINTR) continue;
      return io_error(file.path, "write", errno);
    }
    done += static_cast<std::size_t>(n);
  }
  return {};
}

IoStatus RealFileSystem::set_mode(const OpenedFile& file, std::uint32_t mode) {
  if (::fchmod(file.fd, static_cast<mode_t>(mode)) != 0) return io_error(file.path, "chmod", errno);
  return {};
}

IoStatus RealFileSystem::set_owner(const OpenedFile& file, std::uint32_t uid, std::uint32_t gid) {
  // Only a change needs the right to make it: a user's own file keeps its owner without one.
  struct stat info {};
  if (::fstat(file.fd, &info) != 0) return io_error(file.path, "stat", errno);
  if (info.st_uid == uid && info.st_gid == gid) return {};
  if (::fchown(file.fd, uid, gid) != 0) return io_error(file.path, "chown", errno);
  return {};
}

IoStatus RealFileSystem::fsync_file(const OpenedFile& file) {
  if (::fsync(file.fd) != 0) return io_error(file.path, "fsync", errno);
  return {};
}

IoStatus RealFileSystem::close_file(OpenedFile& file) {
  if (file.fd < 0) return {};
  const int rc = ::close(file.fd);
  file.fd = -1;
  // After close() the descriptor is gone whatever it returned (Linux); report the error only.
  if (rc != 0 && errno != EINTR) return io_error(file.path, "close", errno);
  return {};
}

IoStatus RealFileSystem::rename_in(const OpenedFolder& folder, const std::string& from,
                                   const std::string& to) {
  if (::renameat(folder.fd(), from.c_str(), folder.fd(), to.c_str()) != 0) {
    return io_error(folder.path_of(to), "rename", errno);
  }
  return {};
}

IoStatus RealFileSystem::unlink_in(const OpenedFolder& folder, const std::string& name) {
  if (::unlinkat(folder.fd(), name.c_str(), 0) != 0) {
    return io_error(folder.path_of(name), "unlink", errno);
  }
  return {};
}

IoStatus RealFileSystem::set_folder_mode(const OpenedFolder& folder, std::uint32_t mode) {
  if (::fchmod(folder.fd(), static_cast<mode_t>(mode)) != 0) {
    return io_error(folder.path(), "chmod", errno);
  }
  return {};
}

IoStatus RealFileSystem::fsync_open_folder(const OpenedFolder& folder) {
  return fsync_folder_fd(folder.fd(), folder.path());
}

IoStatus RealFileSystem::fsync_folder(const std::string& folder) {
  const int fd = ::open(folder.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
  if (fd < 0) return io_error(folder, "open folder", errno);
  IoStatus status = fsync_folder_fd(fd, folder);
  ::close(fd);
  return status;
}

IoStatus RealFileSystem::change_mode(const std::string& path, std::uint32_t mode) {
  if (::chmod(path.c_str(), static_cast<mode_t>(mode)) != 0) return io_error(path, "chmod", errno);
  return {};
}

FolderListing RealFileSystem::list_folder(const std::string& folder) {
  FolderListing listing;
  DIR* dir = ::opendir(folder.c_str());
  if (dir == nullptr) {
    listing.error = io_error(folder, "list folder", errno).error;
    return listing;
  }
  while (const dirent* entry = ::readdir(dir)) {
    const std::string name = entry->d_name;
    if (name != "." && name != "..") listing.names.push_back(name);
  }
  ::closedir(dir);
  std::sort(listing.names.begin(), listing.names.end());
  return listing;
}

IoStatus RealFileSystem::make_folders(const std::string& folder, std::uint32_t mode) {
  if (folder.empty()) return {folder + ": make folder failed: empty path"};
  std::string error;
  const int fd = walk_folders(folder, true, static_cast<mode_t>(mode), error);
  if (fd < 0) return {error};
  ::close(fd);
  return {};
}

std::uint32_t current_user_id() { return ::geteuid(); }

IoStatus remove_file(const std::string& path) {
  if (::unlink(path.c_str()) != 0) return io_error(path, "unlink", errno);
  return {};
}

std::string random_hex(std::size_t byte_count) {
  std::string raw(byte_count, '\0');
  std::size_t done = 0;
  while (done < byte_count) {
    const ssize_t n = ::getrandom(raw.data() + done, byte_count - done, 0);
    if (n < 0) {
      if (errno == EINTR) continue;
      break;
    }
    done += static_cast<std::size_t>(n);
  }
  if (done < byte_count) {
    const int fd = ::open("/dev/urandom", O_RDONLY | O_CLOEXEC);
    if (fd < 0) return {};
    while (done < byte_count) {
      const ssize_t n = ::read(fd, raw.data() + done, byte_count - done);
      if (n <= 0) {
        if (n < 0 && errno == EINTR) continue;
        ::close(fd);
        return {};
      }
      done += static_cast<std::size_t>(n);
    }
    ::close(fd);
  }
  static constexpr char kHex[] = "0123456789abcdef";
  std::string hex;
  hex.reserve(byte_count * 2);
  for (const char c : raw) {
    const auto byte = static_cast<unsigned char>(c);
    hex += kHex[byte >> 4];
    hex += kHex[byte & 0x0F];
  }
  return hex;
}

}  // namespace mailmig
