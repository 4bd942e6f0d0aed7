// The report database written by `plan --report` and `apply --report`, compared whole (every
// table, every row) with the database mailmig wrote before it wrote each account as it was
// planned: tests/cli/report_db_linux_home.dump, made by the mailmig that kept every account of a
// run until its end.
#include <SQLiteCpp/Database.h>
#include <SQLiteCpp/Statement.h>
#include <gtest/gtest.h>

#include <regex>
#include <sstream>

#include "tests/cli/cli_test_support.h"

namespace mailmig::cli_testing {
namespace {

// Every object of the schema, the schema version and every row of every table in rowid order,
// one line each, values as SQL literals.
std::string dump_database(const std::string& path) {
  SQLite::Database db(path);
  std::ostringstream out;
  out << "user_version " << db.execAndGet("PRAGMA user_version").getInt() << "\n";
  SQLite::Statement objects(
      db, "SELECT type, name, ifnull(sql, '') FROM sqlite_master ORDER BY type, name");
  std::vector<std::string> tables;
  while (objects.executeStep()) {
    out << objects.getColumn(0).getString() << " " << objects.getColumn(1).getString() << ": "
        << objects.getColumn(2).getString() << "\n";
    if (objects.getColumn(0).getString() == "table") tables.push_back(objects.getColumn(1));
  }
  for (const std::string& table : tables) {
    SQLite::Statement rows(db, "SELECT * FROM " + table + " ORDER BY rowid");
    while (rows.executeStep()) {
      out << table << ":";
      for (int column = 0; column < rows.getColumnCount(); ++column) {
        const SQLite::Column value = rows.getColumn(column);
        out << " " << value.getName() << "=";
        if (value.isNull()) {
          out << "NULL";
        } else if (value.isInteger()) {
          out << value.getInt64();
        } else {
          out << "'" << value.getString() << "'";
        }
      }
      out << "\n";
    }
  }
  return out.str();
}

// What differs from one run to the next: run ids (RUN1, RUN2… in the order of the runs), times,
// the user, the version, the sandbox's folder and the names of backups.
std::string without_run_details(const std::string& db_path, const std::string& sandbox_root) {
  std::string dump = dump_database(db_path);
  std::vector<std::pair<std::string, std::string>> replaced{{sandbox_root, "SANDBOX"}};
  {
    SQLite::Database db(db_path);
    SQLite::Statement runs(db, "SELECT run_id, user FROM runs ORDER BY rowid");
    for (int run = 1; runs.executeStep(); ++run) {
      replaced.emplace_back(runs.getColumn(0).getString(), "RUN" + std::to_string(run));
      replaced.emplace_back("user='" + runs.getColumn(1).getString() + "'", "user=U");
    }
  }
  for (const auto& [from, to] : replaced) {
    for (std::size_t at = dump.find(from); at != std::string::npos; at = dump.find(from, at)) {
      dump.replace(at, from.size(), to);
    }
  }
  dump = std::regex_replace(dump, std::regex("time='[^']*'"), "time=T");
  dump = std::regex_replace(dump, std::regex("mailmig_version='[^']*'"), "mailmig_version=V");
  return std::regex_replace(dump, std::regex("(/backups/RUN[0-9]+/)[0-9a-f]+-"), "$1HASH-");
}

TEST(ReportDatabase, HoldsWhatTheRunsOfTheFixturesRecordedBeforeEachAccountWasWrittenAsPlanned) {
  Sandbox sandbox;
  sandbox.copy_fixture("homes/linux", "home");
  sandbox.copy_fixture("registry/cases-import-rules.reg", "files/outlook.reg");
  sandbox.copy_fixture("becky/mailbox-mixed.ini", "files/becky/Mailbox.ini");
  sandbox.copy_fixture("oeaccount/msdocs-example-imap-utf16.oeaccount", "files/mail.oeaccount");
  sandbox.copy_fixture("accountrc/malformed-header.accountrc", "files/bad/accountrc");
  RunOptions options;
  options.tmpdir = sandbox.tmp();
  options.extra_environment = {{"MAILMIG_VERIFY", "off"}};
  const std::string db = sandbox.path("report.sqlite");
  const std::string policy = fixture_path("policies/001-keio.xml");
  auto run = [&](std::vector<std::string> args) {
    args.insert(args.end(), {"--report", db, "--machine", "pc-01", "--state-dir", sandbox.state()});
    if (args[0] != "scan") args.insert(args.end(), {"--policy", policy});
    const RunOutput output = run_mailmig(args, options);
    EXPECT_NE(output.exit_code, 2) << output.err;
  };
  run({"plan", "--home", sandbox.home()});
  run({"plan", sandbox.path("files/outlook.reg"), sandbox.path("files/becky/Mailbox.ini"),
       sandbox.path("files/mail.oeaccount"), sandbox.path("files/bad/accountrc"),
       sandbox.path("files/missing.reg")});
  run({"apply", "--home", sandbox.home()});
  run({"scan", "--home", sandbox.home()});

  const std::string dump = without_run_details(db, sandbox.root());
  const std::string expected_path =
      std::string(MAILMIG_SOURCE_DIR) + "/tests/cli/report_db_linux_home.dump";
  if (const char* write_to = std::getenv("MAILMIG_WRITE_REPORT_DUMP")) {
    write_file_bytes(write_to, dump);
  }
  EXPECT_EQ(dump, read_file_bytes(expected_path));
}

}  // namespace
}  // namespace mailmig::cli_testing
