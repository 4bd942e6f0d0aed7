// A whole report of a run whose accounts were all kept in its RunResult (tests, and callers that
// hold the whole run), written by a report that otherwise receives each account as it is planned.
#pragma once

#include <sstream>
#include <string>

#include "src/model/run_result.h"

namespace mailmig {

// Report is a RunReportSink with `write(const RunResult&, std::ostream&)`.
template <typename Report>
std::string report_of_kept_run(const RunResult& run) {
  Report report;
  report.run_begun(run.info);
  for (const ProfileResult& profile : run.profiles) {
    for (const AccountResult& account : profile.accounts) report.account(profile, account);
    report.profile_done(profile);
  }
  std::ostringstream text;
  report.write(run, text);
  return text.str();
}

}  // namespace mailmig
