// server-move: an account on a host the policy retires moves to the server the policy names.
#include <algorithm>

#include "rules/builtin_rules.h"
#include "rules/rule_support.h"
#include "src/i18n/i18n.h"
#include "src/model/oauth2_providers.h"

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
  static void add_once(std::vector<Finding>& findings, Finding finding) {
    if (std::find(findings.begin(), findings.end(), finding) == findings.end()) {
      findings.push_back(std::move(finding));
    }
  }

  static Finding oauth2_finding(const Account& account, const std::string& hostname) {
    if (account.oauth2_on_provider_hosts) {
      return make_finding(
          std::string(kId), Severity::Warning,
          N_("{hostname} signs in with OAuth2: at the next connection the mail program opens the "
             "provider's sign-in page; sign in there. The old saved password is not used."),
          {{"hostname", hostname}});
    }
    return make_finding(
        std::string(kId), Severity::ActionRequired,
        N_("{hostname} does not take the old password: create an app password at the provider "
           "(or choose OAuth2 sign-in if the mail program offers it) and enter it when the mail "
           "program asks. Do not let it retry the old password: repeated failed logins can lock "
           "the account."),
        {{"hostname", hostname}});
  }

  static void move_side(const Account& account, Side side, const MoveTarget& target,
                        RuleOutput& output) {
    const ServerSettings& current = side == Side::Incoming ? account.incoming : *account.outgoing;
    const ServerTarget& to = *target.server;
    ServerSettings next = current;
    if (side == Side::Incoming && to.protocol) next.protocol = *to.protocol;
    // A host that differs only in case is the same host: leave the user's spelling.
    if (!host_matches(to.hostname, current.hostname)) next.hostname = to.hostname;
    if (to.socket_type) next.socket_type = *to.socket_type;
    // A provider that signs in with OAuth2 (Gmail in seed 004) takes no old password: a client
    // that knows the provider list gets OAuth2, any other a step with an app password.
    const bool oauth2_host = thunderbird_signs_in_with_oauth2(next.hostname);
    const bool host_changes = !host_matches(next.hostname, current.hostname);
    auto refuse_password_in_clear = [&](const char* message) {
      output.findings.push_back(make_finding(std::string(kId), Severity::ActionRequired, message,
                                             {{"hostname", next.hostname}}));
    };
    if (oauth2_host && account.oauth2_on_provider_hosts) {
      next.authentication = AuthMethod::OAuth2;
    } else if (to.authentication) {
      ServerSettings asked = next;
      asked.authentication = *to.authentication;
      if (asked.authentication != current.authentication && sends_password_in_clear(asked)) {
        refuse_password_in_clear(
            N_("The policy asks for a normal password on {hostname} without an encrypted "
               "connection; mailmig does not switch that on: check the policy's socketType for "
               "{hostname}"));
      } else {
        next.authentication = *to.authentication;
      }
    }
    // Nor does a move take the encryption away from a login that would then send the password
    // as it is: the connection stays encrypted, on the port that goes with it.
    ServerTarget port_target = to;
    if (sends_password_in_clear(next) && !sends_password_in_clear(current)) {
      refuse_password_in_clear(
          N_("The policy asks for an unencrypted connection to {hostname}, which would send the "
             "password unencrypted; mailmig keeps the connection encrypted: check the policy's "
             "socketType for {hostname}"));
      next.socket_type = current.socket_type;
      port_target.port.reset();
    }
    next.port = moved_port(current, next, port_target);
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
    if (oauth2_host && account.oauth2_on_provider_hosts) {
      if (current.authentication != AuthMethod::OAuth2) {
        add_once(output.findings, oauth2_finding(account, next.hostname));
      }
    } else if (oauth2_host && host_changes) {
      add_once(output.findings, oauth2_finding(account, next.hostname));
    } else if (next.hostname != current.hostname || next.username != current.username) {
      // Both sides moving to one host need one warning.
      add_once(output.findings,
               make_finding(std::string(kId), Severity::Warning,
                            N_("The new server {hostname} may need a new password (for example "
                               "an app password): have it ready, because the mail program asks "
                               "for it on the next connection"),
                            {{"hostname", next.hostname}}));
    }
  }
};

}  // namespace

std::unique_ptr<Rule> make_server_move_rule() { return std::make_unique<ServerMoveRule>(); }

}  // namespace mailmig
