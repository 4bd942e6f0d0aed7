#include "parsers/clients/becky/becky_profile.h"

#include <boost/filesystem.hpp>
#include <charconv>
#include <optional>

#include "parsers/clients/becky/becky_data_folder.h"
#include "parsers/clients/capability_presets.h"
#include "parsers/clients/planned_edit.h"
#include "src/i18n/i18n.h"
#include "src/io/read_file.h"

namespace mailmig {
namespace {

// Key names in Mailbox.ini's [Account] section, as Thunderbird's Becky! importer reads them
// (shared/formats/outlook-becky-sylpheed.md §1.3). Keys marked [open] there -- the STARTTLS
// choice, the POP-before-SMTP flag, the separate SMTP-AUTH user and password, the meaning of
// SMTPAUTHMODE's bits, the password -- are never written: capabilities() leaves them to a step
// by hand.
constexpr std::string_view kSection = "Account";
constexpr std::string_view kName = "Name";
constexpr std::string_view kMailAddress = "MailAddress";
constexpr std::string_view kProtocol = "Protocol";
constexpr std::string_view kMailServer = "MailServer";
constexpr std::string_view kUserId = "UserID";
constexpr std::string_view kPop3Port = "POP3Port";
constexpr std::string_view kImap4Port = "IMAP4Port";
constexpr std::string_view kSslPop = "SSLPOP";
constexpr std::string_view kSslImap = "SSLIMAP";
constexpr std::string_view kPop3Auth = "POP3Auth";
constexpr std::string_view kSmtpServer = "SMTPServer";
constexpr std::string_view kSmtpPort = "SMTPPort";
constexpr std::string_view kSslSmtp = "SSLSMTP";
constexpr std::string_view kSmtpAuth = "SMTPAUTH";
constexpr std::string_view kSmtpAuthMode = "SMTPAUTHMODE";

constexpr std::string_view kFormatRule = "becky-format";

std::optional<int> parse_port(const std::optional<std::string>& text) {
  if (!text) return std::nullopt;
  int port = 0;
  const char* end = text->data() + text->size();
  auto [stop, error] = std::from_chars(text->data(), end, port);
  if (error != std::errc() || stop != end || port < 1 || port > 65535) return std::nullopt;
  return port;
}

struct Keys {
  std::string_view port;
  std::string_view ssl;
};

Keys incoming_keys(Protocol protocol) {
  return protocol == Protocol::Imap ? Keys{kImap4Port, kSslImap} : Keys{kPop3Port, kSslPop};
}

std::string mailbox_label(const Account& account) {
  return account.name.empty() ? account.id : account.name;
}

Account read_account(const std::string& id, const BeckyIniDocument& document) {
  auto get = [&](std::string_view key) { return document.value(kSection, key); };
  Account account;
  account.id = id;
  account.name = get(kName).value_or("");
  account.address = get(kMailAddress).value_or("");
  const std::string user = get(kUserId).value_or("");

  ServerSettings& in = account.incoming;
  // Becky! treats every Protocol value but 1 (IMAP4) as POP3.
  in.protocol = get(kProtocol) == "1" ? Protocol::Imap : Protocol::Pop3;
  const Keys keys = incoming_keys(in.protocol);
  in.hostname = get(kMailServer).value_or("");
  in.socket_type = get(keys.ssl) == "1" ? SocketType::Ssl : SocketType::Plain;
  // With SSL on and no port key, 995/993 is an assumption ([open]); findings() says so.
  in.port = parse_port(get(keys.port)).value_or(default_port(in.protocol, in.socket_type));
  in.authentication = AuthMethod::PasswordCleartext;
  if (in.protocol == Protocol::Pop3) {
    const auto pop3_auth = get(kPop3Auth);
    if (pop3_auth == "1") in.authentication = AuthMethod::Apop;
    if (pop3_auth == "2") in.authentication = AuthMethod::PasswordEncrypted;
    if (pop3_auth == "3") in.authentication = AuthMethod::Ntlm;
  }
  in.username = user;

  if (auto smtp_server = get(kSmtpServer)) {
    ServerSettings out;
    out.protocol = Protocol::Smtp;
    out.hostname = *smtp_server;
    out.socket_type = get(kSslSmtp) == "1" ? SocketType::Ssl : SocketType::Plain;
    // As for POP3/IMAP: 465 with SSL and no SMTPPort is an assumption ([open]).
    out.port = parse_port(get(kSmtpPort)).value_or(default_port(out.protocol, out.socket_type));
    // SMTPAUTH absent or 0 reads as "none"; Becky!'s POP-before-SMTP flag is [open], so this
    // view cannot tell "none" from POP-before-SMTP.
    out.authentication = AuthMethod::None;
    if (get(kSmtpAuth) == "1") {
      const auto mode = get(kSmtpAuthMode);
      out.authentication = AuthMethod::Any;
      if (mode == "1") out.authentication = AuthMethod::PasswordEncrypted;
      if (mode == "2" || mode == "4" || mode == "6") {
        out.authentication = AuthMethod::PasswordCleartext;
      }
    }
    out.username = user;  // Becky! logs in to SMTP with UserID
    account.outgoing = out;
  }
  return account;
}

// Maps the planned fields of one mailbox onto the keys of its Mailbox.ini. The engine keeps the
// plan within capabilities(): a value no key can hold is only reported.
class MailboxWriter {
 public:
  MailboxWriter(BeckyIniDocument& document, PlannedEdit& edit) : document_(document), edit_(edit) {}

  void write() {
    write_incoming();
    write_outgoing();
  }

 private:
  void set(Side side, FieldKind kind, std::string_view key, const std::string& value) {
    edit_.check_written(edit_.rule_for(side, kind), key, document_.set_value(kSection, key, value));
  }

  // Port and SSL; false when the plan asks for STARTTLS, which Becky! stores in an [open] key.
  bool write_port_and_socket(Side side, const Keys& keys) {
    const ServerSettings& now = edit_.current_server(side);
    const ServerSettings& wanted = edit_.wanted_server(side);
    if (wanted.socket_type == SocketType::StartTls) {
      edit_.cannot_store(side, FieldKind::SocketType);
      return false;
    }
    const bool socket_changed = wanted.socket_type != now.socket_type;
    // A port left to Becky!'s default would follow the SSL switch; write it so it stays put.
    if (wanted.port != now.port || (socket_changed && !document_.value(kSection, keys.port))) {
      set(side, FieldKind::Port, keys.port, std::to_string(wanted.port));
    }
    if (socket_changed) {
      set(side, FieldKind::SocketType, keys.ssl, wanted.socket_type == SocketType::Ssl ? "1" : "0");
    }
    return true;
  }

  void write_incoming() {
    const Side side = Side::Incoming;
    const ServerSettings& now = edit_.current().incoming;
    const ServerSettings& wanted = edit_.wanted().incoming;
    if (!edit_.keeps_protocol(side)) return;
    if (wanted.hostname != now.hostname)
      set(side, FieldKind::Hostname, kMailServer, wanted.hostname);
    if (wanted.username != now.username) set(side, FieldKind::Username, kUserId, wanted.username);
    if (!write_port_and_socket(side, incoming_keys(now.protocol))) return;
    if (wanted.authentication == now.authentication) return;
    if (now.protocol == Protocol::Pop3 && wanted.authentication == AuthMethod::PasswordCleartext) {
      set(side, FieldKind::Authentication, kPop3Auth, "0");
    } else {
      edit_.cannot_store(side, FieldKind::Authentication);
    }
  }

  void write_outgoing() {
    const Side side = Side::Outgoing;
    const ServerSettings& now = *edit_.current().outgoing;
    const ServerSettings& wanted = *edit_.wanted().outgoing;
    if (wanted.hostname != now.hostname)
      set(side, FieldKind::Hostname, kSmtpServer, wanted.hostname);
    // Becky! sends with UserID; a separate SMTP-AUTH user is stored in a key that is [open].
    if (wanted.username != now.username && wanted.username != edit_.wanted().incoming.username) {
      edit_.cannot_store(side, FieldKind::Username);
    }
    if (!write_port_and_socket(side, Keys{kSmtpPort, kSslSmtp})) return;
    if (wanted.authentication != now.authentication) write_smtp_auth(now, wanted);
  }

  void write_smtp_auth(const ServerSettings& now, const ServerSettings& wanted) {
    const Side side = Side::Outgoing;
    const std::string rule = edit_.rule_for(side, FieldKind::Authentication);
    const auto mode = document_.value(kSection, kSmtpAuthMode);
    switch (wanted.authentication) {
      case AuthMethod::None:
        set(side, FieldKind::Authentication, kSmtpAuth, "0");
        return;
      case AuthMethod::PasswordCleartext:
      case AuthMethod::PasswordEncrypted:
      case AuthMethod::Any: {
        set(side, FieldKind::Authentication, kSmtpAuth, "1");
        if (now.authentication == AuthMethod::None) {
          edit_.add(rule, Severity::Info,
                    N_("The Becky! mailbox \"{mailbox}\" now logs in to send mail. If POP before "
                       "SMTP is still on in Tools > Mailbox Setup, it is no longer needed; mailmig "
                       "cannot see that setting."),
                    {});
        }
        // SMTPAUTHMODE's bits are [open]: only a value already meaning the wanted method is
        // kept; anything else is the user's choice in the dialog.
        const bool mode_fits =
            wanted.authentication == AuthMethod::Any ||
            (wanted.authentication == AuthMethod::PasswordEncrypted && mode == "1") ||
            (wanted.authentication == AuthMethod::PasswordCleartext &&
             (mode == "2" || mode == "4" || mode == "6"));
        if (!mode_fits) {
          edit_.add(rule, Severity::ActionRequired,
                    N_("In Becky!, open Tools > Mailbox Setup for \"{mailbox}\", click SMTP "
                       "Authentication on the Basic tab and choose {methods}; mailmig turned SMTP "
                       "authentication on but cannot choose the method for Becky!."),
                    {{"methods", wanted.authentication == AuthMethod::PasswordEncrypted
                                     ? "CRAM-MD5"
                                     : "LOGIN or PLAIN"}});
        }
        return;
      }
      default:
        edit_.cannot_store(side, FieldKind::Authentication);
        return;
    }
  }

  BeckyIniDocument& document_;
  PlannedEdit& edit_;
};

}  // namespace

std::vector<Account> BeckyProfile::accounts() const {
  std::vector<Account> result;
  for (const auto& mailbox : mailboxes_.entries()) {
    if (mailbox.document.has_section(kSection)) {
      result.push_back(read_account(mailbox.id, mailbox.document));
    }
  }
  return result;
}

ClientCapabilities becky_capabilities() {
  ClientCapabilities can;
  can.client_name = client_display_name(kBecky);
  can.switches_protocol_in_place = false;
  // STARTTLS is stored in a key nobody has documented ([open]); port 587 alone would send
  // without TLS, where a login would expose the password. POP3Auth=0 is the one login whose
  // key is known for receiving; SMTPAUTH=1 turns a login on for sending, whose method
  // SMTPAUTHMODE's [open] bits choose (apply() says so).
  can.pop3 = can.imap = plain_or_ssl_in_one_step({AuthMethod::PasswordCleartext});
  can.smtp = plain_or_ssl_in_one_step({AuthMethod::None, AuthMethod::PasswordCleartext,
                                       AuthMethod::PasswordEncrypted, AuthMethod::Any});
  can.stores_outgoing_username = false;  // Becky! sends with UserID; an SMTP-AUTH user is [open]
  RefusalWordings& say = can.wordings;
  say.protocol_switch =
      N_("Becky! cannot switch the mailbox \"{mailbox}\" from {from} to {to} in place. In "
         "Becky!, create a new mailbox with File > Mailbox > New and enter the new server "
         "settings there.");
  say.incoming_starttls =
      N_("In Becky!, open Tools > Mailbox Setup for \"{mailbox}\". On the Advanced tab set "
         "the {protocol} port to {port} and choose STARTTLS for receiving under SSL/TLS; on "
         "the Basic tab set the authentication to {auth}. mailmig left the receiving "
         "settings unchanged because it cannot set STARTTLS in Becky!.");
  say.incoming_authentication =
      N_("In Becky!, open Tools > Mailbox Setup for \"{mailbox}\": on the Basic tab choose "
         "{auth} as the authentication for receiving, and on the Advanced tab set the {protocol} "
         "port to {port} and SSL/TLS to {socket}. mailmig left the receiving settings unchanged "
         "because it cannot write that authentication for Becky!.");
  say.outgoing_starttls =
      N_("In Becky!, open Tools > Mailbox Setup for \"{mailbox}\". On the Advanced tab set the "
         "SMTP port to {port} and choose STARTTLS for sending under SSL/TLS; on the Basic tab "
         "set SMTP Authentication to {auth}. mailmig left the sending settings unchanged "
         "because it cannot set STARTTLS in Becky!.");
  say.outgoing_authentication =
      N_("In Becky!, open Tools > Mailbox Setup for \"{mailbox}\": on the Basic tab choose "
         "{auth} for sending (SMTP Authentication, or POP before SMTP), and on the Advanced tab "
         "set the SMTP port to {port} and SSL/TLS to {socket}. mailmig left the sending "
         "settings unchanged because it cannot write that authentication for Becky!.");
  say.outgoing_username =
      N_("In Becky!, open Tools > Mailbox Setup for \"{mailbox}\", click SMTP Authentication "
         "on the Basic tab and enter {user} as the user name for sending, with its password; "
         "mailmig cannot write a separate sending user for Becky!.");
  say.invalid_value =
      N_("mailmig cannot set {field} to \"{value}\" for the Becky! mailbox \"{account}\".");
  say.invalid_value_severity = Severity::Warning;
  say.other = say.invalid_value;
  return can;
}

std::vector<Finding> BeckyProfile::findings() const {
  std::vector<Finding> result;
  for (const auto& mailbox : mailboxes_.entries()) {
    if (!mailbox.document.has_section(kSection)) continue;
    const Account account = read_account(mailbox.id, mailbox.document);
    auto check = [&](const ServerSettings& server, std::string_view port_key, const char* label) {
      if (server.socket_type == SocketType::Ssl && !mailbox.document.value(kSection, port_key)) {
        result.push_back(make_finding(
            std::string(kFormatRule), Severity::Warning,
            N_("The Becky! mailbox \"{mailbox}\" uses {protocol} over SSL without a port set. "
               "mailmig assumes port {port}, but which port Becky! then uses is not documented: "
               "check it on the Advanced tab of Tools > Mailbox Setup."),
            {{"mailbox", mailbox_label(account)},
             {"protocol", label},
             {"port", std::to_string(server.port)}}));
      }
    };
    check(account.incoming, incoming_keys(account.incoming.protocol).port,
          account.incoming.protocol == Protocol::Imap ? "IMAP4" : "POP3");
    if (account.outgoing) check(*account.outgoing, kSmtpPort, "SMTP");
  }
  return result;
}

std::vector<Finding> BeckyProfile::apply(const EditPlan& plan) {
  std::vector<Finding> findings;
  const bool edited = mailboxes_.edit(plan.account_id, [&](auto& mailbox) {
    if (!mailbox.document.has_section(kSection)) return false;
    Account current = read_account(mailbox.id, mailbox.document);
    if (!current.outgoing) {
      current.outgoing = ServerSettings{
          Protocol::Smtp, "", 25, SocketType::Plain, AuthMethod::None, current.incoming.username};
    }
    PlannedEdit edit(std::move(current), plan,
                     {"mailbox",
                      N_("mailmig cannot set {field} to \"{value}\" for the Becky! mailbox "
                         "\"{mailbox}\"."),
                      N_("mailmig could not write {key} for the Becky! mailbox \"{mailbox}\": "
                         "{error}")});
    MailboxWriter(mailbox.document, edit).write();
    findings = edit.take_findings();
    return true;
  });
  if (edited) return findings;
  return {missing_account(plan, kFormatRule,
                          N_("There is no Becky! mailbox \"{account}\" in this profile."))};
}

std::string BeckyProfile::display_text(const ProfileFile& file, std::string_view bytes) const {
  return AccountFiles<BeckyIniDocument>::display_text(file, bytes);
}

LoadResult load_becky_profile(const std::string& path) {
  namespace fs = boost::filesystem;
  boost::system::error_code error;
  std::vector<std::string> inis;
  if (fs::is_directory(fs::path(path), error)) {
    inis = find_becky_mailboxes(path);
    if (inis.empty()) return {nullptr, path + ": no Becky! mailbox (<folder>/Mailbox.ini) found"};
  } else {
    inis.push_back(path);
  }
  auto profile = std::make_unique<BeckyProfile>();
  profile->path_ = path;
  const std::string unread = profile->mailboxes_.read(
      inis,
      [](const std::string& ini) {
        return fs::absolute(fs::path(ini)).parent_path().filename().string();
      },
      [](const std::string& ini, const std::string& bytes) {
        return bytes.empty()
                   ? ini + ": empty file, expected a Becky! Mailbox.ini with an [Account] section"
                   : std::string();
      });
  if (!unread.empty()) return {nullptr, unread};
  return {std::move(profile), {}};
}

}  // namespace mailmig
