// smtp-auth: sending without a login (or through POP-before-SMTP, which seeds 001 and 003
// retire) becomes SMTP AUTH with the receiving account's user name, never over plain text. A
// user name already set for sending is the user's own and is kept; an account that receives no
// mail has no receiving login to lend (the policy does not govern it).
#include "rules/builtin_rules.h"
#include "rules/rule_support.h"
#include "src/i18n/i18n.h"

namespace mailmig {
namespace {

constexpr std::string_view kId = "smtp-auth";

bool logs_in_with_password(AuthMethod method) {
  return method == AuthMethod::PasswordCleartext || method == AuthMethod::PasswordEncrypted ||
         method == AuthMethod::Ntlm;
}

class SmtpAuthRule final : public Rule {
 public:
  std::string_view id() const override { return kId; }
  const char* description() const override {
    return N_(
        "Sends mail with SMTP authentication (the receiving account's user name) instead "
        "of no login or POP before SMTP");
  }

  RuleOutput check(const Account& account, const Policy& policy) const override {
    RuleOutput output;
    if (!policy.governs(account, Side::Outgoing)) return output;
    const ServerSettings& outgoing = *account.outgoing;
    const std::string& host = outgoing.hostname;
    const std::string& incoming_user = account.incoming.username;
    if (logs_in_with_password(outgoing.authentication)) {
      // A login without a user name (a moved server that kept none) cannot work.
      if (outgoing.username.empty() && !incoming_user.empty()) {
        propose_change(output, kId, account, {Side::Outgoing, FieldKind::Username}, incoming_user,
                       reason_text(N_("Sending through {hostname} logs in without a user name: "
                                      "the receiving account's user name is used"),
                                   "hostname", host));
      }
      return output;
    }
    if (outgoing.authentication != AuthMethod::None &&
        outgoing.authentication != AuthMethod::SmtpAfterPop) {
      return output;
    }
    const bool pop_before_smtp = outgoing.authentication == AuthMethod::SmtpAfterPop;
    const std::string& own_user = outgoing.username;
    std::string reason;
    if (!own_user.empty() && own_user != incoming_user) {
      reason = fill_placeholders(
          pop_before_smtp
              ? N_("POP before SMTP is ending: {hostname} needs SMTP authentication with the user "
                   "name already set for sending ({username})")
              : N_("{hostname} needs SMTP authentication with the user name already set for "
                   "sending ({username})"),
          {{"hostname", host}, {"username", own_user}});
    } else {
      reason = reason_text(pop_before_smtp
                               ? N_("POP before SMTP is ending: {hostname} needs SMTP "
                                    "authentication with the receiving account's user name and "
                                    "password")
                               : N_("{hostname} needs SMTP authentication with the receiving "
                                    "account's user name and password"),
                           "hostname", host);
    }
    // The password must never cross the network in clear: encryption comes with the login.
    if (!is_encrypted(outgoing.socket_type)) {
      if (outgoing.port == 25) {
        propose_change(output, kId, account, {Side::Outgoing, FieldKind::Port}, "587",
                       reason_text(N_("Logging in to send belongs on the submission port 587 "
                                      "with STARTTLS; port 25 is for mail between servers and "
                                      "often blocked (OP25B) for {hostname}"),
                                   "hostname", host));
      }
      propose_change(output, kId, account, {Side::Outgoing, FieldKind::SocketType}, "STARTTLS",
                     reason_text(N_("The password for {hostname} must not travel unencrypted: "
                                    "STARTTLS is turned on together with SMTP authentication"),
                                 "hostname", host));
    }
    propose_change(output, kId, account, {Side::Outgoing, FieldKind::Authentication},
                   "password-cleartext", reason);
    if (!own_user.empty()) return output;
    if (!incoming_user.empty()) {
      propose_change(output, kId, account, {Side::Outgoing, FieldKind::Username}, incoming_user,
                     reason);
    } else {
      output.findings.push_back(make_finding(
          std::string(kId), Severity::ActionRequired,
          N_("Enter the user name for sending through {hostname}: the account has no receiving "
             "user name to copy"),
          {{"hostname", host}}));
    }
    return output;
  }
};

}  // namespace

std::unique_ptr<Rule> make_smtp_auth_rule() { return std::make_unique<SmtpAuthRule>(); }

}  // namespace mailmig
