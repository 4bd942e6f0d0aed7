#include "parsers/clients/becky/becky_profile.h"

#include <gtest/gtest.h>

#include <boost/filesystem.hpp>
#include <fstream>
#include <iterator>

#include "parsers/clients/becky/becky_client.h"
#include "parsers/clients/becky/becky_data_folder.h"

namespace mailmig {
namespace {

namespace fs = boost::filesystem;

const fs::path kFixtures = fs::path(MAILMIG_SOURCE_DIR) / "fixtures";
const fs::path kDataDir = kFixtures / "homes/windows/Documents/Becky";
const std::string kUtokyo = "4f1a2b3c.mb";   // seed 000
const std::string kKyutech = "5a6b7c8d.mb";  // seed 002

std::string read_bytes(const fs::path& path) {
  std::ifstream in(path.string(), std::ios::binary);
  EXPECT_TRUE(in) << path;
  return std::string((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
}

std::unique_ptr<Profile> load(const fs::path& path) {
  auto loaded = load_becky_profile(path.string());
  EXPECT_TRUE(loaded) << loaded.error;
  return std::move(loaded.profile);
}

ProfileFile file_of(const Profile& profile, const std::string& mailbox) {
  for (const ProfileFile& file : profile.files()) {
    if (fs::path(file.path).parent_path().filename() == mailbox) return file;
  }
  ADD_FAILURE() << "no file for " << mailbox;
  return profile.files().front();
}

Account account_of(const Profile& profile, const std::string& id) {
  for (const Account& account : profile.accounts()) {
    if (account.id == id) return account;
  }
  ADD_FAILURE() << "no account " << id;
  return {};
}

std::string replaced(std::string text, const std::string& from, const std::string& to) {
  const std::size_t at = text.find(from);
  EXPECT_NE(at, std::string::npos) << from;
  if (at != std::string::npos) text.replace(at, from.size(), to);
  return text;
}

TEST(BeckyDataFolder, FindsTheDataFolderAndItsMailboxesDefaultFirst) {
  EXPECT_TRUE(is_becky_data_dir(kDataDir.string()));
  EXPECT_FALSE(is_becky_data_dir((kFixtures / "becky").string()));
  EXPECT_FALSE(is_becky_data_dir((kDataDir / kUtokyo).string()));
  EXPECT_EQ(read_becky_default_mailbox(kDataDir.string()), kUtokyo);
  EXPECT_EQ(find_becky_mailboxes(kDataDir.string()),
            (std::vector<std::string>{(kDataDir / kUtokyo / "Mailbox.ini").string(),
                                      (kDataDir / kKyutech / "Mailbox.ini").string()}));
}

TEST(BeckyProfile, AccountsCarryEffectiveValues) {
  auto profile = load(kDataDir);
  EXPECT_EQ(profile->client(), kBecky);
  EXPECT_EQ(profile->path(), kDataDir.string());
  ASSERT_EQ(profile->files().size(), 2u);
  for (const ProfileFile& file : profile->files()) {
    EXPECT_EQ(file.current(), read_bytes(file.path));
    EXPECT_FALSE(file.changed());
  }
  const std::vector<Account> expected{
      Account{kUtokyo, "生産技術研究所", "tanaka@iis.u-tokyo.ac.jp",
              ServerSettings{Protocol::Pop3, "pop.iis.u-tokyo.ac.jp", 110, SocketType::Plain,
                             AuthMethod::PasswordCleartext, "tanaka"},
              ServerSettings{Protocol::Smtp, "mail.iis.u-tokyo.ac.jp", 25, SocketType::Plain,
                             AuthMethod::PasswordCleartext, "tanaka"}},
      Account{kKyutech, "九工大サークル(ソフト部)", "hanako@club.kyutech.ac.jp",
              ServerSettings{Protocol::Pop3, "pop3.club.kyutech.ac.jp", 110, SocketType::Plain,
                             AuthMethod::Apop, "hanako"},
              ServerSettings{Protocol::Smtp, "smtp.club.kyutech.ac.jp", 25, SocketType::Plain,
                             AuthMethod::None, "hanako"}},
  };
  EXPECT_EQ(profile->accounts(), expected);
  EXPECT_EQ(profile->account(kUtokyo), expected[0]);
  EXPECT_EQ(profile->account(kKyutech), expected[1]);
  EXPECT_EQ(profile->account("00000000.mb"), std::nullopt);
  EXPECT_TRUE(profile->findings().empty());
}

TEST(BeckyProfile, SslWithoutPortKeyReportsTheAssumedDefault) {
  auto profile = load(kFixtures / "becky/mailbox-mixed.ini");
  ASSERT_EQ(profile->accounts().size(), 1u);
  const Account account = profile->accounts().front();
  EXPECT_EQ(account.id, "becky");
  EXPECT_EQ(account.name, "表");
  EXPECT_EQ(account.incoming, (ServerSettings{Protocol::Imap, "imap.iis.u-tokyo.ac.jp", 993,
                                              SocketType::Ssl, AuthMethod::PasswordCleartext, ""}));
  EXPECT_EQ(account.outgoing, std::nullopt);
  const auto findings = profile->findings();
  ASSERT_EQ(findings.size(), 1u);
  EXPECT_EQ(findings[0].severity, Severity::Warning);
  EXPECT_EQ(findings[0].message(),
            "The Becky! mailbox \"表\" uses IMAP4 over SSL without a port set. mailmig assumes "
            "port 993, but which port Becky! then uses is not documented: check it on the "
            "Advanced tab of Tools > Mailbox Setup.");
}

TEST(BeckyProfile, MalformedFileIsALoadErrorWithPathAndLine) {
  const fs::path bad = kFixtures / "becky/malformed-unclosed-section.ini";
  auto loaded = load_becky_profile(bad.string());
  EXPECT_FALSE(loaded);
  EXPECT_EQ(loaded.error, bad.string() + ":2: expected ']' to close the section name");
  auto empty = load_becky_profile((kFixtures / "becky").string());
  EXPECT_FALSE(empty);
  EXPECT_NE(empty.error.find("no Becky! mailbox"), std::string::npos);
}

TEST(BeckyProfile, ApopToPop3sIsWrittenCompletely) {
  auto profile = load(kDataDir);
  const std::string before = file_of(*profile, kKyutech).current();
  auto findings = profile->apply(
      kKyutech, {{"pop3-ssl", "incoming.port", "110", "995", "POP3 over SSL"},
                 {"pop3-ssl", "incoming.socketType", "plain", "SSL", "POP3 over SSL"},
                 {"pop3-ssl", "incoming.authentication", "apop", "password-cleartext", ""}});
  EXPECT_TRUE(findings.empty());
  std::string expected = replaced(before, "POP3Port=110\r\n", "POP3Port=995\r\n");
  expected = replaced(expected, "SSLPOP=0\r\n", "SSLPOP=1\r\n");
  expected = replaced(expected, "POP3Auth=1\r\n", "POP3Auth=0\r\n");
  EXPECT_EQ(file_of(*profile, kKyutech).current(), expected);
  EXPECT_EQ(account_of(*profile, kKyutech).incoming,
            (ServerSettings{Protocol::Pop3, "pop3.club.kyutech.ac.jp", 995, SocketType::Ssl,
                            AuthMethod::PasswordCleartext, "hanako"}));
  EXPECT_FALSE(file_of(*profile, kUtokyo).changed());
}

TEST(BeckyProfile, SubmissionWithStartTlsIsAManualStepAndWritesNothing) {
  auto profile = load(kDataDir);
  auto findings = profile->apply(
      kUtokyo, {{"smtp-submission", "outgoing.port", "25", "587", ""},
                {"smtp-submission", "outgoing.socketType", "plain", "STARTTLS", ""}});
  ASSERT_EQ(findings.size(), 1u);
  EXPECT_EQ(findings[0].rule, "smtp-submission");
  EXPECT_EQ(findings[0].severity, Severity::ActionRequired);
  EXPECT_EQ(findings[0].message(),
            "In Becky!, open Tools > Mailbox Setup for \"生産技術研究所\". On the Advanced tab "
            "set the SMTP port to 587 and choose STARTTLS for sending under SSL/TLS; on the Basic "
            "tab set SMTP Authentication to password-cleartext. mailmig left the sending settings "
            "unchanged because it cannot set STARTTLS in Becky!.");
  EXPECT_FALSE(file_of(*profile, kUtokyo).changed());
}

TEST(BeckyProfile, IncomingStartTlsIsAManualStep) {
  auto profile = load(kDataDir);
  auto findings =
      profile->apply(kUtokyo, {{"pop-starttls", "incoming.socketType", "plain", "STARTTLS", ""}});
  ASSERT_EQ(findings.size(), 1u);
  EXPECT_EQ(findings[0].severity, Severity::ActionRequired);
  EXPECT_EQ(findings[0].message(),
            "In Becky!, open Tools > Mailbox Setup for \"生産技術研究所\". On the Advanced tab "
            "set the POP3 port to 110 and choose STARTTLS for receiving under SSL/TLS; on the "
            "Basic tab set the authentication to password-cleartext. mailmig left the receiving "
            "settings unchanged because it cannot set STARTTLS in Becky!.");
  EXPECT_FALSE(file_of(*profile, kUtokyo).changed());
}

TEST(BeckyProfile, SmtpsWithAuthIsWrittenAndTheOpenPartsAreReported) {
  auto profile = load(kDataDir);
  const std::string before = file_of(*profile, kKyutech).current();
  auto findings = profile->apply(
      kKyutech, {{"smtps", "outgoing.port", "25", "465", ""},
                 {"smtps", "outgoing.socketType", "plain", "SSL", ""},
                 {"smtp-auth", "outgoing.authentication", "none", "password-cleartext", ""}});
  std::string expected = replaced(before, "SMTPPort=25\r\n", "SMTPPort=465\r\n");
  expected = replaced(expected, "SSLSMTP=0\r\n", "SSLSMTP=1\r\nSMTPAUTH=1\r\n");
  EXPECT_EQ(file_of(*profile, kKyutech).current(), expected);
  ASSERT_EQ(findings.size(), 2u);
  EXPECT_EQ(findings[0].rule, "smtp-auth");
  EXPECT_EQ(findings[0].severity, Severity::Info);
  EXPECT_EQ(findings[0].message(),
            "The Becky! mailbox \"九工大サークル(ソフト部)\" now logs in to send mail. If POP "
            "before SMTP is still on in Tools > Mailbox Setup, it is no longer needed; mailmig "
            "cannot see that setting.");
  EXPECT_EQ(findings[1].severity, Severity::ActionRequired);
  EXPECT_EQ(findings[1].message(),
            "In Becky!, open Tools > Mailbox Setup for \"九工大サークル(ソフト部)\", click SMTP "
            "Authentication on the Basic tab and choose LOGIN or PLAIN; mailmig turned SMTP "
            "authentication on but cannot choose the method for Becky!.");
  EXPECT_EQ(account_of(*profile, kKyutech).outgoing,
            (ServerSettings{Protocol::Smtp, "smtp.club.kyutech.ac.jp", 465, SocketType::Ssl,
                            AuthMethod::Any, "hanako"}));
}

TEST(BeckyProfile, HostsAndUserAreWrittenAndASeparateSmtpUserIsManual) {
  auto profile = load(kDataDir);
  const std::string before = file_of(*profile, kUtokyo).current();
  auto findings = profile->apply(
      kUtokyo, {{"move", "incoming.hostname", "pop.iis.u-tokyo.ac.jp", "pop.gmail.com", ""},
                {"move", "outgoing.hostname", "mail.iis.u-tokyo.ac.jp", "smtp.gmail.com", ""},
                {"move", "incoming.username", "tanaka", "tanaka@gmail.com", ""},
                {"move", "outgoing.username", "tanaka", "other@gmail.com", ""}});
  std::string expected = replaced(before, "=pop.iis.u-tokyo.ac.jp", "=pop.gmail.com");
  expected = replaced(expected, "=mail.iis.u-tokyo.ac.jp", "=smtp.gmail.com");
  expected = replaced(expected, "UserID=tanaka\r\n", "UserID=tanaka@gmail.com\r\n");
  EXPECT_EQ(file_of(*profile, kUtokyo).current(), expected);
  ASSERT_EQ(findings.size(), 1u);
  EXPECT_EQ(findings[0].severity, Severity::ActionRequired);
  EXPECT_EQ(findings[0].message(),
            "In Becky!, open Tools > Mailbox Setup for \"生産技術研究所\", click SMTP "
            "Authentication on the Basic tab and enter other@gmail.com as the user name for "
            "sending, with its password; mailmig cannot write a separate sending user for "
            "Becky!.");
  const Account after = account_of(*profile, kUtokyo);
  EXPECT_EQ(after.incoming.hostname, "pop.gmail.com");
  EXPECT_EQ(after.outgoing->hostname, "smtp.gmail.com");
  EXPECT_EQ(after.outgoing->username, "tanaka@gmail.com");
}

TEST(BeckyProfile, ProtocolChangesInvalidValuesAndUnknownAccountsAreReported) {
  auto profile = load(kDataDir);
  auto findings = profile->apply(kUtokyo, {{"imap", "incoming.protocol", "pop3", "imap", ""},
                                           {"bad", "incoming.port", "110", "eleven", ""}});
  // Both refusals are the plan's: the value no key can hold, then the switch Becky! cannot make.
  ASSERT_EQ(findings.size(), 2u);
  EXPECT_EQ(findings[0].rule, "bad");
  EXPECT_EQ(findings[0].severity, Severity::Warning);
  EXPECT_EQ(findings[0].message(),
            "mailmig cannot set incoming.port to \"eleven\" for the Becky! mailbox "
            "\"生産技術研究所\".");
  EXPECT_EQ(findings[1].rule, "imap");
  EXPECT_EQ(findings[1].severity, Severity::ActionRequired);
  EXPECT_EQ(findings[1].message(),
            "Becky! cannot switch the mailbox \"生産技術研究所\" from pop3 to imap in place. In "
            "Becky!, create a new mailbox with File > Mailbox > New and enter the new server "
            "settings there.");
  EXPECT_FALSE(file_of(*profile, kUtokyo).changed());

  auto unknown = profile->apply("nope.mb", {{"r", "incoming.port", "110", "995", ""}});
  ASSERT_EQ(unknown.size(), 1u);
  EXPECT_EQ(unknown[0].message(), "There is no Becky! mailbox \"nope.mb\" in this profile.");
}

// What Becky! cannot store is planned as a step by hand: STARTTLS with the port and login that
// go with it, a switch to IMAP, a sending user of its own. The rest of the plan stays.
TEST(BeckyProfile, CapabilitiesKeepThePlanToWhatBeckyCanStore) {
  auto profile = load(kDataDir);
  const Account utokyo = account_of(*profile, kUtokyo);
  const EditPlan plan = plan_of_changes(
      profile->capabilities(utokyo), utokyo,
      {{"pop-starttls", "incoming.socketType", "plain", "STARTTLS", ""},
       {"pop-starttls", "incoming.port", "110", "143", ""},
       {"submission", "outgoing.port", "25", "587", ""},
       {"submission", "outgoing.socketType", "plain", "STARTTLS", ""},
       {"move", "outgoing.hostname", "mail.iis.u-tokyo.ac.jp", "smtp.gmail.com", ""},
       {"move", "outgoing.username", "tanaka", "other@gmail.com", ""}});
  ASSERT_EQ(plan.changes.size(), 1u);
  EXPECT_EQ(plan.changes[0].field, "outgoing.hostname");
  EXPECT_EQ(plan.after.incoming, utokyo.incoming);
  ASSERT_EQ(plan.findings.size(), 3u);
  for (const Finding& finding : plan.findings) {
    EXPECT_EQ(finding.severity, Severity::ActionRequired);
  }
  EXPECT_EQ(plan.findings[0].rule, "pop-starttls");
  EXPECT_EQ(plan.findings[0].message(),
            "In Becky!, open Tools > Mailbox Setup for \"生産技術研究所\". On the Advanced tab "
            "set the POP3 port to 143 and choose STARTTLS for receiving under SSL/TLS; on the "
            "Basic tab set the authentication to password-cleartext. mailmig left the receiving "
            "settings unchanged because it cannot set STARTTLS in Becky!.");
  EXPECT_EQ(plan.findings[1].rule, "submission");
  EXPECT_EQ(plan.findings[1].message(),
            "In Becky!, open Tools > Mailbox Setup for \"生産技術研究所\". On the Advanced tab "
            "set the SMTP port to 587 and choose STARTTLS for sending under SSL/TLS; on the Basic "
            "tab set SMTP Authentication to password-cleartext. mailmig left the sending settings "
            "unchanged because it cannot set STARTTLS in Becky!.");
  EXPECT_EQ(plan.findings[2].rule, "move");
  EXPECT_EQ(plan.findings[2].message(),
            "In Becky!, open Tools > Mailbox Setup for \"生産技術研究所\", click SMTP "
            "Authentication on the Basic tab and enter other@gmail.com as the user name for "
            "sending, with its password; mailmig cannot write a separate sending user for "
            "Becky!.");

  const EditPlan imap = plan_of_changes(profile->capabilities(utokyo), utokyo,
                                        {{"imap", "incoming.protocol", "pop3", "imap", ""}});
  EXPECT_TRUE(imap.changes.empty());
  ASSERT_EQ(imap.findings.size(), 1u);
  EXPECT_EQ(imap.findings[0].message(),
            "Becky! cannot switch the mailbox \"生産技術研究所\" from pop3 to imap in place. In "
            "Becky!, create a new mailbox with File > Mailbox > New and enter the new server "
            "settings there.");

  // A login Becky!'s keys cannot say keeps the whole connection as it was.
  const EditPlan cram = plan_of_changes(
      profile->capabilities(utokyo), utokyo,
      {{"r", "incoming.port", "110", "995", ""},
       {"r", "incoming.socketType", "plain", "SSL", ""},
       {"r", "incoming.authentication", "password-cleartext", "password-encrypted", ""}});
  EXPECT_TRUE(cram.changes.empty());
  ASSERT_EQ(cram.findings.size(), 1u);
  EXPECT_EQ(cram.findings[0].message(),
            "In Becky!, open Tools > Mailbox Setup for \"生産技術研究所\": on the Basic tab "
            "choose password-encrypted as the authentication for receiving, and on the Advanced "
            "tab set the POP3 port to 995 and SSL/TLS to SSL. mailmig left the receiving settings "
            "unchanged because it cannot write that authentication for Becky!.");
}

TEST(BeckyProfile, DisplayTextDecodesAndMasks) {
  auto profile = load(kFixtures / "becky/mailbox-mixed.ini");
  const ProfileFile file = profile->files().front();
  const std::string shown = profile->display_text(file, file.current());
  EXPECT_NE(shown.find("Name = 表 \n"), std::string::npos);
  EXPECT_NE(shown.find("SMTPPass=********\r\n"), std::string::npos);
  EXPECT_EQ(shown.find("pop-Pass2"), std::string::npos);
  EXPECT_EQ(profile->display_text(file, "Name=x\r\n"),
            file.path + ":1: expected a [Section] header before this line\n");
}

}  // namespace
}  // namespace mailmig
