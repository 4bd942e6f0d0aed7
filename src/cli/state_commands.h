// `mailmig rollback` and `mailmig history`: reading and undoing what earlier runs did.
#pragma once

#include <CLI/CLI.hpp>
#include <string>

namespace mailmig {

struct StateSettings {
  std::string run_id;  // rollback: empty means the last run
  std::string home;
  std::string state_dir;
  std::string format = "text";
  bool force = false;
};

void add_rollback_options(CLI::App& command, StateSettings& settings);
void add_history_options(CLI::App& command, StateSettings& settings);
int run_rollback(const StateSettings& settings);
int run_history(const StateSettings& settings);

// A --home that is not a folder is a usage error (a typo in a login script must not read as a
// home without mail programs): prints "mailmig: --home PATH: no such folder" and returns false.
// An empty `home` (the option not given) is fine.
bool check_home_option(const std::string& home);

}  // namespace mailmig
