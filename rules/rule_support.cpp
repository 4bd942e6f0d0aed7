#include "rules/rule_support.h"

namespace mailmig {

bool is_encrypted(SocketType socket_type) { return socket_type != SocketType::Plain; }

bool sends_password_in_clear(const ServerSettings& server) {
  return !is_encrypted(server.socket_type) &&
         (server.authentication == AuthMethod::PasswordCleartext ||
          server.authentication == AuthMethod::Any);
}

void propose_change(RuleOutput& output, std::string_view rule, const Account& account,
                    FieldRef field, const std::string& to, const std::string& reason) {
  const std::string from = read_field(account, field).value_or("");
  if (from == to) return;
  output.changes.push_back(Change{std::string(rule), field_name(field), from, to, reason});
}

std::string reason_text(std::string_view reason_template, std::string_view key,
                        std::string_view value) {
  return fill_placeholders(reason_template, {{std::string(key), std::string(value)}});
}

}  // namespace mailmig
