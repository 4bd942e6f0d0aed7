#include "src/report/spool.h"

#include <gtest/gtest.h>

#include <sstream>
#include <string>
#include <vector>

namespace mailmig {
namespace {

// Pieces of a report larger than what the spool gathers before one write to its file, read back
// in another order than they were written, and one range twice.
TEST(Spool, GivesBackEachRangeAsItWasAppended) {
  Spool spool;
  std::vector<std::string> pieces;
  std::vector<SpoolRange> ranges;
  for (std::size_t i = 0; i < 300; ++i) {
    std::string piece = "account " + std::to_string(i) + ":" +
                        std::string(700 + i, static_cast<char>('a' + i % 26));
    const std::size_t begin = spool.size();
    spool.append(piece);
    ranges.push_back({begin, spool.size()});
    pieces.push_back(std::move(piece));
  }
  ASSERT_GT(spool.size(), std::size_t{1} << 17);
  for (const std::size_t index : {299u, 0u, 150u, 0u, 42u}) {
    std::ostringstream out;
    spool.write(ranges[index], out);
    EXPECT_TRUE(out.good());
    EXPECT_EQ(out.str(), pieces[index]) << index;
  }
  std::ostringstream all;
  spool.write({0, spool.size()}, all);
  std::string expected;
  for (const std::string& piece : pieces) expected += piece;
  EXPECT_EQ(all.str(), expected);
  std::ostringstream nothing;
  spool.write({7, 7}, nothing);
  EXPECT_EQ(nothing.str(), "");
}

}  // namespace
}  // namespace mailmig
