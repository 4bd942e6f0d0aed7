// A user who owns a profile folder swaps names in it while root writes it: the temporary file for
// a symlink to a file of root's, or the whole folder for a symlink to a root-only folder. Nothing
// outside the profile may change, and success is reported only for a write that landed in the
// folder that was checked. First driven through the FileSystem seam, then raced for real.
#include <fcntl.h>
#include <gmock/gmock.h>
#include <grp.h>
#include <gtest/gtest.h>
#include <poll.h>
#include <pwd.h>
#include <signal.h>
#include <sys/inotify.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cstdlib>
#include <filesystem>

#include "src/io/file_transaction.h"
#include "tests/io/io_test_support.h"

namespace mailmig {
namespace {

using testing::file_mode;
using ::testing::HasSubstr;
using ::testing::IsEmpty;
using testing::path_exists;
using testing::read_whole_file;
using testing::temp_files_in;
using testing::TempFolder;
using testing::write_whole_file;

const std::string kOld = "[Account: 1]\nsmtp_port=25\n";
const std::string kNew = "[Account: 1]\nsmtp_port=587\n";
const std::string kSecret = "root:secret\n";
const std::string kProgram = "#!/bin/sh\necho root\n";

std::string accept_all(const std::string&, const std::string&) { return {}; }

struct FileFacts {
  unsigned mode = 0;
  unsigned uid = 0;
  unsigned gid = 0;
  std::string bytes;
  bool operator==(const FileFacts& other) const {
    return mode == other.mode && uid == other.uid && gid == other.gid && bytes == other.bytes;
  }
};

FileFacts facts_of(const std::string& path) {
  struct stat info {};
  EXPECT_EQ(::lstat(path.c_str(), &info), 0) << path;
  return {static_cast<unsigned>(info.st_mode & 07777), info.st_uid, info.st_gid,
          read_whole_file(path)};
}

std::vector<std::string> names_in(const std::string& folder) {
  std::vector<std::string> names;
  for (const auto& entry : std::filesystem::directory_iterator(folder)) {
    names.push_back(entry.path().filename().string());
  }
  return names;
}

// Root's files the attacker aims at: a secret (0600), a program (0755) and a root-only folder;
// and the attacker's profile, .sylpheed-2.0/accountrc, in a home of its own.
struct Scene {
  TempFolder root;
  std::string victims = root / "victims";
  std::string secret = victims + "/secret";
  std::string program = victims + "/program";
  std::string root_only = root / "root-only";
  std::string home = root / "home";
  std::string profile = home + "/.sylpheed-2.0";
  std::string moved_profile = home + "/.sylpheed-2.0.moved";
  std::string accountrc = profile + "/accountrc";
  unsigned profile_file_mode;
  FileFacts secret_before;
  FileFacts program_before;

  explicit Scene(unsigned mode = 0644) : profile_file_mode(mode) {
    ::chmod(root.path().c_str(), 0755);
    ::mkdir(victims.c_str(), 0755);
    write_whole_file(secret, kSecret, 0600);
    write_whole_file(program, kProgram, 0755);
    ::mkdir(root_only.c_str(), 0700);
    ::mkdir(home.c_str(), 0755);
    ::mkdir(profile.c_str(), 0755);
    write_whole_file(accountrc, kOld, profile_file_mode);
    secret_before = facts_of(secret);
    program_before = facts_of(program);
  }

  void give_home_to(uid_t uid, gid_t gid) const {
    for (const std::string& path : {home, profile, accountrc}) {
      EXPECT_EQ(::chown(path.c_str(), uid, gid), 0) << path;
    }
    // chown cleared the setuid and setgid bits; the user sets them again on their own file.
    EXPECT_EQ(::chmod(accountrc.c_str(), profile_file_mode), 0);
  }

  // The user's move: the profile folder renamed away, a symlink to root's folder in its place.
  void swap_profile_folder() const {
    ASSERT_EQ(::rename(profile.c_str(), moved_profile.c_str()), 0);
    ASSERT_EQ(::symlink(root_only.c_str(), profile.c_str()), 0);
  }

  void expect_no_victim_touched() const {
    EXPECT_EQ(facts_of(secret), secret_before) << "the secret was changed";
    EXPECT_EQ(facts_of(program), program_before) << "the program was changed";
    EXPECT_THAT(names_in(root_only), IsEmpty()) << "a file appeared in the root-only folder";
  }

  TransactionOptions options() const {
    return {profile, root / "state/backups/run-1", nullptr, {}, {}};
  }
};

// Right after the Nth temporary file is created, replaces its name by a symlink to `victim`:
// what a user watching the folder with inotify does.
class TempToSymlinkFileSystem : public RealFileSystem {
 public:
  TempToSymlinkFileSystem(std::string victim, int at) : victim_(std::move(victim)), at_(at) {}
  OpenedFile create_temp_file(const OpenedFolder& folder, const std::string& base_name) override {
    OpenedFile file = RealFileSystem::create_temp_file(folder, base_name);
    if (file && ++created_ == at_) {
      EXPECT_EQ(::unlinkat(folder.fd(), file.name.c_str(), 0), 0);
      EXPECT_EQ(::symlinkat(victim_.c_str(), folder.fd(), file.name.c_str()), 0);
    }
    return file;
  }

 private:
  std::string victim_;
  int at_;
  int created_ = 0;
};

TEST(SwapRace, ATemporaryFileSwappedForASymlinkChangesNeitherTheTargetNorTheProfile) {
  // The user's file is setuid and world-writable, so a mode copied through the link would show.
  for (const bool aim_at_program : {false, true}) {
    SCOPED_TRACE(aim_at_program ? "the program" : "the secret");
    Scene scene(06777);
    TempToSymlinkFileSystem fs(aim_at_program ? scene.program : scene.secret, 1);
    FileTransaction transaction(fs, scene.options());
    ASSERT_TRUE(transaction.stage(scene.accountrc, kOld, kNew, false));
    const IoStatus status = transaction.commit(accept_all);
    // Refused before the rename: the name no longer holds the file written.
    EXPECT_THAT(status.error, HasSubstr("the temporary file was swapped while mailmig wrote it"));
    scene.expect_no_victim_touched();
    EXPECT_EQ(facts_of(scene.accountrc).bytes, kOld);
    EXPECT_EQ(file_mode(scene.accountrc), 06777u);
    EXPECT_THAT(temp_files_in(scene.profile), IsEmpty());
  }
}

TEST(SwapRace, ATemporaryFileSwappedWhilePuttingTheOriginalBackChangesNoTarget) {
  // The first temporary file is written and renamed; a failing verifier makes the transaction put
  // the original back, and that second temporary file is the one swapped.
  Scene scene(0644);
  TempToSymlinkFileSystem fs(scene.secret, 2);
  FileTransaction transaction(fs, scene.options());
  ASSERT_TRUE(transaction.stage(scene.accountrc, kOld, kNew, false));
  const IoStatus status =
      transaction.commit([](const std::string&, const std::string&) { return "planned 995"; });
  EXPECT_THAT(status.error, HasSubstr("the temporary file was swapped while mailmig wrote it"));
  scene.expect_no_victim_touched();
  // The original could not be put back, but accountrc is still a file of the user's, not a link.
  EXPECT_EQ(testing::file_mode(scene.accountrc), 0644u);
  struct stat info {};
  ASSERT_EQ(::lstat(scene.accountrc.c_str(), &info), 0);
  EXPECT_TRUE(S_ISREG(info.st_mode));
}

// Swaps the profile folder for a symlink to the root-only folder at one step of the commit.
class FolderSwappingFileSystem : public RealFileSystem {
 public:
  enum class When { BeforeTemporaryFile, BeforeRename };
  FolderSwappingFileSystem(const Scene& scene, When when) : scene_(scene), when_(when) {}
  OpenedFile create_temp_file(const OpenedFolder& folder, const std::string& base_name) override {
    if (when_ == When::BeforeTemporaryFile) swap_once();
    return RealFileSystem::create_temp_file(folder, base_name);
  }
  IoStatus rename_in(const OpenedFolder& folder, const std::string& from,
                     const std::string& to) override {
    if (when_ == When::BeforeRename) swap_once();
    return RealFileSystem::rename_in(folder, from, to);
  }

 private:
  void swap_once() {
    if (swapped_) return;
    swapped_ = true;
    scene_.swap_profile_folder();
  }
  const Scene& scene_;
  When when_;
  bool swapped_ = false;
};

TEST(SwapRace, AProfileFolderSwappedAfterTheCheckStillGetsTheWriteAndNoOtherFolderDoes) {
  // The folder handle opened and checked at the start of the commit is the folder written: the
  // write lands in the original folder (now under its new name), never in the folder the link
  // points to, and the verifier reads it back through the same handle, so its success is true.
  for (const auto when : {FolderSwappingFileSystem::When::BeforeTemporaryFile,
                          FolderSwappingFileSystem::When::BeforeRename}) {
    SCOPED_TRACE(when == FolderSwappingFileSystem::When::BeforeRename ? "before the rename"
                                                                      : "before the temp file");
    Scene scene;
    FolderSwappingFileSystem fs(scene, when);
    FileTransaction transaction(fs, scene.options());
    ASSERT_TRUE(transaction.stage(scene.accountrc, kOld, kNew, false));
    std::string verified;
    const IoStatus status = transaction.commit([&](const std::string&, const std::string& bytes) {
      verified = bytes;
      return std::string();
    });
    EXPECT_TRUE(status) << status.error;
    scene.expect_no_victim_touched();
    EXPECT_EQ(verified, kNew);
    EXPECT_EQ(read_whole_file(scene.moved_profile + "/accountrc"), kNew);
    EXPECT_EQ(file_mode(scene.moved_profile + "/accountrc"), 0644u);
    EXPECT_THAT(temp_files_in(scene.moved_profile), IsEmpty());
  }
}

TEST(SwapRace, AProfileFolderSwappedBeforeTheCommitIsRefused) {
  // Between staging and commit: the folder opened is not the folder staged, so nothing is written.
  Scene scene;
  RealFileSystem fs;
  FileTransaction transaction(fs, scene.options());
  ASSERT_TRUE(transaction.stage(scene.accountrc, kOld, kNew, false));
  scene.swap_profile_folder();
  const IoStatus status = transaction.commit(accept_all);
  EXPECT_THAT(status.error, HasSubstr("its folder was replaced since mailmig read it"));
  scene.expect_no_victim_touched();
  EXPECT_EQ(read_whole_file(scene.moved_profile + "/accountrc"), kOld);
}

TEST(SwapRace, PuttingAnOriginalBackRefusesAFolderSwappedForAnotherUsersLink) {
  // How rollback and recovery restore a file: by the real path the journal recorded. The user
  // swapped a folder on that path for a link to a root-only folder; it is not followed.
  Scene scene;
  scene.swap_profile_folder();
  const uid_t someone = ::geteuid() == 65534 ? 65533 : 65534;
  if (::lchown(scene.profile.c_str(), someone, someone) != 0) {
    GTEST_SKIP() << "needs root to give a link away";
  }
  RealFileSystem fs;
  FileStatus keep;
  keep.mode = 0644;
  keep.uid = ::geteuid();
  keep.gid = ::getegid();
  const IoStatus status = replace_file_atomically(fs, scene.accountrc, kNew, keep);
  EXPECT_THAT(status.error,
              HasSubstr(scene.profile + ": refused: a symlink that belongs to another user"));
  EXPECT_FALSE(remove_file(fs, scene.accountrc));
  scene.expect_no_victim_touched();
  EXPECT_EQ(read_whole_file(scene.moved_profile + "/accountrc"), kOld);
}

TEST(SwapRace, ASetuidSetgidOrStickyBitIsNeverCopiedOntoTheNewFile) {
  for (const unsigned mode : {04755u, 02755u, 01755u, 07777u}) {
    SCOPED_TRACE(std::to_string(mode));
    Scene scene(mode);
    ASSERT_EQ(file_mode(scene.accountrc), mode);  // root may set them all
    RealFileSystem fs;
    FileTransaction transaction(fs, scene.options());
    ASSERT_TRUE(transaction.stage(scene.accountrc, kOld, kNew, false));
    ASSERT_TRUE(transaction.commit(accept_all));
    EXPECT_EQ(read_whole_file(scene.accountrc), kNew);
    EXPECT_EQ(file_mode(scene.accountrc), mode & 0777u);
  }
}

TEST(SwapRace, MakeFoldersRefusesAnotherUsersSymlinkOnTheWay) {
  TempFolder root;
  const std::string elsewhere = root / "elsewhere";
  const std::string link = root / "state";
  ASSERT_EQ(::mkdir(elsewhere.c_str(), 0700), 0);
  ASSERT_EQ(::symlink(elsewhere.c_str(), link.c_str()), 0);
  // A link that belongs to neither root nor the user running: as made by the home's owner.
  const uid_t someone = ::geteuid() == 65534 ? 65533 : 65534;
  if (::lchown(link.c_str(), someone, someone) != 0)
    GTEST_SKIP() << "needs root to give a link away";
  RealFileSystem fs;
  const IoStatus status = fs.make_folders(link + "/mailmig/backups", 0700);
  EXPECT_THAT(status.error, HasSubstr(link + ": refused: a symlink that belongs to another user"));
  EXPECT_THAT(names_in(elsewhere), IsEmpty());
  EXPECT_THAT(fs.open_folder(link).error(), HasSubstr("refused: a symlink"));

  // root's own link (like /home -> /var/home) and a plain folder are followed as always.
  ASSERT_EQ(::lchown(link.c_str(), ::geteuid(), ::getegid()), 0);
  EXPECT_TRUE(fs.make_folders(link + "/mailmig/backups", 0700));
  EXPECT_TRUE(path_exists(elsewhere + "/mailmig/backups"));
}

TEST(SwapRace, MakeFoldersNeedsOnlyTheRightToSearchTheFoldersOnTheWay) {
  // Like a path lookup: a user may create below a folder they can search but not list (0711).
  if (::geteuid() != 0) GTEST_SKIP() << "needs root to act as another user";
  TempFolder root;
  const std::string own = root / "search-only/own";
  ASSERT_EQ(::chmod(root.path().c_str(), 0711), 0);
  ASSERT_EQ(::mkdir((root / "search-only").c_str(), 0711), 0);
  ASSERT_EQ(::mkdir(own.c_str(), 0700), 0);
  ASSERT_EQ(::chown(own.c_str(), 65534, 65534), 0);
  const pid_t child = ::fork();
  ASSERT_GE(child, 0);
  if (child == 0) {
    if (::setgroups(0, nullptr) != 0 || ::setgid(65534) != 0 || ::setuid(65534) != 0) ::_exit(10);
    RealFileSystem fs;
    ::_exit(fs.make_folders(own + "/state/mailmig", 0700) && fs.open_folder(own) ? 0 : 1);
  }
  int status = 0;
  ASSERT_EQ(::waitpid(child, &status, 0), child);
  ASSERT_TRUE(WIFEXITED(status));
  EXPECT_EQ(WEXITSTATUS(status), 0);
  EXPECT_TRUE(path_exists(own + "/state/mailmig"));
}

// A throw-away account for the attacker, removed when the test ends.
class ThrowawayUser {
 public:
  ThrowawayUser() : name_("mmrace" + std::to_string(::getpid())) {
    const std::string add =
        "useradd --no-create-home --shell /usr/sbin/nologin " + name_ + " >/dev/null 2>&1";
    if (std::system(add.c_str()) != 0) return;
    if (const passwd* entry = ::getpwnam(name_.c_str())) {
      uid_ = entry->pw_uid;
      gid_ = entry->pw_gid;
      created_ = true;
    }
  }
  ~ThrowawayUser() {
    // Best effort: a user left behind costs a passwd line, not a wrong result.
    if (created_ && std::system(("userdel " + name_ + " >/dev/null 2>&1").c_str()) != 0) return;
  }
  ThrowawayUser(const ThrowawayUser&) = delete;
  ThrowawayUser& operator=(const ThrowawayUser&) = delete;

  bool created() const { return created_; }
  uid_t uid() const { return uid_; }
  gid_t gid() const { return gid_; }

 private:
  std::string name_;
  uid_t uid_ = 0;
  gid_t gid_ = 0;
  bool created_ = false;
};

// The attacker, in a child running as `user`: watches the profile folder and, the moment a
// temporary file appears, swaps it for a symlink to `victim` (or swaps the whole folder for a
// link to the root-only folder), over and over until killed. Writes one byte to `ready` first.
[[noreturn]] void race_as(const ThrowawayUser& user, const Scene& scene, const std::string& victim,
                          bool swap_folder, int ready) {
  if (::setgroups(0, nullptr) != 0 || ::setgid(user.gid()) != 0 || ::setuid(user.uid()) != 0) {
    ::_exit(10);
  }
  const int watch = ::inotify_init1(IN_CLOEXEC);
  if (watch < 0 || ::inotify_add_watch(watch, scene.profile.c_str(), IN_CREATE) < 0) ::_exit(11);
  if (::write(ready, "r", 1) != 1) ::_exit(12);
  alignas(inotify_event) char buffer[4096];
  bool folder_swapped = false;
  while (true) {
    const ssize_t n = ::read(watch, buffer, sizeof buffer);
    if (n <= 0) continue;
    for (ssize_t at = 0; at < n;) {
      const auto* event = reinterpret_cast<const inotify_event*>(buffer + at);
      at += static_cast<ssize_t>(sizeof(inotify_event) + event->len);
      if (event->len == 0) continue;
      const std::string name = event->name;
      if (name.find(kTempFileMarker) == std::string::npos) continue;
      if (swap_folder) {
        if (!folder_swapped && ::rename(scene.profile.c_str(), scene.moved_profile.c_str()) == 0) {
          folder_swapped = ::symlink(scene.root_only.c_str(), scene.profile.c_str()) == 0;
        }
      } else {
        // The watch follows the folder itself, so the folder's current name is the one to use.
        const std::string temp =
            (folder_swapped ? scene.moved_profile : scene.profile) + "/" + name;
        ::unlink(temp.c_str());
        // A lost race (the writer got there first) is the outcome the test wants: try again.
        if (::symlink(victim.c_str(), temp.c_str()) != 0) continue;
      }
    }
  }
}

TEST(SwapRace, TwentyRoundsAgainstARealAttackerChangeNoFileOfRoots) {
  if (::geteuid() != 0) GTEST_SKIP() << "needs root to create the attacker's account";
  ThrowawayUser attacker;
  if (!attacker.created()) GTEST_SKIP() << "useradd is not available";
  int refused = 0;
  for (int round = 0; round < 20; ++round) {
    SCOPED_TRACE("round " + std::to_string(round));
    // The user's file is setuid and world-writable, so a mode copied through a link would show.
    Scene scene(06777);
    scene.give_home_to(attacker.uid(), attacker.gid());
    const bool swap_folder = round % 4 == 3;
    const std::string& victim = round % 2 == 0 ? scene.secret : scene.program;
    int ready[2];
    ASSERT_EQ(::pipe(ready), 0);
    const pid_t child = ::fork();
    ASSERT_GE(child, 0);
    if (child == 0) race_as(attacker, scene, victim, swap_folder, ready[1]);
    ::close(ready[1]);
    char byte = 0;
    ASSERT_EQ(::read(ready[0], &byte, 1), 1) << "the attacker did not start";
    ::close(ready[0]);

    RealFileSystem fs;
    FileTransaction transaction(fs, scene.options());
    ASSERT_TRUE(transaction.stage(scene.accountrc, kOld, kNew, false));
    const IoStatus status = transaction.commit(accept_all);
    ::kill(child, SIGKILL);
    ASSERT_EQ(::waitpid(child, nullptr, 0), child);

    scene.expect_no_victim_touched();
    if (!status) ++refused;
    // A write reported done is there: the user's file, the new bytes, no setuid or setgid bit.
    // A refused one may leave the attacker's own symlink as accountrc (renamed into place in the
    // instant between the check and the rename): a link the user could have made anyway, which
    // mailmig refuses to write through.
    if (status) {
      const std::string folder =
          path_exists(scene.moved_profile) ? scene.moved_profile : scene.profile;
      struct stat info {};
      ASSERT_EQ(::lstat((folder + "/accountrc").c_str(), &info), 0);
      EXPECT_TRUE(S_ISREG(info.st_mode));
      EXPECT_EQ(read_whole_file(folder + "/accountrc"), kNew);
      EXPECT_EQ(info.st_mode & 07777, 0777u);
      EXPECT_EQ(info.st_uid, attacker.uid());
    }
  }
  // Not asserted: how many rounds the attacker made the transaction refuse; harm is what counts.
  RecordProperty("refused_rounds", refused);
}

}  // namespace
}  // namespace mailmig
