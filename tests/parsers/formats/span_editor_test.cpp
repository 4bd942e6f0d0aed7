#include "parsers/formats/span_editor.h"

#include <gtest/gtest.h>

#include <cstdint>
#include <limits>
#include <map>
#include <optional>
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
  EXPECT_EQ(editor.replacement(2, 0), std::nullopt);
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

TEST(SpanEditor, EditsTheTextOfOneEdit) {
  SpanEditor editor;
  ASSERT_TRUE(editor.replace(3, 0, "x=1\nz=3\n"));
  ASSERT_TRUE(editor.edit_text(3, 0, 4, 0, "y=2\n"));  // a line between the two
  ASSERT_TRUE(editor.edit_text(3, 0, 2, 1, "10"));     // x's value
  EXPECT_FALSE(editor.edit_text(3, 0, 13, 2, "?"));    // past the text's end
  EXPECT_FALSE(editor.edit_text(2, 0, 0, 0, "?"));     // no edit there
  EXPECT_EQ(*editor.replacement(3, 0), "x=10\ny=2\nz=3\n");
  EXPECT_EQ(editor.apply("[s]"), "[s]x=10\ny=2\nz=3\n");
  EXPECT_EQ(editor.applied_size(3), editor.apply("[s]").size());
}

TEST(SpanEditor, ErasesAnEdit) {
  SpanEditor editor;
  ASSERT_TRUE(editor.replace(2, 1, "77"));
  ASSERT_TRUE(editor.replace(0, 0, "+"));
  EXPECT_FALSE(editor.erase(2, 2));
  ASSERT_TRUE(editor.erase(2, 1));
  EXPECT_EQ(editor.replacement(2, 1), std::nullopt);
  EXPECT_EQ(editor.apply("a=1;"), "+a=1;");
  EXPECT_EQ(editor.applied_size(4), 5u);
  ASSERT_TRUE(editor.replace(0, 4, ""));  // the span is free again
  EXPECT_EQ(editor.apply("a=1;"), "+");
  editor.clear();
  EXPECT_TRUE(editor.empty());
  EXPECT_EQ(editor.apply("a=1;"), "a=1;");
  EXPECT_EQ(editor.applied_size(4), 4u);
}

TEST(SpanEditor, ATextRewrittenManyTimesKeepsTheStoreBounded) {
  // Lines inserted one by one at one place, each time writing all of them again, while other
  // edits come in between: the old texts must not pile up.
  SpanEditor editor;
  std::string lines;
  for (int line = 0; line < 2000; ++line) {
    lines += "value" + std::to_string(line) + "=1\n";
    ASSERT_TRUE(editor.replace(3, 0, lines));
    ASSERT_TRUE(editor.replace(4 + static_cast<std::size_t>(line), 0, "+"));
  }
  std::string input(2004, '.');
  input.replace(0, 3, "[s]");
  std::string expected = "[s]" + lines + input.substr(3, 1);
  for (std::size_t offset = 4; offset < input.size(); ++offset)
    expected += "+" + input.substr(offset, 1);
  EXPECT_EQ(editor.apply(input), expected);
  const std::size_t live = expected.size() - input.size();
  EXPECT_LE(editor.stored_bytes(), 2 * live + 2001 + 4096);
}

TEST(SpanEditor, ATextShrinksInPlaceAndGrowsAgain) {
  SpanEditor editor;
  ASSERT_TRUE(editor.replace(0, 1, "long text"));
  ASSERT_TRUE(editor.replace(2, 1, "other"));
  ASSERT_TRUE(editor.replace(0, 1, "s"));
  EXPECT_EQ(editor.apply("abc"), "sbother");
  EXPECT_EQ(editor.stored_bytes(), 14u);  // the shrunk text left 8 bytes behind, no more
  ASSERT_TRUE(editor.replace(0, 1, "longer text"));
  EXPECT_EQ(editor.apply("abc"), "longer textbother");
  EXPECT_EQ(editor.applied_size(3), 17u);
}

TEST(SpanEditor, EditsTheTextOfAnEditThatHasGrown) {
  SpanEditor editor;
  ASSERT_TRUE(editor.replace(3, 0, "x=1\n"));
  ASSERT_TRUE(editor.replace(0, 1, "S"));           // stored after the insertion
  ASSERT_TRUE(editor.replace(3, 0, "x=1\nz=3\n"));  // moves past it
  ASSERT_TRUE(editor.edit_text(3, 0, 4, 0, "y=2\n"));
  ASSERT_TRUE(editor.replace(1, 1, "T"));
  ASSERT_TRUE(editor.edit_text(3, 0, 0, 4, ""));  // shrinks in place
  ASSERT_TRUE(editor.edit_text(3, 0, 8, 0, "w=4\n"));
  EXPECT_EQ(*editor.replacement(3, 0), "y=2\nz=3\nw=4\n");
  EXPECT_EQ(editor.apply("[s]"), "ST]y=2\nz=3\nw=4\n");
  EXPECT_EQ(editor.applied_size(3), editor.apply("[s]").size());
}

TEST(SpanEditor, TakesItsOwnTextAsANewText) {
  SpanEditor editor;
  ASSERT_TRUE(editor.replace(0, 1, "abc"));
  ASSERT_TRUE(editor.replace(1, 0, *editor.replacement(0, 1)));
  ASSERT_TRUE(editor.edit_text(1, 0, 3, 0, *editor.replacement(0, 1)));
  EXPECT_EQ(editor.apply("xy"), "abcabcabcy");
}

TEST(SpanEditor, ErasedAndClearedTextsAreNotKept) {
  SpanEditor editor;
  const std::string big(10000, 'b');
  ASSERT_TRUE(editor.replace(0, 1, big));
  ASSERT_TRUE(editor.replace(1, 1, "c"));
  ASSERT_TRUE(editor.erase(0, 1));
  EXPECT_LE(editor.stored_bytes(), 1u);  // more garbage than live bytes: compacted
  ASSERT_TRUE(editor.replace(0, 1, "a"));
  EXPECT_EQ(editor.apply("xy"), "ac");
  editor.clear();
  EXPECT_EQ(editor.stored_bytes(), 0u);
  EXPECT_EQ(editor.replacement(1, 1), std::nullopt);
  ASSERT_TRUE(editor.replace(1, 1, "d"));
  EXPECT_EQ(editor.apply("xy"), "xd");
}

TEST(SpanEditor, RefusesSpansBeyond32Bits) {
  constexpr std::size_t kLast = std::numeric_limits<std::uint32_t>::max();
  SpanEditor editor;
  EXPECT_FALSE(editor.replace(kLast, 1, "x"));
  EXPECT_TRUE(editor.replace(kLast, 0, ""));  // an insertion at the last offset that fits
  EXPECT_FALSE(editor.replace(1, kLast, "x"));
  EXPECT_EQ(editor.starting_in(0, kLast).size(), 1u);
}

TEST(SpanEditor, AgreesWithAMapOfTextsUnderRandomChanges) {
  // Every change the editor accepts, made to a plain map of spans to texts too; texts of up to
  // 600 bytes, so that some outgrow a chunk and many move, shrink, grow at the end, or are
  // compacted away.
  const std::string input(300, '.');
  std::map<std::pair<std::size_t, std::size_t>, std::string> texts;
  SpanEditor editor;
  std::uint32_t seed = 12345;
  auto random = [&](std::uint32_t below) {
    seed = seed * 1664525u + 1013904223u;
    return (seed >> 8) % below;
  };
  auto random_text = [&] {
    return std::string(random(8) == 0 ? random(600) : random(30),
                       static_cast<char>('a' + random(26)));
  };
  for (int step = 0; step < 20000; ++step) {
    const std::uint32_t action = random(10);
    if (action < 5 || texts.empty()) {
      const std::size_t offset = random(300);
      const std::size_t length = std::min<std::size_t>(random(4), 300 - offset);
      std::string text = random_text();
      if (editor.replace(offset, length, text)) texts[{offset, length}] = std::move(text);
    } else {
      auto chosen = std::next(texts.begin(), random(static_cast<std::uint32_t>(texts.size())));
      const auto [offset, length] = chosen->first;
      std::string& text = chosen->second;
      if (action < 9) {
        const std::size_t at = random(static_cast<std::uint32_t>(text.size()) + 1);
        const std::size_t erase = random(static_cast<std::uint32_t>(text.size() - at) + 1);
        const std::string inserted = random_text();
        ASSERT_TRUE(editor.edit_text(offset, length, at, erase, inserted));
        text.replace(at, erase, inserted);
      } else {
        ASSERT_TRUE(editor.erase(offset, length));
        texts.erase(chosen);
      }
    }
    if (step % 100 != 0) continue;
    std::string expected;
    std::size_t copied = 0;
    std::size_t live = 0;
    for (const auto& [span, text] : texts) {
      expected += input.substr(copied, span.first - copied) + text;
      copied = span.first + span.second;
      live += text.size();
    }
    expected += input.substr(copied);
    ASSERT_EQ(editor.apply(input), expected) << "step " << step;
    ASSERT_EQ(editor.applied_size(input.size()), expected.size());
    ASSERT_LE(editor.stored_bytes(), 2 * live + texts.size() + 4096);
  }
}

TEST(SpanEditor, FindsEditsByWhereTheyStart) {
  SpanEditor editor;
  ASSERT_TRUE(editor.replace(2, 2, "b"));
  ASSERT_TRUE(editor.replace(2, 0, "a"));
  ASSERT_TRUE(editor.replace(6, 1, "c"));
  const auto edits = editor.starting_in(2, 6);
  ASSERT_EQ(edits.size(), 3u);
  EXPECT_EQ(editor.text(edits[0]), "a");  // the insertion first, as it applies
  EXPECT_EQ(editor.text(edits[1]), "b");
  EXPECT_EQ(editor.text(edits[2]), "c");
  EXPECT_EQ(editor.starting_in(3, 5).size(), 0u);
  std::string pieces;
  EXPECT_TRUE(editor.for_each_piece("0123456789", [&](std::string_view piece) {
    pieces += "[" + std::string(piece) + "]";
    return true;
  }));
  EXPECT_EQ(pieces, "[01][a][][b][45][c][789]");
  EXPECT_FALSE(
      editor.for_each_piece("0123456789", [](std::string_view piece) { return piece != "b"; }));
  EXPECT_EQ(editor.starting_in(0, 2).size(), 2u);
  EXPECT_EQ(editor.last_starting_before(2), nullptr);
  ASSERT_NE(editor.last_starting_before(3), nullptr);
  EXPECT_EQ(editor.text(*editor.last_starting_before(3)), "b");
  EXPECT_EQ(editor.text(*editor.last_starting_before(7)), "c");
}

TEST(SpanEditor, ManyEditsInAnyOrder) {
  // Enough edits for many blocks, made in a scrambled order: every other byte replaced, an
  // insertion before every fourth, then every eighth replacement dropped again.
  constexpr std::size_t kSize = 4000;
  const std::string input(kSize, '.');
  SpanEditor editor;
  for (std::size_t step = 0; step < kSize / 2; ++step) {
    const std::size_t offset = 2 * (step * 997 % (kSize / 2));
    ASSERT_TRUE(editor.replace(offset, 1, "R"));
    if (offset % 4 == 0) {
      ASSERT_TRUE(editor.replace(offset, 0, "+"));
    }
    EXPECT_FALSE(editor.replace(offset, 2, "x"));  // overlaps its replacement
    if (offset > 0) {
      EXPECT_FALSE(editor.replace(offset - 1, 2, "x"));
    }
  }
  for (std::size_t offset = 0; offset < kSize; offset += 16) {
    ASSERT_TRUE(editor.erase(offset, 1));
  }
  std::string expected;
  for (std::size_t offset = 0; offset < kSize; ++offset) {
    if (offset % 4 == 0) expected += '+';
    expected += offset % 2 == 1 || offset % 16 == 0 ? '.' : 'R';
  }
  EXPECT_EQ(editor.apply(input), expected);
  EXPECT_TRUE(editor.gives(input, expected));
  EXPECT_EQ(editor.applied_size(kSize), expected.size());
  EXPECT_EQ(editor.starting_in(8, 12).size(), 5u);  // + and R at 8, R at 10, + and R at 12
}

}  // namespace
}  // namespace mailmig
