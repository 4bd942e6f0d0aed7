// Opening report databases and checking their schema; shared by the writer, the merge and the
// summary. Functions here throw SQLite::Exception; the public functions turn it into values.
#pragma once

#include <SQLiteCpp/Database.h>

#include <optional>
#include <string>

namespace mailmig {

// Opens (creating when missing) a report database for writing, with foreign keys on.
SQLite::Database open_report_for_writing(const std::string& path, int busy_timeout_ms);

// Within a write transaction: creates the schema in an empty database, or returns an error
// when the database has a newer schema version or is not a report database.
std::optional<std::string> ensure_report_schema(SQLite::Database& db, const std::string& path);

// The error for a database (or attached schema `schema_name`) that cannot be read as a report
// of this version; nullopt when it can.
std::optional<std::string> check_readable_report(SQLite::Database& db,
                                                 const std::string& schema_name,
                                                 const std::string& path);

// "file:<percent-encoded path>?mode=ro": opens an existing file read-only without creating it.
std::string read_only_uri(const std::string& path);

}  // namespace mailmig
