#include "parsers/clients/outlook/outlook_accounts.h"

#include <algorithm>
#include <array>
#include <cstdint>
#include <optional>
#include <utility>

#include "src/encoding/codec.h"
#include "src/i18n/i18n.h"

namespace mailmig {
namespace {

constexpr std::string_view kOutlookAccountsKey = "9375CFF0413111d3B88A00104B2A6676";
constexpr std::string_view kFormatRule = "registry-format";
// The last (at most) seven components of a key path, the last one first: what tells an account
// key, found without splitting the whole path (an export of a whole branch has 300,000 keys).
struct LastComponents {
  std::array<std::string_view, 7> parts;
  std::size_t count = 0;
};

LastComponents last_components(std::string_view path) {
  LastComponents last;
  while (last.count < last.parts.size()) {
    const std::size_t slash = path.rfind('\\');
    if (slash == std::string_view::npos) {
      last.parts[last.count++] = path;
      break;
    }
    last.parts[last.count++] = path.substr(slash + 1);
    path = path.substr(0, slash);
  }
  return last;
}

bool is_account_number(std::string_view part) {
  if (part.size() != 8) return false;
  for (char c : part) {
    const bool hex = (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f') || (c >= 'A' && c <= 'F');
    if (!hex) return false;
  }
  return true;
}

std::optional<RegistryAccountKind> account_kind_of(std::string_view path) {
  const LastComponents last = last_components(path);
  if (last.count < 4 || !is_account_number(last.parts[0])) return std::nullopt;
  auto part_is = [&](std::size_t from_end, std::string_view name) {
    return from_end <= last.count && reg_names_equal(last.parts[from_end - 1], name);
  };
  // ...\Windows Messaging Subsystem\Profiles\<P>\9375...\0000000N (Outlook 2003-2010) or
  // ...\Office\<ver>\Outlook\Profiles\<P>\9375...\0000000N (Outlook 2013+).
  if (part_is(2, kOutlookAccountsKey) && part_is(4, "Profiles") &&
      (part_is(5, "Windows Messaging Subsystem") ||
       (part_is(5, "Outlook") && part_is(7, "Office")))) {
    return RegistryAccountKind::OutlookMapi;
  }
  // Outlook 98-2002 may keep its accounts directly below "OMI Account Manager" [open].
  if ((part_is(2, "Accounts") &&
       (part_is(3, "Internet Account Manager") || part_is(3, "OMI Account Manager"))) ||
      part_is(2, "OMI Account Manager")) {
    return RegistryAccountKind::InternetAccountManager;
  }
  return std::nullopt;
}

bool has(const RegistryStore& store, std::string_view key, std::string_view name) {
  return store.has_value(key, name);
}

// A REG_DWORD (in any form the store holds it).
std::optional<std::uint32_t> read_dword(const RegistryStore& store, std::string_view key,
                                        std::string_view name) {
  return store.read_dword(key, name);
}

// Outlook keeps strings as REG_BINARY UTF-16LE, usually with a terminating NUL; REG_SZ is read
// the same way.
std::optional<std::string> read_outlook_string(const RegistryStore& store, std::string_view key,
                                               std::string_view name) {
  std::optional<RegistryValue> value = store.read(key, name);
  if (!value || value->type == kRegDword) return std::nullopt;
  value->type = kRegSz;  // the same UTF-16LE units, read up to the first NUL
  return value->as_string();
}

std::optional<std::string> read_sz(const RegistryStore& store, std::string_view key,
                                   std::string_view name) {
  return store.read_string(key, name);
}

// The incoming port (whose default follows the encryption) and Secure Password Authentication
// ("Use Sicily"), which Outlook and Outlook Express keep alike.
void read_incoming_port_and_authentication(const RegistryStore& store, std::string_view key,
                                           const std::string& prefix, ServerSettings& in) {
  in.port = static_cast<int>(
      read_dword(store, key, prefix + " Port")
          .value_or(static_cast<std::uint32_t>(default_port(in.protocol, in.socket_type))));
  in.authentication = read_dword(store, key, prefix + " Use Sicily").value_or(0) == 1
                          ? AuthMethod::Ntlm
                          : AuthMethod::PasswordCleartext;
}

std::string incoming_prefix(const Account& account) {
  return account.incoming.protocol == Protocol::Imap ? "IMAP" : "POP3";
}

std::string display_name(const Account& account) {
  return account.name.empty() ? account.id : account.name;
}

}  // namespace

bool is_account_key_path(std::string_view path) { return account_kind_of(path).has_value(); }

std::vector<RegistryAccountKey> find_account_keys(const RegistryStore& store,
                                                  const std::vector<std::string>& key_paths) {
  std::vector<RegistryAccountKey> keys;
  for (const std::string& path : key_paths) {
    const auto kind = account_kind_of(path);
    if (!kind) continue;
    // The same keys hold address books and Exchange services; only mail accounts count.
    if (!has(store, path, "POP3 Server") && !has(store, path, "IMAP Server")) continue;
    keys.push_back({path, *kind});
  }
  return keys;
}

OutlookAccounts::OutlookAccounts(RegistryStore& store, std::vector<RegistryAccountKey> account_keys)
    : store_(store), account_keys_(std::move(account_keys)) {
  by_path_.reserve(account_keys_.size());
  for (std::size_t i = 0; i < account_keys_.size(); ++i) {
    by_path_.push_back(static_cast<std::uint32_t>(i));
    if (account_keys_[i].kind == RegistryAccountKind::OutlookMapi) client_ = kOutlook;
  }
  std::sort(by_path_.begin(), by_path_.end(), [this](std::uint32_t a, std::uint32_t b) {
    return account_keys_[a].key_path < account_keys_[b].key_path;
  });
}

std::vector<Account> OutlookAccounts::accounts() const {
  std::vector<Account> result;
  result.reserve(account_keys_.size());
  for (const RegistryAccountKey& key : account_keys_) result.push_back(read_account(key));
  return result;
}

const RegistryAccountKey* OutlookAccounts::account_key(const std::string& account_id) const {
  const auto found = std::lower_bound(by_path_.begin(), by_path_.end(), account_id,
                                      [this](std::uint32_t index, const std::string& id) {
                                        return account_keys_[index].key_path < id;
                                      });
  if (found == by_path_.end() || account_keys_[*found].key_path != account_id) return nullptr;
  return &account_keys_[*found];
}

Account OutlookAccounts::read_account(const RegistryAccountKey& key) const {
  return key.kind == RegistryAccountKind::OutlookMapi ? read_outlook_account(key.key_path)
                                                      : read_iam_account(key.key_path);
}

Account OutlookAccounts::read_outlook_account(const std::string& key) const {
  const RegistryStore& doc = store_;
  Account account;
  account.id = key;
  account.name = read_outlook_string(doc, key, "Account Name").value_or("");
  account.address = read_outlook_string(doc, key, "Email").value_or("");

  ServerSettings& in = account.incoming;
  in.protocol = has(doc, key, "POP3 Server") ? Protocol::Pop3 : Protocol::Imap;
  const std::string prefix = incoming_prefix(account);
  in.hostname = read_outlook_string(doc, key, prefix + " Server").value_or("");
  in.username = read_outlook_string(doc, key, prefix + " User").value_or("");
  // "Use SSL" decides; "Secure Connection" is [open] for POP3/IMAP (see findings()).
  in.socket_type = read_dword(doc, key, prefix + " Use SSL").value_or(0) == 1 ? SocketType::Ssl
                                                                              : SocketType::Plain;
  read_incoming_port_and_authentication(doc, key, prefix, in);

  if (!has(doc, key, "SMTP Server")) return account;
  ServerSettings out;
  out.protocol = Protocol::Smtp;
  out.hostname = read_outlook_string(doc, key, "SMTP Server").value_or("");
  // SMTP Secure Connection (PROP_SMTP_SECURE_CONNECTION): 0 none, 1 SSL/TLS, 2 STARTTLS,
  // 3 auto. Older accounts have only SMTP Use SSL.
  if (const auto secure = read_dword(doc, key, "SMTP Secure Connection")) {
    out.socket_type = *secure == 1                     ? SocketType::Ssl
                      : (*secure == 2 || *secure == 3) ? SocketType::StartTls
                                                       : SocketType::Plain;
  } else {
    out.socket_type =
        read_dword(doc, key, "SMTP Use SSL").value_or(0) == 1 ? SocketType::Ssl : SocketType::Plain;
  }
  out.port = static_cast<int>(
      read_dword(doc, key, "SMTP Port")
          .value_or(static_cast<std::uint32_t>(default_port(Protocol::Smtp, out.socket_type))));
  const bool sicily = read_dword(doc, key, "SMTP Use Sicily").value_or(0) == 1;
  if (read_dword(doc, key, "SMTP Use Auth").value_or(0) != 1) {
    out.authentication = AuthMethod::None;
  } else {
    // SMTP Auth Method (PROP_SMTP_AUTH_METHOD): 0 same as incoming, 1 own user, 2 POP first.
    switch (read_dword(doc, key, "SMTP Auth Method").value_or(0)) {
      case 2:
        out.authentication = AuthMethod::SmtpAfterPop;
        out.username = in.username;
        break;
      case 1:
        out.authentication = sicily ? AuthMethod::Ntlm : AuthMethod::PasswordCleartext;
        out.username = read_outlook_string(doc, key, "SMTP User").value_or("");
        break;
      default:
        out.authentication = sicily ? AuthMethod::Ntlm : AuthMethod::PasswordCleartext;
        out.username = in.username;
        break;
    }
  }
  account.outgoing = std::move(out);
  return account;
}

Account OutlookAccounts::read_iam_account(const std::string& key) const {
  const RegistryStore& doc = store_;
  Account account;
  account.id = key;
  account.name = read_sz(doc, key, "Account Name").value_or("");
  account.address = read_sz(doc, key, "SMTP Email Address").value_or("");

  ServerSettings& in = account.incoming;
  in.protocol = has(doc, key, "POP3 Server") ? Protocol::Pop3 : Protocol::Imap;
  const std::string prefix = incoming_prefix(account);
  in.hostname = read_sz(doc, key, prefix + " Server").value_or("");
  in.username = read_sz(doc, key, prefix + " User Name").value_or("");
  in.socket_type = read_dword(doc, key, prefix + " Secure Connection").value_or(0) == 1
                       ? SocketType::Ssl
                       : SocketType::Plain;
  read_incoming_port_and_authentication(doc, key, prefix, in);

  if (!has(doc, key, "SMTP Server")) return account;
  ServerSettings out;
  out.protocol = Protocol::Smtp;
  out.hostname = read_sz(doc, key, "SMTP Server").value_or("");
  // One "requires SSL" box: implicit SSL on 465, STARTTLS elsewhere (KB933612).
  const bool secure = read_dword(doc, key, "SMTP Secure Connection").value_or(0) == 1;
  out.port = static_cast<int>(read_dword(doc, key, "SMTP Port").value_or(secure ? 465 : 25));
  out.socket_type = !secure           ? SocketType::Plain
                    : out.port == 465 ? SocketType::Ssl
                                      : SocketType::StartTls;
  // SMTP Use Sicily (SMTPAUTHTYPE): 0 none, 1 SPA, 2 as incoming, 3 SMTP User Name.
  switch (read_dword(doc, key, "SMTP Use Sicily").value_or(0)) {
    case 1:
      out.authentication = AuthMethod::Ntlm;
      out.username = read_sz(doc, key, "SMTP User Name").value_or(in.username);
      break;
    case 2:
      out.authentication = in.authentication;
      out.username = in.username;
      break;
    case 3:
      out.authentication = AuthMethod::PasswordCleartext;
      out.username = read_sz(doc, key, "SMTP User Name").value_or("");
      break;
    default:
      out.authentication = AuthMethod::None;
      break;
  }
  account.outgoing = std::move(out);
  return account;
}

std::vector<Finding> OutlookAccounts::findings() const {
  std::vector<Finding> result;
  for (const RegistryAccountKey& key : account_keys_) {
    if (key.kind != RegistryAccountKind::OutlookMapi) continue;
    // The whole account is read only for a finding: most accounts have none.
    const std::string prefix =
        has(store_, key.key_path, "POP3 Server") ? "POP3" : "IMAP";  // incoming_prefix
    const auto secure = read_dword(store_, key.key_path, prefix + " Secure Connection");
    const std::uint32_t use_ssl = read_dword(store_, key.key_path, prefix + " Use SSL").value_or(0);
    // Only "Secure Connection" 1 with "Use SSL" 1 agrees under the documented constants.
    if (secure && *secure != 0 && !(*secure == 1 && use_ssl == 1)) {
      const Account account = read_outlook_account(key.key_path);
      result.push_back(make_finding(
          std::string(kFormatRule), Severity::Warning,
          N_("Outlook account \"{account}\": {prefix} Secure Connection is {value} but {prefix} "
             "Use SSL is {ssl}. The meaning of {prefix} Secure Connection is not documented, so "
             "mailmig reads the encryption from {prefix} Use SSL ({socket}). Check the incoming "
             "server's encrypted connection in Outlook (File > Account Settings > Account "
             "Settings > Change > More Settings > Advanced)."),
          {{"account", display_name(account)},
           {"prefix", prefix},
           {"value", std::to_string(*secure)},
           {"ssl", std::to_string(use_ssl)},
           {"socket", std::string(to_string(account.incoming.socket_type))}}));
    }
    if (read_dword(store_, key.key_path, "SMTP Secure Connection") == 3u) {
      result.push_back(make_finding(
          std::string(kFormatRule), Severity::Warning,
          N_("Outlook account \"{account}\": the outgoing server's encrypted connection is "
             "\"Auto\" (SMTP Secure Connection 3), so Outlook chooses the encryption itself; "
             "mailmig reports it as STARTTLS."),
          {{"account", display_name(read_outlook_account(key.key_path))}}));
    }
  }
  return result;
}

// Writes the values of one account key and collects what the user must still do.
class OutlookAccounts::Writer {
 public:
  Writer(OutlookAccounts& accounts, const Account& account, std::vector<Finding>& findings)
      : accounts_(accounts), account_(account), key_(account.id), findings_(findings) {}

  std::optional<std::uint32_t> dword(std::string_view name) const {
    return read_dword(accounts_.store_, key_, name);
  }
  bool has(std::string_view name) const { return accounts_.store_.has_value(key_, name); }

  void put(const RegistryValue& value, const std::string& rule) {
    ParseResult edit = accounts_.store_.write(key_, value);
    if (!edit) cannot_write(value.name, edit.message, rule);
  }

  void put_dword(const std::string& name, std::uint32_t number, const std::string& rule) {
    if (dword(name) == number) return;
    put(RegistryValue::dword(name, number), rule);
  }

  // For a switch that is off when the value is missing: only an existing value is changed.
  void clear_dword(const std::string& name, const std::string& rule) {
    if (has(name)) put_dword(name, 0, rule);
  }

  void put_sz(const std::string& name, const std::string& utf8, const std::string& rule) {
    std::optional<RegistryValue> value = RegistryValue::string(name, utf8);
    if (!value) {
      cannot_write(name, "not valid UTF-8", rule);
      return;
    }
    put(*value, rule);
  }

  // An Outlook string keeps the type and the form it has (terminated or not); a new one is a
  // terminated REG_BINARY.
  void put_outlook_string(const std::string& name, const std::string& utf8,
                          const std::string& rule) {
    const std::optional<RegistryValue> existing = accounts_.store_.read(key_, name);
    bool terminated = true;
    std::uint32_t type = kRegBinary;
    if (existing && existing->type != kRegDword) {
      const std::string& bytes = existing->data;
      terminated = bytes.size() >= 2 && bytes.size() % 2 == 0 && bytes[bytes.size() - 1] == 0 &&
                   bytes[bytes.size() - 2] == 0;
      type = existing->type;
    }
    Conversion units = from_utf8(utf8, "UTF-16LE");
    if (!units) {
      cannot_write(name, units.error, rule);
      return;
    }
    if (terminated) units.text.append(2, '\0');
    put(RegistryValue::binary(name, std::move(units.text), type), rule);
  }

  void finding(const std::string& rule, Severity severity, const char* message,
               std::initializer_list<std::pair<std::string, std::string>> values) {
    Finding item = make_finding(rule, severity, message, values);
    item.values.emplace_back("account", display_name(account_));
    item.values.emplace_back("client", std::string(client_display_name(accounts_.client())));
    findings_.push_back(std::move(item));
  }

 private:
  void cannot_write(const std::string& name, const std::string& error, const std::string& rule) {
    findings_.push_back(make_finding(rule, Severity::Warning,
                                     N_("Could not write \"{value}\" in [{key}]: {error}"),
                                     {{"value", name}, {"key", key_}, {"error", error}}));
  }

  OutlookAccounts& accounts_;
  const Account& account_;
  const std::string& key_;
  std::vector<Finding>& findings_;
};

namespace {

// Which fields the changes touch, with the rule that asked for each.
struct Request {
  Account current;
  Account desired;
  std::vector<std::pair<FieldRef, std::string>> fields;

  const std::string* rule(Side side, FieldKind kind) const {
    const std::string* found = nullptr;
    for (const auto& [field, rule_id] : fields) {
      if (field.side == side && field.kind == kind) found = &rule_id;
    }
    return found;
  }
  const std::string& any_rule(Side side, FieldKind a, FieldKind b) const {
    const std::string* found = rule(side, a);
    return found ? *found : *rule(side, b);
  }
};

const char* const kProtocolChange =
    N_("{client} account \"{account}\": mailmig cannot change the account type from {from} to "
       "{to}. Create a new {to} account in {client} with the new settings and remove the old "
       "one.");
const char* const kUnsupportedAuth =
    N_("{client} account \"{account}\": {client} has no setting for \"{method}\" "
       "authentication on the {side} server. Change the account's server settings by hand in "
       "{client} (for APOP, use POP3 over SSL on port 995 instead).");
const char* const kOwnSmtpPassword =
    N_("{client} account \"{account}\": the outgoing server now logs on with its own user name "
       "\"{user}\". Enter that user's password for the outgoing server in {client}'s account "
       "settings.");

bool changed(const Request& request, Side side, FieldKind kind) {
  if (!request.rule(side, kind)) return false;
  const FieldRef field{side, kind};
  return read_field(request.current, field) != read_field(request.desired, field);
}

// "Use Sicily" is Secure Password Authentication (NTLM) in Outlook and Outlook Express alike.
void apply_incoming_authentication(OutlookAccounts::Writer& w, const Request& r,
                                   const std::string& prefix) {
  if (!changed(r, Side::Incoming, FieldKind::Authentication)) return;
  const std::string& rule = *r.rule(Side::Incoming, FieldKind::Authentication);
  if (r.desired.incoming.authentication == AuthMethod::PasswordCleartext) {
    w.clear_dword(prefix + " Use Sicily", rule);
  } else if (r.desired.incoming.authentication == AuthMethod::Ntlm) {
    w.put_dword(prefix + " Use Sicily", 1, rule);
  }
}

// How a client writes a string value: Outlook as UTF-16 REG_BINARY, Outlook Express as REG_SZ.
using PutString = void (OutlookAccounts::Writer::*)(const std::string& name,
                                                    const std::string& utf8,
                                                    const std::string& rule);

// The outgoing server's host and port, named alike by both clients.
void apply_smtp_server_and_port(OutlookAccounts::Writer& w, const Request& r,
                                PutString put_string) {
  const ServerSettings& out = *r.desired.outgoing;
  if (changed(r, Side::Outgoing, FieldKind::Hostname)) {
    (w.*put_string)("SMTP Server", out.hostname, *r.rule(Side::Outgoing, FieldKind::Hostname));
  }
  if (changed(r, Side::Outgoing, FieldKind::Port)) {
    w.put_dword("SMTP Port", static_cast<std::uint32_t>(out.port),
                *r.rule(Side::Outgoing, FieldKind::Port));
  }
}

void apply_outlook(OutlookAccounts::Writer& w, const Request& r) {
  const ServerSettings& in = r.desired.incoming;
  const std::string prefix = incoming_prefix(r.current);
  if (changed(r, Side::Incoming, FieldKind::Hostname)) {
    w.put_outlook_string(prefix + " Server", in.hostname,
                         *r.rule(Side::Incoming, FieldKind::Hostname));
  }
  if (changed(r, Side::Incoming, FieldKind::Username)) {
    w.put_outlook_string(prefix + " User", in.username,
                         *r.rule(Side::Incoming, FieldKind::Username));
  }
  if (changed(r, Side::Incoming, FieldKind::Port)) {
    w.put_dword(prefix + " Port", static_cast<std::uint32_t>(in.port),
                *r.rule(Side::Incoming, FieldKind::Port));
  }
  if (changed(r, Side::Incoming, FieldKind::SocketType)) {
    const std::string& rule = *r.rule(Side::Incoming, FieldKind::SocketType);
    // STARTTLS is kept out of the plan (the capabilities).
    const bool ssl = in.socket_type == SocketType::Ssl;
    if (ssl) {
      w.put_dword(prefix + " Use SSL", 1, rule);
    } else {
      w.clear_dword(prefix + " Use SSL", rule);
    }
    if (const auto secure = w.dword(prefix + " Secure Connection")) {
      w.finding(rule, Severity::ActionRequired,
                N_("Outlook account \"{account}\": {prefix} Use SSL is now {ssl}, but Outlook "
                   "also keeps {prefix} Secure Connection ({value}), whose values are not "
                   "documented, so mailmig left it alone. In Outlook open File > Account "
                   "Settings > Account Settings, double-click the account, choose More "
                   "Settings > Advanced and check that the incoming server's encrypted "
                   "connection is {socket}."),
                {{"prefix", prefix},
                 {"ssl", ssl ? "1" : "0"},
                 {"value", std::to_string(*secure)},
                 {"socket", ssl ? "SSL/TLS" : "None"}});
    }
  }
  apply_incoming_authentication(w, r, prefix);

  if (!r.desired.outgoing) return;
  const ServerSettings& out = *r.desired.outgoing;
  apply_smtp_server_and_port(w, r, &OutlookAccounts::Writer::put_outlook_string);
  if (changed(r, Side::Outgoing, FieldKind::SocketType)) {
    const std::string& rule = *r.rule(Side::Outgoing, FieldKind::SocketType);
    const std::uint32_t secure = out.socket_type == SocketType::Ssl        ? 1
                                 : out.socket_type == SocketType::StartTls ? 2
                                                                           : 0;
    if (secure != 0 || w.has("SMTP Secure Connection")) {
      w.put_dword("SMTP Secure Connection", secure, rule);
    }
    if (w.has("SMTP Use SSL")) w.put_dword("SMTP Use SSL", secure != 0 ? 1 : 0, rule);
  }
  if (changed(r, Side::Outgoing, FieldKind::Authentication) ||
      changed(r, Side::Outgoing, FieldKind::Username)) {
    const std::string& rule =
        r.any_rule(Side::Outgoing, FieldKind::Authentication, FieldKind::Username);
    switch (out.authentication) {
      case AuthMethod::None:
        w.clear_dword("SMTP Use Auth", rule);
        break;
      case AuthMethod::SmtpAfterPop:
        w.put_dword("SMTP Use Auth", 1, rule);
        w.put_dword("SMTP Auth Method", 2, rule);
        break;
      case AuthMethod::PasswordCleartext:
      case AuthMethod::Ntlm: {
        const bool was_own_user =
            w.dword("SMTP Use Auth") == 1u && w.dword("SMTP Auth Method") == 1u;
        w.put_dword("SMTP Use Auth", 1, rule);
        if (out.username.empty() || out.username == in.username) {
          w.put_dword("SMTP Auth Method", 0, rule);
        } else {
          w.put_dword("SMTP Auth Method", 1, rule);
          w.put_outlook_string("SMTP User", out.username, rule);
          if (!was_own_user) {
            w.finding(rule, Severity::ActionRequired, kOwnSmtpPassword, {{"user", out.username}});
          }
        }
        if (out.authentication == AuthMethod::Ntlm) {
          w.put_dword("SMTP Use Sicily", 1, rule);
        } else {
          w.clear_dword("SMTP Use Sicily", rule);
        }
        break;
      }
      default:  // kept out of the plan by the capabilities
        break;
    }
  }
}

void apply_iam(OutlookAccounts::Writer& w, const Request& r) {
  const ServerSettings& in = r.desired.incoming;
  const std::string prefix = incoming_prefix(r.current);
  if (changed(r, Side::Incoming, FieldKind::Hostname)) {
    w.put_sz(prefix + " Server", in.hostname, *r.rule(Side::Incoming, FieldKind::Hostname));
  }
  if (changed(r, Side::Incoming, FieldKind::Username)) {
    w.put_sz(prefix + " User Name", in.username, *r.rule(Side::Incoming, FieldKind::Username));
  }
  if (changed(r, Side::Incoming, FieldKind::Port)) {
    w.put_dword(prefix + " Port", static_cast<std::uint32_t>(in.port),
                *r.rule(Side::Incoming, FieldKind::Port));
  }
  if (changed(r, Side::Incoming, FieldKind::SocketType)) {
    const std::string& rule = *r.rule(Side::Incoming, FieldKind::SocketType);
    if (in.socket_type == SocketType::Ssl) {
      w.put_dword(prefix + " Secure Connection", 1, rule);
    } else {
      w.clear_dword(prefix + " Secure Connection", rule);
    }
  }
  apply_incoming_authentication(w, r, prefix);

  if (!r.desired.outgoing) return;
  const ServerSettings& out = *r.desired.outgoing;
  apply_smtp_server_and_port(w, r, &OutlookAccounts::Writer::put_sz);
  // The one "requires SSL" box means SSL on 465 and STARTTLS elsewhere, so the port matters.
  if (changed(r, Side::Outgoing, FieldKind::SocketType) ||
      changed(r, Side::Outgoing, FieldKind::Port)) {
    const std::string& rule = r.any_rule(Side::Outgoing, FieldKind::SocketType, FieldKind::Port);
    const bool on_465 = out.port == 465;
    if (out.socket_type == SocketType::Plain) {
      w.clear_dword("SMTP Secure Connection", rule);
    } else if ((out.socket_type == SocketType::Ssl) == on_465) {
      w.put_dword("SMTP Secure Connection", 1, rule);
      if (!on_465) {
        w.finding(rule, Severity::Info,
                  N_("Outlook Express account \"{account}\": \"This server requires a secure "
                     "connection (SSL)\" is on for the outgoing server on port {port}. Outlook "
                     "Express uses STARTTLS there only with update KB933612 (part of Windows XP "
                     "SP3 and Vista SP1); without it, sending fails."),
                  {{"port", std::to_string(out.port)}});
      }
    }  // a kind of TLS the port does not allow is kept out of the plan (the capabilities)
  }
  if (changed(r, Side::Outgoing, FieldKind::Authentication) ||
      changed(r, Side::Outgoing, FieldKind::Username)) {
    const std::string& rule =
        r.any_rule(Side::Outgoing, FieldKind::Authentication, FieldKind::Username);
    switch (out.authentication) {
      case AuthMethod::None:
        w.clear_dword("SMTP Use Sicily", rule);
        break;
      case AuthMethod::Ntlm:
        w.put_dword("SMTP Use Sicily", 1, rule);
        break;
      case AuthMethod::PasswordCleartext:
        if ((out.username.empty() || out.username == in.username) &&
            in.authentication == AuthMethod::PasswordCleartext) {
          w.put_dword("SMTP Use Sicily", 2, rule);
        } else {
          const bool was_own_user = w.dword("SMTP Use Sicily") == 3u;
          w.put_dword("SMTP Use Sicily", 3, rule);
          w.put_sz("SMTP User Name", out.username, rule);
          if (!was_own_user) {
            w.finding(rule, Severity::ActionRequired, kOwnSmtpPassword, {{"user", out.username}});
          }
        }
        break;
      default:  // kept out of the plan by the capabilities
        break;
    }
  }
}

}  // namespace

ClientCapabilities outlook_capabilities(RegistryAccountKind kind) {
  ClientCapabilities capabilities;
  const bool outlook = kind == RegistryAccountKind::OutlookMapi;
  capabilities.client_name = outlook ? "Outlook" : "Outlook Express";
  capabilities.switches_protocol_in_place = false;
  ServerCapabilities incoming;
  incoming.socket_types = {SocketType::Plain, SocketType::Ssl};
  incoming.authentication = {AuthMethod::PasswordCleartext, AuthMethod::Ntlm};
  capabilities.pop3 = incoming;
  capabilities.imap = incoming;
  capabilities.smtp.authentication = {AuthMethod::None, AuthMethod::PasswordCleartext,
                                      AuthMethod::Ntlm};
  RefusalWordings& wordings = capabilities.wordings;
  wordings.protocol_switch = kProtocolChange;
  wordings.incoming_authentication = kUnsupportedAuth;
  wordings.outgoing_authentication = kUnsupportedAuth;
  wordings.invalid_value =
      N_("Could not apply {field} = \"{value}\": not a valid value for this field.");
  wordings.invalid_value_severity = Severity::Warning;
  if (outlook) {
    capabilities.smtp.authentication.add(AuthMethod::SmtpAfterPop);
    // Outlook keeps STARTTLS for POP3/IMAP in "Secure Connection", whose values are [open].
    wordings.incoming_starttls =
        N_("Outlook account \"{account}\": mailmig cannot set STARTTLS for the incoming "
           "server, because Outlook keeps it in {prefix} Secure Connection, whose values "
           "are not documented. In Outlook open File > Account Settings > Account "
           "Settings, double-click the account, choose More Settings > Advanced and set "
           "the incoming server's encrypted connection to STARTTLS on port {port}.");
    return capabilities;
  }
  // The one "requires SSL" box for sending means SSL on 465 and STARTTLS elsewhere.
  capabilities.smtp.tls_kind_follows_port = true;
  wordings.incoming_starttls =
      N_("Outlook Express account \"{account}\": Outlook Express cannot use STARTTLS "
         "for the incoming server. Use SSL instead (port {ssl_port}): in Outlook "
         "Express open Tools > Accounts > Properties > Advanced and tick \"This server "
         "requires a secure connection (SSL)\" for incoming mail.");
  wordings.outgoing_starttls =
      N_("Outlook Express account \"{account}\": on port 465 Outlook Express always "
         "uses SSL, not STARTTLS. Set the outgoing server to port 587 in Tools > "
         "Accounts > Properties > Advanced.");
  wordings.outgoing_tls_for_port =
      N_("Outlook Express account \"{account}\": Outlook Express uses SSL for the "
         "outgoing server only on port 465 (on port {port} its \"requires a secure "
         "connection\" box means STARTTLS). Set the outgoing server to port 465 in "
         "Tools > Accounts > Properties > Advanced.");
  return capabilities;
}

ClientCapabilities OutlookAccounts::capabilities(const Account& account) const {
  const RegistryAccountKey* key = account_key(account.id);
  return outlook_capabilities(key ? key->kind : RegistryAccountKind::OutlookMapi);
}

std::vector<Finding> OutlookAccounts::apply(const EditPlan& plan) {
  std::vector<Finding> result;
  const RegistryAccountKey* key = account_key(plan.account_id);
  if (!key) {
    for (const Change& change : plan.changes) {
      result.push_back(make_finding(change.rule, Severity::Warning,
                                    N_("There is no account {account} in this registry export."),
                                    {{"account", plan.account_id}}));
    }
    return result;
  }
  Request request;
  request.current = read_account(*key);
  request.desired = plan.after;
  for (const Change& change : plan.changes) {
    if (const auto field = parse_field_name(change.field)) {
      request.fields.emplace_back(*field, change.rule);
    }
  }
  Writer writer(*this, request.current, result);
  if (key->kind == RegistryAccountKind::OutlookMapi) {
    apply_outlook(writer, request);
  } else {
    apply_iam(writer, request);
  }
  return result;
}

}  // namespace mailmig
