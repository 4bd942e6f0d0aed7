// A mail server endpoint as an account would be configured to use it, and what happened when
// mailmig checked, before pointing a profile at it, that it answers (issue 15 §2).
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <tuple>

#include "src/model/account.h"

namespace mailmig {

struct Endpoint {
  Protocol protocol = Protocol::None;  // pop3, imap or smtp are checked
  std::string host;
  int port = 0;
  SocketType socket_type = SocketType::Plain;
  AuthMethod authentication = AuthMethod::None;  // the login the account will use there

  bool operator==(const Endpoint&) const = default;
  bool operator<(const Endpoint& other) const {
    return std::tie(protocol, host, port, socket_type, authentication) <
           std::tie(other.protocol, other.host, other.port, other.socket_type,
                    other.authentication);
  }
};

std::string host_and_port(const Endpoint& endpoint);  // "mail.example.jp:995", "[::1]:993"

enum class EndpointOutcome {
  Ok,
  NoAnswer,              // no connection, or no greeting
  NoTls,                 // no TLS handshake, or no STARTTLS offered
  CertificateWrongHost,  // valid, but not for this host name
  CertificateExpired,    // or not yet valid
  CertificateUntrusted,  // not signed by a known authority
  NoLogin,               // the login the account relies on is not offered
  NotChecked,            // the run's time limit had passed
};

std::string_view to_string(EndpointOutcome outcome);  // "ok", "no-answer", ... (JSON, CSV)
// The outcome to_string() names; nullopt for any other text (as a report from elsewhere may hold).
std::optional<EndpointOutcome> endpoint_outcome_named(std::string_view name);
// What happened, in a few English words marked for translation: "did not answer".
const char* outcome_phrase(EndpointOutcome outcome);

struct EndpointCheck {
  Endpoint endpoint;
  EndpointOutcome outcome = EndpointOutcome::NotChecked;
  // The server's own words or the TLS library's, for an administrator: "530 5.7.0 Must issue a
  // STARTTLS command first", "The certificate is NOT trusted. The certificate issuer is unknown."
  std::string detail;

  bool passed() const { return outcome == EndpointOutcome::Ok; }
  bool operator==(const EndpointCheck&) const = default;
};

}  // namespace mailmig
