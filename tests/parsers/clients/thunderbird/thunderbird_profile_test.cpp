#include "parsers/clients/thunderbird/thunderbird_profile.h"

#include <gtest/gtest.h>

#include <boost/filesystem.hpp>
#include <fstream>
#include <nlohmann/json.hpp>
#include <string>
#include <string_view>
#include <vector>

#include "parsers/clients/thunderbird/thunderbird_client.h"
#include "src/io/read_file.h"
#include "tests/parsers/clients/thunderbird/guid_shape.h"

namespace mailmig {
namespace {

namespace fs = boost::filesystem;

const std::string kFixtures = std::string(MAILMIG_SOURCE_DIR) + "/fixtures/";
const std::string kLinuxTanaka = kFixtures + "homes/linux/.thunderbird/k3m9x2ab.default-release";
const std::string kLinuxHanako = kFixtures + "homes/linux/.thunderbird/p7q1w5zc.hanako";
const std::string kWindows =
    kFixtures + "homes/windows/AppData/Roaming/Thunderbird/Profiles/x8f2k1qz.default-release";
const std::string kPeer =
    std::string(MAILMIG_SHARED_DIR) + "/peer-samples/real-clients/thunderbird-153";

std::string read_bytes(const std::string& path) {
  const ReadResult read = read_file(path);
  EXPECT_TRUE(read.ok) << read.error;
  return read.bytes;
}

std::string replace_all(std::string_view bytes, const std::string& from, const std::string& to) {
  std::string text(bytes);
  for (std::size_t at = text.find(from); at != std::string::npos;
       at = text.find(from, at + to.size())) {
    text.replace(at, from.size(), to);
  }
  return text;
}

std::string replace_once(std::string_view bytes, const std::string& from, const std::string& to) {
  std::string text(bytes);
  const std::size_t at = text.find(from);
  EXPECT_NE(at, std::string::npos) << from;
  if (at != std::string::npos) text.replace(at, from.size(), to);
  return text;
}

// A scratch profile folder, removed again at the end of the test.
class TempProfile {
 public:
  TempProfile() : dir_(fs::temp_directory_path() / fs::unique_path("mailmig-tb-%%%%-%%%%-%%%%")) {
    fs::create_directories(dir_);
  }
  ~TempProfile() {
    boost::system::error_code ignored;
    fs::remove_all(dir_, ignored);
  }
  void write(const std::string& name, const std::string& bytes) const {
    const fs::path file = dir_ / name;
    fs::create_directories(file.parent_path());
    std::ofstream(file.string(), std::ios::binary) << bytes;
  }
  std::string path() const { return dir_.generic_string(); }

 private:
  fs::path dir_;
};

std::unique_ptr<Profile> load(const std::string& dir) {
  LoadResult result = load_thunderbird_profile(dir);
  EXPECT_TRUE(result) << result.error;
  return std::move(result.profile);
}

ProfileFile file_named(const Profile& profile, const std::string& suffix) {
  for (const ProfileFile& file : profile.files()) {
    if (file.path.ends_with(suffix)) return file;
  }
  ADD_FAILURE() << "no file " << suffix;
  return profile.files().front();
}

Change change(const std::string& field, const std::string& from, const std::string& to) {
  return Change{"test-rule", field, from, to, "a test"};
}

std::vector<std::string> messages(const std::vector<Finding>& findings) {
  std::vector<std::string> out;
  for (const Finding& finding : findings) {
    out.push_back(std::string(to_string(finding.severity)) + " " + finding.rule + ": " +
                  finding.message());
  }
  return out;
}

TEST(ThunderbirdProfile, AccountsWithEffectiveValues) {
  const auto profile = load(kLinuxTanaka);
  ASSERT_TRUE(profile);
  EXPECT_EQ(profile->client(), kThunderbird);
  EXPECT_EQ(profile->path(), kLinuxTanaka);
  const std::vector<Account> accounts = profile->accounts();
  ASSERT_EQ(accounts.size(), 2u);  // Local Folders is no mail account
  EXPECT_EQ(accounts[0], (Account{"account1",
                                  "東大 生産技術研究所 (tanaka@imap.iis.u-tokyo.ac.jp)",
                                  "tanaka@iis.u-tokyo.ac.jp",
                                  {Protocol::Imap, "imap.iis.u-tokyo.ac.jp", 143, SocketType::Plain,
                                   AuthMethod::PasswordCleartext, "tanaka"},
                                  ServerSettings{Protocol::Smtp, "mail.iis.u-tokyo.ac.jp", 25,
                                                 SocketType::Plain, AuthMethod::Ntlm, "tanaka"},
                                  true}));
  EXPECT_EQ(accounts[1], (Account{"account2",
                                  "九工大 クラブ",
                                  "tanaka@club.kyutech.ac.jp",
                                  {Protocol::Pop3, "pop3.club.kyutech.ac.jp", 110,
                                   SocketType::Plain, AuthMethod::PasswordCleartext, "tanaka"},
                                  ServerSettings{Protocol::Smtp, "smtp.club.kyutech.ac.jp", 25,
                                                 SocketType::Plain, AuthMethod::None, ""},
                                  true}));
  EXPECT_TRUE(profile->findings().empty());
  ASSERT_EQ(profile->files().size(), 4u);
  EXPECT_EQ(profile->files()[0].path, kLinuxTanaka + "/prefs.js");
  EXPECT_EQ(profile->files()[1].path, kLinuxTanaka + "/logins.json");
  EXPECT_EQ(profile->files()[2].path,
            kLinuxTanaka + "/ImapMail/imap.iis.u-tokyo.ac.jp/msgFilterRules.dat");
  EXPECT_EQ(profile->files()[3].path, kLinuxTanaka + "/Mail/Local Folders/msgFilterRules.dat");
  for (const ProfileFile& file : profile->files()) {
    EXPECT_EQ(file.original(), read_bytes(file.path));
    EXPECT_FALSE(file.changed());
  }
}

TEST(ThunderbirdProfile, AFileIsAViewOfTheDocumentHoldingItsBytes) {
  const auto profile = load(kLinuxTanaka);
  ASSERT_TRUE(profile);
  const auto& thunderbird = static_cast<const ThunderbirdProfile&>(*profile);
  const ProfileFile prefs = profile->files().at(0);
  // The bytes read are held once, in prefs.js's document.
  EXPECT_EQ(prefs.document, &thunderbird.prefs());
  EXPECT_EQ(prefs.original(), read_bytes(kLinuxTanaka + "/prefs.js"));
  // A file taken before an edit shows it: nothing is copied out of the document.
  EXPECT_FALSE(prefs.changed());
  profile->apply("account1", {change("incoming.port", "143", "993")});
  EXPECT_TRUE(prefs.changed());
  EXPECT_NE(prefs.current().find("\"mail.server.server1.port\", 993"), std::string::npos);
}

TEST(ThunderbirdProfile, EffectiveValueRules) {
  TempProfile dir;
  dir.write("prefs.js",
            "user_pref(\"mail.accountmanager.accounts\", \"a1, a2,a3,a4,a5,a1\");\n"
            "user_pref(\"mail.account.a1.server\", \"s1\");\n"
            "user_pref(\"mail.account.a1.identities\", \"i1,i2\");\n"
            "user_pref(\"mail.server.s1.type\", \"pop3\");\n"
            "user_pref(\"mail.server.s1.hostname\", \"pop.example.jp\");\n"
            "user_pref(\"mail.server.s1.port\", 1);\n"
            "user_pref(\"mail.server.s1.socketType\", 1);\n"
            "user_pref(\"mail.server.s1.authMethod\", 2);\n"
            "user_pref(\"mail.identity.i1.useremail\", \"a@example.jp\");\n"
            "user_pref(\"mail.identity.i2.smtpServer\", \"smtp9\");\n"
            "user_pref(\"mail.smtp.defaultserver\", \"smtp1\");\n"
            "user_pref(\"mail.smtpserver.smtp1.hostname\", \"smtp.example.jp\");\n"
            "user_pref(\"mail.smtpserver.smtp1.port\", 0);\n"
            "user_pref(\"mail.smtpserver.smtp1.try_ssl\", 3);\n"
            "user_pref(\"mail.smtpserver.smtp1.authMethod\", 10);\n"
            "user_pref(\"mail.account.a2.server\", \"s2\");\n"
            "user_pref(\"mail.server.s2.type\", \"imap\");\n"
            "user_pref(\"mail.server.s2.hostname\", \"imap.example.jp\");\n"
            "user_pref(\"mail.server.s2.name\", \"IMAP\");\n"
            "user_pref(\"mail.server.s2.port\", 1);\n"
            "user_pref(\"mail.server.s2.authMethod\", 8);\n"
            "user_pref(\"mail.account.a3.server\", \"s3\");\n"
            "user_pref(\"mail.server.s3.type\", \"nntp\");\n"
            "user_pref(\"mail.server.s3.hostname\", \"news.example.jp\");\n"
            "user_pref(\"mail.server.s3.port\", -1);\n"
            "user_pref(\"mail.server.s3.isSecure\", true);\n"
            "user_pref(\"mail.server.s3.authMethod\", 1);\n"
            "user_pref(\"mail.account.a4.server\", \"s4\");\n"
            "user_pref(\"mail.server.s4.type\", \"rss\");\n"
            "user_pref(\"mail.account.a5.server\", \"s5\");\n"
            "user_pref(\"mail.server.s5.type\", \"none\");\n");
  const auto profile = load(dir.path());
  ASSERT_TRUE(profile);
  const std::vector<Account> accounts = profile->accounts();
  ASSERT_EQ(accounts.size(), 3u);
  EXPECT_EQ(accounts[0], (Account{"a1",
                                  "pop.example.jp",
                                  "a@example.jp",
                                  {Protocol::Pop3, "pop.example.jp", 110, SocketType::StartTls,
                                   AuthMethod::PasswordCleartext, ""},
                                  ServerSettings{Protocol::Smtp, "smtp.example.jp", 465,
                                                 SocketType::Ssl, AuthMethod::OAuth2, ""},
                                  true}));
  EXPECT_EQ(accounts[1], (Account{"a2",
                                  "IMAP",
                                  "",
                                  {Protocol::Imap, "imap.example.jp", 1, SocketType::Plain,
                                   AuthMethod::PasswordEncrypted, ""},
                                  ServerSettings{Protocol::Smtp, "smtp.example.jp", 465,
                                                 SocketType::Ssl, AuthMethod::OAuth2, ""},
                                  true}));
  EXPECT_EQ(accounts[2].incoming, (ServerSettings{Protocol::Nntp, "news.example.jp", 563,
                                                  SocketType::Ssl, AuthMethod::None, ""}));
}

TEST(ThunderbirdProfile, IncomingHostRenameFollowsThunderbird) {
  const auto profile = load(kLinuxTanaka);
  ASSERT_TRUE(profile);
  const std::vector<Finding> findings = profile->apply(
      "account1",
      {change("incoming.hostname", "imap.iis.u-tokyo.ac.jp", "imap2.iis.u-tokyo.ac.jp")});
  EXPECT_EQ(messages(findings), std::vector<std::string>{});

  const ProfileFile& prefs = file_named(*profile, "/prefs.js");
  std::string expected = replace_all(prefs.original(), "tanaka@imap.iis.u-tokyo.ac.jp",
                                     "tanaka@imap2.iis.u-tokyo.ac.jp");
  expected = replace_once(
      expected, "user_pref(\"mail.server.server1.hostname\", \"imap.iis.u-tokyo.ac.jp\");",
      "user_pref(\"mail.server.server1.hostname\", \"imap2.iis.u-tokyo.ac.jp\");");
  EXPECT_EQ(prefs.current(), expected);
  // The local folder keeps its name, as in Thunderbird.
  EXPECT_NE(prefs.current().find("\"[ProfD]ImapMail/imap.iis.u-tokyo.ac.jp\""), std::string::npos);

  const ProfileFile& logins = file_named(*profile, "/logins.json");
  EXPECT_EQ(logins.current(), replace_all(logins.original(), "imap://imap.iis.u-tokyo.ac.jp",
                                          "imap://imap2.iis.u-tokyo.ac.jp"));
  const ProfileFile& imap_filters =
      file_named(*profile, "ImapMail/imap.iis.u-tokyo.ac.jp/msgFilterRules.dat");
  EXPECT_EQ(imap_filters.current(),
            replace_all(imap_filters.original(), "tanaka@imap.iis.u-tokyo.ac.jp/",
                        "tanaka@imap2.iis.u-tokyo.ac.jp/"));
  EXPECT_FALSE(file_named(*profile, "Local Folders/msgFilterRules.dat").changed());
  EXPECT_EQ(profile->accounts()[0].incoming.hostname, "imap2.iis.u-tokyo.ac.jp");
  EXPECT_EQ(profile->accounts()[0].name, "東大 生産技術研究所 (tanaka@imap2.iis.u-tokyo.ac.jp)");
}

TEST(ThunderbirdProfile, UserNameChangeRewritesUrisAndAsksForThePassword) {
  const auto profile = load(kLinuxTanaka);
  ASSERT_TRUE(profile);
  const std::vector<Finding> findings = profile->apply(
      "account2", {change("incoming.username", "tanaka", "tanaka@club.kyutech.ac.jp")});
  EXPECT_EQ(messages(findings),
            std::vector<std::string>{
                "action-required test-rule: Enter the password once for 九工大 クラブ: Thunderbird "
                "keeps saved passwords under the user name, which mailmig cannot change."});
  ASSERT_EQ(findings.size(), 1u);
  EXPECT_EQ(findings[0].message_template,
            "Enter the password once for {account}: Thunderbird keeps saved passwords under the "
            "user name, which mailmig cannot change.");

  const ProfileFile& prefs = file_named(*profile, "/prefs.js");
  std::string expected =
      replace_all(prefs.original(), "mailbox://tanaka@pop3.club.kyutech.ac.jp",
                  "mailbox://tanaka%40club.kyutech.ac.jp@pop3.club.kyutech.ac.jp");
  expected =
      replace_once(expected, "user_pref(\"mail.server.server2.userName\", \"tanaka\");",
                   "user_pref(\"mail.server.server2.userName\", \"tanaka@club.kyutech.ac.jp\");");
  EXPECT_EQ(prefs.current(), expected);
  EXPECT_FALSE(file_named(*profile, "/logins.json").changed());
  const ProfileFile& local_filters = file_named(*profile, "Local Folders/msgFilterRules.dat");
  EXPECT_EQ(local_filters.current(),
            replace_once(local_filters.original(), "mailbox://tanaka@pop3.club.kyutech.ac.jp/",
                         "mailbox://tanaka%40club.kyutech.ac.jp@pop3.club.kyutech.ac.jp/"));
  EXPECT_EQ(profile->accounts()[1].incoming.username, "tanaka@club.kyutech.ac.jp");
}

TEST(ThunderbirdProfile, IncomingSecurityPortAndAuthentication) {
  const auto profile = load(kLinuxTanaka);
  ASSERT_TRUE(profile);
  const std::string original(profile->files()[0].original());
  EXPECT_TRUE(profile
                  ->apply("account1", {change("incoming.socketType", "plain", "SSL"),
                                       change("incoming.port", "143", "993")})
                  .empty());
  std::string expected =
      replace_once(original, "user_pref(\"mail.server.server1.port\", 143);\n", "");
  expected = replace_once(expected, "user_pref(\"mail.server.server1.spamActionTargetAccount\"",
                          "user_pref(\"mail.server.server1.socketType\", 3);\n"
                          "user_pref(\"mail.server.server1.spamActionTargetAccount\"");
  EXPECT_EQ(profile->files()[0].current(), expected);
  const std::string after_first = expected;
  EXPECT_EQ(profile->accounts()[0].incoming.port, 993);
  EXPECT_EQ(profile->accounts()[0].incoming.socket_type, SocketType::Ssl);

  // A port that is not the default of the socket type is written; APOP is authMethod 4.
  EXPECT_TRUE(
      profile
          ->apply("account2", {change("incoming.port", "110", "11110"),
                               change("incoming.authentication", "password-cleartext", "apop")})
          .empty());
  expected = replace_once(expected, "user_pref(\"mail.server.server2.directory\"",
                          "user_pref(\"mail.server.server2.authMethod\", 4);\n"
                          "user_pref(\"mail.server.server2.directory\"");
  expected = replace_once(expected, "user_pref(\"mail.server.server2.spamActionTargetAccount\"",
                          "user_pref(\"mail.server.server2.port\", 11110);\n"
                          "user_pref(\"mail.server.server2.spamActionTargetAccount\"");
  EXPECT_EQ(profile->files()[0].current(), expected);
  EXPECT_EQ(profile->accounts()[1].incoming.authentication, AuthMethod::PasswordEncrypted);
  EXPECT_EQ(profile->accounts()[1].incoming.port, 11110);

  // Back to the defaults: Thunderbird keeps neither pref.
  EXPECT_TRUE(profile
                  ->apply("account2", {change("incoming.port", "11110", "110"),
                                       change("incoming.authentication", "password-encrypted",
                                              "password-cleartext")})
                  .empty());
  EXPECT_EQ(profile->files()[0].current(), after_first);
}

TEST(ThunderbirdProfile, LegacyIsSecureIsRemovedWithTheSocketType) {
  TempProfile dir;
  dir.write("prefs.js", read_bytes(kFixtures + "thunderbird/prefs-old-header.js"));
  const auto profile = load(dir.path());
  ASSERT_TRUE(profile);
  const Account before = profile->accounts()[0];
  EXPECT_EQ(before.incoming,
            (ServerSettings{Protocol::Pop3, "pop.tanaka.dti.ne.jp", 995, SocketType::Ssl,
                            AuthMethod::PasswordCleartext, "tanaka"}));
  EXPECT_EQ(before.outgoing,
            (ServerSettings{Protocol::Smtp, "smtp.tanaka.dti.ne.jp", 587, SocketType::Plain,
                            AuthMethod::PasswordCleartext, ""}));
  EXPECT_EQ(messages(profile->findings()),
            std::vector<std::string>{
                "warning thunderbird-profile: The outgoing servers smtp1 in " + dir.path() +
                " still use the auth_method setting of Thunderbird before 3.1: start Thunderbird "
                "once to update the profile, then run mailmig again."});
  EXPECT_TRUE(profile
                  ->apply("account1", {change("incoming.socketType", "SSL", "STARTTLS"),
                                       change("incoming.port", "995", "110")})
                  .empty());
  EXPECT_EQ(profile->files()[0].current(),
            replace_once(profile->files()[0].original(),
                         "user_pref(\"mail.server.server1.isSecure\", true);\n",
                         "user_pref(\"mail.server.server1.socketType\", 2);\n"));
}

TEST(ThunderbirdProfile, ServersRenamedBeforeThunderbird102) {
  TempProfile dir;
  const std::string prefs = read_bytes(kFixtures + "thunderbird/prefs-sorted.js");
  dir.write("prefs.js", replace_once(prefs, "user_pref(\"mail.server.server1.type\"",
                                     "user_pref(\"mail.server.server1.realhostname\", "
                                     "\"pop2.iis.u-tokyo.ac.jp\");\n"
                                     "user_pref(\"mail.server.server1.type\""));
  const auto profile = load(dir.path());
  ASSERT_TRUE(profile);
  EXPECT_EQ(profile->accounts()[0].incoming.hostname, "pop2.iis.u-tokyo.ac.jp");
  EXPECT_EQ(messages(profile->apply(
                "account1", {change("incoming.hostname", "pop2.iis.u-tokyo.ac.jp", "pop.gmail.com"),
                             change("incoming.port", "110", "995"),
                             change("incoming.socketType", "plain", "SSL")})),
            std::vector<std::string>{
                "action-required test-rule: 東大 POP was renamed in a Thunderbird older than 102: "
                "start Thunderbird once so it updates the profile, then run mailmig again to "
                "change the server name or user name."});
  EXPECT_EQ(profile->accounts()[0].incoming,
            (ServerSettings{Protocol::Pop3, "pop2.iis.u-tokyo.ac.jp", 995, SocketType::Ssl,
                            AuthMethod::PasswordCleartext, "tanaka"}));
}

TEST(ThunderbirdProfile, ProtocolChangeIsNotExpressible) {
  const auto profile = load(kLinuxTanaka);
  ASSERT_TRUE(profile);
  const std::vector<Finding> findings =
      profile->apply("account2", {Change{"pop-to-imap", "incoming.protocol", "pop3", "imap", ""}});
  EXPECT_EQ(messages(findings), std::vector<std::string>{
                                    "action-required pop-to-imap: Thunderbird cannot change 九工大 "
                                    "クラブ from pop3 to imap: add a new account with the new "
                                    "settings in Thunderbird, then remove the old one."});
  for (const ProfileFile& file : profile->files()) EXPECT_FALSE(file.changed());
  EXPECT_EQ(
      messages(profile->apply("account9", {change("incoming.port", "1", "2")})),
      std::vector<std::string>{"action-required test-rule: There is no mail account account9 in " +
                               kLinuxTanaka + "."});
}

TEST(ThunderbirdProfile, SmtpAuthCopiesTheIncomingLogin) {
  const auto profile = load(kLinuxTanaka);
  ASSERT_TRUE(profile);
  const std::vector<Finding> findings =
      profile->apply("account2", {change("outgoing.port", "25", "587"),
                                  change("outgoing.socketType", "plain", "STARTTLS"),
                                  change("outgoing.authentication", "none", "password-cleartext"),
                                  change("outgoing.username", "", "tanaka")});
  EXPECT_EQ(messages(findings), std::vector<std::string>{});
  const ProfileFile& prefs = file_named(*profile, "/prefs.js");
  std::string expected =
      replace_once(prefs.original(), "user_pref(\"mail.smtpserver.smtp2.authMethod\", 1);",
                   "user_pref(\"mail.smtpserver.smtp2.authMethod\", 3);");
  expected = replace_once(expected, "user_pref(\"mail.smtpserver.smtp2.port\", 25);",
                          "user_pref(\"mail.smtpserver.smtp2.port\", 587);");
  expected = replace_once(expected, "user_pref(\"mail.smtpserver.smtp2.try_ssl\", 0);",
                          "user_pref(\"mail.smtpserver.smtp2.try_ssl\", 2);");
  expected = replace_once(expected, "user_pref(\"mail.smtpserver.smtp2.type\", \"smtp\");\n",
                          "user_pref(\"mail.smtpserver.smtp2.type\", \"smtp\");\n"
                          "user_pref(\"mail.smtpserver.smtp2.username\", \"tanaka\");\n");
  EXPECT_EQ(prefs.current(), expected);
  EXPECT_EQ(profile->accounts()[1].outgoing,
            (ServerSettings{Protocol::Smtp, "smtp.club.kyutech.ac.jp", 587, SocketType::StartTls,
                            AuthMethod::PasswordCleartext, "tanaka"}));

  const ProfileFile& logins = file_named(*profile, "/logins.json");
  const auto before = nlohmann::json::parse(logins.original());
  const auto after = nlohmann::json::parse(logins.current());
  EXPECT_EQ(after["nextId"], 5);
  ASSERT_EQ(after["logins"].size(), 4u);
  auto copy = after["logins"][3];
  EXPECT_TRUE(is_v4_guid(copy["guid"].get<std::string>())) << copy["guid"];
  auto source = before["logins"][1];
  source["id"] = 4;
  source["hostname"] = "smtp://smtp.club.kyutech.ac.jp";
  source["httpRealm"] = "smtp://smtp.club.kyutech.ac.jp";
  source["guid"] = copy["guid"];
  EXPECT_EQ(copy, source);
  // Everything before the new object is unchanged, apart from nextId.
  const std::size_t inserted = logins.original().find("],\"potentiallyVulnerablePasswords\"");
  EXPECT_EQ(logins.current().substr(11, inserted - 11),
            logins.original().substr(11, inserted - 11));
  EXPECT_EQ(logins.current().substr(0, 11), "{\"nextId\":5");
}

TEST(ThunderbirdProfile, SmtpAuthWithoutASavedLoginAsksOnce) {
  TempProfile dir;
  dir.write("prefs.js", read_bytes(kLinuxHanako + "/prefs.js"));
  const auto profile = load(dir.path());
  ASSERT_TRUE(profile);
  const std::vector<Finding> findings =
      profile->apply("account2", {change("outgoing.authentication", "none", "password-cleartext"),
                                  change("outgoing.username", "", "hanako")});
  EXPECT_EQ(messages(findings),
            std::vector<std::string>{
                "action-required test-rule: Thunderbird will ask once for the password of the "
                "outgoing server smtp.tanaka.dti.ne.jp of DTI: enter it and let Thunderbird "
                "remember it."});
  EXPECT_EQ(profile->files().size(), 1u);

  // A different SMTP user cannot use the incoming login either.
  const auto with_logins = load(kLinuxHanako);
  ASSERT_TRUE(with_logins);
  EXPECT_EQ(
      with_logins
          ->apply("account2", {change("outgoing.authentication", "none", "password-cleartext"),
                               change("outgoing.username", "", "hanako@tanaka.dti.ne.jp")})
          .size(),
      1u);
  EXPECT_FALSE(file_named(*with_logins, "/logins.json").changed());
}

TEST(ThunderbirdProfile, SmtpHostRenameCarriesTheLogin) {
  const auto profile = load(kLinuxTanaka);
  ASSERT_TRUE(profile);
  EXPECT_TRUE(profile
                  ->apply("account1", {change("outgoing.hostname", "mail.iis.u-tokyo.ac.jp",
                                              "smtp.iis.u-tokyo.ac.jp")})
                  .empty());
  const ProfileFile& prefs = file_named(*profile, "/prefs.js");
  EXPECT_EQ(
      prefs.current(),
      replace_once(prefs.original(),
                   "user_pref(\"mail.smtpserver.smtp1.hostname\", \"mail.iis.u-tokyo.ac.jp\");",
                   "user_pref(\"mail.smtpserver.smtp1.hostname\", \"smtp.iis.u-tokyo.ac.jp\");"));
  const ProfileFile& logins = file_named(*profile, "/logins.json");
  EXPECT_EQ(logins.current(), replace_all(logins.original(), "smtp://mail.iis.u-tokyo.ac.jp",
                                          "smtp://smtp.iis.u-tokyo.ac.jp"));
}

TEST(ThunderbirdProfile, SharedSmtpServerIsReported) {
  TempProfile dir;
  dir.write("prefs.js",
            "user_pref(\"mail.account.account1.identities\", \"id1\");\n"
            "user_pref(\"mail.account.account1.server\", \"server1\");\n"
            "user_pref(\"mail.account.account2.identities\", \"id2\");\n"
            "user_pref(\"mail.account.account2.server\", \"server2\");\n"
            "user_pref(\"mail.accountmanager.accounts\", \"account1,account2\");\n"
            "user_pref(\"mail.identity.id1.smtpServer\", \"smtp1\");\n"
            "user_pref(\"mail.server.server1.hostname\", \"pop.iis.u-tokyo.ac.jp\");\n"
            "user_pref(\"mail.server.server1.name\", \"研究室\");\n"
            "user_pref(\"mail.server.server1.type\", \"pop3\");\n"
            "user_pref(\"mail.server.server2.hostname\", \"imap.iis.u-tokyo.ac.jp\");\n"
            "user_pref(\"mail.server.server2.name\", \"東大 IMAP\");\n"
            "user_pref(\"mail.server.server2.type\", \"imap\");\n"
            "user_pref(\"mail.smtp.defaultserver\", \"smtp1\");\n"
            "user_pref(\"mail.smtpserver.smtp1.hostname\", \"mail.iis.u-tokyo.ac.jp\");\n");
  const auto profile = load(dir.path());
  ASSERT_TRUE(profile);
  const std::vector<Finding> findings = profile->apply(
      "account1", {Change{"smtp-submission-port", "outgoing.port", "587", "465", ""}});
  EXPECT_EQ(messages(findings),
            std::vector<std::string>{"info smtp-submission-port: The outgoing server "
                                     "mail.iis.u-tokyo.ac.jp is shared: the change also applies "
                                     "to 東大 IMAP."});
  // SMTP servers get explicit values, the port and the security together.
  EXPECT_EQ(
      profile->files()[0].current(),
      replace_once(profile->files()[0].original(),
                   "user_pref(\"mail.smtpserver.smtp1.hostname\", \"mail.iis.u-tokyo.ac.jp\");\n",
                   "user_pref(\"mail.smtpserver.smtp1.hostname\", \"mail.iis.u-tokyo.ac.jp\");\n"
                   "user_pref(\"mail.smtpserver.smtp1.port\", 465);\n"
                   "user_pref(\"mail.smtpserver.smtp1.try_ssl\", 0);\n"));
  EXPECT_EQ(profile->accounts()[1].outgoing->port, 465);
}

TEST(ThunderbirdProfile, WindowsProfileMovesToGmailWithCrlf) {
  const auto profile = load(kWindows);
  ASSERT_TRUE(profile);
  const std::vector<Finding> findings = profile->apply(
      "account1",
      {change("incoming.hostname", "pop.kumail.kyoto-u.ac.jp", "pop.gmail.com"),
       change("incoming.port", "110", "995"), change("incoming.socketType", "plain", "SSL"),
       change("incoming.username", "tanaka", "tanaka@kumail.kyoto-u.ac.jp"),
       change("outgoing.hostname", "smtp.kumail.kyoto-u.ac.jp", "smtp.gmail.com"),
       change("outgoing.username", "tanaka", "tanaka@kumail.kyoto-u.ac.jp")});
  EXPECT_EQ(findings.size(), 1u);  // the password of the new user name
  const ProfileFile& prefs = file_named(*profile, "/prefs.js");
  std::string expected =
      replace_once(prefs.original(),
                   "user_pref(\"mail.server.server1.hostname\", \"pop.kumail.kyoto-u.ac.jp\");",
                   "user_pref(\"mail.server.server1.hostname\", \"pop.gmail.com\");");
  expected =
      replace_once(expected, "user_pref(\"mail.server.server1.name\", \"京都大学 KUMail\");\r\n",
                   "user_pref(\"mail.server.server1.name\", \"京都大学 KUMail\");\r\n"
                   "user_pref(\"mail.server.server1.socketType\", 3);\r\n");
  expected =
      replace_once(expected, "user_pref(\"mail.server.server1.userName\", \"tanaka\");",
                   "user_pref(\"mail.server.server1.userName\", \"tanaka@kumail.kyoto-u.ac.jp\");");
  expected = replace_once(
      expected, "user_pref(\"mail.smtpserver.smtp1.hostname\", \"smtp.kumail.kyoto-u.ac.jp\");",
      "user_pref(\"mail.smtpserver.smtp1.hostname\", \"smtp.gmail.com\");");
  expected = replace_once(
      expected, "user_pref(\"mail.smtpserver.smtp1.username\", \"tanaka\");",
      "user_pref(\"mail.smtpserver.smtp1.username\", \"tanaka@kumail.kyoto-u.ac.jp\");");
  EXPECT_EQ(prefs.current(), expected);
  // Gmail signs in with OAuth2: the old saved passwords stay with the old hosts, never offered
  // to the new provider.
  const ProfileFile& logins = file_named(*profile, "/logins.json");
  EXPECT_EQ(logins.current(), logins.original());
  EXPECT_EQ(profile->accounts()[0].incoming,
            (ServerSettings{Protocol::Pop3, "pop.gmail.com", 995, SocketType::Ssl,
                            AuthMethod::PasswordCleartext, "tanaka@kumail.kyoto-u.ac.jp"}));
}

TEST(ThunderbirdProfile, MoveOntoAnOAuth2HostDropsStaleOAuth2PrefsAndCarriesNoPassword) {
  TempProfile dir;
  std::string prefs = read_bytes(kWindows + "/prefs.js");
  prefs = replace_once(prefs, "user_pref(\"mail.server.server1.name\"",
                       "user_pref(\"mail.server.server1.oauth2.issuer\", \"login.yahoo.com\");\r\n"
                       "user_pref(\"mail.server.server1.name\"");
  prefs = replace_once(prefs, "user_pref(\"mail.smtpserver.smtp1.port\"",
                       "user_pref(\"mail.smtpserver.smtp1.oauth2.scope\", \"mail-w\");\r\n"
                       "user_pref(\"mail.smtpserver.smtp1.port\"");
  dir.write("prefs.js", prefs);
  dir.write("logins.json", read_bytes(kWindows + "/logins.json"));
  const auto profile = load(dir.path());
  ASSERT_TRUE(profile);
  EXPECT_TRUE(profile->account("account1")->oauth2_on_provider_hosts);
  const std::vector<Finding> findings = profile->apply(
      "account1", {change("incoming.hostname", "pop.kumail.kyoto-u.ac.jp", "pop.gmail.com"),
                   change("incoming.authentication", "password-cleartext", "OAuth2"),
                   change("incoming.username", "tanaka", "tanaka@kumail.kyoto-u.ac.jp"),
                   change("outgoing.hostname", "smtp.kumail.kyoto-u.ac.jp", "smtp.gmail.com"),
                   change("outgoing.authentication", "password-cleartext", "OAuth2")});
  // No password to enter: OAuth2 signs in on the provider's page.
  EXPECT_TRUE(findings.empty()) << messages(findings).front();
  const std::string& now = file_named(*profile, "/prefs.js").current();
  EXPECT_EQ(now.find("oauth2."), std::string::npos);
  EXPECT_NE(now.find("user_pref(\"mail.server.server1.authMethod\", 10);"), std::string::npos);
  EXPECT_NE(now.find("user_pref(\"mail.smtpserver.smtp1.authMethod\", 10);"), std::string::npos);
  const ProfileFile& logins = file_named(*profile, "/logins.json");
  EXPECT_EQ(logins.current(), logins.original());
  EXPECT_EQ(profile->account("account1")->outgoing->authentication, AuthMethod::OAuth2);
}

TEST(ThunderbirdProfile, PeerSampleAccountsAndFilesAsWritten) {
  ASSERT_TRUE(read_file(kPeer + "/prefs.js").ok);
  const auto profile = load(kPeer);
  ASSERT_TRUE(profile);
  const std::vector<Account> accounts = profile->accounts();
  ASSERT_EQ(accounts.size(), 2u);
  EXPECT_EQ(accounts[1],
            (Account{"account2",
                     "大学 POP3",
                     "taro.tanaka@gmail.com",
                     {Protocol::Pop3, "pop.example.ac.jp", 110, SocketType::Plain,
                      AuthMethod::PasswordCleartext, "tanaka"},
                     ServerSettings{Protocol::Smtp, "smtp.gmail.com", 465, SocketType::Ssl,
                                    AuthMethod::PasswordCleartext, "taro.tanaka@gmail.com"},
                     true}));
  EXPECT_EQ(accounts[0].outgoing, (ServerSettings{Protocol::Smtp, "smtp.example.ac.jp", 25,
                                                  SocketType::Plain, AuthMethod::None, ""}));
  EXPECT_TRUE(profile->findings().empty());
  for (const ProfileFile& file : profile->files())
    EXPECT_EQ(file.original(), read_bytes(file.path));
}

TEST(ThunderbirdProfile, SmtpAuthFindsAPop3OriginLogin) {
  // The peer sample's POP3 login is filed under pop3:// (chosen by the script that saved it).
  TempProfile dir;
  dir.write("prefs.js", replace_once(read_bytes(kPeer + "/prefs.js"),
                                     "\"mail.identity.id2.smtpServer\", \"smtp2\"",
                                     "\"mail.identity.id2.smtpServer\", \"smtp1\""));
  dir.write("logins.json", read_bytes(kPeer + "/logins.json"));
  const auto profile = load(dir.path());
  ASSERT_TRUE(profile);
  const std::vector<Finding> findings =
      profile->apply("account2", {change("outgoing.authentication", "none", "password-cleartext"),
                                  change("outgoing.username", "", "tanaka")});
  EXPECT_EQ(messages(findings),
            std::vector<std::string>{"info test-rule: The outgoing server smtp.example.ac.jp is "
                                     "shared: the change also applies to 研究室 IMAP (tanaka)."});
  const auto logins = nlohmann::json::parse(file_named(*profile, "/logins.json").current());
  ASSERT_EQ(logins["logins"].size(), 4u);
  EXPECT_EQ(logins["logins"][3]["hostname"], "smtp://smtp.example.ac.jp");
  EXPECT_EQ(logins["logins"][3]["encryptedPassword"], logins["logins"][1]["encryptedPassword"]);
  EXPECT_EQ(logins["nextId"], 5);
}

// user.js is read after prefs.js at every start: its values are the ones Thunderbird uses, so
// the account view reads them and every edit of a pref it sets is made there too.
TEST(ThunderbirdProfile, UserJsWinsAndIsEditedWithPrefsJs) {
  TempProfile dir;
  const std::string prefs =
      replace_once(read_bytes(kFixtures + "thunderbird/prefs-sorted.js"),
                   "\"mail.smtpserver.smtp1.port\", 25", "\"mail.smtpserver.smtp1.port\", 465");
  const std::string user_js = read_bytes(kFixtures + "thunderbird/user.js");
  dir.write("prefs.js", prefs);
  dir.write("user.js", user_js);
  const auto profile = load(dir.path());
  ASSERT_TRUE(profile);
  EXPECT_TRUE(profile->findings().empty());  // no warning about prefs mailmig may never touch
  ASSERT_EQ(profile->files().size(), 2u);
  EXPECT_EQ(profile->account("account1")->outgoing->port, 25);  // user.js over prefs.js's 465
  const std::vector<Finding> findings = profile->apply(
      "account1",
      {change("outgoing.port", "25", "587"), change("outgoing.socketType", "plain", "STARTTLS")});
  EXPECT_EQ(messages(findings),
            std::vector<std::string>{"info thunderbird-profile: user.js in " + dir.path() +
                                     " also sets mail.smtpserver.smtp1.port: mailmig changed them "
                                     "there too, because Thunderbird applies user.js at every "
                                     "start."});
  EXPECT_EQ(file_named(*profile, "/user.js").current(),
            replace_once(user_js, "\"mail.smtpserver.smtp1.port\", 25",
                         "\"mail.smtpserver.smtp1.port\", 587"));
  const std::string& prefs_now = file_named(*profile, "/prefs.js").current();
  EXPECT_NE(prefs_now.find("\"mail.smtpserver.smtp1.port\", 587"), std::string::npos);
  EXPECT_NE(prefs_now.find("\"mail.smtpserver.smtp1.try_ssl\", 2"), std::string::npos);
  EXPECT_EQ(profile->account("account1")->outgoing->port, 587);
  EXPECT_EQ(profile->files().size(), 2u);
  EXPECT_TRUE(profile->files()[1].changed());
  // Read again from the bytes written: the effective value is the migrated one.
  TempProfile again;
  again.write("prefs.js", prefs_now);
  again.write("user.js", file_named(*profile, "/user.js").current());
  EXPECT_EQ(load(again.path())->account("account1")->outgoing->port, 587);
}

TEST(ThunderbirdProfile, UserJsWithASyntaxErrorIsLeftForAPerson) {
  TempProfile dir;
  dir.write("prefs.js", read_bytes(kFixtures + "thunderbird/prefs-sorted.js"));
  const std::string user_js = read_bytes(kFixtures + "thunderbird/user.js") + "user_pref(oops);\n";
  dir.write("user.js", user_js);
  const auto profile = load(dir.path());
  ASSERT_TRUE(profile);
  EXPECT_EQ(messages(profile->apply("account1", {change("outgoing.port", "25", "587")})),
            std::vector<std::string>{"action-required thunderbird-profile: Remove "
                                     "mail.smtpserver.smtp1.port from user.js in " +
                                     dir.path() +
                                     ": mailmig could not change it there, and Thunderbird "
                                     "would put the old value back at every start."});
  EXPECT_EQ(file_named(*profile, "/user.js").current(), user_js);
  EXPECT_FALSE(profile->files()[1].changed());
}

TEST(ThunderbirdProfile, DisplayTextMasksSecrets) {
  const auto profile = load(kLinuxTanaka);
  ASSERT_TRUE(profile);
  const ProfileFile& logins = file_named(*profile, "/logins.json");
  const std::string shown = profile->display_text(logins, logins.current());
  EXPECT_EQ(shown.find("MEMEE"), std::string::npos);
  EXPECT_NE(shown.find("\"encryptedUsername\":\"********\",\"encryptedPassword\":\"********\""),
            std::string::npos);
  EXPECT_NE(shown.find("\"hostname\":\"imap://imap.iis.u-tokyo.ac.jp\""), std::string::npos);

  const ProfileFile prefs = profile->files()[0];
  EXPECT_EQ(profile->display_text(prefs, prefs.current()), prefs.current());
  EXPECT_EQ(profile->display_text(prefs,
                                  "user_pref(\"mail.server.server1.password\", 'c2VjcmV0');\n"
                                  "user_pref(\"raw\", \"\\xff\xff\");\n"),
            "user_pref(\"mail.server.server1.password\", \"********\");\n"
            "user_pref(\"raw\", \"\\xff\\xFF\");\n");
}

TEST(ThunderbirdProfile, MalformedFilesFailTheLoadWithFileAndLine) {
  {
    TempProfile dir;
    dir.write("prefs.js", read_bytes(kFixtures + "thunderbird/prefs-bad-escape.js"));
    EXPECT_EQ(load_thunderbird_profile(dir.path()).error,
              dir.path() +
                  "/prefs.js:2: prefs parse error: unexpected escape sequence character "
                  "after '\\'");
  }
  {
    TempProfile dir;
    dir.write("prefs.js", read_bytes(kFixtures + "thunderbird/prefs-sorted.js"));
    dir.write("logins.json", read_bytes(kFixtures + "thunderbird/logins-malformed.json"));
    EXPECT_EQ(load_thunderbird_profile(dir.path()).error,
              dir.path() + "/logins.json:3: not valid JSON");
  }
  {
    TempProfile dir;
    dir.write("prefs.js", "user_pref(\"mail.server.server1.directory-rel\", \"[ProfD]Mail/x\");\n");
    dir.write("Mail/x/msgFilterRules.dat",
              read_bytes(kFixtures + "thunderbird/msgFilterRules-malformed.dat"));
    EXPECT_EQ(load_thunderbird_profile(dir.path()).error,
              dir.path() + "/Mail/x/msgFilterRules.dat:3: unterminated value of name");
  }
  {
    TempProfile dir;
    const LoadResult result = load_thunderbird_profile(dir.path());
    EXPECT_FALSE(result);
    EXPECT_TRUE(result.error.starts_with(dir.path() + "/prefs.js: ")) << result.error;
  }
}

TEST(ThunderbirdProfile, FixtureRoundTrips) {
  for (const std::string& dir : {kLinuxTanaka, kLinuxHanako, kWindows}) {
    const auto profile = load(dir);
    ASSERT_TRUE(profile);
    EXPECT_EQ(profile->accounts().size(), 2u) << dir;
    for (const ProfileFile& file : profile->files()) {
      EXPECT_EQ(file.current(), read_bytes(file.path)) << file.path;
    }
  }
}

TEST(ThunderbirdServerUri, EncodesLikeThunderbird) {
  EXPECT_EQ(encode_uri_component("tanaka@example.jp -_.!~*'()/日"),
            "tanaka%40example.jp%20-_.!~*'()%2F%E6%97%A5");
  EXPECT_EQ(thunderbird_server_uri("imap", "a b", "imap.example.jp"),
            "imap://a%20b@imap.example.jp");
  EXPECT_EQ(thunderbird_server_uri("mailbox", "", "pop.example.jp"), "mailbox://pop.example.jp");
  EXPECT_EQ(thunderbird_server_uri("news", "", "::1"), "news://%5B%3A%3A1%5D");
}

TEST(ThunderbirdProfile, AccountsReadBackEditsOfServersTheyShare) {
  TempProfile dir;
  dir.write("prefs.js",
            "user_pref(\"mail.account.account1.identities\", \"id1\");\n"
            "user_pref(\"mail.account.account1.server\", \"server1\");\n"
            "user_pref(\"mail.account.account2.identities\", \"id2\");\n"
            "user_pref(\"mail.account.account2.server\", \"server2\");\n"
            "user_pref(\"mail.account.account3.identities\", \"id3\");\n"
            "user_pref(\"mail.account.account3.server\", \"server1\");\n"
            "user_pref(\"mail.accountmanager.accounts\", \"account1,account2,account3\");\n"
            "user_pref(\"mail.identity.id1.smtpServer\", \"smtp1\");\n"
            "user_pref(\"mail.identity.id2.smtpServer\", \"smtp1\");\n"
            "user_pref(\"mail.identity.id3.smtpServer\", \"smtp2\");\n"
            "user_pref(\"mail.server.server1.hostname\", \"pop.iis.u-tokyo.ac.jp\");\n"
            "user_pref(\"mail.server.server1.type\", \"pop3\");\n"
            "user_pref(\"mail.server.server2.hostname\", \"imap.iis.u-tokyo.ac.jp\");\n"
            "user_pref(\"mail.server.server2.type\", \"imap\");\n"
            "user_pref(\"mail.smtpserver.smtp1.hostname\", \"mail.iis.u-tokyo.ac.jp\");\n"
            "user_pref(\"mail.smtpserver.smtp2.hostname\", \"smtp.tanaka.dti.ne.jp\");\n");
  const auto profile = load(dir.path());
  ASSERT_TRUE(profile);
  // Read every account first, so that the edits below must replace what was read.
  const std::vector<Account> before = profile->accounts();
  ASSERT_EQ(before.size(), 3u);
  EXPECT_EQ(before[1].outgoing->port, 587);
  EXPECT_EQ(before[2].incoming.port, 110);
  profile->apply("account1", {Change{"pop3-ssl", "incoming.port", "110", "995", ""},
                              Change{"smtp-submission-port", "outgoing.port", "587", "465", ""}});
  // account2 shares the outgoing server, account3 the incoming one.
  EXPECT_EQ(profile->account("account1")->incoming.port, 995);
  EXPECT_EQ(profile->account("account1")->outgoing->port, 465);
  EXPECT_EQ(profile->account("account2")->outgoing->port, 465);
  EXPECT_EQ(profile->account("account2")->incoming.port, 143);
  EXPECT_EQ(profile->account("account3")->incoming.port, 995);
  EXPECT_EQ(profile->account("account3")->outgoing->port, 587);
  const std::vector<Account> after = profile->accounts();
  EXPECT_EQ(after[1].outgoing->port, 465);
  EXPECT_EQ(after[2].incoming.port, 995);
}

// Thunderbird's OutgoingServerService: an identity without smtpServer sends through
// mail.smtp.defaultserver, or the first of mail.smtpservers when that is unset.
TEST(ThunderbirdProfile, IdentityWithoutSmtpServerSendsThroughTheDefaultServer) {
  const std::string accounts =
      "user_pref(\"mail.account.account1.identities\", \"id1\");\n"
      "user_pref(\"mail.account.account1.server\", \"server1\");\n"
      "user_pref(\"mail.accountmanager.accounts\", \"account1\");\n"
      "user_pref(\"mail.identity.id1.useremail\", \"tanaka@dti.ne.jp\");\n"
      "user_pref(\"mail.server.server1.hostname\", \"pop.dti.ne.jp\");\n"
      "user_pref(\"mail.server.server1.type\", \"pop3\");\n"
      "user_pref(\"mail.smtpserver.smtp1.hostname\", \"smtp.example.jp\");\n"
      "user_pref(\"mail.smtpserver.smtp2.hostname\", \"smtp.dti.ne.jp\");\n"
      "user_pref(\"mail.smtpserver.smtp2.port\", 25);\n";
  for (const std::string& servers :
       {std::string("user_pref(\"mail.smtpservers\", \"smtp2,smtp1\");\n"),
        std::string("user_pref(\"mail.smtp.defaultserver\", \"smtp2\");\n"
                    "user_pref(\"mail.smtpservers\", \"smtp1,smtp2\");\n")}) {
    TempProfile dir;
    dir.write("prefs.js", accounts + servers);
    const auto profile = load(dir.path());
    ASSERT_TRUE(profile);
    const std::optional<Account> account = profile->account("account1");
    ASSERT_TRUE(account && account->outgoing) << servers;
    EXPECT_EQ(account->outgoing->hostname, "smtp.dti.ne.jp");
    EXPECT_EQ(account->outgoing->port, 25);
    EXPECT_TRUE(profile->apply("account1", {change("outgoing.port", "25", "587")}).empty());
    const std::string& prefs = file_named(*profile, "/prefs.js").current();
    EXPECT_NE(prefs.find("user_pref(\"mail.smtpserver.smtp2.port\", 587);"), std::string::npos);
    EXPECT_EQ(prefs.find("mail.smtpserver.smtp1.port"), std::string::npos);
    EXPECT_EQ(profile->account("account1")->outgoing->port, 587);
  }
}

}  // namespace
}  // namespace mailmig
