// The built-in rules, in the order the engine runs them.
#pragma once

#include <memory>
#include <string_view>
#include <vector>

#include "rules/rule.h"

namespace mailmig {

const std::vector<std::unique_ptr<Rule>>& builtin_rules();
// nullptr for an unknown id.
const Rule* find_rule(std::string_view id);
// The built-in rules' ids and defaults, in engine order: what a policy may name.
const std::vector<KnownRule>& known_rules();

}  // namespace mailmig
