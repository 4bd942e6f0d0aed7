#include "src/model/run_result.h"

#include <gtest/gtest.h>

namespace mailmig {
namespace {

AccountResult with_change() {
  AccountResult result;
  result.changes.push_back(Change{});
  return result;
}

TEST(AccountStatus, ChangesArePendingInAPlanAndChangedAfterApply) {
  EXPECT_EQ(account_status(AccountResult{}, false), AccountStatus::Done);
  EXPECT_EQ(account_status(with_change(), false), AccountStatus::Pending);
  EXPECT_EQ(account_status(with_change(), true), AccountStatus::Changed);
}

TEST(AccountStatus, AManualStepOutranksChangesAndScopeOutranksAll) {
  AccountResult result = with_change();
  result.findings.push_back(make_finding("smtp-tls", Severity::Warning, "a warning"));
  EXPECT_EQ(account_status(result, true), AccountStatus::Changed);
  result.findings.push_back(make_finding("smtp-tls", Severity::ActionRequired, "do this"));
  EXPECT_EQ(account_status(result, true), AccountStatus::ActionRequired);
  result.governed = false;
  EXPECT_EQ(account_status(result, true), AccountStatus::NotGoverned);
  EXPECT_EQ(to_string(AccountStatus::NotGoverned), "not-governed");
}

TEST(AccountStatus, AnAccountAwaitingItsNewServerIsPendingNotDone) {
  AccountResult result;
  result.awaiting_server = true;
  result.findings.push_back(make_finding("endpoint-check", Severity::Warning, "left alone"));
  EXPECT_EQ(account_status(result, false), AccountStatus::Pending);
  EXPECT_EQ(account_status(result, true), AccountStatus::Pending);
}

}  // namespace
}  // namespace mailmig
