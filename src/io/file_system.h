// The file system behind an interface, so that a failing write, rename or fsync can be injected
// in a test. Everything mailmig writes goes through a FileSystem; RealFileSystem makes the POSIX
// calls. Errors are values naming the path and the operation: "/p/prefs.js: rename failed: ...".
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "src/io/read_file.h"

namespace mailmig {

// The outcome of one operation: empty error means success.
struct IoStatus {
  std::string error;

  bool ok() const { return error.empty(); }
  explicit operator bool() const { return ok(); }
};

// "<path>: <operation> failed: <strerror(error_number)>"
IoStatus io_error(const std::string& path, std::string_view operation, int error_number);

enum class FileType { Missing, Regular, Directory, Symlink, Other };

struct FileStatus {
  FileType type = FileType::Missing;
  std::uint64_t size = 0;
  std::int64_t mtime_ns = 0;  // nanoseconds since the epoch
  std::uint32_t mode = 0;     // permission bits only (07777)
  std::uint32_t uid = 0;
  std::uint32_t gid = 0;
};

struct StatResult {
  FileStatus status;
  std::string error;  // set for failures other than "does not exist" (that is FileType::Missing)

  explicit operator bool() const { return error.empty(); }
};

struct PathResult {
  std::string path;
  std::string error;

  explicit operator bool() const { return error.empty(); }
};

// An open file mailmig is writing; `fd` is whatever handle the FileSystem gave out.
struct OpenedFile {
  int fd = -1;
  std::string path;
  std::string error;

  explicit operator bool() const { return error.empty(); }
};

struct FolderListing {
  std::vector<std::string> names;  // entry names, without "." and "..", sorted
  std::string error;

  explicit operator bool() const { return error.empty(); }
};

// The marker in the name of every temporary file mailmig creates beside a profile file:
// ".<name>.mailmig-tmp-<random>". Recovery removes leftovers carrying it.
inline constexpr std::string_view kTempFileMarker = ".mailmig-tmp-";

class FileSystem {
 public:
  virtual ~FileSystem() = default;

  // The whole file (following symlinks), within read_file's size limit.
  virtual ReadResult read_file(const std::string& path,
                               std::uintmax_t max_bytes = kMaxProfileFileBytes) = 0;
  // stat() follows symlinks; lstat() describes the link itself.
  virtual StatResult stat(const std::string& path) = 0;
  virtual StatResult lstat(const std::string& path) = 0;
  // The absolute path with every symlink, "." and ".." resolved; the file must exist.
  virtual PathResult real_path(const std::string& path) = 0;

  // Creates ".<base_name>.mailmig-tmp-<random>" in `folder` with O_EXCL and mode 0600.
  virtual OpenedFile create_temp_file(const std::string& folder, const std::string& base_name) = 0;
  // Creates exactly `path` with O_EXCL (never through a symlink) and the given mode.
  virtual OpenedFile create_new_file(const std::string& path, std::uint32_t mode) = 0;
  virtual IoStatus write(const OpenedFile& file, std::string_view bytes) = 0;  // all of it
  virtual IoStatus fsync_file(const OpenedFile& file) = 0;
  virtual IoStatus close_file(OpenedFile& file) = 0;

  virtual IoStatus rename(const std::string& from, const std::string& to) = 0;
  virtual IoStatus fsync_folder(const std::string& folder) = 0;
  virtual IoStatus change_mode(const std::string& path, std::uint32_t mode) = 0;
  virtual IoStatus change_owner(const std::string& path, std::uint32_t uid, std::uint32_t gid) = 0;
  virtual IoStatus unlink(const std::string& path) = 0;
  virtual FolderListing list_folder(const std::string& folder) = 0;
  // Creates the folder and its missing parents; the ones created get `mode`.
  virtual IoStatus make_folders(const std::string& folder, std::uint32_t mode) = 0;
};

class RealFileSystem : public FileSystem {
 public:
  ReadResult read_file(const std::string& path,
                       std::uintmax_t max_bytes = kMaxProfileFileBytes) override;
  StatResult stat(const std::string& path) override;
  StatResult lstat(const std::string& path) override;
  PathResult real_path(const std::string& path) override;
  OpenedFile create_temp_file(const std::string& folder, const std::string& base_name) override;
  OpenedFile create_new_file(const std::string& path, std::uint32_t mode) override;
  IoStatus write(const OpenedFile& file, std::string_view bytes) override;
  IoStatus fsync_file(const OpenedFile& file) override;
  IoStatus close_file(OpenedFile& file) override;
  IoStatus rename(const std::string& from, const std::string& to) override;
  IoStatus fsync_folder(const std::string& folder) override;
  IoStatus change_mode(const std::string& path, std::uint32_t mode) override;
  IoStatus change_owner(const std::string& path, std::uint32_t uid, std::uint32_t gid) override;
  IoStatus unlink(const std::string& path) override;
  FolderListing list_folder(const std::string& folder) override;
  IoStatus make_folders(const std::string& folder, std::uint32_t mode) override;
};

// Writes `bytes` to a new file at `path` (O_EXCL, `mode`), fsyncs it and its folder: how backups
// are kept.
IoStatus write_new_file_durably(FileSystem& fs, const std::string& path, std::string_view bytes,
                                std::uint32_t mode);

// The folder part of a path ("/a/b/c" -> "/a/b", "c" -> ".") and the last component.
std::string parent_folder(const std::string& path);
std::string file_name(const std::string& path);
// Joins with exactly one '/'.
std::string join_path(const std::string& folder, const std::string& name);

// Random lower-case hex from the kernel's generator (getrandom, /dev/urandom as a fallback);
// empty when neither is available.
std::string random_hex(std::size_t byte_count);

}  // namespace mailmig
