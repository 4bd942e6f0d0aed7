// The prober's dialogue with scripted servers on loopback: what it reads from greetings and
// capability lists, what it concludes, and the exact bytes it sends (never a login).
#include "src/verify/endpoint_probe.h"

#include <gtest/gtest.h>

#include "tests/verify/fake_mail_server.h"

namespace mailmig {
namespace {

using verify_testing::closed_port;
using verify_testing::FakeMailServer;
using verify_testing::ServerScript;

Endpoint local(Protocol protocol, int port, SocketType socket_type,
               AuthMethod authentication = AuthMethod::PasswordCleartext) {
  return Endpoint{protocol, "127.0.0.1", port, socket_type, authentication};
}

EndpointCheck probe(const Endpoint& endpoint) {
  ProbeSettings settings;
  settings.timeout = std::chrono::seconds(20);  // a hang fails the test instead of the suite
  return probe_endpoint(endpoint, settings);
}

const std::string kEhlo = "EHLO mailmig.invalid\r\n";

ServerScript smtp_server(const std::string& ehlo_reply) {
  return {"220 fake.test ESMTP\r\n",
          {{"EHLO mailmig.invalid", ehlo_reply}, {"QUIT", "221 bye\r\n"}},
          "502 unknown\r\n",
          {"QUIT"}};
}

TEST(EndpointProbeTest, SmtpWithAuthPlainIsOkAndOnlyEhloAndQuitAreSent) {
  FakeMailServer server(smtp_server("250-fake.test\r\n250-AUTH LOGIN PLAIN\r\n250 8BITMIME\r\n"));
  const EndpointCheck check = probe(local(Protocol::Smtp, server.port(), SocketType::Plain));
  EXPECT_EQ(check.outcome, EndpointOutcome::Ok) << check.detail;
  EXPECT_EQ(server.received(), kEhlo + "QUIT\r\n");
}

TEST(EndpointProbeTest, SmtpOldStyleAuthEqualsIsRead) {
  FakeMailServer server(smtp_server("250-fake.test\r\n250 AUTH=LOGIN\r\n"));
  EXPECT_EQ(probe(local(Protocol::Smtp, server.port(), SocketType::Plain)).outcome,
            EndpointOutcome::Ok);
}

TEST(EndpointProbeTest, SmtpWithoutAuthFailsWhenTheAccountLogsIn) {
  FakeMailServer server(smtp_server("250-fake.test\r\n250 8BITMIME\r\n"));
  const EndpointCheck check = probe(local(Protocol::Smtp, server.port(), SocketType::Plain));
  EXPECT_EQ(check.outcome, EndpointOutcome::NoLogin);
  EXPECT_EQ(check.detail, "no AUTH PLAIN or LOGIN");
  EXPECT_EQ(server.received(), kEhlo + "QUIT\r\n");
}

TEST(EndpointProbeTest, SmtpWithoutAuthIsOkForAnAccountWithoutLogin) {
  FakeMailServer server(smtp_server("250 fake.test\r\n"));
  EXPECT_EQ(
      probe(local(Protocol::Smtp, server.port(), SocketType::Plain, AuthMethod::None)).outcome,
      EndpointOutcome::Ok);
}

TEST(EndpointProbeTest, SmtpStartTlsNotOfferedIsNoTls) {
  FakeMailServer server(smtp_server("250-fake.test\r\n250 AUTH PLAIN\r\n"));
  const EndpointCheck check = probe(local(Protocol::Smtp, server.port(), SocketType::StartTls));
  EXPECT_EQ(check.outcome, EndpointOutcome::NoTls);
  EXPECT_EQ(check.detail, "no STARTTLS in the reply to EHLO");
  EXPECT_EQ(server.received(), kEhlo);
}

TEST(EndpointProbeTest, SmtpStartTlsRefusedIsNoTls) {
  ServerScript script = smtp_server("250-fake.test\r\n250 STARTTLS\r\n");
  script.replies["STARTTLS"] = "454 4.7.0 TLS not available\r\n";
  FakeMailServer server(script);
  const EndpointCheck check = probe(local(Protocol::Smtp, server.port(), SocketType::StartTls));
  EXPECT_EQ(check.outcome, EndpointOutcome::NoTls);
  EXPECT_EQ(check.detail, "454 4.7.0 TLS not available");
  EXPECT_EQ(server.received(), kEhlo + "STARTTLS\r\n");
}

TEST(EndpointProbeTest, SmtpServerThatHangsUpAtTheHandshakeIsNoTls) {
  ServerScript script = smtp_server("250-fake.test\r\n250 STARTTLS\r\n");
  script.replies["STARTTLS"] = "220 go ahead\r\n";
  script.close_after.insert("STARTTLS");
  FakeMailServer server(script);
  EXPECT_EQ(probe(local(Protocol::Smtp, server.port(), SocketType::StartTls)).outcome,
            EndpointOutcome::NoTls);
  const std::string received = server.received();
  EXPECT_EQ(received.substr(0, kEhlo.size() + 10), kEhlo + "STARTTLS\r\n");
}

TEST(EndpointProbeTest, SmtpBytesAfterTheStartTlsReplyAreRefused) {
  // A man in the middle may append commands to the plaintext reply (CVE-2011-0411).
  ServerScript script = smtp_server("250-fake.test\r\n250 STARTTLS\r\n");
  script.replies["STARTTLS"] = "220 go ahead\r\n250 injected\r\n";
  FakeMailServer server(script);
  const EndpointCheck check = probe(local(Protocol::Smtp, server.port(), SocketType::StartTls));
  EXPECT_EQ(check.outcome, EndpointOutcome::NoTls);
  EXPECT_EQ(check.detail, "the server sent data before the TLS handshake");
  EXPECT_EQ(server.received(), kEhlo + "STARTTLS\r\n");
}

TEST(EndpointProbeTest, SmtpRefusingGreetingIsNoAnswer) {
  FakeMailServer server({"554 no service\r\n", {}, "", {}});
  const EndpointCheck check = probe(local(Protocol::Smtp, server.port(), SocketType::Plain));
  EXPECT_EQ(check.outcome, EndpointOutcome::NoAnswer);
  EXPECT_EQ(check.detail, "554 no service");
}

TEST(EndpointProbeTest, TheServersWordsAreShownTrimmedAndPrintable) {
  FakeMailServer server({"554 no\x1b[2J service \t \r\n", {}, "", {}});
  EXPECT_EQ(probe(local(Protocol::Smtp, server.port(), SocketType::Plain)).detail,
            "554 no\\x1b[2J service");
}

TEST(EndpointProbeTest, ImplicitTlsToAPlaintextServerIsNoTls) {
  FakeMailServer server({"+OK POP3 ready\r\n", {}, "-ERR unknown\r\n", {}});
  const EndpointCheck check = probe(local(Protocol::Pop3, server.port(), SocketType::Ssl));
  EXPECT_EQ(check.outcome, EndpointOutcome::NoTls) << check.detail;
  EXPECT_EQ(server.received().find("CAPA"), std::string::npos);
}

TEST(EndpointProbeTest, ClosedPortDidNotAnswer) {
  const EndpointCheck check = probe(local(Protocol::Pop3, closed_port(), SocketType::Ssl));
  EXPECT_EQ(check.outcome, EndpointOutcome::NoAnswer);
  EXPECT_EQ(check.detail, "Connection refused");
}

ServerScript pop3_server(const std::string& capa_reply) {
  return {"+OK fake POP3 <1.2@fake.test>\r\n",
          {{"CAPA", capa_reply}, {"QUIT", "+OK bye\r\n"}},
          "-ERR unknown\r\n",
          {"QUIT"}};
}

TEST(EndpointProbeTest, Pop3WithUserIsOkAndOnlyCapaAndQuitAreSent) {
  FakeMailServer server(pop3_server("+OK\r\nTOP\r\nUSER\r\nUIDL\r\n.\r\n"));
  const EndpointCheck check = probe(local(Protocol::Pop3, server.port(), SocketType::Plain));
  EXPECT_EQ(check.outcome, EndpointOutcome::Ok) << check.detail;
  EXPECT_EQ(server.received(), "CAPA\r\nQUIT\r\n");
}

TEST(EndpointProbeTest, Pop3WithoutUserFails) {
  FakeMailServer server(pop3_server("+OK\r\nTOP\r\nUIDL\r\n.\r\n"));
  const EndpointCheck check = probe(local(Protocol::Pop3, server.port(), SocketType::Plain));
  EXPECT_EQ(check.outcome, EndpointOutcome::NoLogin);
  EXPECT_EQ(check.detail, "no USER in the reply to CAPA");
}

TEST(EndpointProbeTest, Pop3WithoutCapaCannotSayAndPasses) {
  FakeMailServer server(pop3_server("-ERR unknown command\r\n"));
  EXPECT_EQ(probe(local(Protocol::Pop3, server.port(), SocketType::Plain)).outcome,
            EndpointOutcome::Ok);
}

TEST(EndpointProbeTest, Pop3ApopNeedsTheGreetingTimestamp) {
  FakeMailServer with_timestamp(pop3_server("-ERR unknown command\r\n"));
  EXPECT_EQ(probe(local(Protocol::Pop3, with_timestamp.port(), SocketType::Plain, AuthMethod::Apop))
                .outcome,
            EndpointOutcome::Ok);
  ServerScript script = pop3_server("-ERR unknown command\r\n");
  script.greeting = "+OK ready\r\n";
  FakeMailServer without(script);
  EXPECT_EQ(
      probe(local(Protocol::Pop3, without.port(), SocketType::Plain, AuthMethod::Apop)).outcome,
      EndpointOutcome::NoLogin);
}

TEST(EndpointProbeTest, Pop3StlsIsAskedForAfterCapa) {
  ServerScript script = pop3_server("+OK\r\nUSER\r\nSTLS\r\n.\r\n");
  script.replies["STLS"] = "+OK begin TLS\r\n";
  script.close_after.insert("STLS");
  FakeMailServer server(script);
  EXPECT_EQ(probe(local(Protocol::Pop3, server.port(), SocketType::StartTls)).outcome,
            EndpointOutcome::NoTls);
  EXPECT_EQ(server.received().substr(0, 12), "CAPA\r\nSTLS\r\n");
}

TEST(EndpointProbeTest, Pop3WithoutStlsIsNoTls) {
  FakeMailServer server(pop3_server("+OK\r\nUSER\r\n.\r\n"));
  const EndpointCheck check = probe(local(Protocol::Pop3, server.port(), SocketType::StartTls));
  EXPECT_EQ(check.outcome, EndpointOutcome::NoTls);
  EXPECT_EQ(server.received(), "CAPA\r\n");
}

ServerScript imap_server(const std::string& capabilities) {
  return {"* OK fake IMAP ready\r\n",
          {{"m1 CAPABILITY", "* CAPABILITY " + capabilities + "\r\nm1 OK done\r\n"},
           {"m9 LOGOUT", "* BYE\r\nm9 OK bye\r\n"}},
          "* BAD unknown\r\n",
          {"m9 LOGOUT"}};
}

TEST(EndpointProbeTest, ImapWithoutLoginDisabledIsOk) {
  FakeMailServer server(imap_server("IMAP4rev1 IDLE AUTH=PLAIN"));
  const EndpointCheck check = probe(local(Protocol::Imap, server.port(), SocketType::Plain));
  EXPECT_EQ(check.outcome, EndpointOutcome::Ok) << check.detail;
  EXPECT_EQ(server.received(), "m1 CAPABILITY\r\nm9 LOGOUT\r\n");
}

TEST(EndpointProbeTest, ImapLoginDisabledFails) {
  FakeMailServer server(imap_server("IMAP4rev1 LOGINDISABLED"));
  const EndpointCheck check = probe(local(Protocol::Imap, server.port(), SocketType::Plain));
  EXPECT_EQ(check.outcome, EndpointOutcome::NoLogin);
  EXPECT_EQ(check.detail, "LOGINDISABLED in the reply to CAPABILITY");
  EXPECT_EQ(server.received(), "m1 CAPABILITY\r\nm9 LOGOUT\r\n");
}

TEST(EndpointProbeTest, ImapStartTlsIsAskedForWhenOffered) {
  ServerScript script = imap_server("IMAP4rev1 STARTTLS LOGINDISABLED");
  script.replies["m2 STARTTLS"] = "m2 OK begin TLS\r\n";
  script.close_after.insert("m2 STARTTLS");
  FakeMailServer server(script);
  EXPECT_EQ(probe(local(Protocol::Imap, server.port(), SocketType::StartTls)).outcome,
            EndpointOutcome::NoTls);
  EXPECT_EQ(server.received().substr(0, 29), "m1 CAPABILITY\r\nm2 STARTTLS\r\n");
}

}  // namespace
}  // namespace mailmig
