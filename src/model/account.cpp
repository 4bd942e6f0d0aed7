#include "src/model/account.h"

#include <array>
#include <charconv>
#include <utility>

namespace mailmig {
namespace {

template <typename Enum, std::size_t N>
std::optional<Enum> lookup(const std::array<std::pair<Enum, std::string_view>, N>& table,
                           std::string_view text) {
  for (const auto& [value, name] : table) {
    if (name == text) return value;
  }
  return std::nullopt;
}

template <typename Enum, std::size_t N>
std::string_view name_of(const std::array<std::pair<Enum, std::string_view>, N>& table,
                         Enum value) {
  for (const auto& [candidate, name] : table) {
    if (candidate == value) return name;
  }
  return "unknown";
}

constexpr std::array<std::pair<Protocol, std::string_view>, 5> kProtocols{{
    {Protocol::Pop3, "pop3"},
    {Protocol::Imap, "imap"},
    {Protocol::Nntp, "nntp"},
    {Protocol::Smtp, "smtp"},
    {Protocol::None, "none"},
}};

constexpr std::array<std::pair<SocketType, std::string_view>, 3> kSocketTypes{{
    {SocketType::Plain, "plain"},
    {SocketType::StartTls, "STARTTLS"},
    {SocketType::Ssl, "SSL"},
}};

constexpr std::array<std::pair<AuthMethod, std::string_view>, 10> kAuthMethods{{
    {AuthMethod::None, "none"},
    {AuthMethod::PasswordCleartext, "password-cleartext"},
    {AuthMethod::PasswordEncrypted, "password-encrypted"},
    {AuthMethod::Apop, "apop"},
    {AuthMethod::Ntlm, "NTLM"},
    {AuthMethod::Gssapi, "GSSAPI"},
    {AuthMethod::OAuth2, "OAuth2"},
    {AuthMethod::TlsClientCert, "TLS-client-cert"},
    {AuthMethod::SmtpAfterPop, "smtp-after-pop"},
    {AuthMethod::Any, "any"},
}};

constexpr std::array<std::pair<FieldKind, std::string_view>, 6> kFieldKinds{{
    {FieldKind::Protocol, "protocol"},
    {FieldKind::Hostname, "hostname"},
    {FieldKind::Port, "port"},
    {FieldKind::SocketType, "socketType"},
    {FieldKind::Authentication, "authentication"},
    {FieldKind::Username, "username"},
}};

}  // namespace

std::string_view to_string(Protocol protocol) { return name_of(kProtocols, protocol); }
std::string_view to_string(SocketType socket_type) { return name_of(kSocketTypes, socket_type); }
std::string_view to_string(AuthMethod method) { return name_of(kAuthMethods, method); }
std::optional<Protocol> parse_protocol(std::string_view text) { return lookup(kProtocols, text); }
std::optional<SocketType> parse_socket_type(std::string_view text) {
  return lookup(kSocketTypes, text);
}
std::optional<AuthMethod> parse_auth_method(std::string_view text) {
  return lookup(kAuthMethods, text);
}

int default_port(Protocol protocol, SocketType socket_type) {
  const bool implicit_tls = socket_type == SocketType::Ssl;
  switch (protocol) {
    case Protocol::Pop3:
      return implicit_tls ? 995 : 110;
    case Protocol::Imap:
      return implicit_tls ? 993 : 143;
    case Protocol::Nntp:
      return implicit_tls ? 563 : 119;
    case Protocol::Smtp:
      return implicit_tls ? 465 : 25;
    case Protocol::None:
      return 0;
  }
  return 0;
}

std::string field_name(FieldRef field) {
  std::string name = field.side == Side::Incoming ? "incoming." : "outgoing.";
  name += name_of(kFieldKinds, field.kind);
  return name;
}

std::optional<FieldRef> parse_field_name(std::string_view name) {
  Side side;
  if (name.starts_with("incoming.")) {
    side = Side::Incoming;
    name.remove_prefix(9);
  } else if (name.starts_with("outgoing.")) {
    side = Side::Outgoing;
    name.remove_prefix(9);
  } else {
    return std::nullopt;
  }
  auto kind = lookup(kFieldKinds, name);
  if (!kind) return std::nullopt;
  return FieldRef{side, *kind};
}

namespace {

const ServerSettings* server_of(const Account& account, Side side) {
  if (side == Side::Incoming) return &account.incoming;
  return account.outgoing ? &*account.outgoing : nullptr;
}

}  // namespace

std::optional<std::string> read_field(const Account& account, FieldRef field) {
  const ServerSettings* server = server_of(account, field.side);
  if (!server) return std::nullopt;
  switch (field.kind) {
    case FieldKind::Protocol:
      return std::string(to_string(server->protocol));
    case FieldKind::Hostname:
      return server->hostname;
    case FieldKind::Port:
      return std::to_string(server->port);
    case FieldKind::SocketType:
      return std::string(to_string(server->socket_type));
    case FieldKind::Authentication:
      return std::string(to_string(server->authentication));
    case FieldKind::Username:
      return server->username;
  }
  return std::nullopt;
}

bool write_field(Account& account, FieldRef field, std::string_view value) {
  if (field.side == Side::Outgoing && !account.outgoing) {
    account.outgoing = ServerSettings{};
    account.outgoing->protocol = Protocol::Smtp;
  }
  ServerSettings& server = field.side == Side::Incoming ? account.incoming : *account.outgoing;
  switch (field.kind) {
    case FieldKind::Protocol: {
      auto parsed = parse_protocol(value);
      if (!parsed) return false;
      server.protocol = *parsed;
      return true;
    }
    case FieldKind::Hostname:
      server.hostname = std::string(value);
      return true;
    case FieldKind::Port: {
      int port = 0;
      auto [end, error] = std::from_chars(value.data(), value.data() + value.size(), port);
      if (error != std::errc() || end != value.data() + value.size() || port < 1 || port > 65535) {
        return false;
      }
      server.port = port;
      return true;
    }
    case FieldKind::SocketType: {
      auto parsed = parse_socket_type(value);
      if (!parsed) return false;
      server.socket_type = *parsed;
      return true;
    }
    case FieldKind::Authentication: {
      auto parsed = parse_auth_method(value);
      if (!parsed) return false;
      server.authentication = *parsed;
      return true;
    }
    case FieldKind::Username:
      server.username = std::string(value);
      return true;
  }
  return false;
}

}  // namespace mailmig
