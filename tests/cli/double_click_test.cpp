// Issue 18 §2 and issue 15 §3: the double-click run driven through a pseudo-terminal in English
// and Japanese (one question, a past-tense summary, an undo line a person can type, a running
// client named before the question, the manual steps last), rollback without a run id, the
// plan's exit codes for manual steps and running clients, and CLI11's words translated.
#include <gtest/gtest.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

#include <algorithm>
#include <boost/filesystem.hpp>
#include <cstring>

#include "tests/cli/cli_test_support.h"

namespace mailmig::cli_testing {
namespace {

namespace fs = boost::filesystem;

const std::string kQuestion = "Apply these changes? (d: show every setting) [y/N/d] ";
const std::string kQuestionJapanese =
    "これらの変更を行いますか？（d: すべての設定を表示） [y/N/d] ";

// What the terminal showed, with the terminal's CR LF line ends as LF.
std::string screen_of(const RunOutput& output) {
  std::string screen = output.out;
  std::erase(screen, '\r');
  return screen;
}

std::size_t occurrences(const std::string& text, const std::string& piece) {
  std::size_t count = 0;
  for (std::size_t at = text.find(piece); at != std::string::npos;
       at = text.find(piece, at + piece.size())) {
    ++count;
  }
  return count;
}

// The last lines that are not empty, for "the manual steps come last".
std::vector<std::string> last_lines(const std::string& screen, std::size_t count) {
  std::vector<std::string> lines;
  for (const std::string& line : split_lines(screen)) {
    if (!line.empty()) lines.push_back(line);
  }
  if (lines.size() > count) lines.erase(lines.begin(), lines.end() - static_cast<long>(count));
  return lines;
}

// A copy of the executable in `folder`, with the compiled catalogues beside it as in the build
// tree (the Japanese messages are found there).
std::string install_program(const std::string& folder) {
  fs::create_directories(folder);
  const std::string program = folder + "/mailmig";
  fs::copy_file(MAILMIG_EXE, program);
  fs::create_directory_symlink(fs::path(MAILMIG_EXE).parent_path() / "locale", folder + "/locale");
  return program;
}

// Sylpheed's control socket, so that Sylpheed reads as running while the object lives.
class RunningSylpheed {
 public:
  explicit RunningSylpheed(const std::string& tmpdir) {
    const std::string path = tmpdir + "/sylpheed-" + std::to_string(::getuid());
    listener_ = ::socket(AF_UNIX, SOCK_STREAM, 0);
    sockaddr_un address{};
    address.sun_family = AF_UNIX;
    EXPECT_LT(path.size(), sizeof(address.sun_path));
    std::memcpy(address.sun_path, path.c_str(),
                std::min(path.size() + 1, sizeof(address.sun_path)));
    EXPECT_EQ(::bind(listener_, reinterpret_cast<sockaddr*>(&address), sizeof address), 0);
    EXPECT_EQ(::listen(listener_, 4), 0);
  }
  ~RunningSylpheed() { ::close(listener_); }
  RunningSylpheed(const RunningSylpheed&) = delete;
  RunningSylpheed& operator=(const RunningSylpheed&) = delete;

 private:
  int listener_ = -1;
};

// The executable copied into its own folder, started with no arguments and the sandbox's home
// as $HOME; `policy` (a fixture) beside it, or none for the built-in default.
class DoubleClickTest : public ::testing::Test {
 protected:
  void start(const std::string& home_fixture, const std::string& policy) {
    sandbox_.copy_fixture(home_fixture, "home");
    program_ = install_program(sandbox_.path("my programs"));
    if (!policy.empty()) sandbox_.copy_fixture(policy, "my programs/mailmig-policy.xml");
    options_.tmpdir = sandbox_.tmp();
    options_.home = sandbox_.home();
    options_.executable = program_;
  }

  std::string sylpheed() const { return sandbox_.home() + "/.sylpheed-2.0/accountrc"; }

  Sandbox sandbox_;
  RunOptions options_;
  std::string program_;
};

TEST_F(DoubleClickTest, EnglishOneQuestionThenWhatWasDoneAndAnUndoWithoutARunId) {
  start("homes/linux", "policies/tests/002-kyutech-every-seed-host.xml");
  const std::string before = read_file_bytes(sylpheed());
  const RunOutput output = run_mailmig_on_terminal({}, options_, {{kQuestion, "y"}});
  const std::string screen = screen_of(output);
  EXPECT_EQ(output.exit_code, 0) << screen;
  EXPECT_NE(read_file_bytes(sylpheed()), before);

  // The plan: short, and its only instruction is the question.
  const std::string plan = screen.substr(0, screen.find(kQuestion));
  EXPECT_NE(plan.find("mailmig will change these mail accounts:\n"), std::string::npos) << plan;
  EXPECT_NE(plan.find("  九工大 学生ネット <tanaka@club.kyutech.ac.jp> (Sylpheed)\n"),
            std::string::npos)
      << plan;
  EXPECT_EQ(plan.find("mailmig apply"), std::string::npos) << plan;
  EXPECT_EQ(plan.find("Nothing was changed yet"), std::string::npos) << plan;
  EXPECT_LE(split_lines(plan).size(), 24u) << plan;
  EXPECT_EQ(occurrences(screen, kQuestion), 1u) << screen;

  // After "y": what was done, in the past tense, not the list again in the future tense.
  const std::string after = screen.substr(screen.find(kQuestion) + kQuestion.size());
  EXPECT_NE(after.find("Done: the settings of 8 mail accounts were changed ("), std::string::npos)
      << after;
  EXPECT_EQ(after.find("will change"), std::string::npos) << after;
  EXPECT_EQ(after.find("receiving:"), std::string::npos) << after;
  // The undo line names the program by its full path (quoted: it holds a space) and no run id.
  EXPECT_NE(after.find("To undo this run: '" + program_ + "' rollback\n"), std::string::npos)
      << after;
  EXPECT_LE(split_lines(after).size(), 6u) << after;

  // Typed as shown, the undo line puts every file back.
  const RunOutput undo = run_mailmig({"rollback"}, options_);
  EXPECT_EQ(undo.exit_code, 0) << undo.out << undo.err;
  EXPECT_NE(undo.out.find("  restored: " + sylpheed() + "\n"), std::string::npos) << undo.out;
  EXPECT_EQ(read_file_bytes(sylpheed()), before);
}

TEST_F(DoubleClickTest, JapaneseTheSameScreensInJapanese) {
  start("homes/linux", "policies/tests/002-kyutech-every-seed-host.xml");
  options_.lang = "ja_JP.UTF-8";
  options_.extra_environment.push_back({"LANGUAGE", "ja_JP.UTF-8"});
  const std::string before = read_file_bytes(sylpheed());
  const RunOutput output = run_mailmig_on_terminal({}, options_, {{kQuestionJapanese, "y"}});
  const std::string screen = screen_of(output);
  EXPECT_EQ(output.exit_code, 0) << screen;

  const std::string plan = screen.substr(0, screen.find(kQuestionJapanese));
  EXPECT_NE(plan.find("mailmig は次のメールアカウントの設定を変更します:\n"), std::string::npos)
      << plan;
  EXPECT_EQ(plan.find("mailmig apply"), std::string::npos) << plan;
  EXPECT_EQ(occurrences(screen, kQuestionJapanese), 1u) << screen;

  const std::string after =
      screen.substr(screen.find(kQuestionJapanese) + kQuestionJapanese.size());
  EXPECT_NE(after.find("完了しました: 8 件のメールアカウントの設定を変更しました"),
            std::string::npos)
      << after;
  EXPECT_EQ(after.find("に変更します"), std::string::npos) << after;
  EXPECT_NE(after.find("この変更を元に戻すには: '" + program_ + "' rollback\n"), std::string::npos)
      << after;

  const RunOutput undo = run_mailmig({"rollback"}, options_);
  EXPECT_EQ(undo.exit_code, 0) << undo.out << undo.err;
  EXPECT_NE(undo.out.find("  元に戻しました: " + sylpheed() + "\n"), std::string::npos) << undo.out;
  EXPECT_EQ(undo.out.find("restored:"), std::string::npos) << undo.out;
  EXPECT_EQ(read_file_bytes(sylpheed()), before);
}

// A file mailmig cannot read: its path and the parser's words (for the help desk), then what
// that means for the user, in their language.
TEST_F(DoubleClickTest, AnUnreadableFileIsExplainedInTheUsersLanguage) {
  start("homes/linux", "policies/tests/002-kyutech-every-seed-host.xml");
  const std::string profile = sandbox_.home() + "/.thunderbird/p7q1w5zc.hanako";
  const std::string prefs = profile + "/prefs.js";
  write_file_bytes(prefs, "user_pref(\"mail.server.server1.hostname\", \"pop.example.jp);\n");
  for (const std::string lang : {"C", "ja_JP.UTF-8"}) {
    RunOptions options = options_;
    options.lang = lang;
    options.extra_environment.push_back({"LANGUAGE", lang});
    const bool japanese = lang != "C";
    // The other programs' accounts still have changes: the question comes, and is declined.
    const RunOutput output = run_mailmig_on_terminal(
        {}, options, {{japanese ? kQuestionJapanese : kQuestion, "n"}});
    const std::string screen = screen_of(output);
    EXPECT_NE(screen.find(japanese ? "読み込みまたは変更ができませんでした: " + profile + "\n"
                                   : "Could not be read or changed: " + profile + "\n"),
              std::string::npos)
        << screen;
    EXPECT_NE(screen.find("  " + prefs + ":2: prefs parse error: "), std::string::npos) << screen;
    EXPECT_NE(screen.find(japanese ? "mailmig はこれらの設定をまったく変更していません。"
                                   : "mailmig left these settings exactly as they were."),
              std::string::npos)
        << screen;
  }
}

TEST_F(DoubleClickTest, DetailsOnRequestThenTheQuestionAgain) {
  start("homes/linux", "policies/tests/002-kyutech-every-seed-host.xml");
  const std::string before = read_file_bytes(sylpheed());
  const RunOutput output =
      run_mailmig_on_terminal({}, options_, {{kQuestion, "d"}, {kQuestion, "n"}});
  const std::string screen = screen_of(output);
  EXPECT_EQ(output.exit_code, 0) << screen;
  const std::string details = screen.substr(screen.find(kQuestion));
  EXPECT_NE(details.find("receiving server: pop3.club.kyutech.ac.jp -> mail.club.kyutech.ac.jp"),
            std::string::npos)
      << details;
  // Plain words before the names the mail program's settings use.
  EXPECT_NE(details.find("sending encryption: no encryption -> encrypted connection (STARTTLS)"),
            std::string::npos)
      << details;
  EXPECT_NE(details.find(":995, encrypted connection (SSL/TLS), "), std::string::npos) << details;
  EXPECT_EQ(occurrences(screen, kQuestion), 2u) << screen;
  EXPECT_EQ(last_lines(screen, 1), std::vector<std::string>{"Nothing was changed."});
  EXPECT_EQ(read_file_bytes(sylpheed()), before);
}

TEST_F(DoubleClickTest, ARunningClientIsNamedBeforeAnyQuestionInTheUsersLanguage) {
  for (const std::string lang : {"C", "ja_JP.UTF-8"}) {
    SCOPED_TRACE(lang);
    Sandbox sandbox;
    sandbox.copy_fixture("homes/linux", "home");
    install_program(sandbox.path("bin"));
    sandbox.copy_fixture("policies/tests/002-kyutech-every-seed-host.xml", "bin/mailmig-policy.xml");
    RunOptions options;
    options.tmpdir = sandbox.tmp();
    options.home = sandbox.home();
    options.executable = sandbox.path("bin/mailmig");
    options.lang = lang;
    const Snapshot before = snapshot(sandbox.home());
    const RunningSylpheed sylpheed(sandbox.tmp());

    const RunOutput output = run_mailmig_on_terminal({}, options, std::vector<TerminalExchange>{});
    const std::string screen = screen_of(output);
    EXPECT_EQ(output.exit_code, 3) << screen;
    if (lang == "C") {
      EXPECT_NE(screen.find("Sylpheed is running ("), std::string::npos) << screen;
      EXPECT_NE(screen.find("Close Sylpheed and run mailmig again."), std::string::npos) << screen;
    } else {
      EXPECT_NE(screen.find("Sylpheed が起動しています"), std::string::npos) << screen;
      EXPECT_EQ(screen.find("is running"), std::string::npos) << screen;
    }
    // Not asked: applying now would skip Sylpheed's profile again.
    EXPECT_EQ(screen.find("[y/N/d]"), std::string::npos) << screen;
    EXPECT_EQ(snapshot(sandbox.home()), before);
  }
}

// The Windows home's Becky! accounts need STARTTLS, which mailmig cannot set in Becky!.
TEST_F(DoubleClickTest, TheManualStepsAreTheLastThingOnScreen) {
  start("homes/windows", "policies/tests/003-dti-every-seed-host.xml");
  const RunOutput output = run_mailmig_on_terminal({}, options_, {{kQuestion, "y"}});
  const std::string screen = screen_of(output);
  EXPECT_EQ(output.exit_code, 0) << screen;
  const std::size_t done = screen.find("Done: the settings of ");
  const std::size_t undo = screen.find("To undo this run: ");
  const std::size_t steps =
      screen.find("Still to do by yourself (mailmig cannot do this for you):\n");
  ASSERT_NE(done, std::string::npos) << screen;
  ASSERT_NE(steps, std::string::npos) << screen;
  EXPECT_LT(done, steps);
  EXPECT_LT(undo, steps);
  // After the heading only numbered steps, each naming the client and the account.
  for (const std::string& line : split_lines(screen.substr(steps))) {
    if (line.empty() || line.starts_with("Still to do")) continue;
    EXPECT_TRUE(line.starts_with("1. Becky! ") || line.starts_with("2. Becky! ") ||
                line.starts_with("3. Becky! ") || line.starts_with("4. Becky! "))
        << line;
  }
  // The plan still counts them: the machine is not done.
  const RunOutput plan = run_mailmig({"plan", "--format", "json"}, options_);
  EXPECT_EQ(plan.exit_code, 4) << plan.out << plan.err;
}

class PlanExitTest : public LinuxHomeTest {};

TEST_F(PlanExitTest, ManualStepsKeepThePlanAtFourAndAreCountedEverywhere) {
  sandbox_.copy_fixture("homes/windows", "windows");
  const std::string home = sandbox_.path("windows");
  const std::string policy = fixture_path("policies/tests/003-dti-every-seed-host.xml");
  const std::string log = sandbox_.path("mailmig.log");
  const std::vector<std::string> common{"--home",   home,   "--state-dir", sandbox_.state(),
                                        "--policy", policy, "--log",       log};
  auto run_with = [&](std::vector<std::string> args) {
    args.insert(args.end(), common.begin(), common.end());
    return run_mailmig(args, options_);
  };
  const RunOutput apply = run_with({"apply"});
  ASSERT_EQ(apply.exit_code, 0) << apply.out << apply.err;
  EXPECT_NE(apply.out.find("Not done yet: "), std::string::npos) << apply.out;

  // Nothing left for mailmig to change, but a person still has steps to do.
  const RunOutput text = run_with({"plan"});
  EXPECT_EQ(text.exit_code, 4) << text.out << text.err;
  EXPECT_EQ(text.out.find("Nothing to change."), std::string::npos) << text.out;
  EXPECT_NE(text.out.find(" steps must be done by hand (marked \"action required\" above)."),
            std::string::npos)
      << text.out;

  const RunOutput json = run_with({"plan", "--format", "json"});
  EXPECT_EQ(json.exit_code, 4);
  const nlohmann::json run = parse_json(json.out);
  EXPECT_EQ(run["summary"]["changes"], 0) << json.out;
  EXPECT_GT(run["summary"]["action_required"], 0) << json.out;
  bool becky_marked = false;
  for (const auto& profile : run["profiles"]) {
    for (const auto& account : profile["accounts"]) {
      EXPECT_NE(account["status"], "pending") << account.dump(1);
      if (profile["client"] == "becky" && account["status"] == "action-required") {
        becky_marked = true;
      }
    }
  }
  EXPECT_TRUE(becky_marked) << json.out;

  const std::string lines = read_file_bytes(log);
  EXPECT_NE(lines.find("command=apply event=profile client=becky status=action-required "),
            std::string::npos)
      << lines;
  EXPECT_EQ(lines.find("client=becky status=ok"), std::string::npos) << lines;
}

TEST_F(PlanExitTest, ARunningClientMakesThePlanExitThree) {
  const RunningSylpheed sylpheed(sandbox_.tmp());
  const RunOutput json =
      run({"plan", "--format", "json", "--policy", fixture_path("policies/tests/002-kyutech-every-seed-host.xml")});
  EXPECT_EQ(json.exit_code, 3) << json.out << json.err;
  const nlohmann::json run = parse_json(json.out);
  bool sylpheed_running = false;
  for (const auto& profile : run["profiles"]) {
    if (profile["client"] == "sylpheed") {
      EXPECT_EQ(profile["status"], "client-running") << profile.dump(1);
      sylpheed_running = true;
    } else {
      EXPECT_EQ(profile["status"], "ok") << profile.dump(1);
    }
  }
  EXPECT_TRUE(sylpheed_running) << json.out;
  EXPECT_EQ(run["summary"]["client_running"], 1);
}

// An Outlook Express export whose outgoing server keeps "requires a secure connection" on 587.
TEST(CommandLineWords, AnUpdateNumberIsInTheJsonNotInTheText) {
  Sandbox sandbox;
  sandbox.copy_fixture("registry/oe-regedit4-cp932.reg", "home/oe.reg");
  RunOptions options;
  options.tmpdir = sandbox.tmp();
  const std::vector<std::string> args{"plan", sandbox.home() + "/oe.reg", "--state-dir",
                                      sandbox.state()};
  for (const std::string lang : {"C", "ja_JP.UTF-8"}) {
    options.lang = lang;
    const RunOutput text = run_mailmig(args, options);
    EXPECT_EQ(text.exit_code, 4) << text.err;
    EXPECT_EQ(text.out.find("KB933612"), std::string::npos) << text.out;
    EXPECT_NE(text.out.find(lang == "C" ? "only with a Windows update (part of Windows XP SP3"
                                        : "Windows の更新プログラム（Windows XP SP3"),
              std::string::npos)
        << text.out;
  }
  std::vector<std::string> json_args = args;
  json_args.insert(json_args.end(), {"--format", "json"});
  const RunOutput json = run_mailmig(json_args, options);
  EXPECT_EQ(findings_containing(parse_json(json.out), "only with update KB933612 (part of").size(),
            1u)
      << json.out;
}

TEST(CommandLineWords, HelpShowsFileAndDirPlaceholdersInTheUsersLanguage) {
  Sandbox sandbox;
  RunOptions options;
  options.tmpdir = sandbox.tmp();
  const RunOutput english = run_mailmig({"plan", "--help"}, options);
  EXPECT_EQ(english.exit_code, 0);
  EXPECT_NE(english.out.find("--home DIR"), std::string::npos) << english.out;
  EXPECT_NE(english.out.find("--policy FILE"), std::string::npos) << english.out;
  EXPECT_NE(english.out.find("--log FILE"), std::string::npos) << english.out;
  EXPECT_NE(english.out.find("print this help and exit"), std::string::npos) << english.out;
  EXPECT_EQ(english.out.find("TEXT"), std::string::npos) << english.out;

  options.lang = "ja_JP.UTF-8";
  const RunOutput japanese = run_mailmig({"plan", "--help"}, options);
  EXPECT_EQ(japanese.exit_code, 0);
  EXPECT_NE(japanese.out.find("使い方:"), std::string::npos) << japanese.out;
  EXPECT_NE(japanese.out.find("このヘルプを表示して終了します"), std::string::npos) << japanese.out;
  EXPECT_NE(japanese.out.find("--state-dir DIR"), std::string::npos) << japanese.out;
  EXPECT_EQ(japanese.out.find("Print this help message"), std::string::npos) << japanese.out;
  EXPECT_EQ(japanese.out.find("Options:"), std::string::npos) << japanese.out;

  const RunOutput top = run_mailmig({"--help"}, options);
  EXPECT_NE(top.out.find("\nコマンド:\n  scan "), std::string::npos) << top.out;
  EXPECT_NE(top.out.find("バージョンを表示して終了します"), std::string::npos) << top.out;
  EXPECT_EQ(top.out.find("Subcommands"), std::string::npos) << top.out;
  EXPECT_EQ(top.out.find("Display program version"), std::string::npos) << top.out;
}

TEST(CommandLineWords, AParserErrorIsFramedInTheUsersLanguage) {
  Sandbox sandbox;
  RunOptions options;
  options.tmpdir = sandbox.tmp();
  options.lang = "ja_JP.UTF-8";
  const RunOutput japanese = run_mailmig({"plan", "--bogus"}, options);
  EXPECT_EQ(japanese.exit_code, 2);
  EXPECT_TRUE(japanese.err.starts_with("mailmig: コマンドラインが正しくありません: "))
      << japanese.err;
  EXPECT_NE(japanese.err.find("「mailmig --help」"), std::string::npos) << japanese.err;
  EXPECT_EQ(japanese.err.find("Run with --help"), std::string::npos) << japanese.err;
}

}  // namespace
}  // namespace mailmig::cli_testing
