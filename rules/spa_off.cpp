// spa-off: Outlook's "Secure Password Authentication" (NTLM) becomes the normal password, as
// seed 000 asks, but only where TLS already protects that password.
#include "rules/builtin_rules.h"
#include "rules/rule_support.h"
#include "src/i18n/i18n.h"

namespace mailmig {
namespace {

constexpr std::string_view kId = "spa-off";

class SpaOffRule final : public Rule {
 public:
  std::string_view id() const override { return kId; }
  const char* description() const override {
    return N_(
        "Turns off Secure Password Authentication (SPA/NTLM) where the connection is "
        "encrypted");
  }
  bool enabled_by_default() const override { return false; }

  RuleOutput check(const Account& account, const Policy& policy) const override {
    RuleOutput output;
    for (const Side side : {Side::Incoming, Side::Outgoing}) {
      if (!policy.governs(account, side)) continue;
      const ServerSettings& server = side == Side::Incoming ? account.incoming : *account.outgoing;
      if (server.authentication != AuthMethod::Ntlm) continue;
      if (is_encrypted(server.socket_type)) {
        propose_change(output, kId, account, {side, FieldKind::Authentication},
                       "password-cleartext",
                       reason_text(N_("{hostname} no longer accepts Secure Password "
                                      "Authentication (SPA): the normal password is sent inside "
                                      "the encrypted connection"),
                                   "hostname", server.hostname));
      } else {
        output.findings.push_back(make_finding(
            std::string(kId), Severity::ActionRequired,
            N_("{hostname} uses Secure Password Authentication (SPA) on an unencrypted "
               "connection; mailmig does not send a password unencrypted: turn on SSL/TLS or "
               "STARTTLS for {hostname}, then turn SPA off"),
            {{"hostname", server.hostname}}));
      }
    }
    return output;
  }
};

}  // namespace

std::unique_ptr<Rule> make_spa_off_rule() { return std::make_unique<SpaOffRule>(); }

}  // namespace mailmig
