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

}  // namespace mailmig
