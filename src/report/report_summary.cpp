#include "src/report/report_summary.h"

#include <SQLiteCpp/Statement.h>

#include <boost/filesystem.hpp>
#include <cstdint>
#include <optional>

#include "src/report/report_db.h"
#include "src/report/report_db_schema.h"

namespace mailmig {
namespace {

struct ProfileObservation {
  std::int64_t id = 0;
  std::string machine;
  std::string user;
  std::string client;
  std::string path;
  std::string status;
  std::string error;
  std::string command;
  std::string time;

  bool same_profile(const ProfileObservation& other) const {
    return machine == other.machine && user == other.user && client == other.client &&
           path == other.path;
  }
};

ProfileObservation read_observation(SQLite::Statement& row) {
  return ProfileObservation{
      row.getColumn(0).getInt64(),  row.getColumn(1).getString(), row.getColumn(2).getString(),
      row.getColumn(3).getString(), row.getColumn(4).getString(), row.getColumn(5).getString(),
      row.getColumn(6).getString(), row.getColumn(7).getString(), row.getColumn(8).getString()};
}

// For one profile: the newest observation, and the newest one whose status is ok.
struct ProfileHistory {
  ProfileObservation latest;
  std::optional<ProfileObservation> current;
};

std::vector<ProfileHistory> read_profile_histories(SQLite::Database& db) {
  // Oldest first within each profile, so the last row of a group is the newest.
  SQLite::Statement rows(db,
                         "SELECT p.id, r.machine, r.user, p.client, p.path, p.status, "
                         "ifnull(p.error, ''), r.command, r.time FROM profiles p "
                         "JOIN runs r ON r.run_id = p.run_id "
                         "ORDER BY r.machine, r.user, p.client, p.path, r.time, p.id");
  std::vector<ProfileHistory> histories;
  while (rows.executeStep()) {
    ProfileObservation observation = read_observation(rows);
    if (histories.empty() || !histories.back().latest.same_profile(observation)) {
      histories.push_back({observation, std::nullopt});
    }
    ProfileHistory& history = histories.back();
    if (observation.status == "ok") history.current = observation;
    history.latest = std::move(observation);
  }
  return histories;
}

WorklistEntry entry_for(const ProfileObservation& profile) {
  WorklistEntry entry;
  entry.machine = profile.machine;
  entry.user = profile.user;
  entry.client = profile.client;
  entry.profile = profile.path;
  entry.command = profile.command;
  entry.time = profile.time;
  return entry;
}

class CurrentAccountReader {
 public:
  explicit CurrentAccountReader(SQLite::Database& db)
      : accounts_(db,
                  "SELECT id, account_id, name, address, in_hostname FROM accounts "
                  "WHERE profile_id = ? ORDER BY id"),
        rules_(db, "SELECT DISTINCT rule FROM changes WHERE account_id = ? ORDER BY rule"),
        account_steps_(db,
                       "SELECT message FROM findings WHERE account_id = ? "
                       "AND severity = 'action-required' ORDER BY id"),
        profile_steps_(db,
                       "SELECT message FROM findings WHERE profile_id = ? "
                       "AND account_id IS NULL AND severity = 'action-required' ORDER BY id") {}

  void add_profile(const ProfileObservation& profile, ReportSummary& summary) {
    const WorklistEntry base = entry_for(profile);
    WorklistEntry profile_entry = base;
    profile_entry.manual_steps = texts(profile_steps_, profile.id);
    if (!profile_entry.manual_steps.empty()) summary.worklist.push_back(profile_entry);

    const bool changes_pending = profile.command != "apply";
    accounts_.reset();
    accounts_.bind(1, profile.id);
    while (accounts_.executeStep()) {
      ++summary.accounts;
      const std::int64_t row_id = accounts_.getColumn(0).getInt64();
      WorklistEntry entry = base;
      entry.account = accounts_.getColumn(1).getString();
      entry.name = accounts_.getColumn(2).getString();
      entry.address = accounts_.getColumn(3).getString();
      entry.hostname = accounts_.getColumn(4).getString();
      if (changes_pending) entry.rules = texts(rules_, row_id);
      entry.manual_steps = texts(account_steps_, row_id);
      if (!entry.rules.empty()) {
        ++summary.pending_accounts;
        for (const std::string& rule : entry.rules) ++summary.pending_by_rule[rule];
        ++summary.pending_by_client[entry.client];
        ++summary.pending_by_host[entry.hostname];
      }
      if (!entry.rules.empty() || !entry.manual_steps.empty()) {
        summary.worklist.push_back(std::move(entry));
      }
    }
  }

 private:
  static std::vector<std::string> texts(SQLite::Statement& query, std::int64_t id) {
    query.reset();
    query.bind(1, id);
    std::vector<std::string> out;
    while (query.executeStep()) out.push_back(query.getColumn(0).getString());
    return out;
  }

  SQLite::Statement accounts_;
  SQLite::Statement rules_;
  SQLite::Statement account_steps_;
  SQLite::Statement profile_steps_;
};

ReportSummary summarize(SQLite::Database& db) {
  ReportSummary summary;
  SQLite::Statement totals(
      db, "SELECT count(*), count(DISTINCT machine), ifnull(max(time), '') FROM runs");
  totals.executeStep();
  summary.runs = static_cast<std::size_t>(totals.getColumn(0).getInt64());
  summary.machines = static_cast<std::size_t>(totals.getColumn(1).getInt64());
  summary.latest_run_time = totals.getColumn(2).getString();

  const std::vector<ProfileHistory> histories = read_profile_histories(db);
  summary.profiles = histories.size();
  CurrentAccountReader reader(db);
  for (const ProfileHistory& history : histories) {
    const ProfileObservation& latest = history.latest;
    if (latest.status == "client-running") ++summary.client_running;
    if (latest.status == "error") ++summary.errors;
    if (latest.status != "ok") {
      summary.attention.push_back({latest.machine, latest.user, latest.client, latest.path,
                                   latest.status, latest.error, latest.command, latest.time});
    }
    if (history.current) reader.add_profile(*history.current, summary);
  }
  return summary;
}

}  // namespace

ReportSummaryResult summarize_report(const std::string& db_path) {
  ReportSummaryResult result;
  boost::system::error_code ignored;
  if (!boost::filesystem::is_regular_file(db_path, ignored)) {
    result.error = db_path + ": no such report database";
    return result;
  }
  try {
    SQLite::Database db(sqlite_file_uri(db_path, "ro"), SQLite::OPEN_READONLY | SQLite::OPEN_URI,
                        kReportBusyTimeoutMs);
    harden_report_connection(db);
    // A merged database holds what other machines sent: checked like a merge input.
    const ReportWorkLimit limit(db, report_work_budget(boost::filesystem::file_size(db_path)));
    try {
      if (auto error = check_readable_report(db, "main", db_path)) {
        result.error = *error;
        return result;
      }
      // One read transaction, so a run appended meanwhile is seen whole or not at all.
      db.exec("BEGIN");
      if (auto error = check_report_objects(db, "main", db_path)) {
        result.error = *error;
        return result;
      }
      if (auto error = check_report_references(db, "main", db_path)) {
        result.error = *error;
        return result;
      }
      result.summary = summarize(db);
      db.exec("COMMIT");
    } catch (const SQLite::Exception&) {
      if (!limit.exceeded()) throw;
      result.error = db_path + ": refused: reading it took far more work than a report of its size";
    }
  } catch (const std::exception& error) {
    result.error = db_path + ": " + error.what();
  }
  return result;
}

}  // namespace mailmig
