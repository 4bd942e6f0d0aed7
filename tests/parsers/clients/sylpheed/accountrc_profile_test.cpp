#include "parsers/clients/sylpheed/accountrc_profile.h"
#include "parsers/clients/sylpheed/sylpheed_client.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <boost/filesystem.hpp>
#include <fstream>
#include <iterator>
#include <string>
#include <vector>

namespace mailmig {
namespace {

namespace fs = boost::filesystem;
using ::testing::HasSubstr;
using ::testing::Not;

const fs::path kFixtures = fs::path(MAILMIG_SOURCE_DIR) / "fixtures";
const fs::path kPeers = fs::path(MAILMIG_SHARED_DIR) / "peer-samples" / "real-clients";

std::string slurp(const fs::path& path) {
  std::ifstream in(path.generic_string(), std::ios::binary);
  EXPECT_TRUE(in.good()) << path;
  return std::string((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
}

std::unique_ptr<Profile> make_profile(ClientKind client, std::string accountrc,
                                      std::optional<std::string> clawsrc = std::nullopt) {
  AccountrcFiles files;
  files.accountrc = {"cfg/accountrc", std::move(accountrc)};
  if (clawsrc) files.clawsrc = AccountrcFile{"cfg/clawsrc", std::move(*clawsrc)};
  LoadResult loaded = AccountrcProfile::make(client, "cfg", std::move(files));
  EXPECT_TRUE(loaded) << loaded.error;
  return std::move(loaded.profile);
}

std::unique_ptr<Profile> load(LoadResult loaded) {
  EXPECT_TRUE(loaded) << loaded.error;
  return std::move(loaded.profile);
}

// Replaces the value of `key` in the section that starts with `header`, with plain string
// operations, to state the expected bytes independently of the parser.
std::string with_value(std::string text, const std::string& header, const std::string& key,
                       const std::string& value) {
  const std::size_t section = text.find(header + "\n");
  EXPECT_NE(section, std::string::npos) << header;
  const std::size_t line = text.find("\n" + key + "=", section);
  EXPECT_NE(line, std::string::npos) << key;
  const std::size_t begin = line + 1 + key.size() + 1;
  text.replace(begin, text.find('\n', begin) - begin, value);
  return text;
}

Change change(std::string field, std::string from, std::string to) {
  return Change{"test-rule", std::move(field), std::move(from), std::move(to), "test"};
}

ServerSettings server(Protocol protocol, std::string host, int port, SocketType socket,
                      AuthMethod auth, std::string user) {
  return ServerSettings{protocol, std::move(host), port, socket, auth, std::move(user)};
}

TEST(AccountrcProfile, ReadsTheLinuxSylpheedHome) {
  auto profile =
      load(load_sylpheed_profile((kFixtures / "homes/linux/.sylpheed-2.0").generic_string()));
  EXPECT_EQ(profile->client(), kSylpheed);
  EXPECT_EQ(profile->path(), (kFixtures / "homes/linux/.sylpheed-2.0").generic_string());
  const auto accounts = profile->accounts();
  ASSERT_EQ(accounts.size(), 2u);
  EXPECT_EQ(accounts[0].id, "1");
  EXPECT_EQ(accounts[0].name, "九工大 学生ネット");
  EXPECT_EQ(accounts[0].address, "tanaka@club.kyutech.ac.jp");
  EXPECT_EQ(accounts[0].incoming, server(Protocol::Pop3, "pop3.club.kyutech.ac.jp", 110,
                                         SocketType::Plain, AuthMethod::Apop, "tanaka"));
  EXPECT_EQ(accounts[0].outgoing, server(Protocol::Smtp, "smtp.club.kyutech.ac.jp", 25,
                                         SocketType::Plain, AuthMethod::None, "tanaka"));
  EXPECT_EQ(accounts[1].id, "2");
  EXPECT_EQ(accounts[1].name, "慶應 ITC (花子)");
  EXPECT_EQ(accounts[1].incoming,
            server(Protocol::Pop3, "popper.sc.itc.keio.ac.jp", 110, SocketType::Plain,
                   AuthMethod::PasswordCleartext, "hanako"));
  EXPECT_EQ(accounts[1].outgoing, server(Protocol::Smtp, "smtp.sc.itc.keio.ac.jp", 25,
                                         SocketType::Plain, AuthMethod::SmtpAfterPop, "hanako"));
  ASSERT_EQ(profile->files().size(), 1u);
  EXPECT_EQ(profile->files()[0].path,
            (kFixtures / "homes/linux/.sylpheed-2.0/accountrc").generic_string());
  EXPECT_TRUE(profile->findings().empty());
}

TEST(AccountrcProfile, AcceptsThePathOfTheAccountrcItself) {
  auto profile =
      load(load_sylpheed_profile(
          (kFixtures / "homes/linux/.sylpheed-2.0/accountrc").generic_string()));
  EXPECT_EQ(profile->path(), (kFixtures / "homes/linux/.sylpheed-2.0").generic_string());
  EXPECT_EQ(profile->accounts().size(), 2u);
}

TEST(AccountrcProfile, ReadsTheLinuxClawsHome) {
  const fs::path folder = kFixtures / "homes/linux/.claws-mail";
  auto profile = load(load_claws_profile(folder.generic_string()));
  EXPECT_EQ(profile->client(), kClawsMail);
  const auto accounts = profile->accounts();
  ASSERT_EQ(accounts.size(), 2u);
  EXPECT_EQ(accounts[0].name, "DTI (田中)");
  EXPECT_EQ(accounts[0].incoming,
            server(Protocol::Pop3, "pop.tanaka.dti.ne.jp", 110, SocketType::Plain,
                   AuthMethod::PasswordCleartext, "tanaka"));
  EXPECT_EQ(accounts[0].outgoing, server(Protocol::Smtp, "smtp.tanaka.dti.ne.jp", 25,
                                         SocketType::Plain, AuthMethod::SmtpAfterPop, "tanaka"));
  EXPECT_EQ(accounts[1].name, "KUMail 京大");
  EXPECT_EQ(accounts[1].incoming,
            server(Protocol::Pop3, "pop.kumail.kyoto-u.ac.jp", 995, SocketType::Ssl,
                   AuthMethod::PasswordCleartext, "a0123456"));
  EXPECT_EQ(accounts[1].outgoing,
            server(Protocol::Smtp, "smtp.kumail.kyoto-u.ac.jp", 587, SocketType::Plain,
                   AuthMethod::PasswordCleartext, "a0123456"));
  ASSERT_EQ(profile->files().size(), 3u);
  EXPECT_EQ(profile->files()[1].path, (folder / "clawsrc").generic_string());
  EXPECT_EQ(profile->files()[2].path, (folder / "passwordstorerc").generic_string());
  const auto& claws = dynamic_cast<const AccountrcProfile&>(*profile);
  EXPECT_TRUE(claws.has_saved_password("1", "recv"));
  EXPECT_FALSE(claws.has_saved_password("1", "send"));
  EXPECT_FALSE(claws.has_saved_password("3", "recv"));
}

TEST(AccountrcProfile, OneAccountReadsAsInTheListOfAll) {
  for (const fs::path& folder : {kFixtures / "homes/linux/.claws-mail",
                                 kFixtures / "homes/windows/AppData/Roaming/Claws-mail"}) {
    auto profile = load(load_claws_profile(folder.generic_string()));
    const auto accounts = profile->accounts();
    ASSERT_FALSE(accounts.empty());
    for (const Account& account : accounts) {
      EXPECT_EQ(profile->account(account.id), account) << account.id;
    }
    EXPECT_EQ(profile->account("99"), std::nullopt);
  }
  auto sylpheed =
      load(load_sylpheed_profile((kFixtures / "homes/linux/.sylpheed-2.0").generic_string()));
  for (const Account& account : sylpheed->accounts()) {
    EXPECT_EQ(sylpheed->account(account.id), account) << account.id;
  }
}

TEST(AccountrcProfile, ReadsTheWindowsHomes) {
  const fs::path roaming = kFixtures / "homes/windows/AppData/Roaming";
  auto sylpheed = load(load_sylpheed_profile((roaming / "Sylpheed").generic_string()));
  const auto accounts = sylpheed->accounts();
  ASSERT_EQ(accounts.size(), 2u);
  EXPECT_EQ(accounts[0].incoming,
            server(Protocol::Imap, "imap.iis.u-tokyo.ac.jp", 143, SocketType::Plain,
                   AuthMethod::PasswordEncrypted, "tanaka"));
  EXPECT_EQ(accounts[0].outgoing,
            server(Protocol::Smtp, "mail.iis.u-tokyo.ac.jp", 25, SocketType::Plain,
                   AuthMethod::PasswordEncrypted, "tanaka"));
  EXPECT_EQ(accounts[1].incoming,
            server(Protocol::Pop3, "pop.kumail.kyoto-u.ac.jp", 995, SocketType::Ssl,
                   AuthMethod::PasswordCleartext, "a0123456"));

  auto claws = load(load_claws_profile((roaming / "Claws-mail").generic_string()));
  const auto claws_accounts = claws->accounts();
  ASSERT_EQ(claws_accounts.size(), 1u);
  EXPECT_EQ(claws_accounts[0].incoming, server(Protocol::Pop3, "pop.iis.u-tokyo.ac.jp", 110,
                                               SocketType::Plain, AuthMethod::Apop, "tanaka"));
  EXPECT_EQ(claws_accounts[0].outgoing,
            server(Protocol::Smtp, "mail.iis.u-tokyo.ac.jp", 25, SocketType::Plain,
                   AuthMethod::PasswordEncrypted, "tanaka"));
}

TEST(AccountrcProfile, ReadsThePeerSamplesAsTheClientsDid) {
  ASSERT_TRUE(fs::is_regular_file(kPeers / "sylpheed-3.8/accountrc"));
  auto sylpheed = load(load_sylpheed_profile((kPeers / "sylpheed-3.8").generic_string()));
  const auto accounts = sylpheed->accounts();
  ASSERT_EQ(accounts.size(), 2u);
  EXPECT_EQ(accounts[0].name, "大学メール (田中)");
  EXPECT_EQ(accounts[0].incoming, server(Protocol::Pop3, "pop.example.ac.jp", 110,
                                         SocketType::Plain, AuthMethod::Apop, "tanaka"));
  EXPECT_EQ(accounts[0].outgoing, server(Protocol::Smtp, "smtp.example.ac.jp", 25,
                                         SocketType::Plain, AuthMethod::SmtpAfterPop, "tanaka"));
  EXPECT_EQ(accounts[1].incoming, server(Protocol::Imap, "imap.gmail.com", 993, SocketType::Ssl,
                                         AuthMethod::PasswordCleartext, "taro.tanaka@gmail.com"));
  EXPECT_EQ(accounts[1].outgoing, server(Protocol::Smtp, "smtp.gmail.com", 465, SocketType::Ssl,
                                         AuthMethod::PasswordCleartext, "taro.tanaka@gmail.com"));

  // Claws 4.1.1 was given protocol=3 with config_version=4: in its numbering that is a local
  // mbox, not IMAP (and it kept it so), so the account receives from no server.
  ASSERT_TRUE(fs::is_regular_file(kPeers / "claws-mail-4.1.1/accountrc"));
  auto claws = load(load_claws_profile((kPeers / "claws-mail-4.1.1").generic_string()));
  const auto claws_accounts = claws->accounts();
  ASSERT_EQ(claws_accounts.size(), 2u);
  EXPECT_EQ(claws_accounts[0].incoming, accounts[0].incoming);
  EXPECT_EQ(claws_accounts[1].incoming,
            server(Protocol::None, "", 0, SocketType::Plain, AuthMethod::None, ""));
  EXPECT_EQ(claws_accounts[1].outgoing, accounts[1].outgoing);
}

TEST(AccountrcProfile, InterpretsProtocolByConfigVersion) {
  const auto first_incoming = [](ClientKind client, const std::string& rc,
                                 std::optional<std::string> clawsrc = std::nullopt) {
    return make_profile(client, rc, std::move(clawsrc))->accounts().at(0).incoming.protocol;
  };
  const std::string imap_in_sylpheed_numbering =
      "[Account: 1]\nprotocol=3\nreceive_server=imap.iis.u-tokyo.ac.jp\n";
  EXPECT_EQ(first_incoming(kSylpheed, imap_in_sylpheed_numbering), Protocol::Imap);
  // Claws without any config_version assumes 0: Sylpheed's numbering.
  EXPECT_EQ(first_incoming(kClawsMail, imap_in_sylpheed_numbering), Protocol::Imap);
  EXPECT_EQ(first_incoming(kClawsMail, imap_in_sylpheed_numbering,
                           "[Common]\nconfig_version=4\n"),
            Protocol::None);
  EXPECT_EQ(first_incoming(kClawsMail, "[Account: 1]\nprotocol=1\nconfig_version=4\n",
                           "[Common]\n"),
            Protocol::Imap);
  // The account's own config_version wins over clawsrc's.
  EXPECT_EQ(first_incoming(kClawsMail, "[Account: 1]\nprotocol=1\nconfig_version=0\n",
                           "[Common]\nconfig_version=4\n"),
            Protocol::Pop3);
  EXPECT_EQ(first_incoming(kClawsMail, "[Account: 1]\nprotocol=2\nconfig_version=4\n"),
            Protocol::Nntp);
  EXPECT_EQ(first_incoming(kSylpheed, "[Account: 1]\nprotocol=4\n"), Protocol::Nntp);
  EXPECT_EQ(first_incoming(kSylpheed, "[Account: 1]\nprotocol=5\n"), Protocol::None);

  auto v4 = make_profile(kClawsMail,
                         slurp(kFixtures / "accountrc/claws-config-version-4.accountrc"));
  const auto accounts = v4->accounts();
  ASSERT_EQ(accounts.size(), 3u);
  EXPECT_EQ(accounts[0].incoming, server(Protocol::Imap, "imap.iis.u-tokyo.ac.jp", 993,
                                         SocketType::Ssl, AuthMethod::PasswordCleartext, "tanaka"));
  EXPECT_EQ(accounts[0].outgoing, server(Protocol::Smtp, "mail.iis.u-tokyo.ac.jp", 587,
                                         SocketType::StartTls, AuthMethod::OAuth2, "tanaka"));
  EXPECT_EQ(accounts[1].incoming.authentication, AuthMethod::Apop);
  EXPECT_EQ(accounts[1].outgoing->authentication, AuthMethod::SmtpAfterPop);
  // A local account still sends through its SMTP server.
  EXPECT_EQ(accounts[2].name, "ローカル");
  EXPECT_EQ(accounts[2].incoming.protocol, Protocol::None);
  EXPECT_EQ(accounts[2].outgoing,
            server(Protocol::Smtp, "mail.iis.u-tokyo.ac.jp", 25, SocketType::Plain,
                   AuthMethod::PasswordCleartext, "tanaka"));

  auto v0 = make_profile(kClawsMail,
                         slurp(kFixtures / "accountrc/claws-config-version-0.accountrc"));
  EXPECT_EQ(v0->accounts()[0].incoming,
            server(Protocol::Imap, "imap.iis.u-tokyo.ac.jp", 143, SocketType::Plain,
                   AuthMethod::PasswordEncrypted, "tanaka"));
  // Claws' PLAIN is 16 (Sylpheed's OAuth2).
  EXPECT_EQ(v0->accounts()[0].outgoing->authentication, AuthMethod::PasswordCleartext);
}

TEST(AccountrcProfile, UsesPortsOnlyWhenSetPortIsOn) {
  auto profile = make_profile(kSylpheed,
                              "[Account: 1]\nprotocol=0\nreceive_server=p\nsmtp_server=s\n"
                              "ssl_pop=1\nset_popport=0\npop_port=11110\nssl_smtp=1\n"
                              "set_smtpport=1\nsmtp_port=587\n\n"
                              "[Account: 2]\nprotocol=0\nreceive_server=p\nsmtp_server=s\n"
                              "ssl_pop=2\nset_popport=1\npop_port=11110\nssl_smtp=2\n"
                              "set_smtpport=0\nsmtp_port=587\n\n"
                              "[Account: 3]\nprotocol=4\nnntp_server=news\nssl_nntp=1\n"
                              "use_nntp_auth=1\nuser_id=tanaka\n");
  const auto accounts = profile->accounts();
  EXPECT_EQ(accounts[0].incoming.port, 995);
  EXPECT_EQ(accounts[0].outgoing->port, 587);
  EXPECT_EQ(accounts[0].outgoing->socket_type, SocketType::Ssl);
  EXPECT_EQ(accounts[1].incoming.port, 11110);
  EXPECT_EQ(accounts[1].incoming.socket_type, SocketType::StartTls);
  EXPECT_EQ(accounts[1].outgoing->port, 25);
  EXPECT_EQ(accounts[2].incoming, server(Protocol::Nntp, "news", 563, SocketType::Ssl,
                                         AuthMethod::PasswordCleartext, "tanaka"));
  EXPECT_FALSE(accounts[2].outgoing.has_value());
}

TEST(AccountrcProfile, UsesEachClientsDefaultsForMissingKeys) {
  const std::string rc = slurp(kFixtures / "accountrc/sylpheed-missing-keys.accountrc");
  const Account sylpheed = make_profile(kSylpheed, rc)->accounts().at(0);
  EXPECT_EQ(sylpheed.incoming, server(Protocol::Pop3, "pop.tanaka.dti.ne.jp", 110,
                                      SocketType::Plain, AuthMethod::PasswordCleartext, "tanaka"));
  EXPECT_EQ(sylpheed.outgoing, server(Protocol::Smtp, "smtp.tanaka.dti.ne.jp", 25,
                                      SocketType::Plain, AuthMethod::None, "tanaka"));
  // Claws defaults to SSL/TLS and to SMTP AUTH.
  const Account claws = make_profile(kClawsMail, rc)->accounts().at(0);
  EXPECT_EQ(claws.incoming.port, 995);
  EXPECT_EQ(claws.incoming.socket_type, SocketType::Ssl);
  EXPECT_EQ(claws.outgoing, server(Protocol::Smtp, "smtp.tanaka.dti.ne.jp", 465, SocketType::Ssl,
                                   AuthMethod::PasswordCleartext, "tanaka"));
}

TEST(AccountrcProfile, ReadsLegacyApopDuplicatesAndTheMailCommand) {
  const Account legacy = make_profile(kSylpheed,
                                      slurp(kFixtures / "accountrc/sylpheed-legacy-apop.accountrc"))
                             ->accounts()
                             .at(0);
  EXPECT_EQ(legacy.id, "2");
  EXPECT_EQ(legacy.incoming.protocol, Protocol::Pop3);
  EXPECT_EQ(legacy.incoming.authentication, AuthMethod::Apop);

  auto duplicates =
      make_profile(kSylpheed, slurp(kFixtures / "accountrc/duplicate-keys.accountrc"));
  EXPECT_EQ(duplicates->accounts().at(0).outgoing->port, 2525);
  const auto findings = duplicates->findings();
  ASSERT_EQ(findings.size(), 1u);
  EXPECT_EQ(findings[0].message(),
            "cfg/accountrc:11: smtp_port appears more than once in [Account: 1]; Sylpheed uses "
            "the last one.");

  auto command = make_profile(kClawsMail,
                              "[Account: 1]\nprotocol=0\nsmtp_server=s\nuse_mail_command=1\n");
  EXPECT_FALSE(command->accounts().at(0).outgoing.has_value());
}

// accounts() finds the repeated keys while it reads the sections, and findings() then gives
// what it found: the same findings as a profile that was never read, before and after an edit.
TEST(AccountrcProfile, RepeatedKeysAreFoundTheSameWhetherAccountsWereReadFirstOrNot) {
  const std::string rc =
      "[Account: 1]\nprotocol=0\nreceive_server=pop.example.org\nsmtp_port=25\nuser_id=a\n"
      "smtp_port=2525\nuser_id=b\nsmtp_port=587\nsmtp_server=smtp.example.org\n\n"
      "[Account: 2]\nprotocol=0\nreceive_server=pop.example.org\nssl_pop=0\nssl_pop=0\n";
  const std::vector<Finding> unread = make_profile(kSylpheed, rc)->findings();
  ASSERT_EQ(unread.size(), 3u);
  EXPECT_EQ(unread[0].message(),
            "cfg/accountrc:6: smtp_port appears more than once in [Account: 1]; Sylpheed uses "
            "the last one.");
  EXPECT_EQ(unread[1].message(),
            "cfg/accountrc:7: user_id appears more than once in [Account: 1]; Sylpheed uses the "
            "last one.");
  EXPECT_EQ(unread[2].message(),
            "cfg/accountrc:15: ssl_pop appears more than once in [Account: 2]; Sylpheed uses the "
            "last one.");

  auto read = make_profile(kSylpheed, rc);
  EXPECT_EQ(read->accounts().size(), 2u);
  EXPECT_EQ(read->findings(), unread);
  read->apply("2", {change("incoming.port", "110", "995")});
  EXPECT_EQ(read->findings(), unread);
  auto edited = make_profile(kSylpheed, read->files()[0].current());
  EXPECT_EQ(edited->findings().size(), 3u);
}

TEST(AccountrcProfile, AppliesTheSeed002MigrationToSylpheed) {
  const fs::path rc = kFixtures / "homes/linux/.sylpheed-2.0/accountrc";
  auto profile = load(load_sylpheed_profile(rc.generic_string()));
  const std::vector<Change> changes = {
      change("incoming.authentication", "apop", "password-cleartext"),
      change("incoming.socketType", "plain", "SSL"),
      change("incoming.port", "110", "995"),
      change("outgoing.port", "25", "587"),
      change("outgoing.socketType", "plain", "STARTTLS"),
      change("outgoing.authentication", "none", "password-cleartext"),
  };
  EXPECT_TRUE(profile->apply("1", changes).empty());

  std::string expected = slurp(rc);
  for (const auto& [key, value] :
       std::vector<std::pair<std::string, std::string>>{{"use_apop_auth", "0"},
                                                        {"use_smtp_auth", "1"},
                                                        {"ssl_pop", "1"},
                                                        {"ssl_smtp", "2"},
                                                        {"set_smtpport", "1"},
                                                        {"smtp_port", "587"}}) {
    expected = with_value(expected, "[Account: 1]", key, value);
  }
  EXPECT_EQ(profile->files()[0].current(), expected);
  EXPECT_TRUE(profile->files()[0].changed());
  EXPECT_EQ(profile->accounts()[0].incoming,
            server(Protocol::Pop3, "pop3.club.kyutech.ac.jp", 995, SocketType::Ssl,
                   AuthMethod::PasswordCleartext, "tanaka"));
  EXPECT_EQ(profile->accounts()[0].outgoing,
            server(Protocol::Smtp, "smtp.club.kyutech.ac.jp", 587, SocketType::StartTls,
                   AuthMethod::PasswordCleartext, "tanaka"));
}

TEST(AccountrcProfile, AppliesTheSeed003MigrationToClawsWithoutTouchingOtherFiles) {
  const fs::path folder = kFixtures / "homes/linux/.claws-mail";
  auto profile = load(load_claws_profile(folder.generic_string()));
  const std::vector<Change> changes = {
      change("outgoing.authentication", "smtp-after-pop", "password-cleartext"),
      change("outgoing.port", "25", "587"),
      change("outgoing.socketType", "plain", "STARTTLS"),
  };
  EXPECT_TRUE(profile->apply("1", changes).empty());

  std::string expected = slurp(folder / "accountrc");
  for (const auto& [key, value] :
       std::vector<std::pair<std::string, std::string>>{{"use_smtp_auth", "1"},
                                                        {"pop_before_smtp", "0"},
                                                        {"ssl_smtp", "2"},
                                                        {"set_smtpport", "1"},
                                                        {"smtp_port", "587"}}) {
    expected = with_value(expected, "[Account: 1]", key, value);
  }
  EXPECT_EQ(profile->files()[0].current(), expected);
  EXPECT_FALSE(profile->files()[1].changed());
  EXPECT_FALSE(profile->files()[2].changed());
  // The SMTP login is the receive login (smtp_user_id stays empty: Claws uses `recv`).
  EXPECT_EQ(profile->accounts()[0].outgoing,
            server(Protocol::Smtp, "smtp.tanaka.dti.ne.jp", 587, SocketType::StartTls,
                   AuthMethod::PasswordCleartext, "tanaka"));
}

TEST(AccountrcProfile, AddsMissingKeysWhereSylpheedWritesThem) {
  auto profile = make_profile(kSylpheed,
                              slurp(kFixtures / "accountrc/sylpheed-missing-keys.accountrc"));
  const std::vector<Change> changes = {
      change("incoming.socketType", "plain", "SSL"),
      change("incoming.port", "110", "995"),
      change("outgoing.port", "25", "587"),
      change("outgoing.socketType", "plain", "STARTTLS"),
      change("outgoing.authentication", "none", "password-cleartext"),
  };
  EXPECT_TRUE(profile->apply("1", changes).empty());
  EXPECT_EQ(profile->files()[0].current(),
            "[Account: 1]\naccount_name=DTI\nreceive_server=pop.tanaka.dti.ne.jp\n"
            "smtp_server=smtp.tanaka.dti.ne.jp\nuser_id=tanaka\nuse_smtp_auth=1\nssl_pop=1\n"
            "ssl_smtp=2\nset_smtpport=1\nsmtp_port=587\n");
}

TEST(AccountrcProfile, AnAccountWhoseNumberIsWrittenWithALeadingZeroIsEditedToo) {
  // The client reads "[Account: 07]" as account 7 (atoi), and so does accounts().
  auto profile = make_profile(kSylpheed,
                              "[Account: 07]\nreceive_server=pop.example.jp\nuser_id=tanaka\n");
  ASSERT_EQ(profile->accounts().at(0).id, "7");
  ASSERT_TRUE(profile->account("7").has_value());
  EXPECT_TRUE(profile->apply("7", {change("incoming.port", "110", "995")}).empty());
  EXPECT_EQ(profile->files()[0].current(),
            "[Account: 07]\nreceive_server=pop.example.jp\nuser_id=tanaka\nset_popport=1\n"
            "pop_port=995\n");
  EXPECT_TRUE(profile->files().at(0).changed());
}

TEST(AccountrcProfile, KeepsCrlfAndTheMissingFinalNewline) {
  auto profile =
      make_profile(kSylpheed, slurp(kFixtures / "accountrc/sylpheed-crlf.accountrc"));
  EXPECT_TRUE(profile
                  ->apply("3", {change("incoming.port", "110", "995"),
                                change("incoming.socketType", "plain", "SSL")})
                  .empty());
  EXPECT_EQ(profile->files()[0].current(),
            "[Account: 3]\r\naccount_name=慶應 ITC\r\nprotocol=0\r\n"
            "receive_server=popper.sc.itc.keio.ac.jp\r\nsmtp_server=smtp.sc.itc.keio.ac.jp\r\n"
            "user_id=hanako\r\npassword=hanako-Pop7\r\npop_before_smtp=1\r\nssl_pop=1\r\n"
            "signature_separator=-- \r\nset_popport=1\r\npop_port=995");
}

TEST(AccountrcProfile, TurnsApopOffInEveryFormItTakes) {
  // Sylpheed's legacy protocol=1 becomes POP3.
  auto legacy = make_profile(kSylpheed,
                             slurp(kFixtures / "accountrc/sylpheed-legacy-apop.accountrc"));
  EXPECT_TRUE(legacy->apply("2", {change("incoming.authentication", "apop", "password-cleartext")})
                  .empty());
  EXPECT_EQ(legacy->files()[0].current(),
            "[Account: 2]\naccount_name=九工大 APOP\nprotocol=0\n"
            "receive_server=pop3.club.kyutech.ac.jp\nsmtp_server=smtp.club.kyutech.ac.jp\n"
            "user_id=tanaka\npassword=pop-Pass2\n");
  EXPECT_EQ(legacy->accounts()[0].incoming.authentication, AuthMethod::PasswordCleartext);

  // Claws 4: use_pop_auth + pop_auth_method.
  const std::string rc = slurp(kFixtures / "accountrc/claws-config-version-4.accountrc");
  auto claws = make_profile(kClawsMail, rc);
  EXPECT_TRUE(
      claws->apply("2", {change("incoming.authentication", "apop", "password-cleartext")}).empty());
  std::string expected = with_value(rc, "[Account: 2]", "use_pop_auth", "0");
  expected = with_value(expected, "[Account: 2]", "pop_auth_method", "0");
  EXPECT_EQ(claws->files()[0].current(), expected);

  // And back: Claws 4 writes APOP into use_pop_auth, Sylpheed into use_apop_auth.
  EXPECT_TRUE(
      claws->apply("2", {change("incoming.authentication", "password-cleartext", "apop")}).empty());
  EXPECT_EQ(claws->files()[0].current(), rc);
}

TEST(AccountrcProfile, WritesProtocolInTheNumberingInForceAndNeverTheConfigVersion) {
  struct Case {
    ClientKind client;
    std::string rc;
    std::optional<std::string> clawsrc;
    std::string expected;
  };
  const std::vector<Case> cases = {
      {kSylpheed, "[Account: 1]\nprotocol=0\nreceive_server=mail\n", std::nullopt,
       "[Account: 1]\nprotocol=3\nreceive_server=mail\n"},
      {kClawsMail, "[Account: 1]\nprotocol=0\nconfig_version=4\nssl_pop=0\n",
       std::nullopt, "[Account: 1]\nprotocol=1\nconfig_version=4\nssl_pop=0\nssl_imap=0\n"},
      {kClawsMail, "[Account: 1]\nprotocol=0\nconfig_version=0\nssl_pop=0\n",
       "[Common]\nconfig_version=4\n",
       "[Account: 1]\nprotocol=3\nconfig_version=0\nssl_pop=0\nssl_imap=0\n"},
      {kClawsMail, "[Account: 1]\nprotocol=0\nssl_pop=0\n",
       "[Common]\nconfig_version=4\n", "[Account: 1]\nprotocol=1\nssl_pop=0\nssl_imap=0\n"},
  };
  for (const Case& c : cases) {
    auto profile = make_profile(c.client, c.rc, c.clawsrc);
    const auto findings = profile->apply("1", {change("incoming.protocol", "pop3", "imap")});
    ASSERT_EQ(findings.size(), 1u) << c.rc;
    EXPECT_EQ(findings[0].severity, Severity::ActionRequired);
    EXPECT_EQ(findings[0].rule, "test-rule");
    EXPECT_THAT(findings[0].message(), HasSubstr("now receives with imap"));
    EXPECT_EQ(profile->files()[0].current(), c.expected) << c.rc;
    EXPECT_EQ(profile->accounts()[0].incoming.protocol, Protocol::Imap);
    EXPECT_EQ(profile->accounts()[0].incoming.port, 143);
    if (profile->files().size() > 1) {
      EXPECT_FALSE(profile->files()[1].changed());
    }
  }
}

TEST(AccountrcProfile, KeepsThePortWhenOnlyTheSocketTypeChanges) {
  const std::string rc = slurp(kFixtures / "accountrc/sylpheed-minimal.accountrc");
  auto profile = make_profile(kSylpheed, rc);
  EXPECT_TRUE(profile->apply("1", {change("outgoing.socketType", "plain", "SSL")}).empty());
  std::string expected = with_value(rc, "[Account: 1]", "ssl_smtp", "1");
  expected = with_value(expected, "[Account: 1]", "set_smtpport", "1");
  EXPECT_EQ(profile->files()[0].current(), expected);
  EXPECT_EQ(profile->accounts()[0].outgoing->port, 25);
}

TEST(AccountrcProfile, WritesTheSmtpUserOnlyWhenItDiffersFromTheReceiveUser) {
  const std::string rc = slurp(kFixtures / "accountrc/sylpheed-minimal.accountrc");
  auto profile = make_profile(kSylpheed, rc);
  const auto findings =
      profile->apply("1", {change("outgoing.authentication", "none", "password-encrypted"),
                           change("outgoing.username", "tanaka", "tanaka@club.kyutech.ac.jp")});
  ASSERT_EQ(findings.size(), 1u);
  EXPECT_EQ(findings[0].severity, Severity::ActionRequired);
  EXPECT_EQ(findings[0].message(),
            "Account 九工大 (田中) now sends as tanaka@club.kyutech.ac.jp: enter the SMTP "
            "password for it in Sylpheed (account settings, Send tab), because it differs from "
            "the receive user.");
  std::string expected = with_value(rc, "[Account: 1]", "use_smtp_auth", "1");
  expected = with_value(expected, "[Account: 1]", "smtp_user_id", "tanaka@club.kyutech.ac.jp");
  const std::size_t after_auth = expected.find("use_smtp_auth=1\n") + 16;
  expected.insert(after_auth, "smtp_auth_method=2\n");
  EXPECT_EQ(profile->files()[0].current(), expected);
  EXPECT_EQ(profile->accounts()[0].outgoing->authentication, AuthMethod::PasswordEncrypted);

  // Back to the receive user: smtp_user_id is emptied so the receive password is used.
  EXPECT_TRUE(
      profile->apply("1", {change("outgoing.username", "tanaka@club.kyutech.ac.jp", "tanaka")})
          .empty());
  EXPECT_EQ(profile->files()[0].current(), with_value(expected, "[Account: 1]", "smtp_user_id", ""));
}

TEST(AccountrcProfile, ANewReceiveUserAlsoCarriesTheSendingLogin) {
  const std::string rc = slurp(kFixtures / "accountrc/sylpheed-minimal.accountrc");
  auto profile = make_profile(kSylpheed, rc);
  const auto findings =
      profile->apply("1", {change("incoming.username", "tanaka", "tanaka@club.kyutech.ac.jp")});
  ASSERT_EQ(findings.size(), 1u);
  EXPECT_EQ(findings[0].severity, Severity::ActionRequired);
  EXPECT_THAT(findings[0].message(), HasSubstr("saved password belongs to the old user name"));
  EXPECT_EQ(profile->files()[0].current(),
            with_value(rc, "[Account: 1]", "user_id", "tanaka@club.kyutech.ac.jp"));
  EXPECT_EQ(profile->accounts()[0].outgoing->username, "tanaka@club.kyutech.ac.jp");
}

TEST(AccountrcProfile, ChangesHostsAndPopBeforeSmtp) {
  const std::string rc = slurp(kFixtures / "accountrc/sylpheed-minimal.accountrc");
  auto profile = make_profile(kSylpheed, rc);
  EXPECT_TRUE(
      profile
          ->apply("1", {change("incoming.hostname", "pop3.club.kyutech.ac.jp", "pop.gmail.com"),
                        change("outgoing.hostname", "smtp.club.kyutech.ac.jp", "smtp.gmail.com"),
                        change("outgoing.authentication", "none", "smtp-after-pop")})
          .empty());
  std::string expected = with_value(rc, "[Account: 1]", "receive_server", "pop.gmail.com");
  expected = with_value(expected, "[Account: 1]", "smtp_server", "smtp.gmail.com");
  expected = with_value(expected, "[Account: 1]", "pop_before_smtp", "1");
  EXPECT_EQ(profile->files()[0].current(), expected);
  EXPECT_EQ(profile->accounts()[0].outgoing->authentication, AuthMethod::SmtpAfterPop);
}

// apply() keeps its last reading of the account for the read-back that follows it: that reading
// must be the account as the written bytes give it, on the first read-back and on any later one.
TEST(AccountrcProfile, AnAccountReadBackAfterItsEditReadsAsTheWrittenBytes) {
  const std::string rc = slurp(kFixtures / "accountrc/sylpheed-minimal.accountrc");
  auto profile = make_profile(kSylpheed, rc);
  EXPECT_TRUE(
      profile
          ->apply("1", {change("incoming.hostname", "pop3.club.kyutech.ac.jp", "pop.gmail.com"),
                        change("incoming.port", "110", "995"),
                        change("outgoing.authentication", "none", "smtp-after-pop")})
          .empty());
  auto reread = make_profile(kSylpheed, profile->files()[0].current());
  const std::optional<Account> written = reread->account("1");
  ASSERT_TRUE(written);
  EXPECT_EQ(written->incoming.port, 995);
  EXPECT_EQ(profile->account("1"), written);
  EXPECT_EQ(profile->account("1"), written);
  EXPECT_EQ(profile->accounts(), reread->accounts());
}

TEST(AccountrcProfile, ReportsWhatItCannotExpress) {
  const std::string rc = slurp(kFixtures / "accountrc/sylpheed-minimal.accountrc");
  auto profile = make_profile(kSylpheed, rc);
  const auto findings = profile->apply(
      "1", {change("outgoing.authentication", "none", "OAuth2"),
            change("incoming.authentication", "apop", "password-encrypted"),
            change("outgoing.port", "25", "not-a-port"),
            change("incoming.protocol", "pop3", "nntp"), change("outgoing.colour", "", "blue")});
  ASSERT_EQ(findings.size(), 5u);
  EXPECT_EQ(findings[0].message(),
            "Sylpheed cannot be set to outgoing.port = not-a-port by mailmig for account 九工大 "
            "(田中); set it by hand in the account settings.");
  EXPECT_EQ(findings[1].severity, Severity::Warning);
  EXPECT_EQ(findings[1].message(), "Unknown field outgoing.colour; nothing was changed for it.");
  EXPECT_THAT(findings[2].message(), HasSubstr("incoming.protocol = nntp"));
  EXPECT_THAT(findings[3].message(), HasSubstr("incoming.authentication = password-encrypted"));
  EXPECT_THAT(findings[4].message(), HasSubstr("outgoing.authentication = OAuth2"));
  for (const Finding& finding : findings) EXPECT_EQ(finding.rule, "test-rule");
  EXPECT_EQ(profile->files()[0].current(), rc);

  const auto missing = profile->apply("7", {change("incoming.port", "110", "995")});
  ASSERT_EQ(missing.size(), 1u);
  EXPECT_EQ(missing[0].message(),
            "Account 7 was not found in cfg/accountrc; change incoming.port to 995 by hand in "
            "Sylpheed.");
  EXPECT_FALSE(profile->files()[0].changed());
}

TEST(AccountrcProfile, MasksEverySecretInDisplayText) {
  auto sylpheed = load(load_sylpheed_profile((kPeers / "sylpheed-3.8").generic_string()));
  const ProfileFile rc = sylpheed->files()[0];
  const std::string shown = sylpheed->display_text(rc, rc.current());
  EXPECT_THAT(shown, Not(HasSubstr("pop-Pass2")));
  EXPECT_THAT(shown, Not(HasSubstr("gmail-app-pass3")));
  EXPECT_THAT(shown, HasSubstr("\npassword=********\ninbox=inbox\n"));
  EXPECT_THAT(shown, HasSubstr("\nsmtp_password=\npop_before_smtp=1\n"));
  EXPECT_THAT(shown, HasSubstr("account_name=大学メール (田中)\n"));
  EXPECT_EQ(shown.size(), rc.current().size() - 9 - 15 + 16);

  auto masked = make_profile(kSylpheed,
                             "[Account: 1]\r\nsmtp_password=s3cret\r\nproxy_pass=p\r\nuser_id=x");
  EXPECT_EQ(masked->display_text(masked->files()[0], masked->files()[0].current()),
            "[Account: 1]\r\nsmtp_password=********\r\nproxy_pass=********\r\nuser_id=x");

  auto claws = load(load_claws_profile((kPeers / "claws-mail-4.1.1").generic_string()));
  const ProfileFile store = claws->files()[2];
  EXPECT_EQ(claws->display_text(store, store.current()),
            "[config_version:4]\n\n[account:1]\nrecv ********\n\n[account:2]\nrecv ********\n");

  auto euc = make_profile(kClawsMail,
                          slurp(kFixtures / "accountrc/claws-eucjp-name.accountrc"));
  EXPECT_THAT(
      euc->display_text(euc->files()[0], euc->files()[0].current()),
      HasSubstr("account_name=\\xC5\\xC4\\xC3\\xE6\\xA4\\xCE\\xA5\\xE1\\xA1\\xBC\\xA5\\xEB\n"));
}

TEST(AccountrcProfile, ReportsMalformedFilesWithPathAndLine) {
  struct Case {
    std::string fixture;
    std::string message;
  };
  const std::vector<Case> cases = {
      {"malformed-key-before-section.accountrc",
       ":1: expected a section header such as [Account: 1] before the first setting"},
      {"malformed-header.accountrc",
       ":4: invalid section header: expected ']' at the end of the line"},
      {"malformed-account-label.accountrc",
       ":4: invalid section header [Common]: expected [Account: N] with a number N"},
      {"malformed-nul.accountrc", ":2: NUL byte: this is not a text settings file"},
      {"malformed-duplicate-section.accountrc",
       ":4: duplicate section [Account: 1] (first on line 1): the client would read the first "
       "one twice"},
  };
  for (const Case& c : cases) {
    const std::string path = (kFixtures / "accountrc" / c.fixture).generic_string();
    const LoadResult sylpheed = load_sylpheed_profile(path);
    EXPECT_FALSE(sylpheed);
    EXPECT_EQ(sylpheed.error, path + c.message);
    EXPECT_EQ(load_claws_profile(path).error, path + c.message);
  }
  EXPECT_FALSE(load_sylpheed_profile((kFixtures / "no-such-folder").generic_string()));
}

TEST(AccountrcProfile, TellsClawsFromSylpheed) {
  EXPECT_TRUE(looks_like_claws_accountrc(slurp(kPeers / "claws-mail-4.1.1/accountrc")));
  EXPECT_TRUE(looks_like_claws_accountrc(slurp(kPeers / "claws-mail-4.1.1/INPUT-accountrc")));
  EXPECT_FALSE(looks_like_claws_accountrc(slurp(kPeers / "sylpheed-3.8/accountrc")));
  EXPECT_FALSE(looks_like_claws_accountrc(slurp(kPeers / "sylpheed-3.8/INPUT-accountrc")));
  EXPECT_TRUE(looks_like_claws_accountrc("[Account: 1]\r\npop_before_smtp_timeout=5\r\n"));
  EXPECT_FALSE(looks_like_claws_accountrc("[Account: 1]\nname=config_version=4\n"));
}

}  // namespace
}  // namespace mailmig
