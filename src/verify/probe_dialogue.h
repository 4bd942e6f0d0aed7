// The prober's conversation with a mail server, over a transport that carries the bytes: the
// real one is a socket with GnuTLS (endpoint_probe.cpp); fuzz/fuzz_probe.cpp and the tests play
// the server from bytes in memory (tests/verify/scripted_transport.h).
#pragma once

#include <algorithm>
#include <chrono>
#include <climits>
#include <cstddef>
#include <optional>
#include <string>
#include <string_view>

#include "src/model/endpoint_check.h"
#include "src/verify/endpoint_probe.h"

namespace mailmig {

// What a dialogue (or the connection under it) concluded.
struct Verdict {
  EndpointOutcome outcome = EndpointOutcome::Ok;
  std::string detail;
};

// A verdict whose detail is the server's words: cut short, trimmed and made printable.
Verdict fail(EndpointOutcome outcome, std::string_view detail);

// A server's reply is read no further than this: no mail server's line is longer (a line is
// given up once this much of it has been read), nor any reply to a command as long, capability
// lists (EHLO, CAPA, CAPABILITY) included.
inline constexpr std::size_t kMaxReplyLine = std::size_t{64} * 1024;
inline constexpr std::size_t kMaxReplyLines = 500;

class ProbeTransport {
 public:
  virtual ~ProbeTransport() = default;
  // Appends the next bytes the server sent to `buffer`; false when it closed or went silent
  // past the deadline.
  virtual bool receive(std::string& buffer) = 0;
  virtual bool send(std::string_view bytes) = 0;
  // The TLS handshake, after which both directions are encrypted; a verdict when it failed.
  virtual std::optional<Verdict> start_tls(const std::string& host,
                                           const std::string& extra_ca_file) = 0;
};

// From the greeting to QUIT (or LOGOUT) over a connected transport, TLS already up for
// implicit TLS. It never sends AUTH, LOGIN, USER, PASS or APOP.
using Dialogue = Verdict (*)(ProbeTransport&, const Endpoint&, const ProbeSettings&);

// The dialogue for pop3, imap or smtp; nullptr for any other protocol.
Dialogue dialogue_for(Protocol protocol);

using ProbeClock = std::chrono::steady_clock;

// What is left of a probe's time, in milliseconds for the platform's waits (0 when none).
inline int milliseconds_left(ProbeClock::time_point deadline) {
  const auto left =
      std::chrono::duration_cast<std::chrono::milliseconds>(deadline - ProbeClock::now()).count();
  return left <= 0 ? 0 : static_cast<int>(std::min<long long>(left, INT_MAX));
}

// A transport that opens its own connection: each platform's socket and TLS.
class ConnectingTransport : public ProbeTransport {
 public:
  // A verdict when no connection could be made.
  virtual std::optional<Verdict> connect(const std::string& host, int port) = 0;
};

// One endpoint's whole probe over a fresh connection: connect, TLS first for implicit TLS, then
// the protocol's dialogue. pop3, imap and smtp only; anything else is reported NoAnswer.
EndpointCheck probe_over(ConnectingTransport& connection, const Endpoint& endpoint,
                         const ProbeSettings& settings);

}  // namespace mailmig
