// Where mailmig keeps its own state: the journal, the locks and the backups.
#pragma once

#include <functional>
#include <optional>
#include <string>

namespace mailmig {

struct StateDirOptions {
  std::string state_dir;  // --state-dir: used as given
  std::string home;       // --home DIR: the state goes to DIR/.local/state/mailmig
};

struct StateDirResult {
  std::string path;
  std::string error;

  explicit operator bool() const { return error.empty(); }
};

using EnvironmentLookup = std::function<std::optional<std::string>(const std::string& name)>;

// The process environment (an unset or empty variable is nullopt).
std::optional<std::string> process_environment(const std::string& name);

// --state-dir, else --home DIR -> DIR/.local/state/mailmig, else $XDG_STATE_HOME/mailmig, else
// ~/.local/state/mailmig ($HOME, else the password database). On Windows %LOCALAPPDATA%\mailmig.
// The result is absolute and lexically normal (a relative --state-dir is taken from the current
// folder): the journal records backup paths under it, and recovery accepts only absolute ones.
StateDirResult resolve_state_dir(const StateDirOptions& options,
                                 const EnvironmentLookup& environment = process_environment);

// `path` made absolute from the current folder, "." and ".." removed lexically, no trailing '/'.
std::string absolute_path(const std::string& path);

// Where one run keeps the original bytes of the files it replaces: <backup_dir>/<run_id> when
// the user named a backup folder (made absolute), else <state_dir>/backups/<run_id>.
std::string backup_folder_for_run(const std::string& state_dir, const std::string& run_id,
                                  const std::string& backup_dir = {});

}  // namespace mailmig
