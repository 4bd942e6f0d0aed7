// What one run of mailmig found and did: the one report model that text, JSON, CSV, HTML and
// the SQLite report database are all written from.
#pragma once

#include <cstddef>
#include <optional>
#include <string>
#include <vector>

#include "src/model/account.h"
#include "src/model/change.h"
#include "src/model/client.h"
#include "src/model/endpoint_check.h"
#include "src/model/finding.h"

namespace mailmig {

enum class ProfileStatus { Ok, Error, ClientRunning };
constexpr std::string_view to_string(ProfileStatus status) {
  switch (status) {
    case ProfileStatus::Ok:
      return "ok";
    case ProfileStatus::Error:
      return "error";
    case ProfileStatus::ClientRunning:
      return "client-running";
  }
  return "error";
}

struct AccountResult {
  Account account;  // as found, before any change (never holds a secret)
  std::vector<Change> changes;
  std::vector<Finding> findings;
  // False when the policy's scope does not name the account's servers: it is left alone and
  // reported as not governed (issue 15).
  bool governed = true;
  // Its changes were not made because a new server failed its check (verification required):
  // still to do, at a later run (issue 15 §2).
  bool awaiting_server = false;
};

// Where an account stands after a run: the one status the log, JSON, CSV, the report database
// and the census count. Derived from an AccountResult by account_status(), never stored apart.
enum class AccountStatus {
  Done,            // nothing (left) to change
  Pending,         // plan: changes planned, not yet made
  Changed,         // apply: changes made
  ActionRequired,  // a person must still do a step mailmig cannot
  NotGoverned,     // outside the policy's scope: left alone
};
constexpr std::string_view to_string(AccountStatus status) {
  switch (status) {
    case AccountStatus::Done:
      return "done";
    case AccountStatus::Pending:
      return "pending";
    case AccountStatus::Changed:
      return "changed";
    case AccountStatus::ActionRequired:
      return "action-required";
    case AccountStatus::NotGoverned:
      return "not-governed";
  }
  return "done";
}

// A person's step outranks the changes mailmig makes: an account with one is not done.
inline AccountStatus account_status(const AccountResult& result, bool applied) {
  if (!result.governed) return AccountStatus::NotGoverned;
  for (const Finding& finding : result.findings) {
    if (finding.severity == Severity::ActionRequired) return AccountStatus::ActionRequired;
  }
  if (result.awaiting_server) return AccountStatus::Pending;
  if (result.changes.empty()) return AccountStatus::Done;
  return applied ? AccountStatus::Changed : AccountStatus::Pending;
}

// What the totals need of accounts whose results were handed on as they were planned
// (RunReportSink) and are no longer kept.
struct AccountTally {
  std::size_t accounts = 0;
  std::size_t changes = 0;
  std::size_t findings = 0;
  std::size_t action_required = 0;

  void add(const AccountResult& result) {
    ++accounts;
    changes += result.changes.size();
    findings += result.findings.size();
    for (const Finding& finding : result.findings) {
      action_required += finding.severity == Severity::ActionRequired ? 1 : 0;
    }
  }
};

struct FileResult {
  std::string path;
  bool changed = false;     // planned (plan) or written (apply)
  std::string backup_path;  // apply only: where the original bytes were kept
};

struct ProfileResult {
  ClientKind client;
  std::string path;
  ProfileStatus status = ProfileStatus::Ok;
  std::string error;  // "file:line: message" when status is Error; the advice when ClientRunning
  std::string error_localized;  // the advice in the user's language, when it has a translation
  std::vector<AccountResult> accounts;
  // The accounts handed to the run's RunReportSink, which are not in `accounts`.
  AccountTally handed_on;
  std::vector<FileResult> files;
  std::vector<Finding> findings;  // about the profile as a whole
};

struct RunInfo {
  std::string run_id;   // a UUID
  std::string command;  // "scan", "plan", "apply"
  std::string machine;
  std::string group;  // `--group LABEL` at plan or apply time, for the census; may be empty
  std::string user;
  std::string time;  // UTC, ISO 8601: 2026-11-23T21:30:00Z
  std::string mailmig_version;
  std::string policy_name;
  std::string policy_hash;  // sha256 hex of the policy bytes; of "" for the built-in default
  // The built-in default names no organisation's servers: every host but a local one is in its
  // scope, and it changes only what it verifies (issue 15).
  bool builtin_policy = false;
};

struct RunResult {
  RunInfo info;
  std::vector<ProfileResult> profiles;
  // About the run as a whole, when no profile can say it: "no mail program's settings were
  // found in /home/ann" (the rule is empty, the severity is Info).
  std::vector<Finding> notices;
  // The checks of the servers changes point accounts at, each once, and the mode they ran in
  // ("required", "advisory", "off").
  std::string verification = "off";
  std::vector<EndpointCheck> endpoint_checks;
};

// Receives a run's report as it is made, so that a profile of thousands of accounts is written
// out without keeping every account's result until the end: each account once planned (apply:
// once its profile was written, as a failed write takes its changes back), then its profile once
// its status, findings and files are final. Profiles are handed on in the order of
// RunResult::profiles, but for the last ones, which hold no account (a PATH that is no profile,
// a refused journal row). The accounts handed on are counted in ProfileResult::handed_on instead
// of kept in ProfileResult::accounts.
class RunReportSink {
 public:
  virtual ~RunReportSink() = default;
  virtual void run_begun(const RunInfo& info) = 0;
  virtual void account(const ProfileResult& profile, const AccountResult& result) = 0;
  virtual void profile_done(const ProfileResult& profile) = 0;
};

}  // namespace mailmig
