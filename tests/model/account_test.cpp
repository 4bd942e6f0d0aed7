#include "src/model/account.h"

#include <gtest/gtest.h>

#include "src/model/finding.h"

namespace mailmig {
namespace {

TEST(AccountModel, EnumSpellingsRoundTrip) {
  for (auto method : {AuthMethod::None, AuthMethod::PasswordCleartext, AuthMethod::SmtpAfterPop,
                      AuthMethod::Ntlm, AuthMethod::OAuth2, AuthMethod::TlsClientCert}) {
    EXPECT_EQ(parse_auth_method(to_string(method)), method);
  }
  EXPECT_EQ(to_string(SocketType::StartTls), "STARTTLS");
  EXPECT_EQ(parse_socket_type("SSL"), SocketType::Ssl);
  EXPECT_EQ(parse_socket_type("ssl"), std::nullopt);
  EXPECT_EQ(parse_protocol("pop3"), Protocol::Pop3);
}

TEST(AccountModel, DefaultPortsFollowSocketType) {
  EXPECT_EQ(default_port(Protocol::Pop3, SocketType::Plain), 110);
  EXPECT_EQ(default_port(Protocol::Pop3, SocketType::StartTls), 110);
  EXPECT_EQ(default_port(Protocol::Pop3, SocketType::Ssl), 995);
  EXPECT_EQ(default_port(Protocol::Imap, SocketType::Ssl), 993);
  EXPECT_EQ(default_port(Protocol::Smtp, SocketType::Ssl), 465);
}

TEST(AccountModel, FieldNamesParseAndRead) {
  Account account;
  account.incoming = {Protocol::Pop3, "pop.example.jp", 110, SocketType::Plain,
                      AuthMethod::Apop, "taro"};
  auto field = parse_field_name("incoming.authentication");
  ASSERT_TRUE(field);
  EXPECT_EQ(field_name(*field), "incoming.authentication");
  EXPECT_EQ(read_field(account, *field), "apop");
  EXPECT_EQ(read_field(account, FieldRef{Side::Outgoing, FieldKind::Port}), std::nullopt);
  EXPECT_FALSE(parse_field_name("incoming.colour"));
  EXPECT_FALSE(parse_field_name("sideways.port"));
}

TEST(AccountModel, WriteFieldValidatesValues) {
  Account account;
  EXPECT_TRUE(write_field(account, {Side::Outgoing, FieldKind::Port}, "587"));
  ASSERT_TRUE(account.outgoing);
  EXPECT_EQ(account.outgoing->port, 587);
  EXPECT_EQ(account.outgoing->protocol, Protocol::Smtp);
  EXPECT_FALSE(write_field(account, {Side::Outgoing, FieldKind::Port}, "70000"));
  EXPECT_FALSE(write_field(account, {Side::Outgoing, FieldKind::Port}, "58x"));
  EXPECT_FALSE(write_field(account, {Side::Incoming, FieldKind::SocketType}, "TLS"));
  EXPECT_EQ(account.outgoing->port, 587);
}

TEST(Finding, PlaceholdersAreFilled) {
  auto finding = make_finding("smtp-auth", Severity::ActionRequired,
                              "Enter the password for {account} on {host} again.",
                              {{"account", "Lab"}, {"host", "smtp.example.jp"}});
  EXPECT_EQ(finding.message(), "Enter the password for Lab on smtp.example.jp again.");
  EXPECT_EQ(fill_placeholders("{missing} stays", {}), "{missing} stays");
  EXPECT_EQ(to_string(Severity::ActionRequired), "action-required");
}

}  // namespace
}  // namespace mailmig
