#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>

#include "src/io/file_system.h"
#include "src/io/running_client_platform.h"
#include "src/io/state_dir.h"

namespace mailmig {
namespace {

constexpr int kConnectTimeoutMs = 1000;

}  // namespace

std::optional<long> fcntl_lock_holder(const std::string& path) {
  const int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC | O_NOFOLLOW | O_NONBLOCK);
  if (fd < 0) return std::nullopt;
  std::optional<long> holder;
  struct stat status {};
  if (::fstat(fd, &status) == 0 && S_ISREG(status.st_mode)) {
    struct flock query {};
    query.l_type = F_WRLCK;
    query.l_whence = SEEK_SET;
    query.l_start = 0;
    query.l_len = 0;
    if (::fcntl(fd, F_GETLK, &query) == 0 && query.l_type != F_UNLCK) holder = query.l_pid;
  }
  ::close(fd);
  return holder;
}

bool process_alive(long pid) {
  return pid > 0 && (::kill(static_cast<pid_t>(pid), 0) == 0 || errno == EPERM);
}

std::optional<std::string> link_target(const std::string& path) {
  char target[256];
  const ssize_t length = ::readlink(path.c_str(), target, sizeof(target) - 1);
  if (length <= 0) return std::nullopt;
  return std::string(target, static_cast<std::size_t>(length));
}

// A successful connect() proves a listener; a socket file left by a crash refuses. connect() is
// non-blocking with a short wait.
bool socket_accepts(const std::string& path, uid_t owner) {
  struct stat info {};
  if (::lstat(path.c_str(), &info) != 0 || !S_ISSOCK(info.st_mode) || info.st_uid != owner) {
    return false;
  }
  sockaddr_un address{};
  address.sun_family = AF_UNIX;
  if (path.size() >= sizeof(address.sun_path)) return false;
  std::memcpy(address.sun_path, path.c_str(), path.size() + 1);
  const int fd = ::socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC | SOCK_NONBLOCK, 0);
  if (fd < 0) return false;
  bool connected = ::connect(fd, reinterpret_cast<const sockaddr*>(&address), sizeof(address)) == 0;
  if (!connected && errno == EINPROGRESS) {
    pollfd waiting{fd, POLLOUT, 0};
    int error = 0;
    socklen_t length = sizeof(error);
    connected = ::poll(&waiting, 1, kConnectTimeoutMs) == 1 &&
                ::getsockopt(fd, SOL_SOCKET, SO_ERROR, &error, &length) == 0 && error == 0;
  }
  ::close(fd);
  return connected;
}

uid_t owner_of(const std::string& path) {
  struct stat info {};
  if (::stat(path.c_str(), &info) == 0) return info.st_uid;
  return ::getuid();
}

std::string glib_temp_folder() {
  std::string folder = process_environment("TMPDIR").value_or("/tmp");
  while (folder.size() > 1 && folder.back() == '/') folder.pop_back();
  return folder;
}

std::string glib_user_runtime_folder() {
  std::string runtime = process_environment("XDG_RUNTIME_DIR").value_or("");
  if (!runtime.empty()) return runtime;
  return process_environment("XDG_CACHE_HOME")
      .value_or(join_path(process_environment("HOME").value_or(""), ".cache"));
}

std::string windows_process_evidence(std::initializer_list<const char*>) { return {}; }

}  // namespace mailmig
