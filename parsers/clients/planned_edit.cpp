#include "parsers/clients/planned_edit.h"

namespace mailmig {

PlannedEdit::PlannedEdit(Account current, const EditPlan& plan, Wording wording)
    : current_(std::move(current)), wanted_(current_), wording_(std::move(wording)) {
  fallback_rule_ = plan.changes.empty() ? "" : plan.changes.front().rule;
  for (const Change& change : plan.changes) {
    const auto field = parse_field_name(change.field);
    if (!field || !write_field(wanted_, *field, change.to)) {
      add(change.rule, Severity::Warning, wording_.cannot_set,
          {{"field", change.field}, {"value", change.to}});
      continue;
    }
    rules_[change.field] = change.rule;
  }
}

const ServerSettings& PlannedEdit::current_server(Side side) const {
  return side == Side::Incoming ? current_.incoming : *current_.outgoing;
}

const ServerSettings& PlannedEdit::wanted_server(Side side) const {
  return side == Side::Incoming ? wanted_.incoming : *wanted_.outgoing;
}

bool PlannedEdit::requested(Side side, FieldKind kind) const {
  return rules_.count(field_name(FieldRef{side, kind})) > 0;
}

std::string PlannedEdit::rule_for(Side side, FieldKind kind) const {
  auto it = rules_.find(field_name(FieldRef{side, kind}));
  return it != rules_.end() ? it->second : fallback_rule_;
}

void PlannedEdit::add(const std::string& rule, Severity severity, const char* message,
                      std::initializer_list<std::pair<std::string, std::string>> values) {
  Finding finding = make_finding(rule, severity, message, values);
  finding.values.emplace_back(wording_.label_key,
                              current_.name.empty() ? current_.id : current_.name);
  findings_.push_back(std::move(finding));
}

void PlannedEdit::cannot_store(Side side, FieldKind kind) {
  const FieldRef field{side, kind};
  add(rule_for(side, kind), Severity::Warning, wording_.cannot_set,
      {{"field", field_name(field)}, {"value", read_field(wanted_, field).value_or("")}});
}

void PlannedEdit::check_written(const std::string& rule, std::string_view key,
                                const ParseResult& result) {
  if (result) return;
  add(rule, Severity::Warning, wording_.could_not_write,
      {{"key", std::string(key)}, {"error", result.message}});
}

bool PlannedEdit::keeps_protocol(Side side) {
  if (wanted_server(side).protocol == current_server(side).protocol) return true;
  cannot_store(side, FieldKind::Protocol);
  return false;
}

}  // namespace mailmig
