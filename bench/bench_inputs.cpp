#include "bench/bench_inputs.h"

#include <algorithm>
#include <cstdint>
#include <cstdio>
#include <stdexcept>
#include <string_view>
#include <utility>
#include <vector>

#include "src/encoding/codec.h"

namespace mailmig::bench {
namespace {

// The seed organisations' hosts, so that the built-in rules find work on every account.
struct Organisation {
  const char* incoming_host;
  const char* incoming_type;  // Thunderbird's server type
  const char* smtp_host;
  const char* user;
  const char* domain;
  const char* name;  // Japanese, as people name their accounts
};

constexpr Organisation kOrganisations[] = {
    {"imap.iis.u-tokyo.ac.jp", "imap", "mail.iis.u-tokyo.ac.jp", "tanaka", "iis.u-tokyo.ac.jp",
     "東大 生産技術研究所"},
    {"popper.sc.itc.keio.ac.jp", "pop3", "popper.sc.itc.keio.ac.jp", "hanako", "sc.itc.keio.ac.jp",
     "慶應 信濃町"},
    {"pop3.club.kyutech.ac.jp", "pop3", "smtp.club.kyutech.ac.jp", "tanaka", "club.kyutech.ac.jp",
     "九工大 クラブ"},
    {"pop.tanaka.dti.ne.jp", "pop3", "smtp.tanaka.dti.ne.jp", "tanaka", "tanaka.dti.ne.jp",
     "DTI 自宅"},
    {"pop.kumail.kyoto-u.ac.jp", "pop3", "smtp.kumail.kyoto-u.ac.jp", "hanako",
     "kumail.kyoto-u.ac.jp", "京大 KUMail"},
};

const Organisation& organisation(std::size_t index) {
  return kOrganisations[index % std::size(kOrganisations)];
}

std::string user_name(std::size_t index) {
  return organisation(index).user + std::to_string(index);
}

// A small linear congruential generator: deterministic on every platform, unlike <random>'s
// distributions.
class Sequence {
 public:
  std::uint32_t next() {
    state_ = state_ * 6364136223846793005ULL + 1442695040888963407ULL;
    return static_cast<std::uint32_t>(state_ >> 33);
  }

 private:
  std::uint64_t state_ = 0x6d61696c6d6967ULL;
};

std::string convert(std::string_view utf8, const char* to) {
  Conversion converted = from_utf8(utf8, to);
  if (!converted) throw std::runtime_error("benchmark input not encodable: " + converted.error);
  return std::move(converted.text);
}

// ---- Thunderbird ------------------------------------------------------------------------------

std::string pref_string(std::string_view value) {
  std::string quoted = "\"";
  for (const char c : value) {
    if (c == '"' || c == '\\') quoted += '\\';
    quoted += c;
  }
  return quoted + '"';
}

using PrefLines = std::vector<std::pair<std::string, std::string>>;  // name, literal

void add_account_prefs(std::size_t n, PrefLines& prefs) {
  const Organisation& org = organisation(n);
  const std::string number = std::to_string(n);
  const std::string user = user_name(n);
  const bool imap = std::string_view(org.incoming_type) == "imap";
  const std::string store = imap ? "imap" : "mailbox";
  const std::string uri = store + "://" + user + "@" + org.incoming_host;
  const std::string folder = std::string(imap ? "ImapMail/" : "Mail/") + org.incoming_host;
  const std::string server = "mail.server.server" + number + ".";
  const std::string identity = "mail.identity.id" + number + ".";
  const std::string smtp = "mail.smtpserver.smtp" + number + ".";
  const std::string address = pref_string(user + "@" + org.domain);

  prefs.emplace_back("mail.account.account" + number + ".identities", pref_string("id" + number));
  prefs.emplace_back("mail.account.account" + number + ".server", pref_string("server" + number));
  prefs.emplace_back(identity + "draft_folder", pref_string(uri + "/Drafts"));
  prefs.emplace_back(identity + "fcc_folder", pref_string(uri + "/Sent"));
  prefs.emplace_back(identity + "fullName", pref_string("田中 太郎"));
  prefs.emplace_back(identity + "smtpServer", pref_string("smtp" + number));
  prefs.emplace_back(identity + "useremail", address);
  prefs.emplace_back(identity + "valid", "true");
  prefs.emplace_back(server + "check_new_mail", "true");
  prefs.emplace_back(server + "directory",
                     pref_string("/home/tanaka/.thunderbird/k3m9x2ab.default-release/" + folder));
  prefs.emplace_back(server + "directory-rel", pref_string("[ProfD]" + folder));
  prefs.emplace_back(server + "hostname", pref_string(org.incoming_host));
  prefs.emplace_back(server + "login_at_startup", "true");
  prefs.emplace_back(server + "name", pref_string(std::string(org.name) + " (" + user + ")"));
  prefs.emplace_back(server + "port", imap ? "143" : "110");
  prefs.emplace_back(server + "spamActionTargetAccount", pref_string(uri));
  prefs.emplace_back(server + "type", pref_string(org.incoming_type));
  prefs.emplace_back(server + "userName", pref_string(user));
  prefs.emplace_back(smtp + "authMethod", "3");
  prefs.emplace_back(smtp + "description", pref_string(org.name));
  prefs.emplace_back(smtp + "hostname", pref_string(org.smtp_host));
  prefs.emplace_back(smtp + "port", "25");
  prefs.emplace_back(smtp + "try_ssl", "0");
  prefs.emplace_back(smtp + "username", pref_string(user));
}

// Prefs that are not about accounts, in the families a long-used profile collects.
void add_other_prefs(std::size_t count, PrefLines& prefs) {
  constexpr const char* kFamilies[] = {"browser.",  "extensions.",    "mail.folder.",
                                       "mailnews.", "services.sync.", "toolkit.telemetry.",
                                       "privacy.",  "network."};
  Sequence random;
  for (std::size_t k = 0; k < count; ++k) {
    char name[96];
    std::snprintf(name, sizeof name, "%sb%04zu.p%03zu", kFamilies[k % 8], k / 200, k % 200);
    std::string literal;
    switch (random.next() % 4) {
      case 0:
        literal = std::to_string(random.next() % 2000000000);
        break;
      case 1:
        literal = random.next() % 2 ? "true" : "false";
        break;
      case 2:
        literal = pref_string("受信トレイ/アーカイブ " + std::to_string(random.next() % 100000));
        break;
      default:
        literal = pref_string("https://a.invalid/\"" + std::to_string(random.next() % 10000));
        break;
    }
    prefs.emplace_back(name, std::move(literal));
  }
}

// ---- Registry ---------------------------------------------------------------------------------

std::string utf16z(std::string_view utf8) {
  return convert(utf8, "UTF-16LE") + std::string(2, '\0');
}

// `"name"=hex:..` wrapped the way regedit exports it: a line is continued with ",\" once it
// passes 76 characters, and continuation lines start with two spaces.
std::string hex_line(std::string_view name, std::string_view type_prefix, std::string_view data) {
  std::string line = "\"" + std::string(name) + "\"=" + std::string(type_prefix);
  std::size_t column = line.size();
  for (std::size_t i = 0; i < data.size(); ++i) {
    char byte[4];
    std::snprintf(byte, sizeof byte, "%02x", static_cast<unsigned char>(data[i]));
    line += byte;
    column += 2;
    if (i + 1 == data.size()) break;
    line += ',';
    ++column;
    if (column > 76) {
      line += "\\\r\n  ";
      column = 2;
    }
  }
  return line + "\r\n";
}

std::string dword_line(std::string_view name, std::uint32_t value) {
  char text[16];
  std::snprintf(text, sizeof text, "%08x", value);
  return "\"" + std::string(name) + "\"=dword:" + text + "\r\n";
}

std::string sz_line(std::string_view name, std::string_view value) {
  return "\"" + std::string(name) + "\"=\"" + std::string(value) + "\"\r\n";
}

std::string opaque_bytes(Sequence& random, std::size_t size) {
  std::string bytes;
  for (std::size_t i = 0; i < size; ++i) bytes += static_cast<char>(random.next() & 0xFF);
  return bytes;
}

// ---- accountrc --------------------------------------------------------------------------------

// The accountrc keys of Sylpheed 3.8 in the order it writes them, with the values of a new
// account; receive_server and the other account-specific keys are filled in per account.
constexpr std::pair<std::string_view, std::string_view> kSylpheedKeys[] = {
    {"account_name", ""},
    {"is_default", "0"},
    {"name", "田中 太郎"},
    {"address", ""},
    {"organization", ""},
    {"protocol", "0"},
    {"receive_server", ""},
    {"smtp_server", ""},
    {"nntp_server", ""},
    {"use_nntp_auth", "0"},
    {"user_id", ""},
    {"password", "pop-Pass2"},
    {"inbox", "inbox"},
    {"use_apop_auth", "0"},
    {"pop_auth_method", "0"},
    {"remove_mail", "0"},
    {"message_leave_time", "7"},
    {"get_all_mail", "0"},
    {"enable_size_limit", "0"},
    {"size_limit", "1024"},
    {"filter_on_receive", "1"},
    {"imap_check_inbox_only", "0"},
    {"imap_filter_inbox_on_receive", "0"},
    {"imap_auth_method", "0"},
    {"max_nntp_articles", "300"},
    {"receive_at_get_all", "1"},
    {"add_date", "1"},
    {"generate_msgid", "1"},
    {"add_custom_header", "0"},
    {"use_smtp_auth", "0"},
    {"smtp_auth_method", "0"},
    {"smtp_user_id", ""},
    {"smtp_password", ""},
    {"pop_before_smtp", "1"},
    {"signature_type", "2"},
    {"signature_path", "/home/tanaka/.signature"},
    {"signature_name", ""},
    {"signature_text", ""},
    {"signature_before_quote", "0"},
    {"set_autocc", "0"},
    {"auto_cc", ""},
    {"set_autobcc", "0"},
    {"auto_bcc", ""},
    {"set_autoreplyto", "0"},
    {"auto_replyto", ""},
    {"default_sign", "0"},
    {"default_encrypt", "0"},
    {"encrypt_reply", "1"},
    {"encrypt_to_self", "1"},
    {"ascii_armored", "0"},
    {"clearsign", "0"},
    {"sign_key", "0"},
    {"sign_key_id", ""},
    {"ssl_pop", "0"},
    {"ssl_imap", "0"},
    {"ssl_nntp", "0"},
    {"ssl_smtp", "0"},
    {"use_nonblocking_ssl", "1"},
    {"use_socks", "0"},
    {"use_socks_for_recv", "1"},
    {"use_socks_for_send", "1"},
    {"socks_type", "1"},
    {"proxy_host", ""},
    {"proxy_port", "1080"},
    {"use_proxy_auth", "0"},
    {"proxy_name", ""},
    {"proxy_pass", ""},
    {"set_smtpport", "0"},
    {"smtp_port", "25"},
    {"set_popport", "0"},
    {"pop_port", "110"},
    {"set_imapport", "0"},
    {"imap_port", "143"},
    {"set_nntpport", "0"},
    {"nntp_port", "119"},
    {"set_domain", "0"},
    {"domain", ""},
    {"imap_directory", ""},
    {"imap_clear_cache_on_exit", "0"},
    {"set_sent_folder", "0"},
    {"sent_folder", ""},
    {"set_draft_folder", "0"},
    {"draft_folder", ""},
    {"set_queue_folder", "0"},
    {"queue_folder", ""},
    {"set_trash_folder", "0"},
    {"trash_folder", ""},
};

}  // namespace

std::string thunderbird_prefs(std::size_t servers, std::size_t other_prefs) {
  PrefLines prefs;
  std::string accounts;
  std::string smtp_servers;
  for (std::size_t n = 1; n <= servers; ++n) {
    add_account_prefs(n, prefs);
    accounts += (n == 1 ? "" : ",") + ("account" + std::to_string(n));
    smtp_servers += (n == 1 ? "" : ",") + ("smtp" + std::to_string(n));
  }
  prefs.emplace_back("mail.account.lastKey", std::to_string(servers));
  prefs.emplace_back("mail.accountmanager.accounts", pref_string(accounts));
  prefs.emplace_back("mail.accountmanager.defaultaccount", pref_string("account1"));
  prefs.emplace_back("mail.smtp.defaultserver", pref_string("smtp1"));
  prefs.emplace_back("mail.smtpservers", pref_string(smtp_servers));
  add_other_prefs(other_prefs, prefs);
  std::sort(prefs.begin(), prefs.end());

  std::string text =
      "// Mozilla User Preferences\n\n"
      "// DO NOT EDIT THIS FILE.\n//\n"
      "// If you make changes to this file while the application is running,\n"
      "// the changes will be overwritten when the application exits.\n//\n"
      "// To change a preference value, you can either:\n"
      "// - modify it via the UI (e.g. via about:config in the browser); or\n"
      "// - set it within a user.js file in your profile.\n\n";
  for (const auto& [name, literal] : prefs) {
    text += "user_pref(" + pref_string(name) + ", " + literal + ");\n";
  }
  return text;
}

std::string outlook_reg_utf16(std::size_t accounts) {
  const std::string root =
      "[HKEY_CURRENT_USER\\Software\\Microsoft\\Office\\16.0\\Outlook\\Profiles\\Outlook\\"
      "9375CFF0413111d3B88A00104B2A6676";
  Sequence random;
  std::string text = "\xEF\xBB\xBFWindows Registry Editor Version 5.00\r\n\r\n" + root + "]\r\n";
  text += hex_line("{ED475418-B0D6-11D2-8C3B-00104B2A6676}", "hex:", opaque_bytes(random, 8));
  text += hex_line("LastChangeVer", "hex:", opaque_bytes(random, 8));
  for (std::size_t n = 1; n <= accounts; ++n) {
    const Organisation& org = organisation(n);
    char key[16];
    std::snprintf(key, sizeof key, "%08zx", n);
    text += "\r\n" + root + "\\" + key + "]\r\n";
    text += sz_line("clsid", "{ED475411-B0D6-11D2-8C3B-00104B2A6676}");
    text += hex_line("Account Name", "hex:", utf16z(std::string(org.name) + " POP"));
    text += hex_line("Display Name", "hex:", utf16z("田中 太郎"));
    text += hex_line("Email", "hex:", utf16z(user_name(n) + "@" + org.domain));
    text += hex_line("POP3 Server", "hex:", utf16z(org.incoming_host));
    text += hex_line("POP3 User", "hex:", utf16z(user_name(n)));
    text += dword_line("POP3 Use Sicily", 1);
    text += hex_line("POP3 Password", "hex:", opaque_bytes(random, 150));
    text += hex_line("SMTP Server", "hex:", utf16z(org.smtp_host));
    text += dword_line("SMTP Port", 25);
    text += dword_line("SMTP Secure Connection", 0);
    text += dword_line("SMTP Use Auth", 1);
    text += dword_line("SMTP Auth Method", 0);
    text += dword_line("Leave on Server", 0x000e0003);
  }
  return convert(text, "UTF-16LE");
}

namespace {

constexpr std::string_view kInternetAccountManager =
    "[HKEY_CURRENT_USER\\Identities\\{8A3D4E5F-1B2C-4D6E-9F01-23456789ABCD}\\Software\\"
    "Microsoft\\Internet Account Manager";

// The Internet Account Manager key and its Accounts key, as Outlook Express keeps them.
std::string internet_account_manager_keys(std::size_t accounts) {
  const std::string manager(kInternetAccountManager);
  return manager + "]\r\n" + sz_line("Default Mail Account", "00000001") +
         dword_line("Server ID", static_cast<std::uint32_t>(accounts + 1)) + "\r\n" + manager +
         "\\Accounts]\r\n" + dword_line("Last ID", static_cast<std::uint32_t>(accounts));
}

// Outlook Express account `n`: its key and 15 values, after a blank line.
std::string outlook_express_account(std::size_t n, Sequence& random) {
  const Organisation& org = organisation(n);
  char key[16];
  std::snprintf(key, sizeof key, "%08zu", n);
  std::string text = "\r\n" + std::string(kInternetAccountManager) + "\\Accounts\\" + key + "]\r\n";
  text += sz_line("Account Name", std::string(org.name) + "（" + std::to_string(n) + "）");
  text += dword_line("Connection Type", 3);
  text += sz_line("POP3 Server", org.incoming_host);
  text += sz_line("POP3 User Name", user_name(n));
  text += hex_line("POP3 Password2", "hex:", opaque_bytes(random, 40));
  text += dword_line("POP3 Prompt for Password", 0);
  text += sz_line("SMTP Server", org.smtp_host);
  text += sz_line("SMTP Display Name", "田中 表示");
  text += sz_line("SMTP Email Address", user_name(n) + "@" + org.domain);
  text += dword_line("SMTP Use Sicily", 0);
  text += dword_line("SMTP Port", 25);
  text += dword_line("POP3 Port", 110);
  text += dword_line("POP3 Secure Connection", 0);
  text += dword_line("SMTP Secure Connection", 0);
  text += dword_line("Leave Mail On Server", 1);
  return text;
}

}  // namespace

std::string outlook_express_reg_regedit4(std::size_t accounts) {
  Sequence random;
  std::string text = "REGEDIT4\r\n\r\n" + internet_account_manager_keys(accounts);
  for (std::size_t n = 1; n <= accounts; ++n) text += outlook_express_account(n, random);
  return convert(text, "CP932");
}

std::string hkcu_export_regedit4(std::size_t keys, std::size_t accounts) {
  Sequence random;
  std::string text = "REGEDIT4\r\n\r\n[HKEY_CURRENT_USER\\Identities]\r\n" +
                     sz_line("Default User ID", "{8A3D4E5F-1B2C-4D6E-9F01-23456789ABCD}") + "\r\n" +
                     internet_account_manager_keys(accounts);
  for (std::size_t n = 1; n <= accounts; ++n) text += outlook_express_account(n, random);
  // The rest of the keys, two for each COM class as regedit exports Software\Classes\CLSID:
  // the class with its name, and its InprocServer32 with the DLL and threading model.
  text +=
      "\r\n[HKEY_CURRENT_USER\\Software]\r\n\r\n[HKEY_CURRENT_USER\\Software\\Classes]"
      "\r\n\r\n[HKEY_CURRENT_USER\\Software\\Classes\\CLSID]\r\n";
  const std::size_t written = 6 + accounts;  // the keys above
  for (std::size_t n = 0; written + 2 * n < keys; ++n) {
    char clsid[40];
    std::snprintf(clsid, sizeof clsid, "{%08X-%04X-%04X-%04X-%08X%04X}", random.next(),
                  random.next() & 0xFFFF, random.next() & 0xFFFF, random.next() & 0xFFFF,
                  random.next(), random.next() & 0xFFFF);
    const std::string key = "[HKEY_CURRENT_USER\\Software\\Classes\\CLSID\\" + std::string(clsid);
    text += "\r\n" + key + "]\r\n@=\"部品 " + std::to_string(n) + " Class\"\r\n";
    text += "\r\n" + key + "\\InprocServer32]\r\n@=\"C:\\\\Program Files\\\\Vendor\\\\component" +
            std::to_string(n) + ".dll\"\r\n" + sz_line("ThreadingModel", "Apartment");
  }
  return convert(text, "CP932");
}

std::string becky_mailbox_ini(std::size_t extra_sections) {
  std::string text =
      "[Account]\r\nName=生産技術研究所\r\nYourName=田中 表子\r\n"
      "MailAddress=tanaka@iis.u-tokyo.ac.jp\r\nPermBcc=\r\nProtocol=0\r\n"
      "MailServer=pop.iis.u-tokyo.ac.jp\r\nUserID=tanaka\r\nPOP3Port=110\r\nSSLPOP=0\r\n"
      "POP3Auth=0\r\nLeaveServer=1\r\nKeepDays=14\r\nCheckInt=1\r\nCheckEvery=10\r\n"
      "SMTPServer=mail.iis.u-tokyo.ac.jp\r\nSMTPPort=25\r\nSSLSMTP=0\r\nSMTPAUTH=1\r\n"
      "SMTPAUTHMODE=2\r\nPassWd=pop-Pass2\r\n";
  for (std::size_t n = 0; n < extra_sections; ++n) {
    text += "\r\n[Template" + std::to_string(n) + "]\r\n";
    for (int k = 0; k < 12; ++k) {
      text +=
          "Key" + std::to_string(k) + "=表示 ソフト 予定 " + std::to_string(n * 12 + k) + "\r\n";
    }
  }
  return convert(text, "CP932");
}

std::string sylpheed_accountrc(std::size_t accounts) {
  std::string text;
  for (std::size_t n = 1; n <= accounts; ++n) {
    const Organisation& org = organisation(n);
    if (n > 1) text += '\n';
    text += "[Account: " + std::to_string(n) + "]\n";
    for (const auto& [key, value] : kSylpheedKeys) {
      std::string line = std::string(key) + "=";
      if (key == "account_name") {
        line += std::string(org.name) + " " + std::to_string(n);
      } else if (key == "is_default") {
        line += n == 1 ? "1" : "0";
      } else if (key == "address") {
        line += user_name(n) + "@" + org.domain;
      } else if (key == "receive_server") {
        line += org.incoming_host;
      } else if (key == "smtp_server") {
        line += org.smtp_host;
      } else if (key == "user_id") {
        line += user_name(n);
      } else {
        line += value;
      }
      text += line + "\n";
    }
  }
  return text;
}

std::string windows_mail_oeaccount(std::size_t extra_properties) {
  std::string text =
      "\xEF\xBB\xBF<?xml version=\"1.0\" encoding=\"utf-16\" ?>\r\n<MessageAccount>\r\n"
      "\t<Account_Name type=\"SZ\">慶應 信濃町</Account_Name>\r\n"
      "\t<Connection_Type type=\"DWORD\">00000003</Connection_Type>\r\n"
      "\t<POP3_Server type=\"SZ\">popper.sc.itc.keio.ac.jp</POP3_Server>\r\n"
      "\t<POP3_User_Name type=\"SZ\">hanako</POP3_User_Name>\r\n"
      "\t<POP3_Password2 type=\"BINARY\">01000000d08c9ddf0115d1118c7a00c04fc297eb0100000070"
      "</POP3_Password2>\r\n"
      "\t<POP3_Prompt_for_Password type=\"DWORD\">00000000</POP3_Prompt_for_Password>\r\n"
      "\t<Leave_Mail_On_Server type=\"DWORD\">00000001</Leave_Mail_On_Server>\r\n"
      "\t<SMTP_Server type=\"SZ\">popper.sc.itc.keio.ac.jp</SMTP_Server>\r\n"
      "\t<SMTP_Port type=\"DWORD\">00000019</SMTP_Port>\r\n"
      "\t<SMTP_Display_Name type=\"SZ\">慶應 花子</SMTP_Display_Name>\r\n"
      "\t<SMTP_Email_Address type=\"SZ\">hanako@sc.itc.keio.ac.jp</SMTP_Email_Address>\r\n";
  for (std::size_t n = 0; n < extra_properties; ++n) {
    const std::string name = "Extra_Property_" + std::to_string(n);
    text +=
        "\t<" + name + " type=\"SZ\">予定 &amp; 表示 " + std::to_string(n) + "</" + name + ">\r\n";
  }
  text += "</MessageAccount>\r\n";
  return convert(text, "UTF-16LE");
}

}  // namespace mailmig::bench
