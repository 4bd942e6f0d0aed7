// Root working on a home another user owns (`sudo mailmig apply --home /home/u`): mailmig must
// become that user before touching the home, so nothing the user plants there gives them any of
// root's rights. Each test runs the real binary as root with throw-away users, made with
// useradd and removed with userdel -r.
#include <grp.h>
#include <pwd.h>
#include <signal.h>
#include <sys/prctl.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <boost/filesystem.hpp>
#include <cerrno>
#include <chrono>
#include <cstdlib>
#include <cstring>
#include <functional>
#include <random>
#include <string>
#include <thread>
#include <vector>

#include "src/io/file_system.h"
#include "src/io/journal.h"
#include "src/report/report_summary.h"
#include "src/util/digest.h"
#include "tests/cli/cli_test_support.h"

namespace mailmig::cli_testing {
namespace {

namespace fs = boost::filesystem;

bool runs_command(const std::string& command) { return std::system(command.c_str()) == 0; }

// A user that exists for one test; its home is `home` (made here, owned by the user, 0700).
class ThrowawayUser {
 public:
  ThrowawayUser(const std::string& name, const std::string& home) : name_(name), home_(home) {
    // useradd fails while another one holds /etc/passwd's lock (other tests make users too).
    for (int attempt = 0; attempt < 20 && !created_; ++attempt) {
      if (attempt > 0) std::this_thread::sleep_for(std::chrono::milliseconds(100));
      created_ = runs_command("useradd -M -U -s /usr/sbin/nologin -d '" + home + "' " + name);
    }
    if (!created_) return;
    const passwd* entry = ::getpwnam(name.c_str());
    if (entry == nullptr) return;
    uid_ = entry->pw_uid;
    gid_ = entry->pw_gid;
    fs::create_directories(home);
    give(home);
    ::chmod(home.c_str(), 0700);
  }
  ~ThrowawayUser() {
    for (int attempt = 0; created_ && attempt < 20; ++attempt) {
      if (attempt > 0) std::this_thread::sleep_for(std::chrono::milliseconds(100));
      runs_command("userdel -r " + name_ + " >/dev/null 2>&1");
      created_ = ::getpwnam(name_.c_str()) != nullptr;
    }
  }
  ThrowawayUser(const ThrowawayUser&) = delete;
  ThrowawayUser& operator=(const ThrowawayUser&) = delete;

  bool ready() const { return created_ && uid_ != 0; }
  uid_t uid() const { return uid_; }
  gid_t gid() const { return gid_; }
  const std::string& name() const { return name_; }
  const std::string& home() const { return home_; }
  std::string path(const std::string& relative) const { return home_ + "/" + relative; }

  // Makes `path` and everything under it this user's, as if the user had made it.
  void give(const std::string& path) const {
    ASSERT_TRUE(runs_command("chown -R " + std::to_string(uid_) + ":" + std::to_string(gid_) +
                             " '" + path + "'"));
  }

 private:
  std::string name_;
  std::string home_;
  bool created_ = false;
  uid_t uid_ = 0;
  gid_t gid_ = 0;
};

std::string unique_user_name(const char* role) {
  static std::atomic<int> counter{0};
  return std::string("mm") + role + std::to_string(::getpid()) + "x" + std::to_string(counter++);
}

struct Owner {
  uid_t uid = 0;
  gid_t gid = 0;
  mode_t mode = 0;
};

Owner owner_of(const std::string& path) {
  struct stat status {};
  EXPECT_EQ(::lstat(path.c_str(), &status), 0) << path;
  return {status.st_uid, status.st_gid, status.st_mode & 07777};
}

// Every path under `folder` (itself included) whose owner is not uid:gid.
std::vector<std::string> not_owned_by(const std::string& folder, uid_t uid, gid_t gid) {
  std::vector<std::string> wrong;
  const auto check = [&](const fs::path& path) {
    const Owner owner = owner_of(path.string());
    if (owner.uid != uid || owner.gid != gid) {
      wrong.push_back(path.string() + " (" + std::to_string(owner.uid) + ":" +
                      std::to_string(owner.gid) + ")");
    }
  };
  check(folder);
  boost::system::error_code error;
  for (fs::recursive_directory_iterator it(folder, error);
       !error && it != fs::recursive_directory_iterator(); it.increment(error)) {
    check(it->path());
  }
  return wrong;
}

std::string joined(const std::vector<std::string>& lines) {
  std::string text;
  for (const std::string& line : lines) text += line + "\n";
  return text;
}

// Runs `work` in a child that has become uid:gid (no supplementary groups), as the user would
// run it: its exit code, or -signal.
int as_user(uid_t uid, gid_t gid, const std::function<bool()>& work) {
  const pid_t child = ::fork();
  if (child == 0) {
    if (::setgroups(0, nullptr) != 0 || ::setgid(gid) != 0 || ::setuid(uid) != 0) ::_exit(2);
    ::_exit(work() ? 0 : 1);
  }
  return wait_child(child);
}

// A folder only root may enter, holding a 0600 file of root's: what an attacker aims at.
struct RootOnlyFiles {
  explicit RootOnlyFiles(const std::string& folder_path) : folder(folder_path) {
    fs::create_directories(folder);
    ::chmod(folder.c_str(), 0700);
    write_file_bytes(secret, kSecretBytes);
    ::chmod(secret.c_str(), 0600);
    write_file_bytes(created, kCreatedBytes);
    ::chmod(created.c_str(), 0600);
  }

  // Byte for byte as made, still root's with its mode.
  void expect_untouched(const std::string& context) const {
    EXPECT_EQ(read_file_bytes(secret), kSecretBytes) << context;
    EXPECT_EQ(read_file_bytes(created), kCreatedBytes) << context;
    for (const std::string& path : {folder, secret, created}) {
      const Owner owner = owner_of(path);
      EXPECT_EQ(owner.uid, 0U) << path << ": " << context;
      EXPECT_EQ(owner.gid, 0U) << path << ": " << context;
      EXPECT_EQ(owner.mode, path == folder ? 0700U : 0600U) << path << ": " << context;
    }
  }

  static constexpr const char* kSecretBytes = "root:$6$secret:19000:0:99999:7:::\n";
  static constexpr const char* kCreatedBytes = "root's own file\n";
  std::string folder;
  std::string secret = folder + "/secret";
  std::string created = folder + "/created";
};

// Changes prefs.js, logins.json and accountrc: every seed organisation is in its scope.
const std::string kPolicy = "policies/tests/003-dti-every-seed-host.xml";

class RootOverHomeTest : public ::testing::Test {
 protected:
  void SetUp() override {
    if (::geteuid() != 0) GTEST_SKIP() << "needs root: these tests run mailmig as root";
    if (!runs_command("command -v useradd >/dev/null && command -v userdel >/dev/null")) {
      GTEST_SKIP() << "needs useradd and userdel to make throw-away users";
    }
    // The users must reach their homes and the build tree: a root folder everyone can cross.
    ::chmod(sandbox_.root().c_str(), 0755);
    ::chmod(sandbox_.tmp().c_str(), 01777);
    victim_ = std::make_unique<ThrowawayUser>(unique_user_name("v"), sandbox_.path("victim"));
    ASSERT_TRUE(victim_->ready()) << "useradd failed";
    options_.tmpdir = sandbox_.tmp();
  }

  RunOutput run_as_root(std::vector<std::string> args) {
    args.insert(args.end(), {"--home", victim_->home()});
    return run_mailmig(args, options_);
  }

  // The victim's own run, as at their login: no --home, HOME is theirs. The program is a copy
  // in the sandbox: mailmig looks for a policy beside itself, and the victim may not be able to
  // look into the build tree (a checkout under /root), which mailmig rightly refuses as a policy
  // it cannot read.
  RunOutput run_as_victim(const std::vector<std::string>& args) {
    const std::string program = sandbox_.path("bin/mailmig");
    if (!fs::exists(program)) {
      fs::create_directories(sandbox_.path("bin"));
      fs::copy_file(MAILMIG_EXE, program);
      ::chmod(sandbox_.path("bin").c_str(), 0755);
      ::chmod(program.c_str(), 0755);
    }
    RunOptions options = options_;
    options.executable = "/usr/bin/setpriv";
    options.home = victim_->home();
    std::vector<std::string> argv{"--reuid=" + std::to_string(victim_->uid()),
                                  "--regid=" + std::to_string(victim_->gid()), "--init-groups",
                                  "--", program};
    argv.insert(argv.end(), args.begin(), args.end());
    return run_mailmig(argv, options);
  }

  // A copy of the sample Linux home's Thunderbird profiles, the victim's.
  void give_victim_thunderbird() {
    sandbox_.copy_fixture("homes/linux/.thunderbird", "victim/.thunderbird");
    victim_->give(victim_->path(".thunderbird"));
  }

  std::string profile_file(const std::string& name) const {
    return victim_->path(".thunderbird/k3m9x2ab.default-release/" + name);
  }

  Sandbox sandbox_;
  RunOptions options_;
  std::unique_ptr<ThrowawayUser> victim_;
};

// Issue 13, item 4: victim's profiles.ini names other's profile by an absolute path.
TEST_F(RootOverHomeTest, ProfileThatProfilesIniPlacesInAnotherHomeIsReportedAndLeftAlone) {
  ThrowawayUser other(unique_user_name("o"), sandbox_.path("other"));
  ASSERT_TRUE(other.ready());
  sandbox_.copy_fixture("homes/linux/.thunderbird", "other/.thunderbird");
  other.give(other.home());
  // Readable by everyone, as many homes are: only the rule keeps mailmig out.
  ::chmod(other.home().c_str(), 0755);
  const std::string others_profile = other.path(".thunderbird/k3m9x2ab.default-release");
  fs::create_directories(victim_->path(".thunderbird"));
  write_file_bytes(victim_->path(".thunderbird/profiles.ini"),
                   "[Profile0]\nName=borrowed\nIsRelative=0\nPath=" + others_profile + "\n");
  victim_->give(victim_->path(".thunderbird"));
  const Snapshot before = snapshot(other.home());

  const RunOutput applied = run_as_root({"apply", "--format", "json"});

  EXPECT_EQ(snapshot(other.home()), before) << applied.out << applied.err;
  const nlohmann::json run = parse_json(applied.out);
  EXPECT_FALSE(findings_containing(run, others_profile).empty()) << applied.out;
}

// Issue 13, item 5: root's runs must not leave root-owned folders in the user's home.
TEST_F(RootOverHomeTest, FoldersMadeInTheHomeAreTheOwnersAndTheOwnersOwnRunsWork) {
  give_victim_thunderbird();
  ASSERT_FALSE(fs::exists(victim_->path(".local")));

  const RunOutput history = run_as_root({"history"});
  EXPECT_EQ(history.exit_code, 0) << history.err;
  const RunOutput plan = run_as_root({"plan"});
  EXPECT_EQ(plan.exit_code, 4) << plan.err;
  const RunOutput applied = run_as_root({"apply"});
  EXPECT_EQ(applied.exit_code, 0) << applied.err;

  ASSERT_TRUE(fs::is_directory(victim_->path(".local/state/mailmig")));
  EXPECT_EQ(joined(not_owned_by(victim_->home(), victim_->uid(), victim_->gid())), "");

  const RunOutput own_history = run_as_victim({"history"});
  EXPECT_EQ(own_history.exit_code, 0) << own_history.err;
  const RunOutput own_apply = run_as_victim({"apply"});
  EXPECT_EQ(own_apply.exit_code, 0) << own_apply.err;
  const RunOutput own_rollback = run_as_victim({"rollback"});
  EXPECT_EQ(own_rollback.exit_code, 0) << own_rollback.err;
}

// Issue 13, item 6: the state folder is a link to a folder only root may write.
TEST_F(RootOverHomeTest, StateFolderLinkedToARootOnlyFolderGetsNothing) {
  give_victim_thunderbird();
  const std::string root_only = sandbox_.path("root-only");
  fs::create_directories(root_only);
  ::chmod(root_only.c_str(), 0700);
  write_file_bytes(root_only + "/keep", "root's\n");
  fs::create_directories(victim_->path(".local/state"));
  fs::create_symlink(root_only, victim_->path(".local/state/mailmig"));
  victim_->give(victim_->path(".local"));
  const Snapshot before = snapshot(root_only);

  const RunOutput applied = run_as_root({"apply"});

  EXPECT_NE(applied.exit_code, 0) << applied.out;
  EXPECT_EQ(snapshot(root_only), before) << applied.out << applied.err;
  EXPECT_EQ(owner_of(root_only + "/keep").uid, 0U);
}

TEST_F(RootOverHomeTest, ProfileFilesStayTheOwnersWithTheirMode) {
  give_victim_thunderbird();
  ::chmod(profile_file("prefs.js").c_str(), 0640);
  ::chmod(profile_file("logins.json").c_str(), 0600);
  const std::string prefs_before = read_file_bytes(profile_file("prefs.js"));

  const RunOutput applied = run_as_root({"apply"});

  ASSERT_EQ(applied.exit_code, 0) << applied.err;
  ASSERT_NE(read_file_bytes(profile_file("prefs.js")), prefs_before) << "nothing was migrated";
  const Owner prefs = owner_of(profile_file("prefs.js"));
  EXPECT_EQ(prefs.uid, victim_->uid());
  EXPECT_EQ(prefs.gid, victim_->gid());
  EXPECT_EQ(prefs.mode, 0640U);
  const Owner logins = owner_of(profile_file("logins.json"));
  EXPECT_EQ(logins.uid, victim_->uid());
  EXPECT_EQ(logins.mode, 0600U);
  EXPECT_EQ(joined(not_owned_by(victim_->home(), victim_->uid(), victim_->gid())), "");
}

// What root names itself is written by root, outside the home, and holds the run.
TEST_F(RootOverHomeTest, LogAndReportNamedByRootAreWrittenByRoot) {
  give_victim_thunderbird();
  const std::string admin = sandbox_.path("admin");
  fs::create_directories(admin);
  ::chmod(admin.c_str(), 0700);
  const std::string log = admin + "/mailmig.log";
  const std::string report = admin + "/report.db";

  const RunOutput plan = run_as_root({"plan", "--log", log, "--report", report});
  EXPECT_EQ(plan.exit_code, 4) << plan.err;
  const RunOutput applied = run_as_root({"apply", "--log", log, "--report", report});
  ASSERT_EQ(applied.exit_code, 0) << applied.err;

  const std::string log_text = read_file_bytes(log);
  EXPECT_NE(log_text.find("command=plan"), std::string::npos) << log_text;
  EXPECT_NE(log_text.find("command=apply"), std::string::npos) << log_text;
  EXPECT_NE(log_text.find(victim_->path(".thunderbird")), std::string::npos) << log_text;
  EXPECT_EQ(owner_of(log).uid, 0U);
  EXPECT_EQ(owner_of(report).uid, 0U);
  const ReportSummaryResult summary = summarize_report(report);
  ASSERT_TRUE(summary) << summary.error;
  EXPECT_EQ(summary.summary.runs, 2U);
  EXPECT_GT(summary.summary.profiles, 0U);
  // The run itself was the victim's: its journal is theirs.
  EXPECT_EQ(owner_of(victim_->path(".local/state/mailmig/journal.sqlite")).uid, victim_->uid());
}

// pam_tmpdir gives root a TMPDIR only root can write: the run as the user still hands its log
// and report over.
TEST_F(RootOverHomeTest, LogAndReportAreWrittenWhenRootsTmpdirIsPrivate) {
  give_victim_thunderbird();
  const std::string private_tmp = sandbox_.path("root-tmp");
  fs::create_directories(private_tmp);
  ::chmod(private_tmp.c_str(), 0700);
  options_.tmpdir = private_tmp;
  const std::string log = sandbox_.path("mailmig.log");
  const std::string report = sandbox_.path("report.db");

  const RunOutput applied = run_as_root({"apply", "--log", log, "--report", report});

  ASSERT_EQ(applied.exit_code, 0) << applied.err;
  EXPECT_NE(read_file_bytes(log).find("command=apply"), std::string::npos);
  const ReportSummaryResult summary = summarize_report(report);
  ASSERT_TRUE(summary) << summary.error;
  EXPECT_EQ(summary.summary.runs, 1U);
}

TEST_F(RootOverHomeTest, LogOrReportInsideTheHomeIsRefused) {
  give_victim_thunderbird();
  const Snapshot before = snapshot(victim_->home());

  for (const char* option : {"--log", "--report"}) {
    // The owner could make either a link to a file of root's before root appends to it.
    const RunOutput applied = run_as_root({"apply", option, victim_->path("mailmig.out")});
    EXPECT_EQ(applied.exit_code, 2) << option << ": " << applied.err;
    EXPECT_NE(applied.err.find(option), std::string::npos) << applied.err;
    EXPECT_EQ(snapshot(victim_->home()), before) << option;
  }
}

TEST_F(RootOverHomeTest, LogOrReportThatIsALinkIsNotWrittenThrough) {
  give_victim_thunderbird();
  const std::string admin = sandbox_.path("admin");
  fs::create_directories(admin);
  const std::string target = admin + "/root-file";
  write_file_bytes(target, "root's bytes\n");
  fs::create_symlink(target, admin + "/mailmig.log");
  fs::create_symlink(target, admin + "/report.db");

  const RunOutput logged = run_as_root({"apply", "--log", admin + "/mailmig.log"});
  EXPECT_EQ(logged.exit_code, 1) << logged.err;
  EXPECT_NE(logged.err.find("cannot write the log"), std::string::npos) << logged.err;
  const RunOutput reported = run_as_root({"plan", "--report", admin + "/report.db"});
  EXPECT_EQ(reported.exit_code, 1) << reported.err;
  EXPECT_NE(reported.err.find("not a regular file"), std::string::npos) << reported.err;
  EXPECT_EQ(read_file_bytes(target), "root's bytes\n");
}

TEST_F(RootOverHomeTest, StateFolderOutsideTheHomeIsRefused) {
  give_victim_thunderbird();
  const Snapshot before = snapshot(victim_->home());

  const RunOutput applied = run_as_root({"apply", "--state-dir", sandbox_.state()});

  EXPECT_EQ(applied.exit_code, 2) << applied.err;
  EXPECT_NE(applied.err.find("--state-dir"), std::string::npos) << applied.err;
  EXPECT_EQ(snapshot(victim_->home()), before);
}

TEST_F(RootOverHomeTest, HomeWhoseOwnerIsUnknownIsRefused) {
  give_victim_thunderbird();
  uid_t unused = 59999;
  while (::getpwuid(unused) != nullptr) ++unused;
  ASSERT_TRUE(runs_command("chown -R " + std::to_string(unused) + " '" + victim_->home() + "'"));
  const Snapshot before = snapshot(victim_->home());

  const RunOutput applied = run_as_root({"apply"});

  EXPECT_EQ(applied.exit_code, 2) << applied.out;
  EXPECT_NE(applied.err.find(std::to_string(unused)), std::string::npos) << applied.err;
  EXPECT_EQ(snapshot(victim_->home()), before);
}

TEST_F(RootOverHomeTest, HomeThatIsASymlinkIsRefused) {
  give_victim_thunderbird();
  const std::string link = sandbox_.path("link-to-victim");
  fs::create_symlink(victim_->home(), link);
  const Snapshot before = snapshot(victim_->home());

  const RunOutput applied = run_mailmig({"apply", "--home", link}, options_);

  EXPECT_EQ(applied.exit_code, 2) << applied.out;
  EXPECT_EQ(snapshot(victim_->home()), before);
}

// The kill -9 loop of the safety tests, with root over the victim's home: killing root's
// mailmig at any instant leaves every file old or new, owned by the victim with its mode, and
// the next root run finishes the job.
TEST_F(RootOverHomeTest, KillNineOfRootsRunLeavesTheOwnersFilesOldOrNew) {
  const auto fill_home = [&] {
    fs::remove_all(victim_->home());
    sandbox_.copy_fixture("homes/linux", "victim");
    sandbox_.copy_fixture("homes/windows", "victim");
    victim_->give(victim_->home());
    ::chmod(victim_->home().c_str(), 0700);
    ::chmod(profile_file("prefs.js").c_str(), 0640);
  };
  // The profiles only: the state folder is in the home now, and its content is the journal's.
  const auto profiles = [&] {
    Snapshot files = snapshot(victim_->home());
    std::erase_if(files, [](const auto& file) {
      return file.first.starts_with(".local") ||
             file.first.find(".mailmig-tmp-") != file.first.npos;
    });
    return files;
  };
  const std::vector<std::string> args{"apply", "--policy", fixture_path("policies/001-keio.xml")};
  fill_home();
  const Snapshot old_state = profiles();
  const auto started = std::chrono::steady_clock::now();
  ASSERT_EQ(run_as_root(args).exit_code, 0);
  const auto duration = std::chrono::steady_clock::now() - started;
  const Snapshot new_state = profiles();
  ASSERT_NE(old_state, new_state);

  // The child doing the run is orphaned when root's process is killed: it is reaped here.
  ASSERT_EQ(::prctl(PR_SET_CHILD_SUBREAPER, 1), 0);
  std::mt19937 random(20261206);
  const auto longest = std::chrono::duration_cast<std::chrono::microseconds>(duration * 1.2);
  std::uniform_int_distribution<long> instant(0, std::max<long>(1, longest.count()));
  constexpr int kIterations = 20;
  int killed_midway = 0;
  for (int iteration = 0; iteration < kIterations; ++iteration) {
    fill_home();
    std::vector<std::string> root_args = args;
    root_args.insert(root_args.end(), {"--home", victim_->home()});
    const pid_t root_run = spawn_mailmig(root_args, options_);
    std::this_thread::sleep_for(std::chrono::microseconds(instant(random)));
    ::kill(root_run, SIGKILL);
    if (wait_child(root_run) == -SIGKILL) ++killed_midway;
    while (::waitpid(-1, nullptr, 0) > 0) {
    }

    const Snapshot after_kill = profiles();
    for (const auto& [path, bytes] : after_kill) {
      const bool is_old = old_state.contains(path) && old_state.at(path) == bytes;
      const bool is_new = new_state.contains(path) && new_state.at(path) == bytes;
      EXPECT_TRUE(is_old || is_new) << "iteration " << iteration << ": " << path << " is torn";
    }
    for (const auto& [path, bytes] : old_state) {
      EXPECT_TRUE(after_kill.contains(path)) << "iteration " << iteration << ": lost " << path;
    }
    const RunOutput next = run_as_root(args);
    EXPECT_EQ(next.exit_code, 0) << "iteration " << iteration << ": " << next.err;
    EXPECT_EQ(profiles(), new_state) << "iteration " << iteration;
    EXPECT_EQ(joined(not_owned_by(victim_->home(), victim_->uid(), victim_->gid())), "")
        << "iteration " << iteration;
    EXPECT_EQ(owner_of(profile_file("prefs.js")).mode, 0640U) << "iteration " << iteration;
    if (HasFailure()) break;
  }
  ::prctl(PR_SET_CHILD_SUBREAPER, 0);
  RecordProperty("killed_midway", killed_midway);
}

// Issue 13, item 1: the victim writes a run in progress into their own journal whose rows name
// a file of root's (restored from ~/evil) and another to delete as "created", with the hashes
// recovery checks, and leaves the run's lock file in locks/. Root's recovery and rollback leave
// both files as they were.
TEST_F(RootOverHomeTest, JournalForgedByTheOwnerNeverReachesRootsFiles) {
  give_victim_thunderbird();
  const RootOnlyFiles target(sandbox_.path("root-only"));
  const std::string evil = victim_->path("evil");
  write_file_bytes(evil, "root::0:0:root:/root:/bin/bash\n");
  victim_->give(evil);
  const std::string state = victim_->path(".local/state/mailmig");
  JournalFile restore;
  restore.run_id = "run-forged";
  restore.profile = target.folder;
  restore.path = target.secret;
  restore.backup_path = evil;
  restore.sha256_before = sha256_hex(read_file_bytes(evil));
  restore.sha256_after = sha256_hex(RootOnlyFiles::kSecretBytes);
  JournalFile remove = restore;
  remove.path = target.created;
  remove.created = true;
  remove.backup_path.clear();
  remove.sha256_before.clear();
  remove.sha256_after = sha256_hex(RootOnlyFiles::kCreatedBytes);
  const int forged = as_user(victim_->uid(), victim_->gid(), [&] {
    ::umask(077);
    JournalOpenResult opened = Journal::open(state);
    RunInfo info;
    info.run_id = "run-forged";
    info.command = "apply";
    // The process "dies" in the middle of the run: its lock file stays in locks/.
    return opened && opened.journal->begin_run(info) &&
           opened.journal->record_files({restore, remove});
  });
  ASSERT_EQ(forged, 0);
  const Owner journal = owner_of(state + "/journal.sqlite");
  ASSERT_EQ(journal.uid, victim_->uid());
  ASSERT_EQ(journal.mode, 0600U);
  ASSERT_EQ(owner_of(state).mode, 0700U);
  ASSERT_TRUE(fs::exists(state + "/locks/run-run-forged.lock"));

  const RunOutput applied =
      run_as_root({"apply", "--policy", fixture_path(kPolicy), "--format", "json"});

  EXPECT_EQ(applied.exit_code, 1) << applied.out << applied.err;
  target.expect_untouched("after apply: " + applied.out + applied.err);
  EXPECT_NE(applied.out.find("run run-forged: journal row names a file outside the home"),
            std::string::npos)
      << applied.out;
  // The run went on with the profiles of the home.
  EXPECT_GT(parse_json(applied.out)["summary"]["changes"].get<int>(), 0) << applied.out;

  const RunOutput rolled = run_as_root({"rollback", "run-forged"});
  EXPECT_EQ(rolled.exit_code, 1) << rolled.err;
  EXPECT_NE(rolled.err.find("refused"), std::string::npos) << rolled.err;
  target.expect_untouched("after rollback: " + rolled.out + rolled.err);
  EXPECT_EQ(joined(not_owned_by(victim_->home(), victim_->uid(), victim_->gid())), "");
}

// Issue 13, item 1, the journal of another user: a journal in the victim's state folder that
// another user owns (writable by the victim, so only its owner tells) is not the victim's
// record: its run, which would put the backup's bytes into prefs.js, is not recovered.
TEST_F(RootOverHomeTest, JournalOfAnotherUserIsRefused) {
  ThrowawayUser other(unique_user_name("o"), sandbox_.path("other"));
  ASSERT_TRUE(other.ready());
  give_victim_thunderbird();
  const std::string prefs = profile_file("prefs.js");
  const std::string prefs_before = read_file_bytes(prefs);
  const std::string state = victim_->path(".local/state/mailmig");
  const std::string backup = state + "/backups/run-planted/prefs.js";
  const std::string planted_bytes = "user_pref(\"planted\", true);\n";
  JournalFile row;
  row.run_id = "run-planted";
  row.profile = parent_folder(prefs);
  row.path = prefs;
  row.backup_path = backup;
  row.sha256_before = sha256_hex(planted_bytes);
  row.sha256_after = sha256_hex(prefs_before);
  const int forged = as_user(victim_->uid(), victim_->gid(), [&] {
    ::umask(077);
    JournalOpenResult opened = Journal::open(state);
    RunInfo info;
    info.run_id = "run-planted";
    info.command = "apply";
    if (!opened || !opened.journal->begin_run(info) || !opened.journal->record_files({row})) {
      return false;
    }
    boost::system::error_code error;
    fs::create_directories(parent_folder(backup), error);
    write_file_bytes(backup, planted_bytes);
    return !error;
  });
  ASSERT_EQ(forged, 0);
  const std::string journal = state + "/journal.sqlite";
  ASSERT_EQ(::chown(journal.c_str(), other.uid(), other.gid()), 0);
  ASSERT_EQ(::chmod(journal.c_str(), 0666), 0);

  const RunOutput applied = run_as_root({"apply", "--policy", fixture_path(kPolicy)});

  EXPECT_NE(applied.exit_code, 0) << applied.out << applied.err;
  EXPECT_NE((applied.out + applied.err).find("journal.sqlite: refused: owned by uid"),
            std::string::npos)
      << applied.out << applied.err;
  EXPECT_EQ(read_file_bytes(prefs).find("planted"), std::string::npos);
  const RunOutput rolled = run_as_root({"rollback", "run-planted"});
  EXPECT_NE(rolled.exit_code, 0) << rolled.out;
  EXPECT_EQ(read_file_bytes(prefs).find("planted"), std::string::npos);
  EXPECT_EQ(owner_of(journal).uid, other.uid());
}

// Issue 13, item 7: a FIFO in place of Thunderbird's .parentlock is not a lock, and root's run
// does not wait in open() for a writer.
TEST_F(RootOverHomeTest, FifoInPlaceOfParentlockDoesNotHangRootsRun) {
  give_victim_thunderbird();
  const std::string parent_lock = profile_file(".parentlock");
  ASSERT_EQ(::mkfifo(parent_lock.c_str(), 0644), 0);
  victim_->give(parent_lock);
  const std::string prefs_before = read_file_bytes(profile_file("prefs.js"));

  const pid_t run =
      spawn_mailmig({"apply", "--policy", fixture_path(kPolicy), "--home", victim_->home()},
                    options_, sandbox_.path("apply.out"));

  EXPECT_EQ(wait_child_with_watchdog(run, 30), 0) << read_file_bytes(sandbox_.path("apply.out"));
  EXPECT_NE(read_file_bytes(profile_file("prefs.js")), prefs_before);
}

// A listening socket at `path` whose backlog is full: connect() to it cannot complete.
class FullSocket {
 public:
  explicit FullSocket(const std::string& path) {
    sockaddr_un address{};
    address.sun_family = AF_UNIX;
    if (path.size() >= sizeof(address.sun_path)) return;
    std::memcpy(address.sun_path, path.c_str(), path.size() + 1);
    const auto* name = reinterpret_cast<const sockaddr*>(&address);
    listener_ = ::socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
    if (listener_ < 0 || ::bind(listener_, name, sizeof address) != 0 ||
        ::listen(listener_, 0) != 0) {
      return;
    }
    for (int attempt = 0; attempt < 64 && !full_; ++attempt) {
      const int client = ::socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC | SOCK_NONBLOCK, 0);
      if (client < 0) return;
      clients_.push_back(client);
      full_ = ::connect(client, name, sizeof address) != 0 && errno == EAGAIN;
    }
  }
  ~FullSocket() {
    for (const int client : clients_) ::close(client);
    if (listener_ >= 0) ::close(listener_);
  }
  FullSocket(const FullSocket&) = delete;
  FullSocket& operator=(const FullSocket&) = delete;

  bool full() const { return full_; }

 private:
  int listener_ = -1;
  std::vector<int> clients_;
  bool full_ = false;
};

// Issue 13, item 7: /tmp/sylpheed-<victim's uid> planted as a listener that never accepts, by
// another user, then by the victim: the probe neither hangs nor counts it as Sylpheed running,
// and root's run migrates the victim's Sylpheed profile.
TEST_F(RootOverHomeTest, PlantedSylpheedSocketDoesNotHangRootsRun) {
  ThrowawayUser other(unique_user_name("o"), sandbox_.path("other"));
  ASSERT_TRUE(other.ready());
  sandbox_.copy_fixture("homes/linux/.sylpheed-2.0", "victim/.sylpheed-2.0");
  victim_->give(victim_->path(".sylpheed-2.0"));
  const std::string accountrc = victim_->path(".sylpheed-2.0/accountrc");
  const std::string original = read_file_bytes(accountrc);
  // Sylpheed names its socket in g_get_tmp_dir(): the run's TMPDIR.
  const std::string socket_path = options_.tmpdir + "/sylpheed-" + std::to_string(victim_->uid());

  for (const ThrowawayUser* planter : {&other, victim_.get()}) {
    SCOPED_TRACE("planted by " + planter->name());
    write_file_bytes(accountrc, original);
    victim_->give(accountrc);
    ::unlink(socket_path.c_str());
    const FullSocket planted(socket_path);
    ASSERT_TRUE(planted.full());
    ASSERT_EQ(::chown(socket_path.c_str(), planter->uid(), planter->gid()), 0);

    const std::string output = sandbox_.path("apply-" + planter->name() + ".out");
    const pid_t run =
        spawn_mailmig({"apply", "--policy", fixture_path(kPolicy), "--home", victim_->home(),
                       "--state-dir", victim_->path("state-" + planter->name())},
                      options_, output);

    EXPECT_EQ(wait_child_with_watchdog(run, 30), 0) << read_file_bytes(output);
    EXPECT_NE(read_file_bytes(accountrc), original) << read_file_bytes(output);
  }
}

// Issue 13, item 8 with root over the victim's home: six applies at once, each with its own
// state folder in the home. Every profile ends all new, each change is counted once across the
// outputs, the files stay the victim's with their modes, every state folder's rollback restores
// the originals byte for byte, and root's file outside the home is never touched.
TEST_F(RootOverHomeTest, ConcurrentRootAppliesWithDifferentStateFoldersSerializeOnEachProfile) {
  constexpr int kProcesses = 6;
  constexpr int kRounds = 10;
  const RootOnlyFiles canary(sandbox_.path("root-only"));
  const std::vector<std::pair<std::string, mode_t>> modes{
      {".thunderbird/k3m9x2ab.default-release/prefs.js", 0640},
      {".thunderbird/k3m9x2ab.default-release/logins.json", 0600},
      {".sylpheed-2.0/accountrc", 0600}};
  const auto fill_home = [&] {
    fs::remove_all(victim_->home());
    sandbox_.copy_fixture("homes/linux/.thunderbird", "victim/.thunderbird");
    sandbox_.copy_fixture("homes/linux/.sylpheed-2.0", "victim/.sylpheed-2.0");
    victim_->give(victim_->home());
    ::chmod(victim_->home().c_str(), 0700);
    for (const auto& [path, mode] : modes) ::chmod(victim_->path(path).c_str(), mode);
  };
  // The profiles only: the state folders are in the home too.
  const auto profiles = [&] {
    Snapshot files = snapshot(victim_->home());
    std::erase_if(files, [](const auto& file) { return file.first.starts_with(".local"); });
    return files;
  };
  const auto expect_owned_with_modes = [&](const std::string& when) {
    EXPECT_EQ(joined(not_owned_by(victim_->home(), victim_->uid(), victim_->gid())), "") << when;
    for (const auto& [path, mode] : modes) {
      EXPECT_EQ(owner_of(victim_->path(path)).mode, mode) << path << " " << when;
    }
  };
  const auto state_folder = [&](int i) {
    return victim_->path(".local/state/mailmig-" + std::to_string(i));
  };
  const std::vector<std::string> apply{"apply", "--policy", fixture_path(kPolicy), "--format",
                                       "json"};

  fill_home();
  const Snapshot original = profiles();
  std::vector<std::string> single = apply;
  single.insert(single.end(), {"--state-dir", state_folder(0)});
  const RunOutput reference = run_as_root(single);
  ASSERT_EQ(reference.exit_code, 0) << reference.err;
  const int expected_changes = parse_json(reference.out)["summary"]["changes"].get<int>();
  ASSERT_GT(expected_changes, 0);
  const Snapshot migrated = profiles();

  for (int round = 0; round < kRounds; ++round) {
    SCOPED_TRACE("round " + std::to_string(round));
    fill_home();
    std::vector<pid_t> children;
    for (int i = 0; i < kProcesses; ++i) {
      std::vector<std::string> args = apply;
      args.insert(args.end(), {"--state-dir", state_folder(i), "--home", victim_->home()});
      children.push_back(
          spawn_mailmig(args, options_, sandbox_.path("apply-" + std::to_string(i) + ".out")));
    }
    int changes = 0;
    for (int i = 0; i < kProcesses; ++i) {
      const int exit_code = wait_child_with_watchdog(children[i], 60);
      const std::string out = read_file_bytes(sandbox_.path("apply-" + std::to_string(i) + ".out"));
      EXPECT_EQ(exit_code, 0) << out;
      changes += parse_json(out)["summary"]["changes"].get<int>();
    }
    EXPECT_EQ(changes, expected_changes);
    // All new (logins.json holds random guids: it is compared by being new, not by its bytes).
    const Snapshot now = profiles();
    ASSERT_EQ(now.size(), original.size());
    for (const auto& [path, bytes] : original) {
      EXPECT_EQ(now.at(path) != bytes, migrated.at(path) != bytes) << path;
      if (path.find("logins.json") == std::string::npos) {
        EXPECT_EQ(now.at(path), migrated.at(path)) << path;
      }
    }
    expect_owned_with_modes("after the applies");

    for (int i = 0; i < kProcesses; ++i) {
      const RunOutput history =
          run_as_root({"history", "--format", "json", "--state-dir", state_folder(i)});
      if (parse_json(history.out).empty()) continue;  // this run found nothing left to do
      const RunOutput rolled = run_as_root({"rollback", "--state-dir", state_folder(i)});
      EXPECT_EQ(rolled.exit_code, 0) << rolled.err;
    }
    EXPECT_EQ(profiles(), original);
    expect_owned_with_modes("after the rollbacks");
    canary.expect_untouched("round " + std::to_string(round));
    if (HasFailure()) break;
  }
}

// The profiles.ini rule on its own, whoever runs: a home named with --home keeps mailmig inside
// it; a user on their own home (no --home) keeps today's behaviour.
class ProfilesIniOutsideTheHomeTest : public ::testing::Test {
 protected:
  void SetUp() override {
    sandbox_.copy_fixture("homes/linux/.thunderbird/k3m9x2ab.default-release", "elsewhere/p");
    fs::create_directories(sandbox_.path("home/.thunderbird"));
    write_file_bytes(sandbox_.path("home/.thunderbird/profiles.ini"),
                     "[Profile0]\nName=away\nIsRelative=0\nPath=" + elsewhere() + "\n");
    options_.tmpdir = sandbox_.tmp();
    options_.home = sandbox_.home();
  }

  std::string elsewhere() const { return sandbox_.path("elsewhere/p"); }

  Sandbox sandbox_;
  RunOptions options_;
};

TEST_F(ProfilesIniOutsideTheHomeTest, WithHomeTheProfileIsReportedAndLeftAlone) {
  const Snapshot before = snapshot(elsewhere());

  const RunOutput applied = run_mailmig(
      {"apply", "--format", "json", "--home", sandbox_.home(), "--state-dir", sandbox_.state()},
      options_);

  EXPECT_EQ(applied.exit_code, 0) << applied.err;
  EXPECT_EQ(snapshot(elsewhere()), before);
  EXPECT_FALSE(findings_containing(parse_json(applied.out), elsewhere()).empty()) << applied.out;
}

TEST_F(ProfilesIniOutsideTheHomeTest, OnTheirOwnHomeTheProfileIsMigratedAsBefore) {
  const std::string prefs_before = read_file_bytes(elsewhere() + "/prefs.js");

  const RunOutput applied = run_mailmig({"apply", "--state-dir", sandbox_.state()}, options_);

  EXPECT_EQ(applied.exit_code, 0) << applied.err;
  EXPECT_NE(read_file_bytes(elsewhere() + "/prefs.js"), prefs_before) << applied.out;
}

}  // namespace
}  // namespace mailmig::cli_testing
