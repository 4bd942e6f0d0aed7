#include "src/report/report_db.h"

#include <SQLiteCpp/Statement.h>
#include <SQLiteCpp/Transaction.h>
#include <sqlite3.h>

#include <algorithm>
#include <array>
#include <boost/filesystem.hpp>
#include <cstdint>
#include <memory>
#include <optional>

#include "src/report/report_db_schema.h"
#include "src/util/text_sanitize.h"

namespace mailmig {
namespace {

// Version 2 (version 1 had neither runs.machine_group, runs.verification, accounts.status nor
// endpoint_checks). Ids of profiles and accounts are INTEGER PRIMARY KEYs so a merge can shift
// them.
constexpr const char* kSchemaSql = R"sql(
CREATE TABLE runs(
  run_id TEXT PRIMARY KEY,
  machine TEXT NOT NULL,
  user TEXT NOT NULL,
  time TEXT NOT NULL,
  mailmig_version TEXT NOT NULL,
  command TEXT NOT NULL,
  policy_name TEXT NOT NULL,
  policy_hash TEXT NOT NULL,
  machine_group TEXT NOT NULL,
  verification TEXT NOT NULL);
CREATE TABLE profiles(
  id INTEGER PRIMARY KEY,
  run_id TEXT NOT NULL REFERENCES runs(run_id),
  client TEXT NOT NULL,
  path TEXT NOT NULL,
  status TEXT NOT NULL,
  error TEXT);
CREATE TABLE accounts(
  id INTEGER PRIMARY KEY,
  profile_id INTEGER NOT NULL REFERENCES profiles(id),
  account_id TEXT NOT NULL,
  name TEXT NOT NULL,
  address TEXT NOT NULL,
  in_protocol TEXT NOT NULL,
  in_hostname TEXT NOT NULL,
  in_port INTEGER NOT NULL,
  in_socket_type TEXT NOT NULL,
  in_authentication TEXT NOT NULL,
  in_username TEXT NOT NULL,
  out_hostname TEXT,
  out_port INTEGER,
  out_socket_type TEXT,
  out_authentication TEXT,
  out_username TEXT,
  status TEXT NOT NULL);
CREATE TABLE changes(
  id INTEGER PRIMARY KEY,
  account_id INTEGER NOT NULL REFERENCES accounts(id),
  rule TEXT NOT NULL,
  field TEXT NOT NULL,
  from_value TEXT NOT NULL,
  to_value TEXT NOT NULL,
  reason TEXT NOT NULL);
CREATE TABLE findings(
  id INTEGER PRIMARY KEY,
  account_id INTEGER REFERENCES accounts(id),
  profile_id INTEGER NOT NULL REFERENCES profiles(id),
  rule TEXT NOT NULL,
  severity TEXT NOT NULL,
  message TEXT NOT NULL);
CREATE TABLE files(
  id INTEGER PRIMARY KEY,
  profile_id INTEGER NOT NULL REFERENCES profiles(id),
  path TEXT NOT NULL,
  changed INTEGER NOT NULL,
  backup TEXT);
CREATE TABLE endpoint_checks(
  id INTEGER PRIMARY KEY,
  run_id TEXT NOT NULL REFERENCES runs(run_id),
  protocol TEXT NOT NULL,
  host TEXT NOT NULL,
  port INTEGER NOT NULL,
  security TEXT NOT NULL,
  authentication TEXT NOT NULL,
  result TEXT NOT NULL,
  detail TEXT NOT NULL);
CREATE INDEX runs_by_machine ON runs(machine, user, time);
CREATE INDEX profiles_by_run ON profiles(run_id);
CREATE INDEX accounts_by_profile ON accounts(profile_id);
CREATE INDEX changes_by_account ON changes(account_id);
CREATE INDEX findings_by_profile ON findings(profile_id);
CREATE INDEX files_by_profile ON files(profile_id);
CREATE INDEX endpoint_checks_by_run ON endpoint_checks(run_id);
PRAGMA user_version = 2;
)sql";

std::string with_path(const std::string& path, const std::string& message) {
  return path + ": " + message;
}

std::int64_t table_count(SQLite::Database& db, const std::string& schema_name) {
  return db.execAndGet("SELECT count(*) FROM " + schema_name + ".sqlite_master").getInt64();
}

using SchemaObject = std::array<std::string, 4>;  // type, name, table, SQL

std::vector<SchemaObject> schema_objects(SQLite::Database& db, const std::string& schema_name) {
  SQLite::Statement rows(db, "SELECT type, name, tbl_name, ifnull(sql, '') FROM " + schema_name +
                                 ".sqlite_master ORDER BY type, name");
  std::vector<SchemaObject> objects;
  while (rows.executeStep()) {
    objects.push_back({rows.getColumn(0).getString(), rows.getColumn(1).getString(),
                       rows.getColumn(2).getString(), rows.getColumn(3).getString()});
  }
  return objects;
}

// What kSchemaSql creates, read back from a database in memory (so SQLite's own indexes and its
// way of storing the SQL are included).
const std::vector<SchemaObject>& report_schema_objects() {
  static const std::vector<SchemaObject> objects = [] {
    SQLite::Database memory(":memory:", SQLite::OPEN_READWRITE);
    memory.exec(kSchemaSql);
    return schema_objects(memory, "main");
  }();
  return objects;
}

// Per table, the rows that refer to nothing in the same report (the table is named "x").
constexpr std::pair<const char*, const char*> kDanglingRows[] = {
    {"runs", "typeof(x.run_id) <> 'text'"},
    {"profiles", "x.id < 1 OR NOT EXISTS (SELECT 1 FROM S.runs r WHERE r.run_id = x.run_id)"},
    {"accounts", "x.id < 1 OR NOT EXISTS (SELECT 1 FROM S.profiles p WHERE p.id = x.profile_id)"},
    {"changes", "NOT EXISTS (SELECT 1 FROM S.accounts a WHERE a.id = x.account_id)"},
    {"findings",
     "NOT EXISTS (SELECT 1 FROM S.profiles p WHERE p.id = x.profile_id) OR "
     "(x.account_id IS NOT NULL AND NOT EXISTS (SELECT 1 FROM S.accounts a "
     "WHERE a.id = x.account_id AND a.profile_id = x.profile_id))"},
    {"files", "NOT EXISTS (SELECT 1 FROM S.profiles p WHERE p.id = x.profile_id)"},
    {"endpoint_checks",
     "x.id < 1 OR NOT EXISTS (SELECT 1 FROM S.runs r WHERE r.run_id = x.run_id)"},
};

constexpr std::uint64_t kReportWorkStep = 100;  // steps between two calls of the handler
// Merging or summarising a real report takes less than one step a byte of the file (measured on
// the thousand-machine test's reports and their merge); a crafted one may take any number. Ten
// million steps take about a tenth of a second.
constexpr std::uint64_t kReportWorkStepsPerByte = 100;
constexpr std::uint64_t kReportWorkBaseSteps = 10'000'000;

// The text as valid UTF-8 of at most max_bytes bytes, cut at a character and ended with "…"
// when it was longer.
std::string bounded_utf8(std::string_view text, std::size_t max_bytes) {
  std::string valid = valid_utf8(text);
  if (valid.size() <= max_bytes) return valid;
  static constexpr std::string_view kEllipsis = "\u2026";
  std::size_t end = max_bytes - kEllipsis.size();
  while (end > 0 && (static_cast<unsigned char>(valid[end]) & 0xC0) == 0x80) --end;
  valid.resize(end);
  return valid.append(kEllipsis);
}

bool same_file(const std::string& a, const std::string& b) {
  boost::system::error_code error;
  return boost::filesystem::equivalent(a, b, error) && !error;
}

// Copies runs with all their rows from one set of report tables to another, shifting profile
// and account ids past those already in the destination. A set is named by the prefix of its
// tables: "src." (an attached input), "temp.stage_" (inputs checked and waiting for the next
// commit) or "main.". Runs inside the caller's transaction.
class ReportCopier {
 public:
  ReportCopier(SQLite::Database& db, std::string from, std::string to)
      : db_(db), from_(std::move(from)), to_(std::move(to)) {}

  // Copies the runs of `from` whose run_id is in none of the `known` run tables; returns (runs
  // copied, runs left because they were known).
  std::pair<std::size_t, std::size_t> copy(std::initializer_list<const char*> known) {
    db_.exec("DELETE FROM temp.merge_runs");
    std::string select_new = "INSERT INTO temp.merge_runs SELECT run_id FROM " + from_ + "runs";
    const char* joiner = " WHERE ";
    for (const char* table : known) {
      select_new += std::string(joiner) + "run_id NOT IN (SELECT run_id FROM " + table + ")";
      joiner = " AND ";
    }
    db_.exec(select_new);
    const auto added = static_cast<std::size_t>(db_.getChanges());
    const auto total = static_cast<std::size_t>(
        db_.execAndGet("SELECT count(*) FROM " + from_ + "runs").getInt64());
    const std::int64_t profile_offset =
        db_.execAndGet("SELECT ifnull(max(id), 0) FROM " + to_ + "profiles").getInt64();
    const std::int64_t account_offset =
        db_.execAndGet("SELECT ifnull(max(id), 0) FROM " + to_ + "accounts").getInt64();

    const std::string new_profiles =
        " " + from_ + "profiles p WHERE p.run_id IN (SELECT run_id FROM temp.merge_runs)";
    execute("INSERT INTO " + to_ +
                "runs(run_id, machine, user, time, mailmig_version, command, policy_name, "
                "policy_hash, machine_group, verification) SELECT run_id, machine, user, time, "
                "mailmig_version, command, policy_name, policy_hash, machine_group, "
                "verification FROM " +
                from_ + "runs WHERE run_id IN (SELECT run_id FROM temp.merge_runs) ORDER BY rowid",
            profile_offset, account_offset);
    execute("INSERT INTO " + to_ +
                "profiles(id, run_id, client, path, status, error) SELECT p.id + "
                ":profile_offset, p.run_id, p.client, p.path, p.status, p.error FROM" +
                new_profiles + " ORDER BY p.id",
            profile_offset, account_offset);
    execute("INSERT INTO " + to_ +
                "accounts(id, profile_id, account_id, name, address, in_protocol, in_hostname, "
                "in_port, in_socket_type, in_authentication, in_username, out_hostname, "
                "out_port, out_socket_type, out_authentication, out_username, status) SELECT "
                "a.id + :account_offset, a.profile_id + :profile_offset, a.account_id, a.name, "
                "a.address, a.in_protocol, a.in_hostname, a.in_port, a.in_socket_type, "
                "a.in_authentication, a.in_username, a.out_hostname, a.out_port, "
                "a.out_socket_type, a.out_authentication, a.out_username, a.status FROM " +
                from_ + "accounts a JOIN" + new_profiles + " AND p.id = a.profile_id ORDER BY a.id",
            profile_offset, account_offset);
    execute("INSERT INTO " + to_ +
                "changes(account_id, rule, field, from_value, to_value, reason) SELECT "
                "c.account_id + :account_offset, c.rule, c.field, c.from_value, c.to_value, "
                "c.reason FROM " +
                from_ + "changes c JOIN " + from_ + "accounts a ON a.id = c.account_id JOIN" +
                new_profiles + " AND p.id = a.profile_id ORDER BY c.id",
            profile_offset, account_offset);
    execute("INSERT INTO " + to_ +
                "findings(account_id, profile_id, rule, severity, message) SELECT "
                "f.account_id + :account_offset, f.profile_id + :profile_offset, f.rule, "
                "f.severity, f.message FROM " +
                from_ + "findings f JOIN" + new_profiles + " AND p.id = f.profile_id ORDER BY f.id",
            profile_offset, account_offset);
    execute("INSERT INTO " + to_ +
                "files(profile_id, path, changed, backup) SELECT f.profile_id + "
                ":profile_offset, f.path, f.changed, f.backup FROM " +
                from_ + "files f JOIN" + new_profiles + " AND p.id = f.profile_id ORDER BY f.id",
            profile_offset, account_offset);
    execute("INSERT INTO " + to_ +
                "endpoint_checks(run_id, protocol, host, port, security, authentication, result, "
                "detail) SELECT run_id, protocol, host, port, security, authentication, result, "
                "detail FROM " +
                from_ +
                "endpoint_checks WHERE run_id IN (SELECT run_id FROM temp.merge_runs) "
                "ORDER BY rowid",
            profile_offset, account_offset);
    return {added, total - added};
  }

 private:
  // Binds only the offsets the statement names.
  void execute(const std::string& sql, std::int64_t profile_offset, std::int64_t account_offset) {
    SQLite::Statement statement(db_, sql);
    if (sql.find(":profile_offset") != std::string::npos) {
      statement.bind(":profile_offset", profile_offset);
    }
    if (sql.find(":account_offset") != std::string::npos) {
      statement.bind(":account_offset", account_offset);
    }
    statement.exec();
  }

  SQLite::Database& db_;
  std::string from_;
  std::string to_;
};

// The stage: inputs checked and copied into temporary tables of the merge's own connection,
// then written to the output in one transaction for many inputs. Each commit of the output
// waits for the disk (about 30 ms here); one commit per input made a merge of 2,000 reports
// take a minute, nearly all of it waiting.
constexpr const char* kReportTables[] = {"runs",     "profiles", "accounts",       "changes",
                                         "findings", "files",    "endpoint_checks"};

void create_stage(SQLite::Database& db) {
  db.exec("PRAGMA temp_store = MEMORY");
  db.exec("CREATE TEMP TABLE merge_runs(run_id TEXT PRIMARY KEY)");
  for (const char* table : kReportTables) {
    db.exec(std::string("CREATE TEMP TABLE stage_") + table + " AS SELECT * FROM main." + table +
            " WHERE 0");
  }
  db.exec("CREATE UNIQUE INDEX temp.stage_runs_by_id ON stage_runs(run_id)");
  db.exec("CREATE INDEX temp.stage_profiles_by_id ON stage_profiles(id)");
  db.exec("CREATE INDEX temp.stage_accounts_by_id ON stage_accounts(id)");
}

void clear_stage(SQLite::Database& db) {
  for (const char* table : kReportTables) db.exec(std::string("DELETE FROM temp.stage_") + table);
}

// A private temporary database with the report's tables (SQLite keeps a few pages of it in
// memory, the rest in a temporary file deleted when it closes), where a run's rows wait.
SQLite::Database open_stage(int busy_timeout_ms) {
  SQLite::Database stage("", SQLite::OPEN_READWRITE | SQLite::OPEN_CREATE | SQLite::OPEN_URI,
                         busy_timeout_ms);
  stage.exec(kSchemaSql);
  // Its pages are written once and read once, in order: a small page cache does (SQLite's
  // default of 2 MB was most of what a large plan's --report added to its peak memory).
  stage.exec("PRAGMA cache_size = -256");
  // The copy to the report reads the stage in id order and by id: its indexes would only slow
  // each insert.
  std::vector<std::string> indexes;
  {
    SQLite::Statement named(
        stage, "SELECT name FROM sqlite_master WHERE type = 'index' AND sql IS NOT NULL");
    while (named.executeStep()) indexes.push_back(named.getColumn(0).getString());
  }
  for (const std::string& index : indexes) stage.exec("DROP INDEX " + index);
  stage.exec("CREATE TEMP TABLE merge_runs(run_id TEXT PRIMARY KEY)");
  return stage;
}

// The CREATE statements and the version of kSchemaSql for the schema `schema_name` (SQLite keeps
// the SQL of a table or an index without its schema's name, as in a database created alone).
std::string schema_sql_in(const std::string& schema_name) {
  std::string sql = kSchemaSql;
  for (const std::string_view statement : {"CREATE TABLE ", "CREATE INDEX ", "PRAGMA "}) {
    const std::string qualified = std::string(statement) + schema_name + ".";
    for (std::size_t at = sql.find(statement); at != std::string::npos;
         at = sql.find(statement, at + qualified.size())) {
      sql.replace(at, statement.size(), qualified);
    }
  }
  return sql;
}

}  // namespace

// One run's rows, written to a stage as the run hands them on, then copied to the report in one
// transaction: the report's lock is held only for the copy, and a run that ends before its copy
// (killed, or an error) leaves nothing in the report.
class ReportDbWriter::Stage {
 public:
  explicit Stage(int busy_timeout_ms)
      : db_(open_stage(busy_timeout_ms)),
        insert_run_(db_, "INSERT INTO runs VALUES(?,?,?,?,?,?,?,?,?,?)"),
        set_verification_(db_, "UPDATE runs SET verification = ? WHERE run_id = ?"),
        insert_profile_(db_,
                        "INSERT INTO profiles(run_id, client, path, status, error) "
                        "VALUES(?,?,?,?,?)"),
        update_profile_(db_,
                        "UPDATE profiles SET run_id = ?, client = ?, path = ?, status = ?, "
                        "error = ? WHERE id = ?"),
        insert_account_(db_,
                        "INSERT INTO accounts(profile_id, account_id, name, address, "
                        "in_protocol, in_hostname, in_port, in_socket_type, in_authentication, "
                        "in_username, out_hostname, out_port, out_socket_type, "
                        "out_authentication, out_username, status) "
                        "VALUES(?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?)"),
        insert_change_(db_,
                       "INSERT INTO changes(account_id, rule, field, from_value, to_value, "
                       "reason) VALUES(?,?,?,?,?,?)"),
        insert_finding_(db_,
                        "INSERT INTO findings(account_id, profile_id, rule, severity, message) "
                        "VALUES(?,?,?,?,?)"),
        insert_file_(db_, "INSERT INTO files(profile_id, path, changed, backup) VALUES(?,?,?,?)"),
        insert_check_(db_,
                      "INSERT INTO endpoint_checks(run_id, protocol, host, port, security, "
                      "authentication, result, detail) VALUES(?,?,?,?,?,?,?,?)") {
    db_.exec("BEGIN");
  }

  // The run's row, whose verification is known at its end.
  void begin_run(const RunInfo& info) {
    run_id_ = info.run_id;
    applied_ = info.command == "apply";
    run_statement(insert_run_, [&](SQLite::Statement& s) {
      bind_texts(s, 1,
                 {info.run_id, info.machine, info.user, info.time, info.mailmig_version,
                  info.command, info.policy_name, info.policy_hash, info.group, ""});
    });
  }

  void account(const ProfileResult& profile, const AccountResult& result) {
    write_account(profile_row(profile), result);
  }

  // The profile's row as it ends, then its own findings and its files.
  void profile_done(const ProfileResult& profile) {
    const bool has_row = current_profile_.has_value();
    const std::int64_t profile_id = profile_row(profile);
    if (has_row) {
      run_statement(update_profile_, [&](SQLite::Statement& s) {
        bind_profile(s, profile);
        s.bind(6, profile_id);
      });
    }
    for (const Finding& finding : profile.findings)
      write_finding(std::nullopt, profile_id, finding);
    for (const FileResult& file : profile.files) {
      run_statement(insert_file_, [&](SQLite::Statement& s) {
        s.bind(1, profile_id);
        s.bind(2, valid_utf8(file.path));
        s.bind(3, file.changed ? 1 : 0);
        if (file.backup_path.empty()) {
          s.bind(4);
        } else {
          s.bind(4, valid_utf8(file.backup_path));
        }
      });
    }
    current_profile_.reset();
    ++profiles_done_;
  }

  // What was not handed on: the profiles after the last one done, with the accounts they kept,
  // the run's verification and its endpoint checks.
  void end_run(const RunResult& run) {
    for (std::size_t index = profiles_done_; index < run.profiles.size(); ++index) {
      const ProfileResult& profile = run.profiles[index];
      for (const AccountResult& account_result : profile.accounts) account(profile, account_result);
      profile_done(profile);
    }
    run_statement(set_verification_, [&](SQLite::Statement& s) {
      bind_texts(s, 1, {run.verification, run_id_});
    });
    for (const EndpointCheck& check : run.endpoint_checks) {
      const Endpoint& endpoint = check.endpoint;
      run_statement(insert_check_, [&](SQLite::Statement& s) {
        bind_texts(s, 1, {run_id_, std::string(to_string(endpoint.protocol)), endpoint.host});
        s.bind(4, endpoint.port);
        bind_texts(
            s, 5,
            {std::string(to_string(endpoint.socket_type)),
             std::string(to_string(endpoint.authentication)), std::string(to_string(check.outcome)),
             bounded_utf8(check.detail, kEndpointDetailMaxBytes)});
      });
    }
    db_.exec("COMMIT");
  }

  // Appends the staged run to the report at db_path (created when new) in one transaction;
  // nothing is written when it fails.
  std::optional<std::string> copy_to(const std::string& db_path) {
    db_.exec("PRAGMA foreign_keys = ON");
    try {
      SQLite::Statement attach(db_, "ATTACH DATABASE ? AS report");
      attach.bind(1, sqlite_file_uri(db_path, "rwc"));
      attach.exec();
    } catch (const SQLite::Exception& error) {
      // SQLite's message would name the URI: say it the way opening the file does.
      if ((error.getErrorCode() & 0xFF) == SQLITE_CANTOPEN) {
        return with_path(db_path, "unable to open database file");
      }
      throw;
    }
    // IMMEDIATE takes the write lock before the schema check, so two runs creating the same
    // new database cannot both create the schema.
    SQLite::Transaction transaction(db_, SQLite::TransactionBehavior::IMMEDIATE);
    if (auto error = ensure_report_schema(db_, "report", db_path)) return error;
    SQLite::Statement known_run(db_, "SELECT 1 FROM report.runs WHERE run_id = ?");
    known_run.bind(1, run_id_);
    if (known_run.executeStep()) {
      return with_path(db_path, "run " + run_id_ + " is already recorded");
    }
    known_run.reset();
    ReportCopier(db_, "main.", "report.").copy({"report.runs"});
    transaction.commit();
    return std::nullopt;
  }

 private:
  // The profile's row, inserted with what the profile says now when it has none yet.
  std::int64_t profile_row(const ProfileResult& profile) {
    if (!current_profile_) {
      run_statement(insert_profile_, [&](SQLite::Statement& s) { bind_profile(s, profile); });
      current_profile_ = db_.getLastInsertRowid();
    }
    return *current_profile_;
  }

  void bind_profile(SQLite::Statement& s, const ProfileResult& profile) const {
    bind_texts(s, 1,
               {run_id_, std::string(client_id(profile.client)), profile.path,
                std::string(to_string(profile.status))});
    if (profile.status == ProfileStatus::Ok) {
      s.bind(5);
    } else {
      s.bind(5, valid_utf8(profile.error));
    }
  }

  void write_account(std::int64_t profile_id, const AccountResult& result) {
    const Account& account = result.account;
    run_statement(insert_account_, [&](SQLite::Statement& s) {
      s.bind(1, profile_id);
      bind_texts(s, 2,
                 {account.id, account.name, account.address,
                  std::string(to_string(account.incoming.protocol)), account.incoming.hostname});
      s.bind(7, account.incoming.port);
      bind_texts(
          s, 8,
          {std::string(to_string(account.incoming.socket_type)),
           std::string(to_string(account.incoming.authentication)), account.incoming.username});
      if (account.outgoing) {
        const ServerSettings& smtp = *account.outgoing;
        s.bind(11, valid_utf8(smtp.hostname));
        s.bind(12, smtp.port);
        bind_texts(s, 13,
                   {std::string(to_string(smtp.socket_type)),
                    std::string(to_string(smtp.authentication)), smtp.username});
      } else {
        for (int index = 11; index <= 15; ++index) s.bind(index);
      }
      s.bind(16, std::string(to_string(account_status(result, applied_))));
    });
    const std::int64_t account_row = db_.getLastInsertRowid();
    for (const Change& change : result.changes) {
      run_statement(insert_change_, [&](SQLite::Statement& s) {
        s.bind(1, account_row);
        bind_texts(s, 2, {change.rule, change.field, change.from, change.to, change.reason});
      });
    }
    for (const Finding& finding : result.findings) write_finding(account_row, profile_id, finding);
  }

  void write_finding(std::optional<std::int64_t> account_row, std::int64_t profile_id,
                     const Finding& finding) {
    run_statement(insert_finding_, [&](SQLite::Statement& s) {
      if (account_row) {
        s.bind(1, *account_row);
      } else {
        s.bind(1);
      }
      s.bind(2, profile_id);
      bind_texts(s, 3, {finding.rule, std::string(to_string(finding.severity)), finding.message()});
    });
  }

  // Text columns hold valid UTF-8 only: what a profile held, with U+FFFD for invalid sequences.
  static void bind_texts(SQLite::Statement& statement, int first_index,
                         std::initializer_list<std::string> values) {
    int index = first_index;
    for (const std::string& value : values) statement.bind(index++, valid_utf8(value));
  }

  template <typename Bind>
  static void run_statement(SQLite::Statement& statement, Bind bind) {
    statement.reset();
    statement.clearBindings();
    bind(statement);
    statement.exec();
  }

  SQLite::Database db_;
  SQLite::Statement insert_run_;
  SQLite::Statement set_verification_;
  SQLite::Statement insert_profile_;
  SQLite::Statement update_profile_;
  SQLite::Statement insert_account_;
  SQLite::Statement insert_change_;
  SQLite::Statement insert_finding_;
  SQLite::Statement insert_file_;
  SQLite::Statement insert_check_;
  std::string run_id_;
  bool applied_ = false;
  std::optional<std::int64_t> current_profile_;  // the row of the profile being handed on
  std::size_t profiles_done_ = 0;
};

namespace {}  // namespace

SQLite::Database open_report_for_writing(const std::string& path, int busy_timeout_ms) {
  SQLite::Database db(sqlite_file_uri(path, "rwc"),
                      SQLite::OPEN_READWRITE | SQLite::OPEN_CREATE | SQLite::OPEN_URI,
                      busy_timeout_ms);
  db.exec("PRAGMA foreign_keys = ON");
  return db;
}

std::optional<std::string> ensure_report_schema(SQLite::Database& db,
                                                const std::string& schema_name,
                                                const std::string& path) {
  const int version = db.execAndGet("PRAGMA " + schema_name + ".user_version").getInt();
  if (version == 0 && table_count(db, schema_name) == 0) {
    db.exec(schema_sql_in(schema_name));
    return std::nullopt;
  }
  if (auto error = check_readable_report(db, schema_name, path)) return error;
  // A trigger planted in a shared report would run with every run appended or merged.
  return check_report_objects(db, schema_name, path);
}

std::optional<std::string> check_readable_report(SQLite::Database& db,
                                                 const std::string& schema_name,
                                                 const std::string& path) {
  const int version = db.execAndGet("PRAGMA " + schema_name + ".user_version").getInt();
  if (version > kReportSchemaVersion) {
    return with_path(path, "report database schema version " + std::to_string(version) +
                               " is newer than this mailmig understands (" +
                               std::to_string(kReportSchemaVersion) + "); use a newer mailmig");
  }
  if (version == 1) {
    // Version 1 lacks each account's status and each run's group, which cannot be recovered
    // from its rows for every run: the census is recorded again rather than guessed.
    return with_path(path,
                     "report database schema version 1 was written by an older mailmig; run "
                     "mailmig plan --report again into a new database");
  }
  if (version != kReportSchemaVersion) {
    return with_path(path, "not a mailmig report database");
  }
  return std::nullopt;
}

std::optional<std::string> check_report_objects(SQLite::Database& db,
                                                const std::string& schema_name,
                                                const std::string& path) {
  const std::vector<SchemaObject> found = schema_objects(db, schema_name);
  const std::vector<SchemaObject>& expected = report_schema_objects();
  for (const SchemaObject& object : found) {
    if (std::find(expected.begin(), expected.end(), object) == expected.end()) {
      return with_path(path, "refused: its " + object[0] + " \"" + object[1] +
                                 "\" is not part of a mailmig report");
    }
  }
  for (const SchemaObject& object : expected) {
    if (std::find(found.begin(), found.end(), object) == found.end()) {
      return with_path(path, "refused: its " + object[0] + " \"" + object[1] +
                                 "\" is missing or not as mailmig creates it");
    }
  }
  return std::nullopt;
}

std::optional<std::string> check_report_references(SQLite::Database& db,
                                                   const std::string& schema_name,
                                                   const std::string& path) {
  for (const auto& [table, dangling] : kDanglingRows) {
    std::string condition = dangling;
    for (std::size_t at = condition.find("S."); at != std::string::npos;
         at = condition.find("S.", at + schema_name.size())) {
      condition.replace(at, 1, schema_name);
    }
    const std::int64_t rows =
        db.execAndGet("SELECT count(*) FROM " + schema_name + "." + table + " x WHERE " + condition)
            .getInt64();
    if (rows > 0) {
      return with_path(path, "refused: " + std::to_string(rows) + " rows of its " + table +
                                 " refer to runs, profiles or accounts it does not hold");
    }
  }
  // The writer keeps a server's words short; a long one was written by someone else.
  const std::int64_t long_details =
      db.execAndGet("SELECT count(*) FROM " + schema_name +
                    ".endpoint_checks WHERE typeof(detail) <> 'text' OR length(CAST(detail AS "
                    "BLOB)) > " +
                    std::to_string(kEndpointDetailMaxBytes))
          .getInt64();
  if (long_details > 0) {
    return with_path(path, "refused: " + std::to_string(long_details) +
                               " rows of its endpoint_checks hold a detail that is not text of "
                               "at most " +
                               std::to_string(kEndpointDetailMaxBytes) + " bytes");
  }
  return std::nullopt;
}

void harden_report_connection(SQLite::Database& db) {
  sqlite3* handle = db.getHandle();
  sqlite3_db_config(handle, SQLITE_DBCONFIG_DEFENSIVE, 1, nullptr);
  sqlite3_db_config(handle, SQLITE_DBCONFIG_TRUSTED_SCHEMA, 0, nullptr);
  sqlite3_limit(handle, SQLITE_LIMIT_LENGTH, kReportMaxValueBytes);
}

ReportWorkLimit::ReportWorkLimit(SQLite::Database& db, std::uint64_t budget)
    : db_(db), budget_(budget / kReportWorkStep) {
  sqlite3_progress_handler(db_.getHandle(), static_cast<int>(kReportWorkStep),
                           &ReportWorkLimit::on_progress, this);
}

ReportWorkLimit::~ReportWorkLimit() {
  sqlite3_progress_handler(db_.getHandle(), 0, nullptr, nullptr);
}

int ReportWorkLimit::on_progress(void* self) {
  auto* limit = static_cast<ReportWorkLimit*>(self);
  ++limit->used_;
  return limit->exceeded() ? 1 : 0;
}

std::uint64_t report_work_budget(std::uintmax_t file_size) {
  return kReportWorkBaseSteps + kReportWorkStepsPerByte * static_cast<std::uint64_t>(file_size);
}

std::string sqlite_file_uri(const std::string& path, std::string_view mode) {
  static constexpr char kHex[] = "0123456789ABCDEF";
  std::string uri = "file:";
  for (const char c : path) {
    const auto byte = static_cast<unsigned char>(c);
    const bool plain = (byte >= 'A' && byte <= 'Z') || (byte >= 'a' && byte <= 'z') ||
                       (byte >= '0' && byte <= '9') || c == '-' || c == '.' || c == '_' ||
                       c == '~' || c == '/';
    if (plain) {
      uri += c;
    } else {
      uri += '%';
      uri += kHex[byte >> 4];
      uri += kHex[byte & 0x0F];
    }
  }
  uri += "?mode=";
  uri += mode;
  return uri;
}

ReportDbWriter::ReportDbWriter(std::string db_path, int busy_timeout_ms)
    : db_path_(std::move(db_path)) {
  try {
    stage_ = std::make_unique<Stage>(busy_timeout_ms);
  } catch (const std::exception& error) {
    error_ = with_path(db_path_, error.what());
  }
}

ReportDbWriter::~ReportDbWriter() = default;

void ReportDbWriter::staged(const std::function<void(Stage&)>& step) {
  if (!stage_) return;
  try {
    step(*stage_);
  } catch (const std::exception& error) {
    error_ = with_path(db_path_, error.what());
    stage_.reset();
  }
}

void ReportDbWriter::run_begun(const RunInfo& info) {
  staged([&](Stage& stage) { stage.begin_run(info); });
}

void ReportDbWriter::account(const ProfileResult& profile, const AccountResult& result) {
  staged([&](Stage& stage) { stage.account(profile, result); });
}

void ReportDbWriter::profile_done(const ProfileResult& profile) {
  staged([&](Stage& stage) { stage.profile_done(profile); });
}

ReportStatus ReportDbWriter::finish(const RunResult& run) {
  staged([&](Stage& stage) {
    stage.end_run(run);
    if (auto error = stage.copy_to(db_path_)) error_ = *error;
  });
  stage_.reset();
  return {error_};
}

ReportStatus append_run_to_report(const std::string& db_path, const RunResult& run,
                                  int busy_timeout_ms) {
  ReportDbWriter writer(db_path, busy_timeout_ms);
  writer.run_begun(run.info);
  return writer.finish(run);
}

namespace {

// Stages one input, all or nothing: the input's schema and references are checked inside the
// transaction that copies it to the stage, and the work is bounded by work_budget. Runs already
// in the output or the stage are left. Throws SQLite::Exception on a read or write error.
std::optional<std::string> stage_one(SQLite::Database& db, const std::string& input,
                                     std::uint64_t work_budget, MergeResult& result) {
  {
    SQLite::Statement attach(db, "ATTACH DATABASE ? AS src");
    attach.bind(1, sqlite_file_uri(input, "ro"));
    attach.exec();
  }
  struct Detach {
    SQLite::Database& db;
    ~Detach() { db.tryExec("DETACH DATABASE src"); }
  } detach{db};
  const ReportWorkLimit limit(db, work_budget);
  try {
    if (auto error = check_readable_report(db, "src", input)) return error;
    SQLite::Transaction transaction(db, SQLite::TransactionBehavior::DEFERRED);
    if (auto error = check_report_objects(db, "src", input)) return error;
    if (auto error = check_report_references(db, "src", input)) return error;
    const auto skipped =
        ReportCopier(db, "src.", "temp.stage_").copy({"main.runs", "temp.stage_runs"}).second;
    transaction.commit();
    result.runs_skipped += skipped;
  } catch (const SQLite::Exception&) {
    if (limit.exceeded()) {
      return with_path(input, "refused: reading it took far more work than a report of its size");
    }
    throw;
  }
  return std::nullopt;
}

// Inputs staged between two commits of the output: enough that waiting for the disk costs
// little, few enough that a failed commit names a bounded number of inputs.
constexpr std::size_t kInputsPerCommit = 500;

// Writes the stage to the output in one transaction. Runs another writer recorded meanwhile are
// left. When the commit fails, the staged inputs are listed as failed with its error.
void commit_stage(SQLite::Database& db, const std::string& out_db,
                  std::vector<std::string>& staged_inputs, MergeResult& result) {
  if (staged_inputs.empty()) return;
  try {
    SQLite::Transaction transaction(db, SQLite::TransactionBehavior::IMMEDIATE);
    const auto [added, skipped] = ReportCopier(db, "temp.stage_", "main.").copy({"main.runs"});
    transaction.commit();
    result.runs_added += added;
    result.runs_skipped += skipped;
  } catch (const std::exception& error) {
    for (const std::string& input : staged_inputs) {
      result.failed_inputs.push_back({input, with_path(out_db, error.what())});
    }
    result.inputs_merged -= staged_inputs.size();
  }
  staged_inputs.clear();
  try {
    clear_stage(db);
  } catch (const std::exception& error) {
    // Left staged, these runs would be written again with the next inputs' runs: stop here.
    result.error = with_path(out_db, error.what());
  }
}

}  // namespace

MergeResult merge_reports(const std::string& out_db, const std::vector<std::string>& inputs,
                          const MergeProgress& progress, int busy_timeout_ms,
                          std::uint64_t work_budget) {
  MergeResult result;
  std::optional<SQLite::Database> db;
  try {
    db.emplace(open_report_for_writing(out_db, busy_timeout_ms));
    harden_report_connection(*db);
    SQLite::Transaction transaction(*db, SQLite::TransactionBehavior::IMMEDIATE);
    if (auto error = ensure_report_schema(*db, "main", out_db)) {
      result.error = *error;
      return result;
    }
    transaction.commit();
    create_stage(*db);
  } catch (const std::exception& error) {
    result.error = with_path(out_db, error.what());
    return result;
  }
  std::vector<std::string> staged_inputs;
  std::size_t done = 0;
  for (const std::string& input : inputs) {
    std::optional<std::string> error;
    boost::system::error_code ignored;
    if (!boost::filesystem::exists(input, ignored)) {
      error = with_path(input, "no such file");
    } else if (!boost::filesystem::is_regular_file(input, ignored)) {
      error = with_path(input, "not a regular file");
    } else if (same_file(input, out_db)) {
      error = with_path(input, "is the output database");
    } else {
      try {
        const std::uint64_t budget =
            work_budget != 0 ? work_budget
                             : report_work_budget(boost::filesystem::file_size(input, ignored));
        error = stage_one(*db, input, budget, result);
      } catch (const std::exception& exception) {
        error = with_path(input, exception.what());
      }
    }
    if (error) {
      result.failed_inputs.push_back({input, *error});
    } else {
      ++result.inputs_merged;
      staged_inputs.push_back(input);
      if (staged_inputs.size() >= kInputsPerCommit)
        commit_stage(*db, out_db, staged_inputs, result);
    }
    if (progress) progress(++done, inputs.size());
    if (!result.error.empty()) return result;
  }
  commit_stage(*db, out_db, staged_inputs, result);
  return result;
}

}  // namespace mailmig
