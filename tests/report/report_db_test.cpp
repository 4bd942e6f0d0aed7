#include "src/report/report_db.h"
#include "src/report/report_summary.h"

#include <SQLiteCpp/Database.h>
#include <SQLiteCpp/Statement.h>
#include <gtest/gtest.h>

#include <array>
#include <chrono>
#include <fstream>
#include <memory>
#include <thread>

#include "parsers/clients/becky/becky_client.h"
#include "parsers/clients/outlook/outlook_client.h"
#include "parsers/clients/sylpheed/sylpheed_client.h"
#include "parsers/clients/thunderbird/thunderbird_client.h"
#include "parsers/clients/windows_mail/windows_mail_client.h"
#include "tests/report/sample_runs.h"

namespace mailmig {
namespace {

using testing::TempDir;

// Every row of a query, each row's columns joined by '|' (NULL written as "NULL").
std::vector<std::string> rows_of(const std::string& db_path, const std::string& sql) {
  SQLite::Database db(db_path);
  SQLite::Statement query(db, sql);
  std::vector<std::string> rows;
  while (query.executeStep()) {
    std::string row;
    for (int index = 0; index < query.getColumnCount(); ++index) {
      if (index > 0) row += '|';
      row += query.getColumn(index).isNull() ? "NULL" : query.getColumn(index).getString();
    }
    rows.push_back(row);
  }
  return rows;
}

TEST(ReportDb, AppendCreatesTheSchemaAndStoresEveryPart) {
  TempDir dir;
  const std::string db = dir.path("report.db");
  ASSERT_TRUE(append_run_to_report(db, testing::sample_plan_run()).ok());

  EXPECT_EQ(rows_of(db, "PRAGMA user_version"), std::vector<std::string>{"2"});
  EXPECT_EQ(
      rows_of(db, "SELECT * FROM runs"),
      std::vector<std::string>{
          "3f2a9c1e-7b4d-4e8a-9c21-5d6e7f809a1b|lab-pc-01|tanaka|2026-11-23T21:30:00Z|"
          "0.1.0|plan|iis-2026|"
          "9f86d081884c7d659a2feaa0c55ad015a3bf4f1b2b0b822cd15d6c15b0f00a08|lab-floor-2|off"});
  EXPECT_EQ(rows_of(db, "SELECT id, client, path, status, error FROM profiles ORDER BY id"),
            (std::vector<std::string>{
                "1|thunderbird|/home/tanaka/.thunderbird/x1y2z3.default|ok|NULL",
                "2|outlook-express|/home/tanaka/oe-accounts.reg|error|"
                "/home/tanaka/oe-accounts.reg:12: expected ']' after the key name",
                "3|becky|/home/tanaka/Becky|client-running|Close Becky! and run mailmig again"}));
  EXPECT_EQ(rows_of(db, "SELECT * FROM accounts"),
            std::vector<std::string>{
                "1|1|account1|田中 太郎|tanaka@iis.u-tokyo.ac.jp|imap|imap.iis.u-tokyo.ac.jp|143|"
                "plain|password-encrypted|tanaka|mail.iis.u-tokyo.ac.jp|25|plain|"
                "password-cleartext|tanaka|pending"});
  EXPECT_EQ(rows_of(db,
                    "SELECT account_id, rule, field, from_value, to_value, reason "
                    "FROM changes ORDER BY id"),
            (std::vector<std::string>{
                "1|smtp-submission-port|outgoing.port|25|587|SMTP submission moves to port 587",
                "1|smtp-starttls|outgoing.socketType|plain|STARTTLS|SMTP must use STARTTLS"}));
  EXPECT_EQ(rows_of(db,
                    "SELECT account_id, profile_id, rule, severity, message FROM findings "
                    "ORDER BY id"),
            (std::vector<std::string>{
                "1|1|spa-off|warning|The server pop.iis.u-tokyo.ac.jp no longer accepts SPA",
                "NULL|1|user-js|action-required|Remove mail.smtpserver.smtp1.port from user.js"}));
  EXPECT_EQ(rows_of(db, "SELECT profile_id, path, changed, backup FROM files"),
            std::vector<std::string>{"1|/home/tanaka/.thunderbird/x1y2z3.default/prefs.js|1|NULL"});
}

TEST(ReportDb, EachEndpointCheckIsStoredWithTheRunAndItsVerificationMode) {
  TempDir dir;
  const std::string db = dir.path("report.db");
  RunResult run = testing::sample_plan_run();
  run.verification = "required";
  run.endpoint_checks = testing::sample_endpoint_checks();
  // A server may say a lot; the report keeps the start of it, cut at a character.
  run.endpoint_checks[1].detail = "550 " + std::string(191, 'x') + "\xE3\x81\x82 and more";
  ASSERT_TRUE(append_run_to_report(db, run).ok());

  EXPECT_EQ(rows_of(db, "SELECT verification FROM runs"), std::vector<std::string>{"required"});
  const std::string cut = "550 " + std::string(191, 'x') + "\u2026";
  EXPECT_EQ(rows_of(db,
                    "SELECT id, run_id, protocol, host, port, security, authentication, result, "
                    "detail FROM endpoint_checks ORDER BY id"),
            (std::vector<std::string>{
                "1|3f2a9c1e-7b4d-4e8a-9c21-5d6e7f809a1b|imap|imap.iis.u-tokyo.ac.jp|993|SSL|"
                "password-cleartext|ok|",
                "2|3f2a9c1e-7b4d-4e8a-9c21-5d6e7f809a1b|smtp|mail.iis.u-tokyo.ac.jp|587|STARTTLS|"
                "password-cleartext|no-tls|" +
                    cut}));
  EXPECT_LE(cut.size(), kEndpointDetailMaxBytes);
}

TEST(ReportDb, InvalidUtf8IsStoredAsTheReplacementCharacter) {
  TempDir dir;
  const std::string db = dir.path("r.db");
  RunResult run = testing::sample_plan_run();
  run.profiles[0].path = "/home/\xFF";
  run.profiles[0].accounts[0].account.name = "n\xE6\x97";
  run.profiles[0].accounts[0].account.incoming.hostname = "h\xC0\xAF";
  run.profiles[0].files[0].path = "/home/\xFF/prefs.js";
  run.profiles[1].error = "e\x80";
  ASSERT_TRUE(append_run_to_report(db, run).ok());
  const std::string fffd = "\xEF\xBF\xBD";
  EXPECT_EQ(rows_of(db, "SELECT path FROM profiles ORDER BY id LIMIT 1"),
            std::vector<std::string>{"/home/" + fffd});
  EXPECT_EQ(rows_of(db, "SELECT name, in_hostname FROM accounts"),
            std::vector<std::string>{"n" + fffd + "|h" + fffd + fffd});
  EXPECT_EQ(rows_of(db, "SELECT path FROM files"),
            std::vector<std::string>{"/home/" + fffd + "/prefs.js"});
  EXPECT_EQ(rows_of(db, "SELECT error FROM profiles WHERE error IS NOT NULL ORDER BY id LIMIT 1"),
            std::vector<std::string>{"e" + fffd});
}

TEST(ReportDb, StoresAProfileOfEveryClient) {
  constexpr std::array kClients{kThunderbird,    kOutlook,
                                kOutlookExpress, kWindowsMail,
                                kBecky,          kSylpheed,
                                kClawsMail};
  RunResult run;
  run.info = testing::sample_info("run-clients", "scan", "pc", "2026-11-23T10:00:00Z");
  for (const ClientKind client : kClients) {
    ProfileResult profile;
    profile.client = client;
    profile.path = "/profiles/" + std::string(client_id(client));
    AccountResult account;
    account.account = testing::sample_account("1", std::string(client_id(client)) + "-user");
    if (client == kSylpheed) account.account.outgoing.reset();
    profile.accounts.push_back(account);
    run.profiles.push_back(profile);
  }
  TempDir dir;
  const std::string db = dir.path("report.db");
  ASSERT_TRUE(append_run_to_report(db, run).ok());
  EXPECT_EQ(
      rows_of(db,
              "SELECT p.client, p.path, a.in_username, a.out_hostname, a.out_port FROM profiles p "
              "JOIN accounts a ON a.profile_id = p.id ORDER BY p.id"),
      (std::vector<std::string>{
          "thunderbird|/profiles/thunderbird|thunderbird-user|mail.iis.u-tokyo.ac.jp|25",
          "outlook|/profiles/outlook|outlook-user|mail.iis.u-tokyo.ac.jp|25",
          "outlook-express|/profiles/outlook-express|outlook-express-user|"
          "mail.iis.u-tokyo.ac.jp|25",
          "windows-mail|/profiles/windows-mail|windows-mail-user|mail.iis.u-tokyo.ac.jp|25",
          "becky|/profiles/becky|becky-user|mail.iis.u-tokyo.ac.jp|25",
          "sylpheed|/profiles/sylpheed|sylpheed-user|NULL|NULL",
          "claws-mail|/profiles/claws-mail|claws-mail-user|mail.iis.u-tokyo.ac.jp|25"}));
}

TEST(ReportDb, SecondRunAppendsAndTheSameRunTwiceIsRefused) {
  TempDir dir;
  const std::string db = dir.path("report.db");
  RunResult run = testing::sample_plan_run();
  ASSERT_TRUE(append_run_to_report(db, run).ok());
  const ReportStatus again = append_run_to_report(db, run);
  EXPECT_EQ(again.error, db + ": run 3f2a9c1e-7b4d-4e8a-9c21-5d6e7f809a1b is already recorded");
  run.info.run_id = "second";
  ASSERT_TRUE(append_run_to_report(db, run).ok());
  EXPECT_EQ(rows_of(db, "SELECT run_id FROM runs ORDER BY rowid"),
            (std::vector<std::string>{"3f2a9c1e-7b4d-4e8a-9c21-5d6e7f809a1b", "second"}));
  EXPECT_EQ(rows_of(db, "SELECT count(*) FROM profiles"), std::vector<std::string>{"6"});
  EXPECT_EQ(rows_of(db,
                    "SELECT p.run_id, count(*) FROM changes c JOIN accounts a ON "
                    "a.id = c.account_id JOIN profiles p ON p.id = a.profile_id "
                    "GROUP BY p.run_id ORDER BY p.run_id"),
            (std::vector<std::string>{"3f2a9c1e-7b4d-4e8a-9c21-5d6e7f809a1b|2", "second|2"}));
}

TEST(ReportDb, NewerSchemaVersionIsRefusedAndLeftAlone) {
  TempDir dir;
  const std::string db = dir.path("report.db");
  {
    SQLite::Database future(db, SQLite::OPEN_READWRITE | SQLite::OPEN_CREATE);
    future.exec("CREATE TABLE runs(run_id TEXT PRIMARY KEY); PRAGMA user_version = 3");
  }
  const ReportStatus status = append_run_to_report(db, testing::sample_plan_run());
  EXPECT_EQ(status.error, db + ": report database schema version 3 is newer than this mailmig "
                               "understands (2); use a newer mailmig");
  EXPECT_EQ(rows_of(db, "SELECT count(*) FROM runs"), std::vector<std::string>{"0"});
}

TEST(ReportDb, EachAccountsStatusIsStored) {
  TempDir dir;
  const std::string db = dir.path("report.db");
  RunResult run = testing::sample_plan_run();
  run.profiles.resize(1);
  AccountResult& planned = run.profiles[0].accounts[0];
  AccountResult done = planned;
  done.account.id = "account2";
  done.changes.clear();
  AccountResult by_hand = planned;
  by_hand.account.id = "account3";
  by_hand.findings.push_back(make_finding("oauth2", Severity::ActionRequired, "Sign in again"));
  AccountResult elsewhere = planned;
  elsewhere.account.id = "account4";
  elsewhere.governed = false;
  run.profiles[0].accounts = {planned, done, by_hand, elsewhere};
  ASSERT_TRUE(append_run_to_report(db, run).ok());
  run.info.run_id = "applied";
  run.info.command = "apply";
  ASSERT_TRUE(append_run_to_report(db, run).ok());
  EXPECT_EQ(rows_of(db, "SELECT r.command, a.account_id, a.status FROM accounts a JOIN profiles p "
                        "ON p.id = a.profile_id JOIN runs r ON r.run_id = p.run_id ORDER BY a.id"),
            (std::vector<std::string>{
                "plan|account1|pending", "plan|account2|done", "plan|account3|action-required",
                "plan|account4|not-governed", "apply|account1|changed", "apply|account2|done",
                "apply|account3|action-required", "apply|account4|not-governed"}));
}

TEST(ReportDb, AVersion1DatabaseIsRefusedWithWhatToDo) {
  TempDir dir;
  const std::string db = dir.path("report.db");
  {
    SQLite::Database old(db, SQLite::OPEN_READWRITE | SQLite::OPEN_CREATE);
    old.exec("CREATE TABLE runs(run_id TEXT PRIMARY KEY); PRAGMA user_version = 1");
  }
  const std::string expected = db +
                               ": report database schema version 1 was written by an older "
                               "mailmig; run mailmig plan --report again into a new database";
  EXPECT_EQ(append_run_to_report(db, testing::sample_plan_run()).error, expected);
  EXPECT_EQ(summarize_report(db).error, expected);
  const MergeResult merged = merge_reports(dir.path("merged.db"), {db});
  ASSERT_EQ(merged.failed_inputs.size(), 1u);
  EXPECT_EQ(merged.failed_inputs[0].error, expected);
  EXPECT_EQ(rows_of(db, "SELECT count(*) FROM runs"), std::vector<std::string>{"0"});
}

TEST(ReportDb, OtherFilesAreNotTreatedAsReports) {
  TempDir dir;
  const std::string other_db = dir.path("other.db");
  {
    SQLite::Database other(other_db, SQLite::OPEN_READWRITE | SQLite::OPEN_CREATE);
    other.exec("CREATE TABLE notes(text TEXT)");
  }
  EXPECT_EQ(append_run_to_report(other_db, testing::sample_plan_run()).error,
            other_db + ": not a mailmig report database");

  const std::string text_file = dir.path("notes.txt");
  std::ofstream(text_file) << "this is not a database, just some text that is long enough\n";
  const ReportStatus status = append_run_to_report(text_file, testing::sample_plan_run());
  EXPECT_EQ(status.error, text_file + ": file is not a database");

  EXPECT_FALSE(
      append_run_to_report(dir.path("missing-folder/report.db"), testing::sample_plan_run()).ok());
}

TEST(ReportDb, LockedDatabaseIsAnErrorValueAfterTheTimeout) {
  TempDir dir;
  const std::string db = dir.path("report.db");
  ASSERT_TRUE(append_run_to_report(db, testing::sample_plan_run()).ok());
  SQLite::Database holder(db, SQLite::OPEN_READWRITE);
  holder.exec("BEGIN EXCLUSIVE");
  RunResult run = testing::sample_plan_run();
  run.info.run_id = "blocked";
  EXPECT_EQ(append_run_to_report(db, run, 20).error, db + ": database is locked");
  holder.exec("COMMIT");
  EXPECT_EQ(rows_of(db, "SELECT count(*) FROM runs"), std::vector<std::string>{"1"});
}

TEST(ReportDb, BusyDatabaseIsWaitedFor) {
  TempDir dir;
  const std::string db = dir.path("report.db");
  ASSERT_TRUE(append_run_to_report(db, testing::sample_plan_run()).ok());
  SQLite::Database holder(db, SQLite::OPEN_READWRITE);
  holder.exec("BEGIN EXCLUSIVE");
  std::thread release([&holder] {
    std::this_thread::sleep_for(std::chrono::milliseconds(200));
    holder.exec("COMMIT");
  });
  RunResult run = testing::sample_plan_run();
  run.info.run_id = "waited";
  const ReportStatus status = append_run_to_report(db, run, 60'000);
  release.join();
  EXPECT_TRUE(status.ok()) << status.error;
  EXPECT_EQ(rows_of(db, "SELECT count(*) FROM runs"), std::vector<std::string>{"2"});
}

// Every row of every table, in rowid order.
std::vector<std::string> every_row(const std::string& db_path) {
  std::vector<std::string> rows;
  for (const char* table :
       {"runs", "profiles", "accounts", "changes", "findings", "files", "endpoint_checks"}) {
    for (const std::string& row :
         rows_of(db_path, std::string("SELECT * FROM ") + table + " ORDER BY rowid")) {
      rows.push_back(std::string(table) + ": " + row);
    }
  }
  return rows;
}

// The run handed on as a run with a sink hands it: each account, then its profile with its
// accounts counted instead of kept.
RunResult hand_on(const RunResult& run, ReportDbWriter& writer) {
  writer.run_begun(run.info);
  RunResult kept_counts = run;
  for (ProfileResult& profile : kept_counts.profiles) {
    for (const AccountResult& result : profile.accounts) {
      writer.account(profile, result);
      profile.handed_on.add(result);
    }
    profile.accounts.clear();
    writer.profile_done(profile);
  }
  return kept_counts;
}

TEST(ReportDbWriter, WritesTheRunHandedOnAsAppendingTheWholeRunDoes) {
  TempDir dir;
  RunResult run = testing::sample_plan_run();
  run.info.run_id = "second";
  run.verification = "advisory";
  run.endpoint_checks = testing::sample_endpoint_checks();
  const std::string whole = dir.path("whole.db");
  ASSERT_TRUE(append_run_to_report(whole, testing::sample_plan_run()).ok());
  ASSERT_TRUE(append_run_to_report(whole, run).ok());

  const std::string streamed = dir.path("streamed.db");
  ASSERT_TRUE(append_run_to_report(streamed, testing::sample_plan_run()).ok());
  ReportDbWriter writer(streamed);
  const RunResult counted = hand_on(run, writer);
  ASSERT_TRUE(writer.finish(counted).ok());
  EXPECT_EQ(every_row(streamed), every_row(whole));
}

// Until the run ends, the report is neither written nor locked: a run killed before its end
// leaves the report as it was, and another run can append meanwhile.
TEST(ReportDbWriter, TheReportIsWrittenOnlyAtTheEndOfTheRun) {
  TempDir dir;
  const std::string db = dir.path("report.db");
  RunResult run = testing::sample_plan_run();
  run.info.run_id = "streamed";
  auto writer = std::make_unique<ReportDbWriter>(db, 20);
  const RunResult counted = hand_on(run, *writer);
  EXPECT_FALSE(std::ifstream(db).good()) << "the report was created before the run's end";

  ASSERT_TRUE(append_run_to_report(db, testing::sample_plan_run(), 20).ok());
  EXPECT_TRUE(writer->finish(counted).ok());
  EXPECT_EQ(rows_of(db, "SELECT run_id FROM runs ORDER BY rowid"),
            (std::vector<std::string>{testing::sample_plan_run().info.run_id, "streamed"}));

  // A run that never finishes (killed) writes nothing.
  RunResult unfinished = testing::sample_plan_run();
  unfinished.info.run_id = "unfinished";
  writer = std::make_unique<ReportDbWriter>(db, 20);
  hand_on(unfinished, *writer);
  writer.reset();
  EXPECT_EQ(rows_of(db, "SELECT count(*) FROM runs"), std::vector<std::string>{"2"});
}

}  // namespace
}  // namespace mailmig
