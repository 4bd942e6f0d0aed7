#include "src/io/profile_lock.h"

#include <fcntl.h>
#include <gmock/gmock.h>
#include <gtest/gtest.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "tests/io/io_test_support.h"

namespace mailmig {
namespace {

using testing::path_exists;
using testing::TempFolder;
using testing::write_whole_file;

// A child process that takes the profile lock, tells the parent through a pipe, and waits for
// the parent's word before it writes `marker` and releases.
struct LockHolder {
  pid_t pid = -1;
  int to_parent[2]{};
  int to_child[2]{};

  LockHolder(const std::string& profile, const std::string& marker) {
    EXPECT_EQ(::pipe(to_parent), 0);
    EXPECT_EQ(::pipe(to_child), 0);
    pid = ::fork();
    if (pid == 0) {
      FileLockResult lock = lock_profile(profile, std::chrono::seconds(5));
      const char ready = lock ? 'L' : 'E';
      [[maybe_unused]] ssize_t n = ::write(to_parent[1], &ready, 1);
      char go = 0;
      n = ::read(to_child[0], &go, 1);
      write_whole_file(marker, "released", 0600);
      ::_exit(0);  // the kernel drops the lock with the process
    }
    char ready = 0;
    EXPECT_EQ(::read(to_parent[0], &ready, 1), 1);
    EXPECT_EQ(ready, 'L');
  }
  void release() {
    const char go = 'G';
    EXPECT_EQ(::write(to_child[1], &go, 1), 1);
  }
  ~LockHolder() {
    int status = 0;
    ::waitpid(pid, &status, 0);
    for (int fd : {to_parent[0], to_parent[1], to_child[0], to_child[1]}) ::close(fd);
  }
};

TEST(ProfileLock, TheLockIsOnTheProfileFolderWhateverTheStateFolder) {
  TempFolder root;
  const std::string profile = root / "abcd.default";
  ASSERT_EQ(::mkdir(profile.c_str(), 0700), 0);
  ASSERT_EQ(::symlink(profile.c_str(), (root / "link").c_str()), 0);
  FileLockResult lock = lock_profile(profile);
  ASSERT_TRUE(lock) << lock.error;
  EXPECT_EQ(lock.lock->path(), profile);
  EXPECT_EQ(profile_lock_folder(root / "link"), profile);
  // Another spelling of the profile, and a flock on its folder from anywhere, wait for it.
  EXPECT_TRUE(lock_profile(root / "link", std::chrono::milliseconds(0)).timed_out);
  const int folder = ::open(profile.c_str(), O_RDONLY | O_DIRECTORY);
  EXPECT_NE(::flock(folder, LOCK_EX | LOCK_NB), 0);
  lock.lock.reset();
  EXPECT_EQ(::flock(folder, LOCK_EX | LOCK_NB), 0);
  ::close(folder);
  // Nothing is written anywhere for it.
  EXPECT_FALSE(path_exists(root / "state"));
}

TEST(ProfileLock, ASingleFileProfileLocksItsFolder) {
  TempFolder root;
  const std::string file = root / "account.oeaccount";
  write_whole_file(file, "x", 0600);
  EXPECT_EQ(profile_lock_folder(file), root.path());
  FileLockResult lock = lock_profile(file);
  ASSERT_TRUE(lock) << lock.error;
  EXPECT_TRUE(lock_profile(root.path(), std::chrono::milliseconds(0)).timed_out);
}

TEST(ProfileLock, LockExistingFileNeverCreatesOne) {
  TempFolder root;
  const std::string path = root / "locks/run-1.lock";
  const FileLockResult missing = lock_existing_file(path);
  EXPECT_FALSE(missing);
  EXPECT_TRUE(missing.missing);
  EXPECT_FALSE(path_exists(path));

  FileLockResult first = acquire_file_lock(path, std::chrono::milliseconds(0));
  ASSERT_TRUE(first) << first.error;
  // flock locks belong to an open file: a second try in this process finds it held.
  const FileLockResult held = lock_existing_file(path);
  EXPECT_FALSE(held);
  EXPECT_FALSE(held.missing);
  first.lock.reset();
  const FileLockResult free_lock = lock_existing_file(path);
  EXPECT_TRUE(free_lock) << free_lock.error;
  EXPECT_FALSE(free_lock.missing);
}

TEST(ProfileLock, SecondProcessTimesOutWhileTheFirstHoldsIt) {
  TempFolder root;
  const std::string profile = root.path();
  LockHolder holder(profile, root / "marker");
  const FileLockResult second = lock_profile(profile, std::chrono::milliseconds(0));
  EXPECT_FALSE(second);
  EXPECT_TRUE(second.timed_out);
  EXPECT_EQ(second.error, profile + ": another mailmig run is still working on this profile (" +
                              profile + ": lock failed: another mailmig run held it for 0 s)");
  holder.release();
}

TEST(ProfileLock, SecondProcessWaitsUntilTheFirstReleases) {
  TempFolder root;
  const std::string profile = root.path();
  const std::string marker = root / "marker";
  LockHolder holder(profile, marker);
  EXPECT_TRUE(lock_profile(profile, std::chrono::milliseconds(0)).timed_out);
  holder.release();  // the holder writes the marker, then exits and so releases
  const FileLockResult second = lock_profile(profile);
  ASSERT_TRUE(second) << second.error;
  // Holding the lock proves the first process was gone: it wrote the marker before exiting.
  EXPECT_TRUE(path_exists(marker));
}

TEST(ProfileLock, TwoLocksInOneProcessAlsoSerialize) {
  TempFolder root;
  FileLockResult first = lock_profile(root.path());
  ASSERT_TRUE(first);
  EXPECT_TRUE(lock_profile(root.path(), std::chrono::milliseconds(0)).timed_out);
  first.lock.reset();
  EXPECT_TRUE(lock_profile(root.path(), std::chrono::milliseconds(0)));
}

}  // namespace
}  // namespace mailmig
