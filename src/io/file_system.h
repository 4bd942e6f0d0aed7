// The file system behind an interface, so that a failing write, rename or fsync can be injected
// in a test. Everything mailmig writes goes through a FileSystem; RealFileSystem makes the POSIX
// calls. Errors are values naming the path and the operation: "/p/prefs.js: rename failed: ...".
//
// Writes name their file relative to an OpenedFolder, never by a path string: the folders a
// profile lives in belong to its user, who may swap a name for a symlink while mailmig runs, and
// a path looked up again would follow it. A handle keeps pointing at the folder that was checked.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <utility>
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
  std::uint64_t device = 0;  // with inode: which file this is, whatever its name now
  std::uint64_t inode = 0;
};

inline bool same_file(const FileStatus& a, const FileStatus& b) {
  return a.device == b.device && a.inode == b.inode;
}

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
  std::string path;   // for messages: the folder's path and `name`
  std::string name;   // the name in the folder it was created in
  FileStatus status;  // as created (device and inode say which file it is)
  std::string error;

  explicit operator bool() const { return error.empty(); }
};

// A folder held open (O_DIRECTORY, no symlink followed); closes itself. `status` is the folder
// as opened, so a caller can check it is the folder it examined earlier.
class OpenedFolder {
 public:
  OpenedFolder() = default;
  OpenedFolder(int fd, std::string path, FileStatus status);
  explicit OpenedFolder(std::string error) : error_(std::move(error)) {}
  ~OpenedFolder();
  OpenedFolder(OpenedFolder&& other) noexcept;
  OpenedFolder& operator=(OpenedFolder&& other) noexcept;
  OpenedFolder(const OpenedFolder&) = delete;
  OpenedFolder& operator=(const OpenedFolder&) = delete;

  int fd() const { return fd_; }
  const std::string& path() const { return path_; }
  const FileStatus& status() const { return status_; }
  const std::string& error() const { return error_; }
  std::string path_of(const std::string& name) const;  // for messages only
  explicit operator bool() const { return error_.empty() && fd_ >= 0; }

 private:
  int fd_ = -1;
  std::string path_;
  FileStatus status_;
  std::string error_;
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

  // The folder at `path`, opened one component at a time without following a symlink, except
  // one that belongs to root or to the user running (those only lead where that user could go
  // anyway; anyone else's could lead this process where its owner may not go).
  virtual OpenedFolder open_folder(const std::string& path) = 0;
  // `name` in the folder, not following a symlink (a symlink is FileType::Symlink).
  virtual StatResult stat_in(const OpenedFolder& folder, const std::string& name) = 0;
  // The whole regular file `name` in the folder; a symlink there is refused.
  virtual ReadResult read_in(const OpenedFolder& folder, const std::string& name,
                             std::uintmax_t max_bytes = kMaxProfileFileBytes) = 0;

  // Creates ".<base_name>.mailmig-tmp-<random>" in `folder` with O_EXCL and mode 0600.
  virtual OpenedFile create_temp_file(const OpenedFolder& folder, const std::string& base_name) = 0;
  // Creates exactly `name` in `folder` with O_EXCL (never through a symlink) and the given mode.
  virtual OpenedFile create_new_file(const OpenedFolder& folder, const std::string& name,
                                     std::uint32_t mode) = 0;
  virtual IoStatus write(const OpenedFile& file, std::string_view bytes) = 0;  // all of it
  // Mode and owner of the open file itself (fchmod, fchown): no name is looked up again.
  virtual IoStatus set_mode(const OpenedFile& file, std::uint32_t mode) = 0;
  virtual IoStatus set_owner(const OpenedFile& file, std::uint32_t uid, std::uint32_t gid) = 0;
  virtual IoStatus fsync_file(const OpenedFile& file) = 0;
  virtual IoStatus close_file(OpenedFile& file) = 0;

  virtual IoStatus rename_in(const OpenedFolder& folder, const std::string& from,
                             const std::string& to) = 0;
  virtual IoStatus unlink_in(const OpenedFolder& folder, const std::string& name) = 0;
  virtual IoStatus set_folder_mode(const OpenedFolder& folder, std::uint32_t mode) = 0;
  virtual IoStatus fsync_open_folder(const OpenedFolder& folder) = 0;

  // By path, for mailmig's own state folder (the journal and its locks).
  virtual IoStatus fsync_folder(const std::string& folder) = 0;
  virtual IoStatus change_mode(const std::string& path, std::uint32_t mode) = 0;
  virtual FolderListing list_folder(const std::string& folder) = 0;
  // Creates the folder and its missing parents, each relative to its parent's handle; the ones
  // created get `mode`. A symlink on the way is followed only as open_folder does.
  virtual IoStatus make_folders(const std::string& folder, std::uint32_t mode) = 0;
};

class RealFileSystem : public FileSystem {
 public:
  ReadResult read_file(const std::string& path,
                       std::uintmax_t max_bytes = kMaxProfileFileBytes) override;
  StatResult stat(const std::string& path) override;
  StatResult lstat(const std::string& path) override;
  PathResult real_path(const std::string& path) override;
  OpenedFolder open_folder(const std::string& path) override;
  StatResult stat_in(const OpenedFolder& folder, const std::string& name) override;
  ReadResult read_in(const OpenedFolder& folder, const std::string& name,
                     std::uintmax_t max_bytes = kMaxProfileFileBytes) override;
  OpenedFile create_temp_file(const OpenedFolder& folder, const std::string& base_name) override;
  OpenedFile create_new_file(const OpenedFolder& folder, const std::string& name,
                             std::uint32_t mode) override;
  IoStatus write(const OpenedFile& file, std::string_view bytes) override;
  IoStatus set_mode(const OpenedFile& file, std::uint32_t mode) override;
  IoStatus set_owner(const OpenedFile& file, std::uint32_t uid, std::uint32_t gid) override;
  IoStatus fsync_file(const OpenedFile& file) override;
  IoStatus close_file(OpenedFile& file) override;
  IoStatus rename_in(const OpenedFolder& folder, const std::string& from,
                     const std::string& to) override;
  IoStatus unlink_in(const OpenedFolder& folder, const std::string& name) override;
  IoStatus set_folder_mode(const OpenedFolder& folder, std::uint32_t mode) override;
  IoStatus fsync_open_folder(const OpenedFolder& folder) override;
  IoStatus fsync_folder(const std::string& folder) override;
  IoStatus change_mode(const std::string& path, std::uint32_t mode) override;
  FolderListing list_folder(const std::string& folder) override;
  IoStatus make_folders(const std::string& folder, std::uint32_t mode) override;
};

// Writes `bytes` to a new file `name` in `folder` (O_EXCL, `mode`), fsyncs it and the folder:
// how backups are kept.
IoStatus write_new_file_durably(FileSystem& fs, const OpenedFolder& folder, const std::string& name,
                                std::string_view bytes, std::uint32_t mode);

// The path without the '/'s that end it ("/a/b/" -> "/a/b"; "/" stays "/").
std::string without_trailing_slashes(std::string path);
// The folder part of a path ("/a/b/c" -> "/a/b", "c" -> ".") and the last component.
std::string parent_folder(const std::string& path);
std::string file_name(const std::string& path);
// How long the root of an absolute path is: 1 for "/..."; on Windows also 3 for a drive
// ("C:/...", "C:\\..."). 0 for a relative path.
std::size_t absolute_root_length(const std::string& path);
// Joins with exactly one '/'.
std::string join_path(const std::string& folder, const std::string& name);
// A path as people on this system write it: with '\\' on Windows (mailmig joins with '/'),
// unchanged elsewhere. Only for text people read; JSON, logs and the journal keep the path as
// mailmig uses it.
std::string path_for_people(std::string path);

// The user running mailmig as FileStatus::uid names owners (geteuid). Windows' stat reports 0
// for every owner and this is 0 there too: ownership is an ACL on Windows, not checked yet.
std::uint32_t current_user_id();
// Removes the file at `path` by name (a lock file its holder is done with).
IoStatus remove_file(const std::string& path);

// Random lower-case hex from the kernel's generator (getrandom, /dev/urandom as a fallback);
// empty when neither is available.
std::string random_hex(std::size_t byte_count);

}  // namespace mailmig
