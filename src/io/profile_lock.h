// Locks that serialize mailmig runs: a login script started twice, or two administrators with
// different state folders, must not edit one profile in two processes at once. flock() on the
// profile folder itself (every run, whatever its state folder, locks the same thing), and on
// run lock files in the state folder; the kernel drops a lock when the process dies, so a
// crashed run never leaves one behind. Nothing here blocks: lock files are opened O_NONBLOCK
// and O_NOFOLLOW (a FIFO or device in a lock's place is an error, not a wait), and every wait
// for a held lock is bounded.
#pragma once

#include <chrono>
#include <memory>
#include <string>
#include <utility>

namespace mailmig {

// One held flock. Released (the descriptor closed) by the destructor. flock locks belong to an
// open file, so a second FileLock on the same file waits even in the same process.
class FileLock {
 public:
  FileLock(const FileLock&) = delete;
  FileLock& operator=(const FileLock&) = delete;
  ~FileLock();

  // Takes ownership of a descriptor that holds the flock.
  FileLock(int fd, std::string path) : fd_(fd), path_(std::move(path)) {}

  const std::string& path() const { return path_; }

 private:
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

// Creates the lock file (mode 0600, its folder 0700) when missing and takes an exclusive flock,
// waiting up to `timeout` (zero: one try).
FileLockResult acquire_file_lock(const std::string& lock_path, std::chrono::milliseconds timeout);

// Takes an exclusive flock on a lock file only if it exists, in one try, never creating it:
// `missing` when there is no file at that path, or when its last holder removed it while this
// process waited for it. `error` without `missing` when another process holds it.
FileLockResult lock_existing_file(const std::string& lock_path);

inline constexpr std::chrono::seconds kProfileLockTimeout{60};

// What lock_profile locks: the real path of the profile folder, or of the folder of a
// single-file profile (the file itself is replaced by a rename while the lock is held).
std::string profile_lock_folder(const std::string& profile_path);

// The lock for one profile, a flock on profile_lock_folder(): hold it from reading the profile
// until its transaction is committed or rolled back. The second run waits, then re-reads and
// finds nothing to do. FileLock::path() is `profile_path`.
FileLockResult lock_profile(const std::string& profile_path,
                            std::chrono::milliseconds timeout = kProfileLockTimeout);

}  // namespace mailmig
