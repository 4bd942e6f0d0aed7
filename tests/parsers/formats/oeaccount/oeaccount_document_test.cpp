#include "parsers/formats/oeaccount/oeaccount_document.h"

#include <gtest/gtest.h>

#include <boost/filesystem.hpp>
#include <fstream>
#include <iterator>

#include "src/encoding/codec.h"

namespace mailmig {
namespace {

namespace fs = boost::filesystem;
using namespace std::string_literals;

const fs::path kFixtures = fs::path(MAILMIG_SOURCE_DIR) / "fixtures";
const fs::path kPeerSample =
    fs::path(MAILMIG_SHARED_DIR) / "peer-samples/oeaccount/msdocs-example-imap.oeaccount";
const fs::path kHomeAccount =
    kFixtures /
    "homes/windows/AppData/Local/Microsoft/Windows Live Mail/Local Folders/"
    "account{5D2A8C41-7E3B-4F19-9A6C-0B8E2D4F1A37}.oeaccount";

std::string read_bytes(const fs::path& path) {
  std::ifstream in(path.string(), std::ios::binary);
  EXPECT_TRUE(in) << path;
  return std::string((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
}

std::string wide(std::string_view utf8) {
  auto converted = from_utf8(utf8, "UTF-16LE");
  EXPECT_TRUE(converted);
  return converted.text;
}

std::string replaced(std::string text, const std::string& from, const std::string& to) {
  const std::size_t at = text.find(from);
  EXPECT_NE(at, std::string::npos);
  if (at != std::string::npos) text.replace(at, from.size(), to);
  return text;
}

OeAccountDocument parse_ok(const std::string& bytes) {
  OeAccountDocument document;
  auto result = OeAccountDocument::parse(bytes, document);
  EXPECT_TRUE(result) << result.line << ":" << result.column << ": " << result.message;
  return document;
}

TEST(OeAccountDocument, EveryFixtureAndThePeerSampleRoundTrip) {
  ASSERT_TRUE(fs::exists(kPeerSample)) << "peer sample missing: " << kPeerSample;
  std::vector<fs::path> inputs{kPeerSample, kHomeAccount};
  for (const auto& entry : fs::directory_iterator(kFixtures / "oeaccount")) {
    if (entry.path().filename().string().rfind("malformed-", 0) != 0) {
      inputs.push_back(entry.path());
    }
  }
  ASSERT_EQ(inputs.size(), 4u);
  for (const fs::path& input : inputs) {
    const std::string bytes = read_bytes(input);
    ASSERT_FALSE(bytes.empty()) << input;
    EXPECT_EQ(parse_ok(bytes).serialize(), bytes) << input;
  }
}

TEST(OeAccountDocument, Utf16FixtureIsThePeerSampleConverted) {
  const std::string peer = read_bytes(kPeerSample);
  std::string crlf;
  for (char c : peer) crlf += c == '\n' ? std::string("\r\n") : std::string(1, c);
  EXPECT_EQ(read_bytes(kFixtures / "oeaccount/msdocs-example-imap-utf16.oeaccount"),
            "\xFF\xFE" + wide(crlf));
}

TEST(OeAccountDocument, TypedPropertiesReadTheSameInEveryEncoding) {
  for (const fs::path& input :
       {kPeerSample, kFixtures / "oeaccount/msdocs-example-imap-utf16.oeaccount"}) {
    auto document = parse_ok(read_bytes(input));
    EXPECT_EQ(document.text("IMAP_Server"), "mail.wingtiptoys.com") << input;
    EXPECT_EQ(document.type("IMAP_Server"), "SZ");
    EXPECT_EQ(document.dword("IMAP_Port"), 0x3e1u);  // 993
    EXPECT_EQ(document.dword("Connection_Type"), 3u);
    EXPECT_EQ(document.dword("IMAP_Timeout"), 0x96u);  // hex, not decimal 96
    EXPECT_EQ(document.dword("IMAP_Server"), std::nullopt);
    EXPECT_EQ(document.text("POP3_Server"), std::nullopt);
  }
  EXPECT_EQ(parse_ok(read_bytes(kPeerSample)).encoding(), OeAccountEncoding::Utf8);
  auto utf8 = parse_ok(read_bytes(kFixtures / "oeaccount/utf8-bom-spa.oeaccount"));
  EXPECT_EQ(utf8.encoding(), OeAccountEncoding::Utf8Bom);
  EXPECT_EQ(utf8.text("Account_Name"), "R&D <lab>");
  EXPECT_EQ(utf8.text("POP3_User_Name"), "");
  EXPECT_EQ(utf8.dword("POP3_Use_Sicily"), 1u);  // TRUE
  EXPECT_EQ(utf8.dword("SMTP_Port"), 465u);      // 1D1
}

TEST(OeAccountDocument, DwordEditsKeepTheExistingStyle) {
  const std::string input = read_bytes(kFixtures / "oeaccount/msdocs-example-imap-utf16.oeaccount");
  auto document = parse_ok(input);
  ASSERT_TRUE(document.set_dword("IMAP_Port", 143));
  ASSERT_TRUE(document.set_dword("Connection_Type", 2));
  std::string expected = replaced(input, wide(">3e1<"), wide(">8f<"));
  expected = replaced(expected, wide(">00000003<"), wide(">00000002<"));
  EXPECT_EQ(document.serialize(), expected);
  EXPECT_EQ(document.dword("IMAP_Port"), 143u);

  const std::string utf8_input = read_bytes(kFixtures / "oeaccount/utf8-bom-spa.oeaccount");
  auto utf8 = parse_ok(utf8_input);
  ASSERT_TRUE(utf8.set_dword("SMTP_Port", 587));
  ASSERT_TRUE(utf8.set_dword("POP3_Use_Sicily", 0));
  std::string utf8_expected = replaced(utf8_input, ">1D1<", ">24B<");
  utf8_expected = replaced(utf8_expected, ">TRUE<", ">FALSE<");
  EXPECT_EQ(utf8.serialize(), utf8_expected);
}

TEST(OeAccountDocument, TextEditsEscapeAndOpenSelfClosingElements) {
  const std::string input = read_bytes(kFixtures / "oeaccount/utf8-bom-spa.oeaccount");
  auto document = parse_ok(input);
  ASSERT_TRUE(document.set_string("Account_Name", "生研 & <lab>"));
  ASSERT_TRUE(document.set_string("POP3_User_Name", "tanaka"));
  std::string expected = replaced(input, "R&amp;D &lt;lab&gt;", "生研 &amp; &lt;lab&gt;");
  expected = replaced(expected, "<POP3_User_Name type=\"SZ\"/>",
                      "<POP3_User_Name type=\"SZ\">tanaka</POP3_User_Name>");
  EXPECT_EQ(document.serialize(), expected);
  EXPECT_EQ(document.text("Account_Name"), "生研 & <lab>");
  EXPECT_EQ(document.text("POP3_User_Name"), "tanaka");
}

TEST(OeAccountDocument, NewPropertiesFollowTheFilesIndentationAndLineEnding) {
  const std::string home = read_bytes(kHomeAccount);
  auto document = parse_ok(home);
  ASSERT_TRUE(document.set_dword("POP3_Port", 995));
  ASSERT_TRUE(document.set_string("SMTP_User_Name", "hanako"));
  EXPECT_EQ(document.serialize(),
            replaced(home, wide("</MessageAccount>"),
                     wide("\t<POP3_Port type=\"DWORD\">000003e3</POP3_Port>\r\n"
                          "\t<SMTP_User_Name type=\"SZ\">hanako</SMTP_User_Name>\r\n"
                          "</MessageAccount>")));

  const std::string peer = read_bytes(kPeerSample);
  auto four_spaces = parse_ok(peer);
  ASSERT_TRUE(four_spaces.set_dword("SMTP_Port", 587));  // exists: minimal hex "19" -> "24b"
  ASSERT_TRUE(four_spaces.set_dword("POP3_Port", 587));  // new: 8 digits
  std::string expected = replaced(peer, ">19<", ">24b<");
  expected = replaced(expected, "</MessageAccount>",
                      "    <POP3_Port type=\"DWORD\">0000024b</POP3_Port>\n</MessageAccount>");
  EXPECT_EQ(four_spaces.serialize(), expected);

  // No final newline, LF, two spaces.
  const std::string utf8_input = read_bytes(kFixtures / "oeaccount/utf8-bom-spa.oeaccount");
  auto utf8 = parse_ok(utf8_input);
  ASSERT_TRUE(utf8.set_dword("POP3_Secure_Connection", 1));
  EXPECT_EQ(utf8.serialize(),
            replaced(utf8_input, "</MessageAccount>",
                     "  <POP3_Secure_Connection type=\"DWORD\">00000001</POP3_Secure_Connection>\n"
                     "</MessageAccount>"));
}

TEST(OeAccountDocument, AnUneditedDocumentSerializesToItsInput) {
  const std::string input = read_bytes(kHomeAccount);
  auto document = parse_ok(input);
  EXPECT_FALSE(document.changed());
  EXPECT_EQ(document.serialize(), input);
  EXPECT_EQ(document.original(), input);
}

TEST(OeAccountDocument, RepeatedEditsRewriteTheirOwnSpans) {
  const std::string input = read_bytes(kFixtures / "oeaccount/utf8-bom-spa.oeaccount");
  auto document = parse_ok(input);
  ASSERT_TRUE(document.set_string("POP3_User_Name", "first"));  // self-closing
  ASSERT_TRUE(document.set_string("POP3_User_Name", "second"));
  ASSERT_TRUE(document.set_dword("SMTP_Port", 1));
  ASSERT_TRUE(document.set_dword("SMTP_Port", 587));
  ASSERT_TRUE(document.set_dword("POP3_Secure_Connection", 0));  // added
  ASSERT_TRUE(document.set_string("POP3_Password2", "secret"));  // added
  ASSERT_TRUE(document.set_dword("POP3_Secure_Connection", 1));
  EXPECT_TRUE(document.changed());
  EXPECT_EQ(document.text("POP3_User_Name"), "second");
  EXPECT_EQ(document.dword("SMTP_Port"), 587u);
  EXPECT_EQ(document.dword("POP3_Secure_Connection"), 1u);
  std::string expected = replaced(input, "<POP3_User_Name type=\"SZ\"/>",
                                  "<POP3_User_Name type=\"SZ\">second</POP3_User_Name>");
  expected = replaced(expected, ">1D1<", ">24b<");  // in the style of "1"
  expected = replaced(expected, "</MessageAccount>",
                      "  <POP3_Secure_Connection type=\"DWORD\">00000001</POP3_Secure_Connection>\n"
                      "  <POP3_Password2 type=\"SZ\">secret</POP3_Password2>\n"
                      "</MessageAccount>");
  EXPECT_EQ(document.serialize(), expected);
  EXPECT_EQ(document.original(), input);
  const std::string shown = document.display_text();
  EXPECT_EQ(shown.find("secret"), std::string::npos);
  EXPECT_NE(shown.find("<POP3_Password2 type=\"SZ\">********</POP3_Password2>"), std::string::npos);
  EXPECT_NE(shown.find(">second<"), std::string::npos);
}

TEST(OeAccountDocument, InvalidEditsAreErrorsAndChangeNothing) {
  const std::string input = read_bytes(kHomeAccount);
  auto document = parse_ok(input);
  EXPECT_FALSE(document.set_dword("POP3_Server", 1));
  EXPECT_FALSE(document.set_string("SMTP_Port", "25"));
  EXPECT_FALSE(document.set_string("Account_Name", "two\nlines"));
  EXPECT_FALSE(document.set_dword("1bad name", 1));
  EXPECT_EQ(document.serialize(), input);
  auto commented = parse_ok("<MessageAccount>\n</MessageAccount>\n<!-- </MessageAccount> -->");
  ASSERT_TRUE(commented.set_dword("POP3_Port", 995));
  EXPECT_EQ(commented.serialize(),
            "<MessageAccount>\n\t<POP3_Port type=\"DWORD\">000003e3</POP3_Port>\n"
            "</MessageAccount>\n<!-- </MessageAccount> -->");
  auto root_only = parse_ok("<MessageAccount/>");
  EXPECT_FALSE(root_only.set_dword("POP3_Port", 1));
}

struct MalformedCase {
  std::string bytes;
  std::size_t line;
  std::size_t column;
  std::string message_start;
};

TEST(OeAccountDocument, MalformedInputIsAnErrorWithItsPosition) {
  const MalformedCase cases[] = {
      {read_bytes(kFixtures / "oeaccount/malformed-not-xml.oeaccount"), 3, 29,
       "not well-formed XML: Start-end tags mismatch"},
      {read_bytes(kFixtures / "oeaccount/malformed-wrong-root.oeaccount"), 2, 1,
       "expected the root element <MessageAccount>, found <Account>"},
      {read_bytes(kFixtures / "oeaccount/malformed-invalid-utf16.oeaccount"), 2, 15,
       "invalid UTF-16LE text"},
      {"\xFF\xFE<\x00M"s, 1, 2, "the UTF-16LE text ends in the middle of a character"},
      {"\xFE\xFF\x00<"s, 0, 0, "UTF-16 big-endian is not an .oeaccount encoding"},
      {"<MessageAccount>\n\xC3(</MessageAccount>", 2, 1,
       "neither UTF-16LE with a byte order mark nor valid UTF-8"},
      {"", 1, 1, "not well-formed XML: No document element found"},
      // Found by fuzzing: pugixml stops at U+0000, so a second root after it went unseen.
      {"<MessageAccount>\n</MessageAccount>\0<MessageAccount></MessageAccount>"s, 2, 18,
       "a NUL character, which XML does not allow"},
      // Found by fuzzing: pugixml accepts a second root, and edits went into the wrong one.
      {"<MessageAccount/>\n<!-- c --><MessageAccount></MessageAccount>", 2, 11,
       "expected nothing but comments after </MessageAccount>"},
  };
  for (const auto& c : cases) {
    OeAccountDocument document;
    auto result = OeAccountDocument::parse(c.bytes, document);
    EXPECT_FALSE(result) << c.message_start;
    EXPECT_EQ(result.line, c.line) << c.message_start;
    EXPECT_EQ(result.column, c.column) << c.message_start;
    EXPECT_EQ(result.message.rfind(c.message_start, 0), 0u) << result.message;
  }
}

TEST(OeAccountDocument, DisplayTextIsUtf8WithPasswordBlobsMasked) {
  auto document = parse_ok(read_bytes(kHomeAccount));
  const std::string shown = document.display_text();
  EXPECT_EQ(shown.rfind("<?xml version=\"1.0\" encoding=\"utf-16\" ?>\r\n", 0), 0u);
  EXPECT_NE(shown.find("\t<POP3_Password2 type=\"BINARY\">********</POP3_Password2>\r\n"),
            std::string::npos);
  EXPECT_EQ(shown.find("d08c9ddf"), std::string::npos);
  EXPECT_NE(shown.find("<POP3_Prompt_for_Password type=\"DWORD\">00000000<"), std::string::npos);
  EXPECT_NE(shown.find("慶應 花子"), std::string::npos);
}

}  // namespace
}  // namespace mailmig
