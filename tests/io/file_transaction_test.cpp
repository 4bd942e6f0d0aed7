#include "src/io/file_transaction.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>
#include <signal.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>
#include <stdexcept>
#include <string>
#include <string_view>
#include <utility>

#include "src/util/digest.h"
#include "tests/io/io_test_support.h"

namespace mailmig {
namespace {

using testing::FaultInjectingFileSystem;
using testing::file_mode;
using ::testing::HasSubstr;
using ::testing::IsEmpty;
using testing::Operation;
using testing::path_exists;
using testing::read_whole_file;
using testing::temp_files_in;
using testing::TempFolder;
using testing::write_whole_file;

const std::string kPrefsOld = "user_pref(\"mail.server.server1.port\", 110);\r\n";
const std::string kPrefsNew = "user_pref(\"mail.server.server1.port\", 995);\r\n";
const std::string kAccountrcOld = "[Account: 1]\nsmtp_port=25\npassword=pop-Pass2\n";
const std::string kAccountrcNew = "[Account: 1]\nsmtp_port=587\npassword=pop-Pass2\n";
const std::string kCreatedNew = "{\"logins\":[]}";

struct Fixture {
  TempFolder root;
  std::string profile = root / "profile";
  std::string backups = root / "state/backups/run-1";
  std::string prefs = profile + "/prefs.js";
  std::string accountrc = profile + "/accountrc";
  std::string created = profile + "/logins.json";

  Fixture() {
    ::mkdir(profile.c_str(), 0700);
    write_whole_file(prefs, kPrefsOld, 0640);
    write_whole_file(accountrc, kAccountrcOld, 0600);
  }
  TransactionOptions options() const { return {profile, backups, nullptr, {}, {}}; }
  IoStatus stage_all(FileTransaction& transaction) const {
    if (IoStatus s = transaction.stage(prefs, kPrefsOld, kPrefsNew, false); !s) return s;
    if (IoStatus s = transaction.stage(accountrc, kAccountrcOld, kAccountrcNew, false); !s) {
      return s;
    }
    return transaction.stage(created, "", kCreatedNew, true);
  }
  void expect_all_old() const {
    EXPECT_EQ(read_whole_file(prefs), kPrefsOld);
    EXPECT_EQ(read_whole_file(accountrc), kAccountrcOld);
    EXPECT_FALSE(path_exists(created));
    EXPECT_EQ(file_mode(prefs), 0640u);
    EXPECT_EQ(file_mode(accountrc), 0600u);
    EXPECT_THAT(temp_files_in(profile), IsEmpty());
  }
  void expect_all_new() const {
    EXPECT_EQ(read_whole_file(prefs), kPrefsNew);
    EXPECT_EQ(read_whole_file(accountrc), kAccountrcNew);
    EXPECT_EQ(read_whole_file(created), kCreatedNew);
    EXPECT_EQ(file_mode(prefs), 0640u);
    EXPECT_EQ(file_mode(accountrc), 0600u);
    EXPECT_THAT(temp_files_in(profile), IsEmpty());
  }
};

std::string accept_all(const std::string&, const std::string&) { return {}; }

TEST(FileTransaction, CommitWritesNewBytesKeepsModeAndBacksUpOriginals) {
  Fixture f;
  RealFileSystem fs;
  FileTransaction transaction(fs, f.options());
  ASSERT_TRUE(f.stage_all(transaction));
  std::vector<std::string> verified;
  const IoStatus status = transaction.commit([&](const std::string& path, const std::string&) {
    verified.push_back(path);
    return std::string();
  });
  ASSERT_TRUE(status) << status.error;
  EXPECT_TRUE(transaction.committed());
  f.expect_all_new();
  EXPECT_EQ(file_mode(f.created), 0600u);
  EXPECT_EQ(verified, (std::vector<std::string>{f.prefs, f.accountrc, f.created}));

  const auto& files = transaction.files();
  ASSERT_EQ(files.size(), 3u);
  EXPECT_EQ(files[0].backup_path,
            f.backups + "/" + sha256_hex(f.prefs).substr(0, 16) + "-prefs.js");
  EXPECT_EQ(read_whole_file(files[0].backup_path), kPrefsOld);
  EXPECT_EQ(read_whole_file(files[1].backup_path), kAccountrcOld);
  EXPECT_EQ(files[2].backup_path, "");
  EXPECT_EQ(file_mode(files[0].backup_path), 0600u);
  EXPECT_EQ(file_mode(files[1].backup_path), 0600u);
  EXPECT_EQ(file_mode(f.backups), 0700u);
}

TEST(FileTransaction, VerifierFailureRestoresOriginalsByteForByte) {
  Fixture f;
  RealFileSystem fs;
  FileTransaction transaction(fs, f.options());
  ASSERT_TRUE(f.stage_all(transaction));
  const IoStatus status = transaction.commit([&](const std::string& path, const std::string&) {
    return path == f.accountrc ? std::string("smtp_port reads 25, planned 587") : std::string();
  });
  EXPECT_EQ(status.error, f.accountrc +
                              ": verification failed: smtp_port reads 25, planned 587; the "
                              "original files were put back");
  EXPECT_FALSE(transaction.committed());
  f.expect_all_old();
}

TEST(FileTransaction, ReadBackIsComparedWithTheBytesWrittenBeforeTheVerifier) {
  Fixture f;
  RealFileSystem fs;
  FileTransaction transaction(fs, f.options());
  ASSERT_TRUE(f.stage_all(transaction));
  std::vector<std::pair<std::string, std::string>> seen;
  ASSERT_TRUE(transaction.commit([&](const std::string& path, const std::string& bytes) {
    seen.emplace_back(path, bytes);
    return std::string();
  }));
  EXPECT_EQ(seen,
            (std::vector<std::pair<std::string, std::string>>{
                {f.prefs, kPrefsNew}, {f.accountrc, kAccountrcNew}, {f.created, kCreatedNew}}));
}

TEST(FileTransaction, FileChangedBetweenReadAndCommitIsRefusedAndNothingIsWritten) {
  Fixture f;
  RealFileSystem fs;
  FileTransaction transaction(fs, f.options());
  ASSERT_TRUE(f.stage_all(transaction));
  // Thunderbird saves prefs.js between mailmig's read and its commit.
  const std::string saved_by_client = "user_pref(\"mail.server.server1.port\", 143);\r\n";
  write_whole_file(f.accountrc, saved_by_client, 0600);
  const IoStatus status = transaction.commit(accept_all);
  EXPECT_EQ(status.error, f.accountrc +
                              ": refused: the file changed since mailmig read it; nothing in "
                              "this profile was written; run mailmig again");
  EXPECT_EQ(read_whole_file(f.prefs), kPrefsOld);
  EXPECT_EQ(read_whole_file(f.accountrc), saved_by_client);
  EXPECT_FALSE(path_exists(f.created));
  EXPECT_FALSE(path_exists(f.backups));
  EXPECT_THAT(temp_files_in(f.profile), IsEmpty());
}

TEST(FileTransaction, FileThatDiffersFromWhatTheParserReadIsRefusedWhenStaged) {
  Fixture f;
  RealFileSystem fs;
  FileTransaction transaction(fs, f.options());
  const IoStatus status = transaction.stage(f.prefs, "something else", kPrefsNew, false);
  EXPECT_EQ(status.error,
            f.prefs + ": refused: the file changed since mailmig read it; run mailmig again");
  EXPECT_EQ(read_whole_file(f.prefs), kPrefsOld);
}

TEST(FileTransaction, CreatedFileThatAppearedMeanwhileIsRefused) {
  Fixture f;
  RealFileSystem fs;
  FileTransaction transaction(fs, f.options());
  ASSERT_TRUE(f.stage_all(transaction));
  write_whole_file(f.created, "{}", 0600);
  const IoStatus status = transaction.commit(accept_all);
  EXPECT_EQ(status.error,
            f.created + ": refused: mailmig was to create this file, but it exists now");
  EXPECT_EQ(read_whole_file(f.created), "{}");
  EXPECT_EQ(read_whole_file(f.prefs), kPrefsOld);
}

TEST(FileTransaction, SymlinkPointingOutsideTheProfileIsRefused) {
  Fixture f;
  const std::string outside = f.root / "elsewhere.js";
  write_whole_file(outside, kPrefsOld, 0644);
  const std::string link = f.profile + "/user.js";
  ASSERT_EQ(::symlink(outside.c_str(), link.c_str()), 0);
  RealFileSystem fs;
  FileTransaction transaction(fs, f.options());
  const IoStatus status = transaction.stage(link, kPrefsOld, kPrefsNew, false);
  const PathResult real_profile = fs.real_path(f.profile);
  const PathResult real_outside = fs.real_path(outside);
  EXPECT_EQ(status.error, link + ": refused: it leads to " + real_outside.path +
                              ", outside the profile folder " + real_profile.path +
                              "; mailmig never writes through a link out of a profile");
  EXPECT_EQ(read_whole_file(outside), kPrefsOld);
  EXPECT_EQ(file_mode(outside), 0644u);
}

TEST(FileTransaction, SymlinkInsideTheProfileIsWrittenThroughAndStaysALink) {
  Fixture f;
  const std::string link = f.profile + "/prefs-link.js";
  ASSERT_EQ(::symlink("prefs.js", link.c_str()), 0);
  RealFileSystem fs;
  FileTransaction transaction(fs, f.options());
  ASSERT_TRUE(transaction.stage(link, kPrefsOld, kPrefsNew, false));
  std::string verified_path;
  ASSERT_TRUE(transaction.commit([&](const std::string& path, const std::string&) {
    verified_path = path;
    return std::string();
  }));
  EXPECT_EQ(verified_path, link);  // the caller's path, not the link's target
  EXPECT_EQ(transaction.files()[0].target, fs.real_path(f.prefs).path);
  struct stat info {};
  ASSERT_EQ(::lstat(link.c_str(), &info), 0);
  EXPECT_TRUE(S_ISLNK(info.st_mode));
  EXPECT_EQ(read_whole_file(f.prefs), kPrefsNew);
  EXPECT_EQ(file_mode(f.prefs), 0640u);
}

TEST(FileTransaction, DestructorWithoutCommitLeavesEverythingAsItWas) {
  Fixture f;
  RealFileSystem fs;
  {
    FileTransaction transaction(fs, f.options());
    ASSERT_TRUE(f.stage_all(transaction));
  }
  f.expect_all_old();
  EXPECT_FALSE(path_exists(f.backups));
}

TEST(FileTransaction, DestructorRollsBackWhenCommitIsLeftByAnException) {
  Fixture f;
  RealFileSystem fs;
  bool files_were_new_when_thrown = false;
  try {
    FileTransaction transaction(fs, f.options());
    ASSERT_TRUE(f.stage_all(transaction));
    transaction.commit([&](const std::string&, const std::string&) -> std::string {
      files_were_new_when_thrown =
          read_whole_file(f.prefs) == kPrefsNew && read_whole_file(f.accountrc) == kAccountrcNew;
      throw std::runtime_error("re-parse crashed");
    });
    FAIL() << "the verifier's exception did not leave commit()";
  } catch (const std::runtime_error& error) {
    EXPECT_STREQ(error.what(), "re-parse crashed");
  }
  EXPECT_TRUE(files_were_new_when_thrown);
  f.expect_all_old();
}

// A document whose edits are given as its new bytes.
class EditedBytes final : public LosslessDocument {
 public:
  EditedBytes(std::string original, std::string current)
      : original_(std::move(original)), current_(std::move(current)) {}
  std::string original() const override { return original_; }
  bool changed() const override { return current_ != original_; }
  std::string serialize() const override { return current_; }

 private:
  std::string original_;
  std::string current_;
};

TEST(FileTransaction, ProfileFileOverloadStagesOnlyChangedFiles) {
  Fixture f;
  RealFileSystem fs;
  FileTransaction transaction(fs, f.options());
  const EditedBytes prefs(kPrefsOld, kPrefsNew);
  const EditedBytes accountrc(kAccountrcOld, kAccountrcOld);
  ASSERT_TRUE(transaction.stage(ProfileFile{f.prefs, &prefs, false}));
  ASSERT_TRUE(transaction.stage(ProfileFile{f.accountrc, &accountrc, false}));
  ASSERT_TRUE(transaction.commit(accept_all));
  ASSERT_EQ(transaction.files().size(), 1u);
  EXPECT_EQ(read_whole_file(f.prefs), kPrefsNew);
  EXPECT_EQ(read_whole_file(f.accountrc), kAccountrcOld);
}

// Counts the calls a successful commit makes, then fails each call of each kind in turn.
TEST(FileTransaction, EveryInjectedFailureLeavesEveryFileOldAndNoTemporaryFile) {
  std::map<Operation, int> calls;
  {
    Fixture f;
    RealFileSystem real;
    FaultInjectingFileSystem counting(real);
    FileTransaction transaction(counting, f.options());
    ASSERT_TRUE(f.stage_all(transaction));
    ASSERT_TRUE(transaction.commit(accept_all));
    for (Operation op : {Operation::CreateTemp, Operation::CreateNew, Operation::Write,
                         Operation::FsyncFile, Operation::Close, Operation::Rename,
                         Operation::FsyncFolder, Operation::ChangeMode, Operation::MakeFolders,
                         Operation::OpenFolder}) {
      calls[op] = counting.count(op);
    }
  }
  EXPECT_EQ(calls[Operation::Rename], 3);
  EXPECT_EQ(calls[Operation::Write], 5);  // two backups, three temporary files
  EXPECT_GE(calls[Operation::FsyncFile], 5);
  EXPECT_GE(calls[Operation::FsyncFolder], 3);

  int failures_checked = 0;
  for (const auto& [op, count] : calls) {
    for (int n = 1; n <= count; ++n) {
      SCOPED_TRACE(std::string(testing::operation_name(op)) + " #" + std::to_string(n));
      Fixture f;
      RealFileSystem real;
      FaultInjectingFileSystem faulty(real);
      faulty.fail_nth(op, n, EIO);
      FileTransaction transaction(faulty, f.options());
      ASSERT_TRUE(f.stage_all(transaction));
      const IoStatus status = transaction.commit(accept_all);
      EXPECT_THAT(status.error, HasSubstr("failed: Input/output error"));
      f.expect_all_old();
      ++failures_checked;
    }
  }
  EXPECT_GT(failures_checked, 20);
}

TEST(FileTransaction, RenameFailureNamesTheFileAndTheOperation) {
  Fixture f;
  RealFileSystem real;
  FaultInjectingFileSystem faulty(real);
  faulty.fail_nth(Operation::Rename, 2, ENOSPC);
  FileTransaction transaction(faulty, f.options());
  ASSERT_TRUE(f.stage_all(transaction));
  const IoStatus status = transaction.commit(accept_all);
  EXPECT_EQ(status.error, f.accountrc +
                              ": rename failed: No space left on device; the original files "
                              "were put back");
  f.expect_all_old();
}

TEST(FileTransaction, DiskFullAtAnyByteLeavesTheProfileOld) {
  const std::size_t total = kPrefsOld.size() + kAccountrcOld.size() + kPrefsNew.size() +
                            kAccountrcNew.size() + kCreatedNew.size();
  for (std::size_t budget = 0; budget < total; budget += 7) {
    SCOPED_TRACE("disk full after " + std::to_string(budget) + " bytes");
    Fixture f;
    RealFileSystem real;
    FaultInjectingFileSystem faulty(real);
    faulty.disk_full_after(budget);
    FileTransaction transaction(faulty, f.options());
    ASSERT_TRUE(f.stage_all(transaction));
    const IoStatus status = transaction.commit(accept_all);
    EXPECT_THAT(status.error, HasSubstr(": write failed: No space left on device"));
    f.expect_all_old();
  }
  Fixture f;
  RealFileSystem real;
  FaultInjectingFileSystem faulty(real);
  faulty.disk_full_after(total);
  FileTransaction transaction(faulty, f.options());
  ASSERT_TRUE(f.stage_all(transaction));
  ASSERT_TRUE(transaction.commit(accept_all));
  f.expect_all_new();
}

// A real "disk full": a file-size limit makes the kernel refuse the large new content.
TEST(FileTransaction, RealFileSizeLimitInAChildLeavesTheProfileOld) {
  Fixture f;
  const std::string large(10000, 'x');
  int pipe_fds[2];
  ASSERT_EQ(::pipe(pipe_fds), 0);
  const pid_t child = ::fork();
  ASSERT_GE(child, 0);
  if (child == 0) {
    ::close(pipe_fds[0]);
    ::signal(SIGXFSZ, SIG_IGN);
    const rlimit limit{4096, 4096};
    ::setrlimit(RLIMIT_FSIZE, &limit);
    RealFileSystem fs;
    FileTransaction transaction(fs, f.options());
    IoStatus status = transaction.stage(f.prefs, kPrefsOld, large, false);
    if (status) status = transaction.stage(f.accountrc, kAccountrcOld, kAccountrcNew, false);
    if (status) status = transaction.commit(accept_all);
    const std::string report = status ? "committed" : status.error;
    [[maybe_unused]] const ssize_t written = ::write(pipe_fds[1], report.data(), report.size());
    ::_exit(0);
  }
  ::close(pipe_fds[1]);
  std::string report;
  char buffer[512];
  ssize_t n;
  while ((n = ::read(pipe_fds[0], buffer, sizeof buffer)) > 0) {
    report.append(buffer, static_cast<std::size_t>(n));
  }
  ::close(pipe_fds[0]);
  int wait_status = 0;
  ASSERT_EQ(::waitpid(child, &wait_status, 0), child);
  ASSERT_TRUE(WIFEXITED(wait_status));
  EXPECT_THAT(report, HasSubstr(": write failed: File too large"));
  EXPECT_THAT(report, ::testing::StartsWith(f.profile + "/.prefs.js.mailmig-tmp-"));
  EXPECT_EQ(read_whole_file(f.prefs), kPrefsOld);
  EXPECT_EQ(read_whole_file(f.accountrc), kAccountrcOld);
  EXPECT_THAT(temp_files_in(f.profile), IsEmpty());
}

TEST(FileTransaction, LeftoverTemporaryFilesAreRemovedOnlyForTheNamedFiles) {
  TempFolder folder;
  write_whole_file(folder / ".prefs.js.mailmig-tmp-0123abcd", "half", 0600);
  write_whole_file(folder / ".other.reg.mailmig-tmp-89abcdef", "another profile's", 0600);
  write_whole_file(folder / "prefs.js", kPrefsOld, 0600);
  RealFileSystem fs;
  EXPECT_EQ(remove_leftover_temp_files(fs, folder.path(), {"prefs.js"}),
            std::vector<std::string>{folder / ".prefs.js.mailmig-tmp-0123abcd"});
  EXPECT_EQ(temp_files_in(folder.path()),
            std::vector<std::string>{".other.reg.mailmig-tmp-89abcdef"});
  EXPECT_EQ(remove_leftover_temp_files(fs, folder.path(), {}),
            std::vector<std::string>{folder / ".other.reg.mailmig-tmp-89abcdef"});
  EXPECT_EQ(read_whole_file(folder / "prefs.js"), kPrefsOld);
}

}  // namespace
}  // namespace mailmig
