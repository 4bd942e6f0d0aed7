// The report model holds no secret, and no report invents a place for one: no key, column or
// heading that names a password, and the JSON keys are exactly the documented contract.
#include <SQLiteCpp/Database.h>
#include <SQLiteCpp/Statement.h>
#include <gtest/gtest.h>

#include <algorithm>
#include <cctype>
#include <set>

#include "src/report/csv.h"
#include "src/report/csv_report.h"
#include "src/report/json_report.h"
#include "src/report/report_db.h"
#include "src/report/report_summary.h"
#include "tests/report/sample_runs.h"

namespace mailmig {
namespace {

bool names_a_secret(std::string name) {
  std::transform(name.begin(), name.end(), name.begin(),
                 [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
  for (const char* word : {"pass", "secret", "token", "credential", "pwd"}) {
    if (name.find(word) != std::string::npos) return true;
  }
  return false;
}

// Every key path in the document, arrays written as "[]": "profiles[].accounts[].id".
void collect_keys(const nlohmann::ordered_json& value, const std::string& prefix,
                  std::set<std::string>& keys) {
  if (value.is_object()) {
    for (const auto& [key, child] : value.items()) {
      const std::string path = prefix.empty() ? key : prefix + "." + key;
      keys.insert(path);
      collect_keys(child, path, keys);
    }
  } else if (value.is_array()) {
    for (const auto& child : value) collect_keys(child, prefix + "[]", keys);
  }
}

// A run that fills every optional part: an apply with a backup, an error, findings everywhere.
RunResult full_run() {
  RunResult run = testing::sample_plan_run();
  run.info.command = "apply";
  run.profiles[0].files[0].backup_path = "/home/tanaka/.mailmig/backups/prefs.js";
  run.verification = "required";
  run.endpoint_checks.push_back(
      EndpointCheck{Endpoint{Protocol::Smtp, "mail.iis.u-tokyo.ac.jp", 587, SocketType::StartTls,
                             AuthMethod::PasswordCleartext},
                    EndpointOutcome::NoLogin, "no AUTH PLAIN or LOGIN after STARTTLS"});
  return run;
}

TEST(ReportContract, JsonKeysAreExactlyTheDocumentedOnes) {
  std::set<std::string> keys;
  collect_keys(run_to_json(full_run()), "", keys);
  const std::set<std::string> expected{
      "schema",
      "command",
      "run_id",
      "machine",
      "time",
      "mailmig_version",
      "policy",
      "policy.name",
      "policy.hash",
      "verification",
      "verification.mode",
      "verification.endpoints",
      "verification.endpoints[].protocol",
      "verification.endpoints[].hostname",
      "verification.endpoints[].port",
      "verification.endpoints[].socketType",
      "verification.endpoints[].result",
      "verification.endpoints[].reason",
      "verification.endpoints[].detail",
      "profiles",
      "profiles[].client",
      "profiles[].path",
      "profiles[].status",
      "profiles[].error",
      "profiles[].accounts",
      "profiles[].accounts[].id",
      "profiles[].accounts[].name",
      "profiles[].accounts[].address",
      "profiles[].accounts[].incoming",
      "profiles[].accounts[].incoming.protocol",
      "profiles[].accounts[].incoming.hostname",
      "profiles[].accounts[].incoming.port",
      "profiles[].accounts[].incoming.socketType",
      "profiles[].accounts[].incoming.authentication",
      "profiles[].accounts[].incoming.username",
      "profiles[].accounts[].outgoing",
      "profiles[].accounts[].outgoing.hostname",
      "profiles[].accounts[].outgoing.port",
      "profiles[].accounts[].outgoing.socketType",
      "profiles[].accounts[].outgoing.authentication",
      "profiles[].accounts[].outgoing.username",
      "profiles[].accounts[].changes",
      "profiles[].accounts[].changes[].rule",
      "profiles[].accounts[].changes[].field",
      "profiles[].accounts[].changes[].from",
      "profiles[].accounts[].changes[].to",
      "profiles[].accounts[].changes[].reason",
      "profiles[].accounts[].findings",
      "profiles[].accounts[].findings[].rule",
      "profiles[].accounts[].findings[].severity",
      "profiles[].accounts[].findings[].message",
      "profiles[].accounts[].status",
      "profiles[].accounts[].governed",
      "profiles[].findings",
      "profiles[].findings[].rule",
      "profiles[].findings[].severity",
      "profiles[].findings[].message",
      "profiles[].files",
      "profiles[].files[].path",
      "profiles[].files[].changed",
      "profiles[].files[].backup",
      "notices",
      "summary",
      "summary.profiles",
      "summary.accounts",
      "summary.changes",
      "summary.findings",
      "summary.errors",
      "summary.client_running",
      "summary.action_required",
  };
  EXPECT_EQ(keys, expected);
  for (const std::string& key : keys) EXPECT_FALSE(names_a_secret(key)) << key;
}

TEST(ReportContract, NoReportHasAPlaceForASecret) {
  const RunResult run = full_run();

  const CsvTable csv = read_csv(write_csv(run));
  ASSERT_TRUE(csv);
  for (const std::string& column : csv.rows.at(0)) EXPECT_FALSE(names_a_secret(column)) << column;

  testing::TempDir dir(/*in_memory=*/true);
  const std::string db_path = dir.path("report.db");
  ASSERT_TRUE(append_run_to_report(db_path, run).ok());
  {
    SQLite::Database db(db_path);
    SQLite::Statement columns(db,
                              "SELECT m.name, c.name FROM sqlite_master m "
                              "JOIN pragma_table_info(m.name) c WHERE m.type = 'table'");
    std::size_t column_count = 0;
    while (columns.executeStep()) {
      ++column_count;
      const std::string column =
          columns.getColumn(0).getString() + "." + columns.getColumn(1).getString();
      EXPECT_FALSE(names_a_secret(column)) << column;
    }
    EXPECT_EQ(column_count, 10u + 6 + 17 + 7 + 6 + 5 + 9);  // every column of the seven tables
  }

  const ReportSummaryResult summary = summarize_report(db_path);
  ASSERT_TRUE(summary) << summary.error;
  const auto summary_json_value = nlohmann::ordered_json::parse(summary_json(summary.summary));
  std::set<std::string> summary_keys;
  collect_keys(summary_json_value, "", summary_keys);
  for (const std::string& key : summary_keys) EXPECT_FALSE(names_a_secret(key)) << key;
  const CsvTable summary_csv_table = read_csv(summary_csv(summary.summary));
  ASSERT_TRUE(summary_csv_table);
  for (const std::string& column : summary_csv_table.rows.at(0)) {
    EXPECT_FALSE(names_a_secret(column)) << column;
  }
  // The HTML shows headings and recorded values only; none of its words names a secret.
  EXPECT_FALSE(names_a_secret(summary_html(summary.summary)));
}

}  // namespace
}  // namespace mailmig
