#include "src/report/spool.h"

#include <gtest/gtest.h>

#ifdef _WIN32
#include <windows.h>

#include <boost/filesystem.hpp>
#endif

#include <array>
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

// A report of a megabyte is in the spool's file: what stays in memory is less than one write.
TEST(Spool, KeepsItsBytesInAFileNotInMemory) {
  Spool spool;
  const std::string line(1000, 'x');
  for (int i = 0; i < 1000; ++i) spool.append(line);
  EXPECT_LT(spool.bytes_in_memory(), std::size_t{1} << 16);
  std::ostringstream out;
  spool.write({spool.size() - line.size(), spool.size()}, out);
  EXPECT_EQ(out.str(), line);
}

#ifdef _WIN32
// The spool's file is in the user's temporary folder (msvcrt's tmpfile() writes to the root of
// the drive, where a user may not write), and is gone once the spool is.
TEST(Spool, ItsWindowsFileIsInTheUsersTemporaryFolderAndDeletedAfter) {
  namespace fs = boost::filesystem;
  const fs::path folder = fs::temp_directory_path() / fs::unique_path("mailmig-spool-%%%%%%%%");
  fs::create_directories(folder);
  std::array<wchar_t, 32768> saved{};
  const DWORD saved_length = GetEnvironmentVariableW(L"TMP", saved.data(), saved.size());
  ASSERT_TRUE(SetEnvironmentVariableW(L"TMP", folder.wstring().c_str()));
  auto files_in_folder = [&] {
    return std::distance(fs::directory_iterator(folder), fs::directory_iterator());
  };
  {
    Spool spool;
    SetEnvironmentVariableW(L"TMP", saved_length > 0 ? saved.data() : nullptr);
    spool.append(std::string(std::size_t{1} << 17, 'x'));
    EXPECT_LT(spool.bytes_in_memory(), std::size_t{1} << 16);
    EXPECT_EQ(files_in_folder(), 1);
  }
  EXPECT_EQ(files_in_folder(), 0);
  fs::remove_all(folder);
}
#endif

}  // namespace
}  // namespace mailmig
