#include "src/report/csv.h"

#include <gtest/gtest.h>

#include "src/report/csv_report.h"
#include "tests/report/sample_runs.h"

namespace mailmig {
namespace {

TEST(Csv, QuotesOnlyFieldsThatNeedIt) {
  std::string out;
  append_csv_row(out, {"plain", "a,b", "say \"hi\"", "line\r\nbreak", "lf\nonly", "cr\ronly", ""});
  EXPECT_EQ(out,
            "plain,\"a,b\",\"say \"\"hi\"\"\",\"line\r\nbreak\",\"lf\nonly\",\"cr\ronly\",\r\n");
}

TEST(Csv, FormulaLikeFieldsGetALeadingApostropheAndQuotes) {
  std::string out;
  append_csv_row(out, {"=HYPERLINK(\"http://x\")", "+cmd|' /C calc'!A0", "-2+3", "@SUM(A1)",
                       "\tTAB", "\rCR", "a=b", "ok"});
  EXPECT_EQ(out,
            "\"'=HYPERLINK(\"\"http://x\"\")\",\"'+cmd|' /C calc'!A0\",\"'-2+3\",\"'@SUM(A1)\","
            "\"'\tTAB\",\"'\rCR\",a=b,ok\r\n");
  const CsvTable table = read_csv(out);
  ASSERT_TRUE(table) << table.status.message;
  EXPECT_EQ(table.rows,
            (std::vector<CsvRow>{{"'=HYPERLINK(\"http://x\")", "'+cmd|' /C calc'!A0", "'-2+3",
                                  "'@SUM(A1)", "'\tTAB", "'\rCR", "a=b", "ok"}}));
}

TEST(Csv, InvalidUtf8BecomesTheReplacementCharacter) {
  std::string out;
  append_csv_row(out, {"a\xFF", "\xE6\x97"});
  EXPECT_EQ(out, "a\xEF\xBF\xBD,\xEF\xBF\xBD\r\n");
}

TEST(Csv, RoundTripsCommasQuotesLineBreaksAndJapanese) {
  const std::vector<CsvRow> rows{
      {"名前", "address", "note"},
      {"田中, 太郎", "tanaka@iis.u-tokyo.ac.jp", "\"quoted\" and, comma"},
      {"花子\r\n二行目", "", "trailing \""},
      {"", "", ""},
      {"single"},
  };
  std::string text;
  for (const CsvRow& row : rows) append_csv_row(text, row);
  const CsvTable table = read_csv(text);
  ASSERT_TRUE(table) << table.status.message;
  EXPECT_EQ(table.rows, rows);
}

TEST(Csv, ReaderAcceptsLastRecordWithoutLineEndAndBareLf) {
  const CsvTable table = read_csv("a,b\nc,\"d\"");
  ASSERT_TRUE(table);
  EXPECT_EQ(table.rows, (std::vector<CsvRow>{{"a", "b"}, {"c", "d"}}));
  EXPECT_TRUE(read_csv("").rows.empty());
}

TEST(Csv, ReaderReportsMalformedTextWithPosition) {
  CsvTable table = read_csv("a,b\r\nc,d\"e\r\n");
  EXPECT_FALSE(table);
  EXPECT_EQ(table.status.line, 2u);
  EXPECT_EQ(table.status.column, 4u);
  EXPECT_EQ(table.status.message, "unexpected '\"' in an unquoted field");

  table = read_csv("\"ab\"c\r\n");
  EXPECT_FALSE(table);
  EXPECT_EQ(table.status.message, "expected ',' or a line end after a closing '\"'");

  table = read_csv("a\r\n\"open\r\nstill open");
  EXPECT_FALSE(table);
  EXPECT_EQ(table.status.line, 3u);
  EXPECT_EQ(table.status.message, "unclosed '\"' at the end of the text");

  table = read_csv("a\rb");
  EXPECT_FALSE(table);
  EXPECT_EQ(table.status.message, "expected LF after CR");
}

CsvTable read_report(const RunResult& run) {
  CsvTable table = read_csv(write_csv(run));
  EXPECT_TRUE(table) << table.status.message;
  return table;
}

// The value in `column` of `row`, looked up by the header's name.
std::string cell(const CsvTable& table, std::size_t row, std::string_view column) {
  const CsvRow& header = table.rows.at(0);
  for (std::size_t index = 0; index < header.size(); ++index) {
    if (header[index] == column) return table.rows.at(row).at(index);
  }
  ADD_FAILURE() << "no column " << column;
  return {};
}

TEST(CsvReport, HeaderStartsWithTheDocumentedColumns) {
  const CsvTable table = read_report(testing::sample_plan_run());
  const CsvRow expected_prefix{"client",
                               "profile",
                               "status",
                               "account",
                               "name",
                               "address",
                               "protocol",
                               "hostname",
                               "port",
                               "socketType",
                               "authentication",
                               "username",
                               "smtp_hostname",
                               "smtp_port",
                               "smtp_socketType",
                               "smtp_authentication",
                               "rule",
                               "field",
                               "from",
                               "to",
                               "reason"};
  const CsvRow& header = table.rows.at(0);
  ASSERT_GE(header.size(), expected_prefix.size());
  EXPECT_EQ(CsvRow(header.begin(), header.begin() + static_cast<long>(expected_prefix.size())),
            expected_prefix);
  for (const CsvRow& row : table.rows) EXPECT_EQ(row.size(), header.size());
}

// Issue 15: the account's status, on every row of the account; empty for a profile's row.
TEST(CsvReport, EveryAccountRowHasTheAccountStatus) {
  RunResult run = testing::sample_plan_run();
  run.profiles[0].accounts[0].findings.push_back(
      make_finding("becky-starttls", Severity::ActionRequired, "Turn on STARTTLS by hand"));
  const CsvTable table = read_report(run);
  EXPECT_EQ(table.rows.at(0).at(table.rows.at(0).size() - 2), "account_status");
  EXPECT_EQ(cell(table, 1, "account_status"), "action-required");
  EXPECT_EQ(cell(table, 2, "account_status"), "action-required");
  EXPECT_EQ(cell(table, 3, "account_status"), "");  // the profile that could not be read
  EXPECT_EQ(cell(read_report(testing::sample_plan_run()), 1, "account_status"), "pending");
}

TEST(CsvReport, PlanHasOneRowPerChangeAndOneRowPerProfileWithoutAccounts) {
  const CsvTable table = read_report(testing::sample_plan_run());
  ASSERT_EQ(table.rows.size(), 5u);  // header, two changes, the error, the running client
  EXPECT_EQ(cell(table, 1, "client"), "thunderbird");
  EXPECT_EQ(cell(table, 1, "account"), "account1");
  EXPECT_EQ(cell(table, 1, "name"), "田中 太郎");
  EXPECT_EQ(cell(table, 1, "port"), "143");
  EXPECT_EQ(cell(table, 1, "smtp_port"), "25");
  EXPECT_EQ(cell(table, 1, "smtp_socketType"), "plain");
  EXPECT_EQ(cell(table, 1, "rule"), "smtp-submission-port");
  EXPECT_EQ(cell(table, 1, "from"), "25");
  EXPECT_EQ(cell(table, 1, "to"), "587");
  EXPECT_EQ(cell(table, 1, "findings"),
            "warning spa-off: The server pop.iis.u-tokyo.ac.jp no longer accepts SPA\n"
            "action-required user-js: Remove mail.smtpserver.smtp1.port from user.js");
  EXPECT_EQ(cell(table, 2, "rule"), "smtp-starttls");
  EXPECT_EQ(cell(table, 2, "field"), "outgoing.socketType");
  EXPECT_EQ(cell(table, 2, "to"), "STARTTLS");
  EXPECT_EQ(cell(table, 2, "findings"), "");  // counted once, on the account's first row
  EXPECT_EQ(cell(table, 3, "client"), "outlook-express");
  EXPECT_EQ(cell(table, 3, "status"), "error");
  EXPECT_EQ(cell(table, 3, "error"),
            "/home/tanaka/oe-accounts.reg:12: expected ']' after the key name");
  EXPECT_EQ(cell(table, 3, "account"), "");
  EXPECT_EQ(cell(table, 4, "status"), "client-running");
  EXPECT_EQ(cell(table, 4, "machine"), "lab-pc-01");
  EXPECT_EQ(cell(table, 4, "command"), "plan");
}

TEST(CsvReport, ScanHasOneRowPerAccountAndAccountsWithoutChangesStillAppear) {
  RunResult run = testing::sample_plan_run();
  AccountResult quiet;
  quiet.account = testing::sample_account("account2", "hanako");
  quiet.account.outgoing.reset();
  run.profiles[0].accounts.push_back(quiet);

  run.info.command = "scan";
  CsvTable table = read_report(run);
  ASSERT_EQ(table.rows.size(), 5u);  // header, two accounts, two profiles without accounts
  EXPECT_EQ(cell(table, 1, "account"), "account1");
  EXPECT_EQ(cell(table, 1, "rule"), "");
  EXPECT_EQ(cell(table, 2, "account"), "account2");
  EXPECT_EQ(cell(table, 2, "smtp_hostname"), "");
  EXPECT_EQ(cell(table, 2, "smtp_port"), "");

  run.info.command = "plan";
  table = read_report(run);
  ASSERT_EQ(table.rows.size(), 6u);
  EXPECT_EQ(cell(table, 3, "account"), "account2");
  EXPECT_EQ(cell(table, 3, "username"), "hanako");
  EXPECT_EQ(cell(table, 3, "rule"), "");
  EXPECT_EQ(cell(table, 3, "to"), "");
}

TEST(CsvReport, AnAccountOutsideThePolicysScopeIsMarkedNotGoverned) {
  RunResult run = testing::sample_plan_run();
  AccountResult other = run.profiles[0].accounts[0];
  other.account.id = "account9";
  other.changes.clear();
  other.findings.clear();
  other.governed = false;
  run.profiles[0].accounts.push_back(other);
  const CsvTable table = read_report(run);
  for (std::size_t row = 1; row < table.rows.size(); ++row) {
    if (cell(table, row, "client").empty() || cell(table, row, "account").empty()) {
      EXPECT_EQ(cell(table, row, "governed"), "") << row;  // a profile without accounts
    } else {
      EXPECT_EQ(cell(table, row, "governed"),
                cell(table, row, "account") == "account9" ? "false" : "true")
          << row;
    }
  }
  EXPECT_EQ(cell(table, table.rows.size() - 1, "account"), "");
}

TEST(CsvReport, EveryRecordEndsWithCrLf) {
  const std::string text = write_csv(testing::sample_plan_run());
  ASSERT_TRUE(text.ends_with("\r\n"));
  // A bare LF only ever occurs inside a quoted field (the findings cell here).
  const CsvTable table = read_csv(text);
  ASSERT_TRUE(table);
  std::size_t crlf = 0;
  for (std::size_t pos = text.find("\r\n"); pos != std::string::npos;
       pos = text.find("\r\n", pos + 2)) {
    ++crlf;
  }
  EXPECT_EQ(crlf, table.rows.size());
}

}  // namespace
}  // namespace mailmig
