#include "src/report/report_summary.h"

#include <SQLiteCpp/Statement.h>

#include <algorithm>
#include <boost/filesystem.hpp>
#include <cstdint>
#include <cstdio>
#include <ctime>
#include <optional>
#include <set>
#include <tuple>

#include "src/i18n/i18n.h"
#include "src/model/endpoint_check.h"
#include "src/report/report_db.h"
#include "src/report/report_db_schema.h"
#include "src/util/utc_time.h"

namespace mailmig {
namespace {

// The UTC day after `day` (YYYY-MM-DD); `day` itself when it is not a date.
std::string next_day(const std::string& day) {
  std::tm date{};
  if (day.size() != 10 ||
      std::sscanf(day.c_str(), "%4d-%2d-%2d", &date.tm_year, &date.tm_mon, &date.tm_mday) != 3) {
    return day;
  }
  date.tm_year -= 1900;
  date.tm_mon -= 1;
  date.tm_mday += 1;
  const std::tm normalized = utc_time(utc_seconds(date));
  char text[16];
  std::strftime(text, sizeof text, "%Y-%m-%d", &normalized);
  return text;
}

// Days without a run between the last listed day and `day` repeat the last day's counts, so the
// chart's days are evenly spaced.
void fill_days_until(std::vector<DayProgress>& days, const std::string& day) {
  for (int added = 0; added < 366; ++added) {
    const std::string next = next_day(days.back().day);
    if (next >= day || next == days.back().day) return;
    days.push_back({next, days.back().done, days.back().remaining});
  }
}

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

CensusStatus census_status_of(const std::string& account_status) {
  if (account_status == "pending") return CensusStatus::Pending;
  if (account_status == "action-required") return CensusStatus::ActionRequired;
  if (account_status == "not-governed") return CensusStatus::NotGoverned;
  return CensusStatus::Done;  // "done", or "changed" by an apply
}

void count(StatusCounts& counts, CensusStatus status) {
  switch (status) {
    case CensusStatus::Error:
      ++counts.errors;
      break;
    case CensusStatus::ClientRunning:
      ++counts.client_running;
      break;
    case CensusStatus::ActionRequired:
      ++counts.action_required;
      break;
    case CensusStatus::Pending:
      ++counts.pending;
      break;
    case CensusStatus::Done:
      ++counts.done;
      break;
    case CensusStatus::NotGoverned:
      ++counts.not_governed;
      break;
  }
}

// The counts by status of the accounts, of each rule, client, host, group and machine.
class CensusCounter {
 public:
  // Machines as their latest run recorded them; the statuses are added after.
  explicit CensusCounter(std::map<std::string, MachineLine> machines)
      : machines_(std::move(machines)) {}

  void note_machine(const std::string& machine, CensusStatus status) {
    auto found = worst_.find(machine);
    if (found == worst_.end() || status < found->second) worst_[machine] = status;
  }

  void add_account(const WorklistEntry& entry, CensusStatus status) {
    count(accounts_, status);
    note_machine(entry.machine, status);
    MachineLine& line = machines_[entry.machine];
    count(line.accounts, status);
    for (const std::string& rule : entry.rules) add(by_rule_, rule, entry.machine, status);
    add(by_client_, entry.client, entry.machine, status);
    add(by_host_, entry.hostname, entry.machine, status);
    add(by_group_, line.group, entry.machine, status);
  }

  void finish(ReportSummary& summary) {
    summary.account_status = accounts_;
    std::map<std::pair<std::string, std::string>, std::size_t> policies;
    for (auto& [machine, line] : machines_) {
      const auto worst = worst_.find(machine);
      line.status = worst == worst_.end() ? CensusStatus::Done : worst->second;
      count(summary.machine_status, line.status);
      ++policies[{line.policy_name, line.policy_hash}];
      summary.machine_lines.push_back(line);
    }
    std::stable_sort(summary.machine_lines.begin(), summary.machine_lines.end(),
                     [](const MachineLine& a, const MachineLine& b) {
                       return std::tie(a.status, a.last_seen) < std::tie(b.status, b.last_seen);
                     });
    for (const auto& [policy, machines] : policies) {
      summary.policies.push_back({policy.first, policy.second, machines});
    }
    std::stable_sort(
        summary.policies.begin(), summary.policies.end(),
        [](const PolicyUse& a, const PolicyUse& b) { return a.machines > b.machines; });
    summary.work_by_rule = listed(by_rule_);
    summary.work_by_client = listed(by_client_);
    summary.work_by_host = listed(by_host_);
    summary.work_by_group = listed(by_group_);
  }

 private:
  struct Tally {
    StatusCounts accounts;
    std::set<std::string> machines;
  };

  static void add(std::map<std::string, Tally>& tallies, const std::string& key,
                  const std::string& machine, CensusStatus status) {
    Tally& tally = tallies[key];
    count(tally.accounts, status);
    tally.machines.insert(machine);
  }

  // Most accounts still to do first.
  static std::vector<WorkCounts> listed(const std::map<std::string, Tally>& tallies) {
    std::vector<WorkCounts> rows;
    rows.reserve(tallies.size());
    for (const auto& [key, tally] : tallies) {
      rows.push_back({key, tally.accounts, tally.machines.size()});
    }
    std::stable_sort(rows.begin(), rows.end(), [](const WorkCounts& a, const WorkCounts& b) {
      return a.accounts.total() - a.accounts.done > b.accounts.total() - b.accounts.done;
    });
    return rows;
  }

  std::map<std::string, MachineLine> machines_;
  std::map<std::string, CensusStatus> worst_;
  StatusCounts accounts_;
  std::map<std::string, Tally> by_rule_, by_client_, by_host_, by_group_;
};

// Each machine as its latest run (by time, then insertion) recorded it.
std::map<std::string, MachineLine> read_machines(SQLite::Database& db) {
  SQLite::Statement rows(db,
                         "SELECT machine, time, command, policy_name, policy_hash, machine_group "
                         "FROM runs ORDER BY machine, time, rowid");
  std::map<std::string, MachineLine> machines;
  while (rows.executeStep()) {
    MachineLine& line = machines[rows.getColumn(0).getString()];
    line.machine = rows.getColumn(0).getString();
    line.last_seen = rows.getColumn(1).getString();
    line.command = rows.getColumn(2).getString();
    line.policy_name = rows.getColumn(3).getString();
    line.policy_hash = rows.getColumn(4).getString();
    const std::string group = rows.getColumn(5).getString();
    line.group = group.empty() ? machine_group(line.machine) : group;
  }
  return machines;
}

// Done and remaining accounts at the end of each day: every ok observation of a profile
// replaces what the profile's earlier ones said.
std::vector<DayProgress> read_progress(SQLite::Database& db) {
  SQLite::Statement rows(
      db,
      "SELECT r.machine || char(31) || r.user || char(31) || p.client || char(31) || p.path, "
      "substr(r.time, 1, 10), "
      "sum(a.status IN ('done', 'changed')), sum(a.status IN ('pending', 'action-required')) "
      "FROM profiles p JOIN runs r ON r.run_id = p.run_id JOIN accounts a ON a.profile_id = p.id "
      "WHERE p.status = 'ok' GROUP BY p.id ORDER BY r.time, p.id");
  std::map<std::string, std::pair<std::int64_t, std::int64_t>> by_profile;
  std::vector<DayProgress> days;
  std::int64_t done = 0;
  std::int64_t remaining = 0;
  while (rows.executeStep()) {
    const std::string day = rows.getColumn(1).getString();
    auto& [profile_done, profile_remaining] = by_profile[rows.getColumn(0).getString()];
    done += rows.getColumn(2).getInt64() - profile_done;
    remaining += rows.getColumn(3).getInt64() - profile_remaining;
    profile_done = rows.getColumn(2).getInt64();
    profile_remaining = rows.getColumn(3).getInt64();
    if (days.empty() || days.back().day != day) {
      if (!days.empty()) fill_days_until(days, day);
      days.push_back({day, 0, 0});
    }
    days.back().done = static_cast<std::size_t>(done);
    days.back().remaining = static_cast<std::size_t>(remaining);
  }
  return days;
}

// Each endpoint's newest check on each machine, then the endpoints failing on some machine.
std::vector<FailingEndpoint> read_failing_endpoints(SQLite::Database& db) {
  // Oldest first within each (endpoint, machine), so the last row of a group is the newest.
  SQLite::Statement rows(db,
                         "SELECT r.machine, e.host, e.port, e.security, e.protocol, e.result, "
                         "e.detail, r.time FROM endpoint_checks e JOIN runs r ON r.run_id = "
                         "e.run_id ORDER BY e.host, e.port, e.security, r.machine, r.time, "
                         "r.rowid, e.id");
  struct Tally {
    FailingEndpoint endpoint;  // counts, and the newest failure's protocol, result and detail
    std::string failure_time;
  };
  std::vector<Tally> tallies;   // one an endpoint, in the rows' order
  std::string machine;          // of the rows read last
  std::optional<Tally> newest;  // the newest check of (endpoint, machine) read so far
  const auto count_machine = [&] {
    if (!newest) return;
    Tally& tally = tallies.back();
    if (newest->endpoint.result == "ok") {
      ++tally.endpoint.machines_ok;
      return;
    }
    ++tally.endpoint.machines_failed;
    if (newest->failure_time >= tally.failure_time) {
      tally.endpoint.protocol = newest->endpoint.protocol;
      tally.endpoint.result = newest->endpoint.result;
      tally.endpoint.detail = newest->endpoint.detail;
      tally.failure_time = newest->failure_time;
    }
  };
  while (rows.executeStep()) {
    Tally check;
    check.endpoint.host = rows.getColumn(1).getString();
    check.endpoint.port = rows.getColumn(2).getInt();
    check.endpoint.security = rows.getColumn(3).getString();
    check.endpoint.protocol = rows.getColumn(4).getString();
    check.endpoint.result = rows.getColumn(5).getString();
    check.endpoint.detail = rows.getColumn(6).getString();
    check.failure_time = rows.getColumn(7).getString();
    const bool same_endpoint = !tallies.empty() &&
                               tallies.back().endpoint.host == check.endpoint.host &&
                               tallies.back().endpoint.port == check.endpoint.port &&
                               tallies.back().endpoint.security == check.endpoint.security;
    std::string row_machine = rows.getColumn(0).getString();
    if (!same_endpoint || row_machine != machine) {
      count_machine();
      machine = std::move(row_machine);
    }
    if (!same_endpoint) {
      Tally first;
      first.endpoint.host = check.endpoint.host;
      first.endpoint.port = check.endpoint.port;
      first.endpoint.security = check.endpoint.security;
      tallies.push_back(std::move(first));
    }
    newest = std::move(check);
  }
  count_machine();
  std::vector<FailingEndpoint> failing;
  for (Tally& tally : tallies) {
    if (tally.endpoint.machines_failed > 0) failing.push_back(std::move(tally.endpoint));
  }
  // Failing on the most machines first; of those, passing on the fewest (down for everyone).
  std::stable_sort(failing.begin(), failing.end(),
                   [](const FailingEndpoint& a, const FailingEndpoint& b) {
                     return std::tie(b.machines_failed, a.machines_ok) <
                            std::tie(a.machines_failed, b.machines_ok);
                   });
  return failing;
}

class CurrentAccountReader {
 public:
  explicit CurrentAccountReader(SQLite::Database& db)
      : accounts_(db,
                  "SELECT id, account_id, name, address, in_hostname, status FROM accounts "
                  "WHERE profile_id = ? ORDER BY id"),
        rules_(db, "SELECT DISTINCT rule FROM changes WHERE account_id = ? ORDER BY rule"),
        // Through the account's profile: findings have an index by profile, not by account
        // (a scan of every finding for each account took most of a 10,000-machine summary).
        account_steps_(db,
                       "SELECT message FROM findings "
                       "WHERE profile_id = (SELECT profile_id FROM accounts WHERE id = ?1) "
                       "AND account_id = ?1 AND severity = 'action-required' ORDER BY id"),
        profile_steps_(db,
                       "SELECT message FROM findings WHERE profile_id = ? "
                       "AND account_id IS NULL AND severity = 'action-required' ORDER BY id") {}

  // `latest_status` is the status of the profile's latest run ("ok", "error", ...); `census`
  // gathers the counts by status.
  void add_profile(const ProfileObservation& profile, const std::string& latest_status,
                   ReportSummary& summary, CensusCounter& census) {
    const WorklistEntry base = entry_for(profile);
    WorklistEntry profile_entry = base;
    profile_entry.manual_steps = texts(profile_steps_, profile.id);
    if (!profile_entry.manual_steps.empty()) {
      profile_entry.status = census_status_name(CensusStatus::ActionRequired);
      summary.worklist.push_back(profile_entry);
      census.note_machine(profile.machine, CensusStatus::ActionRequired);
    }

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
      const CensusStatus status = latest_status == "error" ? CensusStatus::Error
                                  : latest_status == "client-running"
                                      ? CensusStatus::ClientRunning
                                      : census_status_of(accounts_.getColumn(5).getString());
      census.add_account(entry, status);
      entry.status = census_status_name(status);
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

ReportSummary summarize(SQLite::Database& db, const SummaryOptions& options) {
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
  CensusCounter census(read_machines(db));
  for (const ProfileHistory& history : histories) {
    const ProfileObservation& latest = history.latest;
    if (latest.status == "client-running") {
      ++summary.client_running;
      census.note_machine(latest.machine, CensusStatus::ClientRunning);
    }
    if (latest.status == "error") {
      ++summary.errors;
      census.note_machine(latest.machine, CensusStatus::Error);
    }
    if (latest.status != "ok") {
      summary.attention.push_back({latest.machine, latest.user, latest.client, latest.path,
                                   latest.status, latest.error, latest.command, latest.time});
    }
    if (history.current) reader.add_profile(*history.current, latest.status, summary, census);
  }
  census.finish(summary);
  summary.progress = read_progress(db);
  summary.failing_endpoints = read_failing_endpoints(db);
  if (!options.stale_since.empty()) {
    summary.stale_since = options.stale_since;
    for (const MachineLine& line : summary.machine_lines) {
      if (line.last_seen < options.stale_since) summary.stale_machines.push_back(line);
    }
    std::stable_sort(
        summary.stale_machines.begin(), summary.stale_machines.end(),
        [](const MachineLine& a, const MachineLine& b) { return a.last_seen < b.last_seen; });
  }
  return summary;
}

}  // namespace

std::string_view census_status_name(CensusStatus status) {
  switch (status) {
    case CensusStatus::Error:
      return "error";
    case CensusStatus::ClientRunning:
      return "client-running";
    case CensusStatus::ActionRequired:
      return "action-required";
    case CensusStatus::Pending:
      return "pending";
    case CensusStatus::Done:
      return "done";
    case CensusStatus::NotGoverned:
      return "not-governed";
  }
  return "error";
}

std::string endpoint_label(const FailingEndpoint& endpoint) {
  Endpoint address;
  address.host = endpoint.host;
  address.port = endpoint.port;
  return host_and_port(address);
}

std::string endpoint_result_phrase(const FailingEndpoint& endpoint) {
  const std::optional<EndpointOutcome> outcome = endpoint_outcome_named(endpoint.result);
  return outcome ? translate(outcome_phrase(*outcome)) : endpoint.result;
}

std::string machine_group(const std::string& machine) {
  const std::size_t end = machine.find_first_of("-_.0123456789");
  return end == 0 || end == std::string::npos ? machine : machine.substr(0, end);
}

ReportSummaryResult summarize_report(const std::string& db_path, const SummaryOptions& options) {
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
      result.summary = summarize(db, options);
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
