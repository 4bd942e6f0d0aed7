#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <unistd.h>

#include <cerrno>
#include <charconv>
#include <cstring>

#include "src/io/file_system.h"
#include "src/io/running_client.h"
#include "src/io/running_client_platform.h"
#include "src/io/state_dir.h"
#include "src/util/digest.h"

namespace mailmig {
namespace {

constexpr int kConnectTimeoutMs = 1000;

// A successful connect() proves a listener; a socket file left by a crash refuses. The socket
// must be the profile owner's: anyone can plant one in /tmp under the client's name. connect()
// is non-blocking with a short wait, so a planted listener that never accepts (a full backlog)
// cannot hang the run: such a socket counts as "not running".
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

// GLib's g_get_tmp_dir(): $TMPDIR, else /tmp.
std::string temp_folder() {
  std::string folder = process_environment("TMPDIR").value_or("/tmp");
  while (folder.size() > 1 && folder.back() == '/') folder.pop_back();
  return folder;
}

// The clients name their sockets after the user running them: the owner of the profile when
// mailmig runs as root for someone else.
uid_t profile_owner(const std::string& profile_path) {
  struct stat info {};
  if (::stat(profile_path.c_str(), &info) == 0) return info.st_uid;
  return ::getuid();
}

std::string thunderbird_evidence(const std::string& profile_path) {
  const std::string parent_lock = join_path(profile_path, ".parentlock");
  bool fcntl_locked = false;
  std::string evidence;
  // O_NONBLOCK: a FIFO in its place would block open() until a writer comes. Anything but a
  // regular file is not Thunderbird's lock.
  const int fd = ::open(parent_lock.c_str(), O_RDONLY | O_CLOEXEC | O_NOFOLLOW | O_NONBLOCK);
  struct stat lock_status {};
  if (fd >= 0 && ::fstat(fd, &lock_status) == 0 && S_ISREG(lock_status.st_mode)) {
    struct flock query {};
    query.l_type = F_WRLCK;
    query.l_whence = SEEK_SET;
    query.l_start = 0;
    query.l_len = 0;
    if (::fcntl(fd, F_GETLK, &query) == 0 && query.l_type != F_UNLCK) {
      fcntl_locked = true;
      evidence = parent_lock + " is locked by process " + std::to_string(query.l_pid);
    }
  }
  if (fd >= 0) ::close(fd);
  if (fcntl_locked) return evidence;

  // The "lock" symlink: "<IP>:<PID>", or "<IP>:+<PID>" when the fcntl lock is taken too.
  const std::string symlink_lock = join_path(profile_path, "lock");
  char target[256];
  const ssize_t length = ::readlink(symlink_lock.c_str(), target, sizeof(target) - 1);
  if (length <= 0) return {};
  const std::string text(target, static_cast<std::size_t>(length));
  const std::size_t colon = text.rfind(':');
  if (colon == std::string::npos) return {};
  std::string_view pid_text = std::string_view(text).substr(colon + 1);
  // With "+" the fcntl lock is the proof, and it is free: the symlink is stale.
  if (!pid_text.empty() && pid_text.front() == '+') return {};
  long pid = 0;
  const auto parsed = std::from_chars(pid_text.data(), pid_text.data() + pid_text.size(), pid);
  if (parsed.ec != std::errc() || parsed.ptr != pid_text.data() + pid_text.size() || pid <= 0) {
    return {};
  }
  // The IP is not compared with this host's addresses: a PID alive here counts as running.
  if (::kill(static_cast<pid_t>(pid), 0) == 0 || errno == EPERM) {
    return symlink_lock + " -> " + text + ": process " + std::to_string(pid) + " is alive";
  }
  return {};
}

std::string sylpheed_evidence(const std::string& profile_path) {
  const uid_t owner = profile_owner(profile_path);
  const std::string socket = join_path(temp_folder(), "sylpheed-" + std::to_string(owner));
  if (socket_accepts(socket, owner)) return socket + " accepts connections";
  return {};
}

std::string claws_mail_evidence(const std::string& profile_path) {
  const uid_t owner = profile_owner(profile_path);
  for (const std::string& socket : claws_mail_socket_paths(profile_path)) {
    if (socket_accepts(socket, owner)) return socket + " accepts connections";
  }
  return {};
}

}  // namespace

std::vector<std::string> claws_mail_socket_paths(const std::string& config_folder) {
  // GLib's g_get_user_runtime_dir(): $XDG_RUNTIME_DIR, else the user cache folder.
  std::string runtime = process_environment("XDG_RUNTIME_DIR").value_or("");
  if (runtime.empty()) {
    runtime = process_environment("XDG_CACHE_HOME")
                  .value_or(join_path(process_environment("HOME").value_or(""), ".cache"));
  }
  const std::string socket_folder = join_path(runtime, "claws-mail");
  std::vector<std::string> paths;
  // Between the two layouts Claws put the socket at <runtime>/claws-mail itself.
  paths.push_back(socket_folder);
  std::string as_given = config_folder;
  while (as_given.size() > 1 && as_given.back() == '/') as_given.pop_back();
  paths.push_back(join_path(socket_folder, md5_hex(as_given)));
  RealFileSystem fs;
  if (const PathResult real = fs.real_path(as_given); real && real.path != as_given) {
    paths.push_back(join_path(socket_folder, md5_hex(real.path)));
  }
  const std::string uid = std::to_string(profile_owner(config_folder));
  paths.push_back(join_path(temp_folder(), "claws-mail-" + uid));
  // Older Claws with --alternate-config-dir kept the socket inside that folder.
  paths.push_back(join_path(as_given, "claws-mail-" + uid));
  return paths;
}

std::string find_running_client(ClientKind client, const std::string& profile_path) {
  switch (client) {
    case ClientKind::Thunderbird:
      return thunderbird_evidence(profile_path);
    case ClientKind::Sylpheed:
      return sylpheed_evidence(profile_path);
    case ClientKind::ClawsMail:
      return claws_mail_evidence(profile_path);
    // Windows-only clients: here their files are copies or exports, never in use.
    case ClientKind::Outlook:
    case ClientKind::OutlookExpress:
    case ClientKind::WindowsMail:
    case ClientKind::Becky:
    case ClientKind::NewOutlook:
    case ClientKind::Shuriken:
      return {};
  }
  return {};
}

}  // namespace mailmig
