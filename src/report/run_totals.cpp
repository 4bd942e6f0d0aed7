#include "src/report/run_totals.h"

namespace mailmig {

RunTotals count_run_totals(const RunResult& run) {
  RunTotals totals;
  for (const ProfileResult& profile : run.profiles) {
    ++totals.profiles;
    totals.findings += profile.findings.size();
    if (profile.status == ProfileStatus::Error) ++totals.errors;
    if (profile.status == ProfileStatus::ClientRunning) ++totals.client_running;
    for (const FileResult& file : profile.files) totals.files_changed += file.changed ? 1 : 0;
    for (const AccountResult& account : profile.accounts) {
      ++totals.accounts;
      totals.changes += account.changes.size();
      totals.findings += account.findings.size();
    }
  }
  return totals;
}

}  // namespace mailmig
