// The running-client checks of each client (parsers/clients/<client>/<client>_client.cpp) on the
// primitives of src/io/running_client_platform.h.
#include "parsers/clients/client_list.h"

#include <fcntl.h>
#include <gmock/gmock.h>
#include <gtest/gtest.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cstdlib>
#include <cstring>

#include "parsers/clients/becky/becky_client.h"
#include "parsers/clients/outlook/outlook_client.h"
#include "parsers/clients/sylpheed/sylpheed_client.h"
#include "parsers/clients/thunderbird/thunderbird_client.h"
#include "parsers/clients/windows_mail/windows_mail_client.h"
#include "src/util/digest.h"
#include "tests/io/io_test_support.h"

namespace mailmig {
namespace {

using ::testing::Contains;
using testing::TempFolder;
using testing::write_whole_file;

// Sets an environment variable for one test and puts the old value back.
class ScopedEnvironment {
 public:
  ScopedEnvironment(const char* name, const std::string& value) : name_(name) {
    if (const char* old = std::getenv(name)) old_ = old;
    ::setenv(name, value.c_str(), 1);
  }
  ~ScopedEnvironment() {
    if (old_) {
      ::setenv(name_, old_->c_str(), 1);
    } else {
      ::unsetenv(name_);
    }
  }

 private:
  const char* name_;
  std::optional<std::string> old_;
};

// A listening UNIX socket, as a running client keeps one; closing it leaves the file behind,
// as a crashed client does.
class ListeningSocket {
 public:
  explicit ListeningSocket(const std::string& path) {
    fd_ = ::socket(AF_UNIX, SOCK_STREAM, 0);
    sockaddr_un address{};
    address.sun_family = AF_UNIX;
    EXPECT_LT(path.size(), sizeof(address.sun_path));
    std::strncpy(address.sun_path, path.c_str(), sizeof(address.sun_path) - 1);
    EXPECT_EQ(::bind(fd_, reinterpret_cast<const sockaddr*>(&address), sizeof(address)), 0) << path;
    EXPECT_EQ(::listen(fd_, 4), 0);
  }
  ~ListeningSocket() { close(); }
  void close() {
    if (fd_ >= 0) ::close(fd_);
    fd_ = -1;
  }

 private:
  int fd_ = -1;
};

pid_t dead_pid() {
  const pid_t child = ::fork();
  if (child == 0) ::_exit(0);
  int status = 0;
  ::waitpid(child, &status, 0);
  return child;  // reaped: no such process now
}

TEST(RunningClient, ThunderbirdWithParentlockHeldByAnotherProcessIsRunning) {
  TempFolder profile;
  const std::string parent_lock = profile / ".parentlock";
  write_whole_file(parent_lock, "", 0644);
  EXPECT_FALSE(check_client_running(kThunderbird, profile.path()).running);

  int to_parent[2];
  int to_child[2];
  ASSERT_EQ(::pipe(to_parent), 0);
  ASSERT_EQ(::pipe(to_child), 0);
  const pid_t child = ::fork();
  ASSERT_GE(child, 0);
  if (child == 0) {
    // What Thunderbird does: an fcntl write lock on the whole of .parentlock.
    const int fd = ::open(parent_lock.c_str(), O_WRONLY);
    struct flock lock {};
    lock.l_type = F_WRLCK;
    lock.l_whence = SEEK_SET;
    const char ready = ::fcntl(fd, F_SETLK, &lock) == 0 ? 'L' : 'E';
    [[maybe_unused]] ssize_t n = ::write(to_parent[1], &ready, 1);
    char go = 0;
    n = ::read(to_child[0], &go, 1);
    ::_exit(0);
  }
  char ready = 0;
  ASSERT_EQ(::read(to_parent[0], &ready, 1), 1);
  ASSERT_EQ(ready, 'L');

  const RunningClientCheck check = check_client_running(kThunderbird, profile.path());
  EXPECT_TRUE(check.running);
  EXPECT_EQ(check.evidence, parent_lock + " is locked by process " + std::to_string(child));
  EXPECT_EQ(check.message(), "Thunderbird is running (" + check.evidence +
                                 "). Close Thunderbird and run mailmig again.");

  const char go = 'G';
  ASSERT_EQ(::write(to_child[1], &go, 1), 1);
  int status = 0;
  ASSERT_EQ(::waitpid(child, &status, 0), child);
  for (int fd : {to_parent[0], to_parent[1], to_child[0], to_child[1]}) ::close(fd);
  // The file stays after Thunderbird exits; only the lock proves anything.
  const RunningClientCheck after = check_client_running(kThunderbird, profile.path());
  EXPECT_FALSE(after.running);
  EXPECT_EQ(after.message(), "");
}

TEST(RunningClient, ThunderbirdLockSymlinkWithALivePidIsRunning) {
  TempFolder profile;
  const std::string link = profile / "lock";
  const std::string target = "127.0.1.1:" + std::to_string(::getpid());
  ASSERT_EQ(::symlink(target.c_str(), link.c_str()), 0);
  const RunningClientCheck check = check_client_running(kThunderbird, profile.path());
  EXPECT_TRUE(check.running);
  EXPECT_EQ(check.evidence,
            link + " -> " + target + ": process " + std::to_string(::getpid()) + " is alive");
}

TEST(RunningClient, ThunderbirdLockSymlinkWithADeadPidIsStale) {
  TempFolder profile;
  const std::string target = "127.0.1.1:" + std::to_string(dead_pid());
  ASSERT_EQ(::symlink(target.c_str(), (profile / "lock").c_str()), 0);
  EXPECT_FALSE(check_client_running(kThunderbird, profile.path()).running);
}

TEST(RunningClient, ThunderbirdPlusFormSymlinkWithoutTheFcntlLockIsStale) {
  TempFolder profile;
  write_whole_file(profile / ".parentlock", "", 0644);
  const std::string target = "127.0.1.1:+" + std::to_string(::getpid());
  ASSERT_EQ(::symlink(target.c_str(), (profile / "lock").c_str()), 0);
  EXPECT_FALSE(check_client_running(kThunderbird, profile.path()).running);
}

TEST(RunningClient, SylpheedListeningSocketIsRunningAndAStaleSocketFileIsNot) {
  TempFolder tmp;
  TempFolder config;
  ScopedEnvironment tmpdir("TMPDIR", tmp.path());
  EXPECT_FALSE(check_client_running(kSylpheed, config.path()).running);
  const std::string socket_path = tmp / ("sylpheed-" + std::to_string(::getuid()));
  ListeningSocket socket(socket_path);
  const RunningClientCheck check = check_client_running(kSylpheed, config.path());
  EXPECT_TRUE(check.running);
  EXPECT_EQ(check.evidence, socket_path + " accepts connections");
  EXPECT_EQ(check.message(), "Sylpheed is running (" + socket_path +
                                 " accepts connections). Close Sylpheed and run mailmig again.");
  socket.close();
  EXPECT_TRUE(testing::path_exists(socket_path));
  EXPECT_FALSE(check_client_running(kSylpheed, config.path()).running);
}

TEST(RunningClient, ClawsMailSocketIsNamedAfterTheMd5OfItsConfigFolder) {
  TempFolder runtime;
  TempFolder tmp;
  TempFolder home;
  ScopedEnvironment xdg("XDG_RUNTIME_DIR", runtime.path());
  ScopedEnvironment tmpdir("TMPDIR", tmp.path());
  const std::string config = home / ".claws-mail";
  ASSERT_EQ(::mkdir(config.c_str(), 0700), 0);
  const std::string socket_path = runtime / ("claws-mail/" + md5_hex(config));
  EXPECT_THAT(claws_mail_socket_paths(config + "/"), Contains(socket_path));
  EXPECT_FALSE(check_client_running(kClawsMail, config).running);

  ASSERT_EQ(::mkdir((runtime / "claws-mail").c_str(), 0700), 0);
  ListeningSocket socket(socket_path);
  const RunningClientCheck check = check_client_running(kClawsMail, config);
  EXPECT_TRUE(check.running);
  EXPECT_EQ(check.evidence, socket_path + " accepts connections");
  socket.close();
  EXPECT_FALSE(check_client_running(kClawsMail, config).running);
}

TEST(RunningClient, ClawsMailLegacySocketInTmpdirIsRunning) {
  TempFolder runtime;
  TempFolder tmp;
  TempFolder config;
  ScopedEnvironment xdg("XDG_RUNTIME_DIR", runtime.path());
  ScopedEnvironment tmpdir("TMPDIR", tmp.path());
  const std::string socket_path = tmp / ("claws-mail-" + std::to_string(::getuid()));
  ListeningSocket socket(socket_path);
  EXPECT_TRUE(check_client_running(kClawsMail, config.path()).running);
}

TEST(RunningClient, WindowsOnlyClientsAreNotRunningOnUnix) {
  TempFolder folder;
  for (ClientKind client : {kBecky, kOutlook, kOutlookExpress,
                            kWindowsMail}) {
    const RunningClientCheck check = check_client_running(client, folder.path());
    EXPECT_FALSE(check.running) << client_id(client);
    EXPECT_EQ(check.client, client_display_name(client));
  }
}

}  // namespace
}  // namespace mailmig
