#include "src/io/journal.h"

#include <SQLiteCpp/Database.h>
#include <SQLiteCpp/Exception.h>
#include <SQLiteCpp/Statement.h>
#include <SQLiteCpp/Transaction.h>

#include <algorithm>
#include <cerrno>
#include <ctime>
#include <map>
#include <set>
#include <stdexcept>

#include "src/io/file_transaction.h"
#include "src/io/registry_journal.h"
#include "src/io/state_dir.h"
#include "src/util/digest.h"
#include "src/util/utc_time.h"

namespace mailmig {
namespace {

constexpr int kBusyTimeoutMs = 60000;  // another run may hold the database while it commits

RunState parse_run_state(const std::string& text) {
  if (text == "done") return RunState::Done;
  if (text == "rolled-back") return RunState::RolledBack;
  if (text == "failed") return RunState::Failed;
  return RunState::InProgress;
}

FileState parse_file_state(const std::string& text) {
  if (text == "done") return FileState::Done;
  if (text == "rolled-back") return FileState::RolledBack;
  return FileState::Pending;
}

std::string journal_error(const std::string& state_dir, const std::exception& error) {
  return join_path(state_dir, "journal.sqlite") + ": journal failed: " + error.what();
}

std::string run_lock_path(const std::string& state_dir, const std::string& run_id) {
  return join_path(join_path(state_dir, "locks"), "run-" + run_id + ".lock");
}

bool run_lock_exists(const std::string& state_dir, const std::string& run_id) {
  RealFileSystem fs;
  const StatResult lock = fs.lstat(run_lock_path(state_dir, run_id));
  return !lock || lock.status.type != FileType::Missing;
}

JournalFile read_file_row(const SQLite::Statement& row) {
  JournalFile file;
  file.run_id = row.getColumn(0).getString();
  file.profile = row.getColumn(1).getString();
  file.path = row.getColumn(2).getString();
  file.backup_path = row.getColumn(3).getString();
  file.sha256_before = row.getColumn(4).getString();
  file.sha256_after = row.getColumn(5).getString();
  file.created = row.getColumn(6).getInt() != 0;
  file.state = parse_file_state(row.getColumn(7).getString());
  return file;
}

std::vector<std::string> path_components(const std::string& relative) {
  std::vector<std::string> components;
  std::size_t start = 0;
  while (start <= relative.size()) {
    std::size_t end = relative.find('/', start);
    if (end == std::string::npos) end = relative.size();
    components.push_back(relative.substr(start, end - start));
    start = end + 1;
  }
  return components;
}

// An absolute path spelled without empty, "." or ".." components.
bool is_plain_absolute(const std::string& path) {
  const std::size_t root = absolute_root_length(path);
  if (root == 0 || path.size() <= root) return false;
  for (const std::string& component : path_components(path.substr(root))) {
    if (component.empty() || component == "." || component == "..") return false;
  }
  return true;
}

// `path` is `folder` or inside it, component by component.
bool is_within(const std::string& path, const std::string& folder) {
  if (folder == "/") return !path.empty() && path.front() == '/';
  return path.compare(0, folder.size(), folder) == 0 &&
         (path.size() == folder.size() || path[folder.size()] == '/');
}

// Run ids name lock files and backup folders: nothing that could climb out of them.
bool is_safe_run_id(const std::string& run_id) {
  return !run_id.empty() && run_id.size() <= 64 &&
         std::all_of(run_id.begin(), run_id.end(), [](char c) {
           return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
                  c == '-' || c == '_';
         });
}

// A state folder that another user owns, or can write, is not this user's journal.
std::string untrusted_owner(const std::string& path, const FileStatus& status) {
  if (status.uid != current_user_id()) {
    return path + ": refused: owned by uid " + std::to_string(status.uid) +
           ", not by the user running mailmig (uid " + std::to_string(current_user_id()) + ")";
  }
  if ((status.mode & 022) != 0) return path + ": refused: writable by its group or others";
  return {};
}

// The state folder and, below `home`, each of its parents that exists must be a real folder:
// a symbolic link would send the journal, the locks and the backups wherever its owner points.
std::string symlinked_state_component(const std::string& home, const std::string& state_dir) {
  RealFileSystem fs;
  std::string current = parent_folder(state_dir);
  std::string below = file_name(state_dir);
  if (!home.empty() && state_dir != home && is_within(state_dir, home)) {
    current = home;
    below = state_dir.substr(home.size() + 1);
  }
  for (const std::string& component : path_components(below)) {
    if (component.empty()) continue;
    current = join_path(current, component);
    const StatResult status = fs.lstat(current);
    if (!status) return status.error;
    if (status.status.type == FileType::Missing) return {};
    if (status.status.type == FileType::Symlink) {
      return current + ": refused: a symbolic link (mailmig's state folder must be a real folder)";
    }
    if (status.status.type != FileType::Directory) return current + ": refused: not a folder";
  }
  return {};
}

std::string joined(const std::vector<std::string>& messages) {
  std::string text;
  for (const std::string& message : messages) text += (text.empty() ? "" : "; ") + message;
  return text;
}

}  // namespace

std::string_view to_string(RunState state) {
  switch (state) {
    case RunState::InProgress:
      return "in-progress";
    case RunState::Done:
      return "done";
    case RunState::RolledBack:
      return "rolled-back";
    case RunState::Failed:
      return "failed";
  }
  return "failed";
}

std::string_view to_string(FileState state) {
  switch (state) {
    case FileState::Pending:
      return "pending";
    case FileState::Done:
      return "done";
    case FileState::RolledBack:
      return "rolled-back";
  }
  return "pending";
}

std::string_view to_string(RestoreAction action) {
  switch (action) {
    case RestoreAction::Restored:
      return "restored";
    case RestoreAction::Deleted:
      return "deleted";
    case RestoreAction::AlreadyOriginal:
      return "already-original";
    case RestoreAction::Refused:
      return "refused";
    case RestoreAction::Failed:
      return "failed";
  }
  return "failed";
}

Journal::Journal(std::string state_dir, std::string home,
                 std::unique_ptr<SQLite::Database> database)
    : state_dir_(std::move(state_dir)), home_(std::move(home)), database_(std::move(database)) {}

Journal::~Journal() = default;

JournalOpenResult Journal::open(const std::string& state_dir_given, const std::string& home_given) {
  JournalOpenResult result;
  const std::string state_dir = without_trailing_slashes(state_dir_given);
  const std::string home = home_given.empty() ? "" : absolute_path(home_given);
  // Checked before make_folders (which would create folders through a link) and after it.
  if (std::string refused = symlinked_state_component(home, state_dir); !refused.empty()) {
    result.error = refused;
    return result;
  }
  RealFileSystem fs;
  if (IoStatus made = fs.make_folders(state_dir, 0700); !made) {
    result.error = made.error;
    return result;
  }
  if (std::string refused = symlinked_state_component(home, state_dir); !refused.empty()) {
    result.error = refused;
    return result;
  }
  OpenedFolder folder = fs.open_folder(state_dir);
  if (!folder) {
    result.error = folder.error();
    return result;
  }
  if (std::string refused = untrusted_owner(state_dir, folder.status()); !refused.empty()) {
    result.error = refused;
    return result;
  }
  const std::string path = join_path(state_dir, "journal.sqlite");
  // Created here so that it is 0600 from the start; SQLite gives its own journal files the
  // database's mode. Another run may create it meanwhile (EEXIST): that one is checked below.
  if (fs.stat_in(folder, "journal.sqlite").status.type == FileType::Missing) {
    OpenedFile created = fs.create_new_file(folder, "journal.sqlite", 0600);
    if (!created && errno != EEXIST) {
      result.error = created.error;
      return result;
    }
    fs.close_file(created);
  }
  const StatResult file = fs.stat_in(folder, "journal.sqlite");
  if (!file || file.status.type != FileType::Regular) {
    result.error = path + ": refused: not a regular file";
    return result;
  }
  if (std::string refused = untrusted_owner(path, file.status); !refused.empty()) {
    result.error = refused;
    return result;
  }
  if (IoStatus mode = fs.change_mode(path, 0600); !mode) {
    result.error = mode.error;
    return result;
  }
  try {
    auto database = std::make_unique<SQLite::Database>(
        path, SQLite::OPEN_READWRITE | SQLite::OPEN_CREATE, kBusyTimeoutMs);
    const int version = database->execAndGet("PRAGMA user_version").getInt();
    if (version > kSchemaVersion) {
      result.error = path + ": the journal was written by a newer mailmig (schema " +
                     std::to_string(version) + ")";
      return result;
    }
    result.journal.reset(new Journal(state_dir, home, std::move(database)));
  } catch (const std::exception& error) {
    result.error = journal_error(state_dir, error);
  }
  return result;
}

// Each write runs in one IMMEDIATE transaction: two first runs reading then writing in deferred
// transactions would deadlock ("database is locked" without waiting); taking the write lock
// first makes them queue. The schema is made by the first write (so a fresh journal costs no
// transaction of its own), checked under the lock since another run may have made it; it is
// known to exist once a write has committed.
void Journal::make_schema_if_missing() {
  if (schema_ready_) return;
  const int version = database_->execAndGet("PRAGMA user_version").getInt();
  if (version > kSchemaVersion) {
    throw std::runtime_error("the journal was written by a newer mailmig (schema " +
                             std::to_string(version) + ")");
  }
  if (version == 0) {
    database_->exec(
        "CREATE TABLE runs ("
        " id TEXT PRIMARY KEY, time TEXT NOT NULL, machine TEXT NOT NULL, user TEXT NOT NULL,"
        " mailmig_version TEXT NOT NULL, policy_name TEXT NOT NULL,"
        " policy_hash TEXT NOT NULL, command TEXT NOT NULL, state TEXT NOT NULL);"
        "CREATE TABLE files ("
        " run_id TEXT NOT NULL REFERENCES runs(id), profile TEXT NOT NULL,"
        " path TEXT NOT NULL, backup_path TEXT NOT NULL, sha256_before TEXT NOT NULL,"
        " sha256_after TEXT NOT NULL, created INTEGER NOT NULL, state TEXT NOT NULL,"
        " PRIMARY KEY (run_id, path));"
        "PRAGMA user_version = 1;");
  }
}

// Reads find an empty journal until some run has written to it.
bool Journal::has_schema() {
  if (!schema_ready_) schema_ready_ = database_->execAndGet("PRAGMA user_version").getInt() != 0;
  return schema_ready_;
}

// Inside a write transaction: the run's row, when begin_run left it for the first write.
void Journal::record_pending_run(const std::string& run_id) {
  const auto pending = std::find_if(pending_runs_.begin(), pending_runs_.end(),
                                    [&](const RunInfo& info) { return info.run_id == run_id; });
  if (pending == pending_runs_.end()) return;
  SQLite::Statement insert(*database_,
                           "INSERT INTO runs (id, time, machine, user, mailmig_version,"
                           " policy_name, policy_hash, command, state)"
                           " VALUES (?, ?, ?, ?, ?, ?, ?, ?, 'in-progress')");
  insert.bind(1, pending->run_id);
  insert.bind(2, pending->time);
  insert.bind(3, pending->machine);
  insert.bind(4, pending->user);
  insert.bind(5, pending->mailmig_version);
  insert.bind(6, pending->policy_name);
  insert.bind(7, pending->policy_hash);
  insert.bind(8, pending->command);
  insert.exec();
}

void Journal::mark_done_with_next_write(const std::string& run_id, const std::string& profile) {
  done_profiles_.emplace_back(run_id, profile);
}

// Inside a write transaction: the profiles committed since the last write.
void Journal::record_done_profiles() {
  SQLite::Statement update(*database_,
                           "UPDATE files SET state = 'done' WHERE run_id = ? AND profile = ?");
  for (const auto& [run_id, profile] : done_profiles_) {
    update.bind(1, run_id);
    update.bind(2, profile);
    update.exec();
    update.reset();
  }
}

bool Journal::has_ended(const std::string& run_id, RunState recorded_state) const {
  return recorded_state == RunState::InProgress && !run_lock_exists(state_dir_, run_id);
}

std::vector<std::string> Journal::ended_runs() {
  std::vector<std::string> ended;
  SQLite::Statement query(*database_, "SELECT id FROM runs WHERE state = 'in-progress'");
  while (query.executeStep()) {
    std::string run_id = query.getColumn(0).getString();
    if (has_ended(run_id, RunState::InProgress)) ended.push_back(std::move(run_id));
  }
  return ended;
}

// Inside a write transaction: what the reads already show for runs that ended (end_run).
void Journal::record_ended_runs(const std::vector<std::string>& run_ids) {
  SQLite::Statement run(*database_, "UPDATE runs SET state = 'done' WHERE id = ?");
  SQLite::Statement files(*database_,
                          "UPDATE files SET state = 'done' WHERE run_id = ? AND state = 'pending'");
  for (const std::string& run_id : run_ids) {
    run.bind(1, run_id);
    run.exec();
    run.reset();
    files.bind(1, run_id);
    files.exec();
    files.reset();
  }
}

void Journal::release_run_lock(const std::string& run_id) {
  const std::string lock_path = run_lock_path(state_dir_, run_id);
  const auto held = std::find_if(run_locks_.begin(), run_locks_.end(),
                                 [&](const auto& lock) { return lock->path() == lock_path; });
  if (held != run_locks_.end()) {
    remove_file(lock_path);
    run_locks_.erase(held);
  }
}

IoStatus Journal::begin_run(const RunInfo& info) {
  if (info.run_id.empty()) return {"journal: begin_run needs a run id"};
  FileLockResult lock =
      acquire_file_lock(run_lock_path(state_dir_, info.run_id), std::chrono::milliseconds(0));
  if (!lock) return {lock.error};
  pending_runs_.push_back(info);
  run_locks_.push_back(std::move(lock.lock));
  return {};
}

IoStatus Journal::record_files(const std::vector<JournalFile>& files) {
  std::set<std::string> run_ids;
  for (const JournalFile& file : files) run_ids.insert(file.run_id);
  const bool first_write =
      std::any_of(pending_runs_.begin(), pending_runs_.end(),
                  [&](const RunInfo& info) { return run_ids.count(info.run_id) != 0; });
  if (first_write) {
    // The run's lock file reaches the disk before its row does (see end_run).
    RealFileSystem fs;
    if (IoStatus synced = fs.fsync_folder(join_path(state_dir_, "locks")); !synced) return synced;
  }
  try {
    SQLite::Transaction transaction(*database_, SQLite::TransactionBehavior::IMMEDIATE);
    make_schema_if_missing();
    record_ended_runs(ended_runs());
    for (const std::string& run_id : run_ids) record_pending_run(run_id);
    record_done_profiles();
    SQLite::Statement insert(*database_,
                             "INSERT OR REPLACE INTO files (run_id, profile, path, backup_path,"
                             " sha256_before, sha256_after, created, state)"
                             " VALUES (?, ?, ?, ?, ?, ?, ?, ?)");
    for (const JournalFile& file : files) {
      insert.bind(1, file.run_id);
      insert.bind(2, file.profile);
      insert.bind(3, file.path);
      insert.bind(4, file.backup_path);
      insert.bind(5, file.sha256_before);
      insert.bind(6, file.sha256_after);
      insert.bind(7, file.created ? 1 : 0);
      insert.bind(8, std::string(to_string(file.state)));
      insert.exec();
      insert.reset();
    }
    transaction.commit();
    schema_ready_ = true;
  } catch (const std::exception& error) {
    return {journal_error(state_dir_, error)};
  }
  done_profiles_.clear();
  std::erase_if(pending_runs_, [&](const RunInfo& info) {
    return std::any_of(files.begin(), files.end(),
                       [&](const JournalFile& file) { return file.run_id == info.run_id; });
  });
  return {};
}

IoStatus Journal::set_files_state(const std::string& run_id, const std::string& profile,
                                  FileState state) {
  try {
    SQLite::Statement update(*database_,
                             "UPDATE files SET state = ? WHERE run_id = ? AND profile = ?");
    update.bind(1, std::string(to_string(state)));
    update.bind(2, run_id);
    update.bind(3, profile);
    update.exec();
  } catch (const std::exception& error) {
    return {journal_error(state_dir_, error)};
  }
  return {};
}

IoStatus Journal::finish_run(const std::string& run_id, RunState state) {
  try {
    SQLite::Transaction transaction(*database_, SQLite::TransactionBehavior::IMMEDIATE);
    make_schema_if_missing();
    record_ended_runs(ended_runs());
    record_pending_run(run_id);
    record_done_profiles();
    SQLite::Statement update(*database_, "UPDATE runs SET state = ? WHERE id = ?");
    update.bind(1, std::string(to_string(state)));
    update.bind(2, run_id);
    update.exec();
    transaction.commit();
    schema_ready_ = true;
  } catch (const std::exception& error) {
    return {journal_error(state_dir_, error)};
  }
  done_profiles_.clear();
  std::erase_if(pending_runs_, [&](const RunInfo& info) { return info.run_id == run_id; });
  // The state is final before the lock goes: a recoverer that takes the lock re-reads it.
  release_run_lock(run_id);
  return {};
}

void Journal::end_run(const std::string& run_id) {
  std::erase_if(done_profiles_, [&](const auto& done) { return done.first == run_id; });
  std::erase_if(pending_runs_, [&](const RunInfo& info) { return info.run_id == run_id; });
  release_run_lock(run_id);
}

HistoryResult Journal::history() {
  HistoryResult result;
  try {
    if (!has_schema()) return result;
    SQLite::Statement query(*database_,
                            "SELECT id, time, machine, user, mailmig_version, policy_name,"
                            " policy_hash, command, state FROM runs ORDER BY rowid DESC");
    while (query.executeStep()) {
      JournalRun run;
      run.info.run_id = query.getColumn(0).getString();
      run.info.time = query.getColumn(1).getString();
      run.info.machine = query.getColumn(2).getString();
      run.info.user = query.getColumn(3).getString();
      run.info.mailmig_version = query.getColumn(4).getString();
      run.info.policy_name = query.getColumn(5).getString();
      run.info.policy_hash = query.getColumn(6).getString();
      run.info.command = query.getColumn(7).getString();
      run.state = parse_run_state(query.getColumn(8).getString());
      if (has_ended(run.info.run_id, run.state)) run.state = RunState::Done;
      result.runs.push_back(std::move(run));
    }
  } catch (const std::exception& error) {
    result.error = journal_error(state_dir_, error);
  }
  return result;
}

JournalFilesResult Journal::files(const std::string& run_id) {
  JournalFilesResult result;
  try {
    if (!has_schema()) return result;
    SQLite::Statement query(*database_,
                            "SELECT run_id, profile, path, backup_path, sha256_before,"
                            " sha256_after, created, state FROM files WHERE run_id = ?"
                            " ORDER BY rowid");
    query.bind(1, run_id);
    while (query.executeStep()) result.files.push_back(read_file_row(query));
    SQLite::Statement run(*database_, "SELECT state FROM runs WHERE id = ?");
    run.bind(1, run_id);
    if (run.executeStep() && has_ended(run_id, parse_run_state(run.getColumn(0).getString()))) {
      for (JournalFile& file : result.files) {
        if (file.state == FileState::Pending) file.state = FileState::Done;
      }
    }
  } catch (const std::exception& error) {
    result.error = journal_error(state_dir_, error);
  }
  return result;
}

std::string Journal::out_of_bounds(FileSystem& fs, const JournalFile& file) const {
  if (!is_safe_run_id(file.run_id)) return "journal row names an invalid run id: refused";
  if (is_registry_profile(file.profile)) {
    if (registry_ == nullptr) {
      return "journal row names a registry value, which this system has no registry for: " +
             file.profile + ": refused";
    }
    // The registry mailmig can reach is the running user's, never the one of a --home.
    if (!home_.empty()) {
      return "journal row names a registry value, and the home " + home_ +
             " holds no registry: " + file.profile + ": refused";
    }
    if (std::string why = registry_->out_of_bounds(file); !why.empty()) return why;
    return backup_out_of_bounds(fs, file);
  }
  if (!is_plain_absolute(file.path) || !is_plain_absolute(file.profile)) {
    return "journal row names a path that is not absolute or holds \".\" or \"..\": " + file.path +
           ": refused";
  }
  // The folder the row may write in: the profile folder, or the folder of a single-file profile
  // (a .reg export gets its .undo.reg beside it).
  const std::string folder = fs.lstat(file.profile).status.type == FileType::Directory
                                 ? file.profile
                                 : parent_folder(file.profile);
  if (!is_within(file.path, folder) || file.path == folder) {
    return "journal row names a file outside its profile folder " + folder + ": " + file.path +
           ": refused";
  }
  const PathResult real_folder = fs.real_path(folder);
  if (!real_folder)
    return "journal row names a file in a missing folder: " + file.path + ": refused";
  if (!home_.empty()) {
    const PathResult real_home = fs.real_path(home_);
    if (!real_home || !is_within(real_folder.path, real_home.path)) {
      return "journal row names a file outside the home " + home_ + ": " + file.path + ": refused";
    }
  }
  // Below that folder no component may be a symbolic link: each is looked at as it is.
  std::string current = real_folder.path;
  for (const std::string& component : path_components(file.path.substr(folder.size() + 1))) {
    current = join_path(current, component);
    if (fs.lstat(current).status.type == FileType::Symlink) {
      return "journal row names a file through a symbolic link: " + file.path + ": refused";
    }
  }
  return backup_out_of_bounds(fs, file);
}

std::string Journal::backup_out_of_bounds(FileSystem& fs, const JournalFile& file) const {
  if (file.created) return {};
  // The backup: in <state>/backups/<run id>/, or in the <run id> folder of a --backup-dir, which
  // this user made private (0700): not any folder that happens to bear the run's name.
  const std::string run_backups = backup_folder_for_run(state_dir_, file.run_id);
  const std::string backup_folder = parent_folder(file.backup_path);
  bool in_run_folder = is_plain_absolute(file.backup_path) && backup_folder == run_backups;
  if (!in_run_folder && is_plain_absolute(file.backup_path) &&
      file_name(backup_folder) == file.run_id) {
    const StatResult status = fs.lstat(backup_folder);
    in_run_folder = status && status.status.type == FileType::Directory &&
                    status.status.uid == current_user_id() && (status.status.mode & 077) == 0;
  }
  if (!in_run_folder || fs.lstat(file.backup_path).status.type == FileType::Symlink) {
    return "journal row names a backup outside " + run_backups + ": " + file.backup_path +
           ": refused";
  }
  return {};
}

RestoreResult Journal::restore_files(FileSystem& fs, const std::string& run_id,
                                     const std::vector<JournalFile>& files, bool force,
                                     std::vector<std::string>* removed_temp_files,
                                     std::chrono::milliseconds lock_timeout) {
  RestoreResult result;
  result.run_id = run_id;

  // Each profile is locked so that no other run writes it while its originals come back. A
  // folder is locked once: single-file profiles side by side share their folder's lock.
  std::map<std::string, std::string> profiles;  // locked folder -> a profile in it
  bool registry_rows = false;  // the live registry has one lock (registry_lock_path)
  for (const JournalFile& file : files) {
    if (is_registry_profile(file.profile)) {
      registry_rows = true;
    } else {
      profiles.emplace(profile_lock_folder(file.profile), file.profile);
    }
  }
  std::vector<std::unique_ptr<FileLock>> locks;
  if (registry_rows) {
    if (registry_ == nullptr) {
      result.error = "no registry on this system";
      return result;
    }
    FileLockResult lock = acquire_file_lock(registry_lock_path(state_dir_), lock_timeout);
    if (!lock) {
      result.error = lock.error;
      return result;
    }
    locks.push_back(std::move(lock.lock));
  }
  for (const auto& [folder, profile] : profiles) {
    FileLockResult lock = lock_profile(profile, lock_timeout);
    if (!lock) {
      result.error = lock.error;
      return result;
    }
    locks.push_back(std::move(lock.lock));
  }

  // First decide for every file; touch nothing while any file is refused.
  struct Plan {
    const JournalFile* file;
    RestoreAction action;
    std::string original;
    FileStatus keep;
  };
  std::vector<Plan> plans;
  bool refused = false;
  for (const JournalFile& file : files) {
    Plan plan{&file, RestoreAction::AlreadyOriginal, {}, {}};
    if (is_registry_profile(file.profile)) {
      RestoredFile outcome = registry_->plan(file, force);
      outcome.registry_value = true;
      plan.action = outcome.action;
      refused = refused || outcome.action == RestoreAction::Refused ||
                outcome.action == RestoreAction::Failed;
      result.files.push_back(std::move(outcome));
      plans.push_back(std::move(plan));
      continue;
    }
    RestoredFile outcome{file.path, RestoreAction::AlreadyOriginal, {}};
    const StatResult now = fs.stat(file.path);
    std::string current_hash;
    if (now && now.status.type == FileType::Regular) {
      const ReadResult current = fs.read_file(file.path);
      if (!current) {
        outcome.action = RestoreAction::Failed;
        outcome.message = current.error;
      } else {
        current_hash = sha256_hex(current.bytes);
      }
      plan.keep = now.status;
    } else if (!now) {
      outcome.action = RestoreAction::Failed;
      outcome.message = now.error;
    }
    const bool exists = now && now.status.type != FileType::Missing;
    if (outcome.action != RestoreAction::Failed) {
      const bool is_original = file.created ? !exists : current_hash == file.sha256_before;
      if (is_original) {
        plan.action = RestoreAction::AlreadyOriginal;
      } else if (current_hash != file.sha256_after && !force) {
        plan.action = RestoreAction::Refused;
        outcome.message = exists ? "changed since mailmig wrote it (use --force to restore anyway)"
                                 : "removed since mailmig wrote it (use --force to restore anyway)";
        refused = true;
      } else if (file.created) {
        plan.action = RestoreAction::Deleted;
      } else {
        plan.action = RestoreAction::Restored;
        const ReadResult backup = fs.read_file(file.backup_path);
        if (!backup) {
          outcome.action = RestoreAction::Failed;
          outcome.message = backup.error;
        } else if (sha256_hex(backup.bytes) != file.sha256_before) {
          outcome.action = RestoreAction::Failed;
          outcome.message = file.backup_path + ": the backup does not hold the original bytes";
        } else {
          plan.original = backup.bytes;
        }
        if (!exists) {
          // Forced back after the user removed it: the owner of the folder, private mode.
          const StatResult folder = fs.stat(parent_folder(file.path));
          plan.keep.mode = 0600;
          plan.keep.uid = folder ? folder.status.uid : 0;
          plan.keep.gid = folder ? folder.status.gid : 0;
        }
      }
    }
    if (outcome.action != RestoreAction::Failed) outcome.action = plan.action;
    if (outcome.action == RestoreAction::Failed) refused = true;
    result.files.push_back(std::move(outcome));
    plans.push_back(std::move(plan));
  }
  if (refused) {
    result.nothing_written = true;
    result.error = "run " + run_id + ": nothing was restored:";
    for (const RestoredFile& file : result.files) {
      if (file.action == RestoreAction::Refused || file.action == RestoreAction::Failed) {
        result.error += " " + file.path + ": " + file.message + ";";
      }
    }
    result.error.pop_back();
    return result;
  }

  std::set<std::string> folders;
  for (std::size_t i = 0; i < plans.size(); ++i) {
    const Plan& plan = plans[i];
    IoStatus status;
    if (is_registry_profile(plan.file->profile)) {
      if (plan.action == RestoreAction::Restored || plan.action == RestoreAction::Deleted) {
        status = registry_->act(*plan.file, plan.action);
      }
    } else if (plan.action == RestoreAction::Restored) {
      status = replace_file_atomically(fs, plan.file->path, plan.original, plan.keep);
    } else if (plan.action == RestoreAction::Deleted) {
      status = remove_file(fs, plan.file->path);
    }
    if (!status) {
      result.files[i].action = RestoreAction::Failed;
      result.files[i].message = status.error;
      if (!result.error.empty()) result.error += "; ";
      result.error += status.error;
    }
    if (!is_registry_profile(plan.file->profile)) folders.insert(parent_folder(plan.file->path));
  }
  for (const std::string& folder : folders) {
    std::vector<std::string> names;
    for (const JournalFile& file : files) {
      if (parent_folder(file.path) == folder) names.push_back(file_name(file.path));
    }
    std::vector<std::string> removed = remove_leftover_temp_files(fs, folder, names);
    if (removed_temp_files != nullptr) {
      removed_temp_files->insert(removed_temp_files->end(), removed.begin(), removed.end());
    }
  }
  if (!result.error.empty()) return result;

  try {
    SQLite::Transaction transaction(*database_, SQLite::TransactionBehavior::IMMEDIATE);
    SQLite::Statement update(
        *database_, "UPDATE files SET state = 'rolled-back' WHERE run_id = ? AND path = ?");
    for (const JournalFile& file : files) {
      update.bind(1, run_id);
      update.bind(2, file.path);
      update.exec();
      update.reset();
    }
    transaction.commit();
  } catch (const std::exception& error) {
    result.error = journal_error(state_dir_, error);
  }
  return result;
}

RestoreResult Journal::rollback(FileSystem& fs, const std::string& run_id_or_last, bool force) {
  RestoreResult result;
  const HistoryResult runs = history();
  if (!runs) {
    result.error = runs.error;
    return result;
  }
  const JournalRun* chosen = nullptr;
  for (const JournalRun& run : runs.runs) {
    if (run_id_or_last == "last") {
      if (run.state != RunState::Done && run.state != RunState::Failed) continue;
      const JournalFilesResult run_files = files(run.info.run_id);
      const bool changed_files =
          std::any_of(run_files.files.begin(), run_files.files.end(),
                      [](const JournalFile& file) { return file.state == FileState::Done; });
      if (!changed_files) continue;
    } else if (run.info.run_id != run_id_or_last) {
      continue;
    }
    chosen = &run;
    break;
  }
  if (chosen == nullptr) {
    result.error = run_id_or_last == "last" ? "no run in the journal changed any file"
                                            : "run " + run_id_or_last + ": not in the journal";
    return result;
  }
  const std::string run_id = chosen->info.run_id;
  result.run_id = run_id;
  if (chosen->state == RunState::RolledBack) {
    result.error = "run " + run_id + ": already rolled back";
    return result;
  }
  // Record the ended runs first: taking the run's lock below makes it look running again.
  try {
    if (const std::vector<std::string> ended = ended_runs(); !ended.empty()) {
      SQLite::Transaction transaction(*database_, SQLite::TransactionBehavior::IMMEDIATE);
      record_ended_runs(ended);
      transaction.commit();
    }
  } catch (const std::exception& error) {
    result.error = journal_error(state_dir_, error);
    return result;
  }
  FileLockResult run_lock =
      acquire_file_lock(run_lock_path(state_dir_, run_id), std::chrono::milliseconds(0));
  if (!run_lock) {
    result.error = "run " + run_id + ": still running in another mailmig process";
    return result;
  }
  const JournalFilesResult run_files = files(run_id);
  if (!run_files) {
    result.error = run_files.error;
    return result;
  }
  std::vector<JournalFile> to_restore;
  std::vector<std::string> refused;
  for (const JournalFile& file : run_files.files) {
    if (file.state == FileState::RolledBack) continue;
    to_restore.push_back(file);
    if (std::string why = out_of_bounds(fs, file); !why.empty()) refused.push_back(why);
  }
  if (!refused.empty()) {
    // Not one file of a run with a row out of bounds is touched: the journal is not to be trusted.
    result.error = "run " + run_id + ": nothing was restored: " + joined(refused);
  } else {
    result = restore_files(fs, run_id, to_restore, force, nullptr);
    if (result) {
      if (IoStatus finished = finish_run(run_id, RunState::RolledBack); !finished) {
        result.error = finished.error;
      }
    }
  }
  remove_file(run_lock.lock->path());
  return result;
}

bool Journal::may_hold_interrupted_runs(FileSystem& fs, const std::string& state_dir) {
  const FolderListing locks = fs.list_folder(join_path(state_dir, "locks"));
  if (!locks)
    return fs.stat(join_path(state_dir, "journal.sqlite")).status.type != FileType::Missing;
  return std::any_of(locks.names.begin(), locks.names.end(),
                     [](const std::string& name) { return name.rfind("run-", 0) == 0; });
}

void Journal::remove_orphan_run_locks(FileSystem& fs, const std::vector<JournalRun>& runs) {
  const std::string folder = join_path(state_dir_, "locks");
  const FolderListing locks = fs.list_folder(folder);
  if (!locks) return;
  for (const std::string& name : locks.names) {
    if (!name.starts_with("run-") || !name.ends_with(".lock")) continue;
    const std::string run_id = name.substr(4, name.size() - 4 - 5);
    const bool recorded = std::any_of(
        runs.begin(), runs.end(), [&](const JournalRun& run) { return run.info.run_id == run_id; });
    if (recorded) continue;  // recovered above, or finished and its lock about to go
    FileLockResult lock = acquire_file_lock(join_path(folder, name), std::chrono::milliseconds(0));
    if (lock) remove_file(lock.lock->path());  // free: its process is gone
  }
}

RecoveryResult Journal::recover_interrupted_runs(FileSystem& fs,
                                                 std::chrono::milliseconds lock_timeout) {
  RecoveryResult result;
  const HistoryResult runs = history();
  if (!runs) {
    result.error = runs.error;
    return result;
  }
  for (const JournalRun& run : runs.runs) {
    if (run.state != RunState::InProgress) continue;
    if (!is_safe_run_id(run.info.run_id)) {
      result.refused.emplace_back("journal row names an invalid run id: refused");
      continue;
    }
    const std::string lock_path = run_lock_path(state_dir_, run.info.run_id);
    FileLockResult run_lock = lock_existing_file(lock_path);
    if (!run_lock) continue;  // alive in another process (or this one), or it has ended

    // Re-read under the lock: the run may have finished before we took it.
    const HistoryResult again = history();
    const auto current =
        std::find_if(again.runs.begin(), again.runs.end(),
                     [&](const JournalRun& r) { return r.info.run_id == run.info.run_id; });
    if (current == again.runs.end() || current->state != RunState::InProgress) continue;

    const JournalFilesResult run_files = files(run.info.run_id);
    if (!run_files) {
      result.error = run_files.error;
      return result;
    }
    // Profiles whose transaction committed keep their new bytes; the unfinished ones go back.
    // A row out of bounds is reported and left alone; the run's other rows are recovered.
    std::vector<JournalFile> unfinished;
    for (const JournalFile& file : run_files.files) {
      if (file.state != FileState::Pending) continue;
      if (std::string why = out_of_bounds(fs, file); !why.empty()) {
        result.refused.push_back("run " + run.info.run_id + ": " + why);
      } else {
        unfinished.push_back(file);
      }
    }
    RestoreResult restored = restore_files(fs, run.info.run_id, unfinished, false,
                                           &result.removed_temp_files, lock_timeout);
    if (restored) {
      if (IoStatus finished = finish_run(run.info.run_id, RunState::Failed); !finished) {
        restored.error = finished.error;
      }
      remove_file(lock_path);
    }
    if (!restored && result.error.empty()) {
      result.error = "an interrupted run could not be rolled back: " + restored.error;
    }
    result.runs.push_back(std::move(restored));
  }
  remove_orphan_run_locks(fs, runs.runs);
  return result;
}

std::string make_run_id() {
  const std::string hex = random_hex(16);
  if (hex.size() != 32) return {};
  std::string id = hex.substr(0, 8) + "-" + hex.substr(8, 4) + "-4" + hex.substr(13, 3) + "-";
  static constexpr char kVariant[] = "89ab";
  id += kVariant[std::stoi(hex.substr(16, 1), nullptr, 16) & 3];
  id += hex.substr(17, 3) + "-" + hex.substr(20, 12);
  return id;
}

std::string utc_now_iso8601() {
  const std::time_t now = std::time(nullptr);
  const std::tm utc = utc_time(now);
  char text[32];
  std::strftime(text, sizeof text, "%Y-%m-%dT%H:%M:%SZ", &utc);
  return text;
}

}  // namespace mailmig
