#include "src/io/read_file.h"

#include <gtest/gtest.h>
#include <sys/stat.h>

#include <string>

#include "tests/io/io_test_support.h"

namespace mailmig {
namespace {

using testing::TempFolder;
using testing::write_whole_file;

TEST(ReadFile, ReadsEveryByteOfFilesAroundTheProbeSize) {
  TempFolder root;
  // Sizes around the 4 KiB probe that detects a file grown since fstat, and an empty file.
  for (const std::size_t size : {0u, 1u, 4095u, 4096u, 4097u, 70000u}) {
    std::string bytes(size, '\0');
    for (std::size_t i = 0; i < size; ++i) bytes[i] = static_cast<char>(i * 7 % 251);
    const std::string path = root / ("file-" + std::to_string(size));
    write_whole_file(path, bytes, 0644);
    const ReadResult read = read_file(path);
    ASSERT_TRUE(read) << read.error;
    EXPECT_EQ(read.bytes, bytes) << size;
  }
}

TEST(ReadFile, ReadsEveryByteOfAFileLargeEnoughForHugePages) {
  // Over 4 MiB, so that the buffer holds whole 2 MiB blocks and pages prepared at both ends.
  TempFolder root;
  const std::size_t size = 5 * 1024 * 1024 + 123;
  std::string bytes(size, '\0');
  for (std::size_t i = 0; i < size; ++i) bytes[i] = static_cast<char>(i * 13 % 253);
  const std::string path = root / "large";
  write_whole_file(path, bytes, 0644);
  const ReadResult read = read_file(path);
  ASSERT_TRUE(read) << read.error;
  EXPECT_EQ(read.bytes, bytes);
}

TEST(ReadFile, AFileAtTheLimitIsReadAndOneByteMoreIsRefused) {
  TempFolder root;
  const std::string path = root / "prefs.js";
  write_whole_file(path, std::string(100, 'x'), 0644);
  EXPECT_TRUE(read_file(path, 100));
  const ReadResult over = read_file(path, 99);
  EXPECT_FALSE(over);
  EXPECT_EQ(over.error, path + ": 100 bytes, larger than the 0 MiB a profile file may have");
  EXPECT_TRUE(over.bytes.empty());
}

TEST(ReadFile, FoldersAndFifosAreRefusedWithTheirPath) {
  TempFolder root;
  const std::string folder = root / "Mail";
  ASSERT_EQ(::mkdir(folder.c_str(), 0700), 0);
  EXPECT_EQ(read_file(folder).error, folder + ": is a directory, expected a file");
  const std::string fifo = root / "fifo";
  ASSERT_EQ(::mkfifo(fifo.c_str(), 0600), 0);
  EXPECT_EQ(read_file(fifo).error, fifo + ": a FIFO, expected a regular file");
}

}  // namespace
}  // namespace mailmig
