#include "src/engine/rule_engine.h"

#include <array>
#include <optional>
#include <string>

#include "rules/registry.h"
#include "src/i18n/i18n.h"

namespace mailmig {
namespace {

constexpr std::array<FieldKind, 6> kFieldKinds{FieldKind::Protocol,       FieldKind::Hostname,
                                               FieldKind::Port,           FieldKind::SocketType,
                                               FieldKind::Authentication, FieldKind::Username};

// Which rule last set a field, and why.
struct LastWriter {
  std::string field;
  std::string rule;
  std::string reason;
};

}  // namespace

AccountPlan plan_account(const Account& before, const Policy& policy,
                         const std::vector<const Rule*>& rules) {
  AccountPlan plan{before, {}, {}};
  std::vector<LastWriter> writers;
  for (const Rule* rule : rules) {
    if (!policy.rule_enabled(rule->id())) continue;
    RuleOutput output = rule->check(plan.after, policy);
    for (Change& change : output.changes) {
      const auto field = parse_field_name(change.field);
      if (!field || !write_field(plan.after, *field, change.to)) {
        // A rule bug must not reach the writers; the person sees what was skipped.
        plan.findings.push_back(make_finding(
            change.rule, Severity::ActionRequired,
            N_("Internal error: rule {rule} asked to set {field} to the invalid value {value}; "
               "the change was skipped"),
            {{"rule", change.rule}, {"field", change.field}, {"value", change.to}}));
        continue;
      }
      std::erase_if(writers,
                    [&](const LastWriter& writer) { return writer.field == change.field; });
      writers.push_back({change.field, std::move(change.rule), std::move(change.reason)});
    }
    for (Finding& finding : output.findings) plan.findings.push_back(std::move(finding));
  }
  for (const Side side : {Side::Incoming, Side::Outgoing}) {
    for (const FieldKind kind : kFieldKinds) {
      const FieldRef field{side, kind};
      const std::string from = read_field(before, field).value_or("");
      const std::string to = read_field(plan.after, field).value_or("");
      if (from == to) continue;
      const std::string name = field_name(field);
      for (const LastWriter& writer : writers) {
        if (writer.field == name)
          plan.changes.push_back({writer.rule, name, from, to, writer.reason});
      }
    }
  }
  return plan;
}

AccountPlan plan_account(const Account& before, const Policy& policy) {
  std::vector<const Rule*> rules;
  for (const auto& rule : builtin_rules()) rules.push_back(rule.get());
  return plan_account(before, policy, rules);
}

}  // namespace mailmig
