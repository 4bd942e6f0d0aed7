#include "parsers/clients/thunderbird/thunderbird_profile.h"

#include <algorithm>
#include <array>
#include <boost/filesystem.hpp>
#include <cstdio>
#include <map>
#include <set>
#include <utility>

#include "src/encoding/codec.h"
#include "src/i18n/i18n.h"
#include "src/io/read_file.h"
#include "src/model/oauth2_providers.h"

namespace mailmig {

// The values Thunderbird uses: user.js is read after prefs.js at every start, so a pref it sets
// wins (and is written back into prefs.js): libpref, Preferences.cpp, as the shared format notes
// (thunderbird.md, "user.js") record it.
class EffectivePrefs {
 public:
  EffectivePrefs(const PrefsDocument& prefs, const PrefsDocument* user_js)
      : prefs_(prefs), user_js_(user_js) {}

  std::optional<std::string> get_string(std::string_view name) const {
    return source(name).get_string(name);
  }
  std::optional<std::int32_t> get_int(std::string_view name) const {
    return source(name).get_int(name);
  }
  std::optional<bool> get_bool(std::string_view name) const { return source(name).get_bool(name); }

 private:
  const PrefsDocument& source(std::string_view name) const {
    return user_js_ && user_js_->find(name) ? *user_js_ : prefs_;
  }

  const PrefsDocument& prefs_;
  const PrefsDocument* user_js_;
};

namespace {

constexpr std::string_view kServerPrefix = "mail.server.";
constexpr std::string_view kIdentityPrefix = "mail.identity.";
constexpr std::string_view kSmtpPrefix = "mail.smtpserver.";
constexpr std::string_view kProfileRule = "thunderbird-profile";

// A server's OAuth2 issuer and scope: older Thunderbird (OAuth2Module.js, _initPrefs) read them
// before looking the host up, so the old provider's would outlive a move to another host.
constexpr std::array<std::string_view, 2> kOAuth2Prefs{"oauth2.issuer", "oauth2.scope"};

// Thunderbird's nsMsgAuthMethod numbers.
constexpr int kAuthNone = 1;
constexpr int kAuthCleartext = 3;
constexpr int kAuthEncrypted = 4;

// "<prefix><key>.<attribute>", built in one allocation: an account view reads about fifteen.
std::string keyed_pref(std::string_view prefix, std::string_view key, std::string_view attribute) {
  std::string name;
  name.reserve(prefix.size() + key.size() + 1 + attribute.size());
  name.append(prefix).append(key).append(1, '.').append(attribute);
  return name;
}
std::string server_pref(std::string_view key, std::string_view attribute) {
  return keyed_pref(kServerPrefix, key, attribute);
}
std::string smtp_pref(std::string_view key, std::string_view attribute) {
  return keyed_pref(kSmtpPrefix, key, attribute);
}
std::string identity_pref(std::string_view key, std::string_view attribute) {
  return keyed_pref(kIdentityPrefix, key, attribute);
}

std::string string_pref(const PrefsDocument& prefs, const std::string& name) {
  return prefs.get_string(name).value_or("");
}

std::string string_pref(const EffectivePrefs& prefs, const std::string& name) {
  return prefs.get_string(name).value_or("");
}

// Comma lists such as mail.accountmanager.accounts, without blanks or empty items.
std::vector<std::string> split_list(std::string_view list) {
  std::vector<std::string> items;
  std::size_t pos = 0;
  while (pos <= list.size()) {
    std::size_t comma = list.find(',', pos);
    if (comma == std::string_view::npos) comma = list.size();
    std::string item(list.substr(pos, comma - pos));
    std::erase_if(item, [](char c) { return c == ' ' || c == '\t'; });
    if (!item.empty()) items.push_back(std::move(item));
    pos = comma + 1;
  }
  return items;
}

// "mail.server.<key>.<attribute>" → key and attribute (views into `name`), when the name has
// that form.
std::optional<std::pair<std::string_view, std::string_view>> split_keyed_pref(
    std::string_view name, std::string_view prefix) {
  if (name.size() < prefix.size()) return std::nullopt;
  // Byte by byte: every pref of a profile is checked, and most differ within their first bytes,
  // sooner than a call to memcmp (starts_with) returns.
  for (std::size_t at = 0; at < prefix.size(); ++at) {
    if (name[at] != prefix[at]) return std::nullopt;
  }
  name.remove_prefix(prefix.size());
  const std::size_t dot = name.find('.');
  if (dot == std::string_view::npos || dot == 0) return std::nullopt;
  return std::pair{name.substr(0, dot), name.substr(dot + 1)};
}

std::optional<Protocol> protocol_of_type(std::string_view type) {
  if (type == "pop3") return Protocol::Pop3;
  if (type == "imap") return Protocol::Imap;
  if (type == "nntp") return Protocol::Nntp;
  return std::nullopt;
}

// Thunderbird's localStoreType: the scheme of server URIs and of saved logins.
std::string_view store_of(Protocol protocol) {
  switch (protocol) {
    case Protocol::Imap:
      return "imap";
    case Protocol::Nntp:
      return "news";
    default:
      return "mailbox";
  }
}

SocketType socket_of(int value) {
  if (value == 1 || value == 2) return SocketType::StartTls;  // 1 was "try STARTTLS"
  if (value == 3) return SocketType::Ssl;
  return SocketType::Plain;
}

int socket_number(SocketType socket) {
  switch (socket) {
    case SocketType::StartTls:
      return 2;
    case SocketType::Ssl:
      return 3;
    case SocketType::Plain:
      break;
  }
  return 0;
}

AuthMethod auth_of(int value) {
  switch (value) {
    case 1:
      return AuthMethod::None;
    case 4:
    case 8:  // "secure", kept by Thunderbird only for migration
      return AuthMethod::PasswordEncrypted;
    case 5:
      return AuthMethod::Gssapi;
    case 6:
      return AuthMethod::Ntlm;
    case 7:
      return AuthMethod::TlsClientCert;
    case 9:
      return AuthMethod::Any;
    case 10:
      return AuthMethod::OAuth2;
    default:  // 2 "old" native login, 3, and anything unknown: the cleartext default
      return AuthMethod::PasswordCleartext;
  }
}

// The authMethod for a normalized method. APOP is a challenge-response login: Thunderbird's
// POP3 client does APOP under passwordEncrypted (4), so that is what APOP becomes.
std::optional<int> auth_number(AuthMethod method) {
  switch (method) {
    case AuthMethod::None:
    case AuthMethod::SmtpAfterPop:
      return kAuthNone;
    case AuthMethod::PasswordCleartext:
      return kAuthCleartext;
    case AuthMethod::PasswordEncrypted:
    case AuthMethod::Apop:
      return kAuthEncrypted;
    case AuthMethod::Gssapi:
      return 5;
    case AuthMethod::Ntlm:
      return 6;
    case AuthMethod::TlsClientCert:
      return 7;
    case AuthMethod::Any:
      return 9;
    case AuthMethod::OAuth2:
      return 10;
  }
  return std::nullopt;
}

bool uses_saved_password(AuthMethod method) {
  return method == AuthMethod::PasswordCleartext || method == AuthMethod::PasswordEncrypted ||
         method == AuthMethod::Apop || method == AuthMethod::Ntlm || method == AuthMethod::Any;
}

std::string login_origin(std::string_view scheme, std::string_view host) {
  return thunderbird_server_uri(scheme, "", host);
}

using AccountKeys = ThunderbirdProfile::AccountKeys;

// The identity and server prefs that hold folder URIs, which follow a renamed server.
using FolderUriPrefs = std::vector<std::pair<std::string_view, std::set<std::string_view>>>;
const FolderUriPrefs& folder_uri_prefs() {
  static const FolderUriPrefs prefs = {
      {kIdentityPrefix, {"fcc_folder", "draft_folder", "archive_folder", "stationery_folder"}},
      {kServerPrefix, {"spamActionTargetAccount", "spamActionTargetFolder"}},
  };
  return prefs;
}

// Thunderbird's default outgoing server: mail.smtp.defaultserver, or when that is unset the
// first key of mail.smtpservers (OutgoingServerService.sys.mjs, `get defaultServer`, in
// mozilla/releases-comm-central mailnews/compose/src).
std::string default_smtp_key(const EffectivePrefs& prefs) {
  std::string key = string_pref(prefs, "mail.smtp.defaultserver");
  if (key.empty()) {
    const std::vector<std::string> listed = split_list(string_pref(prefs, "mail.smtpservers"));
    if (!listed.empty()) key = listed.front();
  }
  return key;
}

// An identity without smtpServer sends through the default server (getServerByIdentity).
std::string smtp_key_of_identity(const EffectivePrefs& prefs, std::string_view identity) {
  std::string key = string_pref(prefs, identity_pref(identity, "smtpServer"));
  if (key.empty()) key = default_smtp_key(prefs);
  return key;
}

std::vector<AccountKeys> mail_accounts(const EffectivePrefs& prefs) {
  const std::vector<std::string> listed =
      split_list(string_pref(prefs, "mail.accountmanager.accounts"));
  std::vector<AccountKeys> accounts;
  accounts.reserve(listed.size());
  std::set<std::string> seen;
  for (const std::string& account : listed) {
    if (!seen.insert(account).second) continue;
    AccountKeys keys;
    keys.account = account;
    keys.server = string_pref(prefs, "mail.account." + account + ".server");
    if (keys.server.empty()) continue;
    const auto protocol = protocol_of_type(string_pref(prefs, server_pref(keys.server, "type")));
    if (!protocol) continue;
    keys.protocol = *protocol;
    keys.identities = split_list(string_pref(prefs, "mail.account." + account + ".identities"));
    keys.smtp = keys.identities.empty() ? default_smtp_key(prefs)
                                        : smtp_key_of_identity(prefs, keys.identities.front());
    accounts.push_back(std::move(keys));
  }
  return accounts;
}

ServerSettings incoming_of(const EffectivePrefs& prefs, const AccountKeys& keys) {
  ServerSettings server;
  server.protocol = keys.protocol;
  // Before Thunderbird 102 a renamed server kept realhostname / realuserName; 102 and later
  // copy them over hostname / userName at start, so they are what Thunderbird will use.
  const auto real_host = prefs.get_string(server_pref(keys.server, "realhostname"));
  const auto real_user = prefs.get_string(server_pref(keys.server, "realuserName"));
  server.hostname =
      real_host ? *real_host : string_pref(prefs, server_pref(keys.server, "hostname"));
  server.username =
      real_user ? *real_user : string_pref(prefs, server_pref(keys.server, "userName"));
  if (const auto socket = prefs.get_int(server_pref(keys.server, "socketType"))) {
    server.socket_type = socket_of(*socket);
  } else if (prefs.get_bool(server_pref(keys.server, "isSecure")).value_or(false)) {
    server.socket_type = SocketType::Ssl;
  }
  // The JS servers (POP3, NNTP) use a port only above 1; IMAP's C++ treats -1 and 0 as unset.
  const int lowest_set = keys.protocol == Protocol::Imap ? 1 : 2;
  const int port = prefs.get_int(server_pref(keys.server, "port")).value_or(0);
  server.port = port >= lowest_set ? port : default_port(keys.protocol, server.socket_type);
  server.authentication =
      auth_of(prefs.get_int(server_pref(keys.server, "authMethod")).value_or(kAuthCleartext));
  return server;
}

ServerSettings outgoing_of(const EffectivePrefs& prefs, std::string_view key) {
  ServerSettings server;
  server.protocol = Protocol::Smtp;
  server.hostname = string_pref(prefs, smtp_pref(key, "hostname"));
  server.username = string_pref(prefs, smtp_pref(key, "username"));
  server.socket_type = socket_of(prefs.get_int(smtp_pref(key, "try_ssl")).value_or(0));
  const int port = prefs.get_int(smtp_pref(key, "port")).value_or(0);
  // Current Thunderbird (the JS SmtpClient): 465 for SSL/TLS, else 587.
  server.port = port > 0 ? port : server.socket_type == SocketType::Ssl ? 465 : 587;
  server.authentication =
      auth_of(prefs.get_int(smtp_pref(key, "authMethod")).value_or(kAuthCleartext));
  return server;
}

Account account_of(const EffectivePrefs& prefs, const AccountKeys& keys) {
  Account account;
  account.id = keys.account;
  account.incoming = incoming_of(prefs, keys);
  account.name = string_pref(prefs, server_pref(keys.server, "name"));
  if (account.name.empty()) account.name = account.incoming.hostname;
  if (!keys.identities.empty()) {
    account.address = string_pref(prefs, identity_pref(keys.identities.front(), "useremail"));
  }
  if (!keys.smtp.empty()) account.outgoing = outgoing_of(prefs, keys.smtp);
  account.oauth2_on_provider_hosts = true;
  return account;
}

std::string replace_all(std::string text, std::string_view from, std::string_view to) {
  if (from.empty()) return text;
  for (std::size_t at = text.find(from); at != std::string::npos;
       at = text.find(from, at + to.size())) {
    text.replace(at, from.size(), to);
  }
  return text;
}

// Bytes for showing: valid UTF-8 as it is, any other byte as \xNN.
std::string printable_utf8(std::string_view bytes) {
  if (is_valid_utf8(bytes)) return std::string(bytes);
  std::string out;
  std::size_t pos = 0;
  while (pos < bytes.size()) {
    const auto lead = static_cast<unsigned char>(bytes[pos]);
    const std::size_t length = lead < 0x80 ? 1 : lead >= 0xF0 ? 4 : lead >= 0xE0 ? 3 : 2;
    const std::string_view sequence = bytes.substr(pos, length);
    if (lead >= 0x80 && (lead < 0xC2 || lead > 0xF4 || !is_valid_utf8(sequence))) {
      char escaped[5];
      std::snprintf(escaped, sizeof escaped, "\\x%02X", lead);
      out += escaped;
      ++pos;
    } else {
      out += sequence;
      pos += sequence.size();
    }
  }
  return out;
}

}  // namespace

std::string encode_uri_component(std::string_view text) {
  static constexpr std::string_view kKept = "-_.!~*'()";
  std::string out;
  for (const char c : text) {
    const auto byte = static_cast<unsigned char>(c);
    if ((byte >= 'A' && byte <= 'Z') || (byte >= 'a' && byte <= 'z') ||
        (byte >= '0' && byte <= '9') || kKept.find(c) != std::string_view::npos) {
      out += c;
    } else {
      char escaped[4];
      std::snprintf(escaped, sizeof escaped, "%%%02X", byte);
      out += escaped;
    }
  }
  return out;
}

std::string thunderbird_server_uri(std::string_view store, std::string_view user,
                                   std::string_view host) {
  std::string uri(store);
  uri += "://";
  if (!user.empty()) uri += encode_uri_component(user) + "@";
  const bool ipv6 = host.find(':') != std::string_view::npos;
  uri += encode_uri_component(ipv6 ? "[" + std::string(host) + "]" : std::string(host));
  return uri;
}

// The edits of one apply(): pref writes that keep the existing type (or report that they
// could not), and the findings that go with them.
class ThunderbirdProfile::Editor {
 public:
  explicit Editor(ThunderbirdProfile& profile) : profile_(profile), prefs_(profile.prefs_) {}

  std::vector<Finding> findings;

  // Each edit of prefs.js is made in user.js too when user.js sets that pref: Thunderbird reads
  // user.js after prefs.js at every start, so its old value would come back.
  bool set_string(const std::string& name, const std::string& value, const std::string& rule) {
    if (!prefs_.set_string(name, value)) {
      type_clash(name, value, rule);
      return false;
    }
    in_user_js(name, [&](PrefsDocument& user_js) { return user_js.set_string(name, value); });
    return true;
  }
  void set_int(const std::string& name, int value, const std::string& rule) {
    if (!prefs_.set_int(name, value)) {
      type_clash(name, std::to_string(value), rule);
      return;
    }
    in_user_js(name, [&](PrefsDocument& user_js) { return user_js.set_int(name, value); });
  }
  void remove(const std::string& name) {
    prefs_.remove(name);
    in_user_js(name, [&](PrefsDocument& user_js) { return user_js.remove(name); });
  }

  // Says which prefs were also changed in user.js, once per apply().
  void report_user_js_edits() {
    if (user_js_edits_.empty()) return;
    std::string list;
    for (const std::string& name : user_js_edits_) list += (list.empty() ? "" : ", ") + name;
    findings.push_back(make_finding(
        std::string(kProfileRule), Severity::Info,
        N_("user.js in {profile} also sets {prefs}: mailmig changed them there too, because "
           "Thunderbird applies user.js at every start."),
        {{"profile", profile_.dir_}, {"prefs", list}}));
  }

  // Every string pref named "<prefix><key>.<attribute>" that holds a URI of the old server.
  void rewrite_uri_prefs(std::string_view prefix, const std::set<std::string_view>& attributes,
                         const std::string& old_uri, const std::string& new_uri,
                         const std::string& rule) {
    for (const std::string& name : prefs_.names_with_value_prefix(prefix, old_uri)) {
      const auto parts = split_keyed_pref(name, prefix);
      if (!parts || !attributes.contains(parts->second)) continue;
      const std::string value = prefs_.get_string(name).value_or("");
      if (!uri_is_below(value, old_uri)) continue;
      set_string(name, new_uri + value.substr(old_uri.size()), rule);
    }
  }

  // A saved password follows a renamed server, except onto a host where Thunderbird signs in
  // with OAuth2: the old password is wrong there, and wrong logins can lock the account out.
  void rename_logins(std::string_view scheme, std::string_view old_host,
                     std::string_view new_host) {
    if (!profile_.logins_ || thunderbird_signs_in_with_oauth2(new_host)) return;
    profile_.logins_->rename_origin(login_origin(scheme, old_host), login_origin(scheme, new_host));
  }

 private:
  void type_clash(const std::string& name, const std::string& value, const std::string& rule) {
    findings.push_back(make_finding(
        rule, Severity::ActionRequired,
        N_("Set {pref} to {value} in Thunderbird's Config Editor: prefs.js holds this preference "
           "with another type, so mailmig did not change it."),
        {{"pref", name}, {"value", value}}));
  }

  // A user.js with a syntax error is not edited: it is not known what Thunderbird makes of it.
  template <typename Edit>
  void in_user_js(const std::string& name, Edit edit) {
    std::optional<PrefsDocument>& user_js = profile_.user_js_;
    if (!user_js || !user_js->find(name)) return;
    if (user_js->ok() && edit(*user_js)) {
      if (std::find(user_js_edits_.begin(), user_js_edits_.end(), name) == user_js_edits_.end()) {
        user_js_edits_.push_back(name);
      }
      return;
    }
    findings.push_back(make_finding(
        std::string(kProfileRule), Severity::ActionRequired,
        N_("Remove {pref} from user.js in {profile}: mailmig could not change it there, and "
           "Thunderbird would put the old value back at every start."),
        {{"pref", name}, {"profile", profile_.dir_}}));
  }

  ThunderbirdProfile& profile_;
  PrefsDocument& prefs_;
  std::vector<std::string> user_js_edits_;
};

EffectivePrefs ThunderbirdProfile::effective_prefs() const {
  return EffectivePrefs(prefs_, user_js_ ? &*user_js_ : nullptr);
}

void ThunderbirdProfile::read_account_keys() {
  account_keys_ = mail_accounts(effective_prefs());
  for (std::size_t number = 0; number < account_keys_.size(); ++number) {
    account_numbers_.emplace(account_keys_[number].account, number);
    accounts_by_smtp_[account_keys_[number].smtp].push_back(number);
  }
}

const ThunderbirdProfile::AccountKeys* ThunderbirdProfile::keys_of(
    std::string_view account_id) const {
  const auto found = account_numbers_.find(account_id);
  return found == account_numbers_.end() ? nullptr : &account_keys_[found->second];
}

std::vector<Account> ThunderbirdProfile::accounts() const {
  std::vector<Account> accounts;
  accounts.reserve(account_keys_.size());
  const EffectivePrefs prefs = effective_prefs();
  for (const AccountKeys& keys : account_keys_) accounts.push_back(account_of(prefs, keys));
  return accounts;
}

std::vector<Finding> ThunderbirdProfile::findings() const {
  std::vector<Finding> findings;
  // The views stay valid: nothing is edited before the list is written.
  std::set<std::string_view> legacy_servers;
  for (const PrefEntry& entry : prefs_.entries()) {
    if (entry.removed()) continue;
    const auto parts = split_keyed_pref(prefs_.name(entry), kSmtpPrefix);
    if (parts && parts->second == "auth_method" &&
        !prefs_.find(smtp_pref(parts->first, "authMethod"))) {
      legacy_servers.insert(parts->first);
    }
  }
  if (!legacy_servers.empty()) {
    std::string list;
    for (const std::string_view key : legacy_servers) {
      list.append(list.empty() ? "" : ", ").append(key);
    }
    findings.push_back(make_finding(
        std::string(kProfileRule), Severity::Warning,
        N_("The outgoing servers {servers} in {profile} still use the auth_method setting of "
           "Thunderbird before 3.1: start Thunderbird once to update the profile, then run "
           "mailmig again."),
        {{"servers", list}, {"profile", dir_}}));
  }
  return findings;
}

ClientCapabilities thunderbird_capabilities() {
  ClientCapabilities capabilities;
  capabilities.client_name = "Thunderbird";
  capabilities.switches_protocol_in_place = false;
  capabilities.adds_outgoing_server = false;
  for (ServerCapabilities* incoming :
       {&capabilities.pop3, &capabilities.imap, &capabilities.nntp}) {
    incoming->authentication.remove(AuthMethod::SmtpAfterPop);
  }
  RefusalWordings& wordings = capabilities.wordings;
  wordings.protocol_switch =
      N_("Thunderbird cannot change {account} from {from} to {to}: add a new account with the "
         "new settings in Thunderbird, then remove the old one.");
  wordings.incoming_authentication =
      N_("Thunderbird has no incoming authentication {value}: choose the authentication of "
         "{account} by hand.");
  wordings.no_outgoing_server =
      N_("Set {field} of {account} to {value} by hand: Thunderbird has no such setting for "
         "this account.");
  wordings.invalid_value =
      N_("Set {field} of {account} to {value} by hand: it is not a valid value for it.");
  // Thunderbird's own start-up migration must first fold the real* names and their URIs.
  wordings.rename =
      N_("{account} was renamed in a Thunderbird older than 102: start Thunderbird once so it "
         "updates the profile, then run mailmig again to change the server name or user name.");
  return capabilities;
}

ClientCapabilities ThunderbirdProfile::capabilities(const Account& account) const {
  ClientCapabilities capabilities = thunderbird_capabilities();
  if (const AccountKeys* keys = keys_of(account.id)) {
    capabilities.renames_incoming_server =
        !prefs_.find(server_pref(keys->server, "realhostname")) &&
        !prefs_.find(server_pref(keys->server, "realuserName"));
  }
  return capabilities;
}

std::string ThunderbirdProfile::shared_outgoing_server(const std::string& account_id) const {
  const AccountKeys* keys = keys_of(account_id);
  if (!keys || keys->smtp.empty() || accounts_by_smtp_.at(keys->smtp).size() < 2) return {};
  return keys->smtp;
}

std::vector<Finding> ThunderbirdProfile::apply(const EditPlan& plan) {
  const std::string& account_id = plan.account_id;
  Editor editor(*this);
  std::vector<Finding>& findings = editor.findings;
  const AccountKeys* account_keys = keys_of(account_id);
  if (!account_keys) {
    for (const Change& change : plan.changes) {
      findings.push_back(make_finding(change.rule, Severity::ActionRequired,
                                      N_("There is no mail account {account} in {profile}."),
                                      {{"account", account_id}, {"profile", dir_}}));
    }
    return findings;
  }
  const AccountKeys& keys = *account_keys;
  const Account before = account_of(effective_prefs(), keys);
  const Account& after = plan.after;
  std::map<std::string, std::string> rule_of;  // field name → the rule that asked for it
  for (const Change& change : plan.changes) rule_of[change.field] = change.rule;
  auto rule = [&](Side side, FieldKind kind) {
    const auto found = rule_of.find(field_name({side, kind}));
    return found == rule_of.end() ? std::string() : found->second;
  };
  auto asked = [&](Side side, FieldKind kind) {
    return rule_of.contains(field_name({side, kind}));
  };

  // Incoming server.
  const ServerSettings& in_before = before.incoming;
  const ServerSettings& in_after = after.incoming;
  const bool host_changed =
      asked(Side::Incoming, FieldKind::Hostname) && in_after.hostname != in_before.hostname;
  const bool user_changed =
      asked(Side::Incoming, FieldKind::Username) && in_after.username != in_before.username;
  if (host_changed || user_changed) {
    const std::string rename_rule = host_changed ? rule(Side::Incoming, FieldKind::Hostname)
                                                 : rule(Side::Incoming, FieldKind::Username);
    const std::string name_pref = server_pref(keys.server, "name");
    std::string name = string_pref(prefs_, name_pref);
    if (host_changed) {
      editor.set_string(server_pref(keys.server, "hostname"), in_after.hostname, rename_rule);
      name = replace_all(name, in_before.hostname, in_after.hostname);
      editor.rename_logins(store_of(keys.protocol), in_before.hostname, in_after.hostname);
      if (keys.protocol == Protocol::Pop3) {
        editor.rename_logins("pop3", in_before.hostname, in_after.hostname);
      }
    }
    if (user_changed) {
      if (in_after.username.empty()) {
        editor.remove(server_pref(keys.server, "userName"));
      } else {
        editor.set_string(server_pref(keys.server, "userName"), in_after.username, rename_rule);
      }
      // Thunderbird's own rule: "olduser@host" follows the user name unless the new one is an
      // address itself.
      const std::size_t at = name.find('@');
      if (in_after.username.find('@') == std::string::npos && at != std::string::npos &&
          name.substr(0, at) == in_before.username) {
        name = in_after.username + name.substr(at);
      }
      if (in_after.authentication != AuthMethod::OAuth2) {  // OAuth2 asks for no password
        findings.push_back(make_finding(
            rule(Side::Incoming, FieldKind::Username), Severity::ActionRequired,
            N_("Enter the password once for {account}: Thunderbird keeps saved passwords under "
               "the user name, which mailmig cannot change."),
            {{"account", before.name}}));
      }
    }
    if (prefs_.find(name_pref) && name != string_pref(prefs_, name_pref)) {
      editor.set_string(name_pref, name, rename_rule);
    }
    // Thunderbird forgets the client id whenever the user or host changes.
    editor.remove(server_pref(keys.server, "clientid"));
    if (host_changed) {
      for (const std::string_view attribute : kOAuth2Prefs) {
        editor.remove(server_pref(keys.server, attribute));
      }
    }
    const std::string store(store_of(keys.protocol));
    const std::string old_uri =
        thunderbird_server_uri(store, in_before.username, in_before.hostname);
    const std::string new_uri = thunderbird_server_uri(store, in_after.username, in_after.hostname);
    for (const auto& [prefix, attributes] : folder_uri_prefs()) {
      editor.rewrite_uri_prefs(prefix, attributes, old_uri, new_uri, rename_rule);
    }
    for (FilterFile& filter : filters_) filter.rules.rewrite_folder_uris(old_uri, new_uri);
  }
  const bool socket_changed =
      asked(Side::Incoming, FieldKind::SocketType) && in_after.socket_type != in_before.socket_type;
  const bool port_changed =
      asked(Side::Incoming, FieldKind::Port) && in_after.port != in_before.port;
  if (socket_changed) {
    const std::string socket_rule = rule(Side::Incoming, FieldKind::SocketType);
    if (in_after.socket_type == SocketType::Plain) {
      editor.remove(server_pref(keys.server, "socketType"));
    } else {
      editor.set_int(server_pref(keys.server, "socketType"), socket_number(in_after.socket_type),
                     socket_rule);
    }
    // The legacy isSecure only counts without socketType, so it could bring SSL back.
    editor.remove(server_pref(keys.server, "isSecure"));
  }
  if (socket_changed || port_changed) {
    const std::string port_rule = port_changed ? rule(Side::Incoming, FieldKind::Port)
                                               : rule(Side::Incoming, FieldKind::SocketType);
    if (in_after.port == default_port(keys.protocol, in_after.socket_type)) {
      editor.remove(server_pref(keys.server, "port"));
    } else {
      editor.set_int(server_pref(keys.server, "port"), in_after.port, port_rule);
    }
  }
  if (asked(Side::Incoming, FieldKind::Authentication) &&
      in_after.authentication != in_before.authentication) {
    const std::string auth_rule = rule(Side::Incoming, FieldKind::Authentication);
    if (in_after.authentication == AuthMethod::PasswordCleartext) {
      editor.remove(server_pref(keys.server, "authMethod"));
    } else {
      editor.set_int(server_pref(keys.server, "authMethod"),
                     auth_number(in_after.authentication).value_or(kAuthCleartext), auth_rule);
    }
  }

  // Outgoing (SMTP) server: Thunderbird's SmtpServer writes explicit values.
  if (before.outgoing && after.outgoing) {
    const ServerSettings& out_before = *before.outgoing;
    const ServerSettings& out_after = *after.outgoing;
    const std::string& key = keys.smtp;
    std::string outgoing_rule;  // the first rule that edited the server, for the shared notice
    auto edited = [&](const std::string& by) {
      if (outgoing_rule.empty()) outgoing_rule = by;
    };
    if (asked(Side::Outgoing, FieldKind::Hostname) && out_after.hostname != out_before.hostname) {
      editor.set_string(smtp_pref(key, "hostname"), out_after.hostname,
                        rule(Side::Outgoing, FieldKind::Hostname));
      editor.rename_logins("smtp", out_before.hostname, out_after.hostname);
      for (const std::string_view attribute : kOAuth2Prefs) {
        editor.remove(smtp_pref(key, attribute));
      }
      edited(rule(Side::Outgoing, FieldKind::Hostname));
    }
    const bool out_socket = asked(Side::Outgoing, FieldKind::SocketType) &&
                            out_after.socket_type != out_before.socket_type;
    const bool out_port =
        asked(Side::Outgoing, FieldKind::Port) && out_after.port != out_before.port;
    if (out_socket || out_port) {
      const std::string port_rule = out_port ? rule(Side::Outgoing, FieldKind::Port)
                                             : rule(Side::Outgoing, FieldKind::SocketType);
      editor.set_int(smtp_pref(key, "port"), out_after.port, port_rule);
      editor.set_int(smtp_pref(key, "try_ssl"), socket_number(out_after.socket_type),
                     out_socket ? rule(Side::Outgoing, FieldKind::SocketType) : port_rule);
      edited(port_rule);
    }
    if (asked(Side::Outgoing, FieldKind::Username) && out_after.username != out_before.username) {
      if (out_after.username.empty()) {
        editor.remove(smtp_pref(key, "username"));
      } else {
        editor.set_string(smtp_pref(key, "username"), out_after.username,
                          rule(Side::Outgoing, FieldKind::Username));
      }
      edited(rule(Side::Outgoing, FieldKind::Username));
    }
    if (asked(Side::Outgoing, FieldKind::Authentication) &&
        out_after.authentication != out_before.authentication) {
      const std::string auth_rule = rule(Side::Outgoing, FieldKind::Authentication);
      editor.set_int(smtp_pref(key, "authMethod"),
                     auth_number(out_after.authentication).value_or(kAuthCleartext), auth_rule);
      edited(auth_rule);
      const bool had_no_auth = out_before.authentication == AuthMethod::None ||
                               out_before.authentication == AuthMethod::SmtpAfterPop;
      if (had_no_auth && uses_saved_password(out_after.authentication)) {
        // SMTP AUTH with the incoming server's user and password: reuse its saved login.
        const std::string smtp_origin = login_origin("smtp", out_after.hostname);
        // No password is carried onto an OAuth2 host (see rename_logins).
        if (!thunderbird_signs_in_with_oauth2(out_after.hostname) &&
            (!logins_ || !logins_->has_origin(smtp_origin))) {
          std::size_t copied = 0;
          if (logins_ && !out_after.username.empty() && out_after.username == in_after.username) {
            copied = logins_->copy_origin(login_origin(store_of(keys.protocol), in_after.hostname),
                                          smtp_origin);
            if (copied == 0 && keys.protocol == Protocol::Pop3) {
              copied = logins_->copy_origin(login_origin("pop3", in_after.hostname), smtp_origin);
            }
          }
          if (copied == 0) {
            findings.push_back(make_finding(
                auth_rule, Severity::ActionRequired,
                N_("Thunderbird will ask once for the password of the outgoing server {server} "
                   "of {account}: enter it and let Thunderbird remember it."),
                {{"server", out_after.hostname}, {"account", before.name}}));
          }
        }
      }
    }
    if (!outgoing_rule.empty()) {
      std::string others;
      for (const std::size_t number : accounts_by_smtp_.at(key)) {
        const AccountKeys& other = account_keys_[number];
        if (other.account == keys.account) continue;
        others += (others.empty() ? "" : ", ") + account_of(effective_prefs(), other).name;
      }
      if (!others.empty()) {
        findings.push_back(make_finding(
            outgoing_rule, Severity::Info,
            N_("The outgoing server {server} is shared: the change also applies to {accounts}."),
            {{"server", out_after.hostname}, {"accounts", others}}));
      }
    }
  }
  editor.report_user_js_edits();
  return findings;
}

std::vector<ProfileFile> ThunderbirdProfile::files() const {
  std::vector<ProfileFile> files{{prefs_path_, &prefs_}};
  if (user_js_) files.push_back({user_js_path_, &*user_js_});
  if (logins_) files.push_back({logins_path_, &*logins_});
  for (const FilterFile& filter : filters_) files.push_back({filter.path, &filter.rules});
  return files;
}

std::string ThunderbirdProfile::display_text(const ProfileFile& file,
                                             std::string_view bytes) const {
  const std::string name = boost::filesystem::path(file.path).filename().string();
  if (name == "logins.json") return printable_utf8(mask_logins_secrets(bytes));
  if (name == "prefs.js" || name == "user.js") {
    // Very old profiles kept passwords in prefs ("mail.server.server1.password").
    PrefsDocument document;
    PrefsDocument::parse(std::string(bytes), document);
    std::string masked(bytes);
    const auto& entries = document.entries();
    // Last first, so each mask leaves the offsets before it valid (not std::views::reverse:
    // clang-tidy 14 cannot compile it with libstdc++ 12).
    // NOLINTNEXTLINE(modernize-loop-convert)
    for (auto it = entries.rbegin(); it != entries.rend(); ++it) {
      if (document.name(*it).ends_with(".password") && it->type == PrefType::String) {
        masked.replace(it->value_begin, it->value_end - it->value_begin, "\"********\"");
      }
    }
    return printable_utf8(masked);
  }
  return printable_utf8(bytes);
}

LoadResult load_thunderbird_profile(const std::string& profile_dir) {
  namespace fs = boost::filesystem;
  LoadResult result;
  auto profile = std::make_unique<ThunderbirdProfile>();
  profile->dir_ = profile_dir;
  const fs::path dir(profile_dir);

  // generic_string() throughout: Boost joins with '\\' on Windows; mailmig's paths use '/'.
  const std::string prefs_path = (dir / "prefs.js").generic_string();
  ReadResult prefs_bytes = read_file(prefs_path);
  if (!prefs_bytes) {
    result.error = prefs_bytes.error;
    return result;
  }
  if (const ParseResult parsed =
          PrefsDocument::parse(std::move(prefs_bytes.bytes), profile->prefs_);
      !parsed) {
    result.error = parsed.describe(prefs_path);
    return result;
  }
  profile->prefs_path_ = prefs_path;

  const fs::path user_js = dir / "user.js";
  if (fs::exists(user_js)) {
    ReadResult bytes = read_file(user_js.generic_string());
    if (!bytes) {
      result.error = bytes.error;
      return result;
    }
    profile->user_js_.emplace();
    // Thunderbird applies what parses, so do we.
    PrefsDocument::parse(std::move(bytes.bytes), *profile->user_js_);
    profile->user_js_path_ = user_js.generic_string();
  }
  profile->read_account_keys();

  const fs::path logins_path = dir / "logins.json";
  if (fs::exists(logins_path)) {
    ReadResult bytes = read_file(logins_path.generic_string());
    if (!bytes) {
      result.error = bytes.error;
      return result;
    }
    profile->logins_.emplace();
    if (const ParseResult parsed = profile->logins_->load(std::move(bytes.bytes)); !parsed) {
      result.error = parsed.describe(logins_path.generic_string());
      return result;
    }
    profile->logins_path_ = logins_path.generic_string();
  }

  // Each server's filters live in its local folder: directory-rel ("[ProfD]ImapMail/host") as
  // Thunderbird prefers it, else the absolute directory.
  std::vector<std::string> servers;  // in the order they first appear
  std::set<std::string_view> seen;   // views into the prefs, which this loop does not edit
  std::string_view previous;         // a server's prefs are usually adjacent (a sorted file)
  for (const PrefEntry& entry : profile->prefs_.entries()) {
    const auto parts = split_keyed_pref(profile->prefs_.name(entry), kServerPrefix);
    if (!parts || parts->first == previous) continue;
    previous = parts->first;
    if (parts->first != "default" && seen.insert(parts->first).second) {
      servers.emplace_back(parts->first);
    }
  }
  for (const std::string& server : servers) {
    const std::string relative = string_pref(profile->prefs_, server_pref(server, "directory-rel"));
    fs::path folder;
    if (relative.starts_with("[ProfD]")) {
      folder = dir / fs::path(relative.substr(7));
    } else {
      folder = string_pref(profile->prefs_, server_pref(server, "directory"));
    }
    if (folder.empty()) continue;
    const fs::path filter_path = folder / "msgFilterRules.dat";
    boost::system::error_code error;
    if (!fs::exists(filter_path, error)) continue;
    ReadResult bytes = read_file(filter_path.generic_string());
    if (!bytes) {
      result.error = bytes.error;
      return result;
    }
    ThunderbirdProfile::FilterFile filter;
    filter.path = filter_path.generic_string();
    if (const ParseResult parsed = filter.rules.load(std::move(bytes.bytes)); !parsed) {
      result.error = parsed.describe(filter.path);
      return result;
    }
    profile->filters_.push_back(std::move(filter));
  }
  result.profile = std::move(profile);
  return result;
}

}  // namespace mailmig
