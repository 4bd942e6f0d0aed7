#include "src/cli/home_owner.h"

#ifndef _WIN32
#include <fcntl.h>
#include <grp.h>
#include <pwd.h>
#include <sys/stat.h>
#ifdef __linux__
#include <sys/prctl.h>
#endif
#include <sys/wait.h>
#include <unistd.h>

#include <boost/filesystem.hpp>
#include <cerrno>
#include <csignal>
#include <cstdint>
#include <cstdlib>
#include <cstring>
#include <iostream>
#include <optional>

#include "src/app/discovery.h"
#include "src/cli/exit_status.h"
#include "src/i18n/i18n.h"
#include "src/io/file_system.h"
#include "src/model/finding.h"
#include "src/report/report_db.h"
#include "src/util/text_sanitize.h"
#endif

namespace mailmig {

#ifdef _WIN32

// Not done on Windows yet: an administrator's run works on the home with its own rights.
int run_for_home(const HomeRun& run, const std::function<int(const RunOutputs&)>& work) {
  return work(run.outputs);
}

#else

namespace {

namespace fs = boost::filesystem;

struct HomeOwner {
  uid_t uid = 0;
  gid_t gid = 0;
  std::string name;
};

void complain(const char* english,
              const std::vector<std::pair<std::string, std::string> >& values) {
  std::vector<std::pair<std::string, std::string> > shown;
  shown.reserve(values.size());
  for (const auto& [name, value] : values) shown.emplace_back(name, printable(value));
  std::cerr << "mailmig: " << fill_placeholders(translate(english), shown) << "\n";
}

std::optional<HomeOwner> passwd_entry(uid_t uid) {
  long size = ::sysconf(_SC_GETPW_R_SIZE_MAX);
  std::vector<char> buffer(size > 0 ? static_cast<std::size_t>(size) : 16384);
  for (;;) {
    passwd entry{};
    passwd* found = nullptr;
    const int error = ::getpwuid_r(uid, &entry, buffer.data(), buffer.size(), &found);
    if (error == ERANGE && buffer.size() < (1U << 20)) {
      buffer.resize(buffer.size() * 2);
      continue;
    }
    if (error != 0 || found == nullptr || entry.pw_name == nullptr) return std::nullopt;
    return HomeOwner{entry.pw_uid, entry.pw_gid, entry.pw_name};
  }
}

// The owner of the home, looked at without following a link; nullopt (after saying why) when
// it cannot be known.
std::optional<HomeOwner> home_owner(const std::string& home) {
  struct stat status {};
  if (::lstat(without_trailing_slashes(home).c_str(), &status) != 0) {
    complain(N_("{home}: the home folder cannot be found ({reason})"),
             {{"home", home}, {"reason", std::strerror(errno)}});
    return std::nullopt;
  }
  if (S_ISLNK(status.st_mode)) {
    complain(N_("{home}: the home folder is a symbolic link; name the real folder"),
             {{"home", home}});
    return std::nullopt;
  }
  if (!S_ISDIR(status.st_mode)) {
    complain(N_("{home}: the home is not a folder"), {{"home", home}});
    return std::nullopt;
  }
  if (status.st_uid == 0) return HomeOwner{0, 0, "root"};
  std::optional<HomeOwner> owner = passwd_entry(status.st_uid);
  if (!owner) {
    complain(N_("{home}: its owner (uid {uid}) has no entry in the user database, so mailmig "
                "cannot work as that user"),
             {{"home", home}, {"uid", std::to_string(status.st_uid)}});
  }
  return owner;
}

// Becomes the owner for good: supplementary groups, then gid, then uid, as runuser does. Empty
// when done, else why not.
std::string become(const HomeOwner& owner) {
  if (::initgroups(owner.name.c_str(), owner.gid) != 0 || ::setgid(owner.gid) != 0 ||
      ::setuid(owner.uid) != 0) {
    return std::strerror(errno);
  }
  // Dropped for good only when root cannot be taken back.
  if (::setuid(0) == 0 || ::seteuid(0) == 0 || ::getuid() != owner.uid ||
      ::geteuid() != owner.uid || ::getgid() != owner.gid || ::getegid() != owner.gid) {
    return "root's rights could be taken back";
  }
  return {};
}

// --state-dir and --backup-dir must stay in the home, where the user's rights are the right
// ones; checked as the user.
bool folders_inside_home(const HomeRun& run) {
  boost::system::error_code error;
  const fs::path real_home = fs::canonical(run.home, error);
  for (const auto& [option, path] : run.folders_in_home) {
    if (path.empty() || (!error && lies_inside(real_home.string(), path))) continue;
    complain(N_("{option} {path} is outside the home {home}: when root works on another "
                "user's home, mailmig works as that user and keeps its state in that home"),
             {{"option", option}, {"path", path}, {"home", run.home}});
    return false;
  }
  return true;
}

// What root writes itself must lie where the home's owner has no say: a --log or --report inside
// the home could be made a link to any file of root's between the check and the write.
bool outputs_outside_home(const HomeRun& run) {
  boost::system::error_code error;
  const fs::path real_home = fs::canonical(run.home, error);
  if (error) return true;  // the child finds and says what is wrong with the home
  const std::pair<const char*, const std::string&> outputs[] = {
      {"--log", run.outputs.log_path}, {"--report", run.outputs.report_db}};
  for (const auto& [option, path] : outputs) {
    if (path.empty() || !lies_inside(real_home.string(), path)) continue;
    complain(N_("{option} {path} is inside the home {home}: when root works on another user's "
                "home, it writes its log and report only outside that home"),
             {{"option", option}, {"path", path}, {"home", run.home}});
    return false;
  }
  return true;
}

std::string temporary_root() {
  const char* tmpdir = std::getenv("TMPDIR");
  return tmpdir && *tmpdir == '/' ? tmpdir : "/tmp";
}

// A new 0700 folder in $TMPDIR, else in /tmp: root's TMPDIR may be a folder only root can
// write (pam_tmpdir), and the child is no longer root.
std::optional<std::string> make_private_folder() {
  for (const std::string& root : {temporary_root(), std::string("/tmp")}) {
    std::string pattern = root + "/mailmig-run-XXXXXX";
    if (::mkdtemp(pattern.data()) != nullptr) return pattern;
  }
  return std::nullopt;
}

bool write_all(int fd, const char* data, std::size_t size) {
  while (size > 0) {
    const ssize_t written = ::write(fd, data, size);
    if (written < 0 && errno == EINTR) continue;
    if (written <= 0) return false;
    data += written;
    size -= static_cast<std::size_t>(written);
  }
  return true;
}

std::string file_bytes(const std::string& path) {
  std::string bytes;
  const int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC | O_NOFOLLOW);
  if (fd < 0) return bytes;
  char buffer[65536];
  for (;;) {
    const ssize_t got = ::read(fd, buffer, sizeof buffer);
    if (got < 0 && errno == EINTR) continue;
    if (got <= 0) break;
    bytes.append(buffer, static_cast<std::size_t>(got));
  }
  ::close(fd);
  return bytes;
}

// The hand-over from the child: the log text, then the report database, each as a 64-bit
// length and the bytes.
bool send_part(int fd, const std::string& bytes) {
  const std::uint64_t size = bytes.size();
  return write_all(fd, reinterpret_cast<const char*>(&size), sizeof size) &&
         write_all(fd, bytes.data(), bytes.size());
}

std::optional<std::string> take_part(const std::string& received, std::size_t& pos) {
  std::uint64_t size = 0;
  if (received.size() - pos < sizeof size) return std::nullopt;
  std::memcpy(&size, received.data() + pos, sizeof size);
  pos += sizeof size;
  if (received.size() - pos < size) return std::nullopt;
  std::string part = received.substr(pos, size);
  pos += size;
  return part;
}

[[noreturn]] void child_exit(int status) {
  std::cout.flush();
  std::cerr.flush();
  std::_Exit(status);
}

[[noreturn]] void run_as_owner(const HomeRun& run, const HomeOwner& owner, pid_t parent,
                               int hand_over, const std::function<int(const RunOutputs&)>& work) {
  if (const std::string failure = become(owner); !failure.empty()) {
    complain(N_("cannot become the home's owner {user}: {reason}; nothing was done"),
             {{"user", owner.name}, {"reason", failure}});
    child_exit(kExitError);
  }
#ifdef __linux__
  // A kill -9 of root's mailmig stops the run too, as it would stop a run in one process (the
  // setting is cleared by the switch of user, so it is made after it).
  if (::prctl(PR_SET_PDEATHSIG, SIGKILL) != 0 || ::getppid() != parent) child_exit(kExitError);
#endif
  ::setenv("HOME", without_trailing_slashes(run.home).c_str(), 1);
  ::setenv("USER", owner.name.c_str(), 1);
  ::setenv("LOGNAME", owner.name.c_str(), 1);
  if (!folders_inside_home(run)) child_exit(kExitUsage);

  RunOutputs private_outputs;
  std::optional<std::string> folder;
  if (!run.outputs.log_path.empty() || !run.outputs.report_db.empty()) {
    folder = make_private_folder();
    if (!folder) {
      complain(N_("{folder}: cannot make a private folder for the log and report ({reason})"),
               {{"folder", temporary_root()}, {"reason", std::strerror(errno)}});
      child_exit(kExitError);
    }
    if (!run.outputs.log_path.empty()) private_outputs.log_path = *folder + "/log";
    if (!run.outputs.report_db.empty()) private_outputs.report_db = *folder + "/report.db";
  }
  int status = work(private_outputs);
  if (folder) {
    const bool sent = send_part(hand_over, file_bytes(private_outputs.log_path)) &&
                      send_part(hand_over, file_bytes(private_outputs.report_db));
    boost::system::error_code ignored;
    fs::remove_all(*folder, ignored);
    if (!sent) status = kExitError;
  }
  ::close(hand_over);
  child_exit(status);
}

// The child's private folder is the user's, so its bytes are the user's to choose: more than
// one run's log and report ever need is drained and dropped rather than kept in root's memory.
constexpr std::size_t kMaxHandOverBytes = std::size_t{256} << 20;

std::string read_until_end(int fd) {
  std::string received;
  bool too_much = false;
  char buffer[65536];
  for (;;) {
    const ssize_t got = ::read(fd, buffer, sizeof buffer);
    if (got < 0 && errno == EINTR) continue;
    if (got <= 0) break;
    too_much = too_much || received.size() + static_cast<std::size_t>(got) > kMaxHandOverBytes;
    if (!too_much) received.append(buffer, static_cast<std::size_t>(got));
  }
  if (too_much) {
    complain(N_("the log and report of the run are larger than {size} MiB; they were dropped"),
             {{"size", std::to_string(kMaxHandOverBytes >> 20)}});
    received.clear();
  }
  return received;
}

// The child's log lines are the user's to choose: each reaches root's log as one printable line
// (what mailmig itself writes is already printable, so its lines pass unchanged).
std::string printable_lines(const std::string& text) {
  std::string lines;
  std::size_t start = 0;
  while (start < text.size()) {
    std::size_t end = text.find('\n', start);
    if (end == std::string::npos) end = text.size();
    lines += printable(std::string_view(text).substr(start, end - start));
    lines += '\n';
    start = end + 1;
  }
  return lines;
}

bool append_to_log(const std::string& log_path, const std::string& text) {
  // Never through a link, and only into a regular file: the log is appended to as root.
  const int fd = ::open(log_path.c_str(),
                        O_WRONLY | O_APPEND | O_CREAT | O_NOFOLLOW | O_NONBLOCK | O_CLOEXEC, 0644);
  if (fd < 0) return false;
  struct stat status {};
  if (::fstat(fd, &status) != 0 || !S_ISREG(status.st_mode)) {
    ::close(fd);
    return false;
  }
  const bool written = write_all(fd, text.data(), text.size());
  return ::close(fd) == 0 && written;
}

// The child's report database, copied to a folder only root can read, then merged into root's
// report as `report merge` does: the run is added once.
bool merge_into_report(const std::string& report_db, const std::string& bytes) {
  struct stat status {};
  if (::lstat(report_db.c_str(), &status) == 0 && !S_ISREG(status.st_mode)) {
    complain(N_("{report}: not a regular file: root writes a report only into one"),
             {{"report", report_db}});
    return false;
  }
  const std::optional<std::string> folder = make_private_folder();
  if (!folder) {
    complain(N_("{folder}: cannot make a private folder for the log and report ({reason})"),
             {{"folder", temporary_root()}, {"reason", std::strerror(errno)}});
    return false;
  }
  const std::string copy = *folder + "/run.db";
  bool merged = false;
  const int fd = ::open(copy.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0600);
  if (fd >= 0) {
    const bool written = write_all(fd, bytes.data(), bytes.size());
    if (::close(fd) == 0 && written) {
      const MergeResult result = merge_reports(report_db, {copy});
      if (!result) std::cerr << "mailmig: " << printable(result.error) << "\n";
      for (const MergeFailure& failure : result.failed_inputs) {
        std::cerr << "mailmig: " << printable(report_db) << ": " << printable(failure.error)
                  << "\n";
      }
      merged = result && result.failed_inputs.empty();
    }
  }
  if (fd < 0 || !merged) {
    complain(N_("{report}: cannot add the run to the report"), {{"report", report_db}});
  }
  boost::system::error_code ignored;
  fs::remove_all(*folder, ignored);
  return merged;
}

}  // namespace

int run_for_home(const HomeRun& run, const std::function<int(const RunOutputs&)>& work) {
  if (run.home.empty() || ::geteuid() != 0) return work(run.outputs);
  const std::optional<HomeOwner> owner = home_owner(run.home);
  if (!owner) return kExitUsage;
  if (owner->uid == 0) return work(run.outputs);
  if (!outputs_outside_home(run)) return kExitUsage;

  int pipe_fds[2];
  if (::pipe2(pipe_fds, O_CLOEXEC) != 0) {
    complain(N_("cannot start the run as {user}: {reason}"),
             {{"user", owner->name}, {"reason", std::strerror(errno)}});
    return kExitError;
  }
  std::cout.flush();
  std::cerr.flush();
  const pid_t parent = ::getpid();
  const pid_t child = ::fork();
  if (child < 0) {
    complain(N_("cannot start the run as {user}: {reason}"),
             {{"user", owner->name}, {"reason", std::strerror(errno)}});
    ::close(pipe_fds[0]);
    ::close(pipe_fds[1]);
    return kExitError;
  }
  if (child == 0) {
    ::close(pipe_fds[0]);
    run_as_owner(run, *owner, parent, pipe_fds[1], work);
  }
  ::close(pipe_fds[1]);
  const std::string received = read_until_end(pipe_fds[0]);
  ::close(pipe_fds[0]);
  int wait_status = 0;
  while (::waitpid(child, &wait_status, 0) < 0 && errno == EINTR) {
  }
  if (!WIFEXITED(wait_status)) {
    complain(N_("the run as {user} was ended by signal {signal}"),
             {{"user", owner->name},
              {"signal", std::to_string(WIFSIGNALED(wait_status) ? WTERMSIG(wait_status) : 0)}});
    return kExitError;
  }
  int status = WEXITSTATUS(wait_status);
  std::size_t pos = 0;
  const std::optional<std::string> log_text = take_part(received, pos);
  const std::optional<std::string> report_bytes = take_part(received, pos);
  if (log_text && !log_text->empty() &&
      !append_to_log(run.outputs.log_path, printable_lines(*log_text))) {
    std::cerr << "mailmig: " << printable(run.outputs.log_path) << ": "
              << translate(N_("cannot write the log")) << "\n";
    status = std::max(status, static_cast<int>(kExitError));
  }
  if (report_bytes && !report_bytes->empty() &&
      !merge_into_report(run.outputs.report_db, *report_bytes)) {
    status = kExitError;
  }
  return status;
}

#endif

}  // namespace mailmig
