// kill -9 at random instants while a driver commits transactions in a loop: every file is
// always exactly an old or a new content, and recovery makes the profile consistent again.
#include <gmock/gmock.h>
#include <gtest/gtest.h>
#include <signal.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <random>

#include "src/io/journal.h"
#include "tests/io/crash_contents.h"
#include "tests/io/io_test_support.h"

namespace mailmig {
namespace {

using testing::crash_content;
using testing::crash_file_name;
using testing::crash_generation;
using ::testing::IsEmpty;
using testing::kCrashTestFiles;
using testing::read_whole_file;
using testing::temp_files_in;
using testing::TempFolder;
using testing::write_whole_file;

// Starts the driver and returns once it said "ready" on its standard output.
pid_t start_driver(const std::string& profile, const std::string& state, bool once) {
  int ready[2];
  if (::pipe(ready) != 0) return -1;
  const pid_t child = ::fork();
  if (child == 0) {
    ::dup2(ready[1], STDOUT_FILENO);
    ::close(ready[0]);
    ::close(ready[1]);
    if (once) {
      ::execl(MAILMIG_IO_DRIVER, MAILMIG_IO_DRIVER, profile.c_str(), state.c_str(), "--once",
              static_cast<char*>(nullptr));
    } else {
      ::execl(MAILMIG_IO_DRIVER, MAILMIG_IO_DRIVER, profile.c_str(), state.c_str(),
              static_cast<char*>(nullptr));
    }
    ::_exit(127);
  }
  ::close(ready[1]);
  char first = 0;
  [[maybe_unused]] const ssize_t n = ::read(ready[0], &first, 1);
  ::close(ready[0]);
  return child;
}

// The generation of each file; a torn or unknown content fails the test.
std::vector<long> generations(const std::string& profile) {
  std::vector<long> found;
  for (int file = 0; file < kCrashTestFiles; ++file) {
    const std::string bytes = read_whole_file(profile + "/" + crash_file_name(file));
    const std::optional<long> generation = crash_generation(file, bytes);
    EXPECT_TRUE(generation.has_value())
        << crash_file_name(file) << " is torn: " << bytes.substr(0, 40);
    found.push_back(generation.value_or(-1));
  }
  return found;
}

TEST(CrashSafety, KillNineAtRandomInstantsNeverTearsAFileAndRecoveryMakesTheProfileWhole) {
  TempFolder root;
  const std::string profile = root / "profile";
  const std::string state = root / "state";
  ASSERT_EQ(::mkdir(profile.c_str(), 0700), 0);
  for (int file = 0; file < kCrashTestFiles; ++file) {
    write_whole_file(profile + "/" + crash_file_name(file), crash_content(file, 0), 0640);
  }
  std::mt19937 random(std::random_device{}());
  std::uniform_int_distribution<int> delay_us(0, 400000);
  RealFileSystem fs;
  int mixed_before_recovery = 0;
  for (int round = 0; round < 50; ++round) {
    SCOPED_TRACE("round " + std::to_string(round));
    const pid_t driver = start_driver(profile, state, false);
    ASSERT_GT(driver, 0);
    ::usleep(static_cast<useconds_t>(delay_us(random)));
    ASSERT_EQ(::kill(driver, SIGKILL), 0);
    int status = 0;
    ASSERT_EQ(::waitpid(driver, &status, 0), driver);
    ASSERT_TRUE(WIFSIGNALED(status)) << "the driver stopped by itself with " << status;

    const std::vector<long> crashed = generations(profile);
    const auto [low, high] = std::minmax_element(crashed.begin(), crashed.end());
    EXPECT_LE(*high - *low, 1);  // a crash leaves at most one transaction half done
    if (*low != *high) ++mixed_before_recovery;

    JournalOpenResult opened = Journal::open(state);
    ASSERT_TRUE(opened) << opened.error;
    const RecoveryResult recovered = opened.journal->recover_interrupted_runs(fs);
    ASSERT_TRUE(recovered) << recovered.error;
    const std::vector<long> after = generations(profile);
    EXPECT_EQ(std::count(after.begin(), after.end(), after[0]), kCrashTestFiles)
        << "files left in different generations";
    EXPECT_THAT(temp_files_in(profile), IsEmpty());
    for (int file = 0; file < kCrashTestFiles; ++file) {
      struct stat info {};
      ASSERT_EQ(::stat((profile + "/" + crash_file_name(file)).c_str(), &info), 0);
      EXPECT_EQ(info.st_mode & 07777, 0640u);
    }
    for (const JournalRun& run : opened.journal->history().runs) {
      EXPECT_NE(run.state, RunState::InProgress) << run.info.run_id;
    }
  }
  std::cout << "[ crash    ] " << mixed_before_recovery
            << " of 50 kills left the profile half new before recovery; generation "
            << generations(profile)[0] << " reached\n";

  // After all the kills the driver still completes a transaction from where recovery left it.
  const long before = generations(profile)[0];
  const pid_t driver = start_driver(profile, state, true);
  int status = 0;
  ASSERT_EQ(::waitpid(driver, &status, 0), driver);
  ASSERT_TRUE(WIFEXITED(status));
  EXPECT_EQ(WEXITSTATUS(status), 0);
  EXPECT_EQ(generations(profile), std::vector<long>(kCrashTestFiles, before + 1));
}

}  // namespace
}  // namespace mailmig
