#include "src/report/run_totals.h"

namespace mailmig {
namespace {

std::size_t action_required_in(const std::vector<Finding>& findings) {
  std::size_t count = 0;
  for (const Finding& finding : findings) count += finding.severity == Severity::ActionRequired;
  return count;
}

}  // namespace

AccountTally tally_accounts(const ProfileResult& profile) {
  AccountTally tally = profile.handed_on;
  for (const AccountResult& account : profile.accounts) tally.add(account);
  return tally;
}

std::size_t count_action_required(const ProfileResult& profile) {
  return action_required_in(profile.findings) + tally_accounts(profile).action_required;
}

RunTotals count_run_totals(const RunResult& run) {
  RunTotals totals;
  for (const ProfileResult& profile : run.profiles) {
    ++totals.profiles;
    totals.findings += profile.findings.size();
    if (profile.status == ProfileStatus::Error) ++totals.errors;
    if (profile.status == ProfileStatus::ClientRunning) ++totals.client_running;
    for (const FileResult& file : profile.files) totals.files_changed += file.changed ? 1 : 0;
    const AccountTally accounts = tally_accounts(profile);
    totals.action_required += action_required_in(profile.findings) + accounts.action_required;
    totals.accounts += accounts.accounts;
    totals.changes += accounts.changes;
    totals.findings += accounts.findings;
  }
  return totals;
}

}  // namespace mailmig
