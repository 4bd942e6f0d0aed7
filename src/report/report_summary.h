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
};

struct ReportSummaryResult {
  ReportSummary summary;
  std::string error;  // "reports.db: ..." when the database cannot be read

  explicit operator bool() const { return error.empty(); }
};

// Reads the report database (read-only; it is never created).
ReportSummaryResult summarize_report(const std::string& db_path);

// Plain text for a terminal; headings through gettext, data as recorded.
std::string summary_text(const ReportSummary& summary);
// One JSON document (schema "mailmig-summary/1"): the figures, pending_by_* objects
// (key -> accounts), worklist and attention arrays.
std::string summary_json(const ReportSummary& summary);
// RFC 4180: the worklist rows, then the attention rows (see the header row for the columns).
std::string summary_csv(const ReportSummary& summary);
// One self-contained HTML5 page that is also well-formed XML: inline CSS, no scripts, no
// external references; the figures, bar charts of the pending counts and both lists.
std::string summary_html(const ReportSummary& summary);

}  // namespace mailmig
