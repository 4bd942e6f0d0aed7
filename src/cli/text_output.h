// What a person reads: the scan, plan or apply result in plain words, in their language.
#pragma once

#include <memory>
#include <string>
#include <vector>

#include "src/model/profile.h"
#include "src/model/run_result.h"

namespace mailmig {

std::string format_text(const RunResult& result);

// The double-click run's screens (issue 18), short and in plain words:
// - the plan: the accounts to change, what changes (each rule once), warnings once, and the
//   profiles that could not be read or whose client is running;
std::string format_short_plan(const RunResult& plan);
// - after apply: what was done, in the past tense, and what could not be done;
std::string format_short_done(const RunResult& apply);
// - the steps left for a person (action-required findings), numbered; "" when there are none.
std::string format_manual_steps(const RunResult& result);

// A unified diff of every file the run changes (or changed), decoded for display, with every
// secret masked.
std::string format_diff(const std::vector<std::unique_ptr<Profile>>& profiles);

}  // namespace mailmig
