#include "parsers/clients/outlook/registry_profile.h"

#include <algorithm>
#include <cstdint>
#include <optional>
#include <utility>

#include "parsers/clients/outlook/outlook_client.h"
#include "src/encoding/codec.h"
#include "src/i18n/i18n.h"
#include "src/io/file_system.h"
#include "src/io/read_file.h"

namespace mailmig {
namespace {

constexpr std::string_view kOutlookAccountsKey = "9375CFF0413111d3B88A00104B2A6676";
constexpr std::string_view kFormatRule = "registry-format";
constexpr std::string_view kMask = "********";

std::vector<std::string_view> split_key_path(std::string_view path) {
  std::vector<std::string_view> parts;
  std::size_t start = 0;
  while (true) {
    const std::size_t slash = path.find('\\', start);
    parts.push_back(path.substr(start, slash - start));
    if (slash == std::string_view::npos) break;
    start = slash + 1;
  }
  return parts;
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
  const std::vector<std::string_view> parts = split_key_path(path);
  const std::size_t n = parts.size();
  if (n < 4 || !is_account_number(parts[n - 1])) return std::nullopt;
  auto part_is = [&](std::size_t from_end, std::string_view name) {
    return from_end <= n && reg_names_equal(parts[n - from_end], name);
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

bool contains_password(std::string_view name) {
  constexpr std::string_view kWord = "password";
  for (std::size_t i = 0; i + kWord.size() <= name.size(); ++i) {
    if (reg_names_equal(name.substr(i, kWord.size()), kWord)) return true;
  }
  return false;
}

std::optional<std::uint32_t> read_dword(const RegFile& document, std::string_view key,
                                        std::string_view name) {
  const RegValue* value = document.find_value(key, name);
  if (!value) return std::nullopt;
  if (value->kind == RegDataKind::Dword) return value->dword;
  // hex(4): is a REG_DWORD written as bytes, little-endian.
  if (value->kind == RegDataKind::Hex && value->type == kRegDword && value->bytes.size() == 4) {
    std::uint32_t number = 0;
    for (std::size_t i = 4; i-- > 0;) {
      number = (number << 8) | static_cast<unsigned char>(value->bytes[i]);
    }
    return number;
  }
  return std::nullopt;
}

// Outlook keeps strings as REG_BINARY UTF-16LE, usually with a terminating NUL.
std::optional<std::string> read_outlook_string(const RegFile& document, std::string_view key,
                                               std::string_view name) {
  const RegValue* value = document.find_value(key, name);
  if (!value) return std::nullopt;
  if (value->kind == RegDataKind::String) return value->text;
  if (value->kind != RegDataKind::Hex || value->bytes.size() % 2 != 0) return std::nullopt;
  std::string_view units = value->bytes;
  for (std::size_t i = 0; i < units.size(); i += 2) {
    if (units[i] == 0 && units[i + 1] == 0) {
      units = units.substr(0, i);
      break;
    }
  }
  // Characters of the Basic Multilingual Plane other than surrogates (nearly every name) are
  // encoded here: iconv_open costs more than reading the account. The rest goes to iconv.
  std::string utf8;
  utf8.reserve(units.size() * 3 / 2);
  for (std::size_t i = 0; i < units.size(); i += 2) {
    const auto unit = static_cast<std::uint32_t>(static_cast<unsigned char>(units[i]) |
                                                 (static_cast<unsigned char>(units[i + 1]) << 8));
    if (unit < 0x80) {
      utf8 += static_cast<char>(unit);
    } else if (unit < 0x800) {
      utf8 += static_cast<char>(0xC0 | (unit >> 6));
      utf8 += static_cast<char>(0x80 | (unit & 0x3F));
    } else if (unit < 0xD800 || (unit >= 0xE000 && unit <= 0xFFFD)) {
      utf8 += static_cast<char>(0xE0 | (unit >> 12));
      utf8 += static_cast<char>(0x80 | ((unit >> 6) & 0x3F));
      utf8 += static_cast<char>(0x80 | (unit & 0x3F));
    } else {
      Conversion decoded = to_utf8(units, "UTF-16LE");
      if (!decoded) return std::nullopt;
      return std::move(decoded.text);
    }
  }
  return utf8;
}

std::optional<std::string> read_sz(const RegFile& document, std::string_view key,
                                   std::string_view name) {
  const RegValue* value = document.find_value(key, name);
  if (!value || value->kind != RegDataKind::String) return std::nullopt;
  return value->text;
}

std::string incoming_prefix(const Account& account) {
  return account.incoming.protocol == Protocol::Imap ? "IMAP" : "POP3";
}

std::string display_name(const Account& account) {
  return account.name.empty() ? account.id : account.name;
}

std::string file_stem(const std::string& path) {
  constexpr std::string_view kExtension = ".reg";
  const std::size_t slash = path.find_last_of("/\\");
  const std::size_t name_start = slash == std::string::npos ? 0 : slash + 1;
  if (path.size() - name_start > kExtension.size() &&
      reg_names_equal(std::string_view(path).substr(path.size() - kExtension.size()), kExtension)) {
    return path.substr(0, path.size() - kExtension.size());
  }
  return path;
}

}  // namespace

std::vector<RegistryAccountKey> find_account_keys(const RegFile& document) {
  std::vector<RegistryAccountKey> keys;
  for (const std::string& path : document.key_paths()) {
    const auto kind = account_kind_of(path);
    if (!kind) continue;
    // The same keys hold address books and Exchange services; only mail accounts count.
    if (!document.find_value(path, "POP3 Server") && !document.find_value(path, "IMAP Server")) {
      continue;
    }
    keys.push_back({path, *kind});
  }
  return keys;
}

RegistryProfile::RegistryProfile(std::string path, std::string bytes, RegFile document,
                                 std::vector<RegistryAccountKey> account_keys)
    : document_(std::move(document)), account_keys_(std::move(account_keys)) {
  for (std::size_t i = 0; i < account_keys_.size(); ++i) {
    account_index_.emplace(account_keys_[i].key_path, i);
    if (account_keys_[i].kind == RegistryAccountKind::OutlookMapi) client_ = kOutlook;
  }
  ProfileFile file;
  file.path = std::move(path);
  // An ANSI export's parsed text is its bytes: they are kept once, in the document, until
  // files() is asked for (a plan never is).
  if (document_.encoding() != RegEncoding::Ansi) file.original = std::move(bytes);
  files_.push_back(std::move(file));
  files_stale_ = true;  // current is filled when files() is asked for, not copied now
}

ClientKind RegistryProfile::client() const { return client_; }

std::vector<Account> RegistryProfile::accounts() const {
  std::vector<Account> result;
  for (const RegistryAccountKey& key : account_keys_) result.push_back(read_account(key));
  return result;
}

const RegistryAccountKey* RegistryProfile::account_key(const std::string& account_id) const {
  const auto found = account_index_.find(account_id);
  return found == account_index_.end() ? nullptr : &account_keys_[found->second];
}

Account RegistryProfile::read_account(const RegistryAccountKey& key) const {
  return key.kind == RegistryAccountKind::OutlookMapi ? read_outlook_account(key.key_path)
                                                      : read_iam_account(key.key_path);
}

Account RegistryProfile::read_outlook_account(const std::string& key) const {
  const RegFile& doc = document_;
  Account account;
  account.id = key;
  account.name = read_outlook_string(doc, key, "Account Name").value_or("");
  account.address = read_outlook_string(doc, key, "Email").value_or("");

  ServerSettings& in = account.incoming;
  in.protocol = doc.find_value(key, "POP3 Server") ? Protocol::Pop3 : Protocol::Imap;
  const std::string prefix = incoming_prefix(account);
  in.hostname = read_outlook_string(doc, key, prefix + " Server").value_or("");
  in.username = read_outlook_string(doc, key, prefix + " User").value_or("");
  // "Use SSL" decides; "Secure Connection" is [open] for POP3/IMAP (see findings()).
  in.socket_type = read_dword(doc, key, prefix + " Use SSL").value_or(0) == 1 ? SocketType::Ssl
                                                                              : SocketType::Plain;
  in.port = static_cast<int>(
      read_dword(doc, key, prefix + " Port")
          .value_or(static_cast<std::uint32_t>(default_port(in.protocol, in.socket_type))));
  in.authentication = read_dword(doc, key, prefix + " Use Sicily").value_or(0) == 1
                          ? AuthMethod::Ntlm
                          : AuthMethod::PasswordCleartext;

  if (!doc.find_value(key, "SMTP Server")) return account;
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

Account RegistryProfile::read_iam_account(const std::string& key) const {
  const RegFile& doc = document_;
  Account account;
  account.id = key;
  account.name = read_sz(doc, key, "Account Name").value_or("");
  account.address = read_sz(doc, key, "SMTP Email Address").value_or("");

  ServerSettings& in = account.incoming;
  in.protocol = doc.find_value(key, "POP3 Server") ? Protocol::Pop3 : Protocol::Imap;
  const std::string prefix = incoming_prefix(account);
  in.hostname = read_sz(doc, key, prefix + " Server").value_or("");
  in.username = read_sz(doc, key, prefix + " User Name").value_or("");
  in.socket_type = read_dword(doc, key, prefix + " Secure Connection").value_or(0) == 1
                       ? SocketType::Ssl
                       : SocketType::Plain;
  in.port = static_cast<int>(
      read_dword(doc, key, prefix + " Port")
          .value_or(static_cast<std::uint32_t>(default_port(in.protocol, in.socket_type))));
  in.authentication = read_dword(doc, key, prefix + " Use Sicily").value_or(0) == 1
                          ? AuthMethod::Ntlm
                          : AuthMethod::PasswordCleartext;

  if (!doc.find_value(key, "SMTP Server")) return account;
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

std::vector<Finding> RegistryProfile::findings() const {
  std::vector<Finding> result;
  const std::string empty_export = document_.render_export({});
  // Only files an earlier run left can be reported, so without them no file is built here.
  const std::vector<ProfileFile>& all_files = earlier_outputs_.empty() ? files_ : files();
  for (std::size_t i = 1; i < all_files.size(); ++i) {
    const ProfileFile& file = all_files[i];
    if (file.created || !file.changed() || file.current != empty_export) continue;
    result.push_back(make_finding(
        std::string(kFormatRule), Severity::Info,
        N_("{file} is left from an earlier run and would import old values again: apply empties "
           "it (keeping a backup), so that importing it changes nothing."),
        {{"file", file.path}}));
  }
  for (const RegistryAccountKey& key : account_keys_) {
    if (key.kind != RegistryAccountKind::OutlookMapi) continue;
    // The whole account is read only for a finding: most accounts have none.
    const std::string prefix =
        document_.find_value(key.key_path, "POP3 Server") ? "POP3" : "IMAP";  // incoming_prefix
    const auto secure = read_dword(document_, key.key_path, prefix + " Secure Connection");
    const std::uint32_t use_ssl =
        read_dword(document_, key.key_path, prefix + " Use SSL").value_or(0);
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
    if (read_dword(document_, key.key_path, "SMTP Secure Connection") == 3u) {
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
class RegistryProfile::Writer {
 public:
  Writer(RegistryProfile& profile, const Account& account, std::vector<Finding>& findings)
      : profile_(profile), account_(account), key_(account.id), findings_(findings) {}

  const RegFile& document() const { return profile_.document_; }
  std::optional<std::uint32_t> dword(std::string_view name) const {
    return read_dword(document(), key_, name);
  }
  bool has(std::string_view name) const { return document().find_value(key_, name) != nullptr; }

  void put(const RegValue& value, const std::string& rule) {
    ParseResult edit = profile_.document_.put_value(key_, value);
    if (!edit) {
      findings_.push_back(make_finding(
          rule, Severity::Warning, N_("Could not write \"{value}\" in [{key}]: {error}"),
          {{"value", value.name}, {"key", key_}, {"error", edit.message}}));
      return;
    }
    profile_.files_stale_ = true;
  }

  void put_dword(const std::string& name, std::uint32_t number, const std::string& rule) {
    if (dword(name) == number) return;
    put(RegValue::dword_value(name, number), rule);
  }

  // For a switch that is off when the value is missing: only an existing value is changed.
  void clear_dword(const std::string& name, const std::string& rule) {
    if (has(name)) put_dword(name, 0, rule);
  }

  void put_sz(const std::string& name, const std::string& utf8, const std::string& rule) {
    put(RegValue::string(name, utf8), rule);
  }

  // An Outlook string keeps the form it has (terminated or not); a new one is terminated.
  void put_outlook_string(const std::string& name, const std::string& utf8,
                          const std::string& rule) {
    const RegValue* existing = document().find_value(key_, name);
    if (existing && existing->kind == RegDataKind::String) {
      put_sz(name, utf8, rule);
      return;
    }
    bool terminated = true;
    std::uint32_t type = kRegBinary;
    if (existing && existing->kind == RegDataKind::Hex) {
      const std::string& bytes = existing->bytes;
      terminated = bytes.size() >= 2 && bytes.size() % 2 == 0 && bytes[bytes.size() - 1] == 0 &&
                   bytes[bytes.size() - 2] == 0;
      type = existing->type;
    }
    Conversion units = from_utf8(utf8, "UTF-16LE");
    if (!units) {
      findings_.push_back(make_finding(rule, Severity::Warning,
                                       N_("Could not write \"{value}\" in [{key}]: {error}"),
                                       {{"value", name}, {"key", key_}, {"error", units.error}}));
      return;
    }
    if (terminated) units.text.append(2, '\0');
    put(RegValue::binary(name, std::move(units.text), type), rule);
  }

  void finding(const std::string& rule, Severity severity, const char* message,
               std::initializer_list<std::pair<std::string, std::string>> values) {
    Finding item = make_finding(rule, severity, message, values);
    item.values.emplace_back("account", display_name(account_));
    item.values.emplace_back("client", std::string(client_display_name(profile_.client())));
    findings_.push_back(std::move(item));
  }

 private:
  RegistryProfile& profile_;
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

void apply_outlook(RegistryProfile::Writer& w, const Request& r) {
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
  if (changed(r, Side::Incoming, FieldKind::Authentication)) {
    const std::string& rule = *r.rule(Side::Incoming, FieldKind::Authentication);
    if (in.authentication == AuthMethod::PasswordCleartext) {
      w.clear_dword(prefix + " Use Sicily", rule);
    } else if (in.authentication == AuthMethod::Ntlm) {
      w.put_dword(prefix + " Use Sicily", 1, rule);
    }
  }

  if (!r.desired.outgoing) return;
  const ServerSettings& out = *r.desired.outgoing;
  if (changed(r, Side::Outgoing, FieldKind::Hostname)) {
    w.put_outlook_string("SMTP Server", out.hostname, *r.rule(Side::Outgoing, FieldKind::Hostname));
  }
  if (changed(r, Side::Outgoing, FieldKind::Port)) {
    w.put_dword("SMTP Port", static_cast<std::uint32_t>(out.port),
                *r.rule(Side::Outgoing, FieldKind::Port));
  }
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

void apply_iam(RegistryProfile::Writer& w, const Request& r) {
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
  if (changed(r, Side::Incoming, FieldKind::Authentication)) {
    const std::string& rule = *r.rule(Side::Incoming, FieldKind::Authentication);
    if (in.authentication == AuthMethod::PasswordCleartext) {
      w.clear_dword(prefix + " Use Sicily", rule);
    } else if (in.authentication == AuthMethod::Ntlm) {
      w.put_dword(prefix + " Use Sicily", 1, rule);
    }
  }

  if (!r.desired.outgoing) return;
  const ServerSettings& out = *r.desired.outgoing;
  if (changed(r, Side::Outgoing, FieldKind::Hostname)) {
    w.put_sz("SMTP Server", out.hostname, *r.rule(Side::Outgoing, FieldKind::Hostname));
  }
  if (changed(r, Side::Outgoing, FieldKind::Port)) {
    w.put_dword("SMTP Port", static_cast<std::uint32_t>(out.port),
                *r.rule(Side::Outgoing, FieldKind::Port));
  }
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

ClientCapabilities RegistryProfile::capabilities(const Account& account) const {
  const RegistryAccountKey* key = account_key(account.id);
  return outlook_capabilities(key ? key->kind : RegistryAccountKind::OutlookMapi);
}

std::vector<Finding> RegistryProfile::apply(const EditPlan& plan) {
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

void RegistryProfile::adopt_earlier_outputs(std::vector<ProfileFile> earlier) {
  earlier_outputs_ = std::move(earlier);
  files_stale_ = true;
}

const std::vector<ProfileFile>& RegistryProfile::files() const {
  if (files_stale_) {
    refresh_files();
    files_stale_ = false;
  }
  return files_;
}

std::string RegistryProfile::line_before_edits(const RegEntry& now) const {
  // An edited entry read from the file decided the value before the edits too; an added one
  // follows the value's last setting or deletion, if any.
  const RegEntry* before =
      document_.was_parsed(now)
          ? &now
          : document_.find_parsed_entry(document_.key_path(document_.entries()[now.section]),
                                        now.value.name);
  if (before && before->kind == RegLineKind::Value) {
    return std::string(document_.parsed_content(*before));
  }
  // The name was written by this document before, so it can be written again.
  std::string deletion;
  document_.format_value_deletion(now.value.name, deletion);
  return deletion;
}

std::vector<FileChange> RegistryProfile::file_changes() const {
  // Files an earlier run left are compared byte for byte with what this run would write.
  if (!earlier_outputs_.empty()) return Profile::file_changes();
  // Otherwise the export changes exactly when an edited line differs from the line before the
  // edits, and then the delta and undo files are created beside it (refresh_files).
  const std::vector<const RegEntry*> edited = document_.edited_entries();
  const bool changed = std::any_of(edited.begin(), edited.end(), [&](const RegEntry* now) {
    return document_.entry_content(*now) != line_before_edits(*now);
  });
  std::vector<FileChange> changes{{path(), changed}};
  if (changed) {
    const std::string stem = file_stem(path());
    changes.push_back({stem + ".delta.reg", true});
    changes.push_back({stem + ".undo.reg", true});
  }
  return changes;
}

void RegistryProfile::refresh_files() const {
  files_.resize(1);
  ProfileFile& file = files_.front();
  if (document_.encoding() == RegEncoding::Ansi && file.original.empty()) {
    file.original = document_.text();
  }
  file.current = document_.has_edited_entries() ? document_.serialize() : file.original;
  std::vector<RegFile::Section> delta;
  std::vector<RegFile::Section> undo;
  for (const RegEntry* now : document_.edited_entries()) {
    const std::string_view now_line = document_.entry_content(*now);
    std::string old_line = line_before_edits(*now);
    if (now_line == old_line) continue;
    const std::string& raw_key = document_.raw_key_path(document_.entries()[now->section]);
    if (delta.empty() || !reg_names_equal(delta.back().raw_key_path, raw_key)) {
      delta.push_back({raw_key, {}});
      undo.push_back({raw_key, {}});
    }
    delta.back().lines.emplace_back(now_line);
    undo.back().lines.push_back(std::move(old_line));
  }
  // With no change, both are header only: importing them changes nothing.
  const std::string stem = file_stem(files_.front().path);
  add_output_file(stem + ".delta.reg", document_.render_export(delta));
  add_output_file(stem + ".undo.reg", document_.render_export(undo));
}

// A file this run writes beside the export; one with the same bytes already there is left as is,
// and an empty one is not created where there is none.
void RegistryProfile::add_output_file(const std::string& path, std::string bytes) const {
  ProfileFile file;
  file.path = path;
  file.current = std::move(bytes);
  file.created = true;
  for (const ProfileFile& earlier : earlier_outputs_) {
    if (earlier.path != path) continue;
    file.original = earlier.original;
    file.created = false;
  }
  if (file.created ? file.current == document_.render_export({}) : !file.changed()) return;
  files_.push_back(std::move(file));
}

std::string RegistryProfile::display_text(const ProfileFile& file, std::string_view bytes) const {
  RegFile parsed;
  const ParseResult result = RegFile::parse(bytes, parsed, document_.codepage().c_str());
  if (!result) return "(" + result.describe(file.path) + ")\n";
  const std::string& text = parsed.text();
  std::string masked;
  std::size_t copied = 0;
  for (const RegEntry& entry : parsed.entries()) {
    std::size_t data_begin = std::string::npos;
    if (entry.kind == RegLineKind::Value && contains_password(entry.value.name)) {
      data_begin = entry.data_begin;
    } else if (entry.kind == RegLineKind::Opaque) {
      // A broken password line still holds secret bytes after its '='.
      const std::string_view content = parsed.entry_content(entry);
      const std::size_t equals = content.find('=');
      if (equals != std::string_view::npos && contains_password(content.substr(0, equals))) {
        data_begin = entry.begin + equals + 1;
      }
    }
    if (data_begin == std::string::npos) continue;
    masked.append(text, copied, data_begin - copied);
    masked += kMask;
    copied = entry.content_end;
  }
  masked.append(text, copied);
  if (parsed.encoding() == RegEncoding::Utf16Le) return masked;
  Conversion decoded = to_utf8(masked, parsed.codepage().c_str());
  return decoded ? decoded.text : "(" + file.path + ": " + decoded.error + ")\n";
}

LoadResult load_registry_bytes(const std::string& path, std::string bytes,
                               const char* ansi_codepage) {
  LoadResult loaded;
  RegFile document;
  const ParseResult result = RegFile::parse(bytes, document, ansi_codepage);
  if (!result) {
    loaded.error = result.describe(path);
    return loaded;
  }
  std::vector<RegistryAccountKey> keys = find_account_keys(document);
  if (keys.empty()) {
    loaded.error = path + ": no mail account keys in this registry export";
    return loaded;
  }
  loaded.profile = std::make_unique<RegistryProfile>(path, std::move(bytes), std::move(document),
                                                     std::move(keys));
  return loaded;
}

LoadResult load_registry_file(const std::string& path, const char* ansi_codepage) {
  ReadResult read = read_file(path);
  if (!read) {
    LoadResult loaded;
    loaded.error = read.error;
    return loaded;
  }
  LoadResult loaded = load_registry_bytes(path, std::move(read.bytes), ansi_codepage);
  if (!loaded) return loaded;
  std::vector<ProfileFile> earlier;
  for (const char* suffix : {".delta.reg", ".undo.reg"}) {
    const std::string output = file_stem(path) + suffix;
    const StatResult found = RealFileSystem().lstat(output);
    if (found && found.status.type == FileType::Missing) continue;  // none left by an earlier run
    ReadResult bytes = read_file(output);
    if (!bytes) return {nullptr, bytes.error};
    ProfileFile file;
    file.path = output;
    file.original = std::move(bytes.bytes);
    earlier.push_back(std::move(file));
  }
  static_cast<RegistryProfile&>(*loaded.profile).adopt_earlier_outputs(std::move(earlier));
  return loaded;
}

}  // namespace mailmig
