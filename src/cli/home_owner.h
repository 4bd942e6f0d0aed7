// Root working on another user's home (`sudo mailmig apply --home /home/u`): the work is done
// by a child process that has become that user for good, so nothing the user controls in the
// home can make root write, read or change anything the user could not. What root names itself
// (--log, --report) is written by the root parent from the bytes the child hands over.
#pragma once

#include <functional>
#include <string>
#include <utility>
#include <vector>

namespace mailmig {

// The outputs root names for a run; empty when not asked for.
struct RunOutputs {
  std::string log_path;   // --log: the formatted lines are appended to it
  std::string report_db;  // --report: the run is added to this SQLite report
};

struct HomeRun {
  std::string home;  // --home as given; empty: the caller's own home
  // --state-dir, --backup-dir: they must lie inside the home when the user is switched.
  std::vector<std::pair<std::string, std::string>> folders_in_home;  // (option, path)
  RunOutputs outputs;
  // apply and rollback: the profiles' files are written (Windows refuses such a run elevated
  // over another user's profile; a plan only reads).
  bool changes_profiles = false;
  std::vector<std::string> profile_paths;  // the PATHs named: on Windows checked as the home is
};

#ifdef _WIN32
// Windows, an administrator's elevated run on a --home or a profile PATH that is not this
// account's (its owner is neither the account nor the account's default owner, as for a copy
// the administrator made): Windows cannot become that user the way root does on Linux, and an
// elevated write could be sent by a link the user planted into any file. Until a safe design
// exists such a run is refused when it changes profiles; a plan or scan, which only reads, goes
// ahead.
struct ElevatedHomeFacts {
  bool elevated = false;
  bool home_given = false;         // a --home or a profile PATH was named
  bool home_is_this_users = true;  // and each of them is this account's
};
bool refuse_elevated_run(const ElevatedHomeFacts& facts, bool changes_profiles);
#endif

// Does `work` (which writes its log and report to the paths it is given) for `run.home`:
// - here, with run.outputs, when the process is not root, when no --home is given, or when
//   the home belongs to root;
// - otherwise in a child that has dropped to the home's owner (its groups, gid and uid,
//   checked to be permanent) before anything of the home is read; the child writes its log
//   and report to a private folder of its own and sends the bytes back through a pipe, and
//   this process appends them to run.outputs. Returns the child's exit status.
// A home that is missing, not a folder, a symlink, or owned by a uid without a passwd entry is
// refused with exit 2, as is a --state-dir or --backup-dir outside the home.
int run_for_home(const HomeRun& run, const std::function<int(const RunOutputs&)>& work);

}  // namespace mailmig
