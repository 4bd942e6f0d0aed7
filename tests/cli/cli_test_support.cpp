#include "tests/cli/cli_test_support.h"

#include <fcntl.h>
#include <gtest/gtest.h>
#include <poll.h>
#include <pty.h>
#include <signal.h>
#include <stdlib.h>
#include <sys/resource.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <boost/filesystem.hpp>
#include <cerrno>
#include <chrono>
#include <cstring>
#include <fstream>
#include <sstream>
#include <thread>

#include "src/encoding/codec.h"

extern char** environ;

namespace mailmig::cli_testing {
namespace fs = boost::filesystem;

std::string fixture_path(const std::string& relative) {
  return std::string(MAILMIG_SOURCE_DIR) + "/fixtures/" + relative;
}

Sandbox::Sandbox() {
  std::string pattern = "/tmp/mmcli-XXXXXX";
  if (::mkdtemp(pattern.data()) == nullptr) {
    ADD_FAILURE() << "mkdtemp failed: " << std::strerror(errno);
  }
  root_ = pattern;
  fs::create_directories(home());
  fs::create_directories(tmp());
}

Sandbox::~Sandbox() {
  boost::system::error_code ignored;
  // A test may leave a folder read-only: make everything writable so it can be removed.
  for (fs::recursive_directory_iterator it(root_, ignored), end; !ignored && it != end;
       it.increment(ignored)) {
    if (!fs::is_symlink(it->symlink_status())) {
      fs::permissions(it->path(), fs::perms::add_perms | fs::perms::owner_all, ignored);
    }
  }
  fs::remove_all(root_, ignored);
}

void Sandbox::copy_fixture(const std::string& from, const std::string& to) const {
  const fs::path source = fixture_path(from);
  const fs::path target = fs::path(root_) / to;
  fs::create_directories(target.parent_path());
  if (fs::is_directory(source)) {
    fs::create_directories(target);
    for (fs::recursive_directory_iterator it(source), end; it != end; ++it) {
      const fs::path relative = fs::relative(it->path(), source);
      if (fs::is_directory(it->path())) {
        fs::create_directories(target / relative);
      } else {
        fs::copy_file(it->path(), target / relative, fs::copy_options::overwrite_existing);
      }
    }
  } else {
    fs::copy_file(source, target, fs::copy_options::overwrite_existing);
  }
}

namespace {

// The child's environment: the parent's, minus the locale and the folders that could point at
// the real user's state or running clients, plus the test's settings.
std::vector<std::string> child_environment(const RunOptions& options) {
  std::vector<std::pair<std::string, std::string>> settings{
      {"LANG", options.lang},
      {"TMPDIR", options.tmpdir},
      {"XDG_RUNTIME_DIR", options.tmpdir},
      {"HOME", options.home.empty() ? options.tmpdir : options.home},
      // The fixtures' servers do not exist: no check of them (the verification tests say
      // MAILMIG_VERIFY themselves).
      {"MAILMIG_VERIFY", "off"},
  };
  for (const auto& extra : options.extra_environment) {
    std::erase_if(settings, [&](const auto& setting) { return setting.first == extra.first; });
    settings.push_back(extra);
  }
  const std::vector<std::string> dropped{"LANG",           "LANGUAGE",       "LC_ALL",
                                         "LC_MESSAGES",    "TMPDIR",         "XDG_RUNTIME_DIR",
                                         "XDG_STATE_HOME", "XDG_CACHE_HOME", "HOME"};
  std::vector<std::string> environment;
  for (char** entry = environ; *entry != nullptr; ++entry) {
    const std::string text(*entry);
    const std::string name = text.substr(0, text.find('='));
    if (std::find(dropped.begin(), dropped.end(), name) != dropped.end()) continue;
    if (std::any_of(settings.begin(), settings.end(),
                    [&](const auto& setting) { return setting.first == name; })) {
      continue;
    }
    environment.push_back(text);
  }
  for (const auto& [name, value] : settings) environment.push_back(name + "=" + value);
  return environment;
}

std::vector<char*> as_argv(std::vector<std::string>& strings) {
  std::vector<char*> pointers;
  for (std::string& text : strings) pointers.push_back(text.data());
  pointers.push_back(nullptr);
  return pointers;
}

// In the child after fork(): only async-signal-safe calls until exec.
[[noreturn]] void exec_child(const RunOptions& options, char** argv, char** envp) {
  if (options.file_size_limit) {
    const rlimit limit{static_cast<rlim_t>(*options.file_size_limit),
                       static_cast<rlim_t>(*options.file_size_limit)};
    ::setrlimit(RLIMIT_FSIZE, &limit);
    // Past the limit a write fails with EFBIG instead of killing the process.
    ::signal(SIGXFSZ, SIG_IGN);
  }
  if (!options.working_directory.empty() && ::chdir(options.working_directory.c_str()) != 0) {
    ::_exit(127);
  }
  ::execve(argv[0], argv, envp);
  ::_exit(127);
}

std::string executable_of(const RunOptions& options) {
  return options.executable.empty() ? std::string(MAILMIG_EXE) : options.executable;
}

int decode_status(int status, int* signal_number) {
  if (WIFEXITED(status)) return WEXITSTATUS(status);
  if (WIFSIGNALED(status) && signal_number) *signal_number = WTERMSIG(status);
  return -1;
}

}  // namespace

RunOutput run_mailmig(const std::vector<std::string>& args, const RunOptions& options) {
  EXPECT_FALSE(options.tmpdir.empty()) << "a run needs its own TMPDIR";
  std::vector<std::string> argv_strings{executable_of(options)};
  argv_strings.insert(argv_strings.end(), args.begin(), args.end());
  std::vector<std::string> env_strings = child_environment(options);
  std::vector<char*> argv = as_argv(argv_strings);
  std::vector<char*> envp = as_argv(env_strings);

  int out_pipe[2], err_pipe[2], in_pipe[2];
  if (::pipe2(out_pipe, O_CLOEXEC) != 0 || ::pipe2(err_pipe, O_CLOEXEC) != 0 ||
      ::pipe2(in_pipe, O_CLOEXEC) != 0) {
    ADD_FAILURE() << "pipe failed";
    return {};
  }
  const pid_t pid = ::fork();
  if (pid == 0) {
    ::dup2(in_pipe[0], STDIN_FILENO);
    ::dup2(out_pipe[1], STDOUT_FILENO);
    ::dup2(err_pipe[1], STDERR_FILENO);
    exec_child(options, argv.data(), envp.data());
  }
  ::close(in_pipe[0]);
  ::close(out_pipe[1]);
  ::close(err_pipe[1]);
  if (options.stdin_bytes) {
    const std::string& bytes = *options.stdin_bytes;
    std::size_t written = 0;
    while (written < bytes.size()) {
      const ssize_t n = ::write(in_pipe[1], bytes.data() + written, bytes.size() - written);
      if (n <= 0) break;
      written += static_cast<std::size_t>(n);
    }
  }
  ::close(in_pipe[1]);

  RunOutput output;
  pollfd fds[2] = {{out_pipe[0], POLLIN, 0}, {err_pipe[0], POLLIN, 0}};
  std::string* sinks[2] = {&output.out, &output.err};
  int open_count = 2;
  while (open_count > 0) {
    if (::poll(fds, 2, -1) < 0) {
      if (errno == EINTR) continue;
      break;
    }
    for (int i = 0; i < 2; ++i) {
      if (fds[i].fd < 0 || fds[i].revents == 0) continue;
      char buffer[8192];
      const ssize_t n = ::read(fds[i].fd, buffer, sizeof buffer);
      if (n > 0) {
        sinks[i]->append(buffer, static_cast<std::size_t>(n));
      } else {
        ::close(fds[i].fd);
        fds[i].fd = -1;
        --open_count;
      }
    }
  }
  int status = 0;
  ::waitpid(pid, &status, 0);
  output.exit_code = decode_status(status, &output.signal);
  return output;
}

pid_t spawn_mailmig(const std::vector<std::string>& args, const RunOptions& options,
                    const std::string& output_path) {
  std::vector<std::string> argv_strings{executable_of(options)};
  argv_strings.insert(argv_strings.end(), args.begin(), args.end());
  std::vector<std::string> env_strings = child_environment(options);
  std::vector<char*> argv = as_argv(argv_strings);
  std::vector<char*> envp = as_argv(env_strings);
  const pid_t pid = ::fork();
  if (pid == 0) {
    const int null_fd = ::open("/dev/null", O_RDWR);
    const int output_fd = output_path.empty()
                              ? null_fd
                              : ::open(output_path.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0600);
    ::dup2(null_fd, STDIN_FILENO);
    ::dup2(output_fd, STDOUT_FILENO);
    ::dup2(output_fd, STDERR_FILENO);
    exec_child(options, argv.data(), envp.data());
  }
  return pid;
}

int wait_child(pid_t pid) {
  int status = 0;
  if (::waitpid(pid, &status, 0) != pid) return -1000;
  int signal_number = 0;
  const int code = decode_status(status, &signal_number);
  return code >= 0 ? code : -signal_number;
}

int wait_child_with_watchdog(pid_t pid, int seconds) {
  const auto give_up = std::chrono::steady_clock::now() + std::chrono::seconds(seconds);
  int status = 0;
  while (::waitpid(pid, &status, WNOHANG) == 0) {
    if (std::chrono::steady_clock::now() > give_up) {
      ::kill(pid, SIGKILL);
      ::waitpid(pid, &status, 0);
      return -SIGKILL;
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(20));
  }
  return WIFEXITED(status) ? WEXITSTATUS(status) : -WTERMSIG(status);
}

RunOutput run_mailmig_on_terminal(const std::vector<std::string>& args, const RunOptions& options,
                                  const std::string& prompt, const std::string& answer) {
  return run_mailmig_on_terminal(args, options, std::vector<TerminalExchange>{{prompt, answer}});
}

constexpr int kTerminalSilenceLimitMs = 60000;

RunOutput run_mailmig_on_terminal(const std::vector<std::string>& args, const RunOptions& options,
                                  const std::vector<TerminalExchange>& exchanges) {
  std::vector<std::string> argv_strings{executable_of(options)};
  argv_strings.insert(argv_strings.end(), args.begin(), args.end());
  std::vector<std::string> env_strings = child_environment(options);
  std::vector<char*> argv = as_argv(argv_strings);
  std::vector<char*> envp = as_argv(env_strings);

  int master = -1;
  const pid_t pid = ::forkpty(&master, nullptr, nullptr, nullptr);
  if (pid < 0) {
    ADD_FAILURE() << "forkpty failed: " << std::strerror(errno);
    return {};
  }
  if (pid == 0) exec_child(options, argv.data(), envp.data());

  RunOutput output;
  std::size_t answered = 0;
  std::size_t searched_from = 0;  // each prompt is looked for after the previous answer
  while (true) {
    // A watchdog, not a timing: a child that waits for input no exchange gives (a question the
    // test did not expect) fails the test instead of hanging the suite.
    pollfd readable{master, POLLIN, 0};
    if (::poll(&readable, 1, kTerminalSilenceLimitMs) == 0) {
      ADD_FAILURE() << "mailmig wrote nothing for " << kTerminalSilenceLimitMs / 1000
                    << " s (waiting for an answer?): " << output.out;
      ::kill(pid, SIGKILL);
      break;
    }
    char buffer[4096];
    const ssize_t n = ::read(master, buffer, sizeof buffer);
    if (n <= 0) break;  // EIO once the child has closed the terminal
    output.out.append(buffer, static_cast<std::size_t>(n));
    if (answered == exchanges.size()) continue;
    const std::size_t at = output.out.find(exchanges[answered].prompt, searched_from);
    if (at == std::string::npos) continue;
    const std::string line = exchanges[answered].answer + "\n";
    if (::write(master, line.data(), line.size()) != static_cast<ssize_t>(line.size())) {
      ADD_FAILURE() << "cannot type the answer";
    }
    searched_from = at + exchanges[answered].prompt.size();
    ++answered;
  }
  ::close(master);
  int status = 0;
  ::waitpid(pid, &status, 0);
  output.exit_code = decode_status(status, &output.signal);
  if (answered != exchanges.size()) {
    ADD_FAILURE() << "prompt " << answered + 1 << " never appeared: " << output.out;
  }
  return output;
}

Snapshot snapshot(const std::string& folder) {
  Snapshot result;
  boost::system::error_code error;
  for (fs::recursive_directory_iterator it(folder, error), end; !error && it != end;
       it.increment(error)) {
    const std::string relative = fs::relative(it->path(), folder).string();
    const fs::file_status status = it->symlink_status();
    if (fs::is_symlink(status)) {
      result[relative] = "-> " + fs::read_symlink(it->path()).string();
    } else if (fs::is_directory(status)) {
      result[relative] = "<dir>";
    } else if (fs::is_regular_file(status)) {
      std::ifstream in(it->path().string(), std::ios::binary);
      std::ostringstream bytes;
      bytes << in.rdbuf();
      result[relative] = bytes.str();
    }
  }
  EXPECT_FALSE(error) << folder << ": " << error.message();
  return result;
}

std::string read_file_bytes(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  EXPECT_TRUE(in.good()) << "cannot read " << path;
  std::ostringstream bytes;
  bytes << in.rdbuf();
  return bytes.str();
}

void write_file_bytes(const std::string& path, const std::string& bytes) {
  fs::create_directories(fs::path(path).parent_path());
  std::ofstream out(path, std::ios::binary | std::ios::trunc);
  out << bytes;
  EXPECT_TRUE(out.good()) << "cannot write " << path;
}

std::vector<std::string> split_lines(const std::string& text) {
  std::vector<std::string> lines;
  std::size_t start = 0;
  while (start < text.size()) {
    const std::size_t end = text.find('\n', start);
    if (end == std::string::npos) {
      lines.push_back(text.substr(start));
      break;
    }
    lines.push_back(text.substr(start, end - start));
    start = end + 1;
  }
  return lines;
}

nlohmann::json parse_json(const std::string& text) {
  nlohmann::json parsed = nlohmann::json::parse(text, nullptr, false);
  EXPECT_FALSE(parsed.is_discarded()) << "not JSON:\n" << text;
  return parsed;
}

std::vector<JsonChange> account_changes(const nlohmann::json& run,
                                        const std::string& incoming_host) {
  std::vector<JsonChange> changes;
  if (!run.contains("profiles")) return changes;
  for (const auto& profile : run["profiles"]) {
    for (const auto& account : profile["accounts"]) {
      if (account["incoming"]["hostname"] != incoming_host) continue;
      for (const auto& change : account["changes"]) {
        changes.push_back({change["rule"], change["field"], change["from"], change["to"]});
      }
    }
  }
  return changes;
}

std::vector<nlohmann::json> findings_containing(const nlohmann::json& run,
                                                const std::string& text) {
  std::vector<nlohmann::json> found;
  auto scan = [&](const nlohmann::json& findings) {
    for (const auto& finding : findings) {
      if (finding["message"].get<std::string>().find(text) != std::string::npos) {
        found.push_back(finding);
      }
    }
  };
  for (const auto& profile : run["profiles"]) {
    scan(profile["findings"]);
    for (const auto& account : profile["accounts"]) scan(account["findings"]);
  }
  return found;
}

std::string to_string(const std::vector<JsonChange>& changes) {
  std::string text;
  for (const JsonChange& change : changes) {
    text += "  {\"" + change.rule + "\", \"" + change.field + "\", \"" + change.from + "\", \"" +
            change.to + "\"},\n";
  }
  return text;
}

std::string utf16le_to_utf8(const std::string& bytes) {
  std::string_view body(bytes);
  if (body.starts_with("\xff\xfe")) body.remove_prefix(2);
  const Conversion converted = to_utf8(body, "UTF-16LE");
  EXPECT_TRUE(converted.ok) << converted.error;
  return converted.text;
}

std::string cp932_to_utf8(const std::string& bytes) {
  const Conversion converted = to_utf8(bytes, "CP932");
  EXPECT_TRUE(converted.ok) << converted.error;
  return converted.text;
}

}  // namespace mailmig::cli_testing
