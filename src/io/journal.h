// The journal: what each run of mailmig did, in SQLite (<state>/journal.sqlite), so that a run
// can be listed (`history`), undone (`rollback`) and, after a crash, finished honestly
// (`recover_interrupted_runs`). It holds paths and hashes only, never file contents: the
// original bytes live in backup files (mode 0600, folders 0700).
#pragma once

#include <chrono>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "src/io/file_system.h"
#include "src/io/profile_lock.h"
#include "src/model/run_result.h"

namespace SQLite {
class Database;
}

namespace mailmig {

enum class RunState { InProgress, Done, RolledBack, Failed };
std::string_view to_string(RunState state);  // "in-progress", "done", "rolled-back", "failed"

// A file's state within its run: recorded before the rename ("pending"), then "done" with the
// journal's next write after its profile's transaction committed (or read as done once its run
// has ended, see Journal::end_run), "rolled-back" when the original bytes are back.
enum class FileState { Pending, Done, RolledBack };
std::string_view to_string(FileState state);  // "pending", "done", "rolled-back"

struct JournalRun {
  RunInfo info;
  RunState state = RunState::InProgress;
};

struct JournalFile {
  std::string run_id;
  std::string profile;  // the profile folder (or single file) the file belongs to
  std::string path;
  std::string backup_path;    // empty for a created file
  std::string sha256_before;  // empty for a created file
  std::string sha256_after;
  bool created = false;
  FileState state = FileState::Pending;
};

struct HistoryResult {
  std::vector<JournalRun> runs;  // newest first
  std::string error;
  explicit operator bool() const { return error.empty(); }
};

struct JournalFilesResult {
  std::vector<JournalFile> files;
  std::string error;
  explicit operator bool() const { return error.empty(); }
};

// What rollback or recovery did with one file.
enum class RestoreAction { Restored, Deleted, AlreadyOriginal, Refused, Failed };
std::string_view to_string(RestoreAction action);

struct RestoredFile {
  std::string path;
  RestoreAction action = RestoreAction::Failed;
  std::string message;          // why refused or failed
  bool registry_value = false;  // a value of the live registry rather than a file
};

struct RestoreResult {
  std::string run_id;
  std::vector<RestoredFile> files;
  std::string error;  // empty when every file is back to its original bytes
  // Refused before any file was touched: a file marked Restored or Deleted was only planned.
  bool nothing_written = false;
  explicit operator bool() const { return error.empty(); }
};

struct RecoveryResult {
  std::vector<RestoreResult> runs;  // one per interrupted run found
  std::vector<std::string> removed_temp_files;
  // Journal rows that were not acted on because they name a file or a backup out of bounds
  // (see Journal::open), one message each; the rest of their run was recovered.
  std::vector<std::string> refused;
  std::string error;
  explicit operator bool() const { return error.empty(); }
};

class Journal;
class RegistryRestorer;
struct JournalOpenResult {
  std::unique_ptr<Journal> journal;
  std::string error;
  explicit operator bool() const { return journal != nullptr; }
};

class Journal {
 public:
  static constexpr int kSchemaVersion = 1;

  // Opens (creating the file when missing) <state_dir>/journal.sqlite; the folder gets mode 0700
  // and the database 0600. Its tables are made by the first write.
  //
  // A journal is input, not truth: whoever owns the state folder can write it. It is refused
  // unless the state folder and journal.sqlite belong to the effective user, are not symbolic
  // links and are not writable by group or others. `home`, when set, is the home being
  // processed (--home): the state folder's components below it must not be symbolic links, and
  // recovery and rollback act only on files inside it. In any case they act only on a file
  // inside the profile folder its row records (no "..", no symbolic link), whose backup is in
  // the run's own backup folder; other rows are refused (RecoveryResult::refused, or a refused
  // rollback) and never touched. Rows of the live registry (src/io/registry_journal.h) are held
  // to their bounds by the registry restorer, and refused without one or with `home`.
  static JournalOpenResult open(const std::string& state_dir, const std::string& home = {});
  ~Journal();
  Journal(const Journal&) = delete;
  Journal& operator=(const Journal&) = delete;

  const std::string& state_dir() const { return state_dir_; }

  // Where rollback and recovery restore rows of the live registry (src/io/registry_journal.h);
  // without one such rows are refused. The restorer must outlive the journal's use of it.
  void set_registry_restorer(RegistryRestorer* restorer) { registry_ = restorer; }

  // Holds a lock that tells recovery in another process that this run is alive, and records the
  // run as in-progress with its first write (record_files or finish_run), in that write's
  // transaction: every transaction is a few fsyncs, and apply runs at every login. The lock
  // file is on disk before the run's row is, so a recorded run without one has ended.
  // `info.run_id` must be set (make_run_id()).
  IoStatus begin_run(const RunInfo& info);
  // Records a profile's files (state pending) in one SQLite transaction: the intent that the
  // next run reads after a crash. FileTransaction calls it before its first rename.
  IoStatus record_files(const std::vector<JournalFile>& files);
  IoStatus set_files_state(const std::string& run_id, const std::string& profile, FileState state);
  // Marks a committed profile's files done with the journal's next write (the next profile's
  // files), in that write's transaction, or by the run's end (end_run): one transaction less
  // for every profile. A crash before then leaves them pending, so recovery puts that profile back
  // to its old bytes and the next run makes the change again.
  void mark_done_with_next_write(const std::string& run_id, const std::string& profile);
  // Sets the run's final state and releases its lock.
  IoStatus finish_run(const std::string& run_id, RunState state);
  // Ends a run that finished normally without a transaction of its own (four fsyncs less at
  // every apply): removes its lock and writes nothing. A recorded run whose lock file is gone
  // has ended, so the journal reads it as done, its pending files too, and its next write
  // records that. A crash before the lock goes leaves the lock behind, and recovery puts the
  // unfinished profile back. A run that recorded nothing leaves no trace.
  void end_run(const std::string& run_id);

  HistoryResult history();
  JournalFilesResult files(const std::string& run_id);

  // Puts back the original bytes of every file of a run ("last": the newest run that is done
  // and changed files), each through a temporary file and a rename, and deletes the files the
  // run created. All or nothing: when a file's current sha256 is not what the run wrote (the
  // user or the client changed it since) nothing is touched, unless `force`. The caller holds
  // no profile lock; rollback takes each profile's lock itself. Marks the run rolled-back.
  RestoreResult rollback(FileSystem& fs, const std::string& run_id_or_last, bool force);

  // Whether <state_dir> may hold a run left in-progress by a process that died, without opening
  // the database: every run holds a lock file (locks/run-<id>.lock) from before it is recorded
  // until after it is final, so a dead run always leaves one behind. False means there is
  // nothing to recover; true means recover_interrupted_runs must look.
  static bool may_hold_interrupted_runs(FileSystem& fs, const std::string& state_dir);

  // Finds runs left in-progress by a process that died (its run lock is there and free; a run
  // whose lock is gone has ended) and rolls each of their unfinished profiles back to the
  // original bytes from the backups (the simpler honest choice: a profile is all-old again,
  // never half-new), removes leftover ".mailmig-tmp-" files in those profiles' folders, and
  // marks the run failed. Also removes the lock file of a run that died before its first write
  // (it has no row to recover). Call before locking any profile.
  // Each profile's lock is waited for up to `lock_timeout` (the run's deadline, at most).
  RecoveryResult recover_interrupted_runs(
      FileSystem& fs, std::chrono::milliseconds lock_timeout = kProfileLockTimeout);

 private:
  Journal(std::string state_dir, std::string home, std::unique_ptr<SQLite::Database> database);
  // Why a row may not be acted on ("" when it may): see open().
  std::string out_of_bounds(FileSystem& fs, const JournalFile& file) const;
  // The part of out_of_bounds that holds a row's backup to the run's backup folder.
  std::string backup_out_of_bounds(FileSystem& fs, const JournalFile& file) const;
  RestoreResult restore_files(FileSystem& fs, const std::string& run_id,
                              const std::vector<JournalFile>& files, bool force,
                              std::vector<std::string>* removed_temp_files,
                              std::chrono::milliseconds lock_timeout = kProfileLockTimeout);

  void remove_orphan_run_locks(FileSystem& fs, const std::vector<JournalRun>& runs);
  void make_schema_if_missing();
  bool has_schema();
  void record_pending_run(const std::string& run_id);
  void record_done_profiles();
  std::vector<std::string> ended_runs();  // recorded in-progress, their lock gone
  void record_ended_runs(const std::vector<std::string>& run_ids);
  bool has_ended(const std::string& run_id, RunState recorded_state) const;
  void release_run_lock(const std::string& run_id);

  std::string state_dir_;
  std::string home_;
  RegistryRestorer* registry_ = nullptr;
  std::unique_ptr<SQLite::Database> database_;
  bool schema_ready_ = false;
  std::vector<RunInfo> pending_runs_;                               // begun, not yet written
  std::vector<std::pair<std::string, std::string>> done_profiles_;  // (run, profile) to mark
  std::vector<std::unique_ptr<FileLock>> run_locks_;
};

// A random UUID version 4 from the kernel's generator: "3f2b...-....-4...-[89ab]...-...".
std::string make_run_id();
// The current time in UTC: "2026-11-23T21:30:00Z".
std::string utc_now_iso8601();

}  // namespace mailmig
