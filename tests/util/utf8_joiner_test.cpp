#include "src/cli/utf8_joiner.h"

#include <gtest/gtest.h>

#include <string>

namespace mailmig {
namespace {

TEST(Utf8Joiner, WholeTextPassesAtOnce) {
  Utf8Joiner joiner;
  EXPECT_EQ(joiner.whole_sequences("plan: 変更 é 😀\n"), "plan: 変更 é 😀\n");
  EXPECT_EQ(joiner.release(), "");
}

TEST(Utf8Joiner, ASequenceCutBetweenTwoWritesIsHeldUntilItsLastByte) {
  const std::string text = "変更😀";  // 3 + 3 + 4 bytes
  for (std::size_t cut = 0; cut <= text.size(); ++cut) {
    Utf8Joiner joiner;
    const std::string first = joiner.whole_sequences(text.substr(0, cut));
    const std::string second = joiner.whole_sequences(text.substr(cut));
    EXPECT_EQ(first + second, text) << cut;
    EXPECT_TRUE(first.empty() || first == "変" || first == "変更" || first == text) << cut;
    EXPECT_EQ(joiner.release(), "") << cut;
  }
}

TEST(Utf8Joiner, ACharacterArrivingOneByteAtATimeComesOutWhole) {
  Utf8Joiner joiner;
  EXPECT_EQ(joiner.whole_sequences("\xF0"), "");
  EXPECT_EQ(joiner.whole_sequences("\x9F"), "");
  EXPECT_EQ(joiner.whole_sequences("\x98"), "");
  EXPECT_EQ(joiner.whole_sequences("\x80"), "😀");
}

TEST(Utf8Joiner, InvalidBytesAreNotHeld) {
  Utf8Joiner joiner;
  EXPECT_EQ(joiner.whole_sequences("a\x80"), "a\x80");  // a stray continuation byte
  EXPECT_EQ(joiner.whole_sequences("b\xFF"), "b\xFF");  // never a lead byte
  EXPECT_EQ(joiner.whole_sequences("\xE5\x90\x8D\x80"), "\xE5\x90\x8D\x80");  // one too many
}

TEST(Utf8Joiner, AnUnfinishedSequenceAtTheEndIsGivenUpOnRelease) {
  Utf8Joiner joiner;
  EXPECT_EQ(joiner.whole_sequences("done \xE5\xA4"), "done ");
  EXPECT_EQ(joiner.release(), "\xE5\xA4");
  EXPECT_EQ(joiner.whole_sequences("x"), "x");
}

}  // namespace
}  // namespace mailmig
