// One run of scan, plan or apply over a set of profiles: discovery, reading, the rules, the
// writers, and (for apply) the safe write. Produces the run result every report is written from.
#pragma once

#include <chrono>
#include <functional>
#include <memory>
#include <string>
#include <vector>

#include "src/model/profile.h"
#include "src/model/run_result.h"
#include "src/policy/policy.h"
#include "src/verify/endpoint_checker.h"

namespace mailmig {

enum class Command { Scan, Plan, Apply };

struct MigrationOptions {
  Command command = Command::Scan;
  std::string home;                // the home folder to search when no paths are given
  std::vector<std::string> paths;  // PATH arguments: only these are processed
  std::string state_dir;           // journal, locks (apply)
  std::string backup_dir;          // empty: beside the journal
  std::string machine;
  std::string group;        // --group: the machine group the census counts this run under
  bool home_given = false;  // --home was given: the state folder is that home's
  // apply: how the undo line names the program (its full path: a double-click user has no
  // `mailmig` on the PATH), and whether it leaves out the run id (the double-click run: the
  // run just made is the last, which `rollback` undoes by default).
  std::string program = "mailmig";
  bool undo_the_last_run = false;
  // Keep each profile in memory once it is done, in Migration::profiles (--format diff prints
  // them); otherwise each is freed before the next is read.
  bool keep_profiles = false;
  // The whole run's deadline (--timeout), zero for none: once it has passed the run stops
  // between two profiles, never inside one, and the rest are Migration::not_processed. A wait
  // for a profile's lock ends at the deadline too.
  std::chrono::milliseconds timeout{0};
  // The clock the deadline is measured on, read once at the start and once before each profile
  // (tests make time pass with it).
  std::function<std::chrono::steady_clock::time_point()> clock = std::chrono::steady_clock::now;
  // Checks of the servers changes point accounts at (plan and apply): --verify, which wins over
  // the policy's mode when given, and the probe (tests give a fake one).
  std::optional<VerificationMode> verification;
  EndpointProbe probe = probe_endpoint;
  // When given, each account's result goes to it as the account is planned and is not kept in
  // Migration::result (only its counts are); each profile goes to it once done.
  RunReportSink* report_sink = nullptr;
};

inline constexpr std::chrono::seconds kDefaultRunTimeout{120};  // login scripts must finish

struct Migration {
  RunResult result;
  // The profiles as read and edited in memory (plan) or written (apply), for --format diff
  // (MigrationOptions::keep_profiles).
  std::vector<std::unique_ptr<Profile>> profiles;
  // apply: where the backups are and how to undo the run, for people ("" when nothing written).
  std::string undo_advice;
  // Profiles left alone because the run's deadline passed (--timeout), in discovery order.
  std::vector<std::string> not_processed;
  // Accounts whose changes were not made because a new server failed its check (verification
  // required): the run exits 3, so that the next one tries again.
  std::size_t left_alone_unverified = 0;
};

Migration run_migration(const MigrationOptions& options, const Policy& policy);

}  // namespace mailmig
