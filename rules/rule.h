// A rule: one migration concern as a pure function from a normalized account and the policy to
// the changes it asks for and the findings a person should read. Rules never see a file format
// and never edit anything: the engine merges their changes and the formats' writers apply them.
#pragma once

#include <string_view>
#include <vector>

#include "src/model/account.h"
#include "src/model/change.h"
#include "src/model/finding.h"
#include "src/policy/policy.h"

namespace mailmig {

struct RuleOutput {
  std::vector<Change> changes;
  std::vector<Finding> findings;
};

class Rule {
 public:
  virtual ~Rule() = default;
  virtual std::string_view id() const = 0;
  // An English one-liner marked N_(); the Japanese is in po/ja.po.
  virtual const char* description() const = 0;
  virtual bool enabled_by_default() const { return true; }
  virtual RuleOutput check(const Account& account, const Policy& policy) const = 0;
};

}  // namespace mailmig
