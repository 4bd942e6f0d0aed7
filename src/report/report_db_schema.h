// Opening report databases and checking their schema; shared by the writer, the merge and the
// summary. Functions here throw SQLite::Exception; the public functions turn it into values.
#pragma once

#include <SQLiteCpp/Database.h>

#include <optional>
#include <string>
#include <string_view>

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

// "file:<percent-encoded path>?mode=<mode>", so that any path (one starting with "file:" or
// holding '?' or '#') names a file, and so that "ro" opens an existing file without creating it.
// Connections opened this way can ATTACH such URIs too.
std::string sqlite_file_uri(const std::string& path, std::string_view mode);

}  // namespace mailmig
