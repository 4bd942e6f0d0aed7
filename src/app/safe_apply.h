// The apply command's safe path: one journal a run, one lock and one FileTransaction a profile,
// the running-client check, and a verifier that re-reads what was written. For plan it only
// checks for a running client, for scan it does nothing, so the same run loop serves every
// command.
#pragma once

#include <chrono>
#include <memory>
#include <string>
#include <vector>

#include "src/app/discovery.h"
#include "src/app/live_registry_commit.h"
#include "src/app/migration.h"
#include "src/io/file_system.h"
#include "src/io/journal.h"
#include "src/io/profile_lock.h"

namespace mailmig {

class SafeApply {
 public:
  SafeApply(const MigrationOptions& options, const RunInfo& info);
  ~SafeApply();
  SafeApply(const SafeApply&) = delete;
  SafeApply& operator=(const SafeApply&) = delete;

  // Before a profile is read: takes its lock (waiting up to `lock_timeout`; `lock_timed_out`
  // says whether the wait ran out) and checks that its client is not running. Sets the
  // result's status (and error) when the profile must be skipped. The returned lock is held
  // until it goes out of scope.
  std::unique_ptr<FileLock> enter_profile(const ProfileLocation& location, ProfileResult& result,
                                          std::chrono::milliseconds lock_timeout,
                                          bool& lock_timed_out);

  // Writes the profile's changed files through one transaction; on failure the profile is left
  // as it was and the result says why.
  void commit(const ProfileLocation& location, const Profile& profile, ProfileResult& result);

  // Closes the run in the journal (a run that wrote nothing was never recorded), and adds to
  // the result an error for each journal row that recovery refused to act on.
  void finish(RunResult& result);

  // Where this run's backups are, and how to undo it, for people ("" when nothing was written).
  std::string undo_advice() const;

 private:
  bool open_journal();
  // commit() for a profile in the live registry (src/app/live_registry_commit.h).
  void commit_live_registry(const LiveOutlookProfile& profile, ProfileResult& result);
  // Records the run in the journal before its first write; false (and the profile reported as
  // not written) when the journal cannot be opened.
  bool begin_run(ProfileResult& result);

  MigrationOptions options_;
  RunInfo info_;
  RealFileSystem fs_;
  std::string state_dir_;
  std::string setup_error_;
  // Rows of the live registry, for the recovery of a run killed earlier; before journal_, which
  // refers to it.
  LiveRegistryRestorer registry_restorer_{open_live_registry()};
  std::unique_ptr<Journal> journal_;
  std::vector<std::string> refused_journal_rows_;
  bool active_ = false;  // apply: the other commands write nothing
  bool run_begun_ = false;
  bool wrote_files_ = false;
};

}  // namespace mailmig
