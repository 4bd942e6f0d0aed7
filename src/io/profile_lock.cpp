#include "src/io/profile_lock.h"

#include <fcntl.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <thread>

#include "src/io/file_system.h"

namespace mailmig {
namespace {

constexpr auto kLockPollInterval = std::chrono::milliseconds(50);

// An open descriptor to lock, or the error that kept it from opening.
struct OpenedLock {
  int fd = -1;
  bool missing = false;  // ENOENT
  std::string error;
};

// Opens a lock file in its folder, neither through a symlink (the file or its folder) nor
// blocking: O_NONBLOCK, since a FIFO in its place would wait for a writer. Only a regular file
// is a lock.
OpenedLock open_lock_file(const std::string& lock_path, bool create) {
  OpenedLock opened;
  const std::string folder = parent_folder(lock_path);
  const int folder_fd = ::open(folder.c_str(), O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
  if (folder_fd < 0) {
    opened.missing = errno == ENOENT;
    opened.error = io_error(folder, "open lock folder", errno).error;
    return opened;
  }
  const int flags = O_RDWR | O_NOFOLLOW | O_NONBLOCK | O_CLOEXEC | (create ? O_CREAT : 0);
  opened.fd = ::openat(folder_fd, file_name(lock_path).c_str(), flags, 0600);
  const int open_errno = errno;
  ::close(folder_fd);
  if (opened.fd < 0) {
    opened.missing = open_errno == ENOENT;
    opened.error = io_error(lock_path, "open lock", open_errno).error;
    return opened;
  }
  struct stat status {};
  if (::fstat(opened.fd, &status) != 0 || !S_ISREG(status.st_mode)) {
    ::close(opened.fd);
    opened.fd = -1;
    opened.error = lock_path + ": lock failed: not a regular file";
  }
  return opened;
}

// The profile folder, or the folder of a single-file profile, by its real path: one profile
// reached by two spellings (a symlinked home) gets one lock, and a single file is replaced by
// a rename during its transaction, so its folder is what stays put.
OpenedLock open_profile_folder(const std::string& profile_path) {
  OpenedLock opened;
  RealFileSystem fs;
  const PathResult real = fs.real_path(profile_path);
  if (!real) {
    opened.error = real.error;
    return opened;
  }
  const StatResult status = fs.lstat(real.path);
  const std::string folder =
      status.status.type == FileType::Directory ? real.path : parent_folder(real.path);
  opened.fd = ::open(folder.c_str(), O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_NONBLOCK | O_CLOEXEC);
  if (opened.fd < 0) opened.error = io_error(folder, "open profile folder to lock", errno).error;
  return opened;
}

// Whether the locked descriptor is still the file at `path`: a lock file removed by its last
// holder while we waited, or a folder swapped, is no lock at all.
bool still_named(int fd, const std::string& path) {
  struct stat held {};
  struct stat named {};
  return ::fstat(fd, &held) == 0 && ::lstat(path.c_str(), &named) == 0 &&
         held.st_dev == named.st_dev && held.st_ino == named.st_ino;
}

// Polls for an exclusive flock until `timeout`; polling keeps the wait bounded without signals.
template <typename Opener>
FileLockResult lock_with_timeout(const std::string& path, const std::string& named_path,
                                 Opener open_target, std::chrono::milliseconds timeout) {
  FileLockResult result;
  const auto deadline = std::chrono::steady_clock::now() + timeout;
  OpenedLock opened = open_target();
  while (true) {
    if (opened.fd < 0) {
      result.error = opened.error;
      return result;
    }
    if (::flock(opened.fd, LOCK_EX | LOCK_NB) == 0) {
      if (still_named(opened.fd, named_path)) {
        result.lock = std::make_unique<FileLock>(opened.fd, path);
        return result;
      }
      ::close(opened.fd);
      opened = open_target();
      continue;
    }
    if (errno != EWOULDBLOCK && errno != EINTR) {
      result.error = io_error(path, "lock", errno).error;
      ::close(opened.fd);
      return result;
    }
    if (std::chrono::steady_clock::now() >= deadline) break;
    std::this_thread::sleep_for(kLockPollInterval);
  }
  ::close(opened.fd);
  result.timed_out = true;
  result.error = path + ": lock failed: another mailmig run held it for " +
                 std::to_string(std::chrono::duration_cast<std::chrono::seconds>(timeout).count()) +
                 " s";
  return result;
}

}  // namespace

FileLock::~FileLock() { ::close(fd_); }

FileLockResult acquire_file_lock(const std::string& lock_path, std::chrono::milliseconds timeout) {
  RealFileSystem fs;
  if (IoStatus made = fs.make_folders(parent_folder(lock_path), 0700); !made) {
    FileLockResult result;
    result.error = made.error;
    return result;
  }
  return lock_with_timeout(
      lock_path, lock_path, [&] { return open_lock_file(lock_path, true); }, timeout);
}

FileLockResult lock_existing_file(const std::string& lock_path) {
  FileLockResult result;
  OpenedLock opened = open_lock_file(lock_path, false);
  if (opened.fd < 0) {
    result.missing = opened.missing;
    result.error = opened.error;
    return result;
  }
  if (::flock(opened.fd, LOCK_EX | LOCK_NB) != 0) {
    result.error = io_error(lock_path, "lock", errno).error;
    ::close(opened.fd);
    return result;
  }
  if (!still_named(opened.fd, lock_path)) {
    result.missing = true;
    result.error = lock_path + ": lock failed: the lock file was removed";
    ::close(opened.fd);
    return result;
  }
  result.lock = std::make_unique<FileLock>(opened.fd, lock_path);
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
  FileLockResult result = lock_with_timeout(
      profile_path, profile_lock_folder(profile_path),
      [&] { return open_profile_folder(profile_path); }, timeout);
  if (result.timed_out) {
    result.error = profile_path + ": another mailmig run is still working on this profile (" +
                   result.error + ")";
  }
  return result;
}

}  // namespace mailmig
