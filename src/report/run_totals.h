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
  std::size_t findings = 0;  // about accounts and about whole profiles
  std::size_t errors = 0;    // profiles with status error
  std::size_t client_running = 0;
};

RunTotals count_run_totals(const RunResult& run);

}  // namespace mailmig
