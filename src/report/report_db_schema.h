// Opening report databases and checking their schema; shared by the writer, the merge and the
// summary. Functions here throw SQLite::Exception; the public functions turn it into values.
#pragma once

#include <SQLiteCpp/Database.h>

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace mailmig {

// Opens (creating when missing) a report database for writing, with foreign keys on.
SQLite::Database open_report_for_writing(const std::string& path, int busy_timeout_ms);

// Within a write transaction: creates the schema in an empty database (or attached schema
// `schema_name`), or returns an error when it has a newer schema version, is not a report
// database or holds objects a report does not (check_report_objects).
std::optional<std::string> ensure_report_schema(SQLite::Database& db,
                                                const std::string& schema_name,
                                                const std::string& path);

// The error for a database (or attached schema `schema_name`) that cannot be read as a report
// of this version; nullopt when it can.
std::optional<std::string> check_readable_report(SQLite::Database& db,
                                                 const std::string& schema_name,
                                                 const std::string& path);

// The error for a database (or attached schema) whose objects are not exactly those of a
// report: a view, a trigger, a virtual table, an extra or altered table or index. A report from
// another machine is hostile input: reading such an object could run the attacker's SQL.
std::optional<std::string> check_report_objects(SQLite::Database& db,
                                                const std::string& schema_name,
                                                const std::string& path);

// The error for a report in which a row refers to a run, profile or account that the same
// report does not hold (an id of 0, -1 or another machine's row), or a row id below 1; or an
// endpoint check whose detail is longer than the writer stores (kEndpointDetailMaxBytes).
std::optional<std::string> check_report_references(SQLite::Database& db,
                                                   const std::string& schema_name,
                                                   const std::string& path);

// Defensive settings for a connection that reads reports from elsewhere: no SQL from the schema
// runs with side effects (trusted_schema off, defensive mode), and no value grows beyond
// kReportMaxValueBytes.
inline constexpr int kReportMaxValueBytes = 1 << 20;
void harden_report_connection(SQLite::Database& db);

// Interrupts the connection's statements once they have run about `budget` SQLite virtual
// machine steps, for as long as it lives: the work on a report is bounded by its size, so a
// crafted one fails instead of running without end.
class ReportWorkLimit {
 public:
  ReportWorkLimit(SQLite::Database& db, std::uint64_t budget);
  ~ReportWorkLimit();
  ReportWorkLimit(const ReportWorkLimit&) = delete;
  ReportWorkLimit& operator=(const ReportWorkLimit&) = delete;

  bool exceeded() const { return used_ > budget_; }

 private:
  static int on_progress(void* self);

  SQLite::Database& db_;
  std::uint64_t budget_;  // in units of kReportWorkStep steps
  std::uint64_t used_ = 0;
};

// The steps allowed for reading a report file of `file_size` bytes: far more than a real report
// of that size needs (see the merge tests), yet finite.
std::uint64_t report_work_budget(std::uintmax_t file_size);

// "file:<percent-encoded path>?mode=<mode>", so that any path (one starting with "file:" or
// holding '?' or '#') names a file, and so that "ro" opens an existing file without creating it.
// Connections opened this way can ATTACH such URIs too.
std::string sqlite_file_uri(const std::string& path, std::string_view mode);

}  // namespace mailmig
