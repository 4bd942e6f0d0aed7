// The endpoint prober's dialogues on any bytes a server may send. The first byte picks the
// dialogue: protocol (byte % 3: smtp, pop3, imap), STARTTLS or plain ((byte / 3) % 2), whether
// the in-memory "TLS" starts or fails ((byte / 6) % 2) and the account's login method
// ((byte / 12) % 10, AuthMethod order); the second byte is the most bytes one read returns
// (0: a line at a time); the rest is what the server says, read in order (after STARTTLS as
// well). Implicit TLS cannot be played in memory; it only puts TLS under the same dialogues.
// Invariants: no crash; nothing sent but the dialogue's own commands, never a login (AUTH,
// LOGIN, USER, PASS, APOP); TLS started only for STARTTLS, before any success; the detail
// printable and short, empty when the check passed.
#include <cstddef>
#include <cstdint>
#include <set>
#include <string>
#include <string_view>

#include "src/util/text_sanitize.h"
#include "src/verify/probe_dialogue.h"
#include "tests/verify/scripted_transport.h"

namespace {

using namespace mailmig;

constexpr Protocol kProtocols[] = {Protocol::Smtp, Protocol::Pop3, Protocol::Imap};
constexpr AuthMethod kLogins[] = {AuthMethod::None,
                                  AuthMethod::PasswordCleartext,
                                  AuthMethod::PasswordEncrypted,
                                  AuthMethod::Apop,
                                  AuthMethod::Ntlm,
                                  AuthMethod::Gssapi,
                                  AuthMethod::OAuth2,
                                  AuthMethod::Any,
                                  AuthMethod::SmtpAfterPop,
                                  AuthMethod::TlsClientCert};

std::string upper(std::string_view text) {
  std::string out(text);
  for (char& c : out) {
    if (c >= 'a' && c <= 'z') c = static_cast<char>(c - 'a' + 'A');
  }
  return out;
}

// Every command the prober sent must be one of its dialogue's; and, whatever a server said, it
// must never start a login.
void check_sent(std::string_view sent, Protocol protocol) {
  static const std::set<std::string_view> kLoginCommands = {"AUTH", "AUTHENTICATE", "LOGIN",
                                                            "USER", "PASS",         "APOP"};
  static const std::set<std::string_view> kSmtp = {"EHLO mailmig.invalid", "STARTTLS", "QUIT"};
  static const std::set<std::string_view> kPop3 = {"CAPA", "STLS", "QUIT"};
  static const std::set<std::string_view> kImap = {"m1 CAPABILITY", "m2 STARTTLS", "m3 CAPABILITY",
                                                   "m9 LOGOUT"};
  const auto& allowed = protocol == Protocol::Smtp   ? kSmtp
                        : protocol == Protocol::Pop3 ? kPop3
                                                     : kImap;
  while (!sent.empty()) {
    const std::size_t end = sent.find("\r\n");
    if (end == std::string_view::npos) __builtin_trap();  // a command without its CRLF
    std::string_view command = sent.substr(0, end);
    sent.remove_prefix(end + 2);
    if (allowed.count(command) == 0) __builtin_trap();
    if (protocol == Protocol::Imap) command.remove_prefix(command.find(' ') + 1);  // the tag
    if (kLoginCommands.count(upper(command.substr(0, command.find(' ')))) != 0) __builtin_trap();
  }
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  if (size < 2) return 0;
  const unsigned choice = data[0];
  const Protocol protocol = kProtocols[choice % 3];
  const SocketType socket_type = (choice / 3) % 2 ? SocketType::StartTls : SocketType::Plain;
  const bool tls_starts = (choice / 6) % 2 != 0;
  const AuthMethod login = kLogins[(choice / 12) % 10];
  const std::size_t piece = data[1] == 0 ? SIZE_MAX : data[1];

  verify_testing::ScriptedTransport server(
      std::string(reinterpret_cast<const char*>(data) + 2, size - 2), piece, tls_starts);
  const Endpoint endpoint{protocol, "mail.example.jp", 25, socket_type, login};
  const Verdict verdict = dialogue_for(protocol)(server, endpoint, ProbeSettings{});

  check_sent(server.sent(), protocol);
  if (server.tls_starts_seen() > (socket_type == SocketType::StartTls ? 1 : 0)) __builtin_trap();
  if (socket_type == SocketType::StartTls && verdict.outcome == EndpointOutcome::Ok &&
      (server.tls_starts_seen() != 1 || !tls_starts)) {
    __builtin_trap();  // passed without TLS
  }
  if (verdict.outcome == EndpointOutcome::Ok && !verdict.detail.empty()) __builtin_trap();
  if (printable(verdict.detail) != verdict.detail || verdict.detail.size() > 1024) {
    __builtin_trap();
  }
  return 0;
}
