#include "parsers/clients/windows_mail/windows_mail_profile.h"

#include <algorithm>
#include <boost/filesystem.hpp>
#include <optional>

#include "parsers/clients/capability_presets.h"
#include "parsers/clients/planned_edit.h"
#include "src/i18n/i18n.h"
#include "src/io/read_file.h"

namespace mailmig {
namespace {

// Property names from Microsoft's "New Handling for Account Data" and Thunderbird's importer
// (shared/formats/outlook-becky-sylpheed.md §4). The *_Password2 blobs are never touched.
constexpr std::string_view kAccountName = "Account_Name";
constexpr std::string_view kEmailAddress = "SMTP_Email_Address";
constexpr std::string_view kSmtpServer = "SMTP_Server";
constexpr std::string_view kSmtpUserName = "SMTP_User_Name";
constexpr std::string_view kSmtpPort = "SMTP_Port";
constexpr std::string_view kSmtpSecure = "SMTP_Secure_Connection";
constexpr std::string_view kSmtpSicily = "SMTP_Use_Sicily";
constexpr std::string_view kSmtpPassword = "SMTP_Password2";
constexpr std::string_view kFormatRule = "windows-mail-format";

// SMTP_Use_Sicily (SMTPAUTHTYPE): 0 none, 1 SPA (NTLM), 2 the incoming server's login,
// 3 SMTP_User_Name with its own password.
constexpr std::uint32_t kSicilyNone = 0;
constexpr std::uint32_t kSicilyNtlm = 1;
constexpr std::uint32_t kSicilySameAsIncoming = 2;
constexpr std::uint32_t kSicilyOwnLogin = 3;

// Outlook Express after KB933612 uses implicit SSL on 465 and STARTTLS on every other port
// when "requires a secure connection" is on. That Windows Mail does the same is likely but not
// documented ([open]); findings() says so.
constexpr int kImplicitTlsSmtpPort = 465;

struct IncomingKeys {
  Protocol protocol;
  std::string server, user, port, secure, sicily;
};

std::optional<IncomingKeys> incoming_keys(const OeAccountDocument& document) {
  for (auto [protocol, prefix] : {std::pair{Protocol::Pop3, "POP3_"}, {Protocol::Imap, "IMAP_"}}) {
    const std::string p = prefix;
    if (document.text(p + "Server")) {
      return IncomingKeys{
          protocol,        p + "Server", p + "User_Name", p + "Port", p + "Secure_Connection",
          p + "Use_Sicily"};
    }
  }
  return std::nullopt;
}

std::optional<int> port_of(const OeAccountDocument& document, std::string_view key) {
  auto value = document.dword(key);
  if (!value || *value < 1 || *value > 65535) return std::nullopt;
  return static_cast<int>(*value);
}

std::optional<Account> read_account(const std::string& id, const OeAccountDocument& document) {
  const auto keys = incoming_keys(document);
  if (!keys) return std::nullopt;
  Account account;
  account.id = id;
  account.name = document.text(kAccountName).value_or("");
  account.address = document.text(kEmailAddress).value_or("");

  ServerSettings& in = account.incoming;
  in.protocol = keys->protocol;
  in.hostname = document.text(keys->server).value_or("");
  in.socket_type = document.dword(keys->secure) == 1u ? SocketType::Ssl : SocketType::Plain;
  in.port = port_of(document, keys->port).value_or(default_port(in.protocol, in.socket_type));
  in.authentication =
      document.dword(keys->sicily) == 1u ? AuthMethod::Ntlm : AuthMethod::PasswordCleartext;
  in.username = document.text(keys->user).value_or("");

  if (auto smtp_server = document.text(kSmtpServer)) {
    ServerSettings out;
    out.protocol = Protocol::Smtp;
    out.hostname = *smtp_server;
    out.port = port_of(document, kSmtpPort).value_or(25);
    if (document.dword(kSmtpSecure) == 1u) {
      out.socket_type = out.port == kImplicitTlsSmtpPort ? SocketType::Ssl : SocketType::StartTls;
    }
    switch (document.dword(kSmtpSicily).value_or(kSicilyNone)) {
      case kSicilyNone:
        out.authentication = AuthMethod::None;
        break;
      case kSicilyNtlm:
        out.authentication = AuthMethod::Ntlm;
        out.username = document.text(kSmtpUserName).value_or("");
        break;
      case kSicilySameAsIncoming:
        out.authentication = in.authentication;
        out.username = in.username;
        break;
      case kSicilyOwnLogin:
        out.authentication = AuthMethod::PasswordCleartext;
        out.username = document.text(kSmtpUserName).value_or("");
        break;
      default:
        out.authentication = AuthMethod::Any;
        out.username = document.text(kSmtpUserName).value_or("");
        break;
    }
    account.outgoing = out;
  }
  return account;
}

std::string label(const Account& account) {
  return account.name.empty() ? account.id : account.name;
}

// Maps the planned fields of one account onto the properties of its .oeaccount file. The engine
// keeps the plan within capabilities(): a value no property can hold is only reported.
class AccountWriter {
 public:
  AccountWriter(OeAccountDocument& document, PlannedEdit& edit, IncomingKeys keys)
      : document_(document), edit_(edit), keys_(std::move(keys)) {}

  void write() {
    ServerSettings outgoing = *edit_.wanted().outgoing;
    // "Same as my incoming mail server" follows the incoming user unless the plan says else.
    if (!edit_.requested(Side::Outgoing, FieldKind::Username) &&
        document_.dword(kSmtpSicily) == kSicilySameAsIncoming) {
      outgoing.username = edit_.wanted().incoming.username;
    }
    write_incoming();
    write_outgoing(outgoing);
  }

 private:
  void set_string(Side side, FieldKind kind, std::string_view key, const std::string& value) {
    edit_.check_written(edit_.rule_for(side, kind), key, document_.set_string(key, value));
  }
  void set_dword(Side side, FieldKind kind, std::string_view key, std::uint32_t value) {
    edit_.check_written(edit_.rule_for(side, kind), key, document_.set_dword(key, value));
  }

  void write_incoming() {
    const Side side = Side::Incoming;
    const ServerSettings& now = edit_.current().incoming;
    const ServerSettings& wanted = edit_.wanted().incoming;
    if (!edit_.keeps_protocol(side)) return;
    if (wanted.hostname != now.hostname) {
      set_string(side, FieldKind::Hostname, keys_.server, wanted.hostname);
    }
    if (wanted.username != now.username) {
      set_string(side, FieldKind::Username, keys_.user, wanted.username);
    }
    if (wanted.socket_type == SocketType::StartTls) {
      edit_.cannot_store(side, FieldKind::SocketType);
      return;
    }
    const bool socket_changed = wanted.socket_type != now.socket_type;
    // A port left to the default would follow the SSL switch; write it so it stays put.
    if (wanted.port != now.port || (socket_changed && !document_.dword(keys_.port))) {
      set_dword(side, FieldKind::Port, keys_.port, static_cast<std::uint32_t>(wanted.port));
    }
    if (socket_changed) {
      set_dword(side, FieldKind::SocketType, keys_.secure,
                wanted.socket_type == SocketType::Ssl ? 1u : 0u);
    }
    if (wanted.authentication == now.authentication) return;
    if (wanted.authentication == AuthMethod::PasswordCleartext ||
        wanted.authentication == AuthMethod::Ntlm) {
      set_dword(side, FieldKind::Authentication, keys_.sicily,
                wanted.authentication == AuthMethod::Ntlm ? 1u : 0u);
    } else {
      edit_.cannot_store(side, FieldKind::Authentication);
    }
  }

  void write_outgoing(const ServerSettings& wanted) {
    const Side side = Side::Outgoing;
    const ServerSettings& now = *edit_.current().outgoing;
    if (wanted.hostname != now.hostname) {
      set_string(side, FieldKind::Hostname, kSmtpServer, wanted.hostname);
    }
    // One flag means implicit SSL on 465 and STARTTLS elsewhere.
    if (wanted.socket_type != SocketType::Plain &&
        (wanted.socket_type == SocketType::Ssl) != (wanted.port == kImplicitTlsSmtpPort)) {
      edit_.cannot_store(side, FieldKind::SocketType);
      return;
    }
    if (wanted.port != now.port) {
      set_dword(side, FieldKind::Port, kSmtpPort, static_cast<std::uint32_t>(wanted.port));
    }
    if (wanted.socket_type != now.socket_type) {
      set_dword(side, FieldKind::SocketType, kSmtpSecure,
                wanted.socket_type != SocketType::Plain ? 1u : 0u);
    }
    if (wanted.socket_type == SocketType::StartTls &&
        (wanted.socket_type != now.socket_type || wanted.port != now.port)) {
      edit_.add(edit_.rule_for(side, FieldKind::SocketType), Severity::Info,
                N_("The Windows Mail account \"{account}\" now sends on port {port} with \"This "
                   "server requires a secure connection (SSL)\" on, which Windows Mail is "
                   "expected to use as STARTTLS, as Outlook Express does since update KB933612. "
                   "If sending fails, open the account's Properties and check that box for "
                   "outgoing mail on the Advanced tab."),
                {{"port", std::to_string(wanted.port)}});
    }
    write_smtp_login(now, wanted, edit_.wanted().incoming);
  }

  void write_smtp_login(const ServerSettings& now, const ServerSettings& wanted,
                        const ServerSettings& incoming) {
    const Side side = Side::Outgoing;
    // A login follows the rule that asked for it, or the one that changed the user.
    const FieldKind kind = edit_.requested(side, FieldKind::Authentication)
                               ? FieldKind::Authentication
                               : FieldKind::Username;
    const std::uint32_t sicily = document_.dword(kSmtpSicily).value_or(kSicilyNone);
    if (wanted.authentication == now.authentication && wanted.username == now.username) return;
    switch (wanted.authentication) {
      case AuthMethod::None:
        if (sicily != kSicilyNone) set_dword(side, kind, kSmtpSicily, kSicilyNone);
        return;
      case AuthMethod::Ntlm:
        if (sicily != kSicilyNtlm) set_dword(side, kind, kSmtpSicily, kSicilyNtlm);
        if (wanted.username != now.username) set_string(side, kind, kSmtpUserName, wanted.username);
        return;
      case AuthMethod::PasswordCleartext: {
        // "Log on using the same settings as my incoming mail server" unless the account
        // already has its own sending login or the user differs.
        const bool same_as_incoming = sicily != kSicilyOwnLogin &&
                                      wanted.username == incoming.username &&
                                      incoming.authentication == AuthMethod::PasswordCleartext;
        if (same_as_incoming) {
          if (sicily != kSicilySameAsIncoming) {
            set_dword(side, kind, kSmtpSicily, kSicilySameAsIncoming);
          }
          return;
        }
        if (sicily != kSicilyOwnLogin) set_dword(side, kind, kSmtpSicily, kSicilyOwnLogin);
        if (document_.text(kSmtpUserName) != wanted.username) {
          set_string(side, kind, kSmtpUserName, wanted.username);
        }
        if (!document_.text(kSmtpPassword)) {
          edit_.add(
              edit_.rule_for(side, kind), Severity::ActionRequired,
              N_("Windows Mail will ask for the sending password of {user} in the account "
                 "\"{account}\": enter it when asked, or in the account's Properties > Servers "
                 "> Outgoing Mail Server > Settings."),
              {{"user", wanted.username}});
        }
        return;
      }
      default:
        edit_.cannot_store(side, FieldKind::Authentication);
        return;
    }
  }

  OeAccountDocument& document_;
  PlannedEdit& edit_;
  IncomingKeys keys_;
};

bool has_oeaccount_extension(const boost::filesystem::path& path) {
  std::string extension = path.extension().string();
  std::transform(extension.begin(), extension.end(), extension.begin(), [](char c) {
    return c >= 'A' && c <= 'Z' ? static_cast<char>(c - 'A' + 'a') : c;
  });
  return extension == ".oeaccount";
}

}  // namespace

std::vector<Account> WindowsMailProfile::accounts() const {
  std::vector<Account> result;
  for (const auto& file : account_files_.entries()) {
    if (auto account = read_account(file.id, file.document)) result.push_back(*account);
  }
  return result;
}

ClientCapabilities windows_mail_capabilities() {
  ClientCapabilities can;
  can.client_name = client_display_name(kWindowsMail);
  can.switches_protocol_in_place = false;
  can.pop3 = can.imap = plain_or_ssl_in_one_step({AuthMethod::PasswordCleartext, AuthMethod::Ntlm});
  can.smtp.tls_kind_follows_port = true;
  can.smtp.authentication = {AuthMethod::None, AuthMethod::PasswordCleartext, AuthMethod::Ntlm};
  can.smtp.connection_is_one_step = true;  // a refused part leaves no login on plain text
  RefusalWordings& say = can.wordings;
  say.protocol_switch =
      N_("Windows Mail cannot turn the account \"{account}\" from {from} into {to}. Add a "
         "new account with the new server settings (Tools > Accounts > Add) and remove the "
         "old one when the new one works.");
  say.incoming_starttls =
      N_("Windows Mail cannot use STARTTLS for receiving, only SSL on its own port. Ask "
         "your provider for the SSL port of {host}, or set the account \"{account}\" up in "
         "another mail program; mailmig left the receiving settings unchanged.");
  say.incoming_authentication =
      N_("Windows Mail cannot log on with {auth} for receiving mail in the account "
         "\"{account}\"; it offers only a plain password or Secure Password Authentication. "
         "mailmig left the receiving settings unchanged.");
  say.outgoing_tls_for_port =
      N_("Windows Mail uses SSL for sending only on port 465 and STARTTLS on every other "
         "port, so it cannot send with {socket} on port {port} for the account "
         "\"{account}\". mailmig left the sending settings unchanged; ask your provider "
         "which port to use.");
  say.outgoing_authentication =
      N_("Windows Mail cannot log on with {auth} for sending mail in the account "
         "\"{account}\"; it offers no authentication, a password, or Secure Password "
         "Authentication. mailmig left the sending settings unchanged.");
  return can;
}

std::vector<Finding> WindowsMailProfile::findings() const {
  std::vector<Finding> result;
  for (const Account& account : accounts()) {
    if (!account.outgoing || account.outgoing->socket_type == SocketType::Plain) continue;
    result.push_back(make_finding(
        std::string(kFormatRule), Severity::Info,
        N_("The Windows Mail account \"{account}\" sends on port {port} with \"This server "
           "requires a secure connection (SSL)\" on. mailmig reads this as {socket}, the way "
           "Outlook Express uses the box since update KB933612 (SSL on port 465, STARTTLS on "
           "every other port); that Windows Mail does the same is likely but not documented."),
        {{"account", label(account)},
         {"port", std::to_string(account.outgoing->port)},
         {"socket", std::string(to_string(account.outgoing->socket_type))}}));
  }
  return result;
}

std::vector<Finding> WindowsMailProfile::apply(const EditPlan& plan) {
  std::vector<Finding> findings;
  const bool edited = account_files_.edit(plan.account_id, [&](auto& file) {
    auto current = read_account(file.id, file.document);
    const auto keys = incoming_keys(file.document);
    if (!current || !keys) return false;
    if (!current->outgoing) {
      current->outgoing =
          ServerSettings{Protocol::Smtp, "", 25, SocketType::Plain, AuthMethod::None, ""};
    }
    PlannedEdit edit(std::move(*current), plan,
                     {"account",
                      N_("mailmig cannot set {field} to \"{value}\" for the Windows Mail account "
                         "\"{account}\"."),
                      N_("mailmig could not write {key} for the Windows Mail account "
                         "\"{account}\": {error}")});
    AccountWriter(file.document, edit, *keys).write();
    findings = edit.take_findings();
    return true;
  });
  if (edited) return findings;
  return {missing_account(
      plan, kFormatRule, N_("There is no Windows Mail mail account \"{account}\" in this store."))};
}

std::string WindowsMailProfile::display_text(const ProfileFile& file,
                                             std::string_view bytes) const {
  return AccountFiles<OeAccountDocument>::display_text(file, bytes);
}

LoadResult load_windows_mail_store(const std::string& path) {
  namespace fs = boost::filesystem;
  boost::system::error_code error;
  std::vector<std::string> found;
  if (fs::is_directory(fs::path(path), error)) {
    for (fs::recursive_directory_iterator it(fs::path(path), error), end; !error && it != end;
         it.increment(error)) {
      boost::system::error_code kind_error;
      if (has_oeaccount_extension(it->path()) && fs::is_regular_file(it->path(), kind_error)) {
        found.push_back(it->path().string());
      }
    }
    if (found.empty()) return {nullptr, path + ": no .oeaccount file found"};
    std::sort(found.begin(), found.end());
  } else {
    found.push_back(path);
  }
  auto profile = std::make_unique<WindowsMailProfile>();
  profile->path_ = path;
  const std::string unread = profile->account_files_.read(
      found, [](const std::string& file) { return fs::path(file).filename().string(); },
      [](const std::string&, const std::string&) { return std::string(); });
  if (!unread.empty()) return {nullptr, unread};
  return {std::move(profile), {}};
}

}  // namespace mailmig
