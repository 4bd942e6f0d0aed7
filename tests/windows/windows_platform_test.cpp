// The Windows platform layer under Wine (or Windows): wide paths with a Japanese user name,
// binary files, the durable replace, locks, code pages and path strings with backslashes.
#include <gtest/gtest.h>
#include <windows.h>

#include <chrono>
#include <string>

#include "src/encoding/codec.h"
#include "src/encoding/wide_text.h"
#include "src/io/file_system.h"
#include "src/io/profile_lock.h"
#include "src/io/read_file.h"

namespace mailmig {
namespace {

// A fresh folder under %TEMP% whose name holds Japanese, 0x5C trail bytes in CP932 included.
class JapaneseFolder : public ::testing::Test {
 protected:
  void SetUp() override {
    std::wstring temp(MAX_PATH + 1, L'\0');
    temp.resize(GetTempPathW(static_cast<DWORD>(temp.size()), temp.data()));
    folder_ = narrow(temp) + "mailmig-" + random_hex(4) + "-山田表ソ能";
    const IoStatus made = fs_.make_folders(folder_, 0700);
    ASSERT_TRUE(made) << made.error;
  }
  void TearDown() override {
    for (const std::string& name : fs_.list_folder(folder_).names) {
      remove_file(join_path(folder_, name));
    }
    RemoveDirectoryW(widen(folder_).c_str());
  }

  RealFileSystem fs_;
  std::string folder_;
};

TEST_F(JapaneseFolder, ReplacesAFileDurablyKeepingEveryByte) {
  const std::string old_bytes = "old\n";
  const std::string new_bytes = std::string("user_pref(\"a\", \"\xe5\xb1\xb1\");\n\r\n\x1a", 29);
  OpenedFolder folder = fs_.open_folder(folder_);
  ASSERT_TRUE(folder) << folder.error();
  ASSERT_TRUE(write_new_file_durably(fs_, folder, "prefs.js", old_bytes, 0600));

  OpenedFile temp = fs_.create_temp_file(folder, "prefs.js");
  ASSERT_TRUE(temp) << temp.error;
  EXPECT_NE(temp.name.find(kTempFileMarker), std::string::npos);
  ASSERT_TRUE(fs_.write(temp, new_bytes));
  ASSERT_TRUE(fs_.fsync_file(temp));
  ASSERT_TRUE(fs_.close_file(temp));
  // The replace of an existing file: rename() alone refuses it on Windows.
  ASSERT_TRUE(fs_.rename_in(folder, temp.name, "prefs.js"));

  const ReadResult read = fs_.read_in(folder, "prefs.js");
  ASSERT_TRUE(read) << read.error;
  EXPECT_EQ(read.bytes, new_bytes);  // no CRLF added, no ^Z end
  EXPECT_EQ(fs_.list_folder(folder_).names, std::vector<std::string>{"prefs.js"});
}

TEST_F(JapaneseFolder, DescribesFilesAndFolders) {
  OpenedFolder folder = fs_.open_folder(folder_);
  ASSERT_TRUE(folder) << folder.error();
  EXPECT_EQ(folder.status().type, FileType::Directory);
  ASSERT_TRUE(write_new_file_durably(fs_, folder, "a.txt", "12345", 0600));
  const StatResult file = fs_.stat(join_path(folder_, "a.txt"));
  ASSERT_TRUE(file) << file.error;
  EXPECT_EQ(file.status.type, FileType::Regular);
  EXPECT_EQ(file.status.size, 5u);
  EXPECT_EQ(fs_.stat(join_path(folder_, "missing")).status.type, FileType::Missing);
  EXPECT_FALSE(fs_.create_new_file(folder, "a.txt", 0600));  // never over an existing file
  const ReadResult read_folder = read_file(folder_);
  EXPECT_NE(read_folder.error.find("is a directory"), std::string::npos) << read_folder.error;
  const PathResult real = fs_.real_path(folder_);
  ASSERT_TRUE(real) << real.error;
  EXPECT_EQ(real.path.find('\\'), std::string::npos) << real.path;
  EXPECT_NE(real.path.find("山田表ソ能"), std::string::npos) << real.path;
}

TEST_F(JapaneseFolder, ALockHeldByOneHandleStopsAnother) {
  const std::string lock_path = join_path(join_path(folder_, "locks"), "run.lock");
  FileLockResult first = acquire_file_lock(lock_path, std::chrono::milliseconds(0));
  ASSERT_TRUE(first) << first.error;
  FileLockResult second = acquire_file_lock(lock_path, std::chrono::milliseconds(0));
  EXPECT_FALSE(second);
  EXPECT_TRUE(second.timed_out);
  first.lock.reset();
  FileLockResult third = acquire_file_lock(lock_path, std::chrono::milliseconds(0));
  EXPECT_TRUE(third) << third.error;
  third.lock.reset();
  remove_file(lock_path);
  RemoveDirectoryW(widen(parent_folder(lock_path)).c_str());
}

TEST(WindowsPaths, SplitOnBackslashesAndSlashes) {
  EXPECT_EQ(parent_folder("C:\\Users\\山田\\prefs.js"), "C:\\Users\\山田");
  EXPECT_EQ(file_name("C:\\Users\\山田\\prefs.js"), "prefs.js");
  EXPECT_EQ(file_name("C:/Users/x/"), "x");
  EXPECT_EQ(join_path("C:\\Users\\", "x"), "C:\\Users\\x");
}

// The journal checks that the paths it restores are absolute: a drive is a root on Windows.
TEST(WindowsPaths, ADriveIsAnAbsoluteRoot) {
  EXPECT_EQ(absolute_root_length("C:/Users/x/prefs.js"), 3u);
  EXPECT_EQ(absolute_root_length("z:\\tmp"), 3u);
  EXPECT_EQ(absolute_root_length("/tmp"), 1u);
  EXPECT_EQ(absolute_root_length("C:relative"), 0u);
  EXPECT_EQ(absolute_root_length("Users/x"), 0u);
}

TEST(WindowsCodePages, Cp932KeepsItsBackslashTrailBytes) {
  const std::string hyou_so_nou = "\x95\x5c\x83\x5c\x94\x5c";  // 表ソ能
  const Conversion utf8 = to_utf8(hyou_so_nou, "CP932");
  ASSERT_TRUE(utf8) << utf8.error;
  EXPECT_EQ(utf8.text, "表ソ能");
  const Conversion back = from_utf8(utf8.text, "CP932");
  ASSERT_TRUE(back) << back.error;
  EXPECT_EQ(back.text, hyou_so_nou);
}

TEST(WindowsCodePages, RefusesWhatTheTargetCannotHold) {
  const Conversion refused = from_utf8("ok \xe2\x82\xac", "CP932");  // no euro sign in 932
  EXPECT_FALSE(refused);
  EXPECT_EQ(refused.error_offset, 3u);
  const Conversion invalid = to_utf8("ab\xff", "UTF-8");
  EXPECT_FALSE(invalid);
  EXPECT_EQ(invalid.error_offset, 2u);
  EXPECT_FALSE(convert_encoding("x", "UTF-8", "KOI8-R"));
}

TEST(WindowsCodePages, Utf16LittleEndianBothWays) {
  const Conversion wide = from_utf8("表", "UTF-16LE");
  ASSERT_TRUE(wide);
  EXPECT_EQ(wide.text, std::string("\x68\x88", 2));
  const Conversion odd = to_utf8(std::string("\x68\x88\x41", 3), "UTF-16LE");
  EXPECT_FALSE(odd);
  EXPECT_NE(odd.error.find("incomplete"), std::string::npos) << odd.error;
}

}  // namespace
}  // namespace mailmig
