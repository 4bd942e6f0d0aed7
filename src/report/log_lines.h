// The --log file: logfmt, one line an event, so a help desk's tools can split every line into
// fields whatever a profile's path or error holds (format: docs/log-format.md).
#pragma once

#include <string>
#include <string_view>

#include "src/model/run_result.h"

namespace mailmig {

// The lines to append for one run: a line a profile (event=profile), then one with the run's
// totals (event=done). Each line starts with time=<timestamp>; path and error are always quoted,
// other values are quoted when they hold anything but letters, digits and "-._:/@+". Never a
// secret.
std::string format_log_lines(const RunResult& run, std::string_view timestamp);

}  // namespace mailmig
