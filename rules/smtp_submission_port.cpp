// smtp-submission-port: sending on port 25 moves to the submission port 587 with STARTTLS
// (Outbound Port 25 Blocking, seeds 000, 001, 003).
#include "rules/builtin_rules.h"
#include "rules/rule_support.h"
#include "src/i18n/i18n.h"

namespace mailmig {
namespace {

constexpr std::string_view kId = "smtp-submission-port";

class SmtpSubmissionPortRule final : public Rule {
 public:
  std::string_view id() const override { return kId; }
  const char* description() const override {
    return N_(
        "Sends mail on the submission port 587 over an encrypted connection (SSL/TLS, "
        "STARTTLS) instead of port 25");
  }

  RuleOutput check(const Account& account, const Policy& policy) const override {
    RuleOutput output;
    if (!policy.governs(account, Side::Outgoing) || account.outgoing->port != 25) return output;
    const std::string reason =
        reason_text(N_("Many networks block port 25 for sending (OP25B): {hostname} is reached on "
                       "the submission port 587 with STARTTLS"),
                    "hostname", account.outgoing->hostname);
    propose_change(output, kId, account, {Side::Outgoing, FieldKind::Port}, "587", reason);
    propose_change(output, kId, account, {Side::Outgoing, FieldKind::SocketType}, "STARTTLS",
                   reason);
    return output;
  }
};

}  // namespace

std::unique_ptr<Rule> make_smtp_submission_port_rule() {
  return std::make_unique<SmtpSubmissionPortRule>();
}

}  // namespace mailmig
