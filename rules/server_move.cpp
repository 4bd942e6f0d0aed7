// server-move: an account on a host the policy retires moves to the server the policy names.
#include <algorithm>

#include "rules/builtin_rules.h"
#include "rules/rule_support.h"
#include "src/i18n/i18n.h"

namespace mailmig {
namespace {

constexpr std::string_view kId = "server-move";

// The port a moved server uses when the policy gives none: the new protocol's default when the
// account used the old default, else the account's own port.
int moved_port(const ServerSettings& current, const ServerSettings& next,
               const ServerTarget& target) {
  if (target.port) return *target.port;
  if (current.port == default_port(current.protocol, current.socket_type)) {
    return default_port(next.protocol, next.socket_type);
  }
  return current.port;
}

class ServerMoveRule final : public Rule {
 public:
  std::string_view id() const override { return kId; }
  const char* description() const override {
    return N_("Moves accounts from retired mail servers to the servers the policy names");
  }

  RuleOutput check(const Account& account, const Policy& policy) const override {
    RuleOutput output;
    for (const Side side : {Side::Incoming, Side::Outgoing}) {
      if (!policy.governs(account, side)) continue;
      if (const auto target = policy.find_move(account, side)) {
        move_side(account, side, *target, output);
      }
    }
    return output;
  }

 private:
  static void move_side(const Account& account, Side side, const MoveTarget& target,
                        RuleOutput& output) {
    const ServerSettings& current = side == Side::Incoming ? account.incoming : *account.outgoing;
    const ServerTarget& to = *target.server;
    ServerSettings next = current;
    if (side == Side::Incoming && to.protocol) next.protocol = *to.protocol;
    // A host that differs only in case is the same host: leave the user's spelling.
    if (!host_matches(to.hostname, current.hostname)) next.hostname = to.hostname;
    if (to.socket_type) next.socket_type = *to.socket_type;
    next.port = moved_port(current, next, to);
    if (to.authentication) {
      const bool password_in_clear = *to.authentication == AuthMethod::PasswordCleartext &&
                                     current.authentication != AuthMethod::PasswordCleartext &&
                                     !is_encrypted(next.socket_type);
      if (password_in_clear) {
        output.findings.push_back(make_finding(
            std::string(kId), Severity::ActionRequired,
            N_("The policy asks for a normal password on {hostname} without an encrypted "
               "connection; mailmig does not switch that on: check the policy's socketType for "
               "{hostname}"),
            {{"hostname", next.hostname}}));
      } else {
        next.authentication = *to.authentication;
      }
    }
    if (to.username) {
      if (const auto username = expand_username(*to.username, account.address)) {
        next.username = *username;
      } else {
        output.findings.push_back(make_finding(
            std::string(kId), Severity::ActionRequired,
            N_("Enter the user name for {hostname} by hand ({template}, from the e-mail "
               "address): this account has no e-mail address to build it from"),
            {{"hostname", next.hostname}, {"template", *to.username}}));
      }
    }

    const std::string reason = fill_placeholders(
        N_("The server {old_host} is replaced by {new_host} (policy move for {match})"),
        {{"old_host", current.hostname},
         {"new_host", next.hostname},
         {"match", target.move->match}});
    Account moved = account;
    (side == Side::Incoming ? moved.incoming : *moved.outgoing) = next;
    for (const FieldKind kind :
         {FieldKind::Protocol, FieldKind::Hostname, FieldKind::Port, FieldKind::SocketType,
          FieldKind::Authentication, FieldKind::Username}) {
      const FieldRef field{side, kind};
      propose_change(output, kId, account, field, read_field(moved, field).value_or(""), reason);
    }
    if (next.hostname != current.hostname || next.username != current.username) {
      Finding password_warning = make_finding(
          std::string(kId), Severity::Warning,
          N_("The new server {hostname} may need a new password (for example an app password): "
             "have it ready, because the mail program asks for it on the next connection"),
          {{"hostname", next.hostname}});
      // Both sides moving to one host need one warning.
      if (std::find(output.findings.begin(), output.findings.end(), password_warning) ==
          output.findings.end()) {
        output.findings.push_back(std::move(password_warning));
      }
    }
  }
};

}  // namespace

std::unique_ptr<Rule> make_server_move_rule() { return std::make_unique<ServerMoveRule>(); }

}  // namespace mailmig
