#include "parsers/formats/span_editor.h"

#include <gtest/gtest.h>

#include <string>

namespace mailmig {
namespace {

TEST(SpanEditor, WithoutEditsGivesTheInputBack) {
  const SpanEditor editor;
  EXPECT_TRUE(editor.empty());
  EXPECT_EQ(editor.apply("a=1\r\nb=2"), "a=1\r\nb=2");
  EXPECT_FALSE(editor.changes("a=1"));
}

TEST(SpanEditor, AppliesReplacementsAndInsertionsInOffsetOrder) {
  const std::string input = "a=1\nb=2\n";
  SpanEditor editor;
  ASSERT_TRUE(editor.replace(6, 1, "22"));  // b's value, recorded first
  ASSERT_TRUE(editor.replace(2, 1, ""));    // a's value emptied
  ASSERT_TRUE(editor.replace(8, 0, "c=3\n"));
  EXPECT_EQ(editor.apply(input), "a=\nb=22\nc=3\n");
  EXPECT_EQ(editor.applied_size(input.size()), editor.apply(input).size());
  EXPECT_TRUE(editor.changes(input));
}

TEST(SpanEditor, ASpanReplacedAgainKeepsTheLastText) {
  SpanEditor editor;
  ASSERT_TRUE(editor.replace(2, 1, "9"));
  ASSERT_TRUE(editor.replace(2, 1, "77"));
  EXPECT_EQ(*editor.replacement(2, 1), "77");
  EXPECT_EQ(editor.replacement(2, 0), nullptr);
  EXPECT_EQ(editor.apply("a=1;"), "a=77;");
  EXPECT_EQ(editor.applied_size(4), 5u);
}

TEST(SpanEditor, AnInsertionGoesBeforeAReplacementAtItsOffset) {
  SpanEditor editor;
  ASSERT_TRUE(editor.replace(1, 1, "X"));
  ASSERT_TRUE(editor.replace(1, 0, "+"));
  ASSERT_TRUE(editor.replace(2, 0, "-"));  // right after the replaced span
  EXPECT_EQ(editor.apply("abc"), "a+X-c");
}

TEST(SpanEditor, AnInsertionReplacedAgainKeepsTheLastText) {
  SpanEditor editor;
  ASSERT_TRUE(editor.replace(3, 0, "x=1\n"));
  ASSERT_TRUE(editor.replace(3, 0, "x=1\ny=2\n"));
  EXPECT_EQ(editor.apply("[s]"), "[s]x=1\ny=2\n");
  EXPECT_EQ(editor.applied_size(3), 11u);
}

TEST(SpanEditor, RefusesOverlappingSpans) {
  SpanEditor editor;
  ASSERT_TRUE(editor.replace(2, 4, "...."));
  EXPECT_FALSE(editor.replace(0, 3, "x"));  // shares byte 2
  EXPECT_FALSE(editor.replace(5, 2, "x"));  // shares byte 5
  EXPECT_FALSE(editor.replace(3, 1, "x"));  // inside
  EXPECT_FALSE(editor.replace(4, 0, "x"));  // an insertion inside
  EXPECT_FALSE(editor.replace(1, 6, "x"));  // around
  EXPECT_TRUE(editor.replace(0, 2, "x"));   // just before
  EXPECT_TRUE(editor.replace(6, 1, "y"));   // just after
  EXPECT_EQ(editor.apply("0123456789"), "x....y789");
}

TEST(SpanEditor, AnEditThatRewritesTheSameBytesIsNoChange) {
  SpanEditor editor;
  ASSERT_TRUE(editor.replace(2, 1, "1"));
  EXPECT_FALSE(editor.changes("a=1"));
  ASSERT_TRUE(editor.replace(3, 0, ""));
  EXPECT_FALSE(editor.changes("a=1"));
  ASSERT_TRUE(editor.replace(3, 0, "\n"));
  EXPECT_TRUE(editor.changes("a=1"));
}

}  // namespace
}  // namespace mailmig
