#include "src/model/endpoint_check.h"

#include "src/i18n/i18n.h"

namespace mailmig {

std::string host_and_port(const Endpoint& endpoint) {
  const bool ipv6 = endpoint.host.find(':') != std::string::npos;
  return (ipv6 ? "[" + endpoint.host + "]" : endpoint.host) + ":" + std::to_string(endpoint.port);
}

std::string_view to_string(EndpointOutcome outcome) {
  switch (outcome) {
    case EndpointOutcome::Ok:
      return "ok";
    case EndpointOutcome::NoAnswer:
      return "no-answer";
    case EndpointOutcome::NoTls:
      return "no-tls";
    case EndpointOutcome::CertificateWrongHost:
      return "certificate-wrong-host";
    case EndpointOutcome::CertificateExpired:
      return "certificate-expired";
    case EndpointOutcome::CertificateUntrusted:
      return "certificate-untrusted";
    case EndpointOutcome::NoLogin:
      return "no-login";
    case EndpointOutcome::NotChecked:
      return "not-checked";
  }
  return "not-checked";
}

std::optional<EndpointOutcome> endpoint_outcome_named(std::string_view name) {
  for (const EndpointOutcome outcome :
       {EndpointOutcome::Ok, EndpointOutcome::NoAnswer, EndpointOutcome::NoTls,
        EndpointOutcome::CertificateWrongHost, EndpointOutcome::CertificateExpired,
        EndpointOutcome::CertificateUntrusted, EndpointOutcome::NoLogin,
        EndpointOutcome::NotChecked}) {
    if (to_string(outcome) == name) return outcome;
  }
  return std::nullopt;
}

const char* outcome_phrase(EndpointOutcome outcome) {
  switch (outcome) {
    case EndpointOutcome::Ok:
      return N_("answers as the account needs");
    case EndpointOutcome::NoAnswer:
      return N_("did not answer");
    case EndpointOutcome::NoTls:
      return N_("did not answer with TLS");
    case EndpointOutcome::CertificateWrongHost:
      return N_("certificate not valid for host");
    case EndpointOutcome::CertificateExpired:
      return N_("expired certificate");
    case EndpointOutcome::CertificateUntrusted:
      return N_("certificate not trusted");
    case EndpointOutcome::NoLogin:
      return N_("does not offer the login the account needs");
    case EndpointOutcome::NotChecked:
      return N_("not checked: the run's time limit passed");
  }
  return N_("not checked: the run's time limit passed");
}

}  // namespace mailmig
