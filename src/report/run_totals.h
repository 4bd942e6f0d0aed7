// The figures at the end of every report of one run, counted in one place so JSON and text agree.
#pragma once

#include <cstddef>

#include "src/model/run_result.h"

namespace mailmig {

struct RunTotals {
  std::size_t profiles = 0;
  std::size_t accounts = 0;
  std::size_t changes = 0;
  std::size_t files_changed = 0;  // planned (plan) or written (apply)
  std::size_t findings = 0;       // about accounts and about whole profiles
  std::size_t errors = 0;         // profiles with status error
  std::size_t client_running = 0;
  // Steps a person must do (action-required findings, about accounts and whole profiles): the
  // run is not done while there are any.
  std::size_t action_required = 0;
};

// The accounts of one profile: those handed on as they were planned and those kept.
AccountTally tally_accounts(const ProfileResult& profile);

// The action-required findings of one profile: its own and its accounts'.
std::size_t count_action_required(const ProfileResult& profile);

RunTotals count_run_totals(const RunResult& run);

}  // namespace mailmig
