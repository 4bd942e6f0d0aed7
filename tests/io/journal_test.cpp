#include "src/io/journal.h"

#include <SQLiteCpp/Database.h>
#include <gmock/gmock.h>
#include <gtest/gtest.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>
#include <filesystem>
#include <set>
#include <string_view>

#include "src/io/file_transaction.h"
#include "src/io/state_dir.h"
#include "src/util/digest.h"
#include "tests/io/io_test_support.h"

namespace mailmig {
namespace {

using testing::file_mode;
using ::testing::HasSubstr;
using ::testing::IsEmpty;
using testing::path_exists;
using testing::read_whole_file;
using testing::temp_files_in;
using testing::TempFolder;
using testing::write_whole_file;

const std::string kPrefsOld = "user_pref(\"mail.smtpserver.smtp1.port\", 25);\n";
const std::string kPrefsNew = "user_pref(\"mail.smtpserver.smtp1.port\", 587);\n";
const std::string kAccountrcOld = "[Account: 1]\npassword=pop-Pass2\nsmtp_port=25\n";
const std::string kAccountrcNew = "[Account: 1]\npassword=pop-Pass2\nsmtp_port=587\n";

RunInfo run_info(const std::string& id, const std::string& command = "apply") {
  RunInfo info;
  info.run_id = id;
  info.command = command;
  info.machine = "pc-042";
  info.user = "tanaka";
  info.time = "2026-11-23T21:30:00Z";
  info.mailmig_version = "0.1.0";
  info.policy_name = "kyoto-u-gmail";
  info.policy_hash = sha256_hex("<policy/>");
  return info;
}

struct JournalFixture {
  TempFolder root;
  std::string state = root / "state";
  std::string profile = root / "profile";
  std::string prefs = profile + "/prefs.js";
  std::string accountrc = profile + "/accountrc";
  std::string created = profile + "/user.js";
  RealFileSystem fs;
  std::unique_ptr<Journal> journal;

  JournalFixture() {
    ::mkdir(profile.c_str(), 0700);
    write_whole_file(prefs, kPrefsOld, 0644);
    write_whole_file(accountrc, kAccountrcOld, 0600);
    JournalOpenResult opened = Journal::open(state);
    EXPECT_TRUE(opened) << opened.error;
    journal = std::move(opened.journal);
  }

  // One apply run that changes prefs.js and accountrc and creates user.js.
  void apply(const std::string& run_id) {
    ASSERT_TRUE(journal->begin_run(run_info(run_id)));
    FileTransaction transaction(
        fs, {profile, backup_folder_for_run(state, run_id), journal.get(), run_id, profile});
    ASSERT_TRUE(transaction.stage(prefs, kPrefsOld, kPrefsNew, false));
    ASSERT_TRUE(transaction.stage(accountrc, kAccountrcOld, kAccountrcNew, false));
    ASSERT_TRUE(transaction.stage(created, "", "// mailmig\n", true));
    const IoStatus committed = transaction.commit({});
    ASSERT_TRUE(committed) << committed.error;
    ASSERT_TRUE(journal->finish_run(run_id, RunState::Done));
  }

  // One run that changes prefs.js and ends the way apply ends a run (Journal::end_run).
  void apply_prefs_and_end(const std::string& run_id) {
    ASSERT_TRUE(journal->begin_run(run_info(run_id)));
    {
      FileTransaction transaction(
          fs, {profile, backup_folder_for_run(state, run_id), journal.get(), run_id, profile});
      ASSERT_TRUE(transaction.stage(prefs, kPrefsOld, kPrefsNew, false));
      ASSERT_TRUE(transaction.commit({}));
    }
    journal->end_run(run_id);
  }
};

TEST(Journal, OpenCreatesAPrivateDatabaseAndTheFirstWriteItsSchema) {
  JournalFixture f;
  EXPECT_EQ(file_mode(f.state), 0700u);
  EXPECT_EQ(file_mode(f.state + "/journal.sqlite"), 0600u);
  SQLite::Database database(f.state + "/journal.sqlite");
  // A journal that was only opened is empty: no transaction was spent on it.
  EXPECT_EQ(database.execAndGet("PRAGMA user_version").getInt(), 0);
  ASSERT_TRUE(f.journal->history());
  EXPECT_TRUE(f.journal->history().runs.empty());
  f.apply("run-1");
  EXPECT_EQ(database.execAndGet("PRAGMA user_version").getInt(), Journal::kSchemaVersion);
  // Opening again keeps the schema and the run.
  const JournalOpenResult again = Journal::open(f.state);
  ASSERT_TRUE(again);
  EXPECT_EQ(again.journal->history().runs.size(), 1u);
}

TEST(Journal, ARunIsRecordedWithItsFirstWrite) {
  JournalFixture f;
  ASSERT_TRUE(f.journal->begin_run(run_info("run-quiet")));
  // Begun but nothing written: another process sees no run, and recovery has nothing to do.
  const JournalOpenResult other = Journal::open(f.state);
  ASSERT_TRUE(other);
  EXPECT_TRUE(other.journal->history().runs.empty());
  EXPECT_THAT(other.journal->recover_interrupted_runs(f.fs).runs, IsEmpty());
  // A run that ends without writing a file is still recorded when it finishes.
  ASSERT_TRUE(f.journal->finish_run("run-quiet", RunState::Failed));
  const HistoryResult history = other.journal->history();
  ASSERT_EQ(history.runs.size(), 1u);
  EXPECT_EQ(history.runs[0].info.run_id, "run-quiet");
  EXPECT_EQ(history.runs[0].state, RunState::Failed);
}

TEST(Journal, ACommittedProfileIsMarkedDoneWithTheNextWrite) {
  JournalFixture f;
  ASSERT_TRUE(f.journal->begin_run(run_info("run-1")));
  FileTransaction first(f.fs, {f.profile, backup_folder_for_run(f.state, "run-1"), f.journal.get(),
                               "run-1", f.profile});
  ASSERT_TRUE(first.stage(f.prefs, kPrefsOld, kPrefsNew, false));
  ASSERT_TRUE(first.commit({}));
  auto states = [&] {
    std::vector<FileState> found;
    for (const JournalFile& file : f.journal->files("run-1").files) found.push_back(file.state);
    return found;
  };
  // Committed, not yet recorded: a crash now would put the profile back to its old bytes.
  EXPECT_EQ(states(), std::vector<FileState>{FileState::Pending});
  // The next profile's intent records the first profile done in the same transaction.
  FileTransaction second(f.fs, {f.profile, backup_folder_for_run(f.state, "run-1"), f.journal.get(),
                                "run-1", f.profile + "-other"});
  ASSERT_TRUE(second.stage(f.accountrc, kAccountrcOld, kAccountrcNew, false));
  ASSERT_TRUE(second.commit({}));
  EXPECT_EQ(states(), (std::vector<FileState>{FileState::Done, FileState::Pending}));
  ASSERT_TRUE(f.journal->finish_run("run-1", RunState::Done));
  EXPECT_EQ(states(), (std::vector<FileState>{FileState::Done, FileState::Done}));
}

// What the database itself says, without the journal's reading of run locks.
std::string stored(const std::string& state, const std::string& query) {
  SQLite::Database database(state + "/journal.sqlite");
  return database.execAndGet(query).getString();
}

TEST(Journal, ARunEndedWithoutATransactionReadsAsDoneAndTheNextWriteRecordsIt) {
  JournalFixture f;
  f.apply_prefs_and_end("run-1");
  EXPECT_FALSE(path_exists(f.state + "/locks/run-run-1.lock"));
  // Nothing was written at the end: the database still holds the intent...
  EXPECT_EQ(stored(f.state, "SELECT state FROM runs WHERE id = 'run-1'"), "in-progress");
  EXPECT_EQ(stored(f.state, "SELECT state FROM files WHERE run_id = 'run-1'"), "pending");
  // ...and every reader sees a run whose lock is gone as done, its files too.
  const JournalOpenResult other = Journal::open(f.state);
  ASSERT_TRUE(other) << other.error;
  const HistoryResult history = other.journal->history();
  ASSERT_EQ(history.runs.size(), 1u);
  EXPECT_EQ(history.runs[0].state, RunState::Done);
  const JournalFilesResult files = other.journal->files("run-1");
  ASSERT_EQ(files.files.size(), 1u);
  EXPECT_EQ(files.files[0].state, FileState::Done);
  EXPECT_FALSE(Journal::may_hold_interrupted_runs(f.fs, f.state));
  EXPECT_THAT(other.journal->recover_interrupted_runs(f.fs).runs, IsEmpty());
  EXPECT_EQ(read_whole_file(f.prefs), kPrefsNew);

  // The next run's first write records it.
  ASSERT_TRUE(other.journal->begin_run(run_info("run-2")));
  FileTransaction next(f.fs, {f.profile, backup_folder_for_run(f.state, "run-2"),
                              other.journal.get(), "run-2", f.profile});
  ASSERT_TRUE(next.stage(f.accountrc, kAccountrcOld, kAccountrcNew, false));
  ASSERT_TRUE(next.commit({}));
  EXPECT_EQ(stored(f.state, "SELECT state FROM runs WHERE id = 'run-1'"), "done");
  EXPECT_EQ(stored(f.state, "SELECT state FROM files WHERE run_id = 'run-1'"), "done");
  EXPECT_EQ(stored(f.state, "SELECT state FROM runs WHERE id = 'run-2'"), "in-progress");
  other.journal->end_run("run-2");
}

TEST(Journal, RollbackOfARunEndedWithoutATransactionRestoresItAndRecordsIt) {
  JournalFixture f;
  f.apply_prefs_and_end("run-1");
  const RestoreResult restored = f.journal->rollback(f.fs, "last", false);
  ASSERT_TRUE(restored) << restored.error;
  EXPECT_EQ(restored.run_id, "run-1");
  EXPECT_EQ(read_whole_file(f.prefs), kPrefsOld);
  EXPECT_EQ(stored(f.state, "SELECT state FROM runs WHERE id = 'run-1'"), "rolled-back");
  EXPECT_EQ(stored(f.state, "SELECT state FROM files WHERE run_id = 'run-1'"), "rolled-back");
  EXPECT_FALSE(path_exists(f.state + "/locks/run-run-1.lock"));
}

TEST(Journal, AFinishedRunRecordsTheRunsThatEndedBeforeIt) {
  JournalFixture f;
  f.apply_prefs_and_end("run-1");
  ASSERT_TRUE(f.journal->begin_run(run_info("run-2")));
  ASSERT_TRUE(f.journal->finish_run("run-2", RunState::Failed));
  EXPECT_EQ(stored(f.state, "SELECT state FROM runs WHERE id = 'run-1'"), "done");
  EXPECT_EQ(stored(f.state, "SELECT state FROM files WHERE run_id = 'run-1'"), "done");
  EXPECT_EQ(stored(f.state, "SELECT state FROM runs WHERE id = 'run-2'"), "failed");
}

TEST(Journal, ARefusedRollbackOfARunEndedWithoutATransactionRecordsItDone) {
  JournalFixture f;
  f.apply_prefs_and_end("run-1");
  write_whole_file(f.prefs, kPrefsNew + "// edited by the user\n", 0644);
  const RestoreResult refused = f.journal->rollback(f.fs, "last", false);
  EXPECT_THAT(refused.error, HasSubstr("changed since mailmig wrote it"));
  // Rollback takes the run's lock, which makes a run read as live: the run was recorded done
  // before, so it never looks unfinished to another process.
  EXPECT_EQ(stored(f.state, "SELECT state FROM runs WHERE id = 'run-1'"), "done");
  EXPECT_EQ(stored(f.state, "SELECT state FROM files WHERE run_id = 'run-1'"), "done");
  EXPECT_FALSE(path_exists(f.state + "/locks/run-run-1.lock"));
}

TEST(Journal, ARunThatRecordedNothingLeavesNoTraceWhenItEnds) {
  JournalFixture f;
  ASSERT_TRUE(f.journal->begin_run(run_info("run-quiet")));
  f.journal->end_run("run-quiet");
  EXPECT_FALSE(path_exists(f.state + "/locks/run-run-quiet.lock"));
  EXPECT_FALSE(Journal::may_hold_interrupted_runs(f.fs, f.state));
  EXPECT_TRUE(f.journal->history().runs.empty());
}

TEST(Journal, ABackupFailureAfterTheIntentMarksTheFilesRolledBack) {
  JournalFixture f;
  testing::FaultInjectingFileSystem faulty(f.fs);
  faulty.fail_nth(testing::Operation::CreateNew, 1, ENOSPC);  // the backup of prefs.js
  ASSERT_TRUE(f.journal->begin_run(run_info("run-1")));
  FileTransaction transaction(faulty, {f.profile, backup_folder_for_run(f.state, "run-1"),
                                       f.journal.get(), "run-1", f.profile});
  ASSERT_TRUE(transaction.stage(f.prefs, kPrefsOld, kPrefsNew, false));
  const IoStatus committed = transaction.commit({});
  EXPECT_THAT(committed.error, HasSubstr("No space left on device"));
  EXPECT_EQ(read_whole_file(f.prefs), kPrefsOld);
  EXPECT_THAT(temp_files_in(f.profile), IsEmpty());
  // The intent was recorded beside the backup; the journal says the profile is back to old.
  const JournalFilesResult files = f.journal->files("run-1");
  ASSERT_EQ(files.files.size(), 1u);
  EXPECT_EQ(files.files[0].state, FileState::RolledBack);
}

TEST(Journal, AJournalThatCannotRecordTheIntentLeavesTheProfileOld) {
  JournalFixture f;
  write_whole_file(f.state + "/journal.sqlite", std::string(4096, 'x'), 0600);  // not SQLite
  ASSERT_TRUE(f.journal->begin_run(run_info("run-1")));
  FileTransaction transaction(f.fs, {f.profile, backup_folder_for_run(f.state, "run-1"),
                                     f.journal.get(), "run-1", f.profile});
  ASSERT_TRUE(transaction.stage(f.prefs, kPrefsOld, kPrefsNew, false));
  const IoStatus committed = transaction.commit({});
  EXPECT_THAT(committed.error, HasSubstr("journal failed"));
  EXPECT_EQ(read_whole_file(f.prefs), kPrefsOld);
  EXPECT_THAT(temp_files_in(f.profile), IsEmpty());
}

TEST(Journal, RecoveryRemovesTheLockOfARunThatDiedBeforeItsFirstWrite) {
  JournalFixture f;
  const pid_t child = ::fork();
  ASSERT_GE(child, 0);
  if (child == 0) {
    JournalOpenResult opened = Journal::open(f.state);
    if (!opened || !opened.journal->begin_run(run_info("run-died-early"))) ::_exit(1);
    ::_exit(0);  // dies holding its run lock file, before any write
  }
  int status = 0;
  ASSERT_EQ(::waitpid(child, &status, 0), child);
  ASSERT_EQ(WEXITSTATUS(status), 0);
  EXPECT_TRUE(Journal::may_hold_interrupted_runs(f.fs, f.state));
  ASSERT_TRUE(f.journal->recover_interrupted_runs(f.fs));
  EXPECT_FALSE(Journal::may_hold_interrupted_runs(f.fs, f.state));
}

TEST(Journal, RefusesAJournalFromANewerMailmig) {
  TempFolder root;
  ASSERT_TRUE(Journal::open(root.path()));
  {
    SQLite::Database database(root / "journal.sqlite", SQLite::OPEN_READWRITE);
    database.exec("PRAGMA user_version = 7");
  }
  const JournalOpenResult opened = Journal::open(root.path());
  EXPECT_EQ(opened.error,
            root / "journal.sqlite" + ": the journal was written by a newer mailmig (schema 7)");
}

TEST(Journal, RunAndFilesRoundTrip) {
  JournalFixture f;
  f.apply("11111111-1111-4111-8111-111111111111");
  const HistoryResult history = f.journal->history();
  ASSERT_TRUE(history) << history.error;
  ASSERT_EQ(history.runs.size(), 1u);
  const RunInfo expected = run_info("11111111-1111-4111-8111-111111111111");
  const RunInfo& got = history.runs[0].info;
  EXPECT_EQ(got.run_id, expected.run_id);
  EXPECT_EQ(got.command, "apply");
  EXPECT_EQ(got.machine, "pc-042");
  EXPECT_EQ(got.user, "tanaka");
  EXPECT_EQ(got.time, "2026-11-23T21:30:00Z");
  EXPECT_EQ(got.mailmig_version, "0.1.0");
  EXPECT_EQ(got.policy_name, "kyoto-u-gmail");
  EXPECT_EQ(got.policy_hash, expected.policy_hash);
  EXPECT_EQ(history.runs[0].state, RunState::Done);

  const JournalFilesResult files = f.journal->files(expected.run_id);
  ASSERT_TRUE(files) << files.error;
  ASSERT_EQ(files.files.size(), 3u);
  const std::string real_prefs = f.fs.real_path(f.prefs).path;
  EXPECT_EQ(files.files[0].path, real_prefs);
  EXPECT_EQ(files.files[0].profile, f.profile);
  EXPECT_EQ(files.files[0].sha256_before, sha256_hex(kPrefsOld));
  EXPECT_EQ(files.files[0].sha256_after, sha256_hex(kPrefsNew));
  EXPECT_FALSE(files.files[0].created);
  EXPECT_EQ(files.files[0].state, FileState::Done);
  EXPECT_EQ(read_whole_file(files.files[0].backup_path), kPrefsOld);
  EXPECT_EQ(files.files[2].sha256_before, "");
  EXPECT_EQ(files.files[2].backup_path, "");
  EXPECT_TRUE(files.files[2].created);
}

TEST(Journal, HoldsHashesAndPathsButNeverFileContents) {
  JournalFixture f;
  f.apply("22222222-2222-4222-8222-222222222222");
  const std::string database = read_whole_file(f.state + "/journal.sqlite");
  EXPECT_EQ(database.find("pop-Pass2"), std::string::npos);
  EXPECT_NE(database.find(sha256_hex(kAccountrcOld)), std::string::npos);
  const std::string backups =
      backup_folder_for_run(f.state, "22222222-2222-4222-8222-222222222222");
  EXPECT_EQ(file_mode(backups), 0700u);
}

TEST(Journal, HistoryIsNewestFirst) {
  JournalFixture f;
  ASSERT_TRUE(f.journal->begin_run(run_info("run-a", "apply")));
  ASSERT_TRUE(f.journal->finish_run("run-a", RunState::Done));
  ASSERT_TRUE(f.journal->begin_run(run_info("run-b", "rollback")));
  ASSERT_TRUE(f.journal->finish_run("run-b", RunState::Failed));
  // run-c is in progress: it is recorded with its first write, here its files.
  ASSERT_TRUE(f.journal->begin_run(run_info("run-c", "apply")));
  JournalFile pending;
  pending.run_id = "run-c";
  pending.profile = f.profile;
  pending.path = f.prefs;
  pending.sha256_after = sha256_hex(kPrefsNew);
  ASSERT_TRUE(f.journal->record_files({pending}));
  const HistoryResult history = f.journal->history();
  ASSERT_EQ(history.runs.size(), 3u);
  EXPECT_EQ(history.runs[0].info.run_id, "run-c");
  EXPECT_EQ(history.runs[0].state, RunState::InProgress);
  EXPECT_EQ(history.runs[1].info.run_id, "run-b");
  EXPECT_EQ(history.runs[1].info.command, "rollback");
  EXPECT_EQ(history.runs[1].state, RunState::Failed);
  EXPECT_EQ(history.runs[2].info.run_id, "run-a");
  EXPECT_EQ(to_string(history.runs[2].state), "done");
}

TEST(Journal, RollbackRestoresBytesDeletesCreatedFilesAndMarksTheRun) {
  JournalFixture f;
  f.apply("run-1");
  ASSERT_EQ(read_whole_file(f.prefs), kPrefsNew);
  const RestoreResult result = f.journal->rollback(f.fs, "last", false);
  ASSERT_TRUE(result) << result.error;
  EXPECT_EQ(result.run_id, "run-1");
  ASSERT_EQ(result.files.size(), 3u);
  EXPECT_EQ(result.files[0].action, RestoreAction::Restored);
  EXPECT_EQ(result.files[2].action, RestoreAction::Deleted);
  EXPECT_EQ(read_whole_file(f.prefs), kPrefsOld);
  EXPECT_EQ(read_whole_file(f.accountrc), kAccountrcOld);
  EXPECT_EQ(file_mode(f.prefs), 0644u);
  EXPECT_FALSE(path_exists(f.created));
  EXPECT_THAT(temp_files_in(f.profile), IsEmpty());
  EXPECT_EQ(f.journal->history().runs[0].state, RunState::RolledBack);
  EXPECT_EQ(f.journal->files("run-1").files[1].state, FileState::RolledBack);

  EXPECT_EQ(f.journal->rollback(f.fs, "run-1", false).error, "run run-1: already rolled back");
  EXPECT_EQ(f.journal->rollback(f.fs, "last", false).error,
            "no run in the journal changed any file");
}

TEST(Journal, RollbackOfANamedRunSkipsNewerRuns) {
  JournalFixture f;
  f.apply("run-1");
  ASSERT_TRUE(f.journal->begin_run(run_info("run-2", "scan")));
  ASSERT_TRUE(f.journal->finish_run("run-2", RunState::Done));
  const RestoreResult result = f.journal->rollback(f.fs, "run-1", false);
  ASSERT_TRUE(result) << result.error;
  EXPECT_EQ(read_whole_file(f.accountrc), kAccountrcOld);
  EXPECT_EQ(f.journal->rollback(f.fs, "run-9", false).error, "run run-9: not in the journal");
}

TEST(Journal, RollbackRefusesAFileChangedSinceTheRunUnlessForced) {
  JournalFixture f;
  f.apply("run-1");
  const std::string edited_by_user = kAccountrcNew + "signature=hanako\n";
  write_whole_file(f.accountrc, edited_by_user, 0600);
  const RestoreResult refused = f.journal->rollback(f.fs, "last", false);
  const std::string real_accountrc = f.fs.real_path(f.accountrc).path;
  EXPECT_EQ(refused.error, "run run-1: nothing was restored: " + real_accountrc +
                               ": changed since mailmig wrote it (use --force to restore anyway)");
  ASSERT_EQ(refused.files.size(), 3u);
  EXPECT_EQ(refused.files[1].action, RestoreAction::Refused);
  // All or nothing: the unchanged files keep the run's bytes too.
  EXPECT_EQ(read_whole_file(f.prefs), kPrefsNew);
  EXPECT_EQ(read_whole_file(f.accountrc), edited_by_user);
  EXPECT_TRUE(path_exists(f.created));
  EXPECT_EQ(f.journal->history().runs[0].state, RunState::Done);

  const RestoreResult forced = f.journal->rollback(f.fs, "last", true);
  ASSERT_TRUE(forced) << forced.error;
  EXPECT_EQ(read_whole_file(f.prefs), kPrefsOld);
  EXPECT_EQ(read_whole_file(f.accountrc), kAccountrcOld);
  EXPECT_FALSE(path_exists(f.created));
}

TEST(Journal, RollbackRefusesADamagedBackup) {
  JournalFixture f;
  f.apply("run-1");
  const std::string backup = f.journal->files("run-1").files[0].backup_path;
  write_whole_file(backup, "truncated", 0600);
  const RestoreResult result = f.journal->rollback(f.fs, "run-1", true);
  EXPECT_THAT(result.error, HasSubstr(backup + ": the backup does not hold the original bytes"));
  EXPECT_EQ(read_whole_file(f.prefs), kPrefsNew);
}

// A FileSystem that dies (as kill -9 would) at its Nth rename: the test runs it in a child.
class DyingFileSystem : public testing::FaultInjectingFileSystem {
 public:
  DyingFileSystem(FileSystem& inner, int die_at_rename)
      : FaultInjectingFileSystem(inner), die_at_rename_(die_at_rename) {}
  IoStatus rename_in(const OpenedFolder& folder, const std::string& from,
                     const std::string& to) override {
    if (++renames_ == die_at_rename_) ::_exit(9);
    return FaultInjectingFileSystem::rename_in(folder, from, to);
  }

 private:
  int die_at_rename_;
  int renames_ = 0;
};

TEST(Journal, RecoveryRollsAnInterruptedProfileBackAndRemovesTemporaryFiles) {
  JournalFixture f;
  f.journal.reset();  // the child opens its own
  const pid_t child = ::fork();
  ASSERT_GE(child, 0);
  if (child == 0) {
    RealFileSystem real;
    DyingFileSystem dying(real, 2);
    JournalOpenResult opened = Journal::open(f.state);
    if (!opened || !opened.journal->begin_run(run_info("run-killed"))) ::_exit(1);
    FileTransaction transaction(dying, {f.profile, backup_folder_for_run(f.state, "run-killed"),
                                        opened.journal.get(), "run-killed", f.profile});
    if (!transaction.stage(f.prefs, kPrefsOld, kPrefsNew, false) ||
        !transaction.stage(f.accountrc, kAccountrcOld, kAccountrcNew, false)) {
      ::_exit(1);
    }
    transaction.commit({});
    ::_exit(2);
  }
  int status = 0;
  ASSERT_EQ(::waitpid(child, &status, 0), child);
  ASSERT_TRUE(WIFEXITED(status));
  ASSERT_EQ(WEXITSTATUS(status), 9);
  // The crash left one file new, one old, and the second temporary file behind.
  EXPECT_EQ(read_whole_file(f.prefs), kPrefsNew);
  EXPECT_EQ(read_whole_file(f.accountrc), kAccountrcOld);
  const std::vector<std::string> leftovers = temp_files_in(f.profile);
  ASSERT_EQ(leftovers.size(), 1u);

  // The dead run's lock file is what tells a later run, without opening the database, to look.
  EXPECT_TRUE(Journal::may_hold_interrupted_runs(f.fs, f.state));
  JournalOpenResult opened = Journal::open(f.state);
  ASSERT_TRUE(opened);
  EXPECT_EQ(opened.journal->history().runs[0].state, RunState::InProgress);
  const RecoveryResult recovered = opened.journal->recover_interrupted_runs(f.fs);
  ASSERT_TRUE(recovered) << recovered.error;
  ASSERT_EQ(recovered.runs.size(), 1u);
  EXPECT_EQ(recovered.runs[0].run_id, "run-killed");
  ASSERT_EQ(recovered.runs[0].files.size(), 2u);
  EXPECT_EQ(recovered.runs[0].files[0].action, RestoreAction::Restored);
  EXPECT_EQ(recovered.runs[0].files[1].action, RestoreAction::AlreadyOriginal);
  EXPECT_EQ(recovered.removed_temp_files,
            std::vector<std::string>{f.fs.real_path(f.profile).path + "/" + leftovers[0]});
  EXPECT_EQ(read_whole_file(f.prefs), kPrefsOld);
  EXPECT_EQ(read_whole_file(f.accountrc), kAccountrcOld);
  EXPECT_THAT(temp_files_in(f.profile), IsEmpty());
  EXPECT_EQ(opened.journal->history().runs[0].state, RunState::Failed);
  // Nothing is left to recover.
  EXPECT_THAT(opened.journal->recover_interrupted_runs(f.fs).runs, IsEmpty());
  EXPECT_FALSE(Journal::may_hold_interrupted_runs(f.fs, f.state));
}

TEST(Journal, MayHoldInterruptedRunsOnlyWhileARunLockExists) {
  TempFolder root;
  RealFileSystem fs;
  const std::string state = root / "state";
  EXPECT_FALSE(Journal::may_hold_interrupted_runs(fs, state));  // no state folder yet
  JournalOpenResult opened = Journal::open(state);
  ASSERT_TRUE(opened);
  // A journal without its locks folder (made by hand, or by an older layout) is looked at.
  EXPECT_TRUE(Journal::may_hold_interrupted_runs(fs, state));
  ASSERT_TRUE(opened.journal->begin_run(run_info("run-1")));
  EXPECT_TRUE(Journal::may_hold_interrupted_runs(fs, state));
  ASSERT_TRUE(opened.journal->finish_run("run-1", RunState::Done));
  EXPECT_FALSE(Journal::may_hold_interrupted_runs(fs, state));
}

TEST(Journal, RecoveryLeavesARunThatIsStillAliveAlone) {
  JournalFixture f;
  ASSERT_TRUE(f.journal->begin_run(run_info("run-alive")));
  JournalFile pending;
  pending.run_id = "run-alive";
  pending.profile = f.profile;
  pending.path = f.prefs;
  pending.sha256_before = sha256_hex("whatever was there");
  pending.sha256_after = sha256_hex(kPrefsOld);
  ASSERT_TRUE(f.journal->record_files({pending}));

  JournalOpenResult other = Journal::open(f.state);  // another process's view of the journal
  ASSERT_TRUE(other);
  EXPECT_THAT(other.journal->recover_interrupted_runs(f.fs).runs, IsEmpty());
  EXPECT_EQ(read_whole_file(f.prefs), kPrefsOld);
  EXPECT_EQ(other.journal->rollback(f.fs, "run-alive", false).error,
            "run run-alive: still running in another mailmig process");
}

// True when `text` has the shape of `pattern`: 'h' a lower-case hex digit, 'd' a decimal digit,
// 'v' a UUID variant digit (8, 9, a, b), anything else itself. (std::regex trips GCC 12's
// -Wmaybe-uninitialized under the sanitizers.)
bool has_shape(std::string_view text, std::string_view pattern) {
  if (text.size() != pattern.size()) return false;
  for (std::size_t i = 0; i < text.size(); ++i) {
    const char c = text[i];
    const bool digit = c >= '0' && c <= '9';
    const bool fits = pattern[i] == 'h'   ? digit || (c >= 'a' && c <= 'f')
                      : pattern[i] == 'd' ? digit
                      : pattern[i] == 'v' ? c == '8' || c == '9' || c == 'a' || c == 'b'
                                          : c == pattern[i];
    if (!fits) return false;
  }
  return true;
}

TEST(Journal, RunIdIsAVersion4Uuid) {
  std::set<std::string> seen;
  for (int i = 0; i < 100; ++i) {
    const std::string id = make_run_id();
    EXPECT_TRUE(has_shape(id, "hhhhhhhh-hhhh-4hhh-vhhh-hhhhhhhhhhhh")) << id;
    seen.insert(id);
  }
  EXPECT_EQ(seen.size(), 100u);
  EXPECT_FALSE(
      has_shape("3f2b0c1d-0000-4000-c000-000000000000", "hhhhhhhh-hhhh-4hhh-vhhh-hhhhhhhhhhhh"));
}

TEST(Journal, TimeIsUtcIso8601) {
  const std::string now = utc_now_iso8601();
  EXPECT_TRUE(has_shape(now, "20dd-dd-ddTdd:dd:ddZ")) << now;
}

EnvironmentLookup fake_environment(std::map<std::string, std::string> values) {
  return [values](const std::string& name) -> std::optional<std::string> {
    const auto found = values.find(name);
    if (found == values.end()) return std::nullopt;
    return found->second;
  };
}

TEST(StateDir, ResolutionOrder) {
  const auto environment =
      fake_environment({{"XDG_STATE_HOME", "/xdg/state"}, {"HOME", "/home/tanaka"}});
  EXPECT_EQ(resolve_state_dir({"/given", "/other-home"}, environment).path, "/given");
  EXPECT_EQ(resolve_state_dir({"", "/mnt/home/hanako"}, environment).path,
            "/mnt/home/hanako/.local/state/mailmig");
  EXPECT_EQ(resolve_state_dir({}, environment).path, "/xdg/state/mailmig");
  EXPECT_EQ(resolve_state_dir({}, fake_environment({{"HOME", "/home/tanaka"}})).path,
            "/home/tanaka/.local/state/mailmig");
  // A relative XDG_STATE_HOME is invalid by the XDG rules.
  EXPECT_EQ(resolve_state_dir(
                {}, fake_environment({{"XDG_STATE_HOME", "state"}, {"HOME", "/home/tanaka"}}))
                .path,
            "/home/tanaka/.local/state/mailmig");
}

TEST(StateDir, RelativeFoldersAreMadeAbsoluteSoThatTheJournalRecordsAbsolutePaths) {
  const std::string here = std::filesystem::current_path().string();
  EXPECT_EQ(resolve_state_dir({"state/../s/", ""}, fake_environment({})).path, here + "/s");
  EXPECT_EQ(resolve_state_dir({"", "home"}, fake_environment({})).path,
            here + "/home/.local/state/mailmig");
  EXPECT_EQ(backup_folder_for_run("/s", "run-1", "usb/"), here + "/usb/run-1");
  EXPECT_EQ(absolute_path("/a/./b/../c/"), "/a/c");
}

TEST(StateDir, BackupFolderPerRun) {
  EXPECT_EQ(backup_folder_for_run("/s", "run-1"), "/s/backups/run-1");
  EXPECT_EQ(backup_folder_for_run("/s", "run-1", "/media/usb/mailmig"), "/media/usb/mailmig/run-1");
}

}  // namespace
}  // namespace mailmig
