// What a person reads: the scan, plan or apply result in plain words, in their language.
#pragma once

#include <cstddef>
#include <memory>
#include <ostream>
#include <string>
#include <vector>

#include "src/model/profile.h"
#include "src/model/run_result.h"
#include "src/report/spool.h"

namespace mailmig {

// The text report written as the run goes (MigrationOptions::report_sink): each account's lines
// once it is planned, kept in a Spool, the rest once the run is done.
class TextReport : public RunReportSink {
 public:
  void run_begun(const RunInfo& info) override;
  void account(const ProfileResult& profile, const AccountResult& result) override;
  void profile_done(const ProfileResult& profile) override;
  // The whole report of `result`, whose profiles were handed on to this sink.
  void write(const RunResult& result, std::ostream& stream);

 private:
  bool applied_ = false;
  Spool spool_;
  std::string account_text_;  // one account's lines, its room reused
  std::size_t profile_begin_ = 0;
  std::vector<SpoolRange> accounts_of_profile_;  // by profile index
};

// The whole text report of a run.
std::string format_text(const RunResult& result);

// The double-click run's screens (issue 18), short and in plain words:
// - the plan: the accounts to change, what changes (each rule once), warnings once, and the
//   profiles that could not be read or whose client is running;
std::string format_short_plan(const RunResult& plan);
// - after apply: what was done, in the past tense, and what could not be done;
std::string format_short_done(const RunResult& apply);
// - the steps left for a person (action-required findings), numbered; "" when there are none.
std::string format_manual_steps(const RunResult& result);

// A unified diff of every file the run changes (or changed), decoded for display, with every
// secret masked.
std::string format_diff(const std::vector<std::unique_ptr<Profile>>& profiles);

}  // namespace mailmig
