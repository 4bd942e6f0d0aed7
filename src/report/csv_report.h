// The spreadsheet report of one run (RFC 4180, UTF-8 without BOM).
#pragma once

#include <cstddef>
#include <optional>
#include <ostream>
#include <string>
#include <string_view>
#include <vector>

#include "src/model/run_result.h"
#include "src/report/spool.h"

namespace mailmig {

// The columns, in order: the ones scripts rely on first, then the additions.
//   client, profile, status, account, name, address, protocol, hostname, port, socketType,
//   authentication, username, smtp_hostname, smtp_port, smtp_socketType, smtp_authentication,
//   rule, field, from, to, reason, smtp_username, error, findings, machine, run_id, command,
//   account_status (done, pending, changed, action-required, not-governed; empty on a row
//   without an account)
const std::vector<std::string_view>& csv_report_columns();

// A header row, then for "scan" one row per account, and for "plan" and "apply" one row per
// change (an account without changes gets one row with empty change columns). A profile
// without accounts (an error, a running client) gets one row with empty account columns, so
// every profile appears. `findings` holds the account's findings, then the profile's, one per
// line as "severity rule: message", on the first row of the account (or profile) only, so that
// a spreadsheet counts each once. smtp_* are empty when the account has no outgoing server.
std::string write_csv(const RunResult& run);

// The same report written as the run goes (MigrationOptions::report_sink): each account's rows
// once it is planned, kept in a Spool, but for each profile's first account, whose rows also
// hold the profile's findings and are written once the profile is done.
class CsvReport : public RunReportSink {
 public:
  void run_begun(const RunInfo& info) override;
  void account(const ProfileResult& profile, const AccountResult& result) override;
  void profile_done(const ProfileResult& profile) override;
  // The whole report of `run`, whose profiles were handed on to this sink.
  void write(const RunResult& run, std::ostream& out);

 private:
  struct ProfileRows {
    std::string first_account;  // empty for a profile without accounts
    SpoolRange other_accounts;
  };
  void append_rows(std::string& out, const ProfileResult& profile, const AccountResult& result,
                   bool first_of_profile) const;

  RunInfo info_;
  Spool spool_;
  std::string rows_;  // one account's rows, their room reused
  std::optional<AccountResult> first_of_profile_;
  std::size_t profile_begin_ = 0;
  std::vector<ProfileRows> profiles_;  // by profile index
};

}  // namespace mailmig
