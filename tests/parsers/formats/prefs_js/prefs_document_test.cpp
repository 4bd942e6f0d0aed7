#include "parsers/formats/prefs_js/prefs_document.h"

#include <gtest/gtest.h>

#include <string>
#include <utility>
#include <vector>

#include "src/io/read_file.h"

namespace mailmig {
namespace {

using Errors = std::vector<std::pair<std::size_t, std::string>>;

PrefsDocument parse(std::string text, PrefsFileKind kind = PrefsFileKind::User) {
  PrefsDocument document;
  PrefsDocument::parse(std::move(text), document, kind);
  return document;
}

Errors errors_of(const PrefsDocument& document) {
  Errors errors;
  for (const ParseResult& error : document.errors()) errors.emplace_back(error.line, error.message);
  return errors;
}

Errors parse_errors(std::string text, PrefsFileKind kind = PrefsFileKind::User) {
  return errors_of(parse(std::move(text), kind));
}

std::string fixture(const std::string& name) {
  const ReadResult read = read_file(std::string(MAILMIG_SOURCE_DIR) + "/fixtures/" + name);
  EXPECT_TRUE(read.ok) << read.error;
  return read.bytes;
}

// --- Valid inputs (Mozilla's parser tests, §1.4 of the format notes) ---

TEST(PrefsGrammar, EmptyWhitespaceAndCommentOnlyFilesAreValid) {
  for (const char* text : {"", "\v \t \v \f", "// blah", "# blah", "/* blah */", "//"}) {
    const PrefsDocument document = parse(text);
    EXPECT_TRUE(document.ok()) << text;
    EXPECT_TRUE(document.entries().empty()) << text;
    EXPECT_EQ(document.serialize(), text);
  }
}

TEST(PrefsGrammar, CommentsBetweenEveryToken) {
  const PrefsDocument document = parse(
      "/*0*/ user_pref /*1*/ ( /*2*/ \"comment1\" /*3*/ , /*4*/ true /*5*/ ) /*6*/ ; /*7*/\n"
      "# foo\nuser_pref // foo\n(#\n\"comment2\"/*\n*/,\ntrue#foo\n)\n;//");
  EXPECT_TRUE(document.ok());
  EXPECT_EQ(document.get_bool("comment1"), true);
  EXPECT_EQ(document.get_bool("comment2"), true);
  ASSERT_EQ(document.entries().size(), 2u);
  EXPECT_EQ(document.entries()[1].line, 3u);
}

TEST(PrefsGrammar, EveryTokenOnItsOwnLine) {
  const PrefsDocument document =
      parse("\n  user_pref\n    (\n      \"spaced-out\"\n  ,\n    true\n  )\n;\n");
  EXPECT_TRUE(document.ok());
  EXPECT_EQ(document.get_bool("spaced-out"), true);
  EXPECT_EQ(document.entries()[0].line, 2u);
}

TEST(PrefsGrammar, BlockCommentsDoNotNest) {
  const PrefsDocument document = parse("/* /* /* */ user_pref(\"a\", 1);");
  EXPECT_TRUE(document.ok());
  EXPECT_EQ(document.get_int("a"), 1);
}

TEST(PrefsGrammar, StringLiterals) {
  const PrefsDocument document = parse(
      "user_pref(\"q1\", '\"abc\"');\n"
      "user_pref('q2', \"'abc'\");\n"
      "user_pref(\"escapes\", \"\\\" \\' \\\\ \\n \\r\");\n"
      "user_pref(\"hex\", \"Mozilla0\\x4d\\x6F\\x7a\\x69\\x6c\\x6C\\x610\");\n"
      "user_pref(\"raw\", \"A\\x41 A_umlaut\\xc4 y_umlaut\\xff\");\n"
      "user_pref(\"u\", \"\\u00c4 \\u1Ef3 \\u015a\");\n"
      "user_pref(\"pairs\", \"\\uD83C\\uDF00\\uD83D\\uDE00\");\n"
      "user_pref(\"control\", \"\r\t\v\f\x06\x16\");\n"
      "user_pref(\"int.- /* hmm */\t456\", 1);\n");
  EXPECT_TRUE(document.ok());
  EXPECT_EQ(document.get_string("q1"), "\"abc\"");
  EXPECT_EQ(document.get_string("q2"), "'abc'");
  EXPECT_EQ(document.get_string("escapes"), "\" ' \\ \n \r");
  EXPECT_EQ(document.get_string("hex"), "Mozilla0Mozilla0");
  EXPECT_EQ(document.get_string("raw"), "AA A_umlaut\xC4 y_umlaut\xFF");
  EXPECT_EQ(document.get_string("u"), "\xC3\x84 \xE1\xBB\xB3 \xC5\x9A");
  EXPECT_EQ(document.get_string("pairs"), "\xF0\x9F\x8C\x80\xF0\x9F\x98\x80");
  EXPECT_EQ(document.get_string("control"), "\r\t\v\f\x06\x16");
  EXPECT_EQ(document.get_int("int.- /* hmm */\t456"), 1);
  // The raw CR inside "control" counts as a line.
  EXPECT_EQ(document.entries().back().line, 10u);
}

TEST(PrefsGrammar, IntegersWithSeparateSigns) {
  const PrefsDocument document = parse(
      "user_pref(\"a\", +234);\nuser_pref(\"b\", +  345);\nuser_pref(\"c\", -0);\n"
      "user_pref(\"d\", - /* hmm */\t456);\nuser_pref(\"e\", -\n567);\n"
      "user_pref(\"f\", 2147483647);\nuser_pref(\"g\", -2147483648);\n"
      "user_pref(\"h\", 007);\n");
  EXPECT_TRUE(document.ok());
  EXPECT_EQ(document.get_int("a"), 234);
  EXPECT_EQ(document.get_int("b"), 345);
  EXPECT_EQ(document.get_int("c"), 0);
  EXPECT_EQ(document.get_int("d"), -456);
  EXPECT_EQ(document.get_int("e"), -567);
  EXPECT_EQ(document.get_int("f"), 2147483647);
  EXPECT_EQ(document.get_int("g"), -2147483647 - 1);
  EXPECT_EQ(document.get_int("h"), 7);
  EXPECT_EQ(document.type_of("h"), PrefType::Int);
  EXPECT_EQ(document.get_string("h"), std::nullopt);
}

TEST(PrefsGrammar, DefaultFilesAcceptSpecifiersAndAttributes) {
  const PrefsDocument document =
      parse(fixture("thunderbird/prefs-default-kind.js"), PrefsFileKind::Default);
  EXPECT_TRUE(document.ok());
  ASSERT_EQ(document.entries().size(), 3u);
  EXPECT_EQ(document.entries()[0].specifier, PrefSpecifier::Pref);
  EXPECT_TRUE(document.entries()[0].sticky);
  EXPECT_TRUE(document.entries()[0].locked);
  EXPECT_EQ(document.entries()[1].specifier, PrefSpecifier::StickyPref);
  EXPECT_TRUE(document.entries()[1].sticky);
  EXPECT_EQ(document.entries()[2].specifier, PrefSpecifier::UserPref);
  EXPECT_EQ(parse_errors(fixture("thunderbird/prefs-default-kind.js")),
            (Errors{{1, "expected 'user_pref' at start of pref definition"},
                    {2, "expected 'user_pref' at start of pref definition"}}));
}

TEST(PrefsGrammar, LastOccurrenceWins) {
  const PrefsDocument document = parse("user_pref(\"a\", 1);\nuser_pref(\"a\", \"two\");\n");
  EXPECT_EQ(document.type_of("a"), PrefType::String);
  EXPECT_EQ(document.get_string("a"), "two");
  EXPECT_EQ(document.get_int("a"), std::nullopt);
}

TEST(PrefsGrammar, NulByteEndsTheFileAndBomIsSkipped) {
  const std::string text("\xEF\xBB\xBFuser_pref(\"a\", 1);\0user_pref(\"b\", 2);", 40);
  const PrefsDocument document = parse(text);
  EXPECT_TRUE(document.ok());
  EXPECT_EQ(document.get_int("a"), 1);
  EXPECT_FALSE(document.find("b"));
  EXPECT_EQ(document.serialize(), text);
}

TEST(PrefsGrammar, GrammarFixtureParsesEveryForm) {
  const std::string text = fixture("thunderbird/prefs-grammar.js");
  const PrefsDocument document = parse(text);
  EXPECT_EQ(errors_of(document), Errors{});
  EXPECT_EQ(document.get_string("single.quoted"), "\"abc\"");
  EXPECT_EQ(document.get_string("hex"), "Mozilla0Mozilla0");
  EXPECT_EQ(document.get_string("unicode"), "\xC3\x84 \xF0\x9F\x98\x80");
  EXPECT_EQ(document.get_bool("comment"), true);
  EXPECT_EQ(document.get_int("spaced-out"), -567);
  EXPECT_EQ(document.get_int("plus"), 345);
  EXPECT_EQ(document.get_int("min"), -2147483647 - 1);
  EXPECT_EQ(document.get_bool("cr.only"), false);
  EXPECT_EQ(document.get_string("multi.line"), "a\nb");
  EXPECT_EQ(document.find("cr.only")->line, 17u);
  EXPECT_EQ(document.find("multi.line")->line, 18u);
  EXPECT_EQ(document.serialize(), text);
}

// --- Errors: Mozilla's message and line, and recovery after the next ';' ---

TEST(PrefsErrors, IntegerOverflowAtEveryLimit) {
  EXPECT_EQ(parse_errors("pref(\"a\", 2147483648);\npref(\"b\", +2147483648);\n"
                         "pref(\"c\", -2147483649);\npref(\"d\", 4294967296);\n"
                         "pref(\"e\", +4294967296);\npref(\"f\", -4294967296);\n"
                         "pref(\"g\", 4294967297);\npref(\"h\", 1234567890987654321);\n"
                         "pref(\"ok\", 1);\n",
                         PrefsFileKind::Default),
            (Errors{{1, "integer literal overflowed"},
                    {2, "integer literal overflowed"},
                    {3, "integer literal overflowed"},
                    {4, "integer literal overflowed"},
                    {5, "integer literal overflowed"},
                    {6, "integer literal overflowed"},
                    {7, "integer literal overflowed"},
                    {8, "integer literal overflowed"}}));
}

TEST(PrefsErrors, PrefsAroundAnErrorAreKept) {
  const PrefsDocument document =
      parse("\nuser_pref(\"int.unexpected\", 100foo);\nuser_pref(\"int.ok\", 0);\n");
  EXPECT_EQ(errors_of(document), (Errors{{2, "unexpected character in integer literal"}}));
  EXPECT_EQ(document.get_int("int.ok"), 0);
  EXPECT_FALSE(document.find("int.unexpected"));

  PrefsDocument file;
  const ParseResult result = PrefsDocument::parse(fixture("thunderbird/prefs-bad-escape.js"), file);
  EXPECT_FALSE(result.ok);
  EXPECT_EQ(result.line, 2u);
  EXPECT_EQ(result.describe("prefs.js"),
            "prefs.js:2: prefs parse error: unexpected escape sequence character after '\\'");
  EXPECT_EQ(file.get_int("ok.before"), 1);
  EXPECT_EQ(file.get_int("ok.after"), 2);
}

TEST(PrefsErrors, StringEscapes) {
  const std::vector<std::pair<std::string, std::string>> cases = {
      {"\"foo\\x00bar\"", "\\x00 is not allowed"},
      {"\"foo\\x\"", "malformed \\x escape sequence"},
      {"\"foo\\x,bar\"", "malformed \\x escape sequence"},
      {"\"foo\\x 12\"", "malformed \\x escape sequence"},
      {"\"foo\\x\n\"", "malformed \\x escape sequence"},
      {"\"foo\\x1\"", "malformed \\x escape sequence"},
      {"\"foo\\x1G\"", "malformed \\x escape sequence"},
      {"\"foo\\u0000 \"", "\\u0000 is not allowed"},
      {"\"foo\\u\"", "malformed \\u escape sequence"},
      {"\"foo\\u,bar\"", "malformed \\u escape sequence"},
      {"\"foo\\u 1234\"", "malformed \\u escape sequence"},
      {"\"foo\\u\n\"", "malformed \\u escape sequence"},
      {"\"foo\\u1\"", "malformed \\u escape sequence"},
      {"\"foo\\u12\"", "malformed \\u escape sequence"},
      {"\"foo\\u123\"", "malformed \\u escape sequence"},
      {"\"foo\\u1G34\"", "malformed \\u escape sequence"},
      {"\"foo\\ud83c,blah\"", "expected low surrogate after high surrogate"},
      {"\"foo\\ud83c\\u1234\"", "invalid low surrogate after high surrogate"},
      {"\"foo\\udc00\"", "expected high surrogate before low surrogate"},
      {"\"\\b\"", "unexpected escape sequence character after '\\'"},
      {"\"\\f\"", "unexpected escape sequence character after '\\'"},
      {"\"\\t\"", "unexpected escape sequence character after '\\'"},
      {"\"\\v\"", "unexpected escape sequence character after '\\'"},
      {"\"\\Q\"", "unexpected escape sequence character after '\\'"},
      {"\"\\1\"", "unexpected escape sequence character after '\\'"},
      {"\"\\,\"", "unexpected escape sequence character after '\\'"},
      {"\"\\ \"", "unexpected escape sequence character after '\\'"},
      {"\"\\\n\"", "unexpected escape sequence character after '\\'"},
  };
  for (const auto& [value, message] : cases) {
    const PrefsDocument document =
        parse("user_pref(\"s\", " + value + ");\nuser_pref(\"int.ok\", 0);\n");
    EXPECT_EQ(errors_of(document), (Errors{{1, message}})) << value;
    EXPECT_EQ(document.get_int("int.ok"), 0) << value;
  }
  // At the end of the file the error is on the last line.
  EXPECT_EQ(parse_errors("user_pref(\"s\", \"foo\\x"),
            (Errors{{1, "malformed \\x escape sequence"}}));
  EXPECT_EQ(parse_errors("user_pref(\"s\", \"foo\\u"),
            (Errors{{1, "malformed \\u escape sequence"}}));
  EXPECT_EQ(parse_errors("user_pref(\"s\", \"foo\\"),
            (Errors{{1, "unexpected escape sequence character after '\\'"}}));
}

TEST(PrefsErrors, UnterminatedStrings) {
  EXPECT_EQ(parse_errors(fixture("thunderbird/prefs-unterminated.js")),
            (Errors{{2, "unterminated string literal"}}));
  // The string runs on to the next quote; the keyword after it is the error.
  const PrefsDocument swallowed = parse("user_pref(\"s\", \"foo);\nuser_pref(\"int.ok\", 0);\n");
  EXPECT_EQ(errors_of(swallowed), (Errors{{2, "unknown keyword"}}));
  EXPECT_FALSE(swallowed.find("int.ok"));
  EXPECT_EQ(parse_errors("user_pref(\"s\", \"foo');\n"),
            (Errors{{2, "unterminated string literal"}}));
  EXPECT_EQ(parse_errors("user_pref(\"s\", 'foo\");\n"),
            (Errors{{2, "unterminated string literal"}}));
}

TEST(PrefsErrors, Lexing) {
  EXPECT_EQ(parse_errors("foo;\nuser_pref(\"ok\", 1);"), (Errors{{1, "unknown keyword"}}));
  EXPECT_EQ(parse_errors("preff(\"a\", 1);"), (Errors{{1, "unknown keyword"}}));
  EXPECT_EQ(parse_errors("ticky_pref(\"a\", 1);"), (Errors{{1, "unknown keyword"}}));
  EXPECT_EQ(parse_errors("User_pref(\"a\", 1);"), (Errors{{1, "unknown keyword"}}));
  EXPECT_EQ(parse_errors("user_pref(\"a\", TRUE);"), (Errors{{1, "unknown keyword"}}));
  EXPECT_EQ(parse_errors("\n/* comment"), (Errors{{2, "unterminated /* comment"}}));
  EXPECT_EQ(parse_errors("/ "), (Errors{{1, "expected '/' or '*' after '/'"}}));
  EXPECT_EQ(parse_errors("/\n"), (Errors{{1, "expected '/' or '*' after '/'"}}));
  EXPECT_EQ(parse_errors("/"), (Errors{{1, "expected '/' or '*' after '/'"}}));
  EXPECT_EQ(parse_errors("&true;"), (Errors{{1, "unexpected character"}}));
  EXPECT_EQ(parse_errors("user_pref(\"x\" : true);"), (Errors{{1, "unexpected character"}}));
  EXPECT_EQ(parse_errors("@user_pref(\"x\", 1);"), (Errors{{1, "unexpected character"}}));
  EXPECT_EQ(parse_errors("user_pref[\"x\", 1);"), (Errors{{1, "unexpected character"}}));
}

TEST(PrefsErrors, ParsingInDefaultFiles) {
  const std::vector<std::pair<std::string, std::string>> cases = {
      {"\"pref\"(\"x\", true);", "expected pref specifier at start of pref definition"},
      {"pref1(\"x\", true);", "expected '(' after pref specifier"},
      {"pref(123: true);", "expected pref name after '('"},
      {"pref(\"x\" true);", "expected ',' after pref name"},
      {"pref(\"x\", pref);", "expected pref value after ','"},
      {"pref(\"x\", -true);", "expected integer literal after '-'"},
      {"pref(\"x\", +\"value\");", "expected integer literal after '+'"},
      {"pref(\"x\", true,);", "expected pref attribute after ','"},
      {"pref(\"x\", true;", "expected ',' or ')' after pref value"},
      {"pref(\"x\", true, sticky, locked;", "expected ',' or ')' after pref attribute"},
  };
  for (const auto& [text, message] : cases) {
    EXPECT_EQ(parse_errors(text + "\npref(\"ok\", 1);", PrefsFileKind::Default),
              (Errors{{1, message}}))
        << text;
  }
}

TEST(PrefsErrors, MissingSemicolonIsReportedAtTheNextToken) {
  PrefsDocument document;
  const ParseResult result =
      PrefsDocument::parse(fixture("thunderbird/prefs-missing-semicolon.js"), document);
  EXPECT_EQ(result.describe("prefs.js"), "prefs.js:2: prefs parse error: expected ';' after ')'");
  EXPECT_FALSE(document.find("first"));
  EXPECT_FALSE(document.find("swallowed"));
  EXPECT_EQ(document.get_int("kept"), 2);
}

TEST(PrefsErrors, ErrorsNameTheColumnOfTheTokenWhereTheyAreNoticed) {
  using Positions = std::vector<std::pair<std::size_t, std::size_t>>;
  auto positions_of = [](std::string text) {
    PrefsDocument document;
    PrefsDocument::parse(std::move(text), document);
    Positions positions;
    for (const ParseResult& error : document.errors()) {
      positions.emplace_back(error.line, error.column);
    }
    return positions;
  };
  // The ';' is missing: noticed at the next statement's first token.
  EXPECT_EQ(positions_of("user_pref(\"a\", 1)\n  user_pref(\"b\", 2);"), (Positions{{2, 3}}));
  // After CR LF and after a lone CR, columns count from the start of the line.
  EXPECT_EQ(positions_of("user_pref(\"a\", 1);\r\nuser_pref(\"b\" 2);"), (Positions{{2, 15}}));
  EXPECT_EQ(positions_of("user_pref(\"a\", 1);\ruser_pref(\"b\", @);"), (Positions{{2, 16}}));
  // A bad escape is reported on its own line, just after it.
  EXPECT_EQ(positions_of("user_pref(\"a\",\n \"x\\q\");"), (Positions{{2, 6}}));
  // A token spanning lines: the column of where the lexer stands.
  EXPECT_EQ(positions_of("user_pref(\"a\" \"b\nc\");"), (Positions{{2, 3}}));

  PrefsDocument document;
  const ParseResult result =
      PrefsDocument::parse(fixture("thunderbird/prefs-missing-semicolon.js"), document);
  EXPECT_EQ(result.line, 2u);
  EXPECT_EQ(result.column, document.errors().front().column);
  EXPECT_GT(result.column, 0u);
}

TEST(PrefsDocument, AnUneditedDocumentSerializesToItsInput) {
  const std::string text = "# c\r\nuser_pref(\"a\", 1);\r\n  user_pref(\"b\", \"x\"); // y\r\n";
  PrefsDocument document;
  ASSERT_TRUE(PrefsDocument::parse(text, document));
  EXPECT_FALSE(document.changed());
  EXPECT_EQ(document.serialize(), text);
  EXPECT_EQ(document.original(), text);
}

TEST(PrefsErrors, CutOffAtTheEnd) {
  const std::vector<std::pair<std::string, std::string>> cases = {
      {"pref", "expected '(' after pref specifier"},
      {"pref(", "expected pref name after '('"},
      {"pref(\"x\"", "expected ',' after pref name"},
      {"pref(\"x\",", "expected pref value after ','"},
      {"pref(\"x\", -", "expected integer literal after '-'"},
      {"pref(\"x\", +", "expected integer literal after '+'"},
      {"pref(\"x\", true", "expected ',' or ')' after pref value"},
      {"pref(\"x\", true,", "expected pref attribute after ','"},
      {"pref(\"x\", true, sticky", "expected ',' or ')' after pref attribute"},
      {"pref(\"x\", true)", "expected ';' after ')'"},
  };
  for (const auto& [text, message] : cases) {
    EXPECT_EQ(parse_errors("\n" + text + "\n", PrefsFileKind::Default), (Errors{{3, message}}))
        << text;
  }
}

TEST(PrefsErrors, RepeatedSemicolons) {
  EXPECT_EQ(parse_errors("pref(\"x\", true);;", PrefsFileKind::Default),
            (Errors{{1, "expected pref specifier at start of pref definition"}}));
  EXPECT_EQ(parse_errors("pref(\"x\", true);;;;", PrefsFileKind::Default),
            (Errors(3, {1, "expected pref specifier at start of pref definition"})));
}

TEST(PrefsErrors, UserFilesAcceptOnlyUserPrefWithoutAttributes) {
  EXPECT_EQ(parse_errors("pref(\"x\", true);\nsticky_pref(\"y\", 1);"),
            (Errors{{1, "expected 'user_pref' at start of pref definition"},
                    {2, "expected 'user_pref' at start of pref definition"}}));
  EXPECT_EQ(parse_errors("user_pref(\"x\", true;"), (Errors{{1, "expected ')' after pref value"}}));
  EXPECT_EQ(parse_errors("user_pref(\"x\", true, locked);"),
            (Errors{{1, "expected ')' after pref value"}}));
}

TEST(PrefsErrors, LineEndsAreLfCrAndCrLf) {
  for (const char* text : {"\n \r \r\n bad", "#\n#\r#\r\n bad", "//\n//\r//\r\n bad",
                           "/*\n \r \r\n*/ bad", "user_pref(\"a\\n\nb\\r\rc\\r\\n\r\nd\" bad"}) {
    EXPECT_EQ(parse_errors(text), (Errors{{4, "unknown keyword"}})) << text;
  }
}

// --- Edits: only the value's bytes change; new lines go where Thunderbird would put them ---

TEST(PrefsEdit, ReplacesOnlyTheValueOfTheLastOccurrence) {
  PrefsDocument document = parse("user_pref(\"a\", 1);\nuser_pref(\"a\", - /*c*/ 2); // x\n");
  ASSERT_TRUE(document.set_int("a", 587));
  EXPECT_EQ(document.serialize(), "user_pref(\"a\", 1);\nuser_pref(\"a\", 587); // x\n");
  EXPECT_EQ(document.get_int("a"), 587);

  PrefsDocument quoted = parse("user_pref('s', 'old' );\r\n");
  ASSERT_TRUE(quoted.set_string("s", "new"));
  EXPECT_EQ(quoted.serialize(), "user_pref('s', \"new\" );\r\n");

  PrefsDocument flag = parse("user_pref(\"b\", false);");
  ASSERT_TRUE(flag.set_bool("b", true));
  EXPECT_EQ(flag.serialize(), "user_pref(\"b\", true);");
}

TEST(PrefsEdit, KeepsTheExistingType) {
  PrefsDocument document = parse("user_pref(\"port\", \"25\");\n");
  EXPECT_FALSE(document.set_int("port", 587));
  EXPECT_FALSE(document.set_bool("port", true));
  EXPECT_FALSE(document.set_string("other", std::string("a\0b", 3)));
  EXPECT_EQ(document.serialize(), "user_pref(\"port\", \"25\");\n");
}

TEST(PrefsEdit, EscapesNewStringsLikeStrEscape) {
  EXPECT_EQ(escape_pref_string("a\"b\\c\nd\re\tf'g\xE6\x97\xA5"),
            "\"a\\\"b\\\\c\\nd\\re\tf'g\xE6\x97\xA5\"");
  PrefsDocument document = parse("user_pref(\"s\", \"x\");\n");
  ASSERT_TRUE(document.set_string("s", "C:\\Users\\\xE7\x94\xB0\xE4\xB8\xAD\n"));
  EXPECT_EQ(document.serialize(),
            "user_pref(\"s\", \"C:\\\\Users\\\\\xE7\x94\xB0\xE4\xB8\xAD\\n\");\n");
  EXPECT_EQ(document.get_string("s"), "C:\\Users\\\xE7\x94\xB0\xE4\xB8\xAD\n");
}

TEST(PrefsEdit, InsertsInByteSortedOrder) {
  PrefsDocument document = parse("// header\n\nuser_pref(\"a.b\", 1);\nuser_pref(\"a.d\", 1);\n");
  ASSERT_TRUE(document.set_int("a.b.c", 5));
  ASSERT_TRUE(document.set_string("A", "upper"));
  ASSERT_TRUE(document.set_bool("z", true));
  EXPECT_EQ(document.serialize(),
            "// header\n\nuser_pref(\"A\", \"upper\");\nuser_pref(\"a.b\", 1);\n"
            "user_pref(\"a.b.c\", 5);\nuser_pref(\"a.d\", 1);\nuser_pref(\"z\", true);\n");
}

TEST(PrefsEdit, InsertsWithTheFilesLineEnding) {
  const std::string text = fixture("thunderbird/prefs-windows-crlf.js");
  PrefsDocument document = parse(text);
  EXPECT_EQ(document.line_ending(), "\r\n");
  ASSERT_TRUE(document.set_int("mail.server.server1.socketType", 3));
  std::string expected = text;
  const std::string before = "user_pref(\"mail.server.server1.type\"";
  expected.insert(expected.find(before), "user_pref(\"mail.server.server1.socketType\", 3);\r\n");
  EXPECT_EQ(document.serialize(), expected);
}

TEST(PrefsEdit, AppendsToUnsortedFilesAndKeepsAMissingFinalNewline) {
  PrefsDocument unsorted = parse("user_pref(\"b\", 1);\nuser_pref(\"a\", 1);\n");
  ASSERT_TRUE(unsorted.set_int("c", 2));
  ASSERT_TRUE(unsorted.set_int("0", 3));
  EXPECT_EQ(
      unsorted.serialize(),
      "user_pref(\"b\", 1);\nuser_pref(\"a\", 1);\nuser_pref(\"c\", 2);\nuser_pref(\"0\", 3);\n");

  PrefsDocument no_newline = parse("user_pref(\"a\", 1);");
  ASSERT_TRUE(no_newline.set_int("b", 2));
  EXPECT_EQ(no_newline.serialize(), "user_pref(\"a\", 1);\nuser_pref(\"b\", 2);");

  PrefsDocument comment_last = parse("# only a comment");
  ASSERT_TRUE(comment_last.set_int("b", 2));
  EXPECT_EQ(comment_last.serialize(), "# only a comment\nuser_pref(\"b\", 2);");

  PrefsDocument empty = parse("");
  ASSERT_TRUE(empty.set_string("a", "x"));
  EXPECT_EQ(empty.serialize(), "user_pref(\"a\", \"x\");\n");

  // A NUL byte ends what Mozilla reads, so new lines go before it.
  PrefsDocument nul = parse(std::string("user_pref(\"a\", 1);\n\0junk", 24));
  ASSERT_TRUE(nul.set_int("b", 2));
  EXPECT_EQ(nul.serialize(), std::string("user_pref(\"a\", 1);\nuser_pref(\"b\", 2);\n\0junk", 43));
  PrefsDocument nul_unsorted = parse(std::string("user_pref(\"b\", 1);user_pref(\"a\", 1);\0", 37));
  ASSERT_TRUE(nul_unsorted.set_int("c", 2));
  EXPECT_EQ(nul_unsorted.serialize(),
            std::string("user_pref(\"b\", 1);user_pref(\"a\", 1);\nuser_pref(\"c\", 2);\0", 56));
  EXPECT_EQ(parse(nul_unsorted.serialize()).get_int("c"), 2);

  PrefsDocument bom = parse("\xEF\xBB\xBFuser_pref(\"b\", 1);\n");
  ASSERT_TRUE(bom.set_int("a", 0));
  EXPECT_EQ(bom.serialize(), "\xEF\xBB\xBFuser_pref(\"a\", 0);\nuser_pref(\"b\", 1);\n");
}

TEST(PrefsEdit, RemovesWholeLinesOfEveryOccurrence) {
  PrefsDocument document = parse(
      "user_pref(\"a\", 1);\r\nuser_pref(\"gone\", 1);\r\n  user_pref(\"gone\",\r\n 2);\r\n"
      "user_pref(\"b\", 1);\r\n");
  ASSERT_TRUE(document.remove("gone"));
  EXPECT_EQ(document.serialize(), "user_pref(\"a\", 1);\r\nuser_pref(\"b\", 1);\r\n");
  EXPECT_FALSE(document.remove("gone"));

  PrefsDocument shared = parse("user_pref(\"a\", 1); user_pref(\"b\", 2);\nuser_pref(\"c\", 3);");
  ASSERT_TRUE(shared.remove("a"));
  ASSERT_TRUE(shared.remove("c"));
  EXPECT_EQ(shared.serialize(), " user_pref(\"b\", 2);\n");
}

// Edits are recorded, not re-parsed: every sequence must give the bytes that editing the text
// and parsing it again after each step gives, and reads must see the edits.
TEST(PrefsEdit, EditSequencesGiveTheBytesOfStepByStepEdits) {
  PrefsDocument document =
      parse("# header\nuser_pref(\"a\", 1);\nuser_pref(\"c\", \"x\");\nuser_pref(\"e\", true);\n");
  ASSERT_TRUE(document.set_int("a", 2));
  ASSERT_TRUE(document.set_int("b", 3));
  ASSERT_TRUE(document.set_int("b.a", 4));
  ASSERT_TRUE(document.set_int("b", 5));
  ASSERT_TRUE(document.remove("c"));
  ASSERT_TRUE(document.set_string("d", "new"));
  ASSERT_TRUE(document.set_string("c", "again"));
  ASSERT_TRUE(document.set_bool("f", false));
  ASSERT_TRUE(document.remove("b.a"));
  const std::string expected =
      "# header\nuser_pref(\"a\", 2);\nuser_pref(\"b\", 5);\nuser_pref(\"c\", \"again\");\n"
      "user_pref(\"d\", \"new\");\nuser_pref(\"e\", true);\nuser_pref(\"f\", false);\n";
  EXPECT_EQ(document.serialize(), expected);
  EXPECT_TRUE(document.changed());
  EXPECT_EQ(document.get_int("b"), 5);
  EXPECT_EQ(document.get_string("c"), "again");
  EXPECT_EQ(document.get_bool("f"), false);
  EXPECT_FALSE(document.find("b.a"));
  EXPECT_EQ(document.names_with_prefix("b"), (std::vector<std::string_view>{"b"}));
  EXPECT_EQ(document.names_with_prefix(""),
            (std::vector<std::string_view>{"a", "b", "c", "d", "e", "f"}));
  EXPECT_EQ(document.original(),
            "# header\nuser_pref(\"a\", 1);\nuser_pref(\"c\", \"x\");\nuser_pref(\"e\", true);\n");
}

TEST(PrefsEdit, NamesWithAValuePrefixFollowEveryEdit) {
  using Names = std::vector<std::string>;
  PrefsDocument document = parse(
      "user_pref(\"f.a.uri\", \"imap://u@h/Sent\");\nuser_pref(\"f.b.uri\", \"imap://u@h2\");\n"
      "user_pref(\"f.c.uri\", \"imap://u@h/x\");\nuser_pref(\"f.c.uri\", \"pop://u@h\");\n"
      "user_pref(\"f.n\", 1);\nuser_pref(\"g.uri\", \"imap:\\x2f\\x2fu@h/y\");\n");
  // The last statement of f.c.uri wins; g.uri has another name prefix and escapes (decoded).
  EXPECT_EQ(document.names_with_value_prefix("f.", "imap://u@h"), (Names{"f.a.uri", "f.b.uri"}));
  EXPECT_EQ(document.names_with_value_prefix("g.", "imap://u@h/"), Names{"g.uri"});
  EXPECT_EQ(document.names_with_value_prefix("f.", "none"), Names{});

  // Values changed into and out of the prefix, a new pref and a removed one.
  ASSERT_TRUE(document.set_string("f.a.uri", "imap://u@other/Sent"));
  ASSERT_TRUE(document.set_string("f.c.uri", "imap://u@h/Drafts"));
  ASSERT_TRUE(document.set_string("f.d.uri", "imap://u@h/Archive"));
  ASSERT_TRUE(document.remove("f.b.uri"));
  EXPECT_EQ(document.names_with_value_prefix("f.", "imap://u@h"), (Names{"f.c.uri", "f.d.uri"}));
  EXPECT_EQ(document.names_with_value_prefix("f.", "imap://u@other"), Names{"f.a.uri"});
  ASSERT_TRUE(document.set_string("f.d.uri", "imap://u@h/Archive2"));  // indexed twice: once
  EXPECT_EQ(document.names_with_value_prefix("f.d", "imap://u@h/A"), Names{"f.d.uri"});
  ASSERT_TRUE(document.remove("f.c.uri"));  // both statements
  EXPECT_EQ(document.names_with_value_prefix("f.", "imap://u@h"), Names{"f.d.uri"});
}

TEST(PrefsEdit, RemovingTheLastLineAfterAnAppendToAFileWithoutFinalNewline) {
  PrefsDocument document = parse("user_pref(\"a\", 1);\nuser_pref(\"m\", 1);");
  ASSERT_TRUE(document.set_int("z", 2));
  EXPECT_EQ(document.serialize(),
            "user_pref(\"a\", 1);\nuser_pref(\"m\", 1);\nuser_pref(\"z\", 2);");
  ASSERT_TRUE(document.remove("m"));
  EXPECT_EQ(document.serialize(), "user_pref(\"a\", 1);\nuser_pref(\"z\", 2);");
  ASSERT_TRUE(document.remove("z"));
  EXPECT_EQ(document.serialize(), "user_pref(\"a\", 1);\n");
  EXPECT_EQ(document.get_int("a"), 1);
  EXPECT_FALSE(document.find("z"));
}

TEST(PrefsEdit, StatementsSharingALineAndEscapedNames) {
  PrefsDocument shared = parse("user_pref(\"a\", 1); user_pref(\"c\", 2);\nuser_pref(\"d\", 3);\n");
  // Before the line of "c", so before "a" as well: the file is no longer sorted, and the next
  // new line goes at the end.
  ASSERT_TRUE(shared.set_int("b", 9));
  ASSERT_TRUE(shared.set_int("a0", 8));
  EXPECT_EQ(shared.serialize(),
            "user_pref(\"b\", 9);\nuser_pref(\"a\", 1); user_pref(\"c\", 2);\n"
            "user_pref(\"d\", 3);\nuser_pref(\"a0\", 8);\n");
  ASSERT_TRUE(shared.remove("a"));
  ASSERT_TRUE(shared.remove("c"));
  EXPECT_EQ(shared.serialize(),
            "user_pref(\"b\", 9);\nuser_pref(\"d\", 3);\nuser_pref(\"a0\", 8);\n");

  PrefsDocument escaped = parse("user_pref(\"q\\\"1\", 1);\nuser_pref(\"\\u00c4\", \"\\x41\");\n");
  EXPECT_EQ(escaped.get_int("q\"1"), 1);
  EXPECT_EQ(escaped.get_string("\xC3\x84"), "A");
  ASSERT_TRUE(escaped.set_string("\xC3\x84", "B\""));
  EXPECT_EQ(escaped.get_string("\xC3\x84"), "B\"");
  EXPECT_EQ(escaped.serialize(), "user_pref(\"q\\\"1\", 1);\nuser_pref(\"\\u00c4\", \"B\\\"\");\n");
}

TEST(PrefsEdit, NewLinesNeverGoInsideAStatementThatSpansLines) {
  // "c" starts on the second line of "a", whose string holds a line ending: the new line goes
  // before the line where "a" starts, not into its string.
  PrefsDocument document = parse("user_pref(\"a\", \"x\ny\"); user_pref(\"c\", 1);\n");
  ASSERT_TRUE(document.set_int("b", 2));
  EXPECT_EQ(document.serialize(),
            "user_pref(\"b\", 2);\nuser_pref(\"a\", \"x\ny\"); user_pref(\"c\", 1);\n");
  ASSERT_TRUE(document.set_string("a", "z"));
  EXPECT_EQ(document.serialize(),
            "user_pref(\"b\", 2);\nuser_pref(\"a\", \"z\"); user_pref(\"c\", 1);\n");
  EXPECT_EQ(parse(document.serialize()).get_int("b"), 2);

  PrefsDocument spread = parse("user_pref(\"a\",\n 1); user_pref(\"c\", 1);\n");
  ASSERT_TRUE(spread.set_int("b", 2));
  EXPECT_EQ(spread.serialize(),
            "user_pref(\"b\", 2);\nuser_pref(\"a\",\n 1); user_pref(\"c\", 1);\n");
}

TEST(PrefsEdit, ChangedComparesTheBytes) {
  PrefsDocument document = parse("user_pref(\"a\", 1);\nuser_pref(\"b\", 2);\n");
  EXPECT_FALSE(document.changed());
  ASSERT_TRUE(document.set_int("a", 1));
  EXPECT_FALSE(document.changed());
  ASSERT_TRUE(document.remove("b"));
  EXPECT_TRUE(document.changed());
  ASSERT_TRUE(document.set_int("b", 2));
  EXPECT_EQ(document.serialize(), "user_pref(\"a\", 1);\nuser_pref(\"b\", 2);\n");
  EXPECT_FALSE(document.changed());
}

TEST(PrefsEdit, UnsortedFilesAppendAfterRemovals) {
  PrefsDocument document =
      parse("user_pref(\"b\", 1);\nuser_pref(\"a\", 1);\nuser_pref(\"c\", 1);\n");
  ASSERT_TRUE(document.remove("c"));
  ASSERT_TRUE(document.set_int("d", 2));
  EXPECT_EQ(document.serialize(),
            "user_pref(\"b\", 1);\nuser_pref(\"a\", 1);\nuser_pref(\"d\", 2);\n");
  // Without "b" the file is sorted again, so the next line goes in byte order.
  ASSERT_TRUE(document.remove("b"));
  ASSERT_TRUE(document.set_int("b", 3));
  EXPECT_EQ(document.serialize(),
            "user_pref(\"a\", 1);\nuser_pref(\"b\", 3);\nuser_pref(\"d\", 2);\n");
}

TEST(PrefsLarge, EveryNameIsFoundAndEditedInAFileOfManyPrefs) {
  // 300,000 statements: entries and index both take the 2 MiB-aligned memory, and the index is
  // built with its look-ahead. The first name is set again at the end (a duplicate).
  constexpr int kCount = 300000;
  std::string text;
  auto name_of = [](int number) {
    std::string digits = std::to_string(number);
    return "p" + std::string(6 - digits.size(), '0') + digits;
  };
  for (int number = 0; number < kCount; ++number) {
    text += "user_pref(\"" + name_of(number) + "\", " + std::to_string(number) + ");\n";
  }
  text += "user_pref(\"p000000\", -1);\n";
  PrefsDocument document = parse(text);
  ASSERT_TRUE(document.ok());
  ASSERT_EQ(document.entries().size(), std::size_t{kCount} + 1);
  EXPECT_EQ(document.serialize(), text);
  for (int number = 1; number < kCount; ++number) {
    ASSERT_EQ(document.get_int(name_of(number)), number) << number;
  }
  EXPECT_EQ(document.get_int("p000000"), -1);
  EXPECT_EQ(document.find("p300000"), nullptr);

  // Without the duplicate the file is sorted again, so the new name goes after p123456.
  ASSERT_TRUE(document.remove("p000000"));  // both of its lines
  ASSERT_TRUE(document.set_int("p123456", 7));
  ASSERT_TRUE(document.set_int("p1234560", 8));
  const std::string first_line = "user_pref(\"p000000\", 0);\n";
  const std::string last_line = "user_pref(\"p000000\", -1);\n";
  std::string expected =
      text.substr(first_line.size(), text.size() - first_line.size() - last_line.size());
  const std::string old_line = "user_pref(\"p123456\", 123456);\n";
  const std::size_t at = expected.find(old_line);
  ASSERT_NE(at, std::string::npos);
  expected.replace(at, old_line.size(),
                   "user_pref(\"p123456\", 7);\nuser_pref(\"p1234560\", 8);\n");
  EXPECT_EQ(document.serialize(), expected);
  EXPECT_EQ(document.get_int("p1234560"), 8);
  EXPECT_EQ(document.find("p000000"), nullptr);
}

TEST(PrefsRoundTrip, EveryFixtureAndPeerSample) {
  const std::string shared = std::string(MAILMIG_SHARED_DIR) + "/peer-samples/real-clients/";
  for (const std::string& path :
       {shared + "thunderbird-153/prefs.js", shared + "thunderbird-153/INPUT-prefs.js"}) {
    const ReadResult read = read_file(path);
    ASSERT_TRUE(read.ok) << read.error;  // the peer samples must be there
    const PrefsDocument document = parse(read.bytes);
    EXPECT_TRUE(document.ok()) << path;
    EXPECT_EQ(document.serialize(), read.bytes) << path;
  }
  const PrefsDocument peer = parse(read_file(shared + "thunderbird-153/prefs.js").bytes);
  EXPECT_EQ(peer.entries().size(), 117u);
  EXPECT_EQ(peer.get_string("mail.identity.id2.fullName"),
            "\xE7\x94\xB0\xE4\xB8\xAD \xE5\xA4\xAA\xE9\x83\x8E");
  const PrefsDocument input = parse(read_file(shared + "thunderbird-153/INPUT-prefs.js").bytes);
  EXPECT_EQ(input.get_string("mail.identity.id2.fullName"),
            peer.get_string("mail.identity.id2.fullName"));

  for (const char* name :
       {"thunderbird/prefs-sorted.js", "thunderbird/prefs-windows-crlf.js",
        "thunderbird/prefs-old-header.js", "thunderbird/prefs-grammar.js",
        "thunderbird/prefs-bad-escape.js", "thunderbird/prefs-missing-semicolon.js",
        "thunderbird/prefs-unterminated.js", "thunderbird/prefs-default-kind.js",
        "thunderbird/user.js", "homes/linux/.thunderbird/k3m9x2ab.default-release/prefs.js",
        "homes/linux/.thunderbird/p7q1w5zc.hanako/prefs.js",
        "homes/windows/AppData/Roaming/Thunderbird/Profiles/x8f2k1qz.default-release/prefs.js"}) {
    const std::string text = fixture(name);
    EXPECT_EQ(parse(text).serialize(), text) << name;
  }
}

}  // namespace
}  // namespace mailmig
