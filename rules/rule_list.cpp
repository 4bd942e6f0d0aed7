#include "rules/rule_list.h"

#include "rules/builtin_rules.h"

namespace mailmig {
namespace {

std::vector<std::unique_ptr<Rule>> make_builtin_rules() {
  // The order matters: each rule sees what the ones before it changed (a moved host gets the
  // TLS rules; smtp-auth sees the port smtp-submission-port chose). spa-off runs after
  // smtp-submission-port so that it sees the STARTTLS an SMTP server on port 25 gets: before it,
  // Outlook's SPA on port 25 would stay on, and planning the planned account would change it.
  // smtp-tls then encrypts any login still sent in clear, before smtp-auth adds new logins.
  std::vector<std::unique_ptr<Rule>> rules;
  rules.push_back(make_server_move_rule());
  rules.push_back(make_apop_to_tls_rule());
  rules.push_back(make_incoming_tls_rule());
  rules.push_back(make_smtp_submission_port_rule());
  rules.push_back(make_spa_off_rule());
  rules.push_back(make_smtp_tls_rule());
  rules.push_back(make_smtp_auth_rule());
  rules.push_back(make_pop_download_limit_rule());
  return rules;
}

}  // namespace

const std::vector<std::unique_ptr<Rule>>& builtin_rules() {
  static const std::vector<std::unique_ptr<Rule>> rules = make_builtin_rules();
  return rules;
}

const std::vector<KnownRule>& known_rules() {
  static const std::vector<KnownRule> known = [] {
    std::vector<KnownRule> list;
    for (const auto& rule : builtin_rules()) {
      list.push_back({std::string(rule->id()), rule->enabled_by_default()});
    }
    return list;
  }();
  return known;
}

const Rule* find_rule(std::string_view id) {
  for (const auto& rule : builtin_rules()) {
    if (rule->id() == id) return rule.get();
  }
  return nullptr;
}

}  // namespace mailmig
