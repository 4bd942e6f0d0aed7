#include "src/report/run_totals.h"

namespace mailmig {
namespace {

std::size_t action_required_in(const std::vector<Finding>& findings) {
  std::size_t count = 0;
  for (const Finding& finding : findings) count += finding.severity == Severity::ActionRequired;
  return count;
}

}  // namespace

std::size_t count_action_required(const ProfileResult& profile) {
  std::size_t count = action_required_in(profile.findings);
  for (const AccountResult& account : profile.accounts) {
    count += action_required_in(account.findings);
  }
  return count;
}

RunTotals count_run_totals(const RunResult& run) {
  RunTotals totals;
  for (const ProfileResult& profile : run.profiles) {
    ++totals.profiles;
    totals.findings += profile.findings.size();
    if (profile.status == ProfileStatus::Error) ++totals.errors;
    if (profile.status == ProfileStatus::ClientRunning) ++totals.client_running;
    totals.action_required += count_action_required(profile);
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
