#include "parsers/formats/ini/becky_ini_document.h"

#include <gtest/gtest.h>

#include <boost/filesystem.hpp>
#include <fstream>
#include <iterator>

namespace mailmig {
namespace {

namespace fs = boost::filesystem;

const fs::path kFixtures = fs::path(MAILMIG_SOURCE_DIR) / "fixtures";

std::string read_bytes(const fs::path& path) {
  std::ifstream in(path.string(), std::ios::binary);
  EXPECT_TRUE(in) << path;
  return std::string((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
}

BeckyIniDocument parse_ok(const std::string& bytes) {
  BeckyIniDocument document;
  auto result = BeckyIniDocument::parse(bytes, document);
  EXPECT_TRUE(result) << result.line << ":" << result.column << ": " << result.message;
  return document;
}

TEST(BeckyIniDocument, EveryWellFormedFixtureRoundTripsByteForByte) {
  std::vector<fs::path> inputs;
  for (const auto& entry : fs::directory_iterator(kFixtures / "becky")) {
    if (entry.path().filename().string().rfind("malformed-", 0) != 0) {
      inputs.push_back(entry.path());
    }
  }
  const fs::path home = kFixtures / "homes/windows/Documents/Becky";
  inputs.push_back(home / "4f1a2b3c.mb/Mailbox.ini");
  inputs.push_back(home / "5a6b7c8d.mb/Mailbox.ini");
  inputs.push_back(home / "B2.ini");
  ASSERT_EQ(inputs.size(), 6u);
  for (const fs::path& input : inputs) {
    const std::string bytes = read_bytes(input);
    ASSERT_FALSE(bytes.empty()) << input;
    EXPECT_EQ(parse_ok(bytes).serialize(), bytes) << input;
  }
}

TEST(BeckyIniDocument, ValuesAreDecodedFromCp932) {
  auto document = parse_ok(read_bytes(kFixtures / "becky/mailbox-cp932-5c.ini"));
  EXPECT_EQ(document.value("Account", "Name"), "表計算ソフト部");
  EXPECT_EQ(document.value("Account", "YourName"), "田中 表子");
  EXPECT_EQ(document.value("Account", "MailServer"), "pop3.club.kyutech.ac.jp");
  EXPECT_EQ(document.value("Account", "Missing"), std::nullopt);
  EXPECT_EQ(document.value("Nope", "Name"), std::nullopt);
}

TEST(BeckyIniDocument, WindowsLookupRulesTrimFirstDuplicateIgnoreCase) {
  auto document = parse_ok(read_bytes(kFixtures / "becky/mailbox-mixed.ini"));
  EXPECT_EQ(document.value("Account", "Name"), "表");  // "Name = 表 " trimmed
  EXPECT_EQ(document.value("ACCOUNT", "mailserver"), "imap.iis.u-tokyo.ac.jp");
  // ソ's trail byte is 0x5C, followed by a real backslash: neither is an escape.
  EXPECT_EQ(document.value("Account", "UnknownKey"), "ソ\\");
  // ゾ is 0x83 0x5D: its trail byte is not the ']' that closes the section name.
  EXPECT_EQ(document.value("ゾ", "SMTPPass"), "pop-Pass2");
}

TEST(BeckyIniDocument, TrailBytesAreNeverFoldedLikeAsciiLetters) {
  // ア is 0x83 0x41 and ヂ is 0x83 0x61: ASCII case folding of the trail byte would merge them.
  auto document = parse_ok("[Account]\r\n\x83\x41=1\r\n");
  EXPECT_EQ(document.value("Account", "ア"), "1");
  EXPECT_EQ(document.value("Account", "ヂ"), std::nullopt);
}

TEST(BeckyIniDocument, SetValueReplacesOnlyTheValueBytes) {
  const std::string input = read_bytes(kFixtures / "becky/mailbox-mixed.ini");
  auto document = parse_ok(input);
  ASSERT_TRUE(document.set_value("Account", "Name", "ソフト表"));
  std::string expected = input;
  expected.replace(expected.find("\x95\x5c \n"), 2, "\x83\x5c\x83\x74\x83\x67\x95\x5c");
  EXPECT_EQ(document.serialize(), expected);
  EXPECT_EQ(document.value("Account", "Name"), "ソフト表");

  ASSERT_TRUE(document.set_value("account", "MAILSERVER", "imap.example.ac.jp"));
  expected.replace(expected.find("imap.iis.u-tokyo.ac.jp"), 22, "imap.example.ac.jp");
  EXPECT_EQ(document.serialize(), expected);
}

TEST(BeckyIniDocument, MissingKeyIsAddedAfterTheSectionsLastLine) {
  const std::string input = read_bytes(kFixtures / "becky/mailbox-mixed.ini");
  auto document = parse_ok(input);
  ASSERT_TRUE(document.set_value("Account", "SMTPPort", "587"));
  std::string expected = input;
  const std::string after = "no equals sign here\r\n";
  expected.insert(expected.find(after) + after.size(), "SMTPPort=587\r\n");
  EXPECT_EQ(document.serialize(), expected);

  // In the second section the new key goes before the trailing blank line.
  ASSERT_TRUE(document.set_value("ゾ", "Added", "1"));
  EXPECT_EQ(document.serialize(), expected.substr(0, expected.size() - 1) + "Added=1\r\n\n");
}

TEST(BeckyIniDocument, AddingToAFileWithoutFinalNewlineKeepsItWithout) {
  const std::string input = read_bytes(kFixtures / "becky/mailbox-no-final-newline.ini");
  ASSERT_EQ(input.back(), 'o');
  auto document = parse_ok(input);
  ASSERT_TRUE(document.set_value("Account", "SSLPOP", "1"));
  EXPECT_EQ(document.serialize(), input + "\r\nSSLPOP=1");
  EXPECT_EQ(document.value("Account", "SSLPOP"), "1");
  EXPECT_EQ(document.value("Account", "UserID"), "hanako");
}

TEST(BeckyIniDocument, AnUneditedDocumentSerializesToItsInput) {
  const std::string input = read_bytes(kFixtures / "becky/mailbox-mixed.ini");
  auto document = parse_ok(input);
  EXPECT_FALSE(document.changed());
  EXPECT_EQ(document.serialize(), input);
  EXPECT_EQ(document.original(), input);
  // Writing a value as it is leaves the bytes as they were.
  ASSERT_TRUE(document.set_value("Account", "MailServer", "imap.iis.u-tokyo.ac.jp"));
  EXPECT_FALSE(document.changed());
  EXPECT_EQ(document.serialize(), input);
}

TEST(BeckyIniDocument, EditsOfAddedKeysAndEmptyLastValuesStayInPlace) {
  const std::string input = "[A]\r\nK=1\r\n\r\n[B]\r\nEmpty=";
  auto document = parse_ok(input);
  ASSERT_TRUE(document.set_value("A", "New", "x"));
  ASSERT_TRUE(document.set_value("A", "Second", "y"));
  ASSERT_TRUE(document.set_value("A", "new", "z"));  // the added key, rewritten
  ASSERT_TRUE(document.set_value("B", "Empty", "v"));
  ASSERT_TRUE(document.set_value("B", "Last", "w"));
  EXPECT_TRUE(document.changed());
  EXPECT_EQ(document.value("A", "NEW"), "z");
  EXPECT_EQ(document.value("A", "Second"), "y");
  EXPECT_EQ(document.value("B", "Empty"), "v");
  EXPECT_EQ(document.value("B", "Last"), "w");
  EXPECT_EQ(document.serialize(),
            "[A]\r\nK=1\r\nNew=z\r\nSecond=y\r\n\r\n[B]\r\nEmpty=v\r\nLast=w");
  EXPECT_EQ(document.original(), input);
  EXPECT_EQ(document.display_text(),
            "[A]\r\nK=1\r\nNew=z\r\nSecond=y\r\n\r\n[B]\r\nEmpty=v\r\nLast=w");
}

TEST(BeckyIniDocument, LoneCarriageReturnIsContentNotALineEnding) {
  // Found by fuzzing: a CR at the end of the file was taken for a line ending, so a key added
  // after it ran into the same line.
  auto document = parse_ok("[Account]\r\nSMTPServer=\r");
  EXPECT_EQ(document.value("Account", "SMTPServer"), "\r");
  ASSERT_TRUE(document.set_value("Account", "MailServer", "pop.example.jp"));
  EXPECT_EQ(document.serialize(), "[Account]\r\nSMTPServer=\r\r\nMailServer=pop.example.jp");
  EXPECT_EQ(document.value("Account", "MailServer"), "pop.example.jp");
}

TEST(BeckyIniDocument, LfOnlyFileGetsLfForANewKey) {
  auto document = parse_ok("[Account]\nName=a\n\n[Other]\nX=1\n");
  ASSERT_TRUE(document.set_value("Account", "UserID", "tanaka"));
  EXPECT_EQ(document.serialize(), "[Account]\nName=a\nUserID=tanaka\n\n[Other]\nX=1\n");
}

TEST(BeckyIniDocument, UnrepresentableTextIsAnErrorAndChangesNothing) {
  const std::string input = read_bytes(kFixtures / "becky/mailbox-cp932-5c.ini");
  auto document = parse_ok(input);
  auto result = document.set_value("Account", "Name", "smile \xf0\x9f\x98\x80");
  EXPECT_FALSE(result);
  EXPECT_NE(result.message.find("cannot be written in CP932"), std::string::npos);
  EXPECT_FALSE(document.set_value("Account", "Name", "two\r\nlines"));
  EXPECT_FALSE(document.set_value("Account", "Name", " padded"));
  EXPECT_FALSE(document.set_value("Account", "Bad=Key", "x"));
  EXPECT_FALSE(document.set_value("NoSuchSection", "Name", "x"));
  EXPECT_EQ(document.serialize(), input);
}

struct MalformedCase {
  const char* file;
  std::size_t line;
  std::size_t column;
  const char* message_start;
};

TEST(BeckyIniDocument, MalformedInputIsAnErrorWithItsPosition) {
  const MalformedCase cases[] = {
      {"malformed-key-before-section.ini", 1, 1, "expected a [Section] header before this line"},
      {"malformed-invalid-cp932.ini", 3, 10, "invalid CP932 (Shift_JIS) text"},
      // メ (0x83 0x81) and ー (0x81 0x5B) are known good from line 2; the lone 0x81 after メ on
      // line 3 is still an incomplete character.
      {"malformed-cp932-after-known-text.ini", 3, 12, "invalid CP932 (Shift_JIS) text"},
      {"malformed-nul.ini", 2, 7, "binary content (a NUL byte)"},
      // 表's trail byte 0x5C must not hide the missing ']'.
      {"malformed-unclosed-section.ini", 2, 4, "expected ']' to close the section name"},
  };
  for (const auto& c : cases) {
    BeckyIniDocument document;
    auto result = BeckyIniDocument::parse(read_bytes(kFixtures / "becky" / c.file), document);
    EXPECT_FALSE(result) << c.file;
    EXPECT_EQ(result.line, c.line) << c.file;
    EXPECT_EQ(result.column, c.column) << c.file;
    EXPECT_EQ(result.message.rfind(c.message_start, 0), 0u) << c.file << ": " << result.message;
  }
  BeckyIniDocument document;
  EXPECT_EQ(BeckyIniDocument::parse("[A]\r\n=value\r\n", document).message,
            "expected a key name before '='");
}

TEST(BeckyIniDocument, CharactersSeenOnEarlierLinesDoNotHideInvalidCp932) {
  // メ and ー are good on line 2; 0x85 0x40 between them on line 3 is unassigned in CP932.
  BeckyIniDocument document;
  auto result = BeckyIniDocument::parse(
      "[A]\r\nK=\x83\x81\x81\x5b\r\nL=\x83\x81\x85\x40\x81\x5b\r\n", document);
  EXPECT_FALSE(result);
  EXPECT_EQ(result.line, 3u);
  EXPECT_EQ(result.column, 5u);
  EXPECT_EQ(result.message,
            "invalid CP932 (Shift_JIS) text: a character that cannot be converted from CP932 to "
            "UTF-8");
  EXPECT_EQ(document.serialize(), "");
}

TEST(BeckyIniDocument, RepeatedCharactersOnLaterLinesDecode) {
  auto document = parse_ok("[A]\r\nK=\x83\x81\x81\x5b\x83\x8b\r\nL=\x83\x8b\x83\x81\r\n");
  EXPECT_EQ(document.value("A", "K"), "メール");
  EXPECT_EQ(document.value("A", "L"), "ルメ");
}

TEST(BeckyIniDocument, CommentsAreKeptWithoutACp932Check) {
  const std::string input = "[A]\r\n; \x85\x40\r\nK=1\r\n";
  auto document = parse_ok(input);
  EXPECT_EQ(document.serialize(), input);
  EXPECT_EQ(document.value("A", "K"), "1");
}

TEST(BeckyIniDocument, DisplayTextIsUtf8WithPasswordsMasked) {
  auto document = parse_ok(read_bytes(kFixtures / "becky/mailbox-mixed.ini"));
  EXPECT_EQ(document.display_text(),
            "; written by hand\r\n"
            "[Account]\r\n"
            "Name = 表 \n"
            "MailServer=imap.iis.u-tokyo.ac.jp\r\n"
            "Protocol=1\n"
            "SSLIMAP=1\r\n"
            "UnknownKey=ソ\\\r\n"
            "MailServer=duplicate.example\r\n"
            "no equals sign here\r\n"
            "\r\n"
            "[ゾ]\n"
            "SMTPPass=********\r\n"
            "\n");
}

}  // namespace
}  // namespace mailmig
