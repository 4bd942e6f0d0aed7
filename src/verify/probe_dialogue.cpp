// The prober's conversation with a mail server (greeting, capabilities, STARTTLS, QUIT),
// apart from the socket and TLS under it so that it also runs over bytes held in memory
// (fuzz/fuzz_probe.cpp, tests/verify/probe_dialogue_test.cpp).
#include "src/verify/probe_dialogue.h"

#include <algorithm>
#include <vector>

#include "src/util/text_sanitize.h"

namespace mailmig {
namespace {

constexpr std::size_t kMaxDetail = 200;

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

// The server's replies as lines, read through the transport. A reply (what the server says
// between two commands, or before the first) ends at kMaxReplyLines lines of about
// kMaxReplyLine bytes at most, so that a hostile server cannot fill memory.
class ServerLines {
 public:
  explicit ServerLines(ProbeTransport& transport) : transport_(transport) {}

  bool send(std::string_view bytes) {
    lines_since_send_ = 0;  // a new reply begins
    return transport_.send(bytes);
  }

  std::optional<Verdict> start_tls(const std::string& host, const std::string& extra_ca_file) {
    if (!buffer_.empty()) {
      // Bytes sent before the handshake would be read as if they came over TLS.
      return fail(EndpointOutcome::NoTls, "the server sent data before the TLS handshake");
    }
    return transport_.start_tls(host, extra_ca_file);
  }

  // One line without its CRLF; nullopt when the server closed, went silent past the deadline,
  // sent something that is not a line or more lines than a reply has.
  std::optional<std::string> read_line() {
    if (++lines_since_send_ > kMaxReplyLines) return std::nullopt;
    while (true) {
      const std::size_t end = buffer_.find('\n');
      if (end != std::string::npos) {
        std::string line = buffer_.substr(0, end);
        buffer_.erase(0, end + 1);
        if (!line.empty() && line.back() == '\r') line.pop_back();
        return line;
      }
      if (buffer_.size() > kMaxReplyLine || !transport_.receive(buffer_)) return std::nullopt;
    }
  }

 private:
  ProbeTransport& transport_;
  std::string buffer_;
  std::size_t lines_since_send_ = 0;
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

std::optional<SmtpReply> read_smtp_reply(ServerLines& server) {
  SmtpReply reply;
  while (const auto line = server.read_line()) {
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

std::optional<SmtpReply> smtp_ehlo(ServerLines& server) {
  // A fixed name: the check tells the server nothing about the machine it runs on.
  if (!server.send("EHLO mailmig.invalid\r\n")) return std::nullopt;
  return read_smtp_reply(server);
}

Verdict smtp_dialogue(ServerLines& server, const Endpoint& endpoint,
                      const ProbeSettings& settings) {
  const auto greeting = read_smtp_reply(server);
  if (!greeting) return fail(EndpointOutcome::NoAnswer, "no SMTP greeting");
  if (greeting->code != "220") return fail(EndpointOutcome::NoAnswer, first_line(*greeting));
  auto ehlo = smtp_ehlo(server);
  if (!ehlo || ehlo->code != "250") {
    return fail(EndpointOutcome::NoAnswer, ehlo ? first_line(*ehlo) : "no reply to EHLO");
  }
  if (endpoint.socket_type == SocketType::StartTls) {
    const bool offered = std::any_of(ehlo->lines.begin(), ehlo->lines.end(), [](const auto& line) {
      return words(line) == std::vector<std::string>{"STARTTLS"};
    });
    if (!offered) return fail(EndpointOutcome::NoTls, "no STARTTLS in the reply to EHLO");
    if (!server.send("STARTTLS\r\n")) return fail(EndpointOutcome::NoTls, "STARTTLS not sent");
    const auto go_ahead = read_smtp_reply(server);
    if (!go_ahead || go_ahead->code != "220") {
      return fail(EndpointOutcome::NoTls,
                  go_ahead ? first_line(*go_ahead) : "no reply to STARTTLS");
    }
    if (auto failed = server.start_tls(endpoint.host, settings.extra_ca_file)) return *failed;
    ehlo = smtp_ehlo(server);
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
  server.send("QUIT\r\n");
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
std::optional<std::vector<std::string>> pop3_capabilities(ServerLines& server, bool& answered) {
  answered = false;
  if (!server.send("CAPA\r\n")) return std::nullopt;
  const auto status = server.read_line();
  if (!status) return std::nullopt;
  answered = true;
  if (!status->starts_with("+OK")) return std::nullopt;
  std::vector<std::string> capabilities;
  while (const auto line = server.read_line()) {
    if (*line == ".") return capabilities;
    capabilities.push_back(upper(*line));
  }
  answered = false;
  return std::nullopt;
}

Verdict pop3_dialogue(ServerLines& server, const Endpoint& endpoint,
                      const ProbeSettings& settings) {
  const auto greeting = server.read_line();
  if (!greeting) return fail(EndpointOutcome::NoAnswer, "no POP3 greeting");
  if (!greeting->starts_with("+OK")) return fail(EndpointOutcome::NoAnswer, *greeting);
  bool answered = false;
  auto capabilities = pop3_capabilities(server, answered);
  if (!answered) return fail(EndpointOutcome::NoAnswer, "no reply to CAPA");
  if (endpoint.socket_type == SocketType::StartTls) {
    if (!capabilities || !contains(*capabilities, "STLS")) {
      return fail(EndpointOutcome::NoTls, "no STLS in the reply to CAPA");
    }
    if (!server.send("STLS\r\n")) return fail(EndpointOutcome::NoTls, "STLS not sent");
    const auto go_ahead = server.read_line();
    if (!go_ahead || !go_ahead->starts_with("+OK")) {
      return fail(EndpointOutcome::NoTls, go_ahead ? *go_ahead : "no reply to STLS");
    }
    if (auto failed = server.start_tls(endpoint.host, settings.extra_ca_file)) return *failed;
    capabilities = pop3_capabilities(server, answered);
    if (!answered) return fail(EndpointOutcome::NoAnswer, "no reply to CAPA");
  }
  server.send("QUIT\r\n");
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
std::optional<std::string> imap_command(ServerLines& server, const std::string& tag,
                                        const std::string& command,
                                        std::vector<std::string>& capabilities) {
  if (!server.send(tag + " " + command + "\r\n")) return std::nullopt;
  while (const auto line = server.read_line()) {
    if (line->starts_with(tag + " ")) return line->substr(tag.size() + 1);
    const std::vector<std::string> untagged = words(*line);
    if (untagged.size() >= 2 && untagged[0] == "*" && untagged[1] == "CAPABILITY") {
      capabilities.assign(untagged.begin() + 2, untagged.end());
    }
  }
  return std::nullopt;
}

Verdict imap_dialogue(ServerLines& server, const Endpoint& endpoint,
                      const ProbeSettings& settings) {
  const auto greeting = server.read_line();
  if (!greeting) return fail(EndpointOutcome::NoAnswer, "no IMAP greeting");
  const std::string status = upper(*greeting);
  if (!status.starts_with("* OK") && !status.starts_with("* PREAUTH")) {
    return fail(EndpointOutcome::NoAnswer, *greeting);
  }
  std::vector<std::string> capabilities;
  auto done = imap_command(server, "m1", "CAPABILITY", capabilities);
  if (!done || !upper(*done).starts_with("OK")) {
    return fail(EndpointOutcome::NoAnswer, done ? *done : "no reply to CAPABILITY");
  }
  if (endpoint.socket_type == SocketType::StartTls) {
    if (!contains(capabilities, "STARTTLS")) {
      return fail(EndpointOutcome::NoTls, "no STARTTLS in the reply to CAPABILITY");
    }
    std::vector<std::string> ignored;
    done = imap_command(server, "m2", "STARTTLS", ignored);
    if (!done || !upper(*done).starts_with("OK")) {
      return fail(EndpointOutcome::NoTls, done ? *done : "no reply to STARTTLS");
    }
    if (auto failed = server.start_tls(endpoint.host, settings.extra_ca_file)) return *failed;
    capabilities.clear();  // what was said before TLS no longer counts
    done = imap_command(server, "m3", "CAPABILITY", capabilities);
    if (!done || !upper(*done).starts_with("OK")) {
      return fail(EndpointOutcome::NoAnswer, done ? *done : "no reply to CAPABILITY");
    }
  }
  std::vector<std::string> mechanisms;
  for (const std::string& capability : capabilities) {
    if (capability.starts_with("AUTH=")) mechanisms.push_back(capability.substr(5));
  }
  std::vector<std::string> ignored;
  imap_command(server, "m9", "LOGOUT", ignored);
  if (endpoint.authentication == AuthMethod::PasswordCleartext) {
    if (!contains(capabilities, "LOGINDISABLED") || contains(mechanisms, "PLAIN")) return {};
    return fail(EndpointOutcome::NoLogin, "LOGINDISABLED in the reply to CAPABILITY");
  }
  const std::vector<std::string> wanted = sasl_mechanisms_for(endpoint.authentication);
  if (wanted.empty() || offers_any(mechanisms, wanted)) return {};
  return fail(EndpointOutcome::NoLogin,
              "no AUTH=" + joined(wanted, " or AUTH=") + " in CAPABILITY");
}

// Each dialogue reads the server's lines from its own buffer over the transport.
template <Verdict (*dialogue)(ServerLines&, const Endpoint&, const ProbeSettings&)>
Verdict over_transport(ProbeTransport& transport, const Endpoint& endpoint,
                       const ProbeSettings& settings) {
  ServerLines server(transport);
  return dialogue(server, endpoint, settings);
}

}  // namespace

Verdict fail(EndpointOutcome outcome, std::string_view detail) {
  return {outcome, detail_of(detail)};
}

EndpointCheck probe_over(ConnectingTransport& connection, const Endpoint& endpoint,
                         const ProbeSettings& settings) {
  EndpointCheck check;
  check.endpoint = endpoint;
  const Dialogue dialogue = dialogue_for(endpoint.protocol);
  if (!dialogue) {
    check.outcome = EndpointOutcome::NoAnswer;
    check.detail = "mailmig checks only pop3, imap and smtp servers";
    return check;
  }
  std::optional<Verdict> verdict = connection.connect(endpoint.host, endpoint.port);
  if (!verdict && endpoint.socket_type == SocketType::Ssl) {
    verdict = connection.start_tls(endpoint.host, settings.extra_ca_file);
  }
  if (!verdict) verdict = dialogue(connection, endpoint, settings);
  check.outcome = verdict->outcome;
  check.detail = std::move(verdict->detail);
  return check;
}

Dialogue dialogue_for(Protocol protocol) {
  switch (protocol) {
    case Protocol::Smtp:
      return over_transport<smtp_dialogue>;
    case Protocol::Pop3:
      return over_transport<pop3_dialogue>;
    case Protocol::Imap:
      return over_transport<imap_dialogue>;
    default:
      return nullptr;
  }
}

}  // namespace mailmig
