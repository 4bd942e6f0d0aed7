#include "parsers/clients/windows_mail/windows_mail_profile.h"

#include <gtest/gtest.h>

#include <boost/filesystem.hpp>
#include <fstream>
#include <iterator>

#include "parsers/clients/windows_mail/windows_mail_client.h"
#include "src/encoding/codec.h"

namespace mailmig {
namespace {

namespace fs = boost::filesystem;

const fs::path kFixtures = fs::path(MAILMIG_SOURCE_DIR) / "fixtures";
const fs::path kStore = kFixtures / "homes/windows/AppData/Local/Microsoft/Windows Live Mail";
const std::string kKeioId = "account{5D2A8C41-7E3B-4F19-9A6C-0B8E2D4F1A37}.oeaccount";
const fs::path kPeerSample =
    fs::path(MAILMIG_SHARED_DIR) / "peer-samples/oeaccount/msdocs-example-imap.oeaccount";

std::string read_bytes(const fs::path& path) {
  std::ifstream in(path.string(), std::ios::binary);
  EXPECT_TRUE(in) << path;
  return std::string((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
}

std::string wide(std::string_view utf8) { return from_utf8(utf8, "UTF-16LE").text; }

std::string replaced(std::string text, const std::string& from, const std::string& to) {
  const std::size_t at = text.find(from);
  EXPECT_NE(at, std::string::npos);
  if (at != std::string::npos) text.replace(at, from.size(), to);
  return text;
}

std::unique_ptr<Profile> load(const fs::path& path) {
  auto loaded = load_windows_mail_store(path.string());
  EXPECT_TRUE(loaded) << loaded.error;
  return std::move(loaded.profile);
}

TEST(WindowsMailProfile, StoreIsSearchedRecursivelyAndReadsEffectiveValues) {
  auto profile = load(kStore);
  EXPECT_EQ(profile->client(), kWindowsMail);
  ASSERT_EQ(profile->files().size(), 1u);
  EXPECT_EQ(profile->files()[0].path, (kStore / "Local Folders" / kKeioId).string());
  EXPECT_EQ(profile->files()[0].current(), read_bytes(profile->files()[0].path));
  EXPECT_FALSE(profile->files()[0].changed());
  const std::vector<Account> expected{
      Account{kKeioId, "慶應 信濃町", "hanako@sc.itc.keio.ac.jp",
              ServerSettings{Protocol::Pop3, "popper.sc.itc.keio.ac.jp", 110, SocketType::Plain,
                             AuthMethod::PasswordCleartext, "hanako"},
              ServerSettings{Protocol::Smtp, "popper.sc.itc.keio.ac.jp", 25, SocketType::Plain,
                             AuthMethod::None, ""}}};
  EXPECT_EQ(profile->accounts(), expected);
  EXPECT_TRUE(profile->findings().empty());
}

TEST(WindowsMailProfile, SecureSmtpMeansStartTlsExceptOn465) {
  auto imap = load(kPeerSample);
  ASSERT_EQ(imap->accounts().size(), 1u);
  const Account account = imap->accounts()[0];
  EXPECT_EQ(account.incoming, (ServerSettings{Protocol::Imap, "mail.wingtiptoys.com", 993,
                                              SocketType::Ssl, AuthMethod::Ntlm, "don"}));
  EXPECT_EQ(account.outgoing, (ServerSettings{Protocol::Smtp, "smtp.wingtiptoys.com", 25,
                                              SocketType::StartTls, AuthMethod::Ntlm, "don"}));
  const auto findings = imap->findings();
  ASSERT_EQ(findings.size(), 1u);
  EXPECT_EQ(findings[0].severity, Severity::Info);
  EXPECT_EQ(findings[0].message(),
            "The Windows Mail account \"donhallimap\" sends on port 25 with \"This server "
            "requires a secure connection (SSL)\" on. mailmig reads this as STARTTLS, the way "
            "Outlook Express uses the box since update KB933612 (SSL on port 465, STARTTLS on "
            "every other port); that Windows Mail does the same is likely but not documented.");

  auto spa = load(kFixtures / "oeaccount/utf8-bom-spa.oeaccount");
  ASSERT_EQ(spa->accounts().size(), 1u);
  EXPECT_EQ(spa->accounts()[0].incoming,
            (ServerSettings{Protocol::Pop3, "pop.iis.u-tokyo.ac.jp", 110, SocketType::Plain,
                            AuthMethod::Ntlm, ""}));
  EXPECT_EQ(spa->accounts()[0].outgoing,
            (ServerSettings{Protocol::Smtp, "mail.iis.u-tokyo.ac.jp", 465, SocketType::Ssl,
                            AuthMethod::PasswordCleartext, "tanaka"}));
}

TEST(WindowsMailProfile, PopSslAndSubmissionWithSmtpAuthAreWritten) {
  auto profile = load(kStore);
  const std::string before = profile->files()[0].current();
  auto findings = profile->apply(
      kKeioId, {{"pop3-ssl", "incoming.port", "110", "995", ""},
                {"pop3-ssl", "incoming.socketType", "plain", "SSL", ""},
                {"smtp-submission", "outgoing.port", "25", "587", ""},
                {"smtp-submission", "outgoing.socketType", "plain", "STARTTLS", ""},
                {"smtp-auth", "outgoing.authentication", "none", "password-cleartext", ""},
                {"smtp-auth", "outgoing.username", "", "hanako", ""}});
  std::string expected = replaced(before, wide(">00000019<"), wide(">0000024b<"));
  expected =
      replaced(expected, wide("</MessageAccount>"),
               wide("\t<POP3_Port type=\"DWORD\">000003e3</POP3_Port>\r\n"
                    "\t<POP3_Secure_Connection type=\"DWORD\">00000001</POP3_Secure_Connection>\r\n"
                    "\t<SMTP_Secure_Connection type=\"DWORD\">00000001</SMTP_Secure_Connection>\r\n"
                    "\t<SMTP_Use_Sicily type=\"DWORD\">00000002</SMTP_Use_Sicily>\r\n"
                    "</MessageAccount>"));
  EXPECT_EQ(profile->files()[0].current(), expected);
  ASSERT_EQ(findings.size(), 1u);
  EXPECT_EQ(findings[0].rule, "smtp-submission");
  EXPECT_EQ(findings[0].severity, Severity::Info);
  EXPECT_EQ(findings[0].message(),
            "The Windows Mail account \"慶應 信濃町\" now sends on port 587 with \"This server "
            "requires a secure connection (SSL)\" on, which Windows Mail is expected to use as "
            "STARTTLS, as Outlook Express does since update KB933612. If sending fails, open the "
            "account's Properties and check that box for outgoing mail on the Advanced tab.");
  const Account after = profile->accounts()[0];
  EXPECT_EQ(after.incoming,
            (ServerSettings{Protocol::Pop3, "popper.sc.itc.keio.ac.jp", 995, SocketType::Ssl,
                            AuthMethod::PasswordCleartext, "hanako"}));
  EXPECT_EQ(after.outgoing,
            (ServerSettings{Protocol::Smtp, "popper.sc.itc.keio.ac.jp", 587, SocketType::StartTls,
                            AuthMethod::PasswordCleartext, "hanako"}));

  // With "same as incoming", a new incoming user is the sending user too: one edit.
  const std::string step = profile->files()[0].current();
  EXPECT_TRUE(
      profile->apply(kKeioId, {{"user", "incoming.username", "hanako", "hanako@keio.jp", ""}})
          .empty());
  EXPECT_EQ(profile->files()[0].current(),
            replaced(step, wide(">hanako<"), wide(">hanako@keio.jp<")));
  EXPECT_EQ(profile->accounts()[0].outgoing->username, "hanako@keio.jp");
}

TEST(WindowsMailProfile, SpaOffTogetherWithSslIsWritten) {
  auto profile = load(kFixtures / "oeaccount/utf8-bom-spa.oeaccount");
  const std::string id = "utf8-bom-spa.oeaccount";
  const std::string before = profile->files()[0].current();
  auto findings = profile->apply(
      id, {{"pop3-ssl", "incoming.port", "110", "995", ""},
           {"pop3-ssl", "incoming.socketType", "plain", "SSL", ""},
           {"spa-off", "incoming.authentication", "NTLM", "password-cleartext", ""}});
  EXPECT_TRUE(findings.empty());
  std::string expected = replaced(before, ">TRUE<", ">FALSE<");
  expected = replaced(expected, "</MessageAccount>",
                      "  <POP3_Port type=\"DWORD\">000003e3</POP3_Port>\n"
                      "  <POP3_Secure_Connection type=\"DWORD\">00000001</POP3_Secure_Connection>\n"
                      "</MessageAccount>");
  EXPECT_EQ(profile->files()[0].current(), expected);
}

TEST(WindowsMailProfile, WhatOneFlagCannotSayIsAManualStep) {
  auto profile = load(kStore);
  auto ssl_on_587 = profile->apply(kKeioId, {{"smtps", "outgoing.port", "25", "587", ""},
                                             {"smtps", "outgoing.socketType", "plain", "SSL", ""}});
  ASSERT_EQ(ssl_on_587.size(), 1u);
  EXPECT_EQ(ssl_on_587[0].severity, Severity::ActionRequired);
  EXPECT_EQ(ssl_on_587[0].message(),
            "Windows Mail uses SSL for sending only on port 465 and STARTTLS on every other "
            "port, so it cannot send with SSL on port 587 for the account \"慶應 信濃町\". "
            "mailmig left the sending settings unchanged; ask your provider which port to use.");
  auto starttls_in =
      profile->apply(kKeioId, {{"pop-starttls", "incoming.socketType", "plain", "STARTTLS", ""}});
  ASSERT_EQ(starttls_in.size(), 1u);
  EXPECT_EQ(starttls_in[0].severity, Severity::ActionRequired);
  const auto outgoing_before = profile->accounts()[0].outgoing;
  auto pop_before_smtp =
      profile->apply(kKeioId, {{"pbs", "outgoing.socketType", "plain", "SSL", ""},
                               {"pbs", "outgoing.port", "25", "465", ""},
                               {"pbs", "outgoing.authentication", "none", "smtp-after-pop", ""}});
  ASSERT_EQ(pop_before_smtp.size(), 1u);
  EXPECT_EQ(pop_before_smtp[0].message(),
            "Windows Mail cannot log on with smtp-after-pop for sending mail in the account "
            "\"慶應 信濃町\"; it offers no authentication, a password, or Secure Password "
            "Authentication. mailmig left the sending settings unchanged.");
  // Port, SSL and login are one step: none of it went in.
  EXPECT_EQ(profile->accounts()[0].outgoing, outgoing_before);
  EXPECT_EQ(profile->accounts()[0].outgoing,
            (ServerSettings{Protocol::Smtp, "popper.sc.itc.keio.ac.jp", 25, SocketType::Plain,
                            AuthMethod::None, ""}));
  EXPECT_FALSE(profile->files()[0].changed());
  auto unknown = profile->apply("nope", {{"r", "incoming.port", "110", "995", ""}});
  ASSERT_EQ(unknown.size(), 1u);
  EXPECT_EQ(unknown[0].message(), "There is no Windows Mail mail account \"nope\" in this store.");
}

// What Windows Mail cannot store is planned as a step by hand: STARTTLS for receiving, a TLS
// kind its one flag cannot say on that port, a login it does not offer, a switch to IMAP; port,
// TLS and login of a side change together or not at all.
TEST(WindowsMailProfile, CapabilitiesKeepThePlanToWhatWindowsMailCanStore) {
  auto profile = load(kStore);
  const Account keio = profile->accounts()[0];
  const ClientCapabilities can = profile->capabilities(keio);
  const EditPlan plan = plan_of_changes(
      can, keio,
      {{"pop-starttls", "incoming.socketType", "plain", "STARTTLS", ""},
       {"smtps", "outgoing.port", "25", "587", ""},
       {"smtps", "outgoing.socketType", "plain", "SSL", ""},
       {"smtp-auth", "outgoing.authentication", "none", "password-cleartext", ""}});
  EXPECT_TRUE(plan.changes.empty());
  EXPECT_EQ(plan.after, keio);
  ASSERT_EQ(plan.findings.size(), 2u);
  EXPECT_EQ(plan.findings[0].severity, Severity::ActionRequired);
  EXPECT_EQ(plan.findings[0].message(),
            "Windows Mail cannot use STARTTLS for receiving, only SSL on its own port. Ask your "
            "provider for the SSL port of popper.sc.itc.keio.ac.jp, or set the account \"慶應 "
            "信濃町\" up in another mail program; mailmig left the receiving settings unchanged.");
  EXPECT_EQ(plan.findings[1].severity, Severity::ActionRequired);
  EXPECT_EQ(plan.findings[1].message(),
            "Windows Mail uses SSL for sending only on port 465 and STARTTLS on every other "
            "port, so it cannot send with SSL on port 587 for the account \"慶應 信濃町\". "
            "mailmig left the sending settings unchanged; ask your provider which port to use.");

  const EditPlan pop_before_smtp =
      plan_of_changes(can, keio,
                      {{"pbs", "outgoing.socketType", "plain", "SSL", ""},
                       {"pbs", "outgoing.port", "25", "465", ""},
                       {"pbs", "outgoing.authentication", "none", "smtp-after-pop", ""}});
  EXPECT_TRUE(pop_before_smtp.changes.empty());
  ASSERT_EQ(pop_before_smtp.findings.size(), 1u);
  EXPECT_EQ(pop_before_smtp.findings[0].message(),
            "Windows Mail cannot log on with smtp-after-pop for sending mail in the account "
            "\"慶應 信濃町\"; it offers no authentication, a password, or Secure Password "
            "Authentication. mailmig left the sending settings unchanged.");

  const EditPlan imap =
      plan_of_changes(can, keio, {{"imap", "incoming.protocol", "pop3", "imap", ""}});
  EXPECT_TRUE(imap.changes.empty());
  ASSERT_EQ(imap.findings.size(), 1u);
  EXPECT_EQ(imap.findings[0].message(),
            "Windows Mail cannot turn the account \"慶應 信濃町\" from pop3 into imap. Add a new "
            "account with the new server settings (Tools > Accounts > Add) and remove the old "
            "one when the new one works.");

  // SSL on 465 and STARTTLS on 587 are what the flag says: planned as asked.
  EXPECT_EQ(plan_of_changes(can, keio,
                            {{"smtps", "outgoing.port", "25", "465", ""},
                             {"smtps", "outgoing.socketType", "plain", "SSL", ""}})
                .changes.size(),
            2u);
  EXPECT_EQ(plan_of_changes(can, keio,
                            {{"sub", "outgoing.port", "25", "587", ""},
                             {"sub", "outgoing.socketType", "plain", "STARTTLS", ""}})
                .changes.size(),
            2u);
}

TEST(WindowsMailProfile, SeparateSmtpUserAsksForItsPassword) {
  auto profile = load(kStore);
  const std::string before = profile->files()[0].current();
  auto findings = profile->apply(
      kKeioId, {{"smtps", "outgoing.port", "25", "465", ""},
                {"smtps", "outgoing.socketType", "plain", "SSL", ""},
                {"smtp-auth", "outgoing.authentication", "none", "password-cleartext", ""},
                {"smtp-auth", "outgoing.username", "", "smtp-hanako", ""}});
  ASSERT_EQ(findings.size(), 1u);
  EXPECT_EQ(findings[0].severity, Severity::ActionRequired);
  EXPECT_EQ(findings[0].message(),
            "Windows Mail will ask for the sending password of smtp-hanako in the account "
            "\"慶應 信濃町\": enter it when asked, or in the account's Properties > Servers > "
            "Outgoing Mail Server > Settings.");
  std::string expected = replaced(before, wide(">00000019<"), wide(">000001d1<"));
  expected =
      replaced(expected, wide("</MessageAccount>"),
               wide("\t<SMTP_Secure_Connection type=\"DWORD\">00000001</SMTP_Secure_Connection>\r\n"
                    "\t<SMTP_Use_Sicily type=\"DWORD\">00000003</SMTP_Use_Sicily>\r\n"
                    "\t<SMTP_User_Name type=\"SZ\">smtp-hanako</SMTP_User_Name>\r\n"
                    "</MessageAccount>"));
  EXPECT_EQ(profile->files()[0].current(), expected);
}

TEST(WindowsMailProfile, DisplayTextMasksPasswordBlobs) {
  auto profile = load(kFixtures / "oeaccount/utf8-bom-spa.oeaccount");
  const ProfileFile file = profile->files()[0];
  const std::string shown = profile->display_text(file, file.current());
  EXPECT_NE(shown.find("<SMTP_Password2 type=\"BINARY\">********</SMTP_Password2>"),
            std::string::npos);
  EXPECT_EQ(shown.find("0102030405"), std::string::npos);
  EXPECT_EQ(profile->display_text(file, "<Other/>"),
            file.path + ":1: expected the root element <MessageAccount>, found <Other>\n");
}

TEST(WindowsMailProfile, LoadErrorsNameTheFileAndLine) {
  const fs::path bad = kFixtures / "oeaccount/malformed-wrong-root.oeaccount";
  auto loaded = load_windows_mail_store(bad.string());
  EXPECT_FALSE(loaded);
  EXPECT_EQ(loaded.error,
            bad.string() + ":2: expected the root element <MessageAccount>, found <Account>");
  auto empty = load_windows_mail_store((kFixtures / "becky").string());
  EXPECT_FALSE(empty);
  EXPECT_EQ(empty.error, (kFixtures / "becky").string() + ": no .oeaccount file found");
}

}  // namespace
}  // namespace mailmig
