// Issue 13 at the command level, for the parts about journals, locks and deadlines: a forged
// journal or a symlinked state folder in the home changes nothing outside it; a FIFO where a
// lock should be does not hang apply; a run stops between profiles at its --timeout with exit
// 3; concurrent runs with different state folders serialize on each profile.
#include <fcntl.h>
#include <gtest/gtest.h>
#include <signal.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <boost/filesystem.hpp>
#include <chrono>

#include "rules/rule_list.h"
#include "src/app/migration.h"
#include "src/io/journal.h"
#include "src/policy/policy.h"
#include "src/util/digest.h"
#include "tests/cli/cli_test_support.h"

namespace mailmig::cli_testing {
namespace {

// Changes prefs.js, logins.json and accountrc: every seed organisation is in its scope.
const std::string kPolicy = "policies/tests/003-dti-every-seed-host.xml";
const std::string kTbProfile = "/.thunderbird/k3m9x2ab.default-release";

// A Thunderbird profile (prefs.js and logins.json) and a Sylpheed accountrc: the home of the
// concurrency and deadline tests.
void copy_small_home(const Sandbox& sandbox) {
  sandbox.copy_fixture("homes/linux/.thunderbird", "home/.thunderbird");
  sandbox.copy_fixture("homes/linux/.sylpheed-2.0", "home/.sylpheed-2.0");
}

class AdminSafetyTest : public ::testing::Test {
 protected:
  void SetUp() override { options_.tmpdir = sandbox_.tmp(); }

  Sandbox sandbox_;
  RunOptions options_;
};

TEST_F(AdminSafetyTest, AForgedJournalInTheHomeChangesNothingOutsideIt) {
  copy_small_home(sandbox_);
  const std::string home = sandbox_.home();
  const std::string outside = sandbox_.path("outside-passwd");
  const std::string evil = home + "/evil";
  write_file_bytes(outside, "root:x:0:0:root:/root:/bin/bash\n");
  write_file_bytes(evil, "root::0:0::/root:/bin/bash\n");
  // The home's owner writes a run in progress whose rows name the outside file, with the
  // hashes recovery checks, and leaves its lock file in locks/.
  const std::string state = home + "/.local/state/mailmig";
  const pid_t forger = ::fork();
  if (forger == 0) {
    JournalOpenResult opened = Journal::open(state);
    RunInfo info;
    info.run_id = "run-forged";
    info.command = "apply";
    JournalFile restore{"run-forged",
                        sandbox_.root(),
                        outside,
                        evil,
                        sha256_hex(read_file_bytes(evil)),
                        sha256_hex(read_file_bytes(outside)),
                        false,
                        FileState::Pending};
    JournalFile remove = restore;
    remove.path = sandbox_.path("outside-created");
    remove.created = true;
    remove.backup_path.clear();
    remove.sha256_before.clear();
    remove.sha256_after = sha256_hex("keep me\n");
    ::_exit(opened && opened.journal->begin_run(info) &&
                    opened.journal->record_files({restore, remove})
                ? 0
                : 1);
  }
  ASSERT_EQ(wait_child(forger), 0);
  write_file_bytes(sandbox_.path("outside-created"), "keep me\n");

  const RunOutput applied = run_mailmig(
      {"apply", "--policy", fixture_path(kPolicy), "--home", home, "--format", "json"}, options_);
  EXPECT_EQ(applied.exit_code, 1) << applied.err;
  EXPECT_EQ(read_file_bytes(outside), "root:x:0:0:root:/root:/bin/bash\n");
  EXPECT_EQ(read_file_bytes(sandbox_.path("outside-created")), "keep me\n");
  const nlohmann::json run = parse_json(applied.out);
  EXPECT_NE(applied.out.find("run run-forged: journal row names a file outside the home " + home +
                             ": " + outside + ": refused"),
            std::string::npos)
      << applied.out;
  // The run went on with the profiles of the home.
  EXPECT_GT(run["summary"]["changes"].get<int>(), 0);

  // rollback --home trusts the rows no more than recovery did.
  const RunOutput rolled = run_mailmig({"rollback", "run-forged", "--home", home}, options_);
  EXPECT_EQ(rolled.exit_code, 1);
  EXPECT_NE(rolled.err.find("refused"), std::string::npos) << rolled.err;
  EXPECT_EQ(read_file_bytes(outside), "root:x:0:0:root:/root:/bin/bash\n");
  EXPECT_EQ(read_file_bytes(sandbox_.path("outside-created")), "keep me\n");
}

TEST_F(AdminSafetyTest, ASymlinkedStateFolderInTheHomeIsRefused) {
  copy_small_home(sandbox_);
  const std::string elsewhere = sandbox_.path("root-only");
  ASSERT_EQ(::mkdir(elsewhere.c_str(), 0700), 0);
  ASSERT_EQ(::mkdir((sandbox_.home() + "/.local").c_str(), 0755), 0);
  ASSERT_EQ(::mkdir((sandbox_.home() + "/.local/state").c_str(), 0755), 0);
  const std::string state = sandbox_.home() + "/.local/state/mailmig";
  ASSERT_EQ(::symlink(elsewhere.c_str(), state.c_str()), 0);
  const Snapshot before = snapshot(sandbox_.home());
  const RunOutput applied = run_mailmig(
      {"apply", "--policy", fixture_path(kPolicy), "--home", sandbox_.home()}, options_);
  EXPECT_EQ(applied.exit_code, 1);
  EXPECT_NE(applied.out.find(state + ": refused: a symbolic link"), std::string::npos)
      << applied.out << applied.err;
  EXPECT_TRUE(snapshot(elsewhere).empty());
  EXPECT_EQ(snapshot(sandbox_.home()), before);
}

TEST_F(AdminSafetyTest, AFifoInPlaceOfParentlockDoesNotHangApply) {
  copy_small_home(sandbox_);
  const std::string parent_lock = sandbox_.home() + kTbProfile + "/.parentlock";
  ASSERT_EQ(::mkfifo(parent_lock.c_str(), 0644), 0);
  const pid_t child = spawn_mailmig({"apply", "--policy", fixture_path(kPolicy), "--home",
                                     sandbox_.home(), "--state-dir", sandbox_.state()},
                                    options_, sandbox_.path("apply.out"));
  EXPECT_EQ(wait_child_with_watchdog(child, 30), 0) << read_file_bytes(sandbox_.path("apply.out"));
}

TEST_F(AdminSafetyTest, TheDeadlineStopsTheRunBetweenProfiles) {
  copy_small_home(sandbox_);
  const std::string home = sandbox_.home();
  const Snapshot before = snapshot(home);
  const PolicyLoadResult policy = load_policy_file(fixture_path(kPolicy), known_rules());
  ASSERT_TRUE(policy.policy) << policy.error;
  MigrationOptions options;
  options.command = Command::Apply;
  options.home = home;
  options.state_dir = sandbox_.state();
  options.paths = {home + kTbProfile, home + "/.thunderbird/p7q1w5zc.hanako",
                   home + "/.sylpheed-2.0"};
  // Ten seconds pass at every look at the clock: the start, then before each profile.
  auto now = std::chrono::steady_clock::time_point();
  options.clock = [&now] { return now += std::chrono::seconds(10); };
  options.timeout = std::chrono::seconds(25);
  options.verification = VerificationMode::Off;  // the fixtures' servers do not exist
  const Migration migration = run_migration(options, *policy.policy);
  ASSERT_EQ(migration.result.profiles.size(), 2u);
  EXPECT_EQ(migration.result.profiles[0].path, options.paths[0]);
  EXPECT_EQ(migration.result.profiles[1].path, options.paths[1]);
  EXPECT_EQ(migration.not_processed, std::vector<std::string>{home + "/.sylpheed-2.0"});
  // The profile after the deadline is as it was; the two before it were migrated.
  const Snapshot after = snapshot(home);
  EXPECT_EQ(after.at(".sylpheed-2.0/accountrc"), before.at(".sylpheed-2.0/accountrc"));
  EXPECT_NE(after.at(kTbProfile.substr(1) + "/prefs.js"),
            before.at(kTbProfile.substr(1) + "/prefs.js"));

  // Without a limit every profile is processed.
  options.timeout = std::chrono::milliseconds(0);
  EXPECT_TRUE(run_migration(options, *policy.policy).not_processed.empty());
}

TEST_F(AdminSafetyTest, ALockHeldPastTheTimeoutExitsThreeAndNamesWhatWasLeft) {
  copy_small_home(sandbox_);
  const std::string locked = sandbox_.home() + kTbProfile;
  const Snapshot before = snapshot(locked);
  // Another run holds this profile for longer than the whole run may take.
  const int folder = ::open(locked.c_str(), O_RDONLY | O_DIRECTORY);
  ASSERT_EQ(::flock(folder, LOCK_EX | LOCK_NB), 0);
  const RunOutput applied =
      run_mailmig({"apply", "--policy", fixture_path(kPolicy), "--home", sandbox_.home(),
                   "--state-dir", sandbox_.state(), "--timeout", "1", "--quiet"},
                  options_);
  ::close(folder);
  EXPECT_EQ(applied.exit_code, 3) << applied.err;
  EXPECT_NE(applied.err.find("the run's time limit (--timeout 1 s) passed; these profiles were "
                             "not processed, run mailmig again:\n  " +
                             locked + "\n"),
            std::string::npos)
      << applied.err;
  EXPECT_EQ(snapshot(locked), before);
}

TEST_F(AdminSafetyTest, ARunWithRelativePathsIsRecordedSoThatItCanBeRolledBack) {
  copy_small_home(sandbox_);
  const Snapshot original = snapshot(sandbox_.home());
  // The journal holds recovery and rollback to absolute paths: relative arguments are recorded
  // absolute.
  const std::string previous = boost::filesystem::current_path().string();
  ASSERT_EQ(::chdir(sandbox_.home().c_str()), 0);
  const RunOutput applied =
      run_mailmig({"apply", "--policy", fixture_path(kPolicy), "--state-dir", "../state",
                   "--backup-dir", "../usb", ".sylpheed-2.0", "." + kTbProfile},
                  options_);
  const RunOutput rolled = run_mailmig({"rollback", "--state-dir", "../state"}, options_);
  ASSERT_EQ(::chdir(previous.c_str()), 0);
  EXPECT_EQ(applied.exit_code, 0) << applied.err;
  EXPECT_EQ(rolled.exit_code, 0) << rolled.err;
  EXPECT_EQ(snapshot(sandbox_.home()), original);
}

TEST_F(AdminSafetyTest, ANegativeTimeoutIsAUsageError) {
  EXPECT_EQ(run_mailmig({"plan", "--timeout", "-1"}, options_).exit_code, 2);
}

// Issue 13 item 8: six applies at once on one home, each with its own state folder, ten rounds.
// Each profile ends all new, each change is counted once across the six outputs, and rolling
// back every state folder that holds a run (newest state folder first) restores the originals.
TEST_F(AdminSafetyTest, ConcurrentAppliesWithDifferentStateFoldersSerializeOnEachProfile) {
  constexpr int kProcesses = 6;
  constexpr int kRounds = 10;
  Sandbox reference;
  copy_small_home(reference);
  const Snapshot original = snapshot(reference.home());
  RunOptions reference_options;
  reference_options.tmpdir = reference.tmp();
  const RunOutput single =
      run_mailmig({"apply", "--policy", fixture_path(kPolicy), "--home", reference.home(),
                   "--state-dir", reference.state(), "--format", "json"},
                  reference_options);
  ASSERT_EQ(single.exit_code, 0) << single.err;
  const int expected_changes = parse_json(single.out)["summary"]["changes"].get<int>();
  const Snapshot migrated = snapshot(reference.home());

  for (int round = 0; round < kRounds; ++round) {
    SCOPED_TRACE("round " + std::to_string(round));
    boost::filesystem::remove_all(sandbox_.home());
    copy_small_home(sandbox_);
    std::vector<pid_t> children;
    for (int i = 0; i < kProcesses; ++i) {
      const std::string state =
          sandbox_.path("state-" + std::to_string(round) + "-" + std::to_string(i));
      children.push_back(spawn_mailmig({"apply", "--policy", fixture_path(kPolicy), "--home",
                                        sandbox_.home(), "--state-dir", state, "--format", "json"},
                                       options_, state + ".out"));
    }
    int changes = 0;
    for (int i = 0; i < kProcesses; ++i) {
      const int exit_code = wait_child(children[i]);
      const std::string out = read_file_bytes(
          sandbox_.path("state-" + std::to_string(round) + "-" + std::to_string(i) + ".out"));
      EXPECT_EQ(exit_code, 0) << out;
      changes += parse_json(out)["summary"]["changes"].get<int>();
    }
    EXPECT_EQ(changes, expected_changes);
    // All new: every file the single run changed is changed, the others are as they were
    // (logins.json holds random guids, so it is compared by being new, not by its bytes).
    const Snapshot now = snapshot(sandbox_.home());
    ASSERT_EQ(now.size(), original.size());
    for (const auto& [path, bytes] : original) {
      const bool changed_by_single = migrated.at(path) != bytes;
      EXPECT_EQ(now.at(path) != bytes, changed_by_single) << path;
      if (path.find("logins.json") == std::string::npos) {
        EXPECT_EQ(now.at(path), migrated.at(path)) << path;
      }
    }
    for (int i = kProcesses - 1; i >= 0; --i) {
      const std::string state =
          sandbox_.path("state-" + std::to_string(round) + "-" + std::to_string(i));
      const RunOutput history =
          run_mailmig({"history", "--format", "json", "--state-dir", state}, options_);
      if (parse_json(history.out).empty()) continue;  // this process found nothing left to do
      const RunOutput rolled = run_mailmig({"rollback", "--state-dir", state}, options_);
      EXPECT_EQ(rolled.exit_code, 0) << rolled.err;
    }
    EXPECT_EQ(snapshot(sandbox_.home()), original);
  }
}

}  // namespace
}  // namespace mailmig::cli_testing
