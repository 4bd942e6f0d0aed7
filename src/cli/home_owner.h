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
};

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
