#include <SQLiteCpp/Database.h>
#include <gtest/gtest.h>

#include <array>
#include <cstdio>
#include <fstream>
#include <optional>

#include "parsers/clients/becky/becky_client.h"
#include "parsers/clients/outlook/outlook_client.h"
#include "parsers/clients/sylpheed/sylpheed_client.h"
#include "parsers/clients/thunderbird/thunderbird_client.h"
#include "parsers/clients/windows_mail/windows_mail_client.h"
#include "src/cli/report_commands.h"
#include "src/report/report_db.h"
#include "src/report/report_summary.h"
#include "tests/report/sample_runs.h"

namespace mailmig {
namespace {

using testing::TempDir;

std::int64_t count(const std::string& db_path, const std::string& sql) {
  SQLite::Database db(db_path);
  return db.execAndGet(sql).getInt64();
}

TEST(MergeReports, SameInputTwiceIsKeptOnce) {
  TempDir dir;
  const std::string input = dir.path("pc1.db");
  const std::string merged = dir.path("merged.db");
  RunResult run = testing::sample_plan_run();
  run.verification = "required";
  run.endpoint_checks = testing::sample_endpoint_checks();
  ASSERT_TRUE(append_run_to_report(input, run).ok());

  MergeResult first = merge_reports(merged, {input});
  ASSERT_TRUE(first) << first.error;
  EXPECT_EQ(first.inputs_merged, 1u);
  EXPECT_EQ(first.runs_added, 1u);
  EXPECT_EQ(first.runs_skipped, 0u);

  MergeResult second = merge_reports(merged, {input, input});
  ASSERT_TRUE(second) << second.error;
  EXPECT_EQ(second.inputs_merged, 2u);
  EXPECT_EQ(second.runs_added, 0u);
  EXPECT_EQ(second.runs_skipped, 2u);
  EXPECT_TRUE(second.failed_inputs.empty());

  EXPECT_EQ(count(merged, "SELECT count(*) FROM runs"), 1);
  EXPECT_EQ(count(merged, "SELECT count(*) FROM profiles"), 3);
  EXPECT_EQ(count(merged, "SELECT count(*) FROM accounts"), 1);
  EXPECT_EQ(count(merged, "SELECT count(*) FROM changes"), 2);
  EXPECT_EQ(count(merged, "SELECT count(*) FROM findings"), 2);
  EXPECT_EQ(count(merged, "SELECT count(*) FROM files"), 1);
  EXPECT_EQ(count(merged, "SELECT count(*) FROM endpoint_checks"), 2);
  EXPECT_EQ(count(merged, "SELECT count(*) FROM runs WHERE verification = 'required'"), 1);
}

TEST(MergeReports, IdsOfEachInputAreShiftedSoRowsStayLinked) {
  TempDir dir;
  std::vector<std::string> inputs;
  for (const std::string machine : {"pc-a", "pc-b"}) {
    RunResult run = testing::sample_plan_run();
    run.info.run_id = "run-" + machine;
    run.info.machine = machine;
    run.profiles[0].accounts[0].account.incoming.username = machine + "-user";
    run.endpoint_checks = testing::sample_endpoint_checks();
    run.endpoint_checks[1].endpoint.host = machine + ".smtp.example";
    inputs.push_back(dir.path(machine + ".db"));
    ASSERT_TRUE(append_run_to_report(inputs.back(), run).ok());
  }
  const std::string merged = dir.path("merged.db");
  ASSERT_TRUE(merge_reports(merged, inputs));
  SQLite::Database db(merged);
  SQLite::Statement query(db,
                          "SELECT r.machine, a.in_username, count(c.id), "
                          "(SELECT count(*) FROM findings f WHERE f.profile_id = p.id) "
                          "FROM runs r JOIN profiles p ON p.run_id = r.run_id "
                          "JOIN accounts a ON a.profile_id = p.id "
                          "JOIN changes c ON c.account_id = a.id GROUP BY a.id ORDER BY r.machine");
  std::vector<std::string> rows;
  while (query.executeStep()) {
    rows.push_back(query.getColumn(0).getString() + "|" + query.getColumn(1).getString() + "|" +
                   query.getColumn(2).getString() + "|" + query.getColumn(3).getString());
  }
  EXPECT_EQ(rows, (std::vector<std::string>{"pc-a|pc-a-user|2|2", "pc-b|pc-b-user|2|2"}));
  SQLite::Statement checks(db,
                           "SELECT r.machine || '|' || e.host || '|' || e.result FROM "
                           "endpoint_checks e JOIN runs r ON r.run_id = e.run_id ORDER BY e.id");
  std::vector<std::string> check_rows;
  while (checks.executeStep()) check_rows.push_back(checks.getColumn(0).getString());
  EXPECT_EQ(check_rows, (std::vector<std::string>{
                            "pc-a|imap.iis.u-tokyo.ac.jp|ok", "pc-a|pc-a.smtp.example|no-tls",
                            "pc-b|imap.iis.u-tokyo.ac.jp|ok", "pc-b|pc-b.smtp.example|no-tls"}));
  SQLite::Statement dangling(db, "PRAGMA foreign_key_check");
  EXPECT_FALSE(dangling.executeStep());
}

TEST(MergeReports, UnreadableInputsAreListedAndSkipped) {
  TempDir dir;
  const std::string good = dir.path("good.db");
  ASSERT_TRUE(append_run_to_report(good, testing::sample_plan_run()).ok());
  const std::string missing = dir.path("missing.db");
  const std::string text = dir.path("notes.txt");
  std::ofstream(text) << "not a database, only text, but long enough to have a header\n";
  const std::string future = dir.path("future.db");
  {
    SQLite::Database db(future, SQLite::OPEN_READWRITE | SQLite::OPEN_CREATE);
    db.exec("CREATE TABLE runs(run_id TEXT); PRAGMA user_version = 7");
  }
  const std::string merged = dir.path("merged.db");

  const MergeResult result =
      merge_reports(merged, {missing, text, good, future, merged, dir.path("")});
  ASSERT_TRUE(result) << result.error;
  EXPECT_EQ(result.inputs_merged, 1u);
  EXPECT_EQ(result.runs_added, 1u);
  ASSERT_EQ(result.failed_inputs.size(), 5u);
  EXPECT_EQ(result.failed_inputs[0].path, missing);
  EXPECT_EQ(result.failed_inputs[0].error, missing + ": no such file");
  EXPECT_EQ(result.failed_inputs[1].error, text + ": file is not a database");
  EXPECT_EQ(result.failed_inputs[2].error,
            future +
                ": report database schema version 7 is newer than this mailmig understands (2); "
                "use a newer mailmig");
  EXPECT_EQ(result.failed_inputs[3].error, merged + ": is the output database");
  EXPECT_EQ(result.failed_inputs[4].error, dir.path("") + ": not a regular file");
  // Reading the missing input did not create it.
  EXPECT_FALSE(std::ifstream(missing).good());
  EXPECT_EQ(count(merged, "SELECT count(*) FROM runs"), 1);
}

// A report of machine `machine`, then `sql` run on it as an attacker would (no foreign keys).
std::string hostile_report(const TempDir& dir, const std::string& machine, const std::string& sql) {
  RunResult run = testing::sample_plan_run();
  run.info.run_id = "run-" + machine;
  run.info.machine = machine;
  run.endpoint_checks = testing::sample_endpoint_checks();
  const std::string path = dir.path(machine + ".db");
  EXPECT_TRUE(append_run_to_report(path, run).ok());
  SQLite::Database db(path, SQLite::OPEN_READWRITE);
  db.exec(sql);
  return path;
}

void expect_intact(const std::string& db_path) {
  SQLite::Database db(db_path);
  EXPECT_EQ(db.execAndGet("PRAGMA integrity_check").getString(), "ok");
  SQLite::Statement dangling(db, "PRAGMA foreign_key_check");
  EXPECT_FALSE(dangling.executeStep()) << "a row refers to nothing";
}

std::string machines(const std::string& db_path) {
  SQLite::Database db(db_path);
  SQLite::Statement query(db,
                          "SELECT group_concat(machine, ',') FROM "
                          "(SELECT machine FROM runs ORDER BY machine)");
  query.executeStep();
  return query.getColumn(0).getString();
}

constexpr const char* kEndlessRunsView =
    "DROP TABLE runs; CREATE VIEW runs AS WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL "
    "SELECT i + 1 FROM n) SELECT 'r' || i AS run_id, 'm' AS machine, 'u' AS user, 't' AS time, "
    "'v' AS mailmig_version, 'plan' AS command, 'p' AS policy_name, 'h' AS policy_hash FROM n";

constexpr const char* kEndlessRunsViewForBatch =
    "DROP TABLE runs; CREATE VIEW runs AS WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL "
    "SELECT i + 1 FROM n) SELECT 'r' || i AS run_id FROM n";

TEST(MergeReports, AnEndlessViewIsRefusedAndTheOtherInputsMerged) {
  TempDir dir;
  const std::string before = hostile_report(dir, "pc-a", "SELECT 1");
  const std::string endless = hostile_report(dir, "pc-evil", kEndlessRunsView);
  const std::string after = hostile_report(dir, "pc-b", "SELECT 1");
  const std::string merged = dir.path("merged.db");
  const MergeResult result = merge_reports(merged, {before, endless, after});
  ASSERT_TRUE(result) << result.error;
  EXPECT_EQ(result.inputs_merged, 2u);
  ASSERT_EQ(result.failed_inputs.size(), 1u);
  EXPECT_EQ(result.failed_inputs[0].error,
            endless + ": refused: its view \"runs\" is not part of a mailmig report");
  EXPECT_EQ(machines(merged), "pc-a,pc-b");
  expect_intact(merged);

  const ReportSummaryResult summary = summarize_report(endless);
  EXPECT_EQ(summary.error,
            endless + ": refused: its view \"runs\" is not part of a mailmig report");
}

TEST(MergeReports, TriggersAndUnknownObjectsAreRefused) {
  TempDir dir;
  const std::vector<std::pair<std::string, std::string>> cases{
      {"CREATE TRIGGER spy AFTER INSERT ON changes BEGIN SELECT 1; END", "trigger \"spy\""},
      {"CREATE TABLE extra(x)", "table \"extra\""},
      {"CREATE INDEX by_message ON findings(lower(message))", "index \"by_message\""},
      {"DROP INDEX files_by_profile", "index \"files_by_profile\" is missing"},
      {"CREATE TRIGGER watch AFTER INSERT ON endpoint_checks BEGIN SELECT 1; END",
       "trigger \"watch\""},
      {"CREATE VIEW failing AS SELECT * FROM endpoint_checks WHERE result <> 'ok'",
       "view \"failing\""},
      {"CREATE INDEX by_detail ON endpoint_checks(detail)", "index \"by_detail\""},
      {"DROP INDEX endpoint_checks_by_run", "index \"endpoint_checks_by_run\" is missing"},
  };
  for (std::size_t i = 0; i < cases.size(); ++i) {
    const std::string input = hostile_report(dir, "pc-" + std::to_string(i), cases[i].first);
    const std::string merged = dir.path("merged" + std::to_string(i) + ".db");
    const MergeResult result = merge_reports(merged, {input});
    ASSERT_EQ(result.failed_inputs.size(), 1u) << cases[i].first;
    EXPECT_NE(result.failed_inputs[0].error.find("refused: its " + cases[i].second),
              std::string::npos)
        << result.failed_inputs[0].error;
    EXPECT_EQ(count(merged, "SELECT count(*) FROM runs"), 0);
    expect_intact(merged);
  }
}

TEST(MergeReports, RowsThatReferToAnotherReportsRowsAreRefused) {
  TempDir dir;
  const std::string honest = hostile_report(dir, "pc-a", "SELECT 1");
  const std::vector<std::string> forgeries{
      "UPDATE findings SET account_id = 0, severity = 'action-required', message = 'URGENT: "
      "reply with your password'",
      "UPDATE findings SET account_id = -1, severity = 'action-required', message = 'URGENT: "
      "reply with your password'",
      "UPDATE changes SET account_id = account_id - 1, rule = 'URGENT'",
      "UPDATE accounts SET profile_id = 0, name = 'URGENT'",
      "UPDATE profiles SET run_id = 'run-pc-a', path = 'URGENT'",
      "UPDATE profiles SET id = -5, path = 'URGENT' WHERE id = (SELECT max(id) FROM profiles)",
      "UPDATE files SET profile_id = 99, path = 'URGENT'",
      // An account of another profile of the same report: still not the finding's own.
      "UPDATE findings SET message = 'URGENT', account_id = (SELECT id FROM accounts LIMIT 1), "
      "profile_id = (SELECT max(id) FROM profiles)",
      // A check said to be of another machine's run.
      "UPDATE endpoint_checks SET run_id = 'run-pc-a', detail = 'URGENT'",
      "UPDATE endpoint_checks SET id = 0, detail = 'URGENT' WHERE result = 'ok'",
  };
  for (std::size_t i = 0; i < forgeries.size(); ++i) {
    const std::string forged = hostile_report(dir, "pc-x" + std::to_string(i), forgeries[i]);
    const std::string merged = dir.path("merged" + std::to_string(i) + ".db");
    const MergeResult result = merge_reports(merged, {honest, forged});
    ASSERT_TRUE(result) << result.error;
    EXPECT_EQ(result.inputs_merged, 1u) << forgeries[i];
    ASSERT_EQ(result.failed_inputs.size(), 1u) << forgeries[i];
    EXPECT_NE(
        result.failed_inputs[0].error.find("refer to runs, profiles or accounts it does not hold"),
        std::string::npos)
        << result.failed_inputs[0].error;
    EXPECT_EQ(machines(merged), "pc-a");
    expect_intact(merged);
    const ReportSummaryResult summary = summarize_report(merged);
    ASSERT_TRUE(summary) << summary.error;
    for (const WorklistEntry& entry : summary.summary.worklist) {
      for (const std::string& step : entry.manual_steps) {
        EXPECT_EQ(step.find("URGENT"), std::string::npos) << forgeries[i];
      }
      EXPECT_EQ(entry.machine, "pc-a");
    }
    // The summary checks a database it is given the same way.
    const ReportSummaryResult direct = summarize_report(forged);
    EXPECT_NE(direct.error.find("refer to runs, profiles or accounts it does not hold"),
              std::string::npos)
        << forgeries[i];
  }
}

TEST(MergeReports, EndpointChecksWithOversizedValuesAreRefused) {
  TempDir dir;
  const std::string honest = hostile_report(dir, "pc-a", "SELECT 1");
  const std::vector<std::pair<std::string, std::string>> cases{
      // Longer than the writer stores, yet far below SQLite's limit for a value.
      {"UPDATE endpoint_checks SET detail = 'URGENT ' || hex(zeroblob(150))",
       "hold a detail that is not text of at most 200 bytes"},
      {"UPDATE endpoint_checks SET detail = zeroblob(10)",
       "hold a detail that is not text of at most 200 bytes"},
      // Beyond what any value of a report may be: SQLite refuses to read it.
      {"UPDATE endpoint_checks SET host = 'URGENT' || hex(zeroblob(1000000))", "too big"},
  };
  for (std::size_t i = 0; i < cases.size(); ++i) {
    const std::string forged = hostile_report(dir, "pc-x" + std::to_string(i), cases[i].first);
    const std::string merged = dir.path("merged" + std::to_string(i) + ".db");
    const MergeResult result = merge_reports(merged, {honest, forged});
    ASSERT_TRUE(result) << result.error;
    EXPECT_EQ(result.inputs_merged, 1u) << cases[i].first;
    ASSERT_EQ(result.failed_inputs.size(), 1u) << cases[i].first;
    EXPECT_NE(result.failed_inputs[0].error.find(cases[i].second), std::string::npos)
        << result.failed_inputs[0].error;
    EXPECT_EQ(machines(merged), "pc-a");
    EXPECT_EQ(count(merged, "SELECT count(*) FROM endpoint_checks"), 2);
    EXPECT_EQ(count(merged,
                    "SELECT count(*) FROM endpoint_checks WHERE host LIKE 'URGENT%' OR "
                    "detail LIKE 'URGENT%'"),
              0);
    expect_intact(merged);
    EXPECT_NE(summarize_report(forged).error.find(cases[i].second), std::string::npos)
        << cases[i].first;
  }
}

TEST(MergeReports, AnOutputWithATriggerIsNeitherMergedIntoNorAppendedTo) {
  TempDir dir;
  const std::string input = hostile_report(dir, "pc-a", "SELECT 1");
  const std::string merged =
      hostile_report(dir, "pc-out",
                     "CREATE TABLE stolen(x); CREATE TRIGGER spy AFTER INSERT ON findings BEGIN "
                     "INSERT INTO stolen VALUES(new.message); END");
  const MergeResult result = merge_reports(merged, {input});
  EXPECT_FALSE(result);
  EXPECT_NE(result.error.find("refused: its "), std::string::npos) << result.error;
  EXPECT_FALSE(append_run_to_report(merged, testing::sample_plan_run()).ok());
  EXPECT_EQ(count(merged, "SELECT count(*) FROM stolen"), 0);
  EXPECT_EQ(count(merged, "SELECT count(*) FROM runs"), 1);
}

TEST(MergeReports, AnInputThatTakesTooMuchWorkIsRefusedAndRolledBack) {
  TempDir dir;
  const std::string input = hostile_report(dir, "pc-a", "SELECT 1");
  const std::string merged = dir.path("merged.db");
  const MergeResult starved = merge_reports(merged, {input}, {}, kReportBusyTimeoutMs, 1);
  ASSERT_TRUE(starved) << starved.error;
  ASSERT_EQ(starved.failed_inputs.size(), 1u);
  EXPECT_EQ(starved.failed_inputs[0].error,
            input + ": refused: reading it took far more work than a report of its size");
  EXPECT_EQ(count(merged, "SELECT count(*) FROM runs"), 0);
  expect_intact(merged);
  // The same input with the budget its size allows merges, into the same output.
  const MergeResult result = merge_reports(merged, {input});
  EXPECT_TRUE(result.failed_inputs.empty());
  EXPECT_EQ(result.runs_added, 1u);
  expect_intact(merged);
}

// SQLite's file change counter (bytes 24-27 of the header) counts the transactions committed
// to the file.
std::uint32_t commits_of(const std::string& db_path) {
  std::ifstream file(db_path, std::ios::binary);
  std::array<unsigned char, 28> header{};
  file.read(reinterpret_cast<char*>(header.data()), header.size());
  return (std::uint32_t{header[24]} << 24) | (std::uint32_t{header[25]} << 16) |
         (std::uint32_t{header[26]} << 8) | std::uint32_t{header[27]};
}

TEST(MergeReports, ManyInputsAreWrittenInOneCommitYetEachIsAllOrNothing) {
  TempDir dir;
  std::vector<std::string> inputs;
  for (int index = 0; index < 40; ++index) {
    const std::string machine = "pc-" + std::to_string(100 + index);
    inputs.push_back(index == 20 ? hostile_report(dir, machine, kEndlessRunsViewForBatch)
                                 : hostile_report(dir, machine, "SELECT 1"));
  }
  inputs.push_back(inputs[3]);  // the same runs twice in one commit are kept once
  const std::string merged = dir.path("merged.db");
  ASSERT_TRUE(append_run_to_report(merged, testing::sample_plan_run()).ok());
  const std::uint32_t before = commits_of(merged);

  const MergeResult result = merge_reports(merged, inputs);
  ASSERT_TRUE(result) << result.error;
  EXPECT_EQ(result.inputs_merged, 40u);
  EXPECT_EQ(result.runs_added, 39u);
  EXPECT_EQ(result.runs_skipped, 1u);
  ASSERT_EQ(result.failed_inputs.size(), 1u);
  EXPECT_EQ(result.failed_inputs[0].path, inputs[20]);
  EXPECT_EQ(commits_of(merged) - before, 1u);
  EXPECT_EQ(count(merged, "SELECT count(*) FROM runs"), 40);
  EXPECT_EQ(count(merged, "SELECT count(*) FROM runs WHERE machine = 'pc-120'"), 0);
  expect_intact(merged);
}

TEST(MergeReports, WhenTheCommitFailsEveryInputItHeldIsListedAndNothingIsWritten) {
  TempDir dir;
  const std::vector<std::string> inputs{hostile_report(dir, "pc-a", "SELECT 1"),
                                        hostile_report(dir, "pc-b", "SELECT 1")};
  const std::string merged = dir.path("merged.db");
  // Another writer takes the output once the merge has started, and keeps it to the end.
  std::optional<SQLite::Database> other;
  const MergeResult result = merge_reports(
      merged, inputs,
      [&](std::size_t done, std::size_t) {
        if (done == 1) {
          other.emplace(merged, SQLite::OPEN_READWRITE);
          other->exec("BEGIN IMMEDIATE");
        }
      },
      /*busy_timeout_ms=*/50);
  ASSERT_TRUE(result) << result.error;
  EXPECT_EQ(result.inputs_merged, 0u);
  EXPECT_EQ(result.runs_added, 0u);
  ASSERT_EQ(result.failed_inputs.size(), 2u);
  EXPECT_EQ(result.failed_inputs[0].path, inputs[0]);
  EXPECT_EQ(result.failed_inputs[0].error, merged + ": database is locked");
  other->exec("ROLLBACK");
  EXPECT_EQ(count(merged, "SELECT count(*) FROM runs"), 0);
}

TEST(MergeReports, OutputOfANewerSchemaIsFatal) {
  TempDir dir;
  const std::string merged = dir.path("merged.db");
  {
    SQLite::Database db(merged, SQLite::OPEN_READWRITE | SQLite::OPEN_CREATE);
    db.exec("CREATE TABLE runs(run_id TEXT); PRAGMA user_version = 3");
  }
  const MergeResult result = merge_reports(merged, {dir.path("whatever.db")});
  EXPECT_FALSE(result);
  EXPECT_EQ(result.error, merged +
                              ": report database schema version 3 is newer than this mailmig "
                              "understands (2); use a newer mailmig");
}

TEST(MergeReports, PathsWithUriCharactersNameFiles) {
#ifdef _WIN32
  GTEST_SKIP() << "'?' and ':' cannot be in a Windows file name; SQLite's URI parsing is the "
                  "same code on every platform and is tested where such names exist";
#endif
  TempDir dir;
  const std::string input = dir.path("pc 1?#%&=機械.db");
  const std::string merged = dir.path("file:merged?mode=ro#.db");
  ASSERT_TRUE(append_run_to_report(input, testing::sample_plan_run()).ok());
  const MergeResult result = merge_reports(merged, {input});
  ASSERT_TRUE(result) << result.error;
  EXPECT_TRUE(result.failed_inputs.empty());
  EXPECT_EQ(result.runs_added, 1u);
  const ReportSummaryResult summary = summarize_report(merged);
  ASSERT_TRUE(summary) << summary.error;
  EXPECT_EQ(summary.summary.runs, 1u);
  EXPECT_EQ(count(merged, "SELECT count(*) FROM runs"), 1);
}

// What the generator put into the reports, counted as it goes.
struct Expected {
  std::size_t runs = 0;
  std::size_t accounts = 0;
  std::size_t pending_accounts = 0;
  std::size_t client_running = 0;
  std::map<std::string, std::size_t> pending_by_rule;
  std::map<std::string, std::size_t> pending_by_client;
  std::map<std::string, std::size_t> pending_by_host;
};

constexpr std::array kClients{kThunderbird,    kOutlook,
                              kOutlookExpress, kWindowsMail,
                              kBecky,          kSylpheed,
                              kClawsMail};
constexpr std::array<const char*, 3> kHosts{"mail.iis.u-tokyo.ac.jp", "smtp.tanaka.dti.ne.jp",
                                            "smtp.club.kyutech.ac.jp"};

// Machine `index`: one profile of a client chosen by index, with one or two accounts; a third of
// the machines applied their changes, one in 50 had the client running.
RunResult generated_run(std::size_t index, Expected& expected) {
  char machine[16];
  std::snprintf(machine, sizeof machine, "pc-%04zu", index);
  const std::string command = index % 3 == 0 ? "apply" : index % 3 == 1 ? "plan" : "scan";
  RunResult run;
  run.info = testing::sample_info("run-" + std::to_string(index), command, machine,
                                  "2026-11-23T10:00:00Z");
  ProfileResult profile;
  profile.client = kClients[index % kClients.size()];
  profile.path = "C:/Users/tanaka/AppData/Roaming/profile";
  ++expected.runs;
  if (index % 50 == 7) {
    profile.status = ProfileStatus::ClientRunning;
    profile.error = "close the client";
    ++expected.client_running;
    run.profiles.push_back(profile);
    return run;
  }
  const std::size_t account_count = 1 + index % 2;
  for (std::size_t number = 0; number < account_count; ++number) {
    AccountResult account;
    account.account =
        testing::sample_account(std::to_string(number), "user" + std::to_string(number));
    account.account.incoming.hostname = kHosts[(index + number) % kHosts.size()];
    account.changes.push_back(Change{"smtp-submission-port", "outgoing.port", "25", "587", "r"});
    if (number == 1) {
      account.changes.push_back(
          Change{"smtp-starttls", "outgoing.socketType", "plain", "STARTTLS", "r"});
    }
    ++expected.accounts;
    if (command != "apply") {
      ++expected.pending_accounts;
      for (const Change& change : account.changes) ++expected.pending_by_rule[change.rule];
      ++expected.pending_by_client[std::string(client_id(profile.client))];
      ++expected.pending_by_host[account.account.incoming.hostname];
    }
    profile.accounts.push_back(account);
  }
  run.profiles.push_back(profile);
  return run;
}

TEST(MergeReports, AThousandMachineReportsMergeAndSummarize) {
  constexpr std::size_t kMachines = 1000;
  TempDir dir(/*in_memory=*/true);
  Expected expected;
  std::vector<std::string> inputs;
  for (std::size_t index = 0; index < kMachines; ++index) {
    inputs.push_back(dir.path("machine-" + std::to_string(index) + ".db"));
    ASSERT_TRUE(append_run_to_report(inputs.back(), generated_run(index, expected)).ok());
  }
  const std::string merged = dir.path("merged.db");
  std::vector<std::pair<std::size_t, std::size_t>> progress;
  const MergeResult result = merge_reports(
      merged, inputs,
      [&](std::size_t done, std::size_t total) { progress.emplace_back(done, total); });
  ASSERT_TRUE(result) << result.error;
  EXPECT_TRUE(result.failed_inputs.empty());
  EXPECT_EQ(result.inputs_merged, kMachines);
  EXPECT_EQ(result.runs_added, kMachines);
  ASSERT_EQ(progress.size(), kMachines);
  for (std::size_t index = 0; index < kMachines; ++index) {
    EXPECT_EQ(progress[index], std::make_pair(index + 1, kMachines));
  }

  const ReportSummaryResult summarized = summarize_report(merged);
  ASSERT_TRUE(summarized) << summarized.error;
  const ReportSummary& summary = summarized.summary;
  EXPECT_EQ(summary.machines, kMachines);
  EXPECT_EQ(summary.runs, expected.runs);
  EXPECT_EQ(summary.profiles, kMachines);
  EXPECT_EQ(summary.accounts, expected.accounts);
  EXPECT_EQ(summary.pending_accounts, expected.pending_accounts);
  EXPECT_EQ(summary.client_running, expected.client_running);
  EXPECT_EQ(summary.errors, 0u);
  EXPECT_EQ(summary.pending_by_rule, expected.pending_by_rule);
  EXPECT_EQ(summary.pending_by_client, expected.pending_by_client);
  EXPECT_EQ(summary.pending_by_host, expected.pending_by_host);
  EXPECT_EQ(summary.worklist.size(), expected.pending_accounts);
  EXPECT_EQ(summary.attention.size(), expected.client_running);

  // Merging everything again adds nothing.
  const MergeResult again = merge_reports(merged, inputs);
  EXPECT_EQ(again.runs_added, 0u);
  EXPECT_EQ(again.runs_skipped, kMachines);
  EXPECT_EQ(count(merged, "SELECT count(*) FROM runs"), static_cast<std::int64_t>(kMachines));
}

}  // namespace
}  // namespace mailmig

namespace mailmig {
namespace {

TEST(MergeProgress, SaysCountsRateAndTimeLeft) {
  EXPECT_EQ(merge_progress_line(1200, 10000, 1.5),
            "1200 / 10000 reports, 800 a second, about 11 s left");
  EXPECT_EQ(merge_progress_line(0, 10, 0), "0 / 10 reports, 0 a second, about 0 s left");
}

}  // namespace
}  // namespace mailmig
