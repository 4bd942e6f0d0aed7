#include "parsers/clients/outlook/outlook_profile.h"

#include <gtest/gtest.h>

#include <cstdio>
#include <string>

#include "parsers/clients/outlook/outlook_client.h"
#include "src/encoding/codec.h"
#include "src/io/read_file.h"

namespace mailmig {
namespace {

std::string fixture(const std::string& name) {
  return std::string(MAILMIG_SOURCE_DIR) + "/fixtures/registry/" + name;
}

std::string peer(const std::string& name) {
  return std::string(MAILMIG_SHARED_DIR) + "/peer-samples/real-clients/wine-regedit-8.0/" + name;
}

std::string utf16_file(std::string_view utf8) {
  return "\xFF\xFE" + from_utf8(utf8, "UTF-16LE").text;
}

// The text of a fixture as the document holds it (UTF-8 for UTF-16 files).
std::string text_of(const std::string& path) {
  RegFile file;
  EXPECT_TRUE(RegFile::parse(read_file(path).bytes, file).ok);
  return file.text();
}

void replace_once(std::string& text, const std::string& from, const std::string& to) {
  const std::size_t at = text.find(from);
  ASSERT_NE(at, std::string::npos) << from;
  ASSERT_EQ(text.find(from, at + 1), std::string::npos) << from;
  text.replace(at, from.size(), to);
}

// "70,00,6f,00" for an ASCII string in UTF-16LE, for hand-written Outlook inputs.
std::string utf16_hex(std::string_view ascii, bool terminated) {
  std::string hex;
  auto add = [&hex](unsigned byte) {
    char text[4];
    std::snprintf(text, sizeof text, "%02x", byte);
    if (!hex.empty()) hex += ',';
    hex += text;
  };
  for (char c : ascii) {
    add(static_cast<unsigned char>(c));
    add(0);
  }
  if (terminated) {
    add(0);
    add(0);
  }
  return hex;
}

std::unique_ptr<Profile> load(const std::string& path) {
  LoadResult loaded = load_registry_file(path);
  EXPECT_TRUE(loaded) << loaded.error;
  return std::move(loaded.profile);
}

std::unique_ptr<Profile> load_text(const std::string& bytes) {
  LoadResult loaded = load_registry_bytes("/home/tanaka/export.reg", bytes);
  EXPECT_TRUE(loaded) << loaded.error;
  return std::move(loaded.profile);
}

ServerSettings server(Protocol protocol, std::string host, int port, SocketType socket,
                      AuthMethod auth, std::string user) {
  return ServerSettings{protocol, std::move(host), port, socket, auth, std::move(user)};
}

Change change(std::string field, std::string to) {
  return Change{"test-rule", std::move(field), "", std::move(to), "test"};
}

const std::string kMapi16 =
    "HKEY_CURRENT_USER\\Software\\Microsoft\\Office\\16.0\\Outlook\\Profiles\\Outlook\\"
    "9375CFF0413111d3B88A00104B2A6676";
const std::string kOutlook2016Pop = kMapi16 + "\\00000002";
const std::string kOutlook2016Imap = kMapi16 + "\\00000003";
const std::string kOutlook2010 =
    "HKEY_CURRENT_USER\\Software\\Microsoft\\Windows NT\\CurrentVersion\\Windows Messaging "
    "Subsystem\\Profiles\\Outlook\\9375CFF0413111d3B88A00104B2A6676\\00000004";
const std::string kOeAccount =
    "HKEY_CURRENT_USER\\Identities\\{8A3D4E5F-1B2C-4D6E-9F01-23456789ABCD}\\Software\\"
    "Microsoft\\Internet Account Manager\\Accounts\\00000001";
const std::string kOeName =  // 九工大クラブ（ソフト研）
    "\xE4\xB9\x9D\xE5\xB7\xA5\xE5\xA4\xA7\xE3\x82\xAF\xE3\x83\xA9\xE3\x83\x96\xEF\xBC\x88"
    "\xE3\x82\xBD\xE3\x83\x95\xE3\x83\x88\xE7\xA0\x94\xEF\xBC\x89";
const std::string kIisPopName =  // 生産研 POP (田中)
    "\xE7\x94\x9F\xE7\x94\xA3\xE7\xA0\x94 POP (\xE7\x94\xB0\xE4\xB8\xAD)";

// --- Effective values ------------------------------------------------------------------------

TEST(RegistryAccounts, Outlook2016UnicodeExport) {
  auto profile = load(fixture("outlook2016-unicode.reg"));
  ASSERT_TRUE(profile);
  EXPECT_EQ(profile->client(), kOutlook);
  EXPECT_EQ(profile->path(), fixture("outlook2016-unicode.reg"));
  const std::vector<Account> accounts = profile->accounts();
  ASSERT_EQ(accounts.size(), 2u);  // 00000001 is the address book, not a mail account
  Account pop{kOutlook2016Pop, kIisPopName, "tanaka@iis.u-tokyo.ac.jp",
              server(Protocol::Pop3, "pop.iis.u-tokyo.ac.jp", 110, SocketType::Plain,
                     AuthMethod::Ntlm, "tanaka"),
              server(Protocol::Smtp, "mail.iis.u-tokyo.ac.jp", 25, SocketType::Plain,
                     AuthMethod::PasswordCleartext, "tanaka")};
  EXPECT_EQ(accounts[0], pop);
  Account imap{kOutlook2016Imap, "\xE7\x94\x9F\xE7\x94\xA3\xE7\xA0\x94 IMAP",
               "tanaka@iis.u-tokyo.ac.jp",
               server(Protocol::Imap, "imap.iis.u-tokyo.ac.jp", 993, SocketType::Ssl,
                      AuthMethod::PasswordCleartext, "tanaka"),
               server(Protocol::Smtp, "mail.iis.u-tokyo.ac.jp", 465, SocketType::Ssl,
                      AuthMethod::PasswordCleartext, "tanaka-smtp")};
  EXPECT_EQ(accounts[1], imap);
  EXPECT_TRUE(profile->findings().empty());
}

TEST(RegistryAccounts, Outlook2010MessagingSubsystemPopBeforeSmtp) {
  auto profile = load(fixture("outlook2010-nt.reg"));
  ASSERT_TRUE(profile);
  EXPECT_EQ(profile->client(), kOutlook);
  const std::vector<Account> accounts = profile->accounts();
  ASSERT_EQ(accounts.size(), 1u);
  Account expected{kOutlook2010, "DTI \xE3\x83\xA1\xE3\x83\xBC\xE3\x83\xAB",
                   "hanako@tanaka.dti.ne.jp",
                   server(Protocol::Pop3, "pop.tanaka.dti.ne.jp", 110, SocketType::Plain,
                          AuthMethod::PasswordCleartext, "hanako"),
                   server(Protocol::Smtp, "smtp.tanaka.dti.ne.jp", 25, SocketType::Plain,
                          AuthMethod::SmtpAfterPop, "hanako")};
  EXPECT_EQ(accounts[0], expected);
}

TEST(RegistryAccounts, OutlookExpressCp932Export) {
  auto profile = load(fixture("oe-regedit4-cp932.reg"));
  ASSERT_TRUE(profile);
  EXPECT_EQ(profile->client(), kOutlookExpress);
  const std::vector<Account> accounts = profile->accounts();
  ASSERT_EQ(accounts.size(), 1u);  // 00000002 is an LDAP directory account
  Account expected{kOeAccount, kOeName, "tanaka@club.kyutech.ac.jp",
                   server(Protocol::Pop3, "pop3.club.kyutech.ac.jp", 110, SocketType::Plain,
                          AuthMethod::PasswordCleartext, "tanaka"),
                   server(Protocol::Smtp, "smtp.club.kyutech.ac.jp", 25, SocketType::Plain,
                          AuthMethod::None, "")};
  EXPECT_EQ(accounts[0], expected);
}

// regedit opens a key however its path is spelt, so a key written twice in another case is one
// account (named as first written); a key of eight hex digits elsewhere holds none.
TEST(RegistryAccounts, AKeyWrittenTwiceInAnotherCaseIsOneAccount) {
  std::string lower_case = kOeAccount;
  for (char& c : lower_case) {
    if (c >= 'A' && c <= 'Z') c = static_cast<char>(c - 'A' + 'a');
  }
  auto profile = load_text("REGEDIT4\r\n\r\n[" + kOeAccount +
                           "]\r\n\"POP3 Server\"=\"pop.example.ac.jp\"\r\n"
                           "\r\n[HKEY_CURRENT_USER\\Software\\Vendor\\Accounts\\00000001]\r\n"
                           "\"POP3 Server\"=\"pop.vendor.example\"\r\n"
                           "\r\n[" +
                           lower_case + "]\r\n\"POP3 User Name\"=\"tanaka\"\r\n");
  ASSERT_TRUE(profile);
  const std::vector<Account> accounts = profile->accounts();
  ASSERT_EQ(accounts.size(), 1u);
  EXPECT_EQ(accounts[0].id, kOeAccount);
  EXPECT_EQ(accounts[0].incoming.hostname, "pop.example.ac.jp");
  EXPECT_EQ(accounts[0].incoming.username, "tanaka");
}

TEST(RegistryAccounts, Version5HeaderInAnAnsiFileWithDefaults) {
  auto profile = load(fixture("cases-v5-ansi-oe.reg"));
  ASSERT_TRUE(profile);
  const Account account = profile->accounts().at(0);
  EXPECT_EQ(account.name, "\xE4\xBA\xAC\xE5\xA4\xA7\xE3\x83\xA1\xE3\x83\xBC\xE3\x83\xAB");
  EXPECT_EQ(account.incoming, server(Protocol::Pop3, "pop.kumail.kyoto-u.ac.jp", 110,
                                     SocketType::Plain, AuthMethod::PasswordCleartext, "hanako"));
  // SMTP Use Sicily 2: the incoming server's method and user name.
  EXPECT_EQ(account.outgoing, server(Protocol::Smtp, "smtp.kumail.kyoto-u.ac.jp", 25,
                                     SocketType::Plain, AuthMethod::PasswordCleartext, "hanako"));
}

TEST(RegistryAccounts, WineRegeditPeerSamples) {
  for (const char* name : {"outlook2016-account-unicode.reg", "outlook2016-account-regedit4.reg"}) {
    SCOPED_TRACE(name);
    auto profile = load(peer(name));
    ASSERT_TRUE(profile);
    EXPECT_EQ(profile->client(), kOutlook);
    const Account account = profile->accounts().at(0);
    EXPECT_EQ(account.name, "\xE7\xA0\x94\xE7\xA9\xB6\xE5\xAE\xA4 POP (\xE7\x94\xB0\xE4\xB8\xAD)");
    EXPECT_EQ(account.incoming, server(Protocol::Pop3, "pop.example.ac.jp", 110, SocketType::Plain,
                                       AuthMethod::PasswordCleartext, "tanaka"));
    EXPECT_EQ(account.outgoing, server(Protocol::Smtp, "smtp.example.ac.jp", 25, SocketType::Plain,
                                       AuthMethod::SmtpAfterPop, "tanaka"));
  }
  for (const char* name : {"oe-account-unicode.reg", "oe-account-regedit4.reg"}) {
    SCOPED_TRACE(name);
    auto profile = load(peer(name));
    ASSERT_TRUE(profile);
    EXPECT_EQ(profile->client(), kOutlookExpress);
    const Account account = profile->accounts().at(0);
    EXPECT_EQ(account.incoming, server(Protocol::Pop3, "pop.example.ac.jp", 110, SocketType::Plain,
                                       AuthMethod::PasswordCleartext, "tanaka"));
    EXPECT_EQ(account.outgoing, server(Protocol::Smtp, "smtp.example.ac.jp", 25, SocketType::Plain,
                                       AuthMethod::None, ""));
  }
}

const std::string kOutlookKey =
    "HKEY_CURRENT_USER\\Software\\Microsoft\\Office\\15.0\\Outlook\\Profiles\\Main\\"
    "9375CFF0413111d3B88A00104B2A6676\\00000001";

std::string outlook_text(const std::string& values) {
  return "Windows Registry Editor Version 5.00\r\n\r\n[" + kOutlookKey +
         "]\r\n\"Account Name\"=hex:" + utf16_hex("Main", false) +
         "\r\n\"IMAP Server\"=hex:" + utf16_hex("imap.example.jp", false) +
         "\r\n\"IMAP User\"=hex:" + utf16_hex("hanako", true) + "\r\n" + values + "\r\n";
}

TEST(RegistryAccounts, OutlookSecurityAndAuthenticationForms) {
  auto profile = load_text(utf16_file(outlook_text(
      "\"IMAP Use SSL\"=dword:00000001\r\n\"IMAP Secure Connection\"=dword:00000002\r\n"
      "\"SMTP Server\"=hex:" +
      utf16_hex("smtp.example.jp", true) +
      "\r\n"
      "\"SMTP Use SSL\"=dword:00000001\r\n\"SMTP Use Auth\"=dword:00000001\r\n"
      "\"SMTP Auth Method\"=dword:00000001\r\n\"SMTP Use Sicily\"=dword:00000001\r\n"
      "\"SMTP User\"=\"relay\"\r\n")));
  ASSERT_TRUE(profile);
  const Account account = profile->accounts().at(0);
  EXPECT_EQ(account.name, "Main");
  EXPECT_EQ(account.incoming, server(Protocol::Imap, "imap.example.jp", 993, SocketType::Ssl,
                                     AuthMethod::PasswordCleartext, "hanako"));
  EXPECT_EQ(account.outgoing, server(Protocol::Smtp, "smtp.example.jp", 465, SocketType::Ssl,
                                     AuthMethod::Ntlm, "relay"));
  const std::vector<Finding> findings = profile->findings();
  ASSERT_EQ(findings.size(), 1u);
  EXPECT_EQ(findings[0].severity, Severity::Warning);
  EXPECT_EQ(findings[0].rule, "registry-format");
  EXPECT_EQ(findings[0].message(),
            "Outlook account \"Main\": IMAP Secure Connection is 2 but IMAP Use SSL is 1. The "
            "meaning of IMAP Secure Connection is not documented, so mailmig reads the encryption "
            "from IMAP Use SSL (SSL). Check the incoming server's encrypted connection in Outlook "
            "(File > Account Settings > Account Settings > Change > More Settings > Advanced).");
}

TEST(RegistryAccounts, OutlookStringsOfEveryUtf16Form) {
  // é, 日 and U+FFFD in the Basic Multilingual Plane; 😀 is a surrogate pair; a lone surrogate
  // makes the string unreadable.
  auto profile =
      load_text(utf16_file(outlook_text("\"Email\"=hex:e9,00,e5,65,fd,ff,78,00,00,00\r\n"
                                        "\"SMTP Server\"=hex:3d,d8,00,de,73,00\r\n")));
  ASSERT_TRUE(profile);
  const Account account = profile->accounts().at(0);
  EXPECT_EQ(account.address, "\xC3\xA9\xE6\x97\xA5\xEF\xBF\xBDx");
  ASSERT_TRUE(account.outgoing);
  EXPECT_EQ(account.outgoing->hostname, "\xF0\x9F\x98\x80s");
  auto lone = load_text(utf16_file(outlook_text("\"Email\"=hex:41,00,00,dc,42,00\r\n")));
  ASSERT_TRUE(lone);
  EXPECT_EQ(lone->accounts().at(0).address, "");
}

TEST(RegistryAccounts, OutlookSmtpSecureConnectionConstants) {
  const struct {
    const char* secure;
    SocketType socket;
    int port;
  } cases[] = {{"00000000", SocketType::Plain, 25},
               {"00000001", SocketType::Ssl, 465},
               {"00000002", SocketType::StartTls, 25},
               {"00000003", SocketType::StartTls, 25}};
  for (const auto& item : cases) {
    SCOPED_TRACE(item.secure);
    auto profile = load_text(
        utf16_file(outlook_text("\"SMTP Server\"=hex:" + utf16_hex("smtp.example.jp", true) +
                                "\r\n\"SMTP Secure Connection\"=dword:" + item.secure + "\r\n")));
    ASSERT_TRUE(profile);
    const Account account = profile->accounts().at(0);
    EXPECT_EQ(account.outgoing, server(Protocol::Smtp, "smtp.example.jp", item.port, item.socket,
                                       AuthMethod::None, ""));
  }
  auto automatic =
      load_text(utf16_file(outlook_text("\"SMTP Server\"=hex:" + utf16_hex("s", true) +
                                        "\r\n\"SMTP Secure Connection\"=dword:3\r\n")));
  ASSERT_EQ(automatic->findings().size(), 1u);
  EXPECT_EQ(automatic->findings()[0].message(),
            "Outlook account \"Main\": the outgoing server's encrypted connection is \"Auto\" "
            "(SMTP Secure Connection 3), so Outlook chooses the encryption itself; mailmig "
            "reports it as STARTTLS.");
}

std::string oe_text(const std::string& values) {
  return "REGEDIT4\r\n\r\n[HKEY_CURRENT_USER\\Software\\Microsoft\\Internet Account Manager\\"
         "Accounts\\00000002]\r\n\"Account Name\"=\"Lab\"\r\n\"POP3 Server\"=\"pop.example.jp\"\r\n"
         "\"POP3 User Name\"=\"hanako\"\r\n\"SMTP Server\"=\"smtp.example.jp\"\r\n" +
         values + "\r\n";
}
const std::string kOeInlineKey =
    "HKEY_CURRENT_USER\\Software\\Microsoft\\Internet Account Manager\\Accounts\\00000002";

TEST(RegistryAccounts, OutlookExpressSecureConnectionDependsOnThePort) {
  const struct {
    const char* values;
    ServerSettings outgoing;
  } cases[] = {
      {"\"SMTP Secure Connection\"=dword:00000001\r\n\"SMTP Port\"=dword:0000024b\r\n",
       server(Protocol::Smtp, "smtp.example.jp", 587, SocketType::StartTls, AuthMethod::None, "")},
      {"\"SMTP Secure Connection\"=dword:00000001\r\n\"SMTP Port\"=dword:000001d1\r\n",
       server(Protocol::Smtp, "smtp.example.jp", 465, SocketType::Ssl, AuthMethod::None, "")},
      {"\"SMTP Secure Connection\"=dword:00000001\r\n",
       server(Protocol::Smtp, "smtp.example.jp", 465, SocketType::Ssl, AuthMethod::None, "")},
      {"\"SMTP Use Sicily\"=dword:00000001\r\n",
       server(Protocol::Smtp, "smtp.example.jp", 25, SocketType::Plain, AuthMethod::Ntlm,
              "hanako")},
      {"\"SMTP Use Sicily\"=dword:00000003\r\n\"SMTP User Name\"=\"relay\"\r\n",
       server(Protocol::Smtp, "smtp.example.jp", 25, SocketType::Plain,
              AuthMethod::PasswordCleartext, "relay")},
      {"\"SMTP Use Sicily\"=dword:00000002\r\n\"POP3 Use Sicily\"=dword:00000001\r\n",
       server(Protocol::Smtp, "smtp.example.jp", 25, SocketType::Plain, AuthMethod::Ntlm,
              "hanako")},
  };
  for (const auto& item : cases) {
    SCOPED_TRACE(item.values);
    auto profile = load_text(oe_text(item.values));
    ASSERT_TRUE(profile);
    EXPECT_EQ(profile->accounts().at(0).outgoing, item.outgoing);
  }
}

// --- Load errors -----------------------------------------------------------------------------

TEST(RegistryLoad, Errors) {
  const std::string header = fixture("malformed-header-case.reg");
  EXPECT_EQ(load_registry_file(header).error,
            header +
                ":1: expected the header \"REGEDIT4\" or \"Windows Registry Editor Version "
                "5.00\" on the first line");
  const std::string empty = fixture("no-accounts.reg");
  EXPECT_EQ(load_registry_file(empty).error,
            empty + ": no mail account keys in this registry export");
  LoadResult missing = load_registry_file(fixture("no-such-file.reg"));
  EXPECT_FALSE(missing);
  EXPECT_NE(missing.error.find("no-such-file.reg"), std::string::npos);
}

// --- apply() ---------------------------------------------------------------------------------

TEST(RegistryApply, Outlook2016SpaOffPop3sAndSubmission) {
  const std::string path = fixture("outlook2016-unicode.reg");
  auto profile = load(path);
  ASSERT_TRUE(profile);
  const std::vector<Finding> findings = profile->apply(
      kOutlook2016Pop, {change("incoming.authentication", "password-cleartext"),
                        change("incoming.socketType", "SSL"), change("incoming.port", "995"),
                        change("outgoing.port", "587"), change("outgoing.socketType", "STARTTLS")});
  EXPECT_TRUE(findings.empty());

  std::string text = text_of(path);
  replace_once(text, "\"POP3 Use Sicily\"=dword:00000001", "\"POP3 Use Sicily\"=dword:00000000");
  replace_once(text, "\"SMTP Port\"=dword:00000019", "\"SMTP Port\"=dword:0000024b");
  replace_once(text, "\"SMTP Secure Connection\"=dword:00000000",
               "\"SMTP Secure Connection\"=dword:00000002");
  replace_once(text, "\"Leave on Server\"=dword:000e0003\r\n",
               "\"Leave on Server\"=dword:000e0003\r\n\"POP3 Port\"=dword:000003e3\r\n"
               "\"POP3 Use SSL\"=dword:00000001\r\n");
  const auto& files = profile->files();
  ASSERT_EQ(files.size(), 3u);
  EXPECT_EQ(files[0].current(), utf16_file(text));
  EXPECT_FALSE(files[0].created);

  EXPECT_EQ(files[1].path, fixture("outlook2016-unicode.delta.reg"));
  EXPECT_TRUE(files[1].created);
  EXPECT_EQ(files[1].current(),
            utf16_file("Windows Registry Editor Version 5.00\r\n\r\n[" + kOutlook2016Pop +
                       "]\r\n\"POP3 Port\"=dword:000003e3\r\n\"POP3 Use SSL\"=dword:00000001\r\n"
                       "\"POP3 Use Sicily\"=dword:00000000\r\n\"SMTP Port\"=dword:0000024b\r\n"
                       "\"SMTP Secure Connection\"=dword:00000002\r\n\r\n"));
  EXPECT_EQ(files[2].path, fixture("outlook2016-unicode.undo.reg"));
  EXPECT_EQ(files[2].current(),
            utf16_file("Windows Registry Editor Version 5.00\r\n\r\n[" + kOutlook2016Pop +
                       "]\r\n\"POP3 Port\"=-\r\n\"POP3 Use SSL\"=-\r\n"
                       "\"POP3 Use Sicily\"=dword:00000001\r\n\"SMTP Port\"=dword:00000019\r\n"
                       "\"SMTP Secure Connection\"=dword:00000000\r\n\r\n"));

  const Account account = profile->accounts().at(0);
  EXPECT_EQ(account.incoming, server(Protocol::Pop3, "pop.iis.u-tokyo.ac.jp", 995, SocketType::Ssl,
                                     AuthMethod::PasswordCleartext, "tanaka"));
  EXPECT_EQ(account.outgoing,
            server(Protocol::Smtp, "mail.iis.u-tokyo.ac.jp", 587, SocketType::StartTls,
                   AuthMethod::PasswordCleartext, "tanaka"));
}

TEST(RegistryApply, Outlook2010PopBeforeSmtpBecomesSmtpAuthSameAsIncoming) {
  const std::string path = fixture("outlook2010-nt.reg");
  auto profile = load(path);
  ASSERT_TRUE(profile);
  const std::vector<Finding> findings = profile->apply(
      kOutlook2010, {change("outgoing.port", "587"), change("outgoing.socketType", "STARTTLS"),
                     change("outgoing.authentication", "password-cleartext"),
                     change("outgoing.username", "hanako")});
  EXPECT_TRUE(findings.empty());
  std::string text = text_of(path);
  replace_once(text, "\"SMTP Port\"=dword:00000019", "\"SMTP Port\"=dword:0000024b");
  replace_once(text, "\"SMTP Use SSL\"=dword:00000000", "\"SMTP Use SSL\"=dword:00000001");
  replace_once(text, "\"SMTP Auth Method\"=dword:00000002", "\"SMTP Auth Method\"=dword:00000000");
  replace_once(
      text, "\"Leave on Server\"=dword:00000001\r\n",
      "\"Leave on Server\"=dword:00000001\r\n\"SMTP Secure Connection\"=dword:00000002\r\n");
  ASSERT_EQ(profile->files().size(), 3u);
  EXPECT_EQ(profile->files()[0].current(), utf16_file(text));
  EXPECT_EQ(profile->files()[1].current(),
            utf16_file("Windows Registry Editor Version 5.00\r\n\r\n[" + kOutlook2010 +
                       "]\r\n\"SMTP Port\"=dword:0000024b\r\n"
                       "\"SMTP Secure Connection\"=dword:00000002\r\n"
                       "\"SMTP Use SSL\"=dword:00000001\r\n"
                       "\"SMTP Auth Method\"=dword:00000000\r\n\r\n"));
  EXPECT_EQ(profile->files()[2].current(),
            utf16_file("Windows Registry Editor Version 5.00\r\n\r\n[" + kOutlook2010 +
                       "]\r\n\"SMTP Port\"=dword:00000019\r\n\"SMTP Secure Connection\"=-\r\n"
                       "\"SMTP Use SSL\"=dword:00000000\r\n"
                       "\"SMTP Auth Method\"=dword:00000002\r\n\r\n"));
  EXPECT_EQ(profile->accounts().at(0).outgoing,
            server(Protocol::Smtp, "smtp.tanaka.dti.ne.jp", 587, SocketType::StartTls,
                   AuthMethod::PasswordCleartext, "hanako"));
}

TEST(RegistryApply, OutlookOwnSmtpUserIsWrittenAsTerminatedUtf16) {
  const std::string path = fixture("outlook2016-unicode.reg");
  auto profile = load(path);
  ASSERT_TRUE(profile);
  const std::vector<Finding> findings =
      profile->apply(kOutlook2016Pop, {change("outgoing.username", "tanaka@iis.u-tokyo.ac.jp")});
  ASSERT_EQ(findings.size(), 1u);
  EXPECT_EQ(findings[0].severity, Severity::ActionRequired);
  EXPECT_EQ(findings[0].rule, "test-rule");
  EXPECT_EQ(findings[0].message(),
            "Outlook account \"" + kIisPopName +
                "\": the outgoing server now logs on with its own user name "
                "\"tanaka@iis.u-tokyo.ac.jp\". Enter that user's password for the outgoing server "
                "in Outlook's account settings.");
  std::string text = text_of(path);
  replace_once(text, "\"SMTP Auth Method\"=dword:00000000", "\"SMTP Auth Method\"=dword:00000001");
  replace_once(
      text, "\"Leave on Server\"=dword:000e0003\r\n",
      "\"Leave on Server\"=dword:000e0003\r\n"
      "\"SMTP User\"=hex:74,00,61,00,6e,00,61,00,6b,00,61,00,40,00,69,00,69,00,73,00,2e,\\\r\n"
      "  00,75,00,2d,00,74,00,6f,00,6b,00,79,00,6f,00,2e,00,61,00,63,00,2e,00,6a,00,\\\r\n"
      "  70,00,00,00\r\n");
  EXPECT_EQ(profile->files()[0].current(), utf16_file(text));
  EXPECT_EQ(profile->accounts().at(0).outgoing->username, "tanaka@iis.u-tokyo.ac.jp");
  EXPECT_EQ(profile->accounts().at(0).outgoing->authentication, AuthMethod::PasswordCleartext);
}

TEST(RegistryApply, OutlookHostKeepsAMissingTerminatorAndNewHostGetsOne) {
  auto profile = load_text(utf16_file(outlook_text("")));
  ASSERT_TRUE(profile);
  // Account Name has no terminator: the renamed IMAP Server keeps that form.
  EXPECT_TRUE(profile->apply(kOutlookKey, {change("incoming.hostname", "pop.gmail.com")}).empty());
  const std::string text = outlook_text("");
  std::string expected = text;
  replace_once(expected, "\"IMAP Server\"=hex:" + utf16_hex("imap.example.jp", false),
               "\"IMAP Server\"=hex:70,00,6f,00,70,00,2e,00,67,00,6d,00,61,00,69,00,6c,00,2e,00,"
               "\\\r\n  63,00,6f,00,6d,00");
  EXPECT_EQ(profile->files()[0].current(), utf16_file(expected));
  EXPECT_EQ(profile->accounts().at(0).incoming.hostname, "pop.gmail.com");

  EXPECT_TRUE(profile->apply(kOutlookKey, {change("outgoing.hostname", "smtp.gmail.com")}).empty());
  EXPECT_EQ(profile->accounts().at(0).outgoing->hostname, "smtp.gmail.com");
  const std::string current = profile->files()[0].current();
  replace_once(expected, "\"IMAP User\"=hex:" + utf16_hex("hanako", true) + "\r\n",
               "\"IMAP User\"=hex:" + utf16_hex("hanako", true) + "\r\n\"SMTP Server\"=hex:" +
                   "73,00,6d,00,74,00,70,00,2e,00,67,00,6d,00,61,00,69,00,6c,00,\\\r\n"
                   "  2e,00,63,00,6f,00,6d,00,00,00\r\n");
  EXPECT_EQ(current, utf16_file(expected));
}

TEST(RegistryApply, OutlookIncomingStartTlsNeedsAManualStep) {
  const std::string path = fixture("outlook2016-unicode.reg");
  auto profile = load(path);
  ASSERT_TRUE(profile);
  const std::vector<Finding> findings =
      profile->apply(kOutlook2016Pop, {change("incoming.socketType", "STARTTLS")});
  ASSERT_EQ(findings.size(), 1u);
  EXPECT_EQ(findings[0].severity, Severity::ActionRequired);
  EXPECT_EQ(findings[0].message(),
            "Outlook account \"" + kIisPopName +
                "\": mailmig cannot set STARTTLS for the incoming server, because Outlook keeps "
                "it in POP3 Secure Connection, whose values are not documented. In Outlook open "
                "File > Account Settings > Account Settings, double-click the account, choose "
                "More Settings > Advanced and set the incoming server's encrypted connection to "
                "STARTTLS on port 110.");
  ASSERT_EQ(profile->files().size(), 1u);
  EXPECT_FALSE(profile->files()[0].changed());
}

TEST(RegistryApply, OutlookImapSecureConnectionIsLeftAloneWithACheck) {
  auto profile = load(fixture("outlook2016-unicode.reg"));
  ASSERT_TRUE(profile);
  const std::vector<Finding> findings = profile->apply(
      kOutlook2016Imap, {change("incoming.socketType", "plain"), change("incoming.port", "143")});
  ASSERT_EQ(findings.size(), 1u);
  EXPECT_EQ(findings[0].severity, Severity::ActionRequired);
  EXPECT_EQ(findings[0].message(),
            "Outlook account \"\xE7\x94\x9F\xE7\x94\xA3\xE7\xA0\x94 IMAP\": IMAP Use SSL is now 0, "
            "but Outlook also keeps IMAP Secure Connection (1), whose values are not documented, "
            "so mailmig left it alone. In Outlook open File > Account Settings > Account "
            "Settings, double-click the account, choose More Settings > Advanced and check that "
            "the incoming server's encrypted connection is None.");
  EXPECT_EQ(profile->accounts().at(1).incoming,
            server(Protocol::Imap, "imap.iis.u-tokyo.ac.jp", 143, SocketType::Plain,
                   AuthMethod::PasswordCleartext, "tanaka"));
}

TEST(RegistryApply, OutlookSmtpAuthOffAndNtlm) {
  auto profile = load(fixture("outlook2016-unicode.reg"));
  ASSERT_TRUE(profile);
  EXPECT_TRUE(profile->apply(kOutlook2016Pop, {change("outgoing.authentication", "none")}).empty());
  EXPECT_EQ(profile->accounts().at(0).outgoing->authentication, AuthMethod::None);
  EXPECT_TRUE(profile->apply(kOutlook2016Pop, {change("outgoing.authentication", "NTLM")}).empty());
  EXPECT_EQ(profile->accounts().at(0).outgoing,
            server(Protocol::Smtp, "mail.iis.u-tokyo.ac.jp", 25, SocketType::Plain,
                   AuthMethod::Ntlm, "tanaka"));
  const std::string delta = profile->files().at(1).current();
  EXPECT_EQ(delta, utf16_file("Windows Registry Editor Version 5.00\r\n\r\n[" + kOutlook2016Pop +
                              "]\r\n\"SMTP Use Sicily\"=dword:00000001\r\n\r\n"));
}

TEST(RegistryApply, OutlookSmtpAfterPopAndUnsupportedMethods) {
  auto profile = load(fixture("outlook2016-unicode.reg"));
  ASSERT_TRUE(profile);
  EXPECT_TRUE(profile->apply(kOutlook2016Pop, {change("outgoing.authentication", "smtp-after-pop")})
                  .empty());
  EXPECT_EQ(profile->accounts().at(0).outgoing->authentication, AuthMethod::SmtpAfterPop);
  const std::vector<Finding> findings =
      profile->apply(kOutlook2016Pop, {change("incoming.authentication", "apop")});
  ASSERT_EQ(findings.size(), 1u);
  EXPECT_EQ(findings[0].severity, Severity::ActionRequired);
  EXPECT_EQ(findings[0].message(),
            "Outlook account \"" + kIisPopName +
                "\": Outlook has no setting for \"apop\" authentication on the incoming server. "
                "Change the account's server settings by hand in Outlook (for APOP, use POP3 over "
                "SSL on port 995 instead).");
}

TEST(RegistryApply, OutlookExpressSeed002Cp932Bytes) {
  const std::string path = fixture("oe-regedit4-cp932.reg");
  auto profile = load(path);
  ASSERT_TRUE(profile);
  const std::vector<Finding> findings = profile->apply(
      kOeAccount, {change("incoming.socketType", "SSL"), change("incoming.port", "995"),
                   change("outgoing.port", "587"), change("outgoing.socketType", "STARTTLS"),
                   change("outgoing.authentication", "password-cleartext"),
                   change("outgoing.username", "tanaka")});
  ASSERT_EQ(findings.size(), 1u);
  EXPECT_EQ(findings[0].severity, Severity::Info);
  EXPECT_EQ(findings[0].message(),
            "Outlook Express account \"" + kOeName +
                "\": \"This server requires a secure connection (SSL)\" is on for the outgoing "
                "server on port 587. Outlook Express uses STARTTLS there only with update "
                "KB933612 (part of Windows XP SP3 and Vista SP1); without it, sending fails.");
  std::string bytes = read_file(path).bytes;
  replace_once(bytes, "\"POP3 Port\"=dword:0000006e", "\"POP3 Port\"=dword:000003e3");
  replace_once(bytes, "\"POP3 Secure Connection\"=dword:00000000",
               "\"POP3 Secure Connection\"=dword:00000001");
  replace_once(bytes, "\"SMTP Port\"=dword:00000019", "\"SMTP Port\"=dword:0000024b");
  replace_once(bytes, "\"SMTP Secure Connection\"=dword:00000000",
               "\"SMTP Secure Connection\"=dword:00000001");
  replace_once(bytes, "\"SMTP Use Sicily\"=dword:00000000", "\"SMTP Use Sicily\"=dword:00000002");
  ASSERT_EQ(profile->files().size(), 3u);
  EXPECT_EQ(profile->files()[0].current(), bytes);
  EXPECT_EQ(profile->files()[1].path, fixture("oe-regedit4-cp932.delta.reg"));
  EXPECT_EQ(profile->files()[1].current(),
            "REGEDIT4\r\n\r\n[" + kOeAccount +
                "]\r\n\"POP3 Port\"=dword:000003e3\r\n\"POP3 Secure Connection\"=dword:00000001\r\n"
                "\"SMTP Port\"=dword:0000024b\r\n\"SMTP Secure Connection\"=dword:00000001\r\n"
                "\"SMTP Use Sicily\"=dword:00000002\r\n\r\n");
  EXPECT_EQ(profile->files()[2].current(),
            "REGEDIT4\r\n\r\n[" + kOeAccount +
                "]\r\n\"POP3 Port\"=dword:0000006e\r\n\"POP3 Secure Connection\"=dword:00000000\r\n"
                "\"SMTP Port\"=dword:00000019\r\n\"SMTP Secure Connection\"=dword:00000000\r\n"
                "\"SMTP Use Sicily\"=dword:00000000\r\n\r\n");
  const Account account = profile->accounts().at(0);
  EXPECT_EQ(account.incoming, server(Protocol::Pop3, "pop3.club.kyutech.ac.jp", 995,
                                     SocketType::Ssl, AuthMethod::PasswordCleartext, "tanaka"));
  EXPECT_EQ(account.outgoing,
            server(Protocol::Smtp, "smtp.club.kyutech.ac.jp", 587, SocketType::StartTls,
                   AuthMethod::PasswordCleartext, "tanaka"));
}

TEST(RegistryApply, OutlookExpressOwnSmtpUserAndAnUnchangedHost) {
  auto profile = load_text(oe_text("\"SMTP Port\"=dword:00000019\r\n"));
  ASSERT_TRUE(profile);
  const std::vector<Finding> findings =
      profile->apply(kOeInlineKey, {change("outgoing.authentication", "password-cleartext"),
                                    change("outgoing.username", "relay"),
                                    change("incoming.hostname", "pop.example.jp")});
  ASSERT_EQ(findings.size(), 1u);
  EXPECT_EQ(findings[0].severity, Severity::ActionRequired);
  EXPECT_EQ(profile->files()[0].current(),
            oe_text("\"SMTP Port\"=dword:00000019\r\n\"SMTP Use Sicily\"=dword:00000003\r\n"
                    "\"SMTP User Name\"=\"relay\"\r\n"));
  EXPECT_EQ(profile->files()[2].current(),
            "REGEDIT4\r\n\r\n[" + kOeInlineKey +
                "]\r\n\"SMTP Use Sicily\"=-\r\n\"SMTP User Name\"=-\r\n\r\n");
}

TEST(RegistryApply, OutlookExpressSslOnlyOn465) {
  auto profile = load_text(oe_text("\"SMTP Port\"=dword:00000019\r\n"));
  ASSERT_TRUE(profile);
  std::vector<Finding> findings =
      profile->apply(kOeInlineKey, {change("outgoing.socketType", "SSL")});
  ASSERT_EQ(findings.size(), 1u);
  EXPECT_EQ(findings[0].severity, Severity::ActionRequired);
  EXPECT_EQ(findings[0].message(),
            "Outlook Express account \"Lab\": Outlook Express uses SSL for the outgoing server "
            "only on port 465 (on port 25 its \"requires a secure connection\" box means "
            "STARTTLS). Set the outgoing server to port 465 in Tools > Accounts > Properties > "
            "Advanced.");
  EXPECT_EQ(profile->files().size(), 1u);

  findings = profile->apply(kOeInlineKey,
                            {change("outgoing.socketType", "SSL"), change("outgoing.port", "465")});
  EXPECT_TRUE(findings.empty());
  EXPECT_EQ(profile->accounts().at(0).outgoing->socket_type, SocketType::Ssl);
  EXPECT_EQ(profile->accounts().at(0).outgoing->port, 465);

  findings = profile->apply(kOeInlineKey, {change("outgoing.socketType", "STARTTLS")});
  ASSERT_EQ(findings.size(), 1u);
  EXPECT_EQ(findings[0].message(),
            "Outlook Express account \"Lab\": on port 465 Outlook Express always uses SSL, not "
            "STARTTLS. Set the outgoing server to port 587 in Tools > Accounts > Properties > "
            "Advanced.");
}

TEST(RegistryApply, OutlookExpressCannotExpressApopStartTlsOrPopBeforeSmtp) {
  auto profile = load_text(oe_text(""));
  ASSERT_TRUE(profile);
  const std::vector<Finding> findings =
      profile->apply(kOeInlineKey, {change("incoming.authentication", "apop"),
                                    change("incoming.socketType", "STARTTLS"),
                                    change("outgoing.authentication", "smtp-after-pop")});
  ASSERT_EQ(findings.size(), 3u);
  for (const Finding& finding : findings) EXPECT_EQ(finding.severity, Severity::ActionRequired);
  EXPECT_EQ(findings[0].message(),
            "Outlook Express account \"Lab\": Outlook Express cannot use STARTTLS for the "
            "incoming server. Use SSL instead (port 995): in Outlook Express open Tools > "
            "Accounts > Properties > Advanced and tick \"This server requires a secure "
            "connection (SSL)\" for incoming mail.");
  EXPECT_EQ(findings[2].message(),
            "Outlook Express account \"Lab\": Outlook Express has no setting for "
            "\"smtp-after-pop\" authentication on the outgoing server. Change the account's "
            "server settings by hand in Outlook Express (for APOP, use POP3 over SSL on port 995 "
            "instead).");
  EXPECT_FALSE(profile->files()[0].changed());
}

TEST(RegistryApply, OutlookExpressIncomingPasswordClearsSicily) {
  auto profile = load_text(oe_text("\"POP3 Use Sicily\"=dword:00000001\r\n"));
  ASSERT_TRUE(profile);
  EXPECT_TRUE(
      profile->apply(kOeInlineKey, {change("incoming.authentication", "password-cleartext")})
          .empty());
  EXPECT_EQ(profile->files()[0].current(), oe_text("\"POP3 Use Sicily\"=dword:00000000\r\n"));
}

TEST(RegistryApply, InvalidChangesUnknownAccountsAndTypeChanges) {
  auto profile = load_text(oe_text(""));
  ASSERT_TRUE(profile);
  std::vector<Finding> findings = profile->apply(kOeInlineKey, {change("outgoing.port", "abc")});
  ASSERT_EQ(findings.size(), 1u);
  EXPECT_EQ(findings[0].severity, Severity::Warning);
  EXPECT_EQ(findings[0].message(),
            "Could not apply outgoing.port = \"abc\": not a valid value for this field.");
  findings = profile->apply("HKEY_CURRENT_USER\\Nothing", {change("outgoing.port", "587")});
  ASSERT_EQ(findings.size(), 1u);
  EXPECT_EQ(findings[0].message(),
            "There is no account HKEY_CURRENT_USER\\Nothing in this registry export.");
  findings = profile->apply(kOeInlineKey, {change("incoming.protocol", "imap")});
  ASSERT_EQ(findings.size(), 1u);
  EXPECT_EQ(findings[0].severity, Severity::ActionRequired);
  EXPECT_EQ(findings[0].message(),
            "Outlook Express account \"Lab\": mailmig cannot change the account type from pop3 "
            "to imap. Create a new imap account in Outlook Express with the new settings and "
            "remove the old one.");
  EXPECT_FALSE(profile->files()[0].changed());
}

TEST(RegistryApply, RevertingAChangeDropsTheDeltaFiles) {
  auto profile = load(fixture("outlook2010-nt.reg"));
  ASSERT_TRUE(profile);
  profile->apply(kOutlook2010, {change("outgoing.port", "587")});
  EXPECT_EQ(profile->files().size(), 3u);
  profile->apply(kOutlook2010, {change("outgoing.port", "25")});
  ASSERT_EQ(profile->files().size(), 1u);
  EXPECT_FALSE(profile->files()[0].changed());
}

// changed() answers without building the bytes; it must say what the built bytes hold.
void expect_changed_matches_bytes(const Profile& profile) {
  for (const ProfileFile& file : profile.files()) {
    EXPECT_EQ(file.changed(), file.created || file.current() != file.original()) << file.path;
  }
}

TEST(RegistryApply, ChangedSaysWhatTheBuiltFilesHold) {
  auto unchanged = load(fixture("outlook2010-nt.reg"));
  ASSERT_TRUE(unchanged);
  EXPECT_EQ(unchanged->files().size(), 1u);
  expect_changed_matches_bytes(*unchanged);

  auto edited = load(fixture("outlook2010-nt.reg"));
  ASSERT_TRUE(edited);
  edited->apply(kOutlook2010, {change("outgoing.port", "587")});
  const std::vector<ProfileFile> changes = edited->files();
  ASSERT_EQ(changes.size(), 3u);
  EXPECT_TRUE(changes[0].changed());
  expect_changed_matches_bytes(*edited);

  // Set back to what the file held: the export is unchanged, and no delta is written.
  edited->apply(kOutlook2010, {change("outgoing.port", "25")});
  EXPECT_EQ(edited->files().size(), 1u);
  EXPECT_FALSE(edited->files()[0].changed());
  expect_changed_matches_bytes(*edited);
}

TEST(RegistryApply, AnAnsiExportKeepsItsBytesAsOriginal) {
  // The bytes are kept once, in the parsed document, and given back as the file's original.
  const std::string bytes = oe_text("\"SMTP Port\"=dword:00000019\r\n;\x81\x40 comment");
  auto profile = load_text(bytes);
  ASSERT_TRUE(profile);
  ASSERT_EQ(profile->files().size(), 1u);
  EXPECT_EQ(profile->files()[0].original(), bytes);
  EXPECT_EQ(profile->files()[0].current(), bytes);
  profile->apply(kOeInlineKey, {change("outgoing.port", "587")});
  EXPECT_EQ(profile->files()[0].original(), bytes);
  EXPECT_NE(profile->files()[0].current(), bytes);
}

TEST(RegistryApply, TheExportsBytesAreHeldOnceInItsDocument) {
  // UTF-16 too: the file is a view of the document, which gives the bytes read back.
  const std::string bytes = utf16_file(outlook_text("\"SMTP Port\"=dword:00000019\r\n"));
  auto profile = load_text(bytes);
  ASSERT_TRUE(profile);
  const RegFile& document = static_cast<const OutlookProfile&>(*profile).document();
  const ProfileFile file = profile->files().at(0);
  EXPECT_EQ(file.document, &document);
  EXPECT_EQ(file.original(), bytes);
}

// --- display_text ----------------------------------------------------------------------------

TEST(RegistryDisplay, PasswordsAreMasked) {
  const std::string text =
      "Windows Registry Editor Version 5.00\r\n\r\n[" + kOeInlineKey +
      "]\r\n\"Account Name\"=\"\xE7\xA0\x94\"\r\n\"POP3 Server\"=\"pop.example.jp\"\r\n"
      "\"POP3 Password2\"=hex:01,02,\\\r\n  03 ;tail\r\n\"SMTP Password\"=hex:zz\r\n"
      "\"IMAP password\"=\"secret\"\r\n\r\n";
  auto profile = load_text(utf16_file(text));
  ASSERT_TRUE(profile);
  EXPECT_EQ(profile->display_text(profile->files()[0], profile->files()[0].current()),
            "Windows Registry Editor Version 5.00\r\n\r\n[" + kOeInlineKey +
                "]\r\n\"Account Name\"=\"\xE7\xA0\x94\"\r\n\"POP3 Server\"=\"pop.example.jp\"\r\n"
                "\"POP3 Password2\"=********\r\n\"SMTP Password\"=********\r\n"
                "\"IMAP password\"=********\r\n\r\n");
}

TEST(RegistryDisplay, FixturesAreDecodedAndMasked) {
  auto oe = load(fixture("oe-regedit4-cp932.reg"));
  ASSERT_TRUE(oe);
  const std::string shown = oe->display_text(oe->files()[0], oe->files()[0].current());
  EXPECT_NE(shown.find("\"Account Name\"=\"" + kOeName + "\"\r\n"), std::string::npos);
  EXPECT_NE(shown.find("\"POP3 Password2\"=********\r\n\"POP3 Prompt"), std::string::npos);
  EXPECT_EQ(shown.find("01,02,00,00"), std::string::npos);

  auto outlook = load(fixture("outlook2016-unicode.reg"));
  ASSERT_TRUE(outlook);
  outlook->apply(kOutlook2016Pop, {change("outgoing.port", "587")});
  for (const ProfileFile& file : outlook->files()) {
    const std::string text = outlook->display_text(file, file.current());
    EXPECT_TRUE(text.starts_with("Windows Registry Editor Version 5.00\r\n")) << file.path;
    EXPECT_EQ(text.find("02,01,00,00,00"), std::string::npos) << file.path;
  }
  const std::string main =
      outlook->display_text(outlook->files()[0], outlook->files()[0].current());
  EXPECT_NE(main.find("\"POP3 Password\"=********\r\n\"SMTP Server\""), std::string::npos);
  EXPECT_NE(main.find("\"IMAP Password\"=********\r\n"), std::string::npos);
  EXPECT_NE(main.find("\"SMTP Password\"=********\r\n"), std::string::npos);
}

}  // namespace
}  // namespace mailmig
