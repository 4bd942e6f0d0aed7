// Issue 14 §1 at the command level: nothing is skipped in silence, a bare file name works, a
// stale .delta.reg is never left to be imported, and rollback and history say what was done.
#include <gtest/gtest.h>
#include <sys/stat.h>
#include <unistd.h>

#include <boost/filesystem.hpp>
#include <cstdlib>

#include "tests/cli/cli_test_support.h"

namespace mailmig::cli_testing {
namespace {

namespace fs = boost::filesystem;

class HonestOutputTest : public ::testing::Test {
 protected:
  void SetUp() override { options_.tmpdir = sandbox_.tmp(); }

  RunOutput mailmig(std::vector<std::string> args) {
    args.insert(args.end(), {"--state-dir", sandbox_.state()});
    return run_mailmig(args, options_);
  }

  RunOutput migrate(const std::string& command, std::vector<std::string> paths,
                    const std::string& format = "text") {
    std::vector<std::string> args{command, "--policy",
                                  fixture_path("policies/tests/002-kyutech-every-seed-host.xml"),
                                  "--format", format};
    args.insert(args.end(), paths.begin(), paths.end());
    return mailmig(args);
  }

  Sandbox sandbox_;
  RunOptions options_;
};

TEST_F(HonestOutputTest, EmptyMailboxIniIsAnErrorOfItsProfile) {
  sandbox_.copy_fixture("homes/windows/Documents", "home/Documents");
  const std::string mailbox = sandbox_.home() + "/Documents/Becky/4f1a2b3c.mb/Mailbox.ini";
  write_file_bytes(mailbox, "");
  const Snapshot before = snapshot(sandbox_.home());
  const RunOutput output = migrate("apply", {"--home", sandbox_.home()});
  EXPECT_EQ(output.exit_code, 1) << output.out << output.err;
  EXPECT_NE(output.out.find("error: " + mailbox + ": empty file, expected"), std::string::npos)
      << output.out;
  EXPECT_EQ(snapshot(sandbox_.home()), before);
}

TEST_F(HonestOutputTest, MailboxIniThatIsAFifoIsAnErrorAndDoesNotBlock) {
  sandbox_.copy_fixture("homes/windows/Documents", "home/Documents");
  const std::string mailbox = sandbox_.home() + "/Documents/Becky/4f1a2b3c.mb/Mailbox.ini";
  fs::remove(mailbox);
  ASSERT_EQ(::mkfifo(mailbox.c_str(), 0600), 0);
  const RunOutput output = migrate("plan", {"--home", sandbox_.home()});
  EXPECT_EQ(output.exit_code, 1) << output.out << output.err;
  EXPECT_NE(output.out.find("error: " + mailbox + ": a FIFO, expected a regular file"),
            std::string::npos)
      << output.out;
}

TEST_F(HonestOutputTest, AccountrcThatIsAFifoIsAnErrorAndDoesNotBlock) {
  sandbox_.copy_fixture("homes/linux", "home");
  const std::string accountrc = sandbox_.home() + "/.sylpheed-2.0/accountrc";
  fs::remove(accountrc);
  ASSERT_EQ(::mkfifo(accountrc.c_str(), 0600), 0);
  // Found by discovery, and named on the command line: an error naming it, never a wait.
  for (const std::vector<std::string>& where :
       {std::vector<std::string>{"--home", sandbox_.home()}, std::vector<std::string>{accountrc}}) {
    const RunOutput output = migrate("plan", where);
    EXPECT_EQ(output.exit_code, 1) << output.out << output.err;
    EXPECT_NE(output.out.find("error: " + accountrc + ": a FIFO, expected a regular file"),
              std::string::npos)
        << output.out;
  }
}

TEST_F(HonestOutputTest, DanglingLinksNamedLikeProfileFilesAreErrors) {
  sandbox_.copy_fixture("homes/linux", "home");
  sandbox_.copy_fixture("homes/windows/Documents", "home/Documents");
  const std::string accountrc = sandbox_.home() + "/.sylpheed-2.0/accountrc";
  const std::string mailbox = sandbox_.home() + "/Documents/Becky/4f1a2b3c.mb/Mailbox.ini";
  for (const std::string& file : {accountrc, mailbox}) {
    fs::remove(file);
    fs::create_symlink(sandbox_.path("gone"), file);
  }
  const RunOutput output = migrate("plan", {"--home", sandbox_.home()});
  EXPECT_EQ(output.exit_code, 1) << output.out << output.err;
  for (const std::string& file : {accountrc, mailbox}) {
    EXPECT_NE(output.out.find("error: " + file + ": No such file or directory"), std::string::npos)
        << output.out;
  }
}

TEST_F(HonestOutputTest, HomeThatIsNotAFolderIsAUsageError) {
  const std::string missing = sandbox_.path("no-such-home");
  const std::string file = sandbox_.path("a-file");
  write_file_bytes(file, "not a folder\n");
  for (const std::string& home : {missing, file}) {
    for (const char* command : {"scan", "plan", "apply", "history", "rollback"}) {
      const RunOutput output = mailmig({command, "--home", home});
      EXPECT_EQ(output.exit_code, 2) << command << " " << home << "\n" << output.out << output.err;
      EXPECT_NE(output.err.find("--home " + home + ": "), std::string::npos)
          << command << ": " << output.err;
      EXPECT_EQ(output.out.find("Nothing to change"), std::string::npos) << output.out;
    }
  }
}

TEST_F(HonestOutputTest, HomeWithoutAnyMailProgramSaysSo) {
  fs::create_directories(sandbox_.home());
  const std::string notice = "no mail program's settings were found in " + sandbox_.home();
  const RunOutput text = migrate("plan", {"--home", sandbox_.home()});
  EXPECT_EQ(text.exit_code, 0) << text.out << text.err;
  EXPECT_NE(text.out.find(notice), std::string::npos) << text.out;

  const RunOutput json = migrate("plan", {"--home", sandbox_.home()}, "json");
  const nlohmann::json run = parse_json(json.out);
  ASSERT_TRUE(run.contains("notices")) << json.out;
  EXPECT_EQ(run["notices"], nlohmann::json::array({notice})) << json.out;

  // A home with profiles has no notice.
  sandbox_.copy_fixture("homes/linux", "home");
  const nlohmann::json found = parse_json(migrate("plan", {"--home", sandbox_.home()}, "json").out);
  EXPECT_EQ(found["notices"], nlohmann::json::array());
}

TEST_F(HonestOutputTest, BareFileNameWorksForEveryCommand) {
  sandbox_.copy_fixture("homes/linux", "home");
  const std::string folder = sandbox_.home() + "/.sylpheed-2.0";
  options_.working_directory = folder;
  const RunOutput plan = migrate("plan", {"accountrc"}, "json");
  EXPECT_EQ(plan.exit_code, 4) << plan.out << plan.err;
  EXPECT_EQ(parse_json(plan.out)["profiles"][0]["path"], folder) << plan.out;
  const std::string before = read_file_bytes(folder + "/accountrc");
  const RunOutput apply = migrate("apply", {"accountrc"});
  EXPECT_EQ(apply.exit_code, 0) << apply.out << apply.err;
  EXPECT_NE(read_file_bytes(folder + "/accountrc"), before);
  // Nothing left to do: the profile is still named by its full path.
  const RunOutput again = migrate("apply", {"accountrc"});
  EXPECT_EQ(again.exit_code, 0) << again.out << again.err;
  EXPECT_EQ(again.out.rfind("Sylpheed: " + folder + "\n", 0), 0u) << again.out;

  // The man page's Outlook example.
  sandbox_.copy_fixture("registry/outlook2016-unicode.reg", "exports/o.reg");
  options_.working_directory = sandbox_.path("exports");
  const RunOutput reg = migrate("apply", {"o.reg"});
  EXPECT_EQ(reg.exit_code, 0) << reg.out << reg.err;
  EXPECT_TRUE(fs::exists(sandbox_.path("exports/o.delta.reg")));
}

// How many times `part` occurs in `text`.
std::size_t count_of(const std::string& text, const std::string& part) {
  std::size_t count = 0;
  for (std::size_t at = text.find(part); at != std::string::npos; at = text.find(part, at + 1)) {
    ++count;
  }
  return count;
}

// The values a .reg export sets (every line "name"=... under a key), ignoring the header.
std::size_t value_lines(const std::string& reg_utf8) { return count_of(reg_utf8, "\"="); }

TEST_F(HonestOutputTest, StaleDeltaRegIsEmptiedThenReplaced) {
  sandbox_.copy_fixture("registry/outlook2016-unicode.reg", "exports/o.reg");
  const std::string reg = sandbox_.path("exports/o.reg");
  const std::string delta = sandbox_.path("exports/o.delta.reg");
  const std::string undo = sandbox_.path("exports/o.undo.reg");
  const RunOutput first = migrate("apply", {reg});
  ASSERT_EQ(first.exit_code, 0) << first.out << first.err;
  ASSERT_GT(value_lines(utf16le_to_utf8(read_file_bytes(delta))), 0u);
  const std::string first_delta = read_file_bytes(delta);

  // A plan says what the next apply will write, and that something is pending.
  const RunOutput plan = migrate("plan", {reg});
  EXPECT_EQ(plan.exit_code, 4) << plan.out << plan.err;
  EXPECT_EQ(plan.out.find("Nothing to change."), std::string::npos) << plan.out;
  EXPECT_NE(plan.out.find("2 files left by an earlier run are to be emptied"), std::string::npos)
      << plan.out;
  EXPECT_EQ(read_file_bytes(delta), first_delta);

  // Nothing left to do: the old delta would import old values again; it is emptied, and said so.
  const RunOutput second = migrate("apply", {reg}, "json");
  ASSERT_EQ(second.exit_code, 0) << second.out << second.err;
  EXPECT_EQ(value_lines(utf16le_to_utf8(read_file_bytes(delta))), 0u)
      << utf16le_to_utf8(read_file_bytes(delta));
  EXPECT_EQ(value_lines(utf16le_to_utf8(read_file_bytes(undo))), 0u);
  EXPECT_EQ(utf16le_to_utf8(read_file_bytes(delta)).rfind("Windows Registry Editor", 0), 0u);
  EXPECT_EQ(findings_containing(parse_json(second.out), "o.delta.reg").size(), 1u) << second.out;
  const std::string second_run = parse_json(second.out)["run_id"];
  const RunOutput plan_after = migrate("plan", {reg});
  EXPECT_EQ(plan_after.exit_code, 0) << plan_after.out << plan_after.err;
  EXPECT_NE(plan_after.out.find("Nothing to change."), std::string::npos) << plan_after.out;

  // The emptying went through the journal: rollback brings the previous delta back.
  const RunOutput rollback = mailmig({"rollback", second_run});
  EXPECT_EQ(rollback.exit_code, 0) << rollback.out << rollback.err;
  EXPECT_EQ(read_file_bytes(delta), first_delta);
  // Files were given back, no registry value: the closing line says that and nothing more.
  EXPECT_NE(rollback.out.find("every file has its original bytes again."), std::string::npos)
      << rollback.out;
  EXPECT_EQ(rollback.out.find("registry value"), std::string::npos) << rollback.out;

  // A new export with changes to make: the old delta is replaced, not refused.
  sandbox_.copy_fixture("registry/outlook2016-unicode.reg", "exports/o.reg");
  write_file_bytes(delta, "stale");
  const RunOutput third = migrate("apply", {reg});
  EXPECT_EQ(third.exit_code, 0) << third.out << third.err;
  EXPECT_EQ(read_file_bytes(delta), first_delta);
}

TEST_F(HonestOutputTest, RefusedRollbackSaysOnceThatNothingWasRestored) {
  sandbox_.copy_fixture("homes/linux", "home");
  const RunOutput apply =
      migrate("apply", {sandbox_.home() + "/.sylpheed-2.0", sandbox_.home() + "/.claws-mail"});
  ASSERT_EQ(apply.exit_code, 0) << apply.out << apply.err;
  const std::string accountrc = sandbox_.home() + "/.sylpheed-2.0/accountrc";
  write_file_bytes(accountrc, read_file_bytes(accountrc) + "[Account: 3]\nname=added later\n");

  const RunOutput refused = mailmig({"rollback"});
  EXPECT_EQ(refused.exit_code, 1);
  const std::string all = refused.out + refused.err;
  EXPECT_EQ(all.find("  restored: "), std::string::npos) << "nothing was restored:\n" << all;
  EXPECT_NE(all.find("  not restored: " + sandbox_.home() + "/.claws-mail/accountrc"),
            std::string::npos)
      << all;
  EXPECT_EQ(count_of(all, "refused: " + accountrc), 1u) << all;
  EXPECT_EQ(count_of(all, accountrc), 1u) << "the refused file is named once:\n" << all;
  EXPECT_EQ(count_of(all, "nothing was restored"), 1u) << all;
}

// The undo command is printed for a person to paste: a home with a space in it must come out
// as one word, and the command, run by a shell, must undo the run.
TEST_F(HonestOutputTest, TheUndoCommandWorksForAHomeWithASpace) {
  sandbox_.copy_fixture("homes/linux", "my home");
  const std::string home = sandbox_.path("my home");
  const Snapshot before = snapshot(home);
  const RunOutput apply =
      run_mailmig({"apply", "--home", home, "--policy",
                   fixture_path("policies/tests/002-kyutech-every-seed-host.xml")},
                  options_);
  ASSERT_EQ(apply.exit_code, 0) << apply.out << apply.err;
  ASSERT_NE(snapshot(home), before);
  const std::string marker = "To undo this run: ";
  const std::size_t start = apply.out.find(marker);
  ASSERT_NE(start, std::string::npos) << apply.out;
  const std::size_t end = apply.out.find('\n', start);
  const std::string command = apply.out.substr(start + marker.size(), end - start - marker.size());
  EXPECT_NE(command.find(" --home '" + home + "'"), std::string::npos) << command;

  const std::string script = sandbox_.path("undo.sh");
  write_file_bytes(script, command + "\n");
  EXPECT_EQ(std::system(("sh '" + script + "' >/dev/null").c_str()), 0) << command;
  Snapshot after = snapshot(home);
  std::erase_if(after, [](const auto& entry) { return entry.first.rfind(".local", 0) == 0; });
  EXPECT_EQ(after, before);
}

TEST_F(HonestOutputTest, HistoryCountsTheFilesWritten) {
  sandbox_.copy_fixture("homes/linux", "home");
  const std::string profile = sandbox_.home() + "/.thunderbird/k3m9x2ab.default-release";
  // A prefs.js too large for the file size limit: the run records it, then cannot write it.
  std::string padded = read_file_bytes(profile + "/prefs.js");
  while (padded.size() < 256 * 1024) padded += "// " + std::string(76, 'x') + "\n";
  write_file_bytes(profile + "/prefs.js", padded);
  ASSERT_EQ(mailmig({"history"}).exit_code, 0);
  options_.file_size_limit = 128 * 1024;
  const RunOutput failed = migrate("apply", {profile});
  ASSERT_EQ(failed.exit_code, 1) << failed.out << failed.err;
  options_.file_size_limit.reset();
  const RunOutput done = migrate("apply", {sandbox_.home() + "/.claws-mail"});
  ASSERT_EQ(done.exit_code, 0) << done.out << done.err;

  const std::vector<std::string> lines = split_lines(mailmig({"history"}).out);
  ASSERT_GE(lines.size(), 2u);
  EXPECT_NE(lines[0].find(" 1 files written"), std::string::npos) << lines[0];
  EXPECT_NE(lines[1].find(" 0 files written"), std::string::npos) << lines[1];
}

}  // namespace
}  // namespace mailmig::cli_testing
