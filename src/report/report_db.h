// The SQLite report database: every run appends itself, per-machine databases merge into one,
// and the summary reads it (schema: docs/report-schema.md).
#pragma once

#include <cstddef>
#include <cstdint>
#include <functional>
#include <memory>
#include <string>
#include <vector>

#include "src/model/run_result.h"

namespace mailmig {

inline constexpr int kReportSchemaVersion = 2;  // PRAGMA user_version of a report database
inline constexpr int kReportBusyTimeoutMs = 60'000;
// The most bytes of a server's words (EndpointCheck::detail) a report holds for one check: enough
// for a greeting or a TLS library's verdict, too few to carry a document.
inline constexpr std::size_t kEndpointDetailMaxBytes = 200;

// The outcome of a database operation: empty `error` on success, else one English line that
// names the database ("reports.db: database is locked").
struct ReportStatus {
  std::string error;

  bool ok() const { return error.empty(); }
  explicit operator bool() const { return ok(); }
};

// Writes one run to the report database at db_path as the run hands it on (RunReportSink): each
// account's rows go to a temporary database as the account is planned, so the memory used does
// not grow with the accounts, and finish() appends the whole run to the report in one
// transaction, as append_run_to_report does. Nothing reaches the report before finish().
class ReportDbWriter : public RunReportSink {
 public:
  explicit ReportDbWriter(std::string db_path, int busy_timeout_ms = kReportBusyTimeoutMs);
  ~ReportDbWriter() override;
  ReportDbWriter(const ReportDbWriter&) = delete;
  ReportDbWriter& operator=(const ReportDbWriter&) = delete;

  void run_begun(const RunInfo& info) override;
  void account(const ProfileResult& profile, const AccountResult& result) override;
  void profile_done(const ProfileResult& profile) override;
  // Writes what the run did not hand on (the profiles after the last one done, the endpoint
  // checks) and appends the run; the first error met since the run began, if any.
  ReportStatus finish(const RunResult& run);

 private:
  class Stage;
  // Runs a step of the stage; after an error, the stage is gone and the error kept for finish().
  void staged(const std::function<void(Stage&)>& step);

  std::string db_path_;
  std::unique_ptr<Stage> stage_;
  std::string error_;
};

// Appends the run to the database at db_path, creating the file and schema when new, in one
// transaction (nothing is written when it fails). A database another process is writing is
// waited for up to busy_timeout_ms. A run already recorded (same run_id), a database of a newer
// schema version, or a file that is not a report database is an error.
ReportStatus append_run_to_report(const std::string& db_path, const RunResult& run,
                                  int busy_timeout_ms = kReportBusyTimeoutMs);

struct MergeFailure {
  std::string path;
  std::string error;
};

struct MergeResult {
  std::string error;  // fatal: the output database could not be opened, created or written
  std::size_t inputs_merged = 0;
  std::size_t runs_added = 0;
  std::size_t runs_skipped = 0;             // already in the output (same run_id)
  std::vector<MergeFailure> failed_inputs;  // unreadable or not a report: skipped

  explicit operator bool() const { return error.empty(); }
};

// Called after each input with (inputs done, inputs in total), for a progress line.
using MergeProgress = std::function<void(std::size_t done, std::size_t total)>;

// Copies every run of every input database into out_db (created when new): each input is
// checked and staged all or nothing, and the staged inputs are written in one transaction every
// few hundred inputs (an input whose commit fails is listed in failed_inputs). A run whose
// run_id is already in out_db is skipped, so merging an input twice keeps its runs once. Inputs
// are opened read-only; one that cannot be read is listed in failed_inputs and the merge goes
// on. An input is hostile until checked: one with a view, trigger or any object a report does
// not have, one whose rows refer to runs, profiles or accounts it does not hold, or one that
// takes more than work_budget SQLite steps (0: a budget from its size) is refused and listed,
// and nothing of it is copied.
MergeResult merge_reports(const std::string& out_db, const std::vector<std::string>& inputs,
                          const MergeProgress& progress = {},
                          int busy_timeout_ms = kReportBusyTimeoutMs,
                          std::uint64_t work_budget = 0);

}  // namespace mailmig
