// Apply and undo on a live registry (here a registry store over an export, standing in for it):
// the backup and the journal rows come first, every value is written and read back, a failed
// verification puts the old values back, rollback and recovery restore exact types and bytes,
// and a forged journal or backup never makes them touch a value outside the mail accounts.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "parsers/formats/reg/reg_file.h"
#include "src/app/live_registry_commit.h"
#include "src/encoding/codec.h"
#include "src/io/state_dir.h"
#include "src/util/digest.h"
#include "tests/io/io_test_support.h"

namespace mailmig {
namespace {

using ::testing::HasSubstr;
using testing::TempFolder;
using testing::write_whole_file;

const std::string kProfile =
    "HKEY_CURRENT_USER\\Software\\Microsoft\\Office\\16.0\\Outlook\\Profiles\\Outlook";
const std::string kAccount = kProfile + "\\9375CFF0413111d3B88A00104B2A6676\\00000002";
const std::string kRunKey = "HKEY_CURRENT_USER\\Software\\Microsoft\\Windows\\CurrentVersion\\Run";

std::string registry_export() {
  const std::string text = "Windows Registry Editor Version 5.00\r\n\r\n[" + kAccount +
                           "]\r\n"
                           "\"POP3 Server\"=hex:70,00,6f,00,70,00,00,00\r\n"
                           "\"SMTP Server\"=hex:73,00,6d,00,74,00,70,00,00,00\r\n"
                           "\"SMTP Port\"=hex(4):19,00,00,00\r\n"
                           "\"SMTP Secure Connection\"=hex:00,00,00,00\r\n\r\n[" +
                           kRunKey + "]\r\n\"Updater\"=\"C:\\\\updater.exe\"\r\n";
  return "\xff\xfe" + from_utf8(text, "UTF-16LE").text;
}

RunInfo run_info(const std::string& run_id) {
  RunInfo info;
  info.run_id = run_id;
  info.command = "apply";
  info.time = "2026-12-07T05:00:00Z";
  return info;
}

// Every value of the account key and of the Run key, type and bytes.
std::vector<std::optional<RegistryValue>> snapshot(const RegistryStore& store) {
  std::vector<std::optional<RegistryValue>> values;
  for (const char* name : {"POP3 Server", "SMTP Server", "SMTP Port", "SMTP Secure Connection",
                           "SMTP Use Auth", "SMTP Auth Method"}) {
    values.push_back(store.read(kAccount, name));
  }
  values.push_back(store.read(kRunKey, "Updater"));
  return values;
}

bool same(const std::vector<std::optional<RegistryValue>>& a,
          const std::vector<std::optional<RegistryValue>>& b) {
  if (a.size() != b.size()) return false;
  for (std::size_t i = 0; i < a.size(); ++i) {
    if (!same_value(a[i], b[i])) return false;
  }
  return true;
}

struct LiveRegistryFixture {
  TempFolder root;
  std::string state = root / "state";
  RegFile registry;
  RealFileSystem fs;
  std::vector<std::optional<RegistryValue>> before;

  LiveRegistryFixture() {
    const ParseResult parsed = RegFile::parse(registry_export(), registry);
    EXPECT_TRUE(parsed) << parsed.describe("registry");
    before = snapshot(RegFileStore(registry));
  }

  std::unique_ptr<RegistryStore> store() { return std::make_unique<RegFileStore>(registry); }

  std::unique_ptr<Journal> journal(LiveRegistryRestorer* restorer = nullptr) {
    JournalOpenResult opened = Journal::open(state);
    EXPECT_TRUE(opened) << opened.error;
    if (restorer) opened.journal->set_registry_restorer(restorer);
    return std::move(opened.journal);
  }

  // Plans port 587 with STARTTLS for the account and commits it in run `run_id`.
  IoStatus apply(
      Journal& journal, const std::string& run_id, std::string& backup_path,
      const std::function<std::string()>& verify = [] { return std::string(); }) {
    LoadResult loaded = load_live_registry_profile(kOutlook, kProfile, store());
    EXPECT_TRUE(loaded) << loaded.error;
    loaded.profile->apply(kAccount, {{"test", "outgoing.port", "", "587", "test"},
                                     {"test", "outgoing.socketType", "", "STARTTLS", "test"}});
    EXPECT_TRUE(journal.begin_run(run_info(run_id)));
    return commit_live_registry(static_cast<const LiveOutlookProfile&>(*loaded.profile),
                                {backup_folder_for_run(state, run_id), &journal, run_id}, verify,
                                backup_path);
  }

  std::vector<std::optional<RegistryValue>> now() { return snapshot(RegFileStore(registry)); }
};

TEST(LiveRegistryApply, BacksUpRecordsWritesAndRollbackGivesBackEveryTypeAndByte) {
  LiveRegistryFixture f;
  {
    std::unique_ptr<Journal> journal = f.journal();
    std::string backup_path;
    const IoStatus committed = f.apply(*journal, "run-1", backup_path);
    ASSERT_TRUE(committed) << committed.error;
    journal->end_run("run-1");

    const RegFileStore live(f.registry);
    EXPECT_EQ(live.read(kAccount, "SMTP Port")->as_dword(), 587u);
    EXPECT_EQ(live.read(kAccount, "SMTP Secure Connection")->as_dword(), 2u);
    // The backup is a version-5 export of the old values, readable by regedit and by mailmig.
    EXPECT_EQ(backup_path, backup_folder_for_run(f.state, "run-1") + "/" + "registry-" +
                               sha256_hex(kProfile).substr(0, 16) + ".reg");
    RegFile backup;
    ASSERT_TRUE(RegFile::parse(testing::read_whole_file(backup_path), backup));
    EXPECT_EQ(backup.version(), 5);
    EXPECT_TRUE(same_value(RegFileStore(backup).read(kAccount, "SMTP Port"), f.before[2]));
    const JournalFilesResult rows = journal->files("run-1");
    ASSERT_TRUE(rows);
    ASSERT_FALSE(rows.files.empty());
    for (const JournalFile& row : rows.files) EXPECT_EQ(row.profile, kProfile);
  }
  LiveRegistryRestorer restorer(f.store());
  std::unique_ptr<Journal> journal = f.journal(&restorer);
  const RestoreResult restored = journal->rollback(f.fs, "last", false);
  ASSERT_TRUE(restored) << restored.error;
  EXPECT_TRUE(same(f.now(), f.before));
  // "SMTP Port" was hex(4): and "SMTP Secure Connection" REG_BINARY: still so.
  EXPECT_EQ(RegFileStore(f.registry).read(kAccount, "SMTP Secure Connection")->type, kRegBinary);
}

TEST(LiveRegistryApply, AFailedVerificationPutsEveryOldValueBack) {
  LiveRegistryFixture f;
  std::unique_ptr<Journal> journal = f.journal();
  std::string backup_path;
  const IoStatus committed =
      f.apply(*journal, "run-1", backup_path, [] { return std::string("reads 25, planned 587"); });
  ASSERT_FALSE(committed);
  EXPECT_THAT(committed.error, HasSubstr("reads 25, planned 587"));
  EXPECT_THAT(committed.error, HasSubstr("the old values are back"));
  EXPECT_TRUE(same(f.now(), f.before));
  for (const JournalFile& row : journal->files("run-1").files) {
    EXPECT_EQ(row.state, FileState::RolledBack);
  }
}

TEST(LiveRegistryApply, AValueChangedSinceItWasReadStopsTheWriteBeforeAnything) {
  LiveRegistryFixture f;
  LoadResult loaded = load_live_registry_profile(kOutlook, kProfile, f.store());
  ASSERT_TRUE(loaded);
  loaded.profile->apply(kAccount, {{"test", "outgoing.port", "", "587", "test"}});
  ASSERT_TRUE(RegFileStore(f.registry).write(kAccount, RegistryValue::dword("SMTP Port", 465)));
  const auto after_user = f.now();
  std::string backup_path;
  const IoStatus committed = commit_live_registry(
      static_cast<const LiveOutlookProfile&>(*loaded.profile),
      {f.root / "backups", nullptr, "run-1"}, [] { return std::string(); }, backup_path);
  ASSERT_FALSE(committed);
  EXPECT_THAT(committed.error, HasSubstr("changed since it was read"));
  EXPECT_TRUE(same(f.now(), after_user));
}

// A run killed after its writes (its rows still pending): the next run puts the old values back.
TEST(LiveRegistryApply, RecoveryPutsBackAProfileAKilledRunWrote) {
  LiveRegistryFixture f;
  {
    std::unique_ptr<Journal> journal = f.journal();
    std::string backup_path;
    ASSERT_TRUE(f.apply(*journal, "run-killed", backup_path));
    // No end_run: the process died here, its run lock file is left behind.
  }
  EXPECT_FALSE(same(f.now(), f.before));
  LiveRegistryRestorer restorer(f.store());
  std::unique_ptr<Journal> journal = f.journal(&restorer);
  const RecoveryResult recovered = journal->recover_interrupted_runs(f.fs);
  ASSERT_TRUE(recovered) << recovered.error;
  EXPECT_TRUE(recovered.refused.empty());
  EXPECT_TRUE(same(f.now(), f.before));
}

TEST(LiveRegistryRollback, AValueChangedSinceIsRefusedUnlessForced) {
  LiveRegistryFixture f;
  {
    std::unique_ptr<Journal> journal = f.journal();
    std::string backup_path;
    ASSERT_TRUE(f.apply(*journal, "run-1", backup_path));
    journal->end_run("run-1");
  }
  ASSERT_TRUE(RegFileStore(f.registry).write(kAccount, RegistryValue::dword("SMTP Port", 2525)));
  LiveRegistryRestorer restorer(f.store());
  std::unique_ptr<Journal> journal = f.journal(&restorer);
  const RestoreResult refused = journal->rollback(f.fs, "last", false);
  ASSERT_FALSE(refused);
  EXPECT_TRUE(refused.nothing_written);
  EXPECT_EQ(RegFileStore(f.registry).read(kAccount, "SMTP Secure Connection")->as_dword(), 2u);
  const RestoreResult forced = journal->rollback(f.fs, "last", true);
  ASSERT_TRUE(forced) << forced.error;
  EXPECT_TRUE(same(f.now(), f.before));
}

// Rows forged by whoever can write %LOCALAPPDATA%\mailmig: a value outside the accounts (the Run
// key), or a backup that holds another value than the journal recorded.
TEST(LiveRegistryRollback, AForgedRowOrBackupTouchesNothing) {
  LiveRegistryFixture f;
  std::unique_ptr<Journal> writer = f.journal();
  ASSERT_TRUE(writer->begin_run(run_info("run-forged")));
  const std::string backups = backup_folder_for_run(f.state, "run-forged");
  ASSERT_TRUE(f.fs.make_folders(backups, 0700));
  const std::string evil_backup = backups + "/registry-evil.reg";
  const std::string evil_text = "Windows Registry Editor Version 5.00\r\n\r\n[" + kRunKey +
                                "]\r\n\"Updater\"=\"C:\\\\evil.exe\"\r\n\r\n[" + kAccount +
                                "]\r\n\"SMTP Port\"=dword:00000001\r\n";
  write_whole_file(evil_backup, "\xff\xfe" + from_utf8(evil_text, "UTF-16LE").text);
  const std::optional<RegistryValue> updater = RegFileStore(f.registry).read(kRunKey, "Updater");
  const std::optional<RegistryValue> port = RegFileStore(f.registry).read(kAccount, "SMTP Port");
  JournalFile outside{"run-forged",
                      kProfile,
                      registry_row_path(kRunKey, "Updater"),
                      evil_backup,
                      registry_value_digest(kRegSz, "x"),
                      registry_value_digest(updater->type, updater->data),
                      false,
                      FileState::Done};
  JournalFile wrong_backup{"run-forged",
                           kProfile,
                           registry_row_path(kAccount, "SMTP Port"),
                           evil_backup,
                           registry_value_digest(kRegDword, std::string("\x1d\0\0\0", 4)),
                           registry_value_digest(port->type, port->data),
                           false,
                           FileState::Done};
  ASSERT_TRUE(writer->record_files({outside}));
  writer->end_run("run-forged");
  writer.reset();

  LiveRegistryRestorer restorer(f.store());
  std::unique_ptr<Journal> journal = f.journal(&restorer);
  RestoreResult restored = journal->rollback(f.fs, "run-forged", false);
  ASSERT_FALSE(restored);
  EXPECT_THAT(restored.error, HasSubstr("outside the mail accounts"));
  EXPECT_TRUE(same(f.now(), f.before));

  // A row inside the accounts whose backup does not hold the value recorded: nothing restored.
  std::unique_ptr<Journal> second = f.journal();
  ASSERT_TRUE(second->begin_run(run_info("run-forged-2")));
  const std::string backups2 = backup_folder_for_run(f.state, "run-forged-2");
  ASSERT_TRUE(f.fs.make_folders(backups2, 0700));
  write_whole_file(backups2 + "/registry-evil.reg",
                   "\xff\xfe" + from_utf8(evil_text, "UTF-16LE").text);
  wrong_backup.run_id = "run-forged-2";
  wrong_backup.backup_path = backups2 + "/registry-evil.reg";
  ASSERT_TRUE(second->record_files({wrong_backup}));
  second->end_run("run-forged-2");
  second.reset();
  journal = f.journal(&restorer);
  restored = journal->rollback(f.fs, "run-forged-2", false);
  ASSERT_FALSE(restored);
  EXPECT_THAT(restored.error, HasSubstr("the backup does not hold the original value"));
  EXPECT_TRUE(same(f.now(), f.before));
}

// Without a registry (Linux, or --home), a registry row is refused, never read as a path.
TEST(LiveRegistryRollback, WithoutARestorerRegistryRowsAreRefused) {
  LiveRegistryFixture f;
  {
    std::unique_ptr<Journal> journal = f.journal();
    std::string backup_path;
    ASSERT_TRUE(f.apply(*journal, "run-1", backup_path));
    journal->end_run("run-1");
  }
  const auto written = f.now();
  std::unique_ptr<Journal> journal = f.journal();
  const RestoreResult restored = journal->rollback(f.fs, "last", false);
  ASSERT_FALSE(restored);
  EXPECT_THAT(restored.error, HasSubstr("no registry"));
  EXPECT_TRUE(same(f.now(), written));
}

// Two runs with different state folders edit the same registry: they share one lock, in the
// user's own default state folder.
TEST(LiveRegistryLock, IsTheUsersOwnWhateverTheStateFolder) {
  const EnvironmentLookup environment = [](const std::string& name) -> std::optional<std::string> {
    if (name == "XDG_STATE_HOME") return std::string("/users/tanaka/state");
    if (name == "LOCALAPPDATA") return std::string("C:\\Users\\tanaka\\AppData\\Local");
    return std::nullopt;
  };
  const std::string lock = registry_lock_path("/srv/state-a", environment);
  EXPECT_EQ(lock, registry_lock_path("/srv/state-b", environment));
  EXPECT_EQ(lock.find("state-a"), std::string::npos) << lock;
  EXPECT_THAT(lock, ::testing::EndsWith("live-registry.lock"));
  EXPECT_THAT(lock, ::testing::HasSubstr("mailmig"));
}

}  // namespace
}  // namespace mailmig
