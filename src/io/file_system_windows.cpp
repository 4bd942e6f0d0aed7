// RealFileSystem on Windows: wide paths at every call (a Japanese user name works), files through
// CreateFileW in binary (no CRLF translation), FlushFileBuffers for fsync, and a replace through
// MoveFileExW(REPLACE_EXISTING | WRITE_THROUGH), which also makes the folder entry durable (there
// is no folder fsync on Windows). A descriptor is a C runtime one over the handle, as in
// read_file_windows.cpp.
//
// Windows has no openat: a name "in" an OpenedFolder is looked up again under the folder's path.
// The folder stays open (it cannot be removed or renamed while held without FILE_SHARE_DELETE
// being granted to the renamer), and names are opened without following a reparse point.
// Permission bits and owners do not exist here: files inherit their folder's ACL, so set_mode,
// set_owner and change_mode do nothing, and stat reports 0644/0755 (0444/0555 when read-only).
#include <fcntl.h>
#include <io.h>
#include <windows.h>
// clang-format off: bcrypt.h needs the types windows.h defines first
#include <bcrypt.h>
// clang-format on

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <utility>

#include "src/encoding/wide_text.h"
#include "src/io/file_system.h"
#include "src/io/windows_errors.h"

namespace mailmig {
namespace {

constexpr DWORD kShareAll = FILE_SHARE_READ | FILE_SHARE_WRITE | FILE_SHARE_DELETE;

HANDLE handle_of(int fd) { return reinterpret_cast<HANDLE>(_get_osfhandle(fd)); }

// The handle as a C runtime descriptor (closing the descriptor closes the handle); -1 and the
// handle closed when the runtime's table is full.
int descriptor_of(HANDLE handle) {
  const int fd = _open_osfhandle(reinterpret_cast<intptr_t>(handle), _O_BINARY);
  if (fd < 0) CloseHandle(handle);
  return fd;
}

IoStatus windows_error(const std::string& path, std::string_view operation) {
  return io_error(path, operation, last_windows_errno());
}

// Backslashes become '/', and the "\\?\" that GetFinalPathNameByHandleW puts first goes.
std::string mailmig_path(std::wstring_view wide) {
  if (wide.starts_with(L"\\\\?\\UNC\\")) {
    wide.remove_prefix(8);
    std::string path = "//" + narrow(wide);
    std::replace(path.begin(), path.end(), '\\', '/');
    return path;
  }
  if (wide.starts_with(L"\\\\?\\")) wide.remove_prefix(4);
  std::string path = narrow(wide);
  std::replace(path.begin(), path.end(), '\\', '/');
  return path;
}

std::int64_t epoch_nanoseconds(const FILETIME& time) {
  // FILETIME counts 100 ns from 1601-01-01; the Unix epoch is 11644473600 s later.
  const std::int64_t ticks = static_cast<std::int64_t>(
      (static_cast<std::uint64_t>(time.dwHighDateTime) << 32) | time.dwLowDateTime);
  return (ticks - 116444736000000000LL) * 100;
}

FileStatus status_of(const BY_HANDLE_FILE_INFORMATION& info) {
  FileStatus status;
  const bool folder = (info.dwFileAttributes & FILE_ATTRIBUTE_DIRECTORY) != 0;
  const bool read_only = (info.dwFileAttributes & FILE_ATTRIBUTE_READONLY) != 0;
  if (info.dwFileAttributes & FILE_ATTRIBUTE_REPARSE_POINT) {
    status.type = FileType::Symlink;
  } else {
    status.type = folder ? FileType::Directory : FileType::Regular;
  }
  status.size = (static_cast<std::uint64_t>(info.nFileSizeHigh) << 32) | info.nFileSizeLow;
  status.mtime_ns = epoch_nanoseconds(info.ftLastWriteTime);
  status.mode = folder ? (read_only ? 0555 : 0755) : (read_only ? 0444 : 0644);
  status.device = info.dwVolumeSerialNumber;
  status.inode = (static_cast<std::uint64_t>(info.nFileIndexHigh) << 32) | info.nFileIndexLow;
  return status;
}

// Opens `path` for its attributes only; `follow` false describes a reparse point itself.
HANDLE open_for_status(const std::string& path, bool follow) {
  const DWORD flags = FILE_FLAG_BACKUP_SEMANTICS | (follow ? 0 : FILE_FLAG_OPEN_REPARSE_POINT);
  return CreateFileW(widen(path).c_str(), FILE_READ_ATTRIBUTES, kShareAll, nullptr, OPEN_EXISTING,
                     flags, nullptr);
}

StatResult stat_path(const std::string& path, bool follow) {
  StatResult result;
  const HANDLE handle = open_for_status(path, follow);
  if (handle == INVALID_HANDLE_VALUE) {
    const int error = last_windows_errno();
    if (error != ENOENT) result.error = io_error(path, "stat", error).error;
    return result;
  }
  BY_HANDLE_FILE_INFORMATION info{};
  if (GetFileInformationByHandle(handle, &info)) {
    result.status = status_of(info);
  } else {
    result.error = windows_error(path, "stat").error;
  }
  CloseHandle(handle);
  return result;
}

OpenedFile open_exclusive(const OpenedFolder& folder, const std::string& name) {
  OpenedFile file;
  file.path = folder.path_of(name);
  file.name = name;
  const HANDLE handle = CreateFileW(widen(file.path).c_str(), GENERIC_READ | GENERIC_WRITE,
                                    FILE_SHARE_READ | FILE_SHARE_DELETE, nullptr, CREATE_NEW,
                                    FILE_ATTRIBUTE_NORMAL, nullptr);
  if (handle == INVALID_HANDLE_VALUE) {
    const int error = last_windows_errno();
    file.error = io_error(file.path, "create", error).error;
    errno = error;
    return file;
  }
  BY_HANDLE_FILE_INFORMATION info{};
  if (!GetFileInformationByHandle(handle, &info)) {
    file.error = windows_error(file.path, "stat").error;
    CloseHandle(handle);
    DeleteFileW(widen(file.path).c_str());
    return file;
  }
  file.status = status_of(info);
  file.fd = descriptor_of(handle);
  if (file.fd < 0) {
    file.error = io_error(file.path, "create", EMFILE).error;
    DeleteFileW(widen(file.path).c_str());
  }
  return file;
}

// Each folder from the root of `path` down, made when missing.
IoStatus make_each_folder(const std::string& path) {
  std::string walked;
  std::size_t begin = 0;
  while (begin <= path.size()) {
    std::size_t end = path.find_first_of("/\\", begin);
    if (end == std::string::npos) end = path.size();
    walked = path.substr(0, end);
    const std::string component = path.substr(begin, end - begin);
    begin = end + 1;
    // The drive ("C:") and the empty name before a leading '/' are not made.
    if (component.empty() || component == "." || (end == 2 && walked[1] == ':')) continue;
    const DWORD attributes = GetFileAttributesW(widen(walked).c_str());
    if (attributes != INVALID_FILE_ATTRIBUTES) {
      if (!(attributes & FILE_ATTRIBUTE_DIRECTORY)) {
        return {walked + ": open folder failed: exists and is not a folder"};
      }
      continue;
    }
    if (!CreateDirectoryW(widen(walked).c_str(), nullptr) &&
        GetLastError() != ERROR_ALREADY_EXISTS) {
      return windows_error(walked, "make folder");
    }
  }
  return {};
}

}  // namespace

OpenedFolder::OpenedFolder(int fd, std::string path, FileStatus status)
    : fd_(fd), path_(std::move(path)), status_(status) {}

OpenedFolder::~OpenedFolder() {
  if (fd_ >= 0) _close(fd_);
}

OpenedFolder::OpenedFolder(OpenedFolder&& other) noexcept
    : fd_(std::exchange(other.fd_, -1)),
      path_(std::move(other.path_)),
      status_(other.status_),
      error_(std::move(other.error_)) {}

OpenedFolder& OpenedFolder::operator=(OpenedFolder&& other) noexcept {
  if (this != &other) {
    if (fd_ >= 0) _close(fd_);
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

StatResult RealFileSystem::stat(const std::string& path) { return stat_path(path, true); }

StatResult RealFileSystem::lstat(const std::string& path) { return stat_path(path, false); }

PathResult RealFileSystem::real_path(const std::string& path) {
  PathResult result;
  const HANDLE handle = open_for_status(path, true);
  if (handle == INVALID_HANDLE_VALUE) {
    result.error = windows_error(path, "resolve").error;
    return result;
  }
  std::wstring resolved(MAX_PATH, L'\0');
  DWORD length =
      GetFinalPathNameByHandleW(handle, resolved.data(), static_cast<DWORD>(resolved.size()), 0);
  if (length >= resolved.size()) {
    resolved.resize(length + 1);
    length =
        GetFinalPathNameByHandleW(handle, resolved.data(), static_cast<DWORD>(resolved.size()), 0);
  }
  if (length == 0 || length >= resolved.size()) {
    result.error = windows_error(path, "resolve").error;
  } else {
    resolved.resize(length);
    result.path = mailmig_path(resolved);
  }
  CloseHandle(handle);
  return result;
}

OpenedFolder RealFileSystem::open_folder(const std::string& path) {
  const HANDLE handle = CreateFileW(widen(path).c_str(), GENERIC_READ, kShareAll, nullptr,
                                    OPEN_EXISTING, FILE_FLAG_BACKUP_SEMANTICS, nullptr);
  if (handle == INVALID_HANDLE_VALUE) return OpenedFolder(windows_error(path, "open folder").error);
  BY_HANDLE_FILE_INFORMATION info{};
  if (!GetFileInformationByHandle(handle, &info)) {
    const IoStatus failed = windows_error(path, "stat");
    CloseHandle(handle);
    return OpenedFolder(failed.error);
  }
  if (!(info.dwFileAttributes & FILE_ATTRIBUTE_DIRECTORY)) {
    CloseHandle(handle);
    return OpenedFolder(path + ": open folder failed: exists and is not a folder");
  }
  FileStatus status = status_of(info);
  status.type = FileType::Directory;  // a junction that was followed is the folder it leads to
  const int fd = descriptor_of(handle);
  if (fd < 0) return OpenedFolder(io_error(path, "open folder", EMFILE).error);
  return OpenedFolder(fd, path, status);
}

StatResult RealFileSystem::stat_in(const OpenedFolder& folder, const std::string& name) {
  return stat_path(folder.path_of(name), false);
}

ReadResult RealFileSystem::read_in(const OpenedFolder& folder, const std::string& name,
                                   std::uintmax_t max_bytes) {
  const std::string path = folder.path_of(name);
  ReadResult result;
  const HANDLE handle =
      CreateFileW(widen(path).c_str(), GENERIC_READ, kShareAll, nullptr, OPEN_EXISTING,
                  FILE_FLAG_BACKUP_SEMANTICS | FILE_FLAG_OPEN_REPARSE_POINT, nullptr);
  if (handle == INVALID_HANDLE_VALUE) {
    result.error = path + ": " + std::strerror(last_windows_errno());
    return result;
  }
  BY_HANDLE_FILE_INFORMATION info{};
  if (GetFileInformationByHandle(handle, &info) &&
      (info.dwFileAttributes & FILE_ATTRIBUTE_REPARSE_POINT)) {
    CloseHandle(handle);
    result.error = path + ": is a symlink; mailmig does not read through it here";
    return result;
  }
  const int fd = descriptor_of(handle);
  if (fd < 0) {
    result.error = path + ": " + std::strerror(EMFILE);
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
    file = open_exclusive(folder, "." + base_name + std::string(kTempFileMarker) + suffix);
    if (file || errno != EEXIST) return file;
  }
  return file;
}

OpenedFile RealFileSystem::create_new_file(const OpenedFolder& folder, const std::string& name,
                                           std::uint32_t /*mode*/) {
  return open_exclusive(folder, name);
}

IoStatus RealFileSystem::write(const OpenedFile& file, std::string_view bytes) {
  std::size_t done = 0;
  while (done < bytes.size()) {
    DWORD written = 0;
    const auto chunk = static_cast<DWORD>(std::min<std::size_t>(bytes.size() - done, 1u << 30));
    if (!WriteFile(handle_of(file.fd), bytes.data() + done, chunk, &written, nullptr)) {
      return windows_error(file.path, "write");
    }
    done += written;
  }
  return {};
}

IoStatus RealFileSystem::set_mode(const OpenedFile& /*file*/, std::uint32_t /*mode*/) { return {}; }

IoStatus RealFileSystem::set_owner(const OpenedFile& /*file*/, std::uint32_t /*uid*/,
                                   std::uint32_t /*gid*/) {
  return {};
}

IoStatus RealFileSystem::fsync_file(const OpenedFile& file) {
  if (!FlushFileBuffers(handle_of(file.fd))) return windows_error(file.path, "fsync");
  return {};
}

IoStatus RealFileSystem::close_file(OpenedFile& file) {
  if (file.fd < 0) return {};
  const int rc = _close(file.fd);
  file.fd = -1;
  if (rc != 0) return io_error(file.path, "close", errno);
  return {};
}

IoStatus RealFileSystem::rename_in(const OpenedFolder& folder, const std::string& from,
                                   const std::string& to) {
  if (!MoveFileExW(widen(folder.path_of(from)).c_str(), widen(folder.path_of(to)).c_str(),
                   MOVEFILE_REPLACE_EXISTING | MOVEFILE_WRITE_THROUGH)) {
    return windows_error(folder.path_of(to), "rename");
  }
  return {};
}

IoStatus RealFileSystem::unlink_in(const OpenedFolder& folder, const std::string& name) {
  if (!DeleteFileW(widen(folder.path_of(name)).c_str())) {
    return windows_error(folder.path_of(name), "unlink");
  }
  return {};
}

IoStatus RealFileSystem::set_folder_mode(const OpenedFolder& /*folder*/, std::uint32_t /*mode*/) {
  return {};
}

// A folder's entries are made durable by MOVEFILE_WRITE_THROUGH and FlushFileBuffers of the
// files themselves: Windows offers no flush of a folder.
IoStatus RealFileSystem::fsync_open_folder(const OpenedFolder& /*folder*/) { return {}; }

IoStatus RealFileSystem::fsync_folder(const std::string& folder) {
  if (GetFileAttributesW(widen(folder).c_str()) == INVALID_FILE_ATTRIBUTES) {
    return windows_error(folder, "open folder");
  }
  return {};
}

IoStatus RealFileSystem::change_mode(const std::string& /*path*/, std::uint32_t /*mode*/) {
  return {};
}

FolderListing RealFileSystem::list_folder(const std::string& folder) {
  FolderListing listing;
  WIN32_FIND_DATAW entry{};
  const HANDLE search = FindFirstFileExW(widen(join_path(folder, "*")).c_str(), FindExInfoBasic,
                                         &entry, FindExSearchNameMatch, nullptr, 0);
  if (search == INVALID_HANDLE_VALUE) {
    listing.error = windows_error(folder, "list folder").error;
    return listing;
  }
  do {
    const std::string name = narrow(entry.cFileName);
    if (name != "." && name != "..") listing.names.push_back(name);
  } while (FindNextFileW(search, &entry));
  FindClose(search);
  std::sort(listing.names.begin(), listing.names.end());
  return listing;
}

IoStatus RealFileSystem::make_folders(const std::string& folder, std::uint32_t /*mode*/) {
  if (folder.empty()) return {folder + ": make folder failed: empty path"};
  return make_each_folder(folder);
}

std::uint32_t current_user_id() { return 0; }

IoStatus remove_file(const std::string& path) {
  if (!DeleteFileW(widen(path).c_str())) return windows_error(path, "unlink");
  return {};
}

std::string random_hex(std::size_t byte_count) {
  std::string raw(byte_count, '\0');
  if (!BCRYPT_SUCCESS(BCryptGenRandom(nullptr, reinterpret_cast<PUCHAR>(raw.data()),
                                      static_cast<ULONG>(raw.size()),
                                      BCRYPT_USE_SYSTEM_PREFERRED_RNG))) {
    return {};
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
