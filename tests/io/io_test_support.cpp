#include "tests/io/io_test_support.h"

#include <gtest/gtest.h>
#include <sys/stat.h>

#include <cerrno>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <sstream>

#ifdef _WIN32
#include <random>

#include "src/encoding/wide_text.h"
#endif

namespace mailmig::testing {
namespace {

// A UTF-8 path as the standard library takes it: wide on Windows, where a narrow path would be
// read in the ANSI code page.
std::filesystem::path native(const std::string& path) {
#ifdef _WIN32
  return widen(path);
#else
  return path;
#endif
}

}  // namespace

#ifdef _WIN32
// Windows has no mkdtemp: a random name in %TEMP%, created only when it is new.
TempFolder::TempFolder() {
  std::error_code error;
  const std::filesystem::path temp = std::filesystem::temp_directory_path(error);
  EXPECT_FALSE(error) << error.message();
  std::random_device random;
  for (int attempt = 0; attempt < 100 && path_.empty(); ++attempt) {
    const std::filesystem::path candidate = temp / ("mmio-" + std::to_string(random()));
    if (std::filesystem::create_directory(candidate, error)) {
      path_ = narrow(candidate.generic_wstring());
    }
  }
  EXPECT_FALSE(path_.empty());
}
#else
TempFolder::TempFolder() {
  char name[] = "/tmp/mmio-XXXXXX";
  const char* made = ::mkdtemp(name);
  EXPECT_NE(made, nullptr);
  path_ = made != nullptr ? made : "";
}
#endif

TempFolder::~TempFolder() {
  if (path_.empty()) return;
  std::error_code ignored;
  std::filesystem::remove_all(native(path_), ignored);
}

void write_whole_file(const std::string& path, const std::string& bytes, unsigned mode) {
  {
    std::ofstream out(native(path), std::ios::binary | std::ios::trunc);
    out << bytes;
    ASSERT_TRUE(out.good()) << path;
  }
#ifdef _WIN32
  (void)mode;  // Windows files have no POSIX mode
#else
  ASSERT_EQ(::chmod(path.c_str(), mode), 0) << path;
#endif
}

std::string read_whole_file(const std::string& path) {
  std::ifstream in(native(path), std::ios::binary);
  EXPECT_TRUE(in.good()) << path;
  std::ostringstream bytes;
  bytes << in.rdbuf();
  return bytes.str();
}

unsigned file_mode(const std::string& path) {
#ifdef _WIN32
  struct _stat64 info {};
  EXPECT_EQ(::_wstat64(widen(path).c_str(), &info), 0) << path;
#else
  struct stat info {};
  EXPECT_EQ(::stat(path.c_str(), &info), 0) << path;
#endif
  return info.st_mode & 07777;
}

bool path_exists(const std::string& path) {
#ifdef _WIN32
  std::error_code error;
  return std::filesystem::exists(std::filesystem::symlink_status(native(path), error));
#else
  struct stat info {};
  return ::lstat(path.c_str(), &info) == 0;
#endif
}

std::vector<std::string> temp_files_in(const std::string& folder) {
  std::vector<std::string> found;
  for (const auto& entry : std::filesystem::directory_iterator(native(folder))) {
#ifdef _WIN32
    const std::string name = narrow(entry.path().filename().wstring());
#else
    const std::string name = entry.path().filename().string();
#endif
    if (name.find(kTempFileMarker) != std::string::npos) found.push_back(name);
  }
  return found;
}

const char* operation_name(Operation operation) {
  switch (operation) {
    case Operation::CreateTemp:
      return "create_temp_file";
    case Operation::CreateNew:
      return "create_new_file";
    case Operation::Write:
      return "write";
    case Operation::FsyncFile:
      return "fsync_file";
    case Operation::Close:
      return "close_file";
    case Operation::Rename:
      return "rename";
    case Operation::FsyncFolder:
      return "fsync_folder";
    case Operation::ChangeMode:
      return "change_mode";
    case Operation::MakeFolders:
      return "make_folders";
    case Operation::OpenFolder:
      return "open_folder";
  }
  return "?";
}

void FaultInjectingFileSystem::fail_nth(Operation operation, int n, int error_number) {
  faults_[operation] = {n, error_number};
}

int FaultInjectingFileSystem::count(Operation operation) const {
  const auto found = counts_.find(operation);
  return found == counts_.end() ? 0 : found->second;
}

int FaultInjectingFileSystem::injected(Operation operation) {
  const int n = ++counts_[operation];
  const auto fault = faults_.find(operation);
  if (fault != faults_.end() && fault->second.first == n) return fault->second.second;
  return 0;
}

ReadResult FaultInjectingFileSystem::read_file(const std::string& path, std::uintmax_t max_bytes) {
  return inner_.read_file(path, max_bytes);
}

OpenedFolder FaultInjectingFileSystem::open_folder(const std::string& path) {
  if (const int error = injected(Operation::OpenFolder)) {
    return OpenedFolder(io_error(path, "open folder", error).error);
  }
  return inner_.open_folder(path);
}

OpenedFile FaultInjectingFileSystem::create_temp_file(const OpenedFolder& folder,
                                                      const std::string& base_name) {
  if (const int error = injected(Operation::CreateTemp)) {
    OpenedFile file;
    file.error = io_error(folder.path(), "create", error).error;
    return file;
  }
  return inner_.create_temp_file(folder, base_name);
}

OpenedFile FaultInjectingFileSystem::create_new_file(const OpenedFolder& folder,
                                                     const std::string& name, std::uint32_t mode) {
  if (const int error = injected(Operation::CreateNew)) {
    OpenedFile file;
    file.error = io_error(folder.path_of(name), "create", error).error;
    return file;
  }
  return inner_.create_new_file(folder, name, mode);
}

IoStatus FaultInjectingFileSystem::write(const OpenedFile& file, std::string_view bytes) {
  if (const int error = injected(Operation::Write)) return io_error(file.path, "write", error);
  if (bytes.size() > byte_budget_) {
    // The disk takes what fits, then is full: a partial file, like the real thing.
    const std::string_view fits = bytes.substr(0, static_cast<std::size_t>(byte_budget_));
    byte_budget_ = 0;
    if (IoStatus status = inner_.write(file, fits); !status) return status;
    return io_error(file.path, "write", ENOSPC);
  }
  if (byte_budget_ != UINT64_MAX) byte_budget_ -= bytes.size();
  return inner_.write(file, bytes);
}

IoStatus FaultInjectingFileSystem::fsync_file(const OpenedFile& file) {
  if (const int error = injected(Operation::FsyncFile)) return io_error(file.path, "fsync", error);
  return inner_.fsync_file(file);
}

IoStatus FaultInjectingFileSystem::close_file(OpenedFile& file) {
  if (const int error = injected(Operation::Close)) {
    inner_.close_file(file);  // the descriptor is gone either way
    return io_error(file.path, "close", error);
  }
  return inner_.close_file(file);
}

IoStatus FaultInjectingFileSystem::rename_in(const OpenedFolder& folder, const std::string& from,
                                             const std::string& to) {
  if (const int error = injected(Operation::Rename)) {
    return io_error(folder.path_of(to), "rename", error);
  }
  return inner_.rename_in(folder, from, to);
}

IoStatus FaultInjectingFileSystem::fsync_open_folder(const OpenedFolder& folder) {
  if (const int error = injected(Operation::FsyncFolder)) {
    return io_error(folder.path(), "fsync folder", error);
  }
  return inner_.fsync_open_folder(folder);
}

IoStatus FaultInjectingFileSystem::fsync_folder(const std::string& folder) {
  if (const int error = injected(Operation::FsyncFolder)) {
    return io_error(folder, "fsync folder", error);
  }
  return inner_.fsync_folder(folder);
}

IoStatus FaultInjectingFileSystem::set_mode(const OpenedFile& file, std::uint32_t mode) {
  if (const int error = injected(Operation::ChangeMode)) return io_error(file.path, "chmod", error);
  return inner_.set_mode(file, mode);
}

IoStatus FaultInjectingFileSystem::set_folder_mode(const OpenedFolder& folder, std::uint32_t mode) {
  if (const int error = injected(Operation::ChangeMode)) {
    return io_error(folder.path(), "chmod", error);
  }
  return inner_.set_folder_mode(folder, mode);
}

IoStatus FaultInjectingFileSystem::change_mode(const std::string& path, std::uint32_t mode) {
  if (const int error = injected(Operation::ChangeMode)) return io_error(path, "chmod", error);
  return inner_.change_mode(path, mode);
}

IoStatus FaultInjectingFileSystem::make_folders(const std::string& folder, std::uint32_t mode) {
  if (const int error = injected(Operation::MakeFolders)) {
    return io_error(folder, "make folder", error);
  }
  return inner_.make_folders(folder, mode);
}

}  // namespace mailmig::testing
