// What the engine decided for one account, in the form every client's writer consumes: the
// account as it should read after the run, which rule asked for each changed field, and the
// rules' findings. A writer maps the changed fields onto its keys; it decides nothing itself.
#pragma once

#include <string>
#include <vector>

#include "src/model/account.h"
#include "src/model/change.h"
#include "src/model/finding.h"

namespace mailmig {

struct EditPlan {
  std::string account_id;
  Account after;                  // the account with every change made
  std::vector<Change> changes;    // one per field, in field order; empty when nothing changes
  std::vector<Finding> findings;  // every rule's findings, in rule order
  // False when the policy governs neither side of the account: no rule ran, it is left alone.
  bool governed = true;
};

}  // namespace mailmig
