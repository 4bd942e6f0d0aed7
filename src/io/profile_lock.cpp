#include "src/io/profile_lock.h"

#include <fcntl.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <thread>

#include "src/io/file_system.h"
#include "src/util/digest.h"

namespace mailmig {

FileLock::~FileLock() { ::close(fd_); }

FileLockResult acquire_file_lock(const std::string& lock_path, std::chrono::milliseconds timeout) {
  FileLockResult result;
  RealFileSystem fs;
  if (IoStatus made = fs.make_folders(parent_folder(lock_path), 0700); !made) {
    result.error = made.error;
    return result;
  }
  int fd = ::open(lock_path.c_str(), O_RDWR | O_CREAT | O_NOFOLLOW | O_CLOEXEC, 0600);
  if (fd < 0) {
    result.error = io_error(lock_path, "open lock", errno).error;
    return result;
  }
  // Polling keeps the wait bounded without signals; a run holds a lock for seconds at most.
  const auto deadline = std::chrono::steady_clock::now() + timeout;
  while (true) {
    if (::flock(fd, LOCK_EX | LOCK_NB) == 0) {
      // Lock files are removed by their last holder; a lock taken on a file that was removed in
      // between is no lock at all, so open the path again.
      struct stat held {};
      struct stat named {};
      if (::fstat(fd, &held) == 0 && ::stat(lock_path.c_str(), &named) == 0 &&
          held.st_dev == named.st_dev && held.st_ino == named.st_ino) {
        result.lock.reset(new FileLock(fd, lock_path));
        return result;
      }
      ::close(fd);
      fd = ::open(lock_path.c_str(), O_RDWR | O_CREAT | O_NOFOLLOW | O_CLOEXEC, 0600);
      if (fd < 0) {
        result.error = io_error(lock_path, "open lock", errno).error;
        return result;
      }
      continue;
    }
    if (errno != EWOULDBLOCK && errno != EINTR) {
      result.error = io_error(lock_path, "lock", errno).error;
      ::close(fd);
      return result;
    }
    if (std::chrono::steady_clock::now() >= deadline) break;
    std::this_thread::sleep_for(std::chrono::milliseconds(50));
  }
  ::close(fd);
  result.timed_out = true;
  result.error = lock_path + ": lock failed: another mailmig run held it for " +
                 std::to_string(std::chrono::duration_cast<std::chrono::seconds>(timeout).count()) +
                 " s";
  return result;
}

FileLockResult lock_existing_file(const std::string& lock_path) {
  FileLockResult result;
  const int fd = ::open(lock_path.c_str(), O_RDWR | O_NOFOLLOW | O_CLOEXEC);
  if (fd < 0) {
    result.missing = errno == ENOENT;
    result.error = io_error(lock_path, "open lock", errno).error;
    return result;
  }
  if (::flock(fd, LOCK_EX | LOCK_NB) != 0) {
    result.error = io_error(lock_path, "lock", errno).error;
    ::close(fd);
    return result;
  }
  struct stat held {};
  struct stat named {};
  if (::fstat(fd, &held) != 0 || ::stat(lock_path.c_str(), &named) != 0 ||
      held.st_dev != named.st_dev || held.st_ino != named.st_ino) {
    result.missing = true;
    result.error = lock_path + ": lock failed: the lock file was removed";
    ::close(fd);
    return result;
  }
  result.lock.reset(new FileLock(fd, lock_path));
  return result;
}

std::string profile_lock_path(const std::string& state_dir, const std::string& profile_path) {
  // One profile reached by two spellings (a symlinked home) must get one lock.
  RealFileSystem fs;
  const PathResult real = fs.real_path(profile_path);
  const std::string& key = real ? real.path : profile_path;
  return join_path(join_path(state_dir, "locks"), sha256_hex(key) + ".lock");
}

FileLockResult lock_profile(const std::string& state_dir, const std::string& profile_path,
                            std::chrono::milliseconds timeout) {
  FileLockResult result = acquire_file_lock(profile_lock_path(state_dir, profile_path), timeout);
  if (result.timed_out) {
    result.error = profile_path + ": another mailmig run is still working on this profile (" +
                   result.error + ")";
  }
  return result;
}

}  // namespace mailmig
