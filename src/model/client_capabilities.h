// What a client (or one kind of account within it: Outlook and Outlook Express accounts share
// one registry export) can store. The engine plans only changes the client can express; for any
// other it tells the user what to set by hand, so a writer maps fields to keys and refuses
// nothing. A default-constructed ClientCapabilities can store everything.
#pragma once

#include <cstdint>
#include <initializer_list>
#include <string_view>

#include "src/model/account.h"
#include "src/model/change.h"
#include "src/model/edit_plan.h"
#include "src/model/finding.h"

namespace mailmig {

// One server of an account: receiving with a given protocol, or sending.
// A set of enum values as bits: the run loop asks for every account's capabilities, so they are
// built without allocating.
template <typename Enum>
class EnumSet {
 public:
  constexpr EnumSet() = default;
  constexpr EnumSet(std::initializer_list<Enum> values) {
    for (const Enum value : values) bits_ |= bit(value);
  }
  constexpr bool contains(Enum value) const { return (bits_ & bit(value)) != 0; }
  constexpr void add(Enum value) { bits_ |= bit(value); }
  constexpr void remove(Enum value) { bits_ &= ~bit(value); }

 private:
  static constexpr std::uint32_t bit(Enum value) {
    return std::uint32_t{1} << static_cast<unsigned>(value);
  }
  std::uint32_t bits_ = 0;
};

struct ServerCapabilities {
  EnumSet<SocketType> socket_types{SocketType::Plain, SocketType::StartTls, SocketType::Ssl};
  // One "secure connection" flag that means SSL on the standard port (995, 993, 465) and
  // STARTTLS on any other (Outlook Express, Windows Mail sending): a socket type that does not
  // fit the port cannot be stored.
  bool tls_kind_follows_port = false;
  EnumSet<AuthMethod> authentication{AuthMethod::None,
                                     AuthMethod::PasswordCleartext,
                                     AuthMethod::PasswordEncrypted,
                                     AuthMethod::Apop,
                                     AuthMethod::Ntlm,
                                     AuthMethod::Gssapi,
                                     AuthMethod::OAuth2,
                                     AuthMethod::TlsClientCert,
                                     AuthMethod::SmtpAfterPop,
                                     AuthMethod::Any};
  // Port, socket type and authentication are one step in the client's dialog: when one of them
  // cannot be stored, none of them is changed (the user makes the whole step by hand).
  bool connection_is_one_step = false;

  bool stores(SocketType socket_type) const { return socket_types.contains(socket_type); }
  bool stores(AuthMethod method) const { return authentication.contains(method); }
};

// The message the user reads when a change cannot be stored: an N_() template (kept with its
// translation in po/ja.po). The engine fills any of these placeholders the template names:
// {client} (display name), {account} and {mailbox} (the account's name, or its id), {field},
// {value} (the wanted value), {from}, {to} (the field's old and wanted values), {protocol}
// ("POP3", "IMAP4"), {prefix} ("POP3", "IMAP"), {host}, {port}, {ssl_port} (the protocol's SSL
// port), {socket}, {auth} and {method} (the wanted socket type or authentication), {side}
// ("incoming", "outgoing"), {user} (the wanted user name). nullptr: the engine's own wording.
struct RefusalWordings {
  const char* protocol_switch = nullptr;
  const char* incoming_starttls = nullptr;
  const char* incoming_socket_type = nullptr;
  const char* incoming_authentication = nullptr;
  const char* outgoing_starttls = nullptr;
  const char* outgoing_socket_type = nullptr;
  // Sending on a port where the client's one TLS flag means the other kind of TLS.
  const char* outgoing_tls_for_port = nullptr;
  const char* outgoing_authentication = nullptr;
  const char* outgoing_username = nullptr;
  const char* rename = nullptr;  // a new incoming host or user name
  const char* no_outgoing_server = nullptr;
  // A change naming an unknown field or a value not valid for its field (only tests and fuzz
  // targets name such changes; the engine never plans one). nullptr: the change is handed to
  // the writer as it is, which reports it.
  const char* invalid_value = nullptr;
  Severity invalid_value_severity = Severity::ActionRequired;
  const char* other = nullptr;  // any refusal without a wording of its own
};

struct ClientCapabilities {
  // The name the wordings use for {client} ("Outlook Express" in an Outlook registry export).
  std::string_view client_name;
  // POP3 <-> IMAP within the same account; without it the user adds a new account.
  bool switches_protocol_in_place = true;
  ServerCapabilities pop3;
  ServerCapabilities imap;
  ServerCapabilities nntp;
  ServerCapabilities smtp;
  // An SMTP user name of its own; without it the client logs in to send with the incoming user.
  bool stores_outgoing_username = true;
  // An outgoing server for an account that has none.
  bool adds_outgoing_server = true;
  // A new incoming host or user name (false for a Thunderbird profile renamed before 102).
  bool renames_incoming_server = true;
  RefusalWordings wordings;

  const ServerCapabilities& incoming(Protocol protocol) const {
    switch (protocol) {
      case Protocol::Imap:
        return imap;
      case Protocol::Nntp:
        return nntp;
      default:
        return pop3;
    }
  }
};

// Takes out of the plan every change the client cannot store for the account (setting the field
// back in plan.after) and adds, for each, an action-required finding saying what to set by hand.
void keep_within(const ClientCapabilities& capabilities, const Account& before, EditPlan& plan);

// A plan of exactly these changes to `before` (tests and fuzz targets name the changes they
// want), kept within the capabilities; an unknown field or an invalid value becomes a finding.
EditPlan plan_of_changes(const ClientCapabilities& capabilities, const Account& before,
                         std::vector<Change> changes);

}  // namespace mailmig
