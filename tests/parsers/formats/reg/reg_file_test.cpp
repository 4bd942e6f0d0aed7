#include "parsers/formats/reg/reg_file.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <cstdio>
#include <optional>
#include <string>
#include <vector>

#include "src/encoding/codec.h"
#include "src/io/read_file.h"

namespace mailmig {
namespace {

std::string fixture(const std::string& name) {
  return std::string(MAILMIG_SOURCE_DIR) + "/fixtures/registry/" + name;
}

std::string peer(const std::string& name) {
  return std::string(MAILMIG_SHARED_DIR) + "/peer-samples/" + name;
}

std::string bytes_of(const std::string& path) {
  ReadResult read = read_file(path);
  EXPECT_TRUE(read.ok) << read.error;
  return read.bytes;
}

std::string utf16_file(std::string_view utf8) {
  return "\xFF\xFE" + from_utf8(utf8, "UTF-16LE").text;
}

RegFile parse_ok(std::string_view bytes, const char* codepage = "CP932") {
  RegFile file;
  const ParseResult result = RegFile::parse(bytes, file, codepage);
  EXPECT_TRUE(result.ok) << result.describe("input");
  return file;
}

constexpr const char* kWineKey = "HKEY_CURRENT_USER\\Software\\Wine\\reg_test";

// --- Round trips ---------------------------------------------------------------------------

TEST(RegFileRoundTrip, EveryFixtureAndPeerSampleGivesBackItsBytes) {
  const std::string files[] = {
      fixture("outlook2016-unicode.reg"),
      fixture("outlook2010-nt.reg"),
      fixture("oe-regedit4-cp932.reg"),
      fixture("cases-import-rules.reg"),
      fixture("cases-v5-ansi-oe.reg"),
      fixture("no-accounts.reg"),
      peer("reg/wine-orig-excerpt.reg"),
      peer("real-clients/wine-regedit-8.0/INPUT-import.reg"),
      peer("real-clients/wine-regedit-8.0/oe-account-regedit4.reg"),
      peer("real-clients/wine-regedit-8.0/oe-account-unicode.reg"),
      peer("real-clients/wine-regedit-8.0/outlook2016-account-regedit4.reg"),
      peer("real-clients/wine-regedit-8.0/outlook2016-account-unicode.reg"),
  };
  for (const std::string& path : files) {
    SCOPED_TRACE(path);
    const std::string bytes = bytes_of(path);
    ASSERT_FALSE(bytes.empty());
    const RegFile file = parse_ok(bytes);
    EXPECT_EQ(file.serialize(), bytes);
  }
}

TEST(RegFileRoundTrip, Utf16FileIsDecodedToUtf8AndReencodedExactly) {
  const std::string text =
      "Windows Registry Editor Version 5.00\r\n\r\n[HKEY_CURRENT_USER\\Software\\\xE7\xA0\x94]\r\n"
      "\"\xF0\x9F\x93\xA7 mail\"=\"\xE7\x94\xB0\xE4\xB8\xAD\"\r\n";
  const std::string bytes = utf16_file(text);
  const RegFile file = parse_ok(bytes);
  EXPECT_EQ(file.encoding(), RegEncoding::Utf16Le);
  EXPECT_EQ(file.version(), 5);
  EXPECT_EQ(file.text(), text);
  EXPECT_EQ(file.serialize(), bytes);
  const std::optional<RegValue> value =
      file.find_value("HKEY_CURRENT_USER\\Software\\\xE7\xA0\x94", "\xF0\x9F\x93\xA7 mail");
  ASSERT_TRUE(value.has_value());
  EXPECT_EQ(value->text, "\xE7\x94\xB0\xE4\xB8\xAD");
}

TEST(RegFileRoundTrip, MixedLineEndingsAndCommentAfterTheLastValue) {
  std::string bytes = bytes_of(fixture("cases-continuation-eof.reg"));
  // The fixture's value runs into the end of the file (see RegTruncated); ended, it reads.
  bytes.replace(bytes.find("  03,\\"), 6, "  03");
  const RegFile file = parse_ok(bytes);
  EXPECT_EQ(file.serialize(), bytes);
  EXPECT_EQ(file.line_ending(), "\n");
  const std::optional<RegValue> b = file.find_value("HKEY_CURRENT_USER\\Software\\Test", "b");
  ASSERT_TRUE(b.has_value());
  EXPECT_EQ(b->bytes, std::string("\x01\x02\x03", 3));
  const std::optional<RegValue> a = file.find_value("HKEY_CURRENT_USER\\Software\\Test", "a");
  ASSERT_TRUE(a.has_value());
  EXPECT_EQ(a->dword, 1u);
  const auto& entries = file.entries();
  ASSERT_EQ(entries.size(), 7u);
  EXPECT_EQ(entries[4].kind, RegLineKind::Value);
  EXPECT_EQ(file.first_line(entries[4]), 5u);
  EXPECT_EQ(file.last_line(entries[4]), 6u);
  EXPECT_EQ(entries[5].kind, RegLineKind::Blank);
  EXPECT_EQ(entries[6].kind, RegLineKind::Comment);
  EXPECT_EQ(file.entry_content(entries[6]), "; trailing comment");
}

// --- regedit's export format, checked against real exports -----------------------------------

TEST(RegFileFormat, EveryValueOfRealExportsIsFormattedExactlyAsWritten) {
  const std::string files[] = {
      peer("reg/wine-orig-excerpt.reg"),
      peer("real-clients/wine-regedit-8.0/oe-account-unicode.reg"),
      peer("real-clients/wine-regedit-8.0/outlook2016-account-regedit4.reg"),
      peer("real-clients/wine-regedit-8.0/outlook2016-account-unicode.reg"),
      fixture("outlook2016-unicode.reg"),
      fixture("oe-regedit4-cp932.reg"),
  };
  for (const std::string& path : files) {
    const RegFile file = parse_ok(bytes_of(path));
    int values = 0;
    for (const RegEntry& entry : file.entries()) {
      if (entry.kind != RegLineKind::Value) continue;
      SCOPED_TRACE(path + ":" + std::to_string(file.first_line(entry)));
      std::string line;
      ASSERT_TRUE(file.format_value_line(file.value(entry), line));
      EXPECT_EQ(line, file.entry_content(entry));
      ++values;
    }
    EXPECT_GT(values, 5);
  }
}

TEST(RegFileFormat, LongValueNameWrapsAfterTheFirstByte) {
  const RegFile file = parse_ok(bytes_of(peer("reg/wine-orig-excerpt.reg")));
  const std::optional<RegValue> value = file.find_value(
      "HKEY_CURRENT_USER\\Test Regedit\\New Key #1",
      "A- \" Binary Value #1, long name \\ []= long long long long long long long long long long "
      "long long end");
  ASSERT_TRUE(value.has_value());
  EXPECT_EQ(value->bytes.size(), 277u);
  std::string line;
  ASSERT_TRUE(file.format_value_line(*value, line));
  EXPECT_TRUE(line.find("=hex:30,\\\n  31,32,") != std::string::npos) << line;
}

// --- The import rules of regproc.c (shared/formats §3.5) -------------------------------------

class RegImportCases : public ::testing::Test {
 protected:
  void SetUp() override { file_ = parse_ok(bytes_of(fixture("cases-import-rules.reg"))); }
  std::optional<RegValue> value(const char* name) const { return file_.find_value(kWineKey, name); }
  RegFile file_;
};

TEST_F(RegImportCases, CommentsAndHashRules) {
  ASSERT_TRUE(value("Wine1"));
  EXPECT_EQ(value("Wine1")->dword, 0x123u);
  EXPECT_FALSE(value("Comment1"));
  EXPECT_FALSE(value("Comment2"));
  EXPECT_FALSE(value("Wine10"));
  ASSERT_TRUE(value("Wine11"));
  EXPECT_EQ(value("Wine11")->text, "Value 2");
  EXPECT_FALSE(value("Wine12"));
  ASSERT_TRUE(value("Wine13"));
  EXPECT_EQ(value("Wine13")->dword, 0x02040608u);
  EXPECT_EQ(value("Wine22")->text, "#comment1");
  EXPECT_EQ(value("Wine24")->text, "Value#comment3");
  EXPECT_FALSE(value("Wine37a"));
  EXPECT_EQ(value("Empty string")->text, "");
  EXPECT_EQ(value("double\"quote")->text, "valid \"or\" not");
}

TEST_F(RegImportCases, DefaultValueAndWhatSwallowsIt) {
  // The second @= line is swallowed by the broken continuation before it.
  ASSERT_TRUE(value(""));
  EXPECT_EQ(value("")->text, "Test string");
  EXPECT_FALSE(value("Wine58a"));
  ASSERT_TRUE(value("Wine58b"));
  EXPECT_EQ(value("Wine58b")->dword, 0x58u);
}

TEST_F(RegImportCases, DwordForms) {
  EXPECT_EQ(value("Wine24a")->dword, 1u);
  EXPECT_EQ(value("Wine24b")->dword, 0x4444u);
  for (const char* rejected : {"Wine25a", "Wine25b", "Wine25c", "Wine26a", "Wine26b", "Wine27b"}) {
    EXPECT_FALSE(value(rejected)) << rejected;
  }
  EXPECT_EQ(value("Wine27a")->dword, 0x1234u);
}

TEST_F(RegImportCases, Deletions) {
  const RegEntry* deleted = file_.find_entry(kWineKey, "Wine46a");
  ASSERT_NE(deleted, nullptr);
  EXPECT_EQ(deleted->kind, RegLineKind::ValueDeletion);
  EXPECT_EQ(file_.find_entry(kWineKey, "Wine46b")->kind, RegLineKind::ValueDeletion);
  EXPECT_EQ(file_.find_entry(kWineKey, "Wine46c"), nullptr);
}

TEST_F(RegImportCases, HexContinuation) {
  const std::optional<RegValue> joined = value("Wine19");
  ASSERT_TRUE(joined.has_value());
  EXPECT_EQ(joined->type, 7u);
  EXPECT_EQ(joined->bytes, std::string("Line concatenation\0\0", 20));
  const RegEntry* entry = file_.find_entry(kWineKey, "Wine19");
  EXPECT_EQ(file_.first_line(*entry), 30u);
  EXPECT_EQ(file_.last_line(*entry), 35u);
  // A '#' line breaks the continuation and is swallowed; the next line is read again.
  EXPECT_FALSE(value("Wine20"));
  ASSERT_TRUE(value("Wine20b"));
  EXPECT_EQ(value("Wine20b")->text, "the line after the swallowed one");
  // A backslash without a comma invalidates the value but does not continue.
  EXPECT_FALSE(value("Wine21"));
  EXPECT_EQ(value("Wine21b")->dword, 0x21u);
  EXPECT_EQ(value("Wine44")->type, 0x100u);
  EXPECT_FALSE(value("Wine44b"));
}

TEST_F(RegImportCases, KeyLines) {
  // "[ HKEY" is ignored and leaves the key open; a bad root closes it; so does a deletion.
  EXPECT_EQ(value("Wine47")->dword, 0x47u);
  EXPECT_FALSE(value("Wine48"));
  EXPECT_FALSE(value("Wine49"));
  EXPECT_EQ(file_.key_paths(), std::vector<std::string>{kWineKey});
  const auto& entries = file_.entries();
  EXPECT_EQ(entries[entries.size() - 3].kind, RegLineKind::KeyDeletion);
  EXPECT_EQ(file_.key_path(entries[entries.size() - 3]),
            "HKEY_CURRENT_USER\\Software\\Wine\\reg_test\\Subkey");
  EXPECT_EQ(entries[entries.size() - 2].kind, RegLineKind::Opaque);
  EXPECT_EQ(entries.back().kind, RegLineKind::Blank);
}

TEST(RegImport, WhitespaceAroundNamesAndEqualsAndRootCase) {
  const RegFile file = parse_ok(
      "REGEDIT4\r\n  [hkey_current_user\\A]\r\n \t\"x\" \t= \t\"y\" \t\r\n  @ = dword:ff  \r\n"
      "\"h\"=hex( 2):41,00,;c\r\n\"t\"=hex:\r\n");
  const std::optional<RegValue> x = file.find_value("HKEY_CURRENT_USER\\a", "X");
  ASSERT_TRUE(x.has_value());
  EXPECT_EQ(x->text, "y");
  EXPECT_EQ(file.find_value("HKEY_CURRENT_USER\\A", "")->dword, 0xFFu);
  EXPECT_EQ(file.find_value("HKEY_CURRENT_USER\\A", "h")->bytes, std::string("A\0", 2));
  EXPECT_EQ(file.find_value("HKEY_CURRENT_USER\\A", "h")->type, 2u);
  EXPECT_EQ(file.find_value("HKEY_CURRENT_USER\\A", "t")->bytes, "");
}

TEST(RegImport, ValuesBeforeAnyKeyAreOpaque) {
  const RegFile file = parse_ok("REGEDIT4\r\n\"a\"=dword:1\r\n[HKEY_USERS\\S]\r\n\"a\"=dword:2");
  EXPECT_EQ(file.entries()[1].kind, RegLineKind::Opaque);
  EXPECT_EQ(file.find_value("HKEY_USERS\\S", "a")->dword, 2u);
}

TEST(RegImport, LaterKeyDeletionRemovesValue) {
  const RegFile file =
      parse_ok("REGEDIT4\r\n[HKEY_USERS\\S\\T]\r\n\"a\"=dword:1\r\n[-HKEY_USERS\\S]\r\n");
  EXPECT_FALSE(file.find_value("HKEY_USERS\\S\\T", "a"));
  EXPECT_EQ(file.find_entry("HKEY_USERS\\S\\T", "a")->kind, RegLineKind::KeyDeletion);
}

// --- CP932 -----------------------------------------------------------------------------------

TEST(RegCp932, TrailByte5CIsNotABackslash) {
  // ソ is 83 5C and 表 is 95 5C; ゾ is 83 5D (a trail byte that looks like ']').
  const std::string bytes =
      "REGEDIT4\r\n\r\n[HKEY_CURRENT_USER\\\x83\x5D]\r\n\"\x95\x5C\"=\"\x83\x5C\"\r\n"
      "\"b\"=\"\x95\x5C\x8E\xA6 \\\\ \\\"\"\r\n";
  const RegFile file = parse_ok(bytes);
  EXPECT_EQ(file.key_paths(), std::vector<std::string>{"HKEY_CURRENT_USER\\\xE3\x82\xBE"});
  const std::optional<RegValue> so =
      file.find_value("HKEY_CURRENT_USER\\\xE3\x82\xBE", "\xE8\xA1\xA8");
  ASSERT_TRUE(so.has_value());
  EXPECT_EQ(so->text, "\xE3\x82\xBD");
  const std::optional<RegValue> b = file.find_value("HKEY_CURRENT_USER\\\xE3\x82\xBE", "b");
  ASSERT_TRUE(b.has_value());
  EXPECT_EQ(b->text, "\xE8\xA1\xA8\xE7\xA4\xBA \\ \"");
  EXPECT_EQ(file.serialize(), bytes);
}

TEST(RegCp932, SingleByteCodePageReadsTheSameBytesDifferently) {
  // In CP1252 the 0x5C is a backslash that escapes the closing quote.
  const std::string bytes = "REGEDIT4\r\n[HKEY_CURRENT_USER\\A]\r\n\"a\"=\"\x83\x5C\"\r\n";
  const RegFile file = parse_ok(bytes, "CP1252");
  EXPECT_FALSE(file.find_value("HKEY_CURRENT_USER\\A", "a"));
  EXPECT_EQ(file.entries()[2].kind, RegLineKind::Opaque);
}

TEST(RegCp932, FixtureReadsJapaneseStrings) {
  const RegFile file = parse_ok(bytes_of(fixture("oe-regedit4-cp932.reg")));
  const std::string key =
      "HKEY_CURRENT_USER\\Identities\\{8A3D4E5F-1B2C-4D6E-9F01-23456789ABCD}\\Software\\"
      "Microsoft\\Internet Account Manager\\Accounts\\00000001";
  EXPECT_EQ(file.find_value(key, "Account Name")->text,
            "\xE4\xB9\x9D\xE5\xB7\xA5\xE5\xA4\xA7\xE3\x82\xAF\xE3\x83\xA9\xE3\x83\x96\xEF\xBC\x88"
            "\xE3\x82\xBD\xE3\x83\x95\xE3\x83\x88\xE7\xA0\x94\xEF\xBC\x89");
  EXPECT_EQ(file.find_value(key, "SMTP Display Name")->text,
            "\xE7\x94\xB0\xE4\xB8\xAD \xE8\xA1\xA8\xE7\xA4\xBA");
}

// --- Decoding: ASCII stays as it is, other text goes through iconv in one call ---------------

TEST(RegDecoding, Cp932TextsAmongAsciiOnesDecodeIntoTheirOwnEntries) {
  // Non-ASCII key paths, names and strings (one with escapes, one with a 0x5C trail byte)
  // between ASCII ones, and a value before any key, whose name is not kept.
  const std::string bytes =
      "REGEDIT4\r\n\"\x96\xBC\"=\"x\"\r\n[HKEY_CURRENT_USER\\\x95\x5C]\r\n\"plain\"=\"ascii\"\r\n"
      "\"\x96\xBC\"=\"\x92\x6C \\\"\x95\x5C\\\"\"\r\n\"n\"=\"\x95\x5C\"\r\n"
      "[HKEY_CURRENT_USER\\B]\r\n\"\x96\xBC\"=dword:00000002\r\n";
  const RegFile file = parse_ok(bytes);
  const auto& entries = file.entries();
  ASSERT_EQ(entries.size(), 8u);
  EXPECT_EQ(entries[1].kind, RegLineKind::Opaque);
  EXPECT_EQ(file.value(entries[1]).name, "");
  EXPECT_EQ(file.key_path(entries[2]), "HKEY_CURRENT_USER\\\xE8\xA1\xA8");
  EXPECT_EQ(file.raw_key_path(entries[2]), "HKEY_CURRENT_USER\\\x95\x5C");
  EXPECT_EQ(file.value(entries[3]).name, "plain");
  EXPECT_EQ(file.value(entries[3]).text, "ascii");
  EXPECT_EQ(file.value(entries[4]).name, "\xE5\x90\x8D");
  EXPECT_EQ(file.value(entries[4]).text, "\xE5\x80\xA4 \"\xE8\xA1\xA8\"");
  EXPECT_EQ(file.value(entries[5]).text, "\xE8\xA1\xA8");
  EXPECT_EQ(file.key_path(entries[6]), "HKEY_CURRENT_USER\\B");
  EXPECT_EQ(file.value(entries[7]).name, "\xE5\x90\x8D");
  EXPECT_EQ(file.value(entries[7]).dword, 2u);
  EXPECT_EQ(file.serialize(), bytes);
}

TEST(RegDecoding, InvalidCp932IsReportedOnItsOwnLine) {
  RegFile file;
  // Line 3 is valid Japanese; line 5 holds the bad byte.
  EXPECT_EQ(RegFile::parse(
                "REGEDIT4\r\n\r\n\"\x96\xBC\"=\"\x92\x6C\"\r\n; ok\r\n\"b\"=\"\x81\x20\"\r\n", file)
                .describe("x"),
            "x:5: byte 0x81 is not valid CP932 text");
  // A lead byte before a line ending is invalid, not the end of the file.
  EXPECT_EQ(RegFile::parse("REGEDIT4\r\n\"\x96\xBC\"=\"\"\r\n\x83\r\n\"b\"=\"c\"\r\n", file)
                .describe("x"),
            "x:3: byte 0x83 is not valid CP932 text");
  EXPECT_EQ(RegFile::parse("REGEDIT4\r\n\x96\xBC\r\n\x83", file).describe("x"),
            "x:3: the file ends in the middle of a CP932 character");
}

// On Windows "SHIFT_JIS" is code page 932, which reads 0x5C as '\\' as the Windows clients that
// write these files do (Windows has no code page that changes ASCII): that reading is the right
// one there, so the two tests below expect it on Windows and glibc's yen sign elsewhere.
TEST(RegDecoding, CodePageThatChangesAsciiDecodesEveryText) {
  // glibc's SHIFT_JIS reads 0x5C as a yen sign, so no text may be taken as it is.
  const std::string bytes = "REGEDIT4\r\n[HKEY_CURRENT_USER\\A]\r\n\"a\"=\"b\"\r\n";
  const RegFile file = parse_ok(bytes, "SHIFT_JIS");
#ifdef _WIN32
  EXPECT_EQ(file.key_path(file.entries()[1]), "HKEY_CURRENT_USER\\A");
#else
  EXPECT_EQ(file.key_path(file.entries()[1]),
            "HKEY_CURRENT_USER\xC2\xA5"
            "A");
#endif
  EXPECT_EQ(file.value(file.entries()[2]).text, "b");
  EXPECT_EQ(file.serialize(), bytes);
}

TEST(RegDecoding, EditsInACodePageThatChangesAsciiAreCheckedThroughIt) {
  // ASCII edits skip iconv only where the code page keeps ASCII: in glibc's SHIFT_JIS the
  // backslash written for "x\\y" reads back as a yen sign, so the edit is refused.
  const std::string bytes = "REGEDIT4\r\n[HKEY_CURRENT_USER\\A]\r\n\"a\"=\"b\"\r\n";
  RegFile file = parse_ok(bytes, "SHIFT_JIS");
#ifdef _WIN32
  // Code page 932 keeps 0x5C a backslash: the edit reads back as written.
  EXPECT_TRUE(file.set_string("HKEY_CURRENT_USER\\A", "a", "x\\y"));
  EXPECT_EQ(file.serialize(), "REGEDIT4\r\n[HKEY_CURRENT_USER\\A]\r\n\"a\"=\"x\\\\y\"\r\n");
#else
  const std::string key = "HKEY_CURRENT_USER\xC2\xA5\x41";  // ¥A
  EXPECT_FALSE(file.set_string(key, "a", "x\\y"));
  EXPECT_TRUE(file.set_string(key, "a", "xy"));
  EXPECT_EQ(file.serialize(), "REGEDIT4\r\n[HKEY_CURRENT_USER\\A]\r\n\"a\"=\"xy\"\r\n");
#endif
}

TEST(RegDecoding, Utf16RunsOfNonAsciiCharactersDecodeInPlace) {
  const std::string text =
      "Windows Registry Editor Version "
      "5.00\r\n\r\n[HKEY_CURRENT_USER\\\xE3\x82\xBD\xE3\x83\x95\xE3\x83\x88]"
      "\r\n\"\xC3\xA9\"=\"\xF0\x9F\x98\x80 a "
      "\xE5\x80\xA4\"\r\n\"plain\"=hex:01,02\r\n@=\"\xF0\x9F\x98\x80\"";
  const std::string bytes = utf16_file(text);
  const RegFile file = parse_ok(bytes);
  EXPECT_EQ(file.text(), text);
  const auto& entries = file.entries();
  ASSERT_EQ(entries.size(), 6u);
  EXPECT_EQ(file.key_path(entries[2]), "HKEY_CURRENT_USER\\\xE3\x82\xBD\xE3\x83\x95\xE3\x83\x88");
  EXPECT_EQ(file.value(entries[3]).name, "\xC3\xA9");
  EXPECT_EQ(file.value(entries[3]).text, "\xF0\x9F\x98\x80 a \xE5\x80\xA4");
  EXPECT_EQ(file.value(entries[4]).bytes, "\x01\x02");
  EXPECT_EQ(file.value(entries[5]).text, "\xF0\x9F\x98\x80");
  EXPECT_EQ(file.serialize(), bytes);
}

TEST(RegDecoding, EditedUtf16FileIsEncodedRunByRun) {
  // Non-ASCII runs at the start and end of a line, between ASCII, and a surrogate pair.
  const std::string header =
      "Windows Registry Editor Version 5.00\r\n\r\n[HKEY_CURRENT_USER\\A]\r\n";
  RegFile file = parse_ok(utf16_file(header + "\"\xC3\xA9\"=\"b\"\r\n"));
  ASSERT_TRUE(file.set_string("HKEY_CURRENT_USER\\A", "\xC3\xA9",
                              "\xE5\x80\xA4 x \xF0\x9F\x98\x80\xC3\xA9"));
  EXPECT_EQ(file.serialize(),
            utf16_file(header + "\"\xC3\xA9\"=\"\xE5\x80\xA4 x \xF0\x9F\x98\x80\xC3\xA9\"\r\n"));
}

TEST(RegEdits, EditedEntriesAreListedOnceInTheOrderOfTheirFirstEdit) {
  RegFile file = parse_ok("REGEDIT4\r\n[HKEY_CURRENT_USER\\A]\r\n\"a\"=\"1\"\r\n\"b\"=\"2\"\r\n");
  EXPECT_TRUE(file.edited_entries().empty());
  ASSERT_TRUE(file.set_string("HKEY_CURRENT_USER\\A", "b", "3"));
  ASSERT_TRUE(file.put_value("HKEY_CURRENT_USER\\A", RegValue::dword_value("c", 4)));
  ASSERT_TRUE(file.set_string("HKEY_CURRENT_USER\\A", "a", "5"));
  ASSERT_TRUE(file.set_string("HKEY_CURRENT_USER\\A", "b", "6"));
  ASSERT_TRUE(file.set_dword("HKEY_CURRENT_USER\\A", "c", 7));
  std::vector<std::string> lines;
  for (const RegEntry* entry : file.edited_entries()) {
    lines.emplace_back(file.entry_content(*entry));
  }
  EXPECT_EQ(lines,
            (std::vector<std::string>{"\"b\"=\"6\"", "\"c\"=dword:00000007", "\"a\"=\"5\""}));
}

TEST(RegDecoding, Utf16SurrogatesDoNotPairAcrossAsciiText) {
  RegFile file;
  // A high surrogate, an ASCII 'x', then a low surrogate: two errors regedit would not read.
  const std::string header = utf16_file("Windows Registry Editor Version 5.00\r\n\r\n;");
  const std::string split_pair = header + std::string("\x3D\xD8x\0\x00\xDE\r\0\n\0", 10);
  EXPECT_EQ(RegFile::parse(split_pair, file).describe("x"),
            "x:3: invalid UTF-16 text (an unpaired surrogate)");
  // An unpaired low surrogate after valid non-ASCII text on earlier lines.
  const std::string later = utf16_file("Windows Registry Editor Version 5.00\r\n;\xC3\xA9\r\n;") +
                            std::string("\x00\xDC", 2);
  EXPECT_EQ(RegFile::parse(later, file).describe("x"),
            "x:3: invalid UTF-16 text (an unpaired surrogate)");
}

TEST(RegDecoding, LoneCrAtTheEndIsOneLineEnding) {
  const std::string bytes = "REGEDIT4\r\n[HKEY_CURRENT_USER\\A]\r\n\"a\"=\"b\"\r";
  const RegFile file = parse_ok(bytes);
  const RegEntry& last = file.entries().back();
  EXPECT_EQ(last.kind, RegLineKind::Value);
  EXPECT_EQ(last.content_end, bytes.size() - 1);
  EXPECT_EQ(file.entry_end(last), bytes.size());
  EXPECT_EQ(file.line_ending(), "\r\n");
  EXPECT_EQ(file.serialize(), bytes);
}

// --- Malformed input -------------------------------------------------------------------------

struct MalformedCase {
  const char* file;
  const char* error;
};

TEST(RegMalformed, RefusedWithLineAndReason) {
  const MalformedCase cases[] = {
      {"malformed-header-case.reg",
       "x:1: expected the header \"REGEDIT4\" or \"Windows Registry Editor Version 5.00\" on the "
       "first line"},
      {"malformed-blank-first-line.reg",
       "x:1: expected the header \"REGEDIT4\" or \"Windows Registry Editor Version 5.00\" on the "
       "first line"},
      {"malformed-fuzzy-header.reg",
       "x:1: expected the header \"REGEDIT4\" or \"Windows Registry Editor Version 5.00\" on the "
       "first line"},
      {"malformed-odd-utf16.reg",
       "x:4: the UTF-16 file ends in the middle of a character (odd number of bytes)"},
      {"malformed-unpaired-surrogate.reg", "x:4: invalid UTF-16 text (an unpaired surrogate)"},
      {"malformed-cp932.reg", "x:4: byte 0x81 is not valid CP932 text"},
      {"malformed-nul.reg", "x:4: a NUL character, which ends regedit's reading of the line"},
      {"malformed-key-deletion-root.reg",
       "x:6: regedit stops importing at this key deletion: it needs a key below "
       "HKEY_CURRENT_USER, HKEY_LOCAL_MACHINE, ..."},
  };
  for (const MalformedCase& item : cases) {
    SCOPED_TRACE(item.file);
    RegFile file;
    const ParseResult result = RegFile::parse(bytes_of(fixture(item.file)), file);
    EXPECT_FALSE(result.ok);
    EXPECT_EQ(result.describe("x"), item.error);
  }
}

TEST(RegMalformed, ErrorsNameTheColumnToo) {
  struct Case {
    std::string bytes;
    std::size_t line;
    std::size_t column;
  };
  const Case cases[] = {
      {"REGEDIT4\r\n\r\n[HKEY_CURRENT_USER\\A]\r\n\"a\"=\"x\x81\"\r\n", 4, 7},      // bad CP932
      {std::string("REGEDIT4\n[HKEY_CURRENT_USER\\A]\n\"a\"=\"\0\"\n", 38), 3, 6},  // NUL
      {std::string("\xFF\xFE") +
           from_utf8("Windows Registry Editor Version 5.00\r\n\"", "UTF-16LE").text +
           std::string("\x00\xD8", 2),
       2, 2},  // an unpaired surrogate, in code units
      {"REGEDIT5\r\n", 1, 1},
  };
  for (const Case& item : cases) {
    RegFile file;
    const ParseResult result = RegFile::parse(item.bytes, file);
    EXPECT_FALSE(result.ok) << item.bytes;
    EXPECT_EQ(result.line, item.line) << result.message;
    EXPECT_EQ(result.column, item.column) << result.message;
  }
}

TEST(RegMalformed, EmptyFileAndUnknownCodePage) {
  RegFile file;
  EXPECT_EQ(RegFile::parse("", file).describe("x"),
            "x:1: empty file: expected the header \"REGEDIT4\" or \"Windows Registry Editor "
            "Version 5.00\" on the first line");
  const ParseResult unknown = RegFile::parse("REGEDIT4\r\n", file, "NO-SUCH-CODEPAGE");
  EXPECT_FALSE(unknown.ok);
  EXPECT_EQ(unknown.describe("x"), "x: unknown ANSI code page \"NO-SUCH-CODEPAGE\"");
  // A lead byte at the very end of the file.
  EXPECT_EQ(RegFile::parse("REGEDIT4\r\n\x83", file).describe("x"),
            "x:2: the file ends in the middle of a CP932 character");
}

// --- Truncation (issue 14) ------------------------------------------------------------------

std::string parse_error(std::string_view bytes) {
  RegFile file;
  const ParseResult result = RegFile::parse(bytes, file);
  EXPECT_FALSE(result.ok) << "accepted:\n" << bytes;
  return result.describe("x");
}

constexpr std::string_view kCutShort = "the export looks cut short";

TEST(RegTruncated, Utf16HexContinuationIntoTheEndOfTheFile) {
  const std::string whole = bytes_of(fixture("outlook2016-unicode.reg"));
  const std::string text = to_utf8(std::string_view(whole).substr(2), "UTF-16LE").text;
  // Cut right after a line that ends in ",\\" (with its CRLF, and without it).
  const std::size_t backslash = text.find(",\\\r\n");
  ASSERT_NE(backslash, std::string::npos);
  const std::size_t line =
      1 + static_cast<std::size_t>(std::count(text.begin(), text.begin() + backslash, '\n'));
  for (const std::size_t cut : {backslash + 4, backslash + 2}) {
    SCOPED_TRACE(cut);
    const std::string error = parse_error(utf16_file(text.substr(0, cut)));
    EXPECT_TRUE(error.starts_with("x:" + std::to_string(line) + ": ")) << error;
    EXPECT_NE(error.find(kCutShort), std::string::npos) << error;
  }
  // Blank and comment lines after the backslash do not end the value either.
  EXPECT_EQ(parse_error(bytes_of(fixture("cases-continuation-eof.reg"))),
            "x:6: the file ends inside a hex value continued with ',\\' on this line: the export "
            "looks cut short");
}

TEST(RegTruncated, HexValueCutInTheMiddleOfAByteOrAfterAComma) {
  const std::string key = "REGEDIT4\r\n\r\n[HKEY_CURRENT_USER\\Software\\Test]\r\n";
  for (const std::string tail :
       {"\"a\"=hex:01,0", "\"a\"=hex:01,02,", "\"a\"=hex:01,\\\r\n  02,0"}) {
    SCOPED_TRACE(tail);
    const std::string error = parse_error(key + tail);
    const std::string line = tail.find('\n') == std::string::npos ? "4" : "5";
    EXPECT_TRUE(error.starts_with("x:" + line + ": ")) << error;
    EXPECT_NE(error.find(kCutShort), std::string::npos) << error;
  }
  EXPECT_EQ(parse_error(utf16_file("Windows Registry Editor Version 5.00\r\n\r\n"
                                   "[HKEY_CURRENT_USER\\Software\\Test]\r\n\"a\"=hex:4c,00,6")),
            "x:4: the file ends in the middle of this value, without a line ending: the export "
            "looks cut short");
}

TEST(RegTruncated, Regedit4CutInTheMiddleOfALine) {
  const std::string whole = bytes_of(fixture("oe-regedit4-cp932.reg"));
  const std::size_t at = whole.find("\"SMTP Display N");
  ASSERT_NE(at, std::string::npos);
  const std::string before = whole.substr(0, at);
  const std::string line =
      std::to_string(1 + std::count(before.begin(), before.end(), '\n')) + ": ";
  for (const std::size_t length : {std::size_t{1}, std::size_t{15}, std::size_t{20}}) {
    const std::string error = parse_error(whole.substr(0, at + length));
    EXPECT_EQ(error, "x:" + line +
                         "the file ends in the middle of this line, without a line ending: the "
                         "export looks cut short")
        << length;
  }
  EXPECT_NE(parse_error("REGEDIT4\r\n\r\n[HKEY_CURRENT_USER\\Softw").find("x:3: "),
            std::string::npos);
  EXPECT_NE(parse_error("REGEDIT4\r\n\r\n[HKEY_CURRENT_USER\\S]\r\n@=\"abc").find("x:4: "),
            std::string::npos);
}

TEST(RegTruncated, ACompleteLastLineWithoutLineEndingIsNotTruncation) {
  const std::string key = "REGEDIT4\r\n\r\n[HKEY_CURRENT_USER\\Software\\Test]";
  for (const std::string tail :
       {"", "\r\n\"a\"=\"v\"", "\r\n\"a\"=dword:00000001", "\r\n\"a\"=hex:01,02",
        "\r\n\"a\"=hex:01,\\\r\n  02", "\r\n\"a\"=-", "\r\n; comment", "\r\n#x",
        "\r\n\"a\"=hex:01,02 ;a", "\r\n[Unknown root]", "\r\n"}) {
    SCOPED_TRACE(tail);
    EXPECT_EQ(parse_ok(key + tail).serialize(), key + tail);
  }
}

// --- Edits -----------------------------------------------------------------------------------

constexpr const char* kPeerOeKey =
    "HKEY_CURRENT_USER\\Software\\Microsoft\\Internet Account Manager\\Accounts\\00000001";

// A large export has a million entries (issue 14): each byte of an entry is a megabyte of a plan's
// peak memory. An entry is offsets into the text, its value decoded when asked for (160 bytes
// when it held the decoded value).
TEST(RegFileMemory, AnEntryIsOffsetsWithoutADecodedValue) { EXPECT_LE(sizeof(RegEntry), 20u); }

// An entry keeps where its name stands in 16 bits: a longer value name (regedit allows 16,383
// characters, so only a hand-made file has one) is read by decoding its line, and a longer key
// path, which Windows cannot hold, is refused with its line.
TEST(RegFileMemory, NamesPastSixteenBitsAreDecodedOrRefused) {
  const std::string long_name(70000, 'n');
  RegFile file = parse_ok("REGEDIT4\r\n\r\n[HKEY_CURRENT_USER\\K]\r\n\"" + long_name +
                          "\"=dword:00000001\r\n\"Short\"=\"x\"\r\n");
  ASSERT_TRUE(file.find_value("HKEY_CURRENT_USER\\K", long_name));
  EXPECT_EQ(file.find_value("HKEY_CURRENT_USER\\K", long_name)->dword, 1u);
  EXPECT_EQ(file.value_names("HKEY_CURRENT_USER\\K"),
            (std::vector<std::string>{long_name, "Short"}));
  ASSERT_TRUE(file.set_dword("HKEY_CURRENT_USER\\K", long_name, 2).ok);
  EXPECT_EQ(file.find_value("HKEY_CURRENT_USER\\K", long_name)->dword, 2u);

  const std::string long_path = "HKEY_CURRENT_USER\\" + std::string(70000, 'k');
  EXPECT_EQ(parse_error("REGEDIT4\r\n\r\n[HKEY_CURRENT_USER\\A]\r\n\r\n[" + long_path + "]\r\n"),
            "x:5: a key line longer than mailmig reads (65,535 bytes to the end of the key's path; "
            "Windows allows far less)");
}

// An ANSI export's text is its bytes: a plan of a 45 MB export holds them once.
TEST(RegFileMemory, AnAnsiFileTakesItsBytesAsItsTextWithoutACopy) {
  std::string bytes =
      "REGEDIT4\r\n[HKEY_CURRENT_USER\\A]\r\n\"a\"=\"" + std::string(100, 'x') + "\"\r\n";
  const std::string copy = bytes;
  const char* buffer = bytes.data();
  RegFile file;
  ASSERT_TRUE(RegFile::parse_owned(std::move(bytes), file));
  EXPECT_EQ(file.text().data(), buffer);
  EXPECT_EQ(file.serialize(), copy);
}

// Values are decoded from the entry's lines as they are now: edited, added or as parsed.
TEST(RegFileMemory, ValuesAreDecodedFromTheEntrysLinesWithEdits) {
  RegFile file = parse_ok(
      "REGEDIT4\r\n[HKEY_CURRENT_USER\\A]\r\n\"a\"=hex:01,\\\r\n  02\r\n\"b\\\"q\"=\"x\"\r\n");
  const std::vector<RegEntry>& entries = file.entries();
  ASSERT_EQ(entries.size(), 4u);
  EXPECT_EQ(file.value(entries[2]).bytes, "\x01\x02");
  EXPECT_EQ(file.value_name(entries[3]), "b\"q");
  EXPECT_EQ(file.value(entries[3]).text, "x");
  ASSERT_TRUE(file.set_string("HKEY_CURRENT_USER\\A", "B\"Q", "y"));
  ASSERT_TRUE(file.put_value("HKEY_CURRENT_USER\\A", RegValue::dword_value("c", 3)));
  EXPECT_EQ(file.value(entries[3]).text, "y");
  EXPECT_EQ(file.value_name(entries[3]), "B\"Q");
  EXPECT_EQ(file.find_value("HKEY_CURRENT_USER\\A", "C")->dword, 3u);
  // A name spelled in another case by an edit is read in its new spelling.
  ASSERT_TRUE(file.set_binary("HKEY_CURRENT_USER\\A", "A", "\x03"));
  ASSERT_TRUE(file.set_dword("HKEY_CURRENT_USER\\A", "C", 4));
  EXPECT_EQ(file.value_name(entries[2]), "A");
  EXPECT_EQ(file.value_name(*file.find_entry("HKEY_CURRENT_USER\\A", "c")), "C");
  EXPECT_EQ(file.find_value("HKEY_CURRENT_USER\\A", "b\"q")->text, "y");
  // Hex over continuation lines, in the forms regedit writes and in others it reads.
  const RegFile hex = parse_ok(
      "REGEDIT4\r\n[HKEY_CURRENT_USER\\A]\r\n\"w\"=hex(7):41,00,\\\r\n  42,00\r\n"
      "\"c\"=hex:1,\\ ; note\r\n\r\n  0002\r\n");
  EXPECT_EQ(hex.find_value("HKEY_CURRENT_USER\\A", "w")->type, 7u);
  EXPECT_EQ(hex.find_value("HKEY_CURRENT_USER\\A", "w")->bytes, std::string("A\0B\0", 4));
  EXPECT_EQ(hex.find_value("HKEY_CURRENT_USER\\A", "c")->bytes, "\x01\x02");
}

// An edited value reads back as the file written with the edit reads: each kind of value, names
// in another case and with escapes, text other than ASCII, in both encodings.
TEST(RegFileMemory, AnEditedValueReadsAsTheWrittenFileReadsIt) {
  const std::string text =
      "[HKEY_CURRENT_USER\\A]\r\n\"d\"=dword:00000001\r\n\"s\"=\"x\"\r\n\"q\\\"\"=\"x\"\r\n"
      "\"h\"=hex:01\r\n\"e\"=hex(2):41,00,00,00\r\n";
  for (const std::string& bytes :
       {"REGEDIT4\r\n" + text, utf16_file("Windows Registry Editor Version 5.00\r\n" + text)}) {
    RegFile file = parse_ok(bytes);
    const std::string key = "HKEY_CURRENT_USER\\A";
    ASSERT_TRUE(file.set_dword(key, "D", 0x24b));
    ASSERT_TRUE(file.set_string(key, "S", "y z"));
    ASSERT_TRUE(file.set_string(key, "Q\"", "w"));
    ASSERT_TRUE(file.set_binary(key, "h", std::string(40, '\x5A')));  // over three lines
    ASSERT_TRUE(file.put_value(key, RegValue::binary("e", std::string("B\0\0\0", 4), 2)));
    const RegFile written = parse_ok(file.serialize());
    for (const char* name : {"d", "s", "q\"", "h", "e"}) {
      const auto edited = file.find_value(key, name);
      const auto read = written.find_value(key, name);
      ASSERT_TRUE(edited && read) << name;
      EXPECT_EQ(edited->name, read->name) << name;
      EXPECT_EQ(edited->kind, read->kind) << name;
      EXPECT_EQ(edited->type, read->type) << name;
      EXPECT_EQ(edited->text, read->text) << name;
      EXPECT_EQ(edited->dword, read->dword) << name;
      EXPECT_EQ(edited->bytes, read->bytes) << name;
    }
    EXPECT_EQ(file.find_value(key, "d")->name, "D");
    EXPECT_EQ(file.find_value(key, "d")->dword, 0x24bu);
    EXPECT_EQ(file.find_value(key, "h")->bytes, std::string(40, '\x5A'));
  }
  // Text other than ASCII, which an ANSI file holds in its code page.
  RegFile ansi = parse_ok("REGEDIT4\r\n[HKEY_CURRENT_USER\\A]\r\n\"n\"=\"x\"\r\n");
  ASSERT_TRUE(ansi.set_string("HKEY_CURRENT_USER\\A", "n", "\xE6\x97\xA5"));
  EXPECT_EQ(ansi.find_value("HKEY_CURRENT_USER\\A", "n")->text, "\xE6\x97\xA5");
}

TEST(RegEdits, AnUneditedFileSerializesToItsInput) {
  const std::string ansi = "REGEDIT4\r\n\r\n[HKEY_CURRENT_USER\\A]\r\n\"a\"=dword:00000001\r\n";
  const std::string utf16 = utf16_file(
      "Windows Registry Editor Version "
      "5.00\r\n\r\n[HKEY_CURRENT_USER\\A]\r\n\"a\"=\"\xE6\x97\xA5\"\r\n");
  for (const std::string& input : {ansi, utf16}) {
    RegFile file = parse_ok(input);
    EXPECT_FALSE(file.changed());
    EXPECT_EQ(file.serialize(), input);
    EXPECT_EQ(file.original(), input);
  }
  RegFile file = parse_ok(ansi);
  ASSERT_TRUE(file.set_dword("HKEY_CURRENT_USER\\A", "a", 1));  // as it was
  EXPECT_FALSE(file.changed());
  ASSERT_TRUE(file.set_dword("HKEY_CURRENT_USER\\A", "a", 2));
  EXPECT_TRUE(file.changed());
  EXPECT_EQ(file.original(), ansi);
  RegFile added = parse_ok(ansi);
  ASSERT_TRUE(added.add_value("HKEY_CURRENT_USER\\A", RegValue::dword_value("b", 1)));
  EXPECT_TRUE(added.changed());
}

TEST(RegEdits, SetDwordReplacesOnlyThatLine) {
  const std::string bytes = bytes_of(peer("real-clients/wine-regedit-8.0/oe-account-regedit4.reg"));
  RegFile file = parse_ok(bytes);
  ASSERT_TRUE(file.set_dword(kPeerOeKey, "smtp port", 587));
  std::string expected = bytes;
  const std::string old_line = "\"SMTP Port\"=dword:00000019";
  expected.replace(expected.find(old_line), old_line.size(), "\"smtp port\"=dword:0000024b");
  EXPECT_EQ(file.serialize(), expected);
  EXPECT_EQ(file.find_value(kPeerOeKey, "SMTP Port")->dword, 587u);
}

// A type is written in lower-case hex without leading zeros, a dword in eight digits, as regedit
// writes them.
TEST(RegEdits, TypesAndNumbersAreWrittenAsRegeditWritesThem) {
  RegFile file = parse_ok("REGEDIT4\r\n[HKEY_CURRENT_USER\\A]\r\n\"d\"=dword:00000001\r\n");
  ASSERT_TRUE(file.set_dword("HKEY_CURRENT_USER\\A", "d", 0xABCDEF09));
  ASSERT_TRUE(file.put_value("HKEY_CURRENT_USER\\A",
                             RegValue::binary("q", std::string("\x01\0\0\0\0\0\0\xFF", 8), 11)));
  ASSERT_TRUE(file.put_value("HKEY_CURRENT_USER\\A",
                             RegValue::binary("t", std::string("\x7F", 1), 0x1234)));
  EXPECT_EQ(file.serialize(),
            "REGEDIT4\r\n[HKEY_CURRENT_USER\\A]\r\n\"d\"=dword:abcdef09\r\n"
            "\"q\"=hex(b):01,00,00,00,00,00,00,ff\r\n\"t\"=hex(1234):7f\r\n");
  EXPECT_EQ(file.find_value("HKEY_CURRENT_USER\\A", "t")->type, 0x1234u);
}

TEST(RegEdits, SetBinaryRewrapsAContinuedValue) {
  const std::string bytes = bytes_of(peer("real-clients/wine-regedit-8.0/oe-account-unicode.reg"));
  RegFile file = parse_ok(bytes);
  ASSERT_TRUE(file.set_binary(kPeerOeKey, "POP3 Password2", std::string("\x01\xAB", 2)));
  const std::string before = parse_ok(bytes).text();
  const std::string old_value =
      "\"POP3 Password2\"=hex:0f,d9,6c,8d,93,93,a2,f1,9c,43,a2,31,c4,7c,25,3e,67,b9,51,\\\r\n"
      "  2b,9a,46,98,b6\r\n";
  std::string want = before;
  want.replace(want.find(old_value), old_value.size(), "\"POP3 Password2\"=hex:01,ab\r\n");
  EXPECT_EQ(file.serialize(), utf16_file(want));
}

TEST(RegEdits, LongUtf16BinaryStringWrapsLikeRegedit) {
  const std::string bytes = bytes_of(fixture("outlook2016-unicode.reg"));
  RegFile file = parse_ok(bytes);
  const std::string key =
      "HKEY_CURRENT_USER\\Software\\Microsoft\\Office\\16.0\\Outlook\\Profiles\\Outlook\\"
      "9375CFF0413111d3B88A00104B2A6676\\00000002";
  const std::string host = "smtp.submission-gateway.iis.u-tokyo.ac.jp";
  std::string units = from_utf8(host, "UTF-16LE").text;
  units.append(2, '\0');
  ASSERT_TRUE(file.set_binary(key, "SMTP Server", units));
  // Expected lines from an independent implementation of regproc.c's export_hex_data.
  const std::string expected_line =
      "\"SMTP Server\"=hex:73,00,6d,00,74,00,70,00,2e,00,73,00,75,00,62,00,6d,00,69,00,\\\r\n"
      "  73,00,73,00,69,00,6f,00,6e,00,2d,00,67,00,61,00,74,00,65,00,77,00,61,00,79,\\\r\n"
      "  00,2e,00,69,00,69,00,73,00,2e,00,75,00,2d,00,74,00,6f,00,6b,00,79,00,6f,00,\\\r\n"
      "  2e,00,61,00,63,00,2e,00,6a,00,70,00,00,00\r\n";
  std::string want = parse_ok(bytes).text();
  const std::string old_line =
      "\"SMTP Server\"=hex:6d,00,61,00,69,00,6c,00,2e,00,69,00,69,00,73,00,2e,00,75,00,\\\r\n"
      "  2d,00,74,00,6f,00,6b,00,79,00,6f,00,2e,00,61,00,63,00,2e,00,6a,00,70,00,00,\\\r\n"
      "  00\r\n";
  ASSERT_NE(want.find(old_line), std::string::npos);
  want.replace(want.find(old_line), old_line.size(), expected_line);
  EXPECT_EQ(file.serialize(), utf16_file(want));
}

TEST(RegEdits, SetStringEscapesAndEncodesInCp932) {
  const std::string bytes = bytes_of(fixture("oe-regedit4-cp932.reg"));
  RegFile file = parse_ok(bytes);
  const std::string key =
      "HKEY_CURRENT_USER\\Identities\\{8A3D4E5F-1B2C-4D6E-9F01-23456789ABCD}\\Software\\"
      "Microsoft\\Internet Account Manager\\Accounts\\00000001";
  // 山田 "ソ" \ 表
  const std::string text = "\xE5\xB1\xB1\xE7\x94\xB0 \"\xE3\x82\xBD\" \\ \xE8\xA1\xA8";
  ASSERT_TRUE(file.set_string(key, "SMTP Display Name", text));
  std::string expected = bytes;
  const std::string old_line = "\"SMTP Display Name\"=\"\x93\x63\x92\x86 \x95\x5C\x8E\xA6\"";
  ASSERT_NE(expected.find(old_line), std::string::npos);
  expected.replace(expected.find(old_line), old_line.size(),
                   "\"SMTP Display Name\"=\"\x8E\x52\x93\x63 \\\"\x83\x5C\\\" \\\\ \x95\x5C\"");
  EXPECT_EQ(file.serialize(), expected);
  EXPECT_EQ(file.find_value(key, "SMTP Display Name")->text, text);
}

TEST(RegEdits, TextThatCp932CannotHoldIsRefused) {
  const std::string bytes = "REGEDIT4\r\n\r\n[HKEY_CURRENT_USER\\A]\r\n\"a\"=\"b\"\r\n\r\n";
  RegFile file = parse_ok(bytes);
  const ParseResult edit = file.set_string("HKEY_CURRENT_USER\\A", "a", "\xF0\x9F\x93\xA7");
  EXPECT_FALSE(edit.ok);
  EXPECT_EQ(edit.message, "value \"a\" cannot be written in CP932");
  EXPECT_EQ(file.serialize(), bytes);
}

TEST(RegEdits, AddDwordAfterTheKeysLastValue) {
  const std::string bytes =
      "REGEDIT4\r\n\r\n[HKEY_CURRENT_USER\\A]\r\n\"a\"=dword:00000001\r\n; note\r\n\r\n"
      "[HKEY_CURRENT_USER\\B]\r\n\"b\"=\"x\"\r\n\r\n";
  RegFile file = parse_ok(bytes);
  ASSERT_TRUE(file.add_value("hkey_current_user\\a", RegValue::dword_value("POP3 Port", 995)));
  EXPECT_EQ(file.serialize(),
            "REGEDIT4\r\n\r\n[HKEY_CURRENT_USER\\A]\r\n\"a\"=dword:00000001\r\n"
            "\"POP3 Port\"=dword:000003e3\r\n; note\r\n\r\n"
            "[HKEY_CURRENT_USER\\B]\r\n\"b\"=\"x\"\r\n\r\n");
}

TEST(RegEdits, AddToAnEmptyKeyAtTheEndWithoutNewlineUsesTheFilesLineEnding) {
  RegFile file = parse_ok("REGEDIT4\n\n[HKEY_CURRENT_USER\\A]");
  ASSERT_TRUE(file.add_value("HKEY_CURRENT_USER\\A", RegValue::string("", "d")));
  EXPECT_EQ(file.serialize(), "REGEDIT4\n\n[HKEY_CURRENT_USER\\A]\n@=\"d\"");
}

// An edit keeps each line's own ending (LF in a CRLF file, none on a last line) through later
// edits and adds: edits store which ending, not a copy of it.
TEST(RegEdits, EditsAndAddsKeepEachLinesEnding) {
  RegFile file = parse_ok("REGEDIT4\r\n\r\n[HKEY_CURRENT_USER\\A]\r\n\"a\"=\"1\"\n\"b\"=\"2\"");
  ASSERT_TRUE(file.set_string("HKEY_CURRENT_USER\\A", "a", "x"));
  ASSERT_TRUE(file.set_string("HKEY_CURRENT_USER\\A", "b", "y"));
  EXPECT_EQ(file.serialize(), "REGEDIT4\r\n\r\n[HKEY_CURRENT_USER\\A]\r\n\"a\"=\"x\"\n\"b\"=\"y\"");
  ASSERT_TRUE(file.add_value("HKEY_CURRENT_USER\\A", RegValue::string("c", "3")));
  ASSERT_TRUE(file.set_string("HKEY_CURRENT_USER\\A", "b", "z"));
  ASSERT_TRUE(file.set_string("HKEY_CURRENT_USER\\A", "c", "w"));
  ASSERT_TRUE(file.set_string("HKEY_CURRENT_USER\\A", "a", "v"));
  EXPECT_EQ(file.serialize(),
            "REGEDIT4\r\n\r\n[HKEY_CURRENT_USER\\A]\r\n\"a\"=\"v\"\n\"b\"=\"z\"\r\n\"c\"=\"w\"");
}

TEST(RegEdits, AddValueToUtf16FileNewDword) {
  const std::string text =
      "Windows Registry Editor Version 5.00\r\n\r\n[HKEY_CURRENT_USER\\A]\r\n\"x\"=hex:01,\\\r\n"
      "  02\r\n\r\n";
  RegFile file = parse_ok(utf16_file(text));
  ASSERT_TRUE(file.put_value("HKEY_CURRENT_USER\\A", RegValue::dword_value("SMTP Port", 587)));
  EXPECT_EQ(file.serialize(),
            utf16_file("Windows Registry Editor Version 5.00\r\n\r\n[HKEY_CURRENT_USER\\A]\r\n"
                       "\"x\"=hex:01,\\\r\n  02\r\n\"SMTP Port\"=dword:0000024b\r\n\r\n"));
}

TEST(RegEdits, MissingKeyOrValueIsAnError) {
  RegFile file = parse_ok("REGEDIT4\r\n[HKEY_CURRENT_USER\\A]\r\n\"a\"=-\r\n");
  EXPECT_EQ(file.set_dword("HKEY_CURRENT_USER\\A", "a", 1).message,
            "no value \"a\" in [HKEY_CURRENT_USER\\A]");
  EXPECT_EQ(file.add_value("HKEY_CURRENT_USER\\B", RegValue::dword_value("a", 1)).message,
            "no key [HKEY_CURRENT_USER\\B]");
  // put_value adds a value after its deletion line, so it is set again on import.
  ASSERT_TRUE(file.put_value("HKEY_CURRENT_USER\\A", RegValue::dword_value("a", 2)));
  EXPECT_EQ(file.serialize(),
            "REGEDIT4\r\n[HKEY_CURRENT_USER\\A]\r\n\"a\"=-\r\n\"a\"=dword:00000002\r\n");
}

TEST(RegEdits, AnAddThatWouldNotReadBackIsRolledBack) {
  // A deletion of the key further down would delete the new value again on import.
  const std::string bytes =
      "REGEDIT4\r\n[HKEY_CURRENT_USER\\A]\r\n\"a\"=dword:1\r\n[-HKEY_CURRENT_USER\\A]\r\n";
  RegFile file = parse_ok(bytes);
  const ParseResult edit = file.add_value("HKEY_CURRENT_USER\\A", RegValue::dword_value("b", 1));
  EXPECT_FALSE(edit.ok);
  EXPECT_EQ(edit.message, "the added value \"b\" does not read back");
  EXPECT_EQ(file.serialize(), bytes);
}

// Values added after several anchors, and after values added before: each goes after the
// key's last value, in its own key, and is found, edited and listed in the order of the edits.
TEST(RegEdits, AddsAfterSeveralAnchorsKeepTheirOrder) {
  RegFile file = parse_ok(
      "REGEDIT4\r\n\r\n[HKEY_CURRENT_USER\\A]\r\n\"a\"=dword:00000001\r\n\r\n"
      "[HKEY_CURRENT_USER\\B]\r\n\r\n[HKEY_CURRENT_USER\\A]\r\n\"c\"=\"3\"\r\n; end\r\n");
  ASSERT_TRUE(file.add_value("HKEY_CURRENT_USER\\B", RegValue::string("b1", "x")));
  ASSERT_TRUE(file.add_value("HKEY_CURRENT_USER\\A", RegValue::string("a1", "y")));
  ASSERT_TRUE(file.add_value("HKEY_CURRENT_USER\\B", RegValue::string("b2", "z")));
  ASSERT_TRUE(file.add_value("HKEY_CURRENT_USER\\A", RegValue::dword_value("a2", 2)));
  ASSERT_TRUE(file.set_string("HKEY_CURRENT_USER\\B", "B1", "w"));
  EXPECT_EQ(file.serialize(),
            "REGEDIT4\r\n\r\n[HKEY_CURRENT_USER\\A]\r\n\"a\"=dword:00000001\r\n\r\n"
            "[HKEY_CURRENT_USER\\B]\r\n\"B1\"=\"w\"\r\n\"b2\"=\"z\"\r\n\r\n"
            "[HKEY_CURRENT_USER\\A]\r\n\"c\"=\"3\"\r\n\"a1\"=\"y\"\r\n\"a2\"=dword:00000002\r\n"
            "; end\r\n");
  EXPECT_EQ(file.value_names("HKEY_CURRENT_USER\\A"),
            (std::vector<std::string>{"a", "c", "a1", "a2"}));
  EXPECT_EQ(file.value_names("HKEY_CURRENT_USER\\B"), (std::vector<std::string>{"B1", "b2"}));
  const RegEntry* a2 = file.find_entry("HKEY_CURRENT_USER\\A", "A2");
  ASSERT_NE(a2, nullptr);
  EXPECT_FALSE(file.was_parsed(*a2));
  // An added value stands after the line it follows: the key's last value line.
  EXPECT_EQ(file.first_line(*a2), 9u);
  EXPECT_EQ(file.last_line(*a2), 9u);
  std::vector<std::string> edited;
  for (const RegEntry* entry : file.edited_entries()) edited.push_back(file.value_name(*entry));
  EXPECT_EQ(edited, (std::vector<std::string>{"B1", "a1", "b2", "a2"}));
  ASSERT_TRUE(file.delete_value("HKEY_CURRENT_USER\\A", "a1"));
  EXPECT_EQ(file.find_value("HKEY_CURRENT_USER\\A", "a1"), std::nullopt);
  EXPECT_EQ(file.find_value("HKEY_CURRENT_USER\\A", "a2")->dword, 2u);
}

// --- Entries and the key index -----------------------------------------------------------------

// An entry keeps its first line and span only: its last line and end are found from the text,
// over every kind of line ending, and blank or comment lines inside a continued value.
TEST(RegEntries, ContinuedValueLinesAndEndAreFoundFromTheText) {
  const std::string bytes =
      "REGEDIT4\r\n[HKEY_CURRENT_USER\\A]\r\n\"a\"=hex:01,\\\n  02,\\\r\r\n; c\r\n  03\r\n"
      "\"b\"=dword:00000001\r\n";
  const RegFile file = parse_ok(bytes);
  const auto& entries = file.entries();
  ASSERT_EQ(entries.size(), 4u);
  EXPECT_EQ(file.first_line(entries[2]), 3u);
  // Lines 3 ("a"=hex:01,\), 4 (02,\ ending in a lone CR), 5 (blank), 6 (; c) and 7 (03).
  EXPECT_EQ(file.last_line(entries[2]), 7u);
  EXPECT_EQ(file.entry_end(entries[2]), entries[3].begin);
  EXPECT_EQ(file.find_value("HKEY_CURRENT_USER\\A", "a")->bytes, "\x01\x02\x03");
  EXPECT_EQ(file.first_line(entries[3]), 8u);
  EXPECT_EQ(file.last_line(entries[3]), 8u);
  EXPECT_EQ(file.entry_end(entries[3]), bytes.size());
  EXPECT_EQ(file.last_line(entries[0]), 1u);
}

// Line numbers are counted from a checkpoint every so many entries: right on either side of one.
TEST(RegEntries, FirstLinesPastSeveralCheckpoints) {
  std::string bytes = "REGEDIT4\r\n[HKEY_CURRENT_USER\\A]\r\n";
  const char* const endings[] = {"\r\n", "\n", "\r"};
  for (int i = 0; i < 3 * static_cast<int>(RegFile::kLineCheckpointStride); ++i) {
    bytes += "\"v" + std::to_string(i) + "\"=dword:00000001" + endings[i % 3];
  }
  const RegFile file = parse_ok(bytes);
  const auto& entries = file.entries();
  ASSERT_EQ(entries.size(), 2 + 3 * RegFile::kLineCheckpointStride);
  for (std::size_t i = 0; i < entries.size(); ++i) {
    ASSERT_EQ(file.first_line(entries[i]), i + 1);
    ASSERT_EQ(file.last_line(entries[i]), i + 1);
  }
}

// Where a value's data starts is found from its line, whatever its name is written like.
TEST(RegEntries, DataBeginIsFoundAfterEveryKindOfName) {
  const std::string bytes =
      "REGEDIT4\r\n[HKEY_CURRENT_USER\\A]\r\n\"plain\" = \"1\"\r\n@=\"2\"\r\n"
      "\"esc\\\"aped\\\\\"=dword:00000003\r\n\"\x95\x5C\"  =  \"4\"\r\n";
  const RegFile file = parse_ok(bytes);
  const auto& entries = file.entries();
  ASSERT_EQ(entries.size(), 6u);
  for (std::size_t i = 2; i < entries.size(); ++i) {
    ASSERT_EQ(entries[i].kind, RegLineKind::Value);
    const std::string_view content = file.parsed_content(entries[i]);
    const std::size_t data = file.data_begin(entries[i]) - entries[i].begin;
    EXPECT_EQ(content.substr(data - 1, 1), i == 5 ? " " : (i == 2 ? " " : "="));
    EXPECT_TRUE(content.substr(data).starts_with(i == 4 ? "dword:" : "\"")) << content;
  }
  EXPECT_EQ(file.find_value("HKEY_CURRENT_USER\\A", "esc\"aped\\")->dword, 3u);
}

// The key index holds entry indexes, not views of the text: a copy (whose text is elsewhere),
// a move of a text short enough to live inside the string, and a CP932 path that is decoded
// all find their keys.
TEST(RegEntries, CopiedAndMovedFilesStillFindTheirKeys) {
  const std::string bytes =
      "REGEDIT4\r\n[HKEY_CURRENT_USER\\\x83\x5D]\r\n\"a\"=\"1\"\r\n"
      "[HKEY_CURRENT_USER\\B]\r\n\"b\"=dword:00000002\r\n";
  RegFile original = parse_ok(bytes);
  ASSERT_TRUE(original.find_value("HKEY_CURRENT_USER\\B", "b"));  // fills the look-up cache
  const RegFile copy = original;
  original = RegFile();
  EXPECT_EQ(copy.find_value("HKEY_CURRENT_USER\\b", "B")->dword, 2u);
  EXPECT_EQ(copy.find_value("HKEY_CURRENT_USER\\\xE3\x82\xBE", "a")->text, "1");
  EXPECT_EQ(copy.key_paths(),
            (std::vector<std::string>{"HKEY_CURRENT_USER\\\xE3\x82\xBE", "HKEY_CURRENT_USER\\B"}));
  EXPECT_EQ(copy.raw_key_path(copy.entries()[1]), "HKEY_CURRENT_USER\\\x83\x5D");

  RegFile tiny = parse_ok("REGEDIT4\n[HKEY_USERS\\A]");
  const RegFile moved = std::move(tiny);
  EXPECT_TRUE(moved.has_key("HKEY_USERS\\a"));
  EXPECT_EQ(moved.key_paths(), std::vector<std::string>{"HKEY_USERS\\A"});
}

// Paths that differ only in the bit that makes a letter small, in bytes that are no letters
// ('@' and '`'), are two keys.
TEST(RegEntries, PathsThatDifferInTheCaseBitOfOtherBytesAreTwoKeys) {
  const RegFile file = parse_ok(
      "REGEDIT4\r\n[HKEY_CURRENT_USER\\@]\r\n\"a\"=\"at\"\r\n"
      "[HKEY_CURRENT_USER\\`]\r\n\"a\"=\"grave\"\r\n[HKEY_CURRENT_USER\\@]\r\n\"b\"=\"2\"\r\n");
  EXPECT_EQ(file.find_value("HKEY_CURRENT_USER\\@", "a")->text, "at");
  EXPECT_EQ(file.find_value("HKEY_CURRENT_USER\\`", "a")->text, "grave");
  EXPECT_EQ(file.find_value("HKEY_CURRENT_USER\\@", "b")->text, "2");
  EXPECT_EQ(file.find_value("HKEY_CURRENT_USER\\`", "b"), std::nullopt);
  EXPECT_EQ(file.key_paths(),
            (std::vector<std::string>{"HKEY_CURRENT_USER\\@", "HKEY_CURRENT_USER\\`"}));
}

// The filtered list keeps the file order and each key's first spelling, and asks the filter of
// that spelling: a key written again in another case is listed once, as first written.
TEST(RegEntries, KeyPathsFilteredKeepTheFirstSpellingOfEachKeptKey) {
  const RegFile file = parse_ok(
      "REGEDIT4\r\n[HKEY_CURRENT_USER\\Mail\\B]\r\n[HKEY_CURRENT_USER\\Other]\r\n"
      "[HKEY_CURRENT_USER\\Mail\\A]\r\n[hkey_current_user\\mail\\b]\r\n"
      "[HKEY_CURRENT_USER\\mail\\C]\r\n");
  std::vector<std::string> asked;
  const auto in_mail = [&asked](std::string_view path) {
    asked.emplace_back(path);
    return path.starts_with("HKEY_CURRENT_USER\\Mail\\");
  };
  EXPECT_EQ(file.key_paths(in_mail),
            (std::vector<std::string>{"HKEY_CURRENT_USER\\Mail\\B", "HKEY_CURRENT_USER\\Mail\\A"}));
  // Every key line is asked about; the lower-case line of B is refused here and not listed
  // again, and C, first written in another case, is refused by this case-sensitive filter.
  EXPECT_EQ(asked.size(), 5u);
  EXPECT_EQ(file.key_paths(),
            (std::vector<std::string>{"HKEY_CURRENT_USER\\Mail\\B", "HKEY_CURRENT_USER\\Other",
                                      "HKEY_CURRENT_USER\\Mail\\A", "HKEY_CURRENT_USER\\mail\\C"}));
}

// Thousands of paths that differ only in such bytes: each its own key, each found (a hash that
// folded those bytes too gave them all one hash, and every look-up walked all of them).
TEST(RegEntries, ManyPathsThatDifferOnlyInTheCaseBitOfOtherBytes) {
  constexpr int kBits = 12;
  std::string bytes = "REGEDIT4\r\n";
  auto path_of = [](int n) {
    std::string path = "HKEY_CURRENT_USER\\";
    for (int bit = 0; bit < kBits; ++bit) path += (n >> bit & 1) != 0 ? '`' : '@';
    return path;
  };
  for (int n = 0; n < 1 << kBits; ++n) {
    char number[16];
    std::snprintf(number, sizeof number, "%08x", n);
    bytes.append("[").append(path_of(n)).append("]\r\n\"n\"=dword:").append(number).append("\r\n");
  }
  const RegFile file = parse_ok(bytes);
  EXPECT_EQ(file.key_paths().size(), std::size_t{1} << kBits);
  for (int n = 0; n < 1 << kBits; n += 97) {
    const auto value = file.find_value(path_of(n), "n");
    ASSERT_TRUE(value) << n;
    EXPECT_EQ(value->dword, static_cast<std::uint32_t>(n)) << n;
  }
  // Paths that differ in the case of letters are one key.
  EXPECT_TRUE(file.find_value("hkey_current_user\\@@@@@@@@@@@@", "N"));
  EXPECT_EQ(RegFile::path_hash("HKEY_CURRENT_USER\\Software\\Mail"),
            RegFile::path_hash("hkey_current_user\\software\\MAIL"));
  EXPECT_NE(RegFile::path_hash(path_of(0)), RegFile::path_hash(path_of(1)));
  EXPECT_NE(RegFile::path_hash("HKEY_CURRENT_USER\\[x]"),
            RegFile::path_hash("HKEY_CURRENT_USER\\{x}"));
}

TEST(RegEdits, ExportFragmentInTheFilesEncoding) {
  const RegFile file = parse_ok(utf16_file("Windows Registry Editor Version 5.00\n\n"));
  const std::string fragment =
      file.render_export({{"HKEY_CURRENT_USER\\A", {"\"a\"=dword:00000001", "\"b\"=-"}}});
  EXPECT_EQ(fragment, utf16_file("Windows Registry Editor Version 5.00\n\n[HKEY_CURRENT_USER\\A]"
                                 "\n\"a\"=dword:00000001\n\"b\"=-\n\n"));
}

}  // namespace
}  // namespace mailmig
