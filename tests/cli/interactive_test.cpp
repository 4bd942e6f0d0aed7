// The double-click flow (no arguments, the policy beside the executable), --quiet, --log, and
// the language of the messages.
#include <gtest/gtest.h>

#include <boost/filesystem.hpp>
#include <cctype>

#include "tests/cli/cli_test_support.h"

namespace mailmig::cli_testing {
namespace {

namespace fs = boost::filesystem;

const std::string kSubmissionPortEnglish =
    "Sends mail on the submission port 587 over an encrypted connection (SSL/TLS, STARTTLS) "
    "instead of port 25";
const std::string kSubmissionPortJapanese =
    "送信サーバーのポートを 25 番から 587 番に変更し、暗号化された接続（SSL/TLS、STARTTLS）で送信"
    "します";

// The executable copied into its own folder with the kyutech policy beside it, run with the
// sandbox's home as $HOME and no arguments.
class NoArgumentTest : public ::testing::Test {
 protected:
  void SetUp() override {
    sandbox_.copy_fixture("homes/linux", "home");
    fs::create_directories(sandbox_.path("bin"));
    fs::copy_file(MAILMIG_EXE, sandbox_.path("bin/mailmig"));
    sandbox_.copy_fixture("policies/tests/002-kyutech-every-seed-host.xml",
                          "bin/mailmig-policy.xml");
    options_.tmpdir = sandbox_.tmp();
    options_.home = sandbox_.home();
    options_.executable = sandbox_.path("bin/mailmig");
    sylpheed_ = sandbox_.home() + "/.sylpheed-2.0/accountrc";
  }

  Sandbox sandbox_;
  RunOptions options_;
  std::string sylpheed_;
};

TEST_F(NoArgumentTest, WithoutATerminalPrintsThePlanAndChangesNothing) {
  const Snapshot before = snapshot(sandbox_.home());
  options_.stdin_bytes = "y\n";  // not a terminal: the answer must not be read
  const RunOutput output = run_mailmig({}, options_);
  EXPECT_EQ(output.exit_code, 4) << output.out << output.err;
  // The policy beside the executable was used: it moves the kyutech hosts.
  EXPECT_NE(output.out.find("Moves accounts from retired mail servers to the servers the policy "
                            "names (2 accounts)"),
            std::string::npos)
      << output.out;
  EXPECT_NE(output.out.find("Standard input is not a terminal: nothing was changed."),
            std::string::npos)
      << output.out;
  EXPECT_EQ(output.out.find("Apply these changes?"), std::string::npos);
  EXPECT_EQ(snapshot(sandbox_.home()), before);
}

TEST_F(NoArgumentTest, OnATerminalYesApplies) {
  const RunOutput output =
      run_mailmig_on_terminal({}, options_, "Apply these changes? (d: show every setting)", "y");
  EXPECT_EQ(output.exit_code, 0) << output.out;
  const std::string accountrc = read_file_bytes(sylpheed_);
  EXPECT_NE(accountrc.find("\nreceive_server=mail.club.kyutech.ac.jp\n"), std::string::npos);
  EXPECT_NE(output.out.find("To undo this run: " + options_.executable + " rollback"),
            std::string::npos)
      << output.out;
}

TEST_F(NoArgumentTest, OnATerminalNoChangesNothing) {
  const Snapshot before = snapshot(sandbox_.home());
  const RunOutput output =
      run_mailmig_on_terminal({}, options_, "Apply these changes? (d: show every setting)", "n");
  EXPECT_EQ(output.exit_code, 0) << output.out;
  EXPECT_NE(output.out.find("Nothing was changed."), std::string::npos) << output.out;
  EXPECT_EQ(snapshot(sandbox_.home()), before);
}

// "2026-11-23T21:30:00Z run=<uuid> command=... client=... status=ok changes=N path=..." or
// "... run=<uuid> done profiles=4 accounts=8 changes=N errors=0".
bool is_log_line(const std::string& line) {
  const std::string stamp_shape = "time=dddd-dd-ddTdd:dd:ddZ run=";
  if (line.size() < stamp_shape.size() + 36) return false;
  for (std::size_t i = 0; i < stamp_shape.size(); ++i) {
    const bool digit = std::isdigit(static_cast<unsigned char>(line[i])) != 0;
    if (stamp_shape[i] == 'd' ? !digit : line[i] != stamp_shape[i]) return false;
  }
  const std::string run_id = line.substr(stamp_shape.size(), 36);
  if (run_id.find_first_not_of("0123456789abcdef-") != std::string::npos) return false;
  const std::string rest = line.substr(stamp_shape.size() + 36);
  return (rest.starts_with(" command=") && rest.find(" event=profile ") != std::string::npos &&
          rest.find(" status=ok changes=") != std::string::npos &&
          rest.find(" action_required=0 path=\"/") != std::string::npos) ||
         (rest.starts_with(" command=") &&
          rest.find(" event=done profiles=4 accounts=8 changes=") != std::string::npos &&
          rest.ends_with(" errors=0 action_required=0"));
}

using RunOutputOptionsTest = LinuxHomeTest;

TEST_F(RunOutputOptionsTest, QuietPrintsNothingOnSuccess) {
  const RunOutput output = run({"apply", "--quiet", "--policy",
                                fixture_path("policies/tests/002-kyutech-every-seed-host.xml")});
  EXPECT_EQ(output.exit_code, 0);
  EXPECT_EQ(output.out, "");
  EXPECT_EQ(output.err, "");
  EXPECT_NE(read_file_bytes(sandbox_.home() + "/.sylpheed-2.0/accountrc")
                .find("\nreceive_server=mail.club.kyutech.ac.jp\n"),
            std::string::npos);
}

TEST_F(RunOutputOptionsTest, QuietPrintsOnlyTheErrorOnStderr) {
  const std::string prefs = sandbox_.home() + "/.thunderbird/k3m9x2ab.default-release/prefs.js";
  write_file_bytes(prefs, read_file_bytes(fixture_path("thunderbird/prefs-missing-semicolon.js")));
  const RunOutput output = run({"apply", "--quiet", "--policy",
                                fixture_path("policies/tests/002-kyutech-every-seed-host.xml")});
  EXPECT_EQ(output.exit_code, 1);
  EXPECT_EQ(output.out, "");
  EXPECT_EQ(output.err, "mailmig: " + prefs + ":2: prefs parse error: expected ';' after ')'\n");
}

TEST_F(RunOutputOptionsTest, LogAppendsTimestampedLinesWithoutSecrets) {
  const std::string log = sandbox_.path("mailmig.log");
  const std::string policy = fixture_path("policies/tests/002-kyutech-every-seed-host.xml");
  ASSERT_EQ(run({"plan", "--log", log, "--policy", policy}).exit_code, 4);
  const std::vector<std::string> first = split_lines(read_file_bytes(log));
  ASSERT_EQ(run({"apply", "--log", log, "--policy", policy}).exit_code, 0);
  const std::string text = read_file_bytes(log);
  const std::vector<std::string> lines = split_lines(text);
  // One line a profile (4) and a summary line, for each of the two runs: appended.
  ASSERT_EQ(first.size(), 5u) << text;
  ASSERT_EQ(lines.size(), 10u) << text;
  EXPECT_TRUE(std::equal(first.begin(), first.end(), lines.begin()));
  for (const std::string& line : lines) {
    EXPECT_TRUE(is_log_line(line)) << line;
  }
  EXPECT_NE(text.find("command=apply event=profile client=sylpheed status=ok changes=13 "
                      "action_required=0 path=\"" +
                      sandbox_.home() + "/.sylpheed-2.0\""),
            std::string::npos)
      << text;
  for (const char* secret : {"pop-Pass2", "hanako-Pop7", "dti-Pass5", "ku-Pass8", "MEMEEP"}) {
    EXPECT_EQ(text.find(secret), std::string::npos) << secret;
  }
}

class LanguageTest : public RunOutputOptionsTest {};

TEST_F(LanguageTest, LangOptionGivesJapanese) {
  const RunOutput output = run({"--lang", "ja", "plan"});
  EXPECT_EQ(output.exit_code, 4) << output.err;
  EXPECT_NE(output.out.find(kSubmissionPortJapanese), std::string::npos) << output.out;
  EXPECT_EQ(output.out.find(kSubmissionPortEnglish), std::string::npos);
}

TEST_F(LanguageTest, JapaneseLocaleGivesJapanese) {
  options_.lang = "ja_JP.UTF-8";
  const RunOutput output = run({"plan"});
  EXPECT_EQ(output.exit_code, 4) << output.err;
  EXPECT_NE(output.out.find(kSubmissionPortJapanese), std::string::npos) << output.out;
}

TEST_F(LanguageTest, CLocaleGivesEnglish) {
  const RunOutput output = run({"plan"});
  EXPECT_EQ(output.exit_code, 4) << output.err;
  EXPECT_NE(output.out.find(kSubmissionPortEnglish), std::string::npos) << output.out;
  EXPECT_EQ(output.out.find(kSubmissionPortJapanese), std::string::npos);
  EXPECT_NE(output.out.find("will change:"), std::string::npos);
}

}  // namespace
}  // namespace mailmig::cli_testing
