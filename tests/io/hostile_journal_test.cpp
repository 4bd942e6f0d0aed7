// A journal is input, not truth: the user who owns a home can write its journal. Recovery and
// rollback act only on rows inside the profile folder their run recorded, inside the home being
// processed, with backups in the run's own backup folder, and only on a journal that belongs to
// the user running mailmig. These tests forge journals the way such a user would.
#include <gmock/gmock.h>
#include <gtest/gtest.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "src/io/file_transaction.h"
#include "src/io/journal.h"
#include "src/io/state_dir.h"
#include "src/util/digest.h"
#include "tests/io/io_test_support.h"

namespace mailmig {
namespace {

using ::testing::HasSubstr;
using testing::path_exists;
using testing::read_whole_file;
using testing::TempFolder;
using testing::write_whole_file;

const std::string kOutsideBytes = "root:x:0:0:root:/root:/bin/bash\n";
const std::string kEvilBytes = "root::0:0:root:/root:/bin/bash\n";

RunInfo forged_run_info(const std::string& id) {
  RunInfo info;
  info.run_id = id;
  info.command = "apply";
  info.time = "2026-11-23T21:30:00Z";
  return info;
}

// <root>/home is the home being processed (its state in .local/state/mailmig), <root>/outside
// a file no run over that home may touch.
struct HostileHome {
  TempFolder root;
  std::string home = root / "home";
  std::string state = home + "/.local/state/mailmig";
  std::string profile = home + "/.thunderbird/abcd.default";
  std::string outside = root / "outside/passwd";
  std::string evil = home + "/evil";
  RealFileSystem fs;

  HostileHome() {
    for (const std::string& folder : {home, home + "/.thunderbird", profile, root / "outside",
                                      home + "/.local", home + "/.local/state"}) {
      ::mkdir(folder.c_str(), 0755);
    }
    write_whole_file(outside, kOutsideBytes, 0644);
    write_whole_file(evil, kEvilBytes, 0644);
  }

  // A row as recovery wants it: the file holds what the run "wrote", the backup what it "had".
  JournalFile row(const std::string& run_id, const std::string& path, bool created = false) const {
    JournalFile file;
    file.run_id = run_id;
    file.profile = parent_folder(path);
    file.path = path;
    file.created = created;
    file.backup_path = created ? "" : evil;
    file.sha256_before = created ? "" : sha256_hex(kEvilBytes);
    file.sha256_after = sha256_hex(read_whole_file(path));
    return file;
  }

  // Writes the rows as a run that died in progress (its lock file left in locks/), the way a
  // user who owns the state folder can.
  void forge_interrupted_run(const std::vector<JournalFile>& rows) const {
    const pid_t child = ::fork();
    if (child == 0) {
      JournalOpenResult opened = Journal::open(state);
      if (!opened || !opened.journal->begin_run(forged_run_info(rows.front().run_id)) ||
          !opened.journal->record_files(rows)) {
        ::_exit(1);
      }
      ::_exit(0);  // dies in progress: the lock file stays, free
    }
    int status = 0;
    ::waitpid(child, &status, 0);
    ASSERT_TRUE(WIFEXITED(status) && WEXITSTATUS(status) == 0);
    ASSERT_TRUE(path_exists(state + "/locks/run-" + rows.front().run_id + ".lock"));
  }

  std::unique_ptr<Journal> open_for_home() const {
    JournalOpenResult opened = Journal::open(state, home);
    EXPECT_TRUE(opened) << opened.error;
    return std::move(opened.journal);
  }
};

TEST(HostileJournal, RecoveryLeavesAFileOutsideTheHomeByteIdentical) {
  HostileHome h;
  h.forge_interrupted_run({h.row("run-forged", h.outside)});
  std::unique_ptr<Journal> journal = h.open_for_home();
  ASSERT_TRUE(journal);
  const RecoveryResult recovered = journal->recover_interrupted_runs(h.fs);
  EXPECT_EQ(read_whole_file(h.outside), kOutsideBytes);
  ASSERT_EQ(recovered.refused.size(), 1u);
  EXPECT_THAT(recovered.refused[0], HasSubstr("run run-forged"));
  EXPECT_THAT(recovered.refused[0], HasSubstr("journal row names a file outside the home " +
                                              h.home + ": " + h.outside + ": refused"));
}

TEST(HostileJournal, RecoveryNeverDeletesACreatedFileOutsideTheHome) {
  HostileHome h;
  h.forge_interrupted_run({h.row("run-forged", h.outside, true)});
  std::unique_ptr<Journal> journal = h.open_for_home();
  ASSERT_TRUE(journal);
  const RecoveryResult recovered = journal->recover_interrupted_runs(h.fs);
  EXPECT_EQ(read_whole_file(h.outside), kOutsideBytes);
  EXPECT_EQ(recovered.refused.size(), 1u);
}

TEST(HostileJournal, RollbackOfAForgedRunRefusesAndTouchesNothing) {
  HostileHome h;
  const std::string inside = h.profile + "/prefs.js";
  write_whole_file(inside, "user_pref(\"a\", 1);\n", 0644);
  h.forge_interrupted_run({h.row("run-forged", inside), h.row("run-forged", h.outside)});
  std::unique_ptr<Journal> journal = h.open_for_home();
  ASSERT_TRUE(journal);
  const RestoreResult rolled = journal->rollback(h.fs, "run-forged", false);
  EXPECT_FALSE(rolled);
  EXPECT_THAT(rolled.error, HasSubstr("journal row names a file outside the home " + h.home + ": " +
                                      h.outside + ": refused"));
  EXPECT_EQ(read_whole_file(h.outside), kOutsideBytes);
  EXPECT_EQ(read_whole_file(inside), "user_pref(\"a\", 1);\n");  // all or nothing
}

TEST(HostileJournal, DotDotAndSymlinksOutOfTheProfileAreRefused) {
  HostileHome h;
  // Inside the recorded profile folder by its spelling, outside by "..".
  JournalFile dotdot = h.row("run-forged", h.outside);
  dotdot.profile = h.profile;
  dotdot.path = h.profile + "/../../../outside/passwd";
  // A profile file that is a symlink to the outside file.
  const std::string link = h.profile + "/logins.json";
  ASSERT_EQ(::symlink(h.outside.c_str(), link.c_str()), 0);
  JournalFile linked = h.row("run-forged", link);
  linked.profile = h.profile;
  h.forge_interrupted_run({dotdot, linked});
  std::unique_ptr<Journal> journal = h.open_for_home();
  ASSERT_TRUE(journal);
  const RecoveryResult recovered = journal->recover_interrupted_runs(h.fs);
  EXPECT_EQ(read_whole_file(h.outside), kOutsideBytes);
  EXPECT_EQ(recovered.refused.size(), 2u);
  // Even without a home to stay in, a row never leaves its own profile folder.
  JournalOpenResult own = Journal::open(h.state);
  ASSERT_TRUE(own);
  EXPECT_FALSE(own.journal->rollback(h.fs, "run-forged", true));
  EXPECT_EQ(read_whole_file(h.outside), kOutsideBytes);
}

TEST(HostileJournal, ABackupOutsideTheRunsBackupFolderIsRefused) {
  HostileHome h;
  const std::string inside = h.profile + "/prefs.js";
  write_whole_file(inside, "user_pref(\"a\", 1);\n", 0644);
  h.forge_interrupted_run({h.row("run-forged", inside)});  // backup: ~/evil
  std::unique_ptr<Journal> journal = h.open_for_home();
  ASSERT_TRUE(journal);
  const RecoveryResult recovered = journal->recover_interrupted_runs(h.fs);
  ASSERT_EQ(recovered.refused.size(), 1u);
  EXPECT_THAT(recovered.refused[0],
              HasSubstr("journal row names a backup outside " + h.state + "/backups/run-forged"));
  EXPECT_EQ(read_whole_file(inside), "user_pref(\"a\", 1);\n");
}

TEST(HostileJournal, ABackupDirFolderCountsOnlyWhenItIsThisUsersPrivateRunFolder) {
  HostileHome h;
  const std::string inside = h.profile + "/prefs.js";
  write_whole_file(inside, "new\n", 0644);
  // A --backup-dir run's folder is DIR/<run id>; a readable folder that merely bears the name
  // (think /etc for a run called "etc") is not one.
  const std::string run_folder = h.root / "usb/run-x";
  ASSERT_EQ(::mkdir((h.root / "usb").c_str(), 0755), 0);
  ASSERT_EQ(::mkdir(run_folder.c_str(), 0755), 0);
  write_whole_file(run_folder + "/prefs.js", "old\n", 0600);
  JournalFile row = h.row("run-x", inside);
  row.profile = h.profile;
  row.backup_path = run_folder + "/prefs.js";
  row.sha256_before = sha256_hex("old\n");
  h.forge_interrupted_run({row});
  std::unique_ptr<Journal> journal = h.open_for_home();
  ASSERT_TRUE(journal);
  const RecoveryResult recovered = journal->recover_interrupted_runs(h.fs);
  ASSERT_EQ(recovered.refused.size(), 1u);
  EXPECT_THAT(recovered.refused[0], HasSubstr("journal row names a backup outside"));
  EXPECT_EQ(read_whole_file(inside), "new\n");
  // Private, as mailmig makes it: the run's backup is used.
  ASSERT_EQ(::chmod(run_folder.c_str(), 0700), 0);
  const RestoreResult rolled = journal->rollback(h.fs, "run-x", false);
  EXPECT_TRUE(rolled) << rolled.error;
  EXPECT_EQ(read_whole_file(inside), "old\n");
}

TEST(HostileJournal, AGenuineInterruptedRunInTheHomeIsStillRecovered) {
  HostileHome h;
  const std::string prefs = h.profile + "/prefs.js";
  write_whole_file(prefs, "old\n", 0644);
  const pid_t child = ::fork();
  if (child == 0) {
    RealFileSystem fs;
    JournalOpenResult opened = Journal::open(h.state, h.home);
    if (!opened || !opened.journal->begin_run(forged_run_info("run-real"))) ::_exit(1);
    FileTransaction transaction(fs, {h.profile, backup_folder_for_run(h.state, "run-real"),
                                     opened.journal.get(), "run-real", h.profile});
    if (!transaction.stage(prefs, "old\n", "new\n", false)) ::_exit(1);
    // Killed after the intent and the backup: stage() recorded nothing yet, so record by hand
    // through a commit whose verifier kills the process once the new bytes are in place.
    transaction.commit([](const std::string&, const std::string&) -> std::string { ::_exit(0); });
    ::_exit(1);
  }
  int status = 0;
  ::waitpid(child, &status, 0);
  ASSERT_TRUE(WIFEXITED(status) && WEXITSTATUS(status) == 0);
  ASSERT_EQ(read_whole_file(prefs), "new\n");
  std::unique_ptr<Journal> journal = h.open_for_home();
  ASSERT_TRUE(journal);
  const RecoveryResult recovered = journal->recover_interrupted_runs(h.fs);
  ASSERT_TRUE(recovered) << recovered.error;
  EXPECT_TRUE(recovered.refused.empty());
  EXPECT_EQ(read_whole_file(prefs), "old\n");
}

TEST(HostileJournal, AJournalOfAnotherUserIsRefused) {
  HostileHome h;
  ASSERT_TRUE(Journal::open(h.state));
  ASSERT_EQ(::chown((h.state + "/journal.sqlite").c_str(), ::geteuid() + 4242, ::getegid()), 0);
  const JournalOpenResult opened = Journal::open(h.state, h.home);
  EXPECT_FALSE(opened);
  EXPECT_THAT(opened.error, HasSubstr("journal.sqlite: refused: owned by uid"));
}

TEST(HostileJournal, AStateFolderOfAnotherUserOrGroupWritableIsRefused) {
  HostileHome h;
  ASSERT_TRUE(Journal::open(h.state));
  ASSERT_EQ(::chmod(h.state.c_str(), 0770), 0);
  JournalOpenResult opened = Journal::open(h.state, h.home);
  EXPECT_FALSE(opened);
  EXPECT_THAT(opened.error, HasSubstr(h.state + ": refused: writable by its group or others"));
  ASSERT_EQ(::chmod(h.state.c_str(), 0700), 0);
  ASSERT_EQ(::chown(h.state.c_str(), ::geteuid() + 4242, ::getegid()), 0);
  opened = Journal::open(h.state, h.home);
  EXPECT_FALSE(opened);
  EXPECT_THAT(opened.error, HasSubstr(h.state + ": refused: owned by uid"));
}

TEST(HostileJournal, ASymlinkedStateFolderIsRefused) {
  HostileHome h;
  const std::string elsewhere = h.root / "root-only";
  ASSERT_EQ(::mkdir(elsewhere.c_str(), 0700), 0);
  ASSERT_EQ(::symlink(elsewhere.c_str(), h.state.c_str()), 0);
  const JournalOpenResult opened = Journal::open(h.state, h.home);
  EXPECT_FALSE(opened);
  EXPECT_THAT(opened.error, HasSubstr(h.state + ": refused: a symbolic link"));
  EXPECT_FALSE(path_exists(elsewhere + "/journal.sqlite"));
  // A symlinked parent inside the home too.
  ASSERT_EQ(::unlink(h.state.c_str()), 0);
  const std::string local_state = h.home + "/.local/state";
  ASSERT_EQ(::rmdir(local_state.c_str()), 0);
  ASSERT_EQ(::symlink(elsewhere.c_str(), local_state.c_str()), 0);
  const JournalOpenResult through_parent = Journal::open(h.state, h.home);
  EXPECT_FALSE(through_parent);
  EXPECT_THAT(through_parent.error, HasSubstr(local_state + ": refused: a symbolic link"));
  EXPECT_FALSE(path_exists(elsewhere + "/mailmig"));
}

}  // namespace
}  // namespace mailmig
