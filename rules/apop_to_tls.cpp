// apop-to-tls: POP3 with APOP (a weak MD5 challenge; the mail itself travels in clear) becomes
// the normal password inside SSL/TLS, as seeds 001 and 002 offer.
#include "rules/builtin_rules.h"
#include "rules/rule_support.h"
#include "src/i18n/i18n.h"

namespace mailmig {
namespace {

constexpr std::string_view kId = "apop-to-tls";

class ApopToTlsRule final : public Rule {
 public:
  std::string_view id() const override { return kId; }
  const char* description() const override {
    return N_("Replaces APOP with the normal password over SSL/TLS (port 995)");
  }

  RuleOutput check(const Account& account, const Policy& policy) const override {
    RuleOutput output;
    const ServerSettings& incoming = account.incoming;
    if (!policy.governs(account, Side::Incoming) || incoming.protocol != Protocol::Pop3 ||
        incoming.authentication != AuthMethod::Apop) {
      return output;
    }
    const std::string& host = incoming.hostname;
    if (is_encrypted(incoming.socket_type)) {
      // STARTTLS or SSL already protects the password: only the login method changes.
      propose_change(output, kId, account, {Side::Incoming, FieldKind::Authentication},
                     "password-cleartext",
                     reason_text(N_("The connection to {hostname} is already encrypted, so the "
                                    "normal password replaces APOP"),
                                 "hostname", host));
    } else {
      const std::string reason =
          reason_text(N_("APOP protects only the password and leaves the mail readable: "
                         "{hostname} is read over SSL/TLS on port 995 with the normal password"),
                      "hostname", host);
      propose_change(output, kId, account, {Side::Incoming, FieldKind::Port},
                     std::to_string(default_port(Protocol::Pop3, SocketType::Ssl)), reason);
      propose_change(output, kId, account, {Side::Incoming, FieldKind::SocketType}, "SSL", reason);
      propose_change(output, kId, account, {Side::Incoming, FieldKind::Authentication},
                     "password-cleartext", reason);
    }
    output.findings.push_back(make_finding(
        std::string(kId), Severity::Warning,
        N_("{hostname} may have had a separate APOP password: the mail program now needs the "
           "normal login password and asks for it on the next connection"),
        {{"hostname", host}}));
    return output;
  }
};

}  // namespace

std::unique_ptr<Rule> make_apop_to_tls_rule() { return std::make_unique<ApopToTlsRule>(); }

}  // namespace mailmig
