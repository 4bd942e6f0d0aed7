// Bad input at the command level (issue 4 §5): whatever is wrong with one file, mailmig names
// the file (and the line where there is one), exits 1, leaves that profile untouched and still
// processes the other profiles.
#include <gtest/gtest.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <boost/filesystem.hpp>
#include <cstdlib>

#include "tests/cli/cli_test_support.h"

namespace mailmig::cli_testing {
namespace {

namespace fs = boost::filesystem;

const std::string kTbProfile = "/.thunderbird/k3m9x2ab.default-release";

class BadInputTest : public ::testing::Test {
 protected:
  void SetUp() override {
    sandbox_.copy_fixture("homes/linux", "home");
    options_.tmpdir = sandbox_.tmp();
  }

  std::string home_file(const std::string& relative) const { return sandbox_.home() + relative; }

  RunOutput apply(const std::vector<std::string>& paths = {}) {
    std::vector<std::string> args{"apply", "--policy",
                                  fixture_path("policies/tests/002-kyutech-every-seed-host.xml"),
                                  "--state-dir", sandbox_.state()};
    if (paths.empty()) {
      args.insert(args.end(), {"--home", sandbox_.home()});
    } else {
      args.insert(args.end(), paths.begin(), paths.end());
    }
    return run_mailmig(args, options_);
  }

  // The bad profile's folder is byte-identical to before; the Sylpheed profile (another client)
  // was migrated; the error names `location` ("path" or "path:line").
  void expect_clear_error(const RunOutput& output, const std::string& bad_folder,
                          const Snapshot& bad_before, const std::string& location) {
    EXPECT_EQ(output.exit_code, 1) << output.out << output.err;
    EXPECT_NE(output.out.find("error: " + location + ":"), std::string::npos)
        << "no error naming " << location << " in:\n"
        << output.out << output.err;
    EXPECT_EQ(snapshot(bad_folder), bad_before) << "the bad profile was touched";
    EXPECT_NE(read_file_bytes(home_file("/.sylpheed-2.0/accountrc")), sylpheed_before_)
        << "the other profiles were not processed";
  }

  Sandbox sandbox_;
  RunOptions options_;
  std::string sylpheed_before_ =
      read_file_bytes(fixture_path("homes/linux/.sylpheed-2.0/accountrc"));
};

TEST_F(BadInputTest, PrefsJsThatDoesNotParse) {
  const std::string prefs = home_file(kTbProfile + "/prefs.js");
  write_file_bytes(prefs, read_file_bytes(fixture_path("thunderbird/prefs-missing-semicolon.js")));
  const Snapshot before = snapshot(home_file(kTbProfile));
  expect_clear_error(apply(), home_file(kTbProfile), before, prefs + ":2");
  EXPECT_NE(apply().out.find("expected ';'"), std::string::npos);
}

TEST_F(BadInputTest, TruncatedRegFile) {
  // Cut in the middle of a UTF-16 character: the export was truncated in transfer.
  const std::string reg = read_file_bytes(fixture_path("registry/outlook2016-unicode.reg"));
  const std::string truncated_path = sandbox_.path("exports/outlook.reg");
  write_file_bytes(truncated_path, reg.substr(0, 1001));
  const Snapshot before = snapshot(sandbox_.path("exports"));
  const RunOutput output = apply({truncated_path, home_file("/.sylpheed-2.0")});
  expect_clear_error(output, sandbox_.path("exports"), before, truncated_path + ":9");
  EXPECT_NE(output.out.find("odd number of bytes"), std::string::npos) << output.out;
}

// Issue 14: an export cut short in the middle of a line (a hex value continued into the end of
// the file, a string without its closing quote) is an error of its line for plan and apply,
// never a run that rewrites the rest or says there is nothing to change.
TEST_F(BadInputTest, RegFilesCutShortInMidLine) {
  struct Cut {
    std::string name;
    std::string bytes;
    std::size_t line;
  };
  std::vector<Cut> cuts;
  {
    // UTF-16LE: cut right after a hex line ending in ",\\" and its CRLF.
    const std::string whole = read_file_bytes(fixture_path("registry/outlook2016-unicode.reg"));
    std::string text;
    for (std::size_t i = 2; i + 1 < whole.size(); i += 2) text += whole[i + 1] == 0 ? whole[i] : '?';
    const std::size_t backslash = text.find(",\\\r\n");
    ASSERT_NE(backslash, std::string::npos);
    const std::size_t line = 1 + std::count(text.begin(), text.begin() + backslash, '\n');
    cuts.push_back({"outlook.reg", whole.substr(0, 2 + 2 * (backslash + 4)), line});
  }
  {
    // REGEDIT4: cut in the middle of a value name.
    const std::string whole = read_file_bytes(fixture_path("registry/oe-regedit4-cp932.reg"));
    const std::size_t at = whole.find("\"SMTP Display N");
    ASSERT_NE(at, std::string::npos);
    const std::size_t line = 1 + std::count(whole.begin(), whole.begin() + at, '\n');
    cuts.push_back({"oe.reg", whole.substr(0, at + 15), line});
  }
  for (const Cut& cut : cuts) {
    for (const std::string command : {"plan", "apply"}) {
      SCOPED_TRACE(cut.name + " " + command);
      const std::string path = sandbox_.path("exports/" + cut.name);
      write_file_bytes(path, cut.bytes);
      const Snapshot before = snapshot(sandbox_.path("exports"));
      const RunOutput output = run_mailmig(
          {command, "--policy", fixture_path("policies/tests/002-kyutech-every-seed-host.xml"),
           "--state-dir", sandbox_.state(), path},
          options_);
      EXPECT_EQ(output.exit_code, 1) << output.out << output.err;
      const std::string location = path + ":" + std::to_string(cut.line) + ":";
      EXPECT_NE(output.out.find("error: " + location), std::string::npos)
          << "no error naming " << location << " in:\n"
          << output.out << output.err;
      EXPECT_NE(output.out.find("cut short"), std::string::npos) << output.out;
      for (const std::string& text : {output.out, output.err}) {
        EXPECT_EQ(text.find("Could not write"), std::string::npos) << text;
        EXPECT_EQ(text.find("Nothing to change"), std::string::npos) << text;
      }
      EXPECT_EQ(snapshot(sandbox_.path("exports")), before) << "the cut file was touched";
      fs::remove_all(sandbox_.path("exports"));
    }
  }
}

TEST_F(BadInputTest, MailboxIniWithInvalidCp932) {
  sandbox_.copy_fixture("homes/windows/Documents", "home/Documents");
  const std::string mailbox = home_file("/Documents/Becky/4f1a2b3c.mb/Mailbox.ini");
  write_file_bytes(mailbox, read_file_bytes(fixture_path("becky/malformed-invalid-cp932.ini")));
  const Snapshot before = snapshot(home_file("/Documents/Becky"));
  const RunOutput output = apply();
  expect_clear_error(output, home_file("/Documents/Becky"), before, mailbox + ":3");
  EXPECT_NE(output.out.find("invalid CP932"), std::string::npos) << output.out;
}

TEST_F(BadInputTest, BinaryFileNamedAccountrc) {
  const std::string accountrc = home_file("/.claws-mail/accountrc");
  std::string binary(
      "\x7f"
      "ELF\x02\x01\x01",
      7);
  for (int i = 0; i < 512; ++i) binary += static_cast<char>((i * 37) & 0xff);
  write_file_bytes(accountrc, binary);
  const Snapshot before = snapshot(home_file("/.claws-mail"));
  expect_clear_error(apply(), home_file("/.claws-mail"), before, accountrc + ":1");
}

TEST_F(BadInputTest, HugeSparsePrefsJs) {
  const std::string prefs = home_file(kTbProfile + "/prefs.js");
  fs::remove(prefs);
  write_file_bytes(prefs, "");
  ASSERT_EQ(::truncate(prefs.c_str(), 100L * 1024 * 1024), 0);
  const Snapshot before = snapshot(home_file(kTbProfile));
  const RunOutput output = apply();
  expect_clear_error(output, home_file(kTbProfile), before, prefs);
  EXPECT_NE(output.out.find("104857600 bytes"), std::string::npos) << output.out;
}

TEST_F(BadInputTest, DirectoryNamedPrefsJs) {
  const std::string prefs = home_file(kTbProfile + "/prefs.js");
  fs::remove(prefs);
  fs::create_directory(prefs);
  const Snapshot before = snapshot(home_file(kTbProfile));
  const RunOutput output = apply();
  expect_clear_error(output, home_file(kTbProfile), before, prefs);
  EXPECT_NE(output.out.find("is a directory"), std::string::npos) << output.out;
}

TEST_F(BadInputTest, DanglingSymlinkPrefsJs) {
  const std::string prefs = home_file(kTbProfile + "/prefs.js");
  fs::remove(prefs);
  fs::create_symlink(sandbox_.path("nowhere/prefs.js"), prefs);
  const Snapshot before = snapshot(home_file(kTbProfile));
  expect_clear_error(apply(), home_file(kTbProfile), before, prefs);
  EXPECT_TRUE(fs::is_symlink(prefs));
}

TEST_F(BadInputTest, UnreadablePrefsJs) {
  if (::geteuid() == 0) {
    // root reads a mode-000 file all the same; no other setup makes a file unreadable to root
    // without also making it a different case (a directory, a dangling link: tested above).
    GTEST_SKIP() << "running as root: chmod 000 does not stop root from reading";
  }
  const std::string prefs = home_file(kTbProfile + "/prefs.js");
  ASSERT_EQ(::chmod(prefs.c_str(), 0), 0);
  const Snapshot before = snapshot(home_file(kTbProfile));
  expect_clear_error(apply(), home_file(kTbProfile), before, prefs);
}

// Whether this machine lets a process make a private mount namespace (unshare -m), where a
// read-only mount is seen by that process only and vanishes with it.
bool can_unshare_mounts() {
  return boost::filesystem::exists("/usr/bin/unshare") &&
         std::system("/usr/bin/unshare -m true >/dev/null 2>&1") == 0;
}

TEST_F(BadInputTest, ReadOnlyDisk) {
  if (!can_unshare_mounts()) {
    GTEST_SKIP() << "cannot make a private mount namespace (unshare -m) to mount read-only";
  }
  // The Sylpheed folder is bind-mounted read-only for the mailmig process only.
  const std::string folder = home_file("/.sylpheed-2.0");
  const Snapshot before = snapshot(folder);
  options_.executable = "/usr/bin/unshare";
  const RunOutput output = run_mailmig(
      {"-m", "sh", "-c",
       "mount --bind \"$1\" \"$1\" && mount -o remount,bind,ro \"$1\" && shift && exec \"$0\" "
       "\"$@\"",
       MAILMIG_EXE, folder, "apply", "--policy",
       fixture_path("policies/tests/002-kyutech-every-seed-host.xml"), "--state-dir",
       sandbox_.state(), "--home", sandbox_.home()},
      options_);
  EXPECT_EQ(output.exit_code, 1) << output.out << output.err;
  EXPECT_NE(output.out.find("Sylpheed: " + folder + "\n  error: "), std::string::npos)
      << output.out << output.err;
  EXPECT_NE(output.out.find("Read-only file system"), std::string::npos) << output.out;
  EXPECT_EQ(snapshot(folder), before);
  EXPECT_NE(read_file_bytes(home_file("/.claws-mail/accountrc")),
            read_file_bytes(fixture_path("homes/linux/.claws-mail/accountrc")))
      << "the other profiles were not processed";
}

TEST_F(BadInputTest, FullDiskForTheJournalLeavesEveryFileUntouched) {
  // Past 4 KiB every write fails (EFBIG): the journal itself cannot record the run, so no
  // profile may be written.
  ASSERT_EQ(run_mailmig({"history", "--state-dir", sandbox_.state()}, options_).exit_code, 0);
  const Snapshot before = snapshot(sandbox_.home());
  options_.file_size_limit = 4096;
  const RunOutput output = apply();
  EXPECT_EQ(output.exit_code, 1) << output.out << output.err;
  EXPECT_EQ(output.signal, 0) << "killed by a signal";
  EXPECT_NE(output.out.find("error: " + sandbox_.state() + "/journal.sqlite: "), std::string::npos)
      << output.out << output.err;
  EXPECT_EQ(snapshot(sandbox_.home()), before);
}

TEST_F(BadInputTest, FullDiskForOneProfileLeavesItUntouched) {
  // A prefs.js of 256 KiB (a long comment, as add-ons leave) and a limit of 128 KiB: the small
  // journal and the other profiles fit, this profile's backup or temporary file does not.
  const std::string prefs = home_file(kTbProfile + "/prefs.js");
  std::string padded = read_file_bytes(prefs);
  while (padded.size() < 256 * 1024) padded += "// " + std::string(76, 'x') + "\n";
  write_file_bytes(prefs, padded);
  const Snapshot before = snapshot(home_file(kTbProfile));
  options_.file_size_limit = 128 * 1024;
  const RunOutput output = apply();
  EXPECT_EQ(output.exit_code, 1) << output.out << output.err;
  EXPECT_EQ(output.signal, 0) << "killed by a signal";
  EXPECT_NE(output.out.find("File too large"), std::string::npos) << output.out;
  // The error sits under the profile it concerns (it names the backup copy that failed).
  EXPECT_NE(output.out.find("Thunderbird: " + home_file(kTbProfile) + "\n  error: "),
            std::string::npos)
      << output.out;
  EXPECT_EQ(snapshot(home_file(kTbProfile)), before);
  EXPECT_NE(read_file_bytes(home_file("/.sylpheed-2.0/accountrc")), sylpheed_before_);
}

}  // namespace
}  // namespace mailmig::cli_testing
