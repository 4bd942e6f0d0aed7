#include "src/app/safe_apply.h"

#include <algorithm>
#include <boost/filesystem.hpp>

#include "parsers/clients/client_list.h"
#include "parsers/clients/thunderbird/thunderbird_client.h"
#include "src/i18n/i18n.h"
#include "src/io/file_transaction.h"
#include "src/io/registry_journal.h"
#include "src/io/state_dir.h"
#include "src/util/text_sanitize.h"

namespace mailmig {
namespace {

// The folder no write may leave: the profile folder, or the folder of a single-file profile.
std::string profile_root(const std::string& path) {
  boost::system::error_code ignored;
  const boost::filesystem::path profile(path);
  return boost::filesystem::is_directory(profile, ignored) ? profile.string()
                                                           : profile.parent_path().string();
}

// What the accounts must read after the write: the same as the bytes planned in memory.
std::string compare_accounts(const std::vector<Account>& planned,
                             const std::vector<Account>& written) {
  if (planned == written) return {};
  return "the written file does not read back the planned settings";
}

// A profile whose transaction did not commit is as it was: no file changed, no change made.
void report_not_written(ProfileResult& result, const std::string& error) {
  result.status = ProfileStatus::Error;
  result.error = error;
  for (FileResult& file : result.files) file.changed = false;
  for (AccountResult& account : result.accounts) account.changes.clear();
}

// A running client rewrites its settings when it exits: the profile is skipped, with advice.
void skip_if_client_running(const ProfileLocation& location, ProfileResult& result) {
  const RunningClientCheck running =
      check_client_running(provisional_client(location), location.path);
  if (running.running) {
    result.status = ProfileStatus::ClientRunning;
    result.error = running.message();
    result.error_localized = running.localized_message();
  }
}

// A program path as a person types it: quoted when it holds a space or a shell character.
std::string shell_word(const std::string& path) {
  std::string shown = printable(path);
#ifdef _WIN32
  if (shown.find_first_of(" &()^") == std::string::npos) return shown;
  return "\"" + shown + "\"";
#else
  if (shown.find_first_of(" \t'\"$`\\!&;()<>|*?[]#~{}") == std::string::npos) return shown;
  std::string quoted = "'";
  for (const char c : shown) quoted += c == '\'' ? std::string("'\\''") : std::string(1, c);
  return quoted + "'";
#endif
}

}  // namespace

SafeApply::SafeApply(const MigrationOptions& options, const RunInfo& info)
    : options_(options), info_(info) {
  if (options.command != Command::Apply) return;
  active_ = true;
  StateDirOptions state_options;
  state_options.state_dir = options.state_dir;
  if (options.home_given) state_options.home = options.home;
  const StateDirResult state = resolve_state_dir(state_options);
  if (!state) {
    setup_error_ = state.error;
    return;
  }
  state_dir_ = state.path;
  // A run killed earlier is finished first: its profiles go back to their original bytes. The
  // journal is opened only for that, or once a profile has something to write: a login-script
  // run that finds nothing to do costs no database work and adds no empty run to the history.
  if (!Journal::may_hold_interrupted_runs(fs_, state_dir_)) return;
  if (!open_journal()) return;
  const RecoveryResult recovered = journal_->recover_interrupted_runs(
      fs_, options.timeout.count() > 0
               ? std::min<std::chrono::milliseconds>(kProfileLockTimeout, options.timeout)
               : kProfileLockTimeout);
  if (!recovered) setup_error_ = recovered.error;
  refused_journal_rows_ = recovered.refused;
}

bool SafeApply::open_journal() {
  JournalOpenResult opened = Journal::open(state_dir_, options_.home_given ? options_.home : "");
  if (!opened) {
    setup_error_ = opened.error;
    return false;
  }
  journal_ = std::move(opened.journal);
  if (registry_restorer_.available()) journal_->set_registry_restorer(&registry_restorer_);
  return true;
}

bool SafeApply::begin_run(ProfileResult& result) {
  if (run_begun_) return true;
  if (setup_error_.empty() && (journal_ || open_journal())) {
    if (IoStatus begun = journal_->begin_run(info_); !begun) setup_error_ = begun.error;
  }
  if (!setup_error_.empty()) {
    report_not_written(result, setup_error_);
    return false;
  }
  run_begun_ = true;
  return true;
}

SafeApply::~SafeApply() = default;

std::unique_ptr<FileLock> SafeApply::enter_profile(const ProfileLocation& location,
                                                   ProfileResult& result,
                                                   std::chrono::milliseconds lock_timeout,
                                                   bool& lock_timed_out) {
  if (!active_) {
    // plan says so too, so that a census counts the machine and a person hears it before
    // being asked to apply (issue 15).
    if (options_.command == Command::Plan) skip_if_client_running(location, result);
    return nullptr;
  }
  if (!setup_error_.empty()) {
    result.status = ProfileStatus::Error;
    result.error = setup_error_;
    return nullptr;
  }
  // The live registry has no folder to lock: it has one lock per user (registry_lock_path).
  FileLockResult locked = is_registry_profile(location.path)
                              ? acquire_file_lock(registry_lock_path(state_dir_), lock_timeout)
                              : lock_profile(location.path, lock_timeout);
  lock_timed_out = locked.timed_out;
  if (!locked) {
    result.status = ProfileStatus::Error;
    result.error = location.path + ": " + locked.error;
    return nullptr;
  }
  skip_if_client_running(location, result);
  return std::move(locked.lock);
}

void SafeApply::commit(const ProfileLocation& location, const Profile& profile,
                       ProfileResult& result) {
  if (!active_ || result.status != ProfileStatus::Ok) return;
  bool any_change = false;
  for (const FileResult& file : result.files) any_change = any_change || file.changed;
  if (!any_change || !begin_run(result)) return;

  if (const auto* live = dynamic_cast<const LiveOutlookProfile*>(&profile)) {
    commit_live_registry(*live, result);
    return;
  }

  TransactionOptions transaction_options;
  transaction_options.profile_root = profile_root(location.path);
  transaction_options.backup_folder =
      backup_folder_for_run(state_dir_, info_.run_id, options_.backup_dir);
  transaction_options.journal = journal_.get();
  transaction_options.run_id = info_.run_id;
  // Absolute, so that recovery can hold the journal's rows to it (a relative PATH argument).
  transaction_options.profile = absolute_path(location.path);
  FileTransaction transaction(fs_, transaction_options);
  for (const ProfileFile& file : profile.files()) {
    if (IoStatus staged = transaction.stage(file); !staged) {
      report_not_written(result, staged.error);
      return;
    }
  }

  const std::vector<Account> planned = profile.accounts();
  bool reread = false;
  auto verifier = [&](const std::string& path, const std::string& bytes) -> std::string {
    for (const ProfileFile& file : profile.files()) {
      if (file.path == path && file.current() != bytes) {
        return path + ": the bytes read back are not the bytes written";
      }
    }
    if (reread) return {};
    // Every file is in place when the verifier first runs: read the whole profile again.
    reread = true;
    LoadResult again = load_profile(location);
    if (!again) return again.error;
    return compare_accounts(planned, again.profile->accounts());
  };
  if (IoStatus committed = transaction.commit(verifier); !committed) {
    report_not_written(result, committed.error);
    return;
  }
  wrote_files_ = true;
  for (FileResult& file_result : result.files) {
    for (const StagedFile& staged : transaction.files()) {
      if (staged.path == file_result.path) file_result.backup_path = staged.backup_path;
    }
  }
}

void SafeApply::commit_live_registry(const LiveOutlookProfile& profile, ProfileResult& result) {
  LiveRegistryCommit options;
  options.backup_folder = backup_folder_for_run(state_dir_, info_.run_id, options_.backup_dir);
  options.journal = journal_.get();
  options.run_id = info_.run_id;
  const std::vector<Account> planned = profile.accounts();
  const auto verify = [&]() -> std::string {
    LoadResult again = load_live_registry_profile(profile.client(), profile.path());
    if (!again) return again.error;
    return compare_accounts(planned, again.profile->accounts());
  };
  std::string backup_path;
  if (IoStatus committed = mailmig::commit_live_registry(profile, options, verify, backup_path);
      !committed) {
    report_not_written(result, committed.error);
    return;
  }
  wrote_files_ = true;
  for (FileResult& file_result : result.files) {
    if (file_result.path == profile.path()) file_result.backup_path = backup_path;
  }
}

void SafeApply::finish(RunResult& result) {
  // Rows of a hostile or damaged journal that recovery left alone: errors of this run.
  for (const std::string& refused : refused_journal_rows_) {
    ProfileResult journal_row;
    // Reported, as always, under Thunderbird's id and name: the row belongs to no client.
    journal_row.client = kThunderbird;
    journal_row.path = join_path(state_dir_, "journal.sqlite");
    journal_row.status = ProfileStatus::Error;
    journal_row.error = refused;
    result.profiles.push_back(std::move(journal_row));
  }
  if (!run_begun_) return;
  // Each profile committed or rolled back on its own; the run is done either way, and a profile
  // that failed is untouched (its error is in the result).
  journal_->end_run(info_.run_id);
}

std::string SafeApply::undo_advice() const {
  if (!wrote_files_) return {};
  return fill_placeholders(
      translate(N_("Backups of the original files are in {folder}.\nTo undo this run: {program} "
                   "rollback{run}{state}\n")),
      {{"folder", printable(path_for_people(
                      backup_folder_for_run(state_dir_, info_.run_id, options_.backup_dir)))},
       {"program", shell_word(options_.program)},
       {"run", options_.undo_the_last_run ? std::string() : " " + printable(info_.run_id)},
       {"state", !options_.state_dir.empty()
                     ? " --state-dir " + shell_word(path_for_people(state_dir_))
                 : options_.home_given ? " --home " + shell_word(path_for_people(options_.home))
                                       : std::string()}});
}

}  // namespace mailmig
