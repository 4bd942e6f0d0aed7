// The locks of profile_lock.h on Windows: LockFileEx on a lock file (Windows drops the lock when
// the process dies, as Linux drops a flock). A byte-range lock belongs to one handle, so a second
// FileLock on the same file waits even in the same process, as with flock.
//
// Windows cannot lock a folder: a profile's lock is a file named after the profile folder's real
// path (its SHA-256) in %ProgramData%\mailmig\profile-locks, one place every run uses whatever
// its state folder, as every Linux run locks the folder itself.
#include <fcntl.h>
#include <io.h>
#include <windows.h>

#include <cerrno>
#include <cstdlib>
#include <thread>

#include "src/encoding/wide_text.h"
#include "src/io/file_system.h"
#include "src/io/profile_lock.h"
#include "src/io/windows_errors.h"
#include "src/util/digest.h"

namespace mailmig {
namespace {

constexpr auto kLockPollInterval = std::chrono::milliseconds(50);

struct OpenedLock {
  int fd = -1;
  bool missing = false;
  std::string error;
};

HANDLE handle_of(int fd) { return reinterpret_cast<HANDLE>(_get_osfhandle(fd)); }

// Opens (or creates) a lock file, never through a reparse point; only a regular file is a lock.
OpenedLock open_lock_file(const std::string& lock_path, bool create) {
  OpenedLock opened;
  const HANDLE handle =
      CreateFileW(widen(lock_path).c_str(), GENERIC_READ | GENERIC_WRITE,
                  FILE_SHARE_READ | FILE_SHARE_WRITE | FILE_SHARE_DELETE, nullptr,
                  create ? OPEN_ALWAYS : OPEN_EXISTING, FILE_FLAG_OPEN_REPARSE_POINT, nullptr);
  if (handle == INVALID_HANDLE_VALUE) {
    const int error = last_windows_errno();
    opened.missing = error == ENOENT;
    opened.error = io_error(lock_path, "open lock", error).error;
    return opened;
  }
  BY_HANDLE_FILE_INFORMATION info{};
  if (!GetFileInformationByHandle(handle, &info) ||
      (info.dwFileAttributes & (FILE_ATTRIBUTE_DIRECTORY | FILE_ATTRIBUTE_REPARSE_POINT))) {
    CloseHandle(handle);
    opened.error = lock_path + ": lock failed: not a regular file";
    return opened;
  }
  opened.fd = _open_osfhandle(reinterpret_cast<intptr_t>(handle), _O_BINARY);
  if (opened.fd < 0) {
    CloseHandle(handle);
    opened.error = io_error(lock_path, "open lock", EMFILE).error;
  }
  return opened;
}

// One try at the whole file's exclusive lock; false with `error_number` 0 when another holds it.
bool try_lock(int fd, int& error_number) {
  OVERLAPPED whole_file{};
  if (LockFileEx(handle_of(fd), LOCKFILE_EXCLUSIVE_LOCK | LOCKFILE_FAIL_IMMEDIATELY, 0, MAXDWORD,
                 MAXDWORD, &whole_file)) {
    return true;
  }
  const DWORD error = GetLastError();
  error_number = error == ERROR_LOCK_VIOLATION || error == ERROR_IO_PENDING
                     ? 0
                     : errno_from_windows_error(error);
  return false;
}

// Whether the locked file is still the one at `path` (not removed by its last holder meanwhile).
bool still_named(int fd, const std::string& path) {
  BY_HANDLE_FILE_INFORMATION held{};
  if (!GetFileInformationByHandle(handle_of(fd), &held)) return false;
  RealFileSystem fs;
  const StatResult named = fs.lstat(path);
  return named && named.status.type == FileType::Regular &&
         named.status.device == held.dwVolumeSerialNumber &&
         named.status.inode ==
             ((static_cast<std::uint64_t>(held.nFileIndexHigh) << 32) | held.nFileIndexLow);
}

FileLockResult lock_with_timeout(const std::string& path, const std::string& lock_path,
                                 std::chrono::milliseconds timeout) {
  FileLockResult result;
  const auto deadline = std::chrono::steady_clock::now() + timeout;
  OpenedLock opened = open_lock_file(lock_path, true);
  while (true) {
    if (opened.fd < 0) {
      result.error = opened.error;
      return result;
    }
    int error_number = 0;
    if (try_lock(opened.fd, error_number)) {
      if (still_named(opened.fd, lock_path)) {
        result.lock.reset(new FileLock(opened.fd, path));
        return result;
      }
      _close(opened.fd);
      opened = open_lock_file(lock_path, true);
      continue;
    }
    if (error_number != 0) {
      result.error = io_error(path, "lock", error_number).error;
      _close(opened.fd);
      return result;
    }
    if (std::chrono::steady_clock::now() >= deadline) break;
    std::this_thread::sleep_for(kLockPollInterval);
  }
  _close(opened.fd);
  result.timed_out = true;
  result.error = path + ": lock failed: another mailmig run held it for " +
                 std::to_string(std::chrono::duration_cast<std::chrono::seconds>(timeout).count()) +
                 " s";
  return result;
}

std::string profile_locks_folder() {
  const char* program_data = std::getenv("ProgramData");
  const std::string base = program_data && *program_data ? program_data : "C:/ProgramData";
  return join_path(join_path(base, "mailmig"), "profile-locks");
}

// Case does not tell two Windows paths apart: one profile gets one lock however it is spelled.
std::string folded(std::string path) {
  for (char& c : path) {
    if (c >= 'A' && c <= 'Z') c = static_cast<char>(c - 'A' + 'a');
    if (c == '\\') c = '/';
  }
  return path;
}

}  // namespace

FileLock::~FileLock() { _close(fd_); }

FileLockResult acquire_file_lock(const std::string& lock_path, std::chrono::milliseconds timeout) {
  RealFileSystem fs;
  if (IoStatus made = fs.make_folders(parent_folder(lock_path), 0700); !made) {
    FileLockResult result;
    result.error = made.error;
    return result;
  }
  return lock_with_timeout(lock_path, lock_path, timeout);
}

FileLockResult lock_existing_file(const std::string& lock_path) {
  FileLockResult result;
  OpenedLock opened = open_lock_file(lock_path, false);
  if (opened.fd < 0) {
    result.missing = opened.missing;
    result.error = opened.error;
    return result;
  }
  int error_number = 0;
  if (!try_lock(opened.fd, error_number)) {
    result.error =
        io_error(lock_path, "lock", error_number == 0 ? EWOULDBLOCK : error_number).error;
    _close(opened.fd);
    return result;
  }
  if (!still_named(opened.fd, lock_path)) {
    result.missing = true;
    result.error = lock_path + ": lock failed: the lock file was removed";
    _close(opened.fd);
    return result;
  }
  result.lock.reset(new FileLock(opened.fd, lock_path));
  return result;
}

std::string profile_lock_folder(const std::string& profile_path) {
  RealFileSystem fs;
  const PathResult real = fs.real_path(profile_path);
  if (!real) return profile_path;
  return fs.lstat(real.path).status.type == FileType::Directory ? real.path
                                                                : parent_folder(real.path);
}

FileLockResult lock_profile(const std::string& profile_path, std::chrono::milliseconds timeout) {
  RealFileSystem fs;
  const std::string folder = profile_lock_folder(profile_path);
  const std::string locks = profile_locks_folder();
  if (IoStatus made = fs.make_folders(locks, 0700); !made) {
    FileLockResult result;
    result.error = made.error;
    return result;
  }
  FileLockResult result = lock_with_timeout(
      profile_path, join_path(locks, sha256_hex(folded(folder)) + ".lock"), timeout);
  if (result.timed_out) {
    result.error = profile_path + ": another mailmig run is still working on this profile (" +
                   result.error + ")";
  }
  return result;
}

}  // namespace mailmig
