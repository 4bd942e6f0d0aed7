#include "src/encoding/codec.h"

#include <gtest/gtest.h>

namespace mailmig {
namespace {

TEST(Codec, Cp932RoundTripKeepsTrailByte5C) {
  // 表 is 0x95 0x5C in CP932: the trail byte looks like a backslash.
  const std::string cp932 = "\x95\x5c";
  auto utf8 = to_utf8(cp932, "CP932");
  ASSERT_TRUE(utf8) << utf8.error;
  EXPECT_EQ(utf8.text, "\xe8\xa1\xa8");
  auto back = from_utf8(utf8.text, "CP932");
  ASSERT_TRUE(back);
  EXPECT_EQ(back.text, cp932);
}

TEST(Codec, UnrepresentableCharacterIsAnErrorNotAQuestionMark) {
  auto result = from_utf8("ok \xf0\x9f\x98\x80", "CP932");  // an emoji has no CP932 form
  EXPECT_FALSE(result);
  EXPECT_EQ(result.error_offset, 3u);
  EXPECT_NE(result.error.find("cannot be converted"), std::string::npos);
}

TEST(Codec, InvalidInputIsReportedWithOffset) {
  auto result = to_utf8("ab\x81", "CP932");  // a lead byte with no trail byte
  EXPECT_FALSE(result);
  EXPECT_EQ(result.error_offset, 2u);
}

// Conversions between the same encodings share one iconv descriptor: each starts in the initial
// shift state, even after one that stopped in another state at an error. Windows' code-page
// codec keeps no state between calls and knows only the encodings the clients write.
TEST(Codec, EachConversionStartsInTheInitialShiftState) {
#ifdef _WIN32
  GTEST_SKIP() << "iconv only: the Windows codec has no shift state to carry over";
#endif
  EXPECT_FALSE(from_utf8("\xe6\x97\xa5\xf0\x9f\x98\x80", "ISO-2022-JP"));  // 日 then an emoji
  const Conversion plain = from_utf8("a", "ISO-2022-JP");
  ASSERT_TRUE(plain) << plain.error;
  EXPECT_EQ(plain.text, "a");
}

TEST(Codec, StatefulTextEndsInTheInitialShiftState) {
#ifdef _WIN32
  GTEST_SKIP() << "iconv only: the Windows codec has no stateful encoding";
#endif
  // 日 is JIS X 0208 0x467C: shifted in, then back to ASCII at the end of the text.
  const Conversion japanese = from_utf8("\xe6\x97\xa5", "ISO-2022-JP");
  ASSERT_TRUE(japanese) << japanese.error;
  EXPECT_EQ(japanese.text, "\x1b$BF|\x1b(B");
}

TEST(Codec, Utf16LeRoundTrip) {
  auto wide = from_utf8("研究室", "UTF-16LE");
  ASSERT_TRUE(wide);
  EXPECT_EQ(wide.text.size(), 6u);
  EXPECT_EQ(to_utf8(wide.text, "UTF-16LE").text, "研究室");
}

TEST(Codec, Utf8Validation) {
  EXPECT_TRUE(is_valid_utf8("plain ascii"));
  EXPECT_TRUE(is_valid_utf8("田中 太郎"));
  EXPECT_FALSE(is_valid_utf8("\xc4"));
  EXPECT_FALSE(is_valid_utf8("\xc0\xaf"));      // overlong '/'
  EXPECT_FALSE(is_valid_utf8("\xed\xa0\x80"));  // a surrogate
}

}  // namespace
}  // namespace mailmig

#include "src/util/digest.h"

namespace mailmig {
namespace {

TEST(Digest, KnownVectors) {
  EXPECT_EQ(sha256_hex("abc"), "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
  EXPECT_EQ(md5_hex(""), "d41d8cd98f00b204e9800998ecf8427e");
}

}  // namespace
}  // namespace mailmig
