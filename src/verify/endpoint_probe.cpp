#include "src/verify/endpoint_probe.h"

#include <arpa/inet.h>
#include <fcntl.h>
#include <gnutls/gnutls.h>
#include <netdb.h>
#include <poll.h>
#include <sys/socket.h>
#include <sys/time.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <climits>
#include <cstring>
#include <optional>
#include <vector>

#include "src/util/text_sanitize.h"

namespace mailmig {
namespace {

using Clock = std::chrono::steady_clock;

constexpr std::size_t kMaxLine = 64 * 1024;  // no mail server's reply line is longer
constexpr std::size_t kMaxDetail = 200;

int milliseconds_left(Clock::time_point deadline) {
  const auto left =
      std::chrono::duration_cast<std::chrono::milliseconds>(deadline - Clock::now()).count();
  return left <= 0 ? 0 : static_cast<int>(std::min<long long>(left, INT_MAX));
}

std::string upper(std::string_view text) {
  std::string out(text);
  for (char& c : out) {
    if (c >= 'a' && c <= 'z') c = static_cast<char>(c - 'a' + 'A');
  }
  return out;
}

std::vector<std::string> words(std::string_view line) {
  std::vector<std::string> out;
  std::size_t pos = 0;
  while (pos < line.size()) {
    const std::size_t start = line.find_first_not_of(' ', pos);
    if (start == std::string_view::npos) break;
    const std::size_t end = std::min(line.find(' ', start), line.size());
    out.push_back(upper(line.substr(start, end - start)));
    pos = end;
  }
  return out;
}

bool contains(const std::vector<std::string>& list, std::string_view word) {
  return std::find(list.begin(), list.end(), word) != list.end();
}

// What the server said, short and safe to print: it is the server's text, not ours.
std::string detail_of(std::string_view text) {
  text = text.substr(0, std::min(text.size(), kMaxDetail));
  const std::size_t end = text.find_last_not_of(" \t");
  return printable(text.substr(0, end == std::string_view::npos ? 0 : end + 1));
}

struct Verdict {
  EndpointOutcome outcome = EndpointOutcome::Ok;
  std::string detail;
};

Verdict fail(EndpointOutcome outcome, std::string_view detail) {
  return {outcome, detail_of(detail)};
}

bool is_ip_literal(const std::string& host) {
  unsigned char address[sizeof(in6_addr)];
  return inet_pton(AF_INET, host.c_str(), address) == 1 ||
         inet_pton(AF_INET6, host.c_str(), address) == 1;
}

// One connection: plain until start_tls(), then through GnuTLS. Every wait ends at the
// probe's deadline.
class Connection {
 public:
  explicit Connection(Clock::time_point deadline) : deadline_(deadline) {}
  ~Connection() {
    if (session_) gnutls_deinit(session_);
    if (credentials_) gnutls_certificate_free_credentials(credentials_);
    if (fd_ >= 0) ::close(fd_);
  }
  Connection(const Connection&) = delete;
  Connection& operator=(const Connection&) = delete;

  std::optional<Verdict> connect(const std::string& host, int port) {
    addrinfo hints{};
    hints.ai_family = AF_UNSPEC;
    hints.ai_socktype = SOCK_STREAM;
    addrinfo* found = nullptr;
    const std::string service = std::to_string(port);
    // Name resolution waits as long as the system resolver does; the probes run in parallel.
    if (const int error = getaddrinfo(host.c_str(), service.c_str(), &hints, &found); error != 0) {
      return fail(EndpointOutcome::NoAnswer,
                  std::string("cannot resolve the host name: ") + gai_strerror(error));
    }
    std::string last_error = "no address";
    for (const addrinfo* address = found; address && fd_ < 0; address = address->ai_next) {
      const int fd =
          ::socket(address->ai_family, address->ai_socktype | SOCK_CLOEXEC | SOCK_NONBLOCK, 0);
      if (fd < 0) continue;
      if (connect_within_deadline(fd, *address, last_error)) {
        fd_ = fd;
      } else {
        ::close(fd);
      }
    }
    freeaddrinfo(found);
    if (fd_ < 0) return fail(EndpointOutcome::NoAnswer, last_error);
    // Blocking from here on: GnuTLS waits with poll() itself when given a timeout.
    ::fcntl(fd_, F_SETFL, ::fcntl(fd_, F_GETFL) & ~O_NONBLOCK);
    const int left = milliseconds_left(deadline_);
    timeval send_timeout{left / 1000, (left % 1000) * 1000};
    ::setsockopt(fd_, SOL_SOCKET, SO_SNDTIMEO, &send_timeout, sizeof send_timeout);
    return std::nullopt;
  }

  std::optional<Verdict> start_tls(const std::string& host, const std::string& extra_ca_file) {
    if (!buffer_.empty()) {
      // Bytes sent before the handshake would be read as if they came over TLS.
      return fail(EndpointOutcome::NoTls, "the server sent data before the TLS handshake");
    }
    if (gnutls_certificate_allocate_credentials(&credentials_) < 0) {
      return fail(EndpointOutcome::NoTls, "cannot set up TLS");
    }
    gnutls_certificate_set_x509_system_trust(credentials_);
    if (!extra_ca_file.empty() &&
        gnutls_certificate_set_x509_trust_file(credentials_, extra_ca_file.c_str(),
                                               GNUTLS_X509_FMT_PEM) <= 0) {
      return fail(EndpointOutcome::CertificateUntrusted,
                  "no certificate could be read from the CA file " + extra_ca_file);
    }
    if (gnutls_init(&session_, GNUTLS_CLIENT | GNUTLS_NO_SIGNAL) < 0) {
      session_ = nullptr;
      return fail(EndpointOutcome::NoTls, "cannot set up TLS");
    }
    gnutls_set_default_priority(session_);
    gnutls_credentials_set(session_, GNUTLS_CRD_CERTIFICATE, credentials_);
    if (!is_ip_literal(host)) {
      gnutls_server_name_set(session_, GNUTLS_NAME_DNS, host.data(), host.size());
    }
    // The handshake fails unless the chain is trusted and valid for this host name.
    gnutls_session_set_verify_cert(session_, host.c_str(), 0);
    gnutls_transport_set_int(session_, fd_);
    int rc = 0;
    do {
      const int left = milliseconds_left(deadline_);
      if (left == 0)
        return fail(EndpointOutcome::NoTls, "the TLS handshake did not finish in time");
      gnutls_handshake_set_timeout(session_, static_cast<unsigned>(left));
      rc = gnutls_handshake(session_);
    } while (rc < 0 && gnutls_error_is_fatal(rc) == 0);
    if (rc == GNUTLS_E_CERTIFICATE_VERIFICATION_ERROR) return certificate_verdict();
    if (rc < 0) return fail(EndpointOutcome::NoTls, gnutls_strerror(rc));
    return std::nullopt;
  }

  bool send(std::string_view bytes) {
    while (!bytes.empty()) {
      const ssize_t sent = session_ ? gnutls_record_send(session_, bytes.data(), bytes.size())
                                    : ::send(fd_, bytes.data(), bytes.size(), MSG_NOSIGNAL);
      if (sent == GNUTLS_E_AGAIN || sent == GNUTLS_E_INTERRUPTED) {
        if (milliseconds_left(deadline_) == 0) return false;
        continue;
      }
      if (sent <= 0) return false;
      bytes.remove_prefix(static_cast<std::size_t>(sent));
    }
    return true;
  }

  // One line without its CRLF; nullopt when the server closed, went silent past the deadline
  // or sent something that is not a line.
  std::optional<std::string> read_line() {
    while (true) {
      const std::size_t end = buffer_.find('\n');
      if (end != std::string::npos) {
        std::string line = buffer_.substr(0, end);
        buffer_.erase(0, end + 1);
        if (!line.empty() && line.back() == '\r') line.pop_back();
        return line;
      }
      if (buffer_.size() > kMaxLine || !fill()) return std::nullopt;
    }
  }

 private:
  bool connect_within_deadline(int fd, const addrinfo& address, std::string& error) {
    if (::connect(fd, address.ai_addr, address.ai_addrlen) == 0) return true;
    if (errno != EINPROGRESS) {
      error = std::strerror(errno);
      return false;
    }
    pollfd wanted{fd, POLLOUT, 0};
    const int ready = ::poll(&wanted, 1, milliseconds_left(deadline_));
    if (ready <= 0) {
      error = "no answer in time";
      return false;
    }
    int status = 0;
    socklen_t length = sizeof status;
    ::getsockopt(fd, SOL_SOCKET, SO_ERROR, &status, &length);
    if (status != 0) error = std::strerror(status);
    return status == 0;
  }

  bool fill() {
    char chunk[4096];
    while (true) {
      const int left = milliseconds_left(deadline_);
      if (left == 0) return false;
      ssize_t received = 0;
      if (session_) {
        gnutls_record_set_timeout(session_, static_cast<unsigned>(left));
        received = gnutls_record_recv(session_, chunk, sizeof chunk);
        if (received == GNUTLS_E_AGAIN || received == GNUTLS_E_INTERRUPTED) continue;
      } else {
        pollfd wanted{fd_, POLLIN, 0};
        const int ready = ::poll(&wanted, 1, left);
        if (ready < 0 && errno == EINTR) continue;
        if (ready <= 0) return false;
        received = ::recv(fd_, chunk, sizeof chunk, 0);
      }
      if (received <= 0) return false;
      buffer_.append(chunk, static_cast<std::size_t>(received));
      return true;
    }
  }

  Verdict certificate_verdict() const {
    const unsigned status = gnutls_session_get_verify_cert_status(session_);
    gnutls_datum_t text{};
    std::string detail = "certificate verification failed";
    if (gnutls_certificate_verification_status_print(status, GNUTLS_CRT_X509, &text, 0) == 0) {
      detail.assign(reinterpret_cast<const char*>(text.data), text.size);
      gnutls_free(text.data);
    }
    // An unknown issuer first: then nothing else the certificate says can be believed.
    if (status & GNUTLS_CERT_SIGNER_NOT_FOUND) {
      return fail(EndpointOutcome::CertificateUntrusted, detail);
    }
    if (status & (GNUTLS_CERT_EXPIRED | GNUTLS_CERT_NOT_ACTIVATED)) {
      return fail(EndpointOutcome::CertificateExpired, detail);
    }
    if (status & GNUTLS_CERT_UNEXPECTED_OWNER) {
      return fail(EndpointOutcome::CertificateWrongHost, detail);
    }
    return fail(EndpointOutcome::CertificateUntrusted, detail);
  }

  Clock::time_point deadline_;
  int fd_ = -1;
  gnutls_certificate_credentials_t credentials_ = nullptr;
  gnutls_session_t session_ = nullptr;
  std::string buffer_;
};

// The SASL mechanisms (upper case) that let an account log in with `method`; empty when the
// method needs no login from the server, {"*"} for any mechanism.
std::vector<std::string> sasl_mechanisms_for(AuthMethod method) {
  switch (method) {
    case AuthMethod::PasswordCleartext:
      return {"PLAIN", "LOGIN"};
    case AuthMethod::PasswordEncrypted:
      return {"CRAM-MD5", "DIGEST-MD5", "SCRAM-SHA-1", "SCRAM-SHA-256"};
    case AuthMethod::Ntlm:
      return {"NTLM"};
    case AuthMethod::Gssapi:
      return {"GSSAPI"};
    case AuthMethod::OAuth2:
      return {"XOAUTH2", "OAUTHBEARER"};
    case AuthMethod::Any:
      return {"*"};
    case AuthMethod::None:
    case AuthMethod::Apop:
    case AuthMethod::SmtpAfterPop:
    case AuthMethod::TlsClientCert:
      return {};
  }
  return {};
}

bool offers_any(const std::vector<std::string>& offered, const std::vector<std::string>& wanted) {
  if (contains(wanted, "*")) return !offered.empty();
  return std::any_of(wanted.begin(), wanted.end(),
                     [&](const std::string& mechanism) { return contains(offered, mechanism); });
}

std::string joined(const std::vector<std::string>& list, std::string_view separator) {
  std::string out;
  for (const std::string& item : list) {
    if (!out.empty()) out += separator;
    out += item;
  }
  return out;
}

// --- SMTP (RFC 5321, 3207, 4954) ---------------------------------------------------------

struct SmtpReply {
  std::string code;
  std::vector<std::string> lines;  // the text after "250-" / "250 "
};

std::optional<SmtpReply> read_smtp_reply(Connection& connection) {
  SmtpReply reply;
  while (const auto line = connection.read_line()) {
    if (line->size() < 3) return std::nullopt;
    reply.code = line->substr(0, 3);
    reply.lines.push_back(line->size() > 4 ? line->substr(4) : std::string());
    if (line->size() == 3 || (*line)[3] != '-') return reply;
  }
  return std::nullopt;
}

std::string first_line(const SmtpReply& reply) {
  return reply.code + " " + (reply.lines.empty() ? std::string() : reply.lines.front());
}

std::optional<SmtpReply> smtp_ehlo(Connection& connection) {
  // A fixed name: the check tells the server nothing about the machine it runs on.
  if (!connection.send("EHLO mailmig.invalid\r\n")) return std::nullopt;
  return read_smtp_reply(connection);
}

Verdict smtp_dialogue(Connection& connection, const Endpoint& endpoint,
                      const ProbeSettings& settings) {
  const auto greeting = read_smtp_reply(connection);
  if (!greeting) return fail(EndpointOutcome::NoAnswer, "no SMTP greeting");
  if (greeting->code != "220") return fail(EndpointOutcome::NoAnswer, first_line(*greeting));
  auto ehlo = smtp_ehlo(connection);
  if (!ehlo || ehlo->code != "250") {
    return fail(EndpointOutcome::NoAnswer, ehlo ? first_line(*ehlo) : "no reply to EHLO");
  }
  if (endpoint.socket_type == SocketType::StartTls) {
    const bool offered = std::any_of(ehlo->lines.begin(), ehlo->lines.end(), [](const auto& line) {
      return words(line) == std::vector<std::string>{"STARTTLS"};
    });
    if (!offered) return fail(EndpointOutcome::NoTls, "no STARTTLS in the reply to EHLO");
    if (!connection.send("STARTTLS\r\n")) return fail(EndpointOutcome::NoTls, "STARTTLS not sent");
    const auto go_ahead = read_smtp_reply(connection);
    if (!go_ahead || go_ahead->code != "220") {
      return fail(EndpointOutcome::NoTls,
                  go_ahead ? first_line(*go_ahead) : "no reply to STARTTLS");
    }
    if (auto failed = connection.start_tls(endpoint.host, settings.extra_ca_file)) return *failed;
    ehlo = smtp_ehlo(connection);
    if (!ehlo || ehlo->code != "250") {
      return fail(EndpointOutcome::NoAnswer, ehlo ? first_line(*ehlo) : "no reply to EHLO");
    }
  }
  std::vector<std::string> mechanisms;
  for (const std::string& line : ehlo->lines) {
    std::vector<std::string> keywords = words(line);
    // "AUTH=LOGIN PLAIN" is how some old servers said it.
    if (!keywords.empty() && keywords.front().starts_with("AUTH=")) {
      keywords.front().erase(0, 5);
      mechanisms.insert(mechanisms.end(), keywords.begin(), keywords.end());
    } else if (!keywords.empty() && keywords.front() == "AUTH") {
      mechanisms.insert(mechanisms.end(), keywords.begin() + 1, keywords.end());
    }
  }
  connection.send("QUIT\r\n");
  const std::vector<std::string> wanted = sasl_mechanisms_for(endpoint.authentication);
  if (!wanted.empty() && !offers_any(mechanisms, wanted)) {
    const std::string after = endpoint.socket_type == SocketType::StartTls ? " after STARTTLS" : "";
    return fail(EndpointOutcome::NoLogin,
                "no AUTH " + joined(wanted, " or ") + after +
                    (mechanisms.empty() ? "" : " (offered: " + joined(mechanisms, " ") + ")"));
  }
  return {};
}

// --- POP3 (RFC 1939, 2449, 2595, 5034) --------------------------------------------------

// The CAPA list, upper case, one entry a line; nullopt when the server has no CAPA.
std::optional<std::vector<std::string>> pop3_capabilities(Connection& connection, bool& answered) {
  answered = false;
  if (!connection.send("CAPA\r\n")) return std::nullopt;
  const auto status = connection.read_line();
  if (!status) return std::nullopt;
  answered = true;
  if (!status->starts_with("+OK")) return std::nullopt;
  std::vector<std::string> capabilities;
  while (const auto line = connection.read_line()) {
    if (*line == ".") return capabilities;
    capabilities.push_back(upper(*line));
  }
  answered = false;
  return std::nullopt;
}

Verdict pop3_dialogue(Connection& connection, const Endpoint& endpoint,
                      const ProbeSettings& settings) {
  const auto greeting = connection.read_line();
  if (!greeting) return fail(EndpointOutcome::NoAnswer, "no POP3 greeting");
  if (!greeting->starts_with("+OK")) return fail(EndpointOutcome::NoAnswer, *greeting);
  bool answered = false;
  auto capabilities = pop3_capabilities(connection, answered);
  if (!answered) return fail(EndpointOutcome::NoAnswer, "no reply to CAPA");
  if (endpoint.socket_type == SocketType::StartTls) {
    if (!capabilities || !contains(*capabilities, "STLS")) {
      return fail(EndpointOutcome::NoTls, "no STLS in the reply to CAPA");
    }
    if (!connection.send("STLS\r\n")) return fail(EndpointOutcome::NoTls, "STLS not sent");
    const auto go_ahead = connection.read_line();
    if (!go_ahead || !go_ahead->starts_with("+OK")) {
      return fail(EndpointOutcome::NoTls, go_ahead ? *go_ahead : "no reply to STLS");
    }
    if (auto failed = connection.start_tls(endpoint.host, settings.extra_ca_file)) return *failed;
    capabilities = pop3_capabilities(connection, answered);
    if (!answered) return fail(EndpointOutcome::NoAnswer, "no reply to CAPA");
  }
  connection.send("QUIT\r\n");
  if (endpoint.authentication == AuthMethod::Apop) {
    if (greeting->find('<') != std::string::npos) return {};
    return fail(EndpointOutcome::NoLogin, "no APOP timestamp in the greeting");
  }
  // A server without CAPA (RFC 1939 alone) cannot say; USER/PASS is what such servers offer.
  if (!capabilities) return {};
  std::vector<std::string> mechanisms;
  bool user_command = false;
  for (const std::string& line : *capabilities) {
    std::vector<std::string> keywords = words(line);
    if (keywords.empty()) continue;
    if (keywords.front() == "USER") user_command = true;
    if (keywords.front() == "SASL") {
      mechanisms.insert(mechanisms.end(), keywords.begin() + 1, keywords.end());
    }
  }
  switch (endpoint.authentication) {
    case AuthMethod::PasswordCleartext:
      if (user_command || contains(mechanisms, "PLAIN") || contains(mechanisms, "LOGIN")) return {};
      return fail(EndpointOutcome::NoLogin, "no USER in the reply to CAPA");
    default: {
      const std::vector<std::string> wanted = sasl_mechanisms_for(endpoint.authentication);
      if (wanted.empty() || offers_any(mechanisms, wanted)) return {};
      return fail(EndpointOutcome::NoLogin, "no SASL " + joined(wanted, " or ") + " in CAPA");
    }
  }
}

// --- IMAP (RFC 9051, 3501) ----------------------------------------------------------------

// Sends one tagged command; the untagged CAPABILITY words seen on the way are added to
// `capabilities`. Returns the tagged status line.
std::optional<std::string> imap_command(Connection& connection, const std::string& tag,
                                        const std::string& command,
                                        std::vector<std::string>& capabilities) {
  if (!connection.send(tag + " " + command + "\r\n")) return std::nullopt;
  while (const auto line = connection.read_line()) {
    if (line->starts_with(tag + " ")) return line->substr(tag.size() + 1);
    const std::vector<std::string> untagged = words(*line);
    if (untagged.size() >= 2 && untagged[0] == "*" && untagged[1] == "CAPABILITY") {
      capabilities.assign(untagged.begin() + 2, untagged.end());
    }
  }
  return std::nullopt;
}

Verdict imap_dialogue(Connection& connection, const Endpoint& endpoint,
                      const ProbeSettings& settings) {
  const auto greeting = connection.read_line();
  if (!greeting) return fail(EndpointOutcome::NoAnswer, "no IMAP greeting");
  const std::string status = upper(*greeting);
  if (!status.starts_with("* OK") && !status.starts_with("* PREAUTH")) {
    return fail(EndpointOutcome::NoAnswer, *greeting);
  }
  std::vector<std::string> capabilities;
  auto done = imap_command(connection, "m1", "CAPABILITY", capabilities);
  if (!done || !upper(*done).starts_with("OK")) {
    return fail(EndpointOutcome::NoAnswer, done ? *done : "no reply to CAPABILITY");
  }
  if (endpoint.socket_type == SocketType::StartTls) {
    if (!contains(capabilities, "STARTTLS")) {
      return fail(EndpointOutcome::NoTls, "no STARTTLS in the reply to CAPABILITY");
    }
    std::vector<std::string> ignored;
    done = imap_command(connection, "m2", "STARTTLS", ignored);
    if (!done || !upper(*done).starts_with("OK")) {
      return fail(EndpointOutcome::NoTls, done ? *done : "no reply to STARTTLS");
    }
    if (auto failed = connection.start_tls(endpoint.host, settings.extra_ca_file)) return *failed;
    capabilities.clear();  // what was said before TLS no longer counts
    done = imap_command(connection, "m3", "CAPABILITY", capabilities);
    if (!done || !upper(*done).starts_with("OK")) {
      return fail(EndpointOutcome::NoAnswer, done ? *done : "no reply to CAPABILITY");
    }
  }
  std::vector<std::string> mechanisms;
  for (const std::string& capability : capabilities) {
    if (capability.starts_with("AUTH=")) mechanisms.push_back(capability.substr(5));
  }
  std::vector<std::string> ignored;
  imap_command(connection, "m9", "LOGOUT", ignored);
  if (endpoint.authentication == AuthMethod::PasswordCleartext) {
    if (!contains(capabilities, "LOGINDISABLED") || contains(mechanisms, "PLAIN")) return {};
    return fail(EndpointOutcome::NoLogin, "LOGINDISABLED in the reply to CAPABILITY");
  }
  const std::vector<std::string> wanted = sasl_mechanisms_for(endpoint.authentication);
  if (wanted.empty() || offers_any(mechanisms, wanted)) return {};
  return fail(EndpointOutcome::NoLogin,
              "no AUTH=" + joined(wanted, " or AUTH=") + " in CAPABILITY");
}

}  // namespace

EndpointCheck probe_endpoint(const Endpoint& endpoint, const ProbeSettings& settings) {
  EndpointCheck check;
  check.endpoint = endpoint;
  const auto dialogue = endpoint.protocol == Protocol::Smtp   ? smtp_dialogue
                        : endpoint.protocol == Protocol::Pop3 ? pop3_dialogue
                        : endpoint.protocol == Protocol::Imap ? imap_dialogue
                                                              : nullptr;
  if (!dialogue) {
    check.outcome = EndpointOutcome::NoAnswer;
    check.detail = "mailmig checks only pop3, imap and smtp servers";
    return check;
  }
  Connection connection(Clock::now() + settings.timeout);
  std::optional<Verdict> verdict = connection.connect(endpoint.host, endpoint.port);
  if (!verdict && endpoint.socket_type == SocketType::Ssl) {
    verdict = connection.start_tls(endpoint.host, settings.extra_ca_file);
  }
  if (!verdict) verdict = dialogue(connection, endpoint, settings);
  check.outcome = verdict->outcome;
  check.detail = std::move(verdict->detail);
  return check;
}

}  // namespace mailmig
