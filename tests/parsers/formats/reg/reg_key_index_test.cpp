#include "parsers/formats/reg/reg_key_index.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <cstdint>
#include <string>
#include <vector>

namespace mailmig {
namespace {

// Paths by entry index, as a RegFile's Key entries give them; the hash is given apart so that a
// test can make two paths share one.
struct Keys {
  std::vector<std::string> paths;
  RegKeyIndex index;

  void add(std::uint64_t hash, const std::string& path) {
    const auto entry = static_cast<std::uint32_t>(paths.size());
    paths.push_back(path);
    index.add(hash, entry, [&](std::uint32_t first) { return paths[first] == path; });
  }
  std::vector<std::uint32_t> find(std::uint64_t hash, const std::string& path) const {
    const RegKeyIndex::Sections sections =
        index.find(hash, [&](std::uint32_t first) { return paths[first] == path; });
    return {sections.begin(), sections.end()};
  }
};

TEST(RegKeyIndex, EachPathHasItsSectionsInFileOrder) {
  Keys keys;
  keys.add(7, "A");
  keys.add(8, "B");
  keys.add(7, "A");
  keys.add(7, "A");
  EXPECT_EQ(keys.find(7, "A"), (std::vector<std::uint32_t>{0, 2, 3}));
  EXPECT_EQ(keys.find(8, "B"), (std::vector<std::uint32_t>{1}));
  EXPECT_TRUE(keys.find(9, "C").empty());
  EXPECT_TRUE(keys.find(7, "C").empty());  // the hash of A, another path
}

TEST(RegKeyIndex, PathsSharingAHashStayApart) {
  Keys keys;
  keys.add(42, "HKEY_CURRENT_USER\\A");
  keys.add(42, "HKEY_CURRENT_USER\\B");
  keys.add(42, "HKEY_CURRENT_USER\\A");
  EXPECT_EQ(keys.find(42, "HKEY_CURRENT_USER\\A"), (std::vector<std::uint32_t>{0, 2}));
  EXPECT_EQ(keys.find(42, "HKEY_CURRENT_USER\\B"), (std::vector<std::uint32_t>{1}));
}

TEST(RegKeyIndex, AnEmptyIndexFindsNothing) {
  const Keys keys;
  EXPECT_TRUE(keys.find(0, "").empty());
  std::size_t visited = 0;
  keys.index.for_each([&](RegKeyIndex::Sections) { ++visited; });
  EXPECT_EQ(visited, 0u);
}

// The table grows many times over; hashes that fall on neighbouring slots and wrap around the
// table's end still find their paths, and every path is visited once.
TEST(RegKeyIndex, GrowingKeepsEveryPathAndItsSections) {
  Keys keys;
  constexpr std::uint32_t kPaths = 5000;
  for (std::uint32_t n = 0; n < kPaths; ++n) {
    keys.add(n % 64 == 0 ? ~std::uint64_t{0} - n : n * 0x9E3779B97F4A7C15u, std::to_string(n));
  }
  for (std::uint32_t n = 0; n < kPaths; n += 2) {
    keys.add(n % 64 == 0 ? ~std::uint64_t{0} - n : n * 0x9E3779B97F4A7C15u, std::to_string(n));
  }
  for (std::uint32_t n = 0; n < kPaths; ++n) {
    const std::uint64_t hash = n % 64 == 0 ? ~std::uint64_t{0} - n : n * 0x9E3779B97F4A7C15u;
    const std::vector<std::uint32_t> expected =
        n % 2 == 0 ? std::vector<std::uint32_t>{n, kPaths + n / 2} : std::vector<std::uint32_t>{n};
    ASSERT_EQ(keys.find(hash, std::to_string(n)), expected) << n;
  }
  std::vector<int> visits(kPaths, 0);
  keys.index.for_each(
      [&](RegKeyIndex::Sections sections) { ++visits[std::stoul(keys.paths[sections.front()])]; });
  EXPECT_EQ(std::count(visits.begin(), visits.end(), 1), kPaths);
}

}  // namespace
}  // namespace mailmig
