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
  return result;
}

OpenedFile open_exclusive(const std::string& path, std::uint32_t mode) {
  OpenedFile file;
  file.path = path;
  file.fd = ::open(path.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC,
                   static_cast<mode_t>(mode));
  if (file.fd < 0) {
    file.error = io_error(path, "create", errno).error;
    return file;
  }
  // The umask may have taken bits away; the mode asked for is the mode wanted.
  if (::fchmod(file.fd, static_cast<mode_t>(mode)) != 0) {
    file.error = io_error(path, "chmod", errno).error;
    ::close(file.fd);
    ::unlink(path.c_str());
    file.fd = -1;
  }
  return file;
}

}  // namespace

IoStatus io_error(const std::string& path, std::string_view operation, int error_number) {
  return {path + ": " + std::string(operation) + " failed: " + std::strerror(error_number)};
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

OpenedFile RealFileSystem::create_temp_file(const std::string& folder,
                                            const std::string& base_name) {
  OpenedFile file;
  for (int attempt = 0; attempt < 16; ++attempt) {
    const std::string suffix = random_hex(8);
    if (suffix.empty()) {
      file.error = folder + ": no random source for a temporary file name";
      return file;
    }
    file = open_exclusive(
        join_path(folder, "." + base_name + std::string(kTempFileMarker) + suffix), 0600);
    if (file || errno != EEXIST) return file;
  }
  return file;
}

OpenedFile RealFileSystem::create_new_file(const std::string& path, std::uint32_t mode) {
  return open_exclusive(path, mode);
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

IoStatus RealFileSystem::rename(const std::string& from, const std::string& to) {
  if (::rename(from.c_str(), to.c_str()) != 0) return io_error(to, "rename", errno);
  return {};
}

IoStatus RealFileSystem::fsync_folder(const std::string& folder) {
  const int fd = ::open(folder.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
  if (fd < 0) return io_error(folder, "open folder", errno);
  const int rc = ::fsync(fd);
  const int saved_errno = errno;
  ::close(fd);
  // Some file systems cannot fsync a folder; they say so with EINVAL and there is nothing to do.
  if (rc != 0 && saved_errno != EINVAL) return io_error(folder, "fsync folder", saved_errno);
  return {};
}

IoStatus RealFileSystem::change_mode(const std::string& path, std::uint32_t mode) {
  if (::chmod(path.c_str(), static_cast<mode_t>(mode)) != 0) return io_error(path, "chmod", errno);
  return {};
}

IoStatus RealFileSystem::change_owner(const std::string& path, std::uint32_t uid,
                                      std::uint32_t gid) {
  if (::lchown(path.c_str(), uid, gid) != 0) return io_error(path, "chown", errno);
  return {};
}

IoStatus RealFileSystem::unlink(const std::string& path) {
  if (::unlink(path.c_str()) != 0) return io_error(path, "unlink", errno);
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
  struct stat info {};
  if (::stat(folder.c_str(), &info) == 0) {
    if (S_ISDIR(info.st_mode)) return {};
    return {folder + ": make folder failed: exists and is not a folder"};
  }
  const std::string parent = parent_folder(folder);
  if (parent != folder && parent != "." && parent != "/") {
    if (IoStatus status = make_folders(parent, mode); !status) return status;
  }
  if (::mkdir(folder.c_str(), static_cast<mode_t>(mode)) != 0 && errno != EEXIST) {
    return io_error(folder, "make folder", errno);
  }
  return {};
}

IoStatus write_new_file_durably(FileSystem& fs, const std::string& path, std::string_view bytes,
                                std::uint32_t mode) {
  OpenedFile file = fs.create_new_file(path, mode);
  if (!file) return {file.error};
  IoStatus status = fs.write(file, bytes);
  if (status) status = fs.fsync_file(file);
  const IoStatus closed = fs.close_file(file);
  if (status && !closed) status = closed;
  if (status) status = fs.fsync_folder(parent_folder(path));
  if (!status) fs.unlink(path);
  return status;
}

std::string parent_folder(const std::string& path) {
  std::string trimmed = path;
  while (trimmed.size() > 1 && trimmed.back() == '/') trimmed.pop_back();
  const std::size_t slash = trimmed.rfind('/');
  if (slash == std::string::npos) return ".";
  if (slash == 0) return "/";
  return trimmed.substr(0, slash);
}

std::string file_name(const std::string& path) {
  std::string trimmed = path;
  while (trimmed.size() > 1 && trimmed.back() == '/') trimmed.pop_back();
  const std::size_t slash = trimmed.rfind('/');
  return slash == std::string::npos ? trimmed : trimmed.substr(slash + 1);
}

std::string join_path(const std::string& folder, const std::string& name) {
  if (folder.empty()) return name;
  if (folder.back() == '/') return folder + name;
  return folder + "/" + name;
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
