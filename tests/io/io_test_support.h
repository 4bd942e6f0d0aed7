// Helpers shared by the io tests: a private temporary folder, whole-file reads and writes, and
// a FileSystem wrapper that injects failures.
#pragma once

#include <cstdint>
#include <map>
#include <string>
#include <vector>

#include "src/io/file_system.h"

namespace mailmig::testing {

// A fresh folder under /tmp (short, so UNIX socket paths fit), removed with its content.
class TempFolder {
 public:
  TempFolder();
  ~TempFolder();
  TempFolder(const TempFolder&) = delete;
  TempFolder& operator=(const TempFolder&) = delete;

  const std::string& path() const { return path_; }
  std::string operator/(const std::string& name) const { return path_ + "/" + name; }

 private:
  std::string path_;
};

void write_whole_file(const std::string& path, const std::string& bytes, unsigned mode = 0600);
std::string read_whole_file(const std::string& path);  // fails the test when unreadable
unsigned file_mode(const std::string& path);
bool path_exists(const std::string& path);                          // lstat: a dangling link exists
std::vector<std::string> temp_files_in(const std::string& folder);  // ".*.mailmig-tmp-*"

enum class Operation {
  CreateTemp,
  CreateNew,
  Write,
  FsyncFile,
  Close,
  Rename,
  FsyncFolder,
  ChangeMode,
  MakeFolders,
  OpenFolder
};
const char* operation_name(Operation operation);

// Passes every call to `inner`, counting them; fails the Nth call of one operation with an
// errno, or fails writes once a byte budget ("the disk") is used up.
class FaultInjectingFileSystem : public FileSystem {
 public:
  explicit FaultInjectingFileSystem(FileSystem& inner) : inner_(inner) {}

  void fail_nth(Operation operation, int n, int error_number);
  void disk_full_after(std::uint64_t bytes) { byte_budget_ = bytes; }
  int count(Operation operation) const;

  ReadResult read_file(const std::string& path,
                       std::uintmax_t max_bytes = kMaxProfileFileBytes) override;
  StatResult stat(const std::string& path) override { return inner_.stat(path); }
  StatResult lstat(const std::string& path) override { return inner_.lstat(path); }
  PathResult real_path(const std::string& path) override { return inner_.real_path(path); }
  OpenedFolder open_folder(const std::string& path) override;
  StatResult stat_in(const OpenedFolder& folder, const std::string& name) override {
    return inner_.stat_in(folder, name);
  }
  ReadResult read_in(const OpenedFolder& folder, const std::string& name,
                     std::uintmax_t max_bytes = kMaxProfileFileBytes) override {
    return inner_.read_in(folder, name, max_bytes);
  }
  OpenedFile create_temp_file(const OpenedFolder& folder, const std::string& base_name) override;
  OpenedFile create_new_file(const OpenedFolder& folder, const std::string& name,
                             std::uint32_t mode) override;
  IoStatus write(const OpenedFile& file, std::string_view bytes) override;
  IoStatus set_mode(const OpenedFile& file, std::uint32_t mode) override;
  IoStatus set_owner(const OpenedFile& file, std::uint32_t uid, std::uint32_t gid) override {
    return inner_.set_owner(file, uid, gid);
  }
  IoStatus fsync_file(const OpenedFile& file) override;
  IoStatus close_file(OpenedFile& file) override;
  IoStatus rename_in(const OpenedFolder& folder, const std::string& from,
                     const std::string& to) override;
  IoStatus unlink_in(const OpenedFolder& folder, const std::string& name) override {
    return inner_.unlink_in(folder, name);
  }
  IoStatus set_folder_mode(const OpenedFolder& folder, std::uint32_t mode) override;
  IoStatus fsync_open_folder(const OpenedFolder& folder) override;
  IoStatus fsync_folder(const std::string& folder) override;
  IoStatus change_mode(const std::string& path, std::uint32_t mode) override;
  FolderListing list_folder(const std::string& folder) override {
    return inner_.list_folder(folder);
  }
  IoStatus make_folders(const std::string& folder, std::uint32_t mode) override;

 private:
  // Counts the call; the injected error for it, if any.
  int injected(Operation operation);

  FileSystem& inner_;
  std::map<Operation, int> counts_;
  std::map<Operation, std::pair<int, int>> faults_;  // operation -> (n, errno)
  std::uint64_t byte_budget_ = UINT64_MAX;
};

}  // namespace mailmig::testing
