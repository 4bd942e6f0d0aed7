// Locks that serialize mailmig runs: a login script started twice must not edit one profile in
// two processes at once. flock() on a file in the state folder; the kernel drops the lock when
// the process dies, so a crashed run never leaves a lock behind.
#pragma once

#include <chrono>
#include <memory>
#include <string>
#include <utility>

namespace mailmig {

struct FileLockResult;
FileLockResult acquire_file_lock(const std::string& lock_path, std::chrono::milliseconds timeout);

// One held flock. Released (the descriptor closed) by the destructor. flock locks belong to an
// open file, so a second FileLock on the same file waits even in the same process.
class FileLock {
 public:
  FileLock(const FileLock&) = delete;
  FileLock& operator=(const FileLock&) = delete;
  ~FileLock();

  const std::string& path() const { return path_; }

 private:
  friend FileLockResult acquire_file_lock(const std::string&, std::chrono::milliseconds);
  friend FileLockResult lock_existing_file(const std::string&);
  FileLock(int fd, std::string path) : fd_(fd), path_(std::move(path)) {}

  int fd_;
  std::string path_;
};

struct FileLockResult {
  std::unique_ptr<FileLock> lock;
  bool timed_out = false;  // someone else held it for the whole timeout
  bool missing = false;    // lock_existing_file: there is no such lock file (any more)
  std::string error;

  explicit operator bool() const { return lock != nullptr; }
};

// acquire_file_lock (declared above) creates the lock file (mode 0600, its folder 0700) when
// missing and takes an exclusive flock, waiting up to `timeout` (zero: one try).

// Takes an exclusive flock on a lock file only if it exists, in one try, never creating it:
// `missing` when there is no file at that path, or when its last holder removed it while this
// process waited for it. `error` without `missing` when another process holds it.
FileLockResult lock_existing_file(const std::string& lock_path);

inline constexpr std::chrono::seconds kProfileLockTimeout{60};

// <state_dir>/locks/<sha256 of the profile's real path>.lock
std::string profile_lock_path(const std::string& state_dir, const std::string& profile_path);

// The lock for one profile: hold it from reading the profile until its transaction is
// committed or rolled back. The second run waits, then re-reads and finds nothing to do.
FileLockResult lock_profile(const std::string& state_dir, const std::string& profile_path,
                            std::chrono::milliseconds timeout = kProfileLockTimeout);

}  // namespace mailmig
