// Issue 4 §5 at the command level: rollback round trips, refusing to overwrite newer changes,
// history, running clients, concurrent runs, kill -9 at any instant, and symlinks that lead out
// of a profile.
#include <fcntl.h>
#include <gtest/gtest.h>
#include <signal.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

#include <algorithm>
#include <boost/filesystem.hpp>
#include <chrono>
#include <cstring>
#include <random>
#include <set>
#include <thread>

#include "tests/cli/cli_test_support.h"

namespace mailmig::cli_testing {
namespace {

namespace fs = boost::filesystem;

const std::string kTbLinux = "/.thunderbird/k3m9x2ab.default-release";

bool is_temp_file(const std::string& path) {
  return path.find(".mailmig-tmp-") != std::string::npos;
}

// Every profile of every client: both sample homes in one folder (the Linux and the Windows
// layouts do not overlap) and the three registry exports beside them.
void copy_every_client(const Sandbox& sandbox) {
  sandbox.copy_fixture("homes/linux", "home");
  sandbox.copy_fixture("homes/windows", "home");
  for (const char* reg :
       {"outlook2016-unicode.reg", "outlook2010-nt.reg", "oe-regedit4-cp932.reg"}) {
    sandbox.copy_fixture(std::string("registry/") + reg, std::string("home/") + reg);
  }
}

std::vector<std::string> every_client_path(const Sandbox& sandbox) {
  const std::string home = sandbox.home();
  return {home + "/.thunderbird",
          home + "/.sylpheed-2.0",
          home + "/.claws-mail",
          home + "/AppData/Roaming/Thunderbird",
          home + "/AppData/Roaming/Sylpheed",
          home + "/AppData/Roaming/Claws-mail",
          home + "/Documents/Becky",
          home + "/AppData/Local/Microsoft/Windows Live Mail",
          home + "/outlook2016-unicode.reg",
          home + "/outlook2010-nt.reg",
          home + "/oe-regedit4-cp932.reg"};
}

class SafetyTest : public ::testing::Test {
 protected:
  void SetUp() override { options_.tmpdir = sandbox_.tmp(); }

  RunOutput mailmig(std::vector<std::string> args) {
    args.insert(args.end(), {"--state-dir", sandbox_.state()});
    return run_mailmig(args, options_);
  }

  RunOutput apply_paths(const std::string& policy, const std::vector<std::string>& paths,
                        const std::string& format = "json") {
    std::vector<std::string> args{"apply", "--policy", fixture_path("policies/" + policy),
                                  "--format", format};
    args.insert(args.end(), paths.begin(), paths.end());
    return mailmig(args);
  }

  Sandbox sandbox_;
  RunOptions options_;
};

TEST_F(SafetyTest, RollbackRestoresEveryClientByteForByte) {
  copy_every_client(sandbox_);
  const Snapshot original = snapshot(sandbox_.home());
  const RunOutput apply =
      apply_paths("tests/002-kyutech-every-seed-host.xml", every_client_path(sandbox_));
  ASSERT_EQ(apply.exit_code, 0) << apply.err;
  const nlohmann::json run = parse_json(apply.out);
  // Every client's profile had something to change.
  std::set<std::string> changed_clients;
  for (const auto& profile : run["profiles"]) {
    EXPECT_EQ(profile["status"], "ok") << profile.dump();
    for (const auto& file : profile["files"]) {
      if (file["changed"]) changed_clients.insert(profile["client"]);
    }
  }
  EXPECT_EQ(changed_clients,
            (std::set<std::string>{"thunderbird", "sylpheed", "claws-mail", "becky", "windows-mail",
                                   "outlook", "outlook-express"}));
  ASSERT_NE(snapshot(sandbox_.home()), original);
  EXPECT_TRUE(fs::exists(sandbox_.home() + "/outlook2016-unicode.undo.reg"));

  const RunOutput rollback = mailmig({"rollback", run["run_id"]});
  EXPECT_EQ(rollback.exit_code, 0) << rollback.out << rollback.err;
  // Byte for byte, and the .delta.reg / .undo.reg files the run created are gone.
  EXPECT_EQ(snapshot(sandbox_.home()), original);
}

TEST_F(SafetyTest, RollbackRefusesAFileChangedSinceTheRunUnlessForced) {
  sandbox_.copy_fixture("homes/linux", "home");
  const Snapshot original = snapshot(sandbox_.home());
  const RunOutput apply =
      apply_paths("tests/002-kyutech-every-seed-host.xml",
                  {sandbox_.home() + "/.sylpheed-2.0", sandbox_.home() + "/.claws-mail"});
  ASSERT_EQ(apply.exit_code, 0) << apply.err;
  const std::string accountrc = sandbox_.home() + "/.sylpheed-2.0/accountrc";
  write_file_bytes(accountrc, read_file_bytes(accountrc) + "[Account: 3]\nname=added later\n");
  const Snapshot edited = snapshot(sandbox_.home());

  const RunOutput refused = mailmig({"rollback"});
  EXPECT_EQ(refused.exit_code, 1) << refused.out;
  EXPECT_NE(refused.out.find(accountrc), std::string::npos) << refused.out;
  EXPECT_NE(refused.err.find("--force"), std::string::npos)
      << "the refusal should say how to override it: " << refused.err;
  EXPECT_EQ(snapshot(sandbox_.home()), edited) << "a refused rollback touched a file";

  const RunOutput forced = mailmig({"rollback", "--force"});
  EXPECT_EQ(forced.exit_code, 0) << forced.out << forced.err;
  EXPECT_EQ(snapshot(sandbox_.home()), original);
}

TEST_F(SafetyTest, HistoryListsRunsNewestFirst) {
  sandbox_.copy_fixture("homes/linux", "home");
  const RunOutput first = apply_paths("003-dti.xml", {sandbox_.home() + "/.claws-mail"});
  ASSERT_EQ(first.exit_code, 0) << first.err;
  const RunOutput second =
      apply_paths("tests/002-kyutech-every-seed-host.xml", {sandbox_.home() + "/.sylpheed-2.0"});
  ASSERT_EQ(second.exit_code, 0) << second.err;
  const std::string first_id = parse_json(first.out)["run_id"];
  const std::string second_id = parse_json(second.out)["run_id"];

  const RunOutput history = mailmig({"history", "--format", "json"});
  ASSERT_EQ(history.exit_code, 0) << history.err;
  const nlohmann::json runs = parse_json(history.out);
  ASSERT_EQ(runs.size(), 2u) << runs.dump(1);
  EXPECT_EQ(runs[0]["run_id"], second_id);
  EXPECT_EQ(runs[1]["run_id"], first_id);
  EXPECT_EQ(runs[0]["files"],
            nlohmann::json::array({sandbox_.home() + "/.sylpheed-2.0/accountrc"}));
  EXPECT_EQ(runs[1]["files"], nlohmann::json::array({sandbox_.home() + "/.claws-mail/accountrc"}));
  EXPECT_EQ(runs[0]["state"], "done");

  const RunOutput text = mailmig({"history"});
  ASSERT_EQ(text.exit_code, 0);
  const std::size_t second_at = text.out.find(second_id);
  const std::size_t first_at = text.out.find(first_id);
  ASSERT_NE(second_at, std::string::npos) << text.out;
  ASSERT_NE(first_at, std::string::npos) << text.out;
  EXPECT_LT(second_at, first_at) << text.out;

  EXPECT_EQ(mailmig({"rollback"}).exit_code, 0);
  const nlohmann::json after_rollback = parse_json(mailmig({"history", "--format", "json"}).out);
  EXPECT_EQ(after_rollback[0]["state"], "rolled-back");
  EXPECT_EQ(after_rollback[1]["state"], "done");
}

// A child that holds Thunderbird's fcntl lock on .parentlock until it is killed.
pid_t hold_parent_lock(const std::string& profile) {
  int ready[2];
  if (::pipe(ready) != 0) return -1;
  const pid_t pid = ::fork();
  if (pid == 0) {
    ::close(ready[0]);
    const int fd = ::open((profile + "/.parentlock").c_str(), O_RDWR | O_CREAT, 0644);
    struct flock lock {};
    lock.l_type = F_WRLCK;
    lock.l_whence = SEEK_SET;
    const bool locked = fd >= 0 && ::fcntl(fd, F_SETLK, &lock) == 0;
    const char status = locked ? 'y' : 'n';
    if (::write(ready[1], &status, 1) != 1) ::_exit(1);
    ::pause();
    ::_exit(0);
  }
  ::close(ready[1]);
  char status = 'n';
  if (::read(ready[0], &status, 1) != 1) status = 'n';
  ::close(ready[0]);
  EXPECT_EQ(status, 'y') << "the lock holder could not lock";
  return pid;
}

TEST_F(SafetyTest, RunningThunderbirdIsSkippedWithExitThree) {
  sandbox_.copy_fixture("homes/linux", "home");
  const std::string profile = sandbox_.home() + kTbLinux;
  const pid_t holder = hold_parent_lock(profile);
  ASSERT_GT(holder, 0);
  const Snapshot before = snapshot(profile);

  const RunOutput apply = apply_paths("tests/002-kyutech-every-seed-host.xml", {profile}, "text");
  ::kill(holder, SIGKILL);
  wait_child(holder);
  EXPECT_EQ(apply.exit_code, 3) << apply.out << apply.err;
  EXPECT_EQ(snapshot(profile), before);
  EXPECT_NE(
      apply.out.find("Thunderbird is running (" + profile + "/.parentlock is locked by process " +
                     std::to_string(holder) + "). Close Thunderbird and run mailmig again."),
      std::string::npos)
      << apply.out;
  EXPECT_NE(apply.out.find("close it and run mailmig again"), std::string::npos) << apply.out;
}

TEST_F(SafetyTest, RunningSylpheedIsSkippedWithExitThree) {
  sandbox_.copy_fixture("homes/linux", "home");
  const std::string profile = sandbox_.home() + "/.sylpheed-2.0";
  // Sylpheed listens on $TMPDIR/sylpheed-<uid> (the child's TMPDIR is the sandbox's).
  const std::string socket_path = sandbox_.tmp() + "/sylpheed-" + std::to_string(::getuid());
  const int listener = ::socket(AF_UNIX, SOCK_STREAM, 0);
  sockaddr_un address{};
  address.sun_family = AF_UNIX;
  ASSERT_LT(socket_path.size(), sizeof(address.sun_path));
  std::memcpy(address.sun_path, socket_path.c_str(), socket_path.size() + 1);
  ASSERT_EQ(::bind(listener, reinterpret_cast<sockaddr*>(&address), sizeof address), 0);
  ASSERT_EQ(::listen(listener, 4), 0);
  const Snapshot before = snapshot(sandbox_.home());

  const RunOutput apply = apply_paths("tests/002-kyutech-every-seed-host.xml",
                                      {profile, sandbox_.home() + "/.claws-mail"}, "json");
  ::close(listener);
  EXPECT_EQ(apply.exit_code, 3) << apply.out << apply.err;
  const nlohmann::json run = parse_json(apply.out);
  EXPECT_EQ(run["profiles"][0]["status"], "client-running") << run.dump(1);
  EXPECT_EQ(read_file_bytes(profile + "/accountrc"), before.at(".sylpheed-2.0/accountrc"));
  // The other profile was processed.
  EXPECT_NE(read_file_bytes(sandbox_.home() + "/.claws-mail/accountrc"),
            before.at(".claws-mail/accountrc"));
}

TEST_F(SafetyTest, TwoConcurrentAppliesEndAsOne) {
  // Policy 001 adds no saved login (whose guid is random), so two homes end byte-identical.
  Sandbox reference;
  reference.copy_fixture("homes/linux", "home");
  RunOptions reference_options;
  reference_options.tmpdir = reference.tmp();
  const RunOutput single =
      run_mailmig({"apply", "--policy", fixture_path("policies/001-keio.xml"), "--state-dir",
                   reference.state(), "--home", reference.home()},
                  reference_options);
  ASSERT_EQ(single.exit_code, 0) << single.err;
  const Snapshot expected = snapshot(reference.home());

  sandbox_.copy_fixture("homes/linux", "home");
  // The journal exists, as after any earlier run: a fresh one is the next test's subject.
  ASSERT_EQ(mailmig({"history"}).exit_code, 0);
  const std::vector<std::string> args{
      "apply",        "--policy",       fixture_path("policies/001-keio.xml"),
      "--state-dir",  sandbox_.state(), "--home",
      sandbox_.home()};
  const pid_t first = spawn_mailmig(args, options_, sandbox_.path("first.out"));
  const pid_t second = spawn_mailmig(args, options_, sandbox_.path("second.out"));
  EXPECT_EQ(wait_child(first), 0) << read_file_bytes(sandbox_.path("first.out"));
  EXPECT_EQ(wait_child(second), 0) << read_file_bytes(sandbox_.path("second.out"));
  EXPECT_EQ(snapshot(sandbox_.home()), expected);

  // One run wrote everything; the other found nothing left to do and so left no run behind.
  const RunOutput history = mailmig({"history", "--format", "json"});
  const nlohmann::json runs = parse_json(history.out);
  ASSERT_EQ(runs.size(), 1u) << runs.dump(1);
  EXPECT_GT(runs[0]["files"].size(), 0u) << runs.dump(1);
  EXPECT_EQ(runs[0]["state"], "done");
}

TEST_F(SafetyTest, ApplyWithNothingToDoLeavesTheJournalAlone) {
  // A login script runs apply at every login: once the home is migrated, a run must neither
  // create the journal nor add a run to it.
  sandbox_.copy_fixture("homes/linux", "home");
  const std::vector<std::string> apply{"apply", "--policy", fixture_path("policies/001-keio.xml"),
                                       "--home", sandbox_.home()};
  ASSERT_EQ(mailmig(apply).exit_code, 0);
  const std::string journal = sandbox_.state() + "/journal.sqlite";
  const std::string after_first = read_file_bytes(journal);
  ASSERT_FALSE(after_first.empty());
  const RunOutput second = mailmig(apply);
  EXPECT_EQ(second.exit_code, 0) << second.err;
  EXPECT_EQ(read_file_bytes(journal), after_first);
  EXPECT_EQ(parse_json(mailmig({"history", "--format", "json"}).out).size(), 1u);

  // In a fresh state folder, a home with nothing to change creates no journal at all.
  const std::string fresh_state = sandbox_.path("fresh-state");
  const RunOutput fresh = run_mailmig({"apply", "--policy", fixture_path("policies/001-keio.xml"),
                                       "--state-dir", fresh_state, "--home", sandbox_.home()},
                                      options_);
  EXPECT_EQ(fresh.exit_code, 0) << fresh.err;
  EXPECT_FALSE(boost::filesystem::exists(fresh_state + "/journal.sqlite"));
}

TEST_F(SafetyTest, ConcurrentFirstRunsShareAFreshJournal) {
  // Login scripts may start mailmig several times at once on a machine where it never ran: each
  // process creates the journal if missing, and none may fail on the other's lock. Three at a
  // time, in fresh state folders, many rounds (the race is narrow).
  constexpr int kRounds = 30;
  for (int round = 0; round < kRounds; ++round) {
    const std::string state = sandbox_.path("state-" + std::to_string(round));
    std::vector<pid_t> children;
    for (int i = 0; i < 3; ++i) {
      children.push_back(spawn_mailmig({"history", "--state-dir", state}, options_,
                                       state + "-" + std::to_string(i) + ".out"));
    }
    for (int i = 0; i < 3; ++i) {
      EXPECT_EQ(wait_child(children[static_cast<std::size_t>(i)]), 0)
          << "round " << round << ": " << read_file_bytes(state + "-" + std::to_string(i) + ".out");
    }
    if (HasFailure()) break;
  }
}

TEST_F(SafetyTest, KillNineAtAnyInstantLeavesOldOrNewAndTheNextApplyFinishes) {
  // Policy 001 is deterministic (no random login guid), so "new" is one set of bytes.
  Sandbox reference;
  reference.copy_fixture("homes/linux", "home");
  reference.copy_fixture("homes/windows", "home");
  const Snapshot old_state = snapshot(reference.home());
  RunOptions reference_options;
  reference_options.tmpdir = reference.tmp();
  const std::vector<std::string> reference_args{
      "apply",         "--policy",        fixture_path("policies/001-keio.xml"),
      "--state-dir",   reference.state(), "--home",
      reference.home()};
  const auto started = std::chrono::steady_clock::now();
  ASSERT_EQ(run_mailmig(reference_args, reference_options).exit_code, 0);
  const auto duration = std::chrono::steady_clock::now() - started;
  const Snapshot new_state = snapshot(reference.home());
  ASSERT_NE(old_state, new_state);

  std::mt19937 random(20261123);
  const auto longest = std::chrono::duration_cast<std::chrono::microseconds>(duration * 1.2);
  std::uniform_int_distribution<long> instant(0, std::max<long>(1, longest.count()));
  constexpr int kIterations = 40;
  int killed_midway = 0;
  int killed_while_writing = 0;  // some files new, not all
  for (int iteration = 0; iteration < kIterations; ++iteration) {
    Sandbox sandbox;
    sandbox.copy_fixture("homes/linux", "home");
    sandbox.copy_fixture("homes/windows", "home");
    RunOptions options;
    options.tmpdir = sandbox.tmp();
    const std::vector<std::string> args{
        "apply",       "--policy",      fixture_path("policies/001-keio.xml"),
        "--state-dir", sandbox.state(), "--home",
        sandbox.home()};
    const pid_t child = spawn_mailmig(args, options);
    std::this_thread::sleep_for(std::chrono::microseconds(instant(random)));
    ::kill(child, SIGKILL);
    if (wait_child(child) == -SIGKILL) ++killed_midway;

    const Snapshot after_kill = snapshot(sandbox.home());
    const bool partly_new =
        std::any_of(after_kill.begin(), after_kill.end(), [&](const auto& file) {
          return new_state.contains(file.first) && new_state.at(file.first) == file.second &&
                 old_state.contains(file.first) && old_state.at(file.first) != file.second;
        });
    if (partly_new && after_kill != new_state) ++killed_while_writing;
    for (const auto& [path, bytes] : after_kill) {
      if (is_temp_file(path)) continue;
      const bool is_old = old_state.contains(path) && old_state.at(path) == bytes;
      const bool is_new = new_state.contains(path) && new_state.at(path) == bytes;
      EXPECT_TRUE(is_old || is_new) << "iteration " << iteration << ": " << path << " is torn";
    }
    for (const auto& [path, bytes] : old_state) {
      EXPECT_TRUE(after_kill.contains(path)) << "iteration " << iteration << ": lost " << path;
    }

    const RunOutput next = run_mailmig(args, options);
    EXPECT_EQ(next.exit_code, 0) << "iteration " << iteration << ": " << next.err;
    EXPECT_EQ(snapshot(sandbox.home()), new_state) << "iteration " << iteration;
    if (::testing::Test::HasFailure()) break;
  }
  // Not a timing assertion: the loop is only meaningful if some kills landed mid-run.
  RecordProperty("killed_midway", killed_midway);
  RecordProperty("killed_while_writing", killed_while_writing);
}

// The Sylpheed accountrc replaced by a symlink to a copy outside the profile.
std::string link_accountrc_outside(const Sandbox& sandbox) {
  sandbox.copy_fixture("homes/linux", "home");
  sandbox.copy_fixture("homes/linux/.sylpheed-2.0/accountrc", "outside/accountrc");
  const std::string link = sandbox.home() + "/.sylpheed-2.0/accountrc";
  fs::remove(link);
  fs::create_symlink(sandbox.path("outside/accountrc"), link);
  return link;
}

TEST_F(SafetyTest, ASymlinkLeadingOutOfTheProfileIsNeverWrittenThrough) {
  const std::string link = link_accountrc_outside(sandbox_);
  const std::string outside = sandbox_.path("outside/accountrc");
  const std::string outside_bytes = read_file_bytes(outside);
  const std::string prefs = sandbox_.home() + kTbLinux + "/prefs.js";
  const std::string prefs_before = read_file_bytes(prefs);

  const RunOutput apply = mailmig(
      {"apply", "--policy", fixture_path("policies/002-kyutech.xml"), "--home", sandbox_.home()});
  EXPECT_EQ(apply.exit_code, 1) << apply.out << apply.err;
  EXPECT_EQ(read_file_bytes(outside), outside_bytes) << "written through the symlink";
  EXPECT_TRUE(fs::is_symlink(link));
  EXPECT_EQ(fs::read_symlink(link).string(), outside);
  EXPECT_NE(apply.out.find("error: " + link + ": refused: it leads to " + outside +
                           ", outside the profile folder"),
            std::string::npos)
      << apply.out;
  // The other profiles were processed.
  EXPECT_NE(read_file_bytes(prefs), prefs_before);
}

TEST_F(SafetyTest, AProfileThatWasNotWrittenReportsNoChangesMade) {
  link_accountrc_outside(sandbox_);
  const RunOutput apply =
      mailmig({"apply", "--format", "json", "--policy", fixture_path("policies/002-kyutech.xml"),
               "--home", sandbox_.home()});
  EXPECT_EQ(apply.exit_code, 1);
  const nlohmann::json run = parse_json(apply.out);
  std::size_t changes_written = 0;
  for (const auto& profile : run["profiles"]) {
    if (profile["status"] != "ok") {
      EXPECT_EQ(profile["client"], "sylpheed");
      for (const auto& file : profile["files"]) {
        EXPECT_FALSE(file["changed"].get<bool>())
            << "a file of a refused profile is reported changed: " << file.dump();
      }
      continue;
    }
    for (const auto& account : profile["accounts"]) changes_written += account["changes"].size();
  }
  EXPECT_EQ(run["summary"]["errors"], 1);
  EXPECT_EQ(run["summary"]["changes"], changes_written)
      << "the summary counts the changes of the profile that was not written";
}

}  // namespace
}  // namespace mailmig::cli_testing
