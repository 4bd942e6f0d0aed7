#include "src/app/endpoint_verification.h"

#include "src/i18n/i18n.h"
#include "src/util/text_sanitize.h"

namespace mailmig {
namespace {

constexpr const char* kRuleId = "endpoint-check";

bool checkable(Protocol protocol) {
  return protocol == Protocol::Pop3 || protocol == Protocol::Imap || protocol == Protocol::Smtp;
}

bool points_elsewhere(const ServerSettings& before, const ServerSettings& after) {
  return before.protocol != after.protocol || before.hostname != after.hostname ||
         before.port != after.port || before.socket_type != after.socket_type;
}

Endpoint endpoint_of(const ServerSettings& server) {
  const int port =
      server.port > 0 ? server.port : default_port(server.protocol, server.socket_type);
  return Endpoint{server.protocol, server.hostname, port, server.socket_type,
                  server.authentication};
}

// What a failed check does to the account, per outcome: left alone (required) or changed with
// a warning (advisory). Whole sentences, so that each is translated as one.
const char* left_alone_message(EndpointOutcome outcome) {
  switch (outcome) {
    case EndpointOutcome::NoTls:
      return N_(
          "left alone: {endpoint} did not answer with TLS ({detail}); mailmig tries again "
          "at its next run");
    case EndpointOutcome::CertificateWrongHost:
      return N_(
          "left alone: the certificate of {endpoint} is not valid for that host name "
          "({detail}); mailmig tries again at its next run");
    case EndpointOutcome::CertificateExpired:
      return N_(
          "left alone: the certificate of {endpoint} has expired ({detail}); mailmig tries "
          "again at its next run");
    case EndpointOutcome::CertificateUntrusted:
      return N_(
          "left alone: the certificate of {endpoint} is not trusted ({detail}); mailmig "
          "tries again at its next run");
    case EndpointOutcome::NoLogin:
      return N_(
          "left alone: {endpoint} does not offer the login the account needs ({detail}); "
          "mailmig tries again at its next run");
    case EndpointOutcome::NotChecked:
      return N_(
          "left alone: {endpoint} was not checked before the run's time limit; mailmig "
          "tries again at its next run");
    case EndpointOutcome::Ok:
    case EndpointOutcome::NoAnswer:
      break;
  }
  return N_(
      "left alone: {endpoint} did not answer ({detail}); mailmig tries again at its next "
      "run");
}

const char* advisory_message(EndpointOutcome outcome) {
  switch (outcome) {
    case EndpointOutcome::NoTls:
      return N_(
          "{endpoint} did not answer with TLS ({detail}), changed anyway (verification is "
          "advisory)");
    case EndpointOutcome::CertificateWrongHost:
      return N_(
          "the certificate of {endpoint} is not valid for that host name ({detail}), "
          "changed anyway (verification is advisory)");
    case EndpointOutcome::CertificateExpired:
      return N_(
          "the certificate of {endpoint} has expired ({detail}), changed anyway "
          "(verification is advisory)");
    case EndpointOutcome::CertificateUntrusted:
      return N_(
          "the certificate of {endpoint} is not trusted ({detail}), changed anyway "
          "(verification is advisory)");
    case EndpointOutcome::NoLogin:
      return N_(
          "{endpoint} does not offer the login the account needs ({detail}), changed "
          "anyway (verification is advisory)");
    case EndpointOutcome::NotChecked:
      return N_(
          "{endpoint} was not checked before the run's time limit, changed anyway "
          "(verification is advisory)");
    case EndpointOutcome::Ok:
    case EndpointOutcome::NoAnswer:
      break;
  }
  return N_("{endpoint} did not answer ({detail}), changed anyway (verification is advisory)");
}

}  // namespace

std::vector<Endpoint> endpoints_changed(const Account& before, const EditPlan& plan) {
  std::vector<Endpoint> endpoints;
  if (plan.changes.empty()) return endpoints;
  const Account& after = plan.after;
  if (checkable(after.incoming.protocol) && !after.incoming.hostname.empty() &&
      points_elsewhere(before.incoming, after.incoming)) {
    endpoints.push_back(endpoint_of(after.incoming));
  }
  if (after.outgoing && checkable(after.outgoing->protocol) && !after.outgoing->hostname.empty() &&
      (!before.outgoing || points_elsewhere(*before.outgoing, *after.outgoing))) {
    endpoints.push_back(endpoint_of(*after.outgoing));
  }
  return endpoints;
}

EndpointVerification::EndpointVerification(
    VerificationMode mode, const ProbeSettings& settings,
    std::optional<std::chrono::steady_clock::time_point> deadline, EndpointProbe probe)
    : mode_(mode) {
  if (mode_ != VerificationMode::Off) checker_.emplace(settings, deadline, std::move(probe));
}

void EndpointVerification::check_ahead(const std::vector<Account>& accounts, const Policy& policy) {
  if (!checker_) return;
  std::vector<Endpoint> endpoints;
  for (const Account& account : accounts) {
    for (Endpoint& endpoint : endpoints_changed(account, plan_account(account, policy))) {
      endpoints.push_back(std::move(endpoint));
    }
  }
  checker_->check_all(endpoints);
}

bool EndpointVerification::screen(const Account& before, EditPlan& plan) {
  if (!checker_) return false;
  bool failed = false;
  for (const Endpoint& endpoint : endpoints_changed(before, plan)) {
    const EndpointCheck& check = checker_->check(endpoint);
    if (check.passed()) continue;
    failed = true;
    const bool required = mode_ == VerificationMode::Required;
    Finding finding =
        make_finding(kRuleId, Severity::Warning,
                     required ? left_alone_message(check.outcome) : advisory_message(check.outcome),
                     {{"endpoint", host_and_port(endpoint)}, {"detail", check.detail}});
    plan.findings.push_back(std::move(finding));
  }
  if (failed && mode_ == VerificationMode::Required) {
    plan.changes.clear();
    return true;
  }
  return false;
}

std::vector<EndpointCheck> EndpointVerification::checks() const {
  return checker_ ? checker_->checks() : std::vector<EndpointCheck>{};
}

std::string format_endpoint_checks(const std::string& mode,
                                   const std::vector<EndpointCheck>& checks) {
  if (checks.empty()) return {};
  std::string out = fill_placeholders(translate(N_("Servers checked before changing "
                                                   "(verification {mode}):")),
                                      {{"mode", mode}});
  out += "\n";
  for (const EndpointCheck& check : checks) {
    const Endpoint& endpoint = check.endpoint;
    out += "  " + printable(host_and_port(endpoint)) + " (" +
           std::string(to_string(endpoint.protocol)) + ", " +
           std::string(to_string(endpoint.socket_type)) +
           "): " + translate(outcome_phrase(check.outcome));
    if (!check.passed() && !check.detail.empty()) out += " (" + printable(check.detail) + ")";
    out += "\n";
  }
  return out + "\n";
}

}  // namespace mailmig
