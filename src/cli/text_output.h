// What a person reads: the scan, plan or apply result in plain words, in their language.
#pragma once

#include <memory>
#include <string>
#include <vector>

#include "src/model/profile.h"
#include "src/model/run_result.h"

namespace mailmig {

std::string format_text(const RunResult& result);

// A unified diff of every file the run changes (or changed), decoded for display, with every
// secret masked.
std::string format_diff(const std::vector<std::unique_ptr<Profile>>& profiles);

}  // namespace mailmig
