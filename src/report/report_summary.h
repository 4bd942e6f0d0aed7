// What a report database says across machines: the figures, what is still pending and the
// administrator's worklist, written as text, JSON, CSV or one self-contained HTML page.
//
// Definitions (also in docs/report-schema.md):
// - A profile is identified by (machine, user, client, profile path).
// - Its latest run is the newest run (by time, then by insertion) that lists it; its status
//   there gives `client_running` and `errors`.
// - Its current run is the newest run that read it (status ok). The accounts of that run are the
//   current accounts. An account is pending for rule R when that run lists a change with rule R
//   and the run is not an apply (an apply that read the profile wrote its changes).
// - The worklist lists, per current account, the pending rules and the messages of its
//   action-required findings (any command: they need a person); a profile's own action-required
//   findings form an entry without account.
#pragma once

#include <cstddef>
#include <map>
#include <string>
#include <string_view>
#include <vector>

namespace mailmig {

struct WorklistEntry {
  std::string machine;
  std::string user;
  std::string client;   // "thunderbird", ...
  std::string profile;  // path
  std::string account;  // the client's account id; empty for a profile-level entry
  std::string name;
  std::string address;
  std::string hostname;                   // the incoming server as found
  std::vector<std::string> rules;         // pending change rules, sorted, each once
  std::vector<std::string> manual_steps;  // action-required finding messages, English
  std::string command;                    // of the current run: "scan", "plan" or "apply"
  std::string time;                       // of the current run
  std::string status;  // the census status: "pending", "action-required", "client-running", ...

  bool operator==(const WorklistEntry&) const = default;
};

// A profile whose latest run could not read it or found its client running.
struct ProfileAttention {
  std::string machine;
  std::string user;
  std::string client;
  std::string profile;
  std::string status;  // "client-running" or "error"
  std::string error;
  std::string command;
  std::string time;

  bool operator==(const ProfileAttention&) const = default;
};

// Where accounts (or machines) stand, for the census's "at a glance". Each account of a current
// run counts once: under client_running or errors when its profile's latest run found the client
// running or could not read it, else under its recorded status (an applied change is done). A
// machine counts once, under the first of errors, client_running, action_required, pending, done,
// not_governed that one of its profiles or accounts is in.
struct StatusCounts {
  std::size_t done = 0;
  std::size_t pending = 0;
  std::size_t action_required = 0;
  std::size_t client_running = 0;
  std::size_t errors = 0;
  std::size_t not_governed = 0;

  std::size_t total() const {
    return done + pending + action_required + client_running + errors + not_governed;
  }
  bool operator==(const StatusCounts&) const = default;
};

// The census statuses, worst first; `census_status_name` gives their ids
// ("error", "client-running", "action-required", "pending", "done", "not-governed").
enum class CensusStatus { Error, ClientRunning, ActionRequired, Pending, Done, NotGoverned };
std::string_view census_status_name(CensusStatus status);

// Accounts of one rule, client, incoming host or machine group.
struct WorkCounts {
  std::string key;
  StatusCounts accounts;
  std::size_t machines = 0;

  bool operator==(const WorkCounts&) const = default;
};

// One machine: its latest run and where it stands.
struct MachineLine {
  std::string machine;
  std::string group;      // its latest run's --group, else the name's prefix (see machine_group)
  std::string last_seen;  // time of its latest run
  std::string command;    // of its latest run
  std::string policy_name;
  std::string policy_hash;
  CensusStatus status = CensusStatus::Done;
  StatusCounts accounts;

  bool operator==(const MachineLine&) const = default;
};

// A policy (name and hash) and the machines whose latest run used it.
struct PolicyUse {
  std::string name;
  std::string hash;
  std::size_t machines = 0;

  bool operator==(const PolicyUse&) const = default;
};

// Accounts done and still to do (pending or needing a step by hand) at the end of one UTC day,
// as the runs recorded up to then tell.
struct DayProgress {
  std::string day;  // 2026-12-01
  std::size_t done = 0;
  std::size_t remaining = 0;

  bool operator==(const DayProgress&) const = default;
};

// A new server (host, port, security) whose latest check on at least one machine failed: for
// each machine, only its newest check of the endpoint counts (of any protocol or login).
struct FailingEndpoint {
  std::string host;
  int port = 0;
  std::string security;  // "plain", "SSL", "STARTTLS"
  std::string protocol;  // of the newest failed check: "pop3", "imap", "smtp"
  std::string result;    // of the newest failed check: "no-answer", "no-tls", ...
  std::string detail;    // the server's or TLS library's words then, at most 200 bytes
  std::size_t machines_failed = 0;
  std::size_t machines_ok = 0;

  bool operator==(const FailingEndpoint&) const = default;
};

// "mail.example.jp:587" ("[2001:db8::1]:993"), and the result in the user's language ("did not
// answer"; a result this mailmig does not know is shown as recorded).
std::string endpoint_label(const FailingEndpoint& endpoint);
std::string endpoint_result_phrase(const FailingEndpoint& endpoint);

// The group of a machine without --group: its name up to the first '-', '_', '.' or digit
// ("tokyo-pc-0012" -> "tokyo"), or the whole name when that leaves nothing.
std::string machine_group(const std::string& machine);

struct ReportSummary {
  std::size_t machines = 0;
  std::size_t runs = 0;
  std::size_t profiles = 0;
  std::size_t accounts = 0;          // current accounts
  std::size_t pending_accounts = 0;  // current accounts with at least one pending rule
  std::size_t client_running = 0;    // profiles whose latest run found the client running
  std::size_t errors = 0;            // profiles whose latest run could not read them
  std::string latest_run_time;
  std::map<std::string, std::size_t> pending_by_rule;    // rule -> pending accounts
  std::map<std::string, std::size_t> pending_by_client;  // client id -> pending accounts
  std::map<std::string, std::size_t> pending_by_host;    // incoming host -> pending accounts
  std::vector<WorklistEntry> worklist;  // by machine, user, client, profile, account order
  std::vector<ProfileAttention> attention;

  StatusCounts account_status;  // of the current accounts
  StatusCounts machine_status;
  std::vector<PolicyUse> policies;       // most machines first
  std::vector<DayProgress> progress;     // one a day from the first run's to the last run's
  std::vector<WorkCounts> work_by_rule;  // accounts pending for the rule, by status
  std::vector<WorkCounts> work_by_client;
  std::vector<WorkCounts> work_by_host;
  std::vector<WorkCounts> work_by_group;
  std::vector<MachineLine> machine_lines;   // worst status first, then oldest last seen
  std::string stale_since;                  // the --stale-since date, when given
  std::vector<MachineLine> stale_machines;  // last seen before stale_since, oldest first
  // "New servers checked": most machines failing first, then fewest passing, then by host, port.
  std::vector<FailingEndpoint> failing_endpoints;
};

struct SummaryOptions {
  std::string stale_since;  // YYYY-MM-DD: list the machines not heard from since that day
};

struct ReportSummaryResult {
  ReportSummary summary;
  std::string error;  // "reports.db: ..." when the database cannot be read

  explicit operator bool() const { return error.empty(); }
};

// Reads the report database (read-only; it is never created).
ReportSummaryResult summarize_report(const std::string& db_path,
                                     const SummaryOptions& options = {});

// Plain text for a terminal; headings through gettext, data as recorded.
std::string summary_text(const ReportSummary& summary);
// One JSON document (schema "mailmig-summary/1"): the figures, pending_by_* objects
// (key -> accounts), worklist, attention and failing_endpoints arrays.
std::string summary_json(const ReportSummary& summary);
// RFC 4180 with a UTF-8 byte order mark (so Excel reads Japanese names): the worklist rows,
// then the attention rows, in the columns of the HTML page's worklist (summary_csv_columns).
// The failing endpoints are not rows of it: they belong to no machine, user or profile.
std::string summary_csv(const ReportSummary& summary);
const std::vector<std::string>& summary_csv_columns();

// The most worklist rows and machine lines the HTML page shows (the CSV and JSON have all): a
// census of 10,000 machines stays a page a browser opens at once (under 2 MB).
inline constexpr std::size_t kHtmlRowLimit = 1000;
// One self-contained HTML5 page that is also well-formed XML: inline CSS and SVG, a few lines of
// inline script (sorting and filtering; the page reads the same without), no external
// references: at a glance, progress by day, where the work is, the worklist by machine, the
// machines.
std::string summary_html(const ReportSummary& summary);

}  // namespace mailmig
