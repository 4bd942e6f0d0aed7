// The dialogues over a server played from memory: replies split anywhere still parse, STARTTLS
// is followed by the capabilities again, and no reply is read past its limits.
#include "src/verify/probe_dialogue.h"

#include <gtest/gtest.h>

#include <string>

#include "tests/verify/scripted_transport.h"

namespace mailmig {
namespace {

using verify_testing::ScriptedTransport;

Verdict talk(ScriptedTransport& server, Protocol protocol, SocketType socket_type) {
  const Endpoint endpoint{protocol, "mail.example.jp", 25, socket_type,
                          AuthMethod::PasswordCleartext};
  return dialogue_for(protocol)(server, endpoint, ProbeSettings{});
}

std::string repeated(const std::string& line, std::size_t times) {
  std::string out;
  for (std::size_t i = 0; i < times; ++i) out += line;
  return out;
}

TEST(ProbeDialogueTest, SmtpRepliesSplitIntoSingleBytesAreRead) {
  ScriptedTransport server("220 mx ESMTP\r\n250-mx\r\n250 AUTH PLAIN\r\n221 bye\r\n", 1, true);
  const Verdict verdict = talk(server, Protocol::Smtp, SocketType::Plain);
  EXPECT_EQ(verdict.outcome, EndpointOutcome::Ok) << verdict.detail;
  EXPECT_EQ(server.sent(), "EHLO mailmig.invalid\r\nQUIT\r\n");
}

TEST(ProbeDialogueTest, SmtpAsksForTheCapabilitiesAgainAfterStartTls) {
  ScriptedTransport server(
      "220 mx\r\n250-mx\r\n250 STARTTLS\r\n220 go ahead\r\n250-mx\r\n250 AUTH LOGIN\r\n", 4096,
      true);
  const Verdict verdict = talk(server, Protocol::Smtp, SocketType::StartTls);
  EXPECT_EQ(verdict.outcome, EndpointOutcome::Ok) << verdict.detail;
  EXPECT_EQ(server.tls_starts_seen(), 1);
  EXPECT_EQ(server.sent(), "EHLO mailmig.invalid\r\nSTARTTLS\r\nEHLO mailmig.invalid\r\nQUIT\r\n");
}

TEST(ProbeDialogueTest, SmtpReplyOfTooManyLinesIsNotRead) {
  ScriptedTransport server(
      "220 mx\r\n" + repeated("250-SIZE 1\r\n", kMaxReplyLines) + "250 AUTH PLAIN\r\n", 4096, true);
  const Verdict verdict = talk(server, Protocol::Smtp, SocketType::Plain);
  EXPECT_EQ(verdict.outcome, EndpointOutcome::NoAnswer);
  EXPECT_EQ(verdict.detail, "no reply to EHLO");
}

TEST(ProbeDialogueTest, Pop3CapaOfTooManyLinesIsNotRead) {
  ScriptedTransport server(
      "+OK ready\r\n+OK\r\n" + repeated("TOP\r\n", kMaxReplyLines) + "USER\r\n.\r\n", 4096, true);
  const Verdict verdict = talk(server, Protocol::Pop3, SocketType::Plain);
  EXPECT_EQ(verdict.outcome, EndpointOutcome::NoAnswer);
  EXPECT_EQ(verdict.detail, "no reply to CAPA");
}

TEST(ProbeDialogueTest, ImapUntaggedLinesWithoutEndAreNotRead) {
  ScriptedTransport server("* OK ready\r\n" + repeated("* OK still here\r\n", kMaxReplyLines) +
                               "* CAPABILITY IMAP4rev1\r\nm1 OK done\r\n",
                           4096, true);
  const Verdict verdict = talk(server, Protocol::Imap, SocketType::Plain);
  EXPECT_EQ(verdict.outcome, EndpointOutcome::NoAnswer);
  EXPECT_EQ(verdict.detail, "no reply to CAPABILITY");
}

TEST(ProbeDialogueTest, ALineLongerThanTheLimitIsNotRead) {
  ScriptedTransport server("+OK " + std::string(2 * kMaxReplyLine, 'x') + "\r\n", 4096, true);
  const Verdict verdict = talk(server, Protocol::Pop3, SocketType::Plain);
  EXPECT_EQ(verdict.outcome, EndpointOutcome::NoAnswer);
  EXPECT_EQ(verdict.detail, "no POP3 greeting");
  EXPECT_EQ(server.sent(), "");
}

}  // namespace
}  // namespace mailmig
