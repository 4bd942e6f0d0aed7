// The normalized account view: every client format maps onto this, in the vocabulary of
// Mozilla's autoconfig (clientConfig) files, so that rules never see a file format.
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace mailmig {

enum class Protocol { Pop3, Imap, Nntp, Smtp, None };
enum class SocketType { Plain, StartTls, Ssl };
enum class AuthMethod {
  None,
  PasswordCleartext,
  PasswordEncrypted,
  Apop,
  Ntlm,
  Gssapi,
  OAuth2,
  TlsClientCert,
  SmtpAfterPop,  // POP-before-SMTP
  Any,
};

// clientConfig spellings: "pop3", "STARTTLS", "password-cleartext", ...
std::string_view to_string(Protocol protocol);
std::string_view to_string(SocketType socket_type);
std::string_view to_string(AuthMethod method);
std::optional<Protocol> parse_protocol(std::string_view text);
std::optional<SocketType> parse_socket_type(std::string_view text);
std::optional<AuthMethod> parse_auth_method(std::string_view text);

// The port a client uses when none is configured, as every client here does it.
int default_port(Protocol protocol, SocketType socket_type);

// Effective values: what the client really uses, not what happens to be written in the file.
struct ServerSettings {
  Protocol protocol = Protocol::None;
  std::string hostname;
  int port = 0;
  SocketType socket_type = SocketType::Plain;
  AuthMethod authentication = AuthMethod::PasswordCleartext;
  std::string username;

  bool operator==(const ServerSettings&) const = default;
};

struct Account {
  std::string id;       // stable within the profile (Thunderbird "account1", Sylpheed "1", ...)
  std::string name;     // the name the client shows
  std::string address;  // the sender address, when the client has one
  ServerSettings incoming;
  std::optional<ServerSettings> outgoing;
  // The client signs in with OAuth2 on the hosts of Thunderbird's provider list (Thunderbird
  // does): a move onto such a host sets OAuth2 there instead of a password.
  bool oauth2_on_provider_hosts = false;

  bool operator==(const Account&) const = default;
};

// Field names as changes and reports spell them: "incoming.port", "outgoing.socketType", ...
enum class Side { Incoming, Outgoing };
enum class FieldKind { Protocol, Hostname, Port, SocketType, Authentication, Username };
struct FieldRef {
  Side side;
  FieldKind kind;
  bool operator==(const FieldRef&) const = default;
};
std::string field_name(FieldRef field);
std::optional<FieldRef> parse_field_name(std::string_view name);

// Reads a field as the text a change carries ("587", "STARTTLS", "pop3", a host name).
// Returns nullopt for an outgoing field of an account without an outgoing server.
std::optional<std::string> read_field(const Account& account, FieldRef field);
// Writes such a text into the view; false if the text is not a valid value for the field.
bool write_field(Account& account, FieldRef field, std::string_view value);

}  // namespace mailmig
