// Nothing mailmig opens on behalf of a lock or a probe may block: a FIFO in a lock's place, a
// planted socket with a full backlog, a socket of another user. Each check runs in a child
// process under alarm(), so a regression fails the test instead of hanging the suite.
#include <fcntl.h>
#include <gtest/gtest.h>
#include <signal.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cstdlib>
#include <cstring>
#include <functional>
#include <vector>

#include "parsers/clients/client_list.h"
#include "parsers/clients/sylpheed/sylpheed_client.h"
#include "parsers/clients/thunderbird/thunderbird_client.h"
#include "src/io/profile_lock.h"
#include "tests/io/io_test_support.h"

namespace mailmig {
namespace {

using testing::TempFolder;

constexpr unsigned kWatchdogSeconds = 10;

// Runs `body` in a child killed by SIGALRM after kWatchdogSeconds: its exit code, or -signal.
int exit_code_under_watchdog(const std::function<int()>& body) {
  const pid_t child = ::fork();
  if (child == 0) {
    ::alarm(kWatchdogSeconds);
    ::_exit(body());
  }
  int status = 0;
  ::waitpid(child, &status, 0);
  return WIFEXITED(status) ? WEXITSTATUS(status) : -WTERMSIG(status);
}

int listening_socket(const std::string& path, int backlog) {
  const int fd = ::socket(AF_UNIX, SOCK_STREAM, 0);
  sockaddr_un address{};
  address.sun_family = AF_UNIX;
  std::strncpy(address.sun_path, path.c_str(), sizeof(address.sun_path) - 1);
  EXPECT_EQ(::bind(fd, reinterpret_cast<const sockaddr*>(&address), sizeof(address)), 0) << path;
  EXPECT_EQ(::listen(fd, backlog), 0);
  return fd;
}

// Connects without accepting until the listener's queue is full.
std::vector<int> fill_backlog(const std::string& path) {
  std::vector<int> connections;
  sockaddr_un address{};
  address.sun_family = AF_UNIX;
  std::strncpy(address.sun_path, path.c_str(), sizeof(address.sun_path) - 1);
  for (int i = 0; i < 64; ++i) {
    const int fd = ::socket(AF_UNIX, SOCK_STREAM | SOCK_NONBLOCK, 0);
    if (::connect(fd, reinterpret_cast<const sockaddr*>(&address), sizeof(address)) != 0) {
      ::close(fd);
      break;
    }
    connections.push_back(fd);
  }
  EXPECT_LT(connections.size(), 64u) << "the backlog never filled";
  return connections;
}

TEST(NoBlocking, AFifoInPlaceOfParentlockIsNotALock) {
  TempFolder profile;
  ASSERT_EQ(::mkfifo((profile / ".parentlock").c_str(), 0644), 0);
  const int code = exit_code_under_watchdog([&] {
    return check_client_running(kThunderbird, profile.path()).running ? 1 : 0;
  });
  EXPECT_EQ(code, 0) << "a FIFO .parentlock blocked the probe or counted as a running client";
}

TEST(NoBlocking, AFifoInPlaceOfALockFileIsAnErrorNotAWait) {
  TempFolder state;
  ASSERT_EQ(::mkdir((state / "locks").c_str(), 0700), 0);
  const std::string lock_path = state / "locks/run-1.lock";
  ASSERT_EQ(::mkfifo(lock_path.c_str(), 0600), 0);
  const int code = exit_code_under_watchdog([&] {
    const FileLockResult acquired = acquire_file_lock(lock_path, std::chrono::milliseconds(0));
    const FileLockResult existing = lock_existing_file(lock_path);
    const bool both_refused =
        !acquired && !existing && acquired.error.find("not a regular file") != std::string::npos;
    return both_refused ? 0 : 1;
  });
  EXPECT_EQ(code, 0);
}

TEST(NoBlocking, ASocketWithAFullBacklogIsNotARunningClient) {
  TempFolder tmp;
  TempFolder config;
  ::setenv("TMPDIR", tmp.path().c_str(), 1);
  const std::string path = tmp / ("sylpheed-" + std::to_string(::getuid()));
  const int listener = listening_socket(path, 0);
  std::vector<int> queued = fill_backlog(path);
  const int code = exit_code_under_watchdog(
      [&] { return check_client_running(kSylpheed, config.path()).running ? 1 : 0; });
  EXPECT_EQ(code, 0) << "the probe blocked on a full backlog or counted it as running";
  for (int fd : queued) ::close(fd);
  ::close(listener);
  ::unsetenv("TMPDIR");
}

TEST(NoBlocking, ASocketOfAnotherUserIsNotTheClientOfThisProfile) {
  TempFolder tmp;
  TempFolder config;
  ::setenv("TMPDIR", tmp.path().c_str(), 1);
  const std::string path = tmp / ("sylpheed-" + std::to_string(::getuid()));
  const int listener = listening_socket(path, 4);
  ASSERT_TRUE(check_client_running(kSylpheed, config.path()).running);
  // Planted by someone else: the profile's owner did not make it.
  ASSERT_EQ(::lchown(path.c_str(), ::getuid() + 4242, static_cast<gid_t>(-1)), 0);
  EXPECT_FALSE(check_client_running(kSylpheed, config.path()).running);
  ::close(listener);
  ::unsetenv("TMPDIR");
}

}  // namespace
}  // namespace mailmig
