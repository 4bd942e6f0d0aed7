// smtp-auth: sending without a login (or through POP-before-SMTP, which seeds 001 and 003
// retire) becomes SMTP AUTH with the receiving account's user name, never over plain text.
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

  RuleOutput check(const Account& account, const Policy&) const override {
    RuleOutput output;
    if (!account.outgoing) return output;
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
    const std::string reason =
        outgoing.authentication == AuthMethod::SmtpAfterPop
            ? reason_text(N_("POP before SMTP is ending: {hostname} needs SMTP authentication "
                             "with the receiving account's user name and password"),
                          "hostname", host)
            : reason_text(N_("{hostname} needs SMTP authentication with the receiving "
                             "account's user name and password"),
                          "hostname", host);
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
    if (!incoming_user.empty()) {
      propose_change(output, kId, account, {Side::Outgoing, FieldKind::Username}, incoming_user,
                     reason);
    } else if (outgoing.username.empty()) {
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
