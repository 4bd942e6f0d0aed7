// Helpers for the end-to-end tests of the mailmig executable: a private temporary folder with
// copies of the fixtures, a runner that executes the real binary with a controlled environment
// (capturing stdout, stderr and the exit status), and byte snapshots of folders to compare.
#pragma once

#include <gtest/gtest.h>
#include <sys/types.h>

#include <map>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <vector>

namespace mailmig::cli_testing {

// The repository's fixtures folder (read only: tests copy from it, never write to it).
std::string fixture_path(const std::string& relative);

// A fresh folder under /tmp (short, so UNIX socket paths fit), removed with its content. It
// holds "home/" (the --home of the run), "state/" and "tmp/" (the child's TMPDIR and
// XDG_RUNTIME_DIR, so no real client on this machine is seen as running).
class Sandbox {
 public:
  Sandbox();
  ~Sandbox();
  Sandbox(const Sandbox&) = delete;
  Sandbox& operator=(const Sandbox&) = delete;

  const std::string& root() const { return root_; }
  std::string home() const { return root_ + "/home"; }
  std::string state() const { return root_ + "/state"; }
  std::string tmp() const { return root_ + "/tmp"; }
  std::string path(const std::string& relative) const { return root_ + "/" + relative; }

  // Copies fixtures/<from> (a file or a folder, recursively) to <root>/<to>.
  void copy_fixture(const std::string& from, const std::string& to) const;

 private:
  std::string root_;
};

struct RunOptions {
  std::vector<std::pair<std::string, std::string>> extra_environment;  // added or replacing
  std::string lang = "C";
  std::string tmpdir;                      // the child's TMPDIR and XDG_RUNTIME_DIR (required)
  std::string home;                        // the child's HOME (defaults to tmpdir)
  std::optional<std::string> stdin_bytes;  // piped to the child; /dev/null when unset
  std::optional<long> file_size_limit;     // RLIMIT_FSIZE in the child, in bytes
  std::string executable;                  // defaults to MAILMIG_EXE
  std::string working_directory;           // the child's current folder (defaults to ours)
};

struct RunOutput {
  int exit_code = -1;  // -1 when killed by a signal
  int signal = 0;
  std::string out;
  std::string err;
};

// Runs mailmig with `args` and waits for it.
RunOutput run_mailmig(const std::vector<std::string>& args, const RunOptions& options);

// Starts mailmig without waiting; returns the child's pid. Its stdout and stderr go to
// `output_path` (created), or to /dev/null when empty.
pid_t spawn_mailmig(const std::vector<std::string>& args, const RunOptions& options,
                    const std::string& output_path = {});
// Waits for a child; returns the exit code, or -signal when a signal ended it.
int wait_child(pid_t pid);
// The same, killing the child if it is still running after `seconds` (a watchdog, so that a
// hang fails the test instead of the suite).
int wait_child_with_watchdog(pid_t pid, int seconds);

// Runs mailmig on a pseudo-terminal: waits for `prompt` in the output, then types `answer` and
// a newline. Returns everything the child wrote (stdout and stderr share the terminal).
RunOutput run_mailmig_on_terminal(const std::vector<std::string>& args, const RunOptions& options,
                                  const std::string& prompt, const std::string& answer);
// The same with any number of questions, each answered once it appears after the previous
// answer; none: the child runs on the terminal without input.
struct TerminalExchange {
  std::string prompt;
  std::string answer;
};
RunOutput run_mailmig_on_terminal(const std::vector<std::string>& args, const RunOptions& options,
                                  const std::vector<TerminalExchange>& exchanges);

// A test that runs mailmig on a copy of the sample Linux home, with its own state folder.
class LinuxHomeTest : public ::testing::Test {
 protected:
  void SetUp() override {
    sandbox_.copy_fixture("homes/linux", "home");
    options_.tmpdir = sandbox_.tmp();
  }

  RunOutput run(std::vector<std::string> args) {
    args.insert(args.end(), {"--home", sandbox_.home(), "--state-dir", sandbox_.state()});
    return run_mailmig(args, options_);
  }

  Sandbox sandbox_;
  RunOptions options_;
};

// Every regular file and symlink under `folder`, path relative to `folder` -> bytes (a symlink
// maps to "-> target"). Folders map to "<dir>".
using Snapshot = std::map<std::string, std::string>;
Snapshot snapshot(const std::string& folder);

std::string read_file_bytes(const std::string& path);  // fails the test when unreadable
void write_file_bytes(const std::string& path, const std::string& bytes);

// Lines split on "\n" (each keeps its "\r" when the file has CRLF line ends).
std::vector<std::string> split_lines(const std::string& text);

nlohmann::json parse_json(const std::string& text);  // fails the test on invalid JSON

// All changes of one account in a plan/apply JSON, found by profile path suffix and account
// incoming hostname.
struct JsonChange {
  std::string rule;
  std::string field;
  std::string from;
  std::string to;
  bool operator==(const JsonChange&) const = default;
};
std::vector<JsonChange> account_changes(const nlohmann::json& run,
                                        const std::string& incoming_host);
// Every finding (account and profile level) of a run whose message contains `text`.
std::vector<nlohmann::json> findings_containing(const nlohmann::json& run, const std::string& text);

std::string to_string(const std::vector<JsonChange>& changes);  // for failure messages

// UTF-16LE bytes (a .reg version 5 or .oeaccount file) as UTF-8 text, BOM dropped.
std::string utf16le_to_utf8(const std::string& bytes);
// CP932 bytes as UTF-8 text.
std::string cp932_to_utf8(const std::string& bytes);

}  // namespace mailmig::cli_testing
