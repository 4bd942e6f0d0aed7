// Plans one account: runs the enabled rules in order on a working copy, again until a whole pass
// changes nothing, and merges what they ask for into one change per field. Planning only; the
// formats' writers apply the changes.
#pragma once

#include <vector>

#include "rules/rule.h"
#include "src/model/account.h"
#include "src/model/change.h"
#include "src/model/client_capabilities.h"
#include "src/model/edit_plan.h"
#include "src/model/finding.h"
#include "src/policy/policy.h"

namespace mailmig {

// Runs every built-in rule the policy enables, in registry order, on an account the policy
// governs; each rule changes only the sides the policy governs. A change the client cannot
// store is not planned: the plan tells the user what to set by hand instead.
EditPlan plan_account(const Account& before, const Policy& policy,
                      const ClientCapabilities& capabilities = {});

// Runs the given rules in the given order (each still only when the policy enables it).
EditPlan plan_account(const Account& before, const Policy& policy,
                      const std::vector<const Rule*>& rules,
                      const ClientCapabilities& capabilities = {});

}  // namespace mailmig
