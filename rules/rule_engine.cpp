#include "rules/rule_engine.h"

#include <algorithm>
#include <array>
#include <optional>
#include <string>

#include "rules/rule_list.h"
#include "src/i18n/i18n.h"

namespace mailmig {
namespace {

constexpr std::array<FieldKind, 6> kFieldKinds{FieldKind::Protocol,       FieldKind::Hostname,
                                               FieldKind::Port,           FieldKind::SocketType,
                                               FieldKind::Authentication, FieldKind::Username};

// Which rule last set a field, and why.
struct LastWriter {
  FieldRef field;
  std::string rule;
  std::string reason;
};

// Whether the field reads the same in both accounts, found without building its text (the plan
// asks for every field of every account).
bool same_field(const Account& a, const Account& b, FieldRef field) {
  const auto server_of = [side = field.side](const Account& account) -> const ServerSettings* {
    if (side == Side::Incoming) return &account.incoming;
    return account.outgoing ? &*account.outgoing : nullptr;
  };
  const ServerSettings* server_a = server_of(a);
  const ServerSettings* server_b = server_of(b);
  if (!server_a || !server_b) return server_a == server_b;
  switch (field.kind) {
    case FieldKind::Protocol:
      return server_a->protocol == server_b->protocol;
    case FieldKind::Hostname:
      return server_a->hostname == server_b->hostname;
    case FieldKind::Port:
      return server_a->port == server_b->port;
    case FieldKind::SocketType:
      return server_a->socket_type == server_b->socket_type;
    case FieldKind::Authentication:
      return server_a->authentication == server_b->authentication;
    case FieldKind::Username:
      return server_a->username == server_b->username;
  }
  return false;
}

}  // namespace

// At most this many passes of the rules: a policy whose moves chase each other (a -> b, b -> a)
// never settles, and such an account is left alone.
constexpr int kMaxPasses = 8;

EditPlan plan_account(const Account& before, const Policy& policy,
                      const std::vector<const Rule*>& rules,
                      const ClientCapabilities& capabilities) {
  EditPlan plan{before.id, before, {}, {}};
  if (!policy.governs(before)) {
    plan.governed = false;
    return plan;
  }
  std::vector<LastWriter> writers;
  writers.reserve(2 * kFieldKinds.size());  // at most one a field
  auto add_finding = [&plan](Finding finding) {
    if (std::find(plan.findings.begin(), plan.findings.end(), finding) == plan.findings.end()) {
      plan.findings.push_back(std::move(finding));
    }
  };
  // The rules run again until a whole pass leaves the account as it found it. A move onto its
  // own host whose target a later rule refines (port 497 without TLS, which apop-to-tls takes
  // to SSL) fires again on the next pass; planning to that fixed point here is what makes the
  // next run find nothing to do.
  std::vector<const Rule*> enabled;  // asked once, not at every pass
  enabled.reserve(rules.size());
  for (const Rule* rule : rules) {
    if (policy.rule_enabled(rule->id())) enabled.push_back(rule);
  }
  bool settled = false;
  // The first rule that changed the account in the last pass: a plan that never settles is
  // reported under its id (a policy move, when moves fight the built-in rules).
  const Rule* first_to_change = nullptr;
  for (int pass = 0; pass < kMaxPasses && !settled; ++pass) {
    const Account pass_start = plan.after;
    first_to_change = nullptr;
    for (const Rule* rule : enabled) {
      RuleOutput output = rule->check(plan.after, policy);
      for (Change& change : output.changes) {
        const auto field = parse_field_name(change.field);
        if (!field || !write_field(plan.after, *field, change.to)) {
          // A rule bug must not reach the writers; the person sees what was skipped.
          add_finding(make_finding(
              change.rule, Severity::ActionRequired,
              N_("Internal error: rule {rule} asked to set {field} to the invalid value "
                 "{value}; the change was skipped"),
              {{"rule", change.rule}, {"field", change.field}, {"value", change.to}}));
          continue;
        }
        if (!first_to_change) first_to_change = rule;
        std::erase_if(writers, [&](const LastWriter& writer) { return writer.field == *field; });
        writers.push_back({*field, std::move(change.rule), std::move(change.reason)});
      }
      for (Finding& finding : output.findings) add_finding(std::move(finding));
    }
    settled = plan.after == pass_start;
  }
  if (!settled) {
    plan.after = before;
    plan.findings.push_back(make_finding(
        std::string(first_to_change->id()), Severity::ActionRequired,
        N_("The policy's moves and the built-in rules keep undoing each other for {host}, so "
           "nothing was changed in this account; check the policy's moves for this host"),
        {{"host", before.incoming.hostname}}));
    return plan;
  }
  for (const Side side : {Side::Incoming, Side::Outgoing}) {
    for (const FieldKind kind : kFieldKinds) {
      const FieldRef field{side, kind};
      if (same_field(before, plan.after, field)) continue;
      std::string from = read_field(before, field).value_or("");
      std::string to = read_field(plan.after, field).value_or("");
      if (from == to) continue;
      // At most one writer a field: each new one replaced the one before.
      for (LastWriter& writer : writers) {
        if (writer.field == field) {
          plan.changes.push_back({std::move(writer.rule), field_name(field), std::move(from),
                                  std::move(to), std::move(writer.reason)});
          break;
        }
      }
    }
  }
  keep_within(capabilities, before, plan);
  return plan;
}

EditPlan plan_account(const Account& before, const Policy& policy,
                      const ClientCapabilities& capabilities) {
  static const std::vector<const Rule*> rules = [] {
    std::vector<const Rule*> list;
    for (const auto& rule : builtin_rules()) list.push_back(rule.get());
    return list;
  }();
  return plan_account(before, policy, rules, capabilities);
}

}  // namespace mailmig
