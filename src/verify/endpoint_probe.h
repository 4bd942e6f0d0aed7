// Checks that a mail server endpoint answers the way an account is about to be configured to
// use it: TCP connect, TLS (implicit, or STARTTLS after the greeting), a certificate valid for
// the host name, and the login the account relies on advertised. It never sends a user name or
// a password (no AUTH, LOGIN, USER or PASS), so a check can never lock anyone out.
#pragma once

#include <chrono>
#include <string>

#include "src/model/endpoint_check.h"

namespace mailmig {

struct ProbeSettings {
  // The whole probe of one endpoint: connect, handshake and every reply.
  std::chrono::milliseconds timeout{5000};
  // PEM file of extra trusted authorities beside the system's store ("" for none).
  std::string extra_ca_file;
};

// Probes one endpoint. pop3, imap and smtp only; anything else is reported NoAnswer.
EndpointCheck probe_endpoint(const Endpoint& endpoint, const ProbeSettings& settings);

}  // namespace mailmig
