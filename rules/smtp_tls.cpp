// smtp-tls: an outgoing server that already logs in with a password over an unencrypted
// connection (a submission port without STARTTLS, say) gets STARTTLS, so the password stops
// crossing the network in clear. Port 25 is smtp-submission-port's; sending without a login is
// smtp-auth's.
#include "rules/builtin_rules.h"
#include "rules/rule_support.h"
#include "src/i18n/i18n.h"

namespace mailmig {
namespace {

constexpr std::string_view kId = "smtp-tls";

bool sends_a_secret(AuthMethod method) {
  // NTLM and CRAM-MD5 hide the password itself, but still log in over a channel anyone can read
  // and hijack; every login gets encryption.
  return method != AuthMethod::None && method != AuthMethod::SmtpAfterPop &&
         method != AuthMethod::TlsClientCert;
}

class SmtpTlsRule final : public Rule {
 public:
  std::string_view id() const override { return kId; }
  const char* description() const override {
    return N_(
        "Sends over an encrypted connection (SSL/TLS, STARTTLS) to an outgoing server that logs "
        "in with a password");
  }
  RuleOutput check(const Account& account, const Policy& policy) const override {
    RuleOutput output;
    if (!policy.governs(account, Side::Outgoing)) return output;
    const ServerSettings& outgoing = *account.outgoing;
    if (is_encrypted(outgoing.socket_type) || !sends_a_secret(outgoing.authentication)) {
      return output;
    }
    const std::string reason =
        reason_text(N_("The login to {hostname} crosses the network unencrypted: STARTTLS "
                       "encrypts it"),
                    "hostname", outgoing.hostname);
    if (outgoing.port == 25) {
      propose_change(output, kId, account, {Side::Outgoing, FieldKind::Port}, "587", reason);
    }
    propose_change(output, kId, account, {Side::Outgoing, FieldKind::SocketType}, "STARTTLS",
                   reason);
    return output;
  }
};

}  // namespace

std::unique_ptr<Rule> make_smtp_tls_rule() { return std::make_unique<SmtpTlsRule>(); }

}  // namespace mailmig
