// The machine-readable report of one run: one JSON document whose keys scripts depend on
// (schema "mailmig/1"; see docs/report-schema.md).
#pragma once

#include <cstddef>
#include <nlohmann/json.hpp>
#include <ostream>
#include <string>
#include <vector>

#include "src/model/run_result.h"
#include "src/report/spool.h"

namespace mailmig {

inline constexpr std::string_view kJsonReportSchema = "mailmig/1";

// The report as a JSON value, keys in the documented order.
nlohmann::ordered_json run_to_json(const RunResult& run);

// The JSON report written as the run goes (MigrationOptions::report_sink): each account's JSON
// once it is planned, kept in a Spool, the rest once the run is done. write() writes what
// write_json() returns.
class JsonReport : public RunReportSink {
 public:
  void run_begun(const RunInfo& info) override;
  void account(const ProfileResult& profile, const AccountResult& result) override;
  void profile_done(const ProfileResult& profile) override;
  // The whole report of `run`, whose profiles were handed on to this sink.
  void write(const RunResult& run, std::ostream& out);

 private:
  bool applied_ = false;
  Spool spool_;
  std::string account_text_;  // one account's JSON, its room reused
  std::size_t profile_begin_ = 0;
  std::vector<SpoolRange> accounts_of_profile_;  // by profile index
};

// The report as text: exactly one JSON document, indented by two spaces, UTF-8 (not escaped to
// \u sequences), ending with a newline. Invalid UTF-8 in the model is written as U+FFFD rather
// than throwing.
std::string write_json(const RunResult& run);

}  // namespace mailmig
