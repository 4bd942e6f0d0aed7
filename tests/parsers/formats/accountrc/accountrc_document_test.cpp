#include "parsers/formats/accountrc/accountrc_document.h"

#include <gtest/gtest.h>

#include <array>
#include <boost/filesystem.hpp>
#include <fstream>
#include <iterator>
#include <string>
#include <vector>

#include "parsers/formats/accountrc/accountrc_key_order.h"

namespace mailmig {
namespace {

namespace fs = boost::filesystem;

std::string slurp(const fs::path& path) {
  std::ifstream in(path.string(), std::ios::binary);
  EXPECT_TRUE(in.good()) << path;
  return std::string((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
}

AccountrcDocument parse_ok(std::string bytes) {
  AccountrcDocument document;
  const ParseResult parsed = AccountrcDocument::parse(bytes, document);
  EXPECT_TRUE(parsed) << parsed.message << " on line " << parsed.line;
  return document;
}

TEST(AccountrcDocument, RoundTripsEveryFixtureThatParses) {
  const fs::path root = fs::path(MAILMIG_SOURCE_DIR) / "fixtures";
  int round_trips = 0;
  for (const fs::path& folder : {root / "accountrc", root / "homes"}) {
    for (const auto& entry : fs::recursive_directory_iterator(folder)) {
      const std::string name = entry.path().filename().string();
      const bool rc_file = name == "accountrc" || name == "clawsrc" || name == "sylpheedrc" ||
                           name == "passwordstorerc" || entry.path().extension() == ".accountrc";
      if (!fs::is_regular_file(entry.path()) || !rc_file) continue;
      if (name.starts_with("malformed-")) continue;  // see the profile tests
      const std::string bytes = slurp(entry.path());
      AccountrcDocument document;
      const ParseResult parsed = AccountrcDocument::parse(bytes, document);
      ASSERT_TRUE(parsed) << entry.path() << ":" << parsed.line << ": " << parsed.message;
      EXPECT_EQ(document.serialize(), bytes) << entry.path();
      ++round_trips;
    }
  }
  EXPECT_EQ(round_trips, 18);
}

TEST(AccountrcDocument, RoundTripsEveryPeerSampleByteForByte) {
  const fs::path peers = fs::path(MAILMIG_SHARED_DIR) / "peer-samples" / "real-clients";
  const std::array<fs::path, 6> samples = {peers / "sylpheed-3.8" / "INPUT-accountrc",
                                           peers / "sylpheed-3.8" / "accountrc",
                                           peers / "claws-mail-4.1.1" / "INPUT-accountrc",
                                           peers / "claws-mail-4.1.1" / "accountrc",
                                           peers / "claws-mail-4.1.1" / "clawsrc",
                                           peers / "claws-mail-4.1.1" / "passwordstorerc"};
  for (const fs::path& sample : samples) {
    ASSERT_TRUE(fs::is_regular_file(sample)) << "missing peer sample " << sample;
    const std::string bytes = slurp(sample);
    ASSERT_FALSE(bytes.empty()) << sample;
    const AccountrcDocument document = parse_ok(bytes);
    EXPECT_EQ(document.serialize(), bytes) << sample;
  }
}

TEST(AccountrcDocument, ReadsSectionsAndValuesAsTheClientDoes) {
  const AccountrcDocument document = parse_ok(
      "[Account: 1]\r\n"
      "account_name=田中\r\n"
      "signature_separator=-- \r\n"
      "smtp_port=25\r\n"
      "no equals here\r\n"
      "\r\n"
      "smtp_port=2525\r\n"
      "url=http://x/?a=b\r\n"
      "\r\n"
      "[Account: 2]\n"
      "user_id=hanako");
  ASSERT_EQ(document.sections().size(), 2u);
  const auto& first = document.sections()[0];
  EXPECT_EQ(first.name, "Account: 1");
  EXPECT_EQ(document.value(first, "account_name"), "田中");
  EXPECT_EQ(document.value(first, "signature_separator"), "-- ");  // trailing blank kept
  EXPECT_EQ(document.value(first, "smtp_port"), "2525");           // the last one wins
  EXPECT_EQ(document.effective_line(first, "smtp_port"), 6u);
  EXPECT_EQ(document.value(first, "url"), "http://x/?a=b");  // split at the first '='
  EXPECT_EQ(document.value(first, "no equals here"), std::nullopt);
  EXPECT_EQ(first.lines[4].kind, AccountrcDocument::LineKind::Other);
  EXPECT_EQ(document.value(first, "user_id"), std::nullopt);
  EXPECT_EQ(document.value(document.sections()[1], "user_id"), "hanako");
  EXPECT_EQ(document.find_section("Account: 3"), nullptr);
}

TEST(AccountrcDocument, KeepsValuesThatAreNotUtf8) {
  const std::string bytes = "[Account: 1]\naccount_name=\xC5\xC4\xC3\xE6\nuser_id=tanaka\n";
  AccountrcDocument document = parse_ok(bytes);
  EXPECT_EQ(document.value(document.sections()[0], "account_name"), "\xC5\xC4\xC3\xE6");
  ASSERT_TRUE(document.set_value("Account: 1", "user_id", "hanako", sylpheed_key_order()));
  EXPECT_EQ(document.serialize(), "[Account: 1]\naccount_name=\xC5\xC4\xC3\xE6\nuser_id=hanako\n");
}

TEST(AccountrcDocument, ReplacesOnlyTheValueBytesOfTheEffectiveLine) {
  AccountrcDocument document = parse_ok(
      "[Account: 1]\r\nsmtp_port=25\r\nset_smtpport=1\r\nsmtp_port=25\r\n\r\n[Account: 2]\r\n"
      "smtp_port=25\r\n");
  ASSERT_TRUE(document.set_value("Account: 1", "smtp_port", "587", sylpheed_key_order()));
  EXPECT_EQ(document.serialize(),
            "[Account: 1]\r\nsmtp_port=25\r\nset_smtpport=1\r\nsmtp_port=587\r\n\r\n"
            "[Account: 2]\r\nsmtp_port=25\r\n");
  ASSERT_TRUE(document.set_value("Account: 2", "smtp_port", "", sylpheed_key_order()));
  EXPECT_EQ(document.serialize(),
            "[Account: 1]\r\nsmtp_port=25\r\nset_smtpport=1\r\nsmtp_port=587\r\n\r\n"
            "[Account: 2]\r\nsmtp_port=\r\n");
}

TEST(AccountrcDocument, AddsAMissingKeyAfterTheKeyThatPrecedesItInTheClientsOrder) {
  AccountrcDocument document = parse_ok(
      "[Account: 1]\nuser_id=tanaka\nuse_smtp_auth=0\nset_popport=0\n\n[Account: 2]\nuser_id=x\n");
  // smtp_auth_method follows use_smtp_auth in Sylpheed's order.
  ASSERT_TRUE(document.set_value("Account: 1", "smtp_auth_method", "0", sylpheed_key_order()));
  // set_smtpport/smtp_port come after proxy_pass and before set_popport.
  ASSERT_TRUE(document.set_value("Account: 1", "smtp_port", "587", sylpheed_key_order()));
  ASSERT_TRUE(document.set_value("Account: 1", "set_smtpport", "1", sylpheed_key_order()));
  // account_name is the first key: right after the header.
  ASSERT_TRUE(document.set_value("Account: 1", "account_name", "DTI", sylpheed_key_order()));
  // A key the client does not know: the end of the section, before the blank separator.
  ASSERT_TRUE(document.set_value("Account: 1", "x_mailmig", "1", sylpheed_key_order()));
  EXPECT_EQ(document.serialize(),
            "[Account: 1]\naccount_name=DTI\nuser_id=tanaka\nuse_smtp_auth=0\n"
            "smtp_auth_method=0\nset_smtpport=1\nsmtp_port=587\nset_popport=0\nx_mailmig=1\n\n"
            "[Account: 2]\nuser_id=x\n");
}

// A 20,000-account file has some 1.8 million lines: the index holds 8 bytes a line, and the
// numbers and ends it no longer stores follow from the lines' places and bytes.
TEST(AccountrcDocument, KeepsEightBytesALineAndStillKnowsEachLinesNumberAndEnd) {
  static_assert(sizeof(AccountrcDocument::Line) <= 8);
  AccountrcDocument document = parse_ok(
      "[Account: 1]\nuser_id=tanaka\r\r\nuse_smtp_auth=0\n\n[Account: 2]\n"
      "user_id=x\r\nsmtp_port=25");
  ASSERT_TRUE(document.set_value("Account: 1", "account_name", "DTI", sylpheed_key_order()));
  ASSERT_TRUE(document.set_value("Account: 1", "account_name", "DTI 2", sylpheed_key_order()));
  ASSERT_TRUE(document.set_value("Account: 2", "user_id", "", sylpheed_key_order()));
  const auto& first = document.sections()[0];
  const auto& second = document.sections()[1];
  std::vector<std::size_t> numbers;
  for (const auto& line : first.lines) numbers.push_back(first.number_of(line));
  for (const auto& line : second.lines) numbers.push_back(second.number_of(line));
  // The added account_name line has no number; the others keep theirs in the file as read.
  EXPECT_EQ(numbers, (std::vector<std::size_t>{1, 0, 2, 3, 4, 5, 6, 7}));
  EXPECT_EQ(document.value(first, "account_name"), "DTI 2");
  EXPECT_EQ(document.value(first, "user_id"), "tanaka");
  EXPECT_EQ(document.value(second, "user_id"), "");
  EXPECT_EQ(document.value(second, "smtp_port"), "25");
  EXPECT_EQ(document.serialize(),
            "[Account: 1]\naccount_name=DTI 2\nuser_id=tanaka\r\r\nuse_smtp_auth=0\n\n"
            "[Account: 2]\nuser_id=\r\nsmtp_port=25");
}

// The bytes read are moved into the document, not copied: a large file is held once.
TEST(AccountrcDocument, KeepsTheBytesMovedIntoItWithoutACopy) {
  std::string bytes = "[Account: 1]\nsignature_text=" + std::string(4096, 's') + "\n";
  const std::string expected = bytes;
  const char* const read = bytes.data();
  AccountrcDocument document;
  ASSERT_TRUE(AccountrcDocument::parse(std::move(bytes), document));
  EXPECT_EQ(document.sections().front().original.data(), read);  // original() is a copy
  EXPECT_EQ(document.original(), expected);
}

TEST(AccountrcDocument, PlacesClawsKeysInClawsOrder) {
  AccountrcDocument document =
      parse_ok("[Account: 1]\nuser_id=tanaka\nconfig_version=4\nuse_apop_auth=1\n");
  ASSERT_TRUE(document.set_value("Account: 1", "use_pop_auth", "0", claws_key_order()));
  EXPECT_EQ(document.serialize(),
            "[Account: 1]\nuser_id=tanaka\nconfig_version=4\nuse_apop_auth=1\nuse_pop_auth=0\n");
}

TEST(AccountrcDocument, AddedLinesUseTheFilesLineEndingAndKeepAMissingFinalNewline) {
  AccountrcDocument document = parse_ok("[Account: 1]\r\nuser_id=tanaka\r\npop_port=110");
  // set_imapport follows pop_port, the last line.
  ASSERT_TRUE(document.set_value("Account: 1", "set_imapport", "1", sylpheed_key_order()));
  EXPECT_EQ(document.serialize(),
            "[Account: 1]\r\nuser_id=tanaka\r\npop_port=110\r\nset_imapport=1");
  ASSERT_TRUE(document.set_value("Account: 1", "use_apop_auth", "0", sylpheed_key_order()));
  EXPECT_EQ(document.serialize(),
            "[Account: 1]\r\nuser_id=tanaka\r\nuse_apop_auth=0\r\npop_port=110\r\n"
            "set_imapport=1");
}

// Edits are spans over the parsed bytes: original() stays the input, changed() says whether the
// edits give other bytes, and every value reads back as edited without a serialize().
TEST(AccountrcDocument, KeepsItsInputAndReadsEditsBackAsSpans) {
  const std::string rc = "[Account: 1]\nuser_id=tanaka\nsmtp_port=\nnote\n";
  AccountrcDocument document = parse_ok(rc);
  EXPECT_FALSE(document.changed());
  ASSERT_TRUE(document.set_value("Account: 1", "user_id", "tanaka", sylpheed_key_order()));
  EXPECT_FALSE(document.changed());

  ASSERT_TRUE(document.set_value("Account: 1", "smtp_port", "587", sylpheed_key_order()));
  ASSERT_TRUE(document.set_value("Account: 1", "x_extra", "1", sylpheed_key_order()));
  ASSERT_TRUE(document.set_value("Account: 1", "x_extra", "22", sylpheed_key_order()));
  ASSERT_TRUE(document.set_value("Account: 1", "smtp_port", "25", sylpheed_key_order()));
  EXPECT_TRUE(document.changed());
  EXPECT_EQ(document.original(), rc);
  const std::string written = "[Account: 1]\nuser_id=tanaka\nsmtp_port=25\nnote\nx_extra=22\n";
  EXPECT_EQ(document.serialize(), written);
  const auto& section = document.sections()[0];
  EXPECT_EQ(document.value(section, "smtp_port"), "25");
  EXPECT_EQ(document.value(section, "x_extra"), "22");
  EXPECT_EQ(document.value(section, "user_id"), "tanaka");

  ASSERT_TRUE(document.set_value("Account: 1", "smtp_port", "", sylpheed_key_order()));
  ASSERT_TRUE(document.set_value("Account: 1", "x_extra", "", sylpheed_key_order()));
  EXPECT_EQ(document.serialize(), "[Account: 1]\nuser_id=tanaka\nsmtp_port=\nnote\nx_extra=\n");
}

TEST(AccountrcDocument, RefusesValuesTheFormatCannotHold) {
  AccountrcDocument document = parse_ok("[Account: 1]\nuser_id=tanaka\n");
  EXPECT_FALSE(document.set_value("Account: 1", "user_id", "a\nb", sylpheed_key_order()));
  EXPECT_FALSE(document.set_value("Account: 1", "user_id", "a\rb", sylpheed_key_order()));
  EXPECT_FALSE(
      document.set_value("Account: 1", "user_id", std::string("a\0b", 3), sylpheed_key_order()));
  EXPECT_FALSE(document.set_value("Account: 9", "user_id", "x", sylpheed_key_order()));
  EXPECT_FALSE(document.set_value("Account: 1", "[evil", "x", sylpheed_key_order()));
  EXPECT_FALSE(document.set_value("Account: 1", "a=b", "x", sylpheed_key_order()));
  EXPECT_EQ(document.serialize(), "[Account: 1]\nuser_id=tanaka\n");
}

// replace_value() is set_value() for a line the caller has found: the same bytes, and the same
// refusals, plus a line that holds no value.
TEST(AccountrcDocument, ReplacesTheValueOfAKnownLineAsSetValueWould) {
  const std::string rc =
      "[Account: 1]\r\nuser_id=tanaka\r\npop_port=110\r\nnote\r\n\r\n"
      "[Account: 2]\nuser_id=x\n";
  AccountrcDocument replaced = parse_ok(rc);
  AccountrcDocument set = parse_ok(rc);
  ASSERT_TRUE(replaced.replace_value(0, 2, "995"));
  ASSERT_TRUE(set.set_value("Account: 1", "pop_port", "995", sylpheed_key_order()));
  ASSERT_TRUE(replaced.replace_value(0, 1, "hanako.tanaka"));
  ASSERT_TRUE(set.set_value("Account: 1", "user_id", "hanako.tanaka", sylpheed_key_order()));
  EXPECT_EQ(replaced.serialize(), set.serialize());
  EXPECT_EQ(replaced.value(replaced.sections()[0], "pop_port"), "995");

  EXPECT_FALSE(replaced.replace_value(0, 0, "x"));  // the header
  EXPECT_FALSE(replaced.replace_value(0, 3, "x"));  // "note", no '='
  EXPECT_FALSE(replaced.replace_value(0, 9, "x"));
  EXPECT_FALSE(replaced.replace_value(5, 1, "x"));
  EXPECT_FALSE(replaced.replace_value(0, 1, "a\nb"));
  EXPECT_FALSE(replaced.replace_value(0, 1, std::string("a\0b", 3)));
  EXPECT_EQ(replaced.serialize(), set.serialize());
}

TEST(AccountrcDocument, ReportsMalformedInputWithItsLine) {
  struct Case {
    std::string input;
    std::size_t line;
    std::size_t column;
    std::string message;
  };
  const std::vector<Case> cases = {
      {"account_name=DTI\n[Account: 1]\n", 1, 1,
       "expected a section header such as [Account: 1] before the first setting"},
      {"\xEF\xBB\xBF[Account: 1]\n", 1, 1,
       "expected a section header such as [Account: 1] before the first setting"},
      {"[Account: 1]\nuser_id=x\n\n[Account: 2\n", 4, 12,
       "invalid section header: expected ']' at the end of the line"},
      {"[\n", 1, 2, "invalid section header: expected ']' at the end of the line"},
      {std::string("[Account: 1]\nuser_id=ta\0ka\n", 27), 2, 11,
       "NUL byte: this is not a text settings file"},
      // Cut short in a key: the client writes every line with its newline (issue 14).
      {"[Account: 1]\r\nreceive_server=pop.example.jp\r\nuser_i", 3, 7,
       "the file ends in the middle of this line, which has no '=': it looks cut short"},
  };
  for (const Case& c : cases) {
    AccountrcDocument document = parse_ok("[Kept]\n");
    const ParseResult parsed = AccountrcDocument::parse(c.input, document);
    EXPECT_FALSE(parsed);
    EXPECT_EQ(parsed.line, c.line) << c.input;
    EXPECT_EQ(parsed.column, c.column) << c.input;
    EXPECT_EQ(parsed.message, c.message);
    EXPECT_EQ(document.serialize(), "[Kept]\n");  // left as it was
  }
}

TEST(AccountrcDocument, ACompleteLastLineWithoutNewlineIsNotCutShort) {
  for (const std::string bytes : {"[Account: 1]", "[Account: 1]\nuser_id=x",
                                  "[Account: 1]\nuser_id=", "[Account: 1]\nno equals\nuser_id=x"}) {
    EXPECT_EQ(parse_ok(bytes).serialize(), bytes);
  }
}

TEST(AccountrcDocument, AcceptsEmptyAndBlankInput) {
  EXPECT_EQ(parse_ok("").sections().size(), 0u);
  EXPECT_EQ(parse_ok("\n\r\n").serialize(), "\n\r\n");
}

}  // namespace
}  // namespace mailmig
