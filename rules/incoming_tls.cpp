// incoming-tls: POP3 and IMAP without encryption move to SSL/TLS on the standard port.
#include "rules/builtin_rules.h"
#include "rules/rule_support.h"
#include "src/i18n/i18n.h"

namespace mailmig {
namespace {

constexpr std::string_view kId = "incoming-tls";

class IncomingTlsRule final : public Rule {
 public:
  std::string_view id() const override { return kId; }
  const char* description() const override {
    return N_("Reads mail over SSL/TLS (POP3 995, IMAP 993) instead of an unencrypted connection");
  }

  RuleOutput check(const Account& account, const Policy& policy) const override {
    RuleOutput output;
    const ServerSettings& incoming = account.incoming;
    // STARTTLS is encrypted already; only plain connections move.
    if (!policy.governs(account, Side::Incoming) || is_encrypted(incoming.socket_type)) {
      return output;
    }
    const std::string port = std::to_string(default_port(incoming.protocol, SocketType::Ssl));
    const std::string reason = fill_placeholders(
        N_("Mail from {hostname} travels unencrypted: it is read over SSL/TLS on port {port}"),
        {{"hostname", incoming.hostname}, {"port", port}});
    propose_change(output, kId, account, {Side::Incoming, FieldKind::Port}, port, reason);
    propose_change(output, kId, account, {Side::Incoming, FieldKind::SocketType}, "SSL", reason);
    return output;
  }
};

}  // namespace

std::unique_ptr<Rule> make_incoming_tls_rule() { return std::make_unique<IncomingTlsRule>(); }

}  // namespace mailmig
