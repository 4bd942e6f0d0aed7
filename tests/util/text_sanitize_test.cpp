#include "src/util/text_sanitize.h"

#include <gtest/gtest.h>

namespace mailmig {
namespace {

constexpr const char* kFffd = "\xEF\xBF\xBD";

TEST(ValidUtf8, KeepsValidTextAsItIs) {
  const std::string text = "caf\xC3\xA9 \xE6\x97\xA5\xE6\x9C\xAC \xF0\x9F\x93\xA7 plain";
  EXPECT_EQ(valid_utf8(text), text);
  EXPECT_EQ(valid_utf8(""), "");
}

TEST(ValidUtf8, ReplacesEachMaximalBadSubpartByOneReplacementCharacter) {
  EXPECT_EQ(valid_utf8("a\xFF"
                       "b"),
            std::string("a") + kFffd + "b");
  EXPECT_EQ(valid_utf8("a\xE6\x97"), std::string("a") + kFffd);  // truncated at the end
  EXPECT_EQ(valid_utf8("\xE6\x97x"), std::string(kFffd) + "x");
  EXPECT_EQ(valid_utf8("\xC0\xAF"), std::string(kFffd) + kFffd);  // overlong '/'
  EXPECT_EQ(valid_utf8("\xE0\x80\xAF"), std::string(kFffd) + kFffd + kFffd);
  EXPECT_EQ(valid_utf8("\xED\xA0\x80"), std::string(kFffd) + kFffd + kFffd);  // surrogate
  EXPECT_EQ(valid_utf8("\xF4\x90\x80\x80"), std::string(kFffd) + kFffd + kFffd + kFffd);
  EXPECT_EQ(valid_utf8("\x80"), kFffd);
}

TEST(Printable, EscapesEveryControlAndBidiCharacterVisibly) {
  EXPECT_EQ(printable("\x1B]0;owned\x07"), "\\x1b]0;owned\\x07");
  EXPECT_EQ(printable("\x1B[2J"), "\\x1b[2J");
  EXPECT_EQ(printable("a\rb\nc\td"), "a\\rb\\nc\\td");
  EXPECT_EQ(printable(std::string("nul\0x", 5)), "nul\\x00x");
  EXPECT_EQ(printable("\x7F"), "\\x7f");
  EXPECT_EQ(printable("\xC2\x9B"
                      "2J"),
            "\\u009b2J");  // C1 CSI
  EXPECT_EQ(printable("\xE2\x80\xAE"
                      "fdp.exe"),
            "\\u202efdp.exe");  // RIGHT-TO-LEFT OVERRIDE
  EXPECT_EQ(printable("\xE2\x81\xA6x\xE2\x81\xA9"), "\\u2066x\\u2069");
  EXPECT_EQ(printable("\xE2\x80\xA8"), "\\u2028");
}

TEST(Printable, KeepsOrdinaryTextAndRepairsInvalidUtf8) {
  EXPECT_EQ(printable("C:\\Users\\hanako \xE6\x97\xA5"), "C:\\Users\\hanako \xE6\x97\xA5");
  EXPECT_EQ(printable("x\xFFy"), std::string("x") + kFffd + "y");
}

TEST(Quoted, EscapesQuotesAndBackslashesToo) {
  EXPECT_EQ(quoted(""), "\"\"");
  EXPECT_EQ(quoted("C:\\a \"b\"=c\n"), "\"C:\\\\a \\\"b\\\"=c\\n\"");
  EXPECT_EQ(quoted("\x1B\xE2\x80\xAE"), "\"\\x1b\\u202e\"");
}

}  // namespace
}  // namespace mailmig
