#include "src/report/csv_report.h"

#include <utility>

#include "src/report/csv.h"
#include "src/report/kept_run.h"

namespace mailmig {
namespace {

enum Column : std::size_t {
  kClient,
  kProfile,
  kStatus,
  kAccount,
  kName,
  kAddress,
  kProtocol,
  kHostname,
  kPort,
  kSocketType,
  kAuthentication,
  kUsername,
  kSmtpHostname,
  kSmtpPort,
  kSmtpSocketType,
  kSmtpAuthentication,
  kRule,
  kField,
  kFrom,
  kTo,
  kReason,
  kSmtpUsername,
  kError,
  kFindings,
  kMachine,
  kRunId,
  kCommand,
  kAccountStatus,
  kGoverned,
  kColumnCount,
};

void append_findings(std::string& text, const std::vector<Finding>& findings) {
  for (const Finding& finding : findings) {
    if (!text.empty()) text += '\n';
    text += to_string(finding.severity);
    text += ' ';
    text += finding.rule;
    text += ": ";
    text += finding.message();
  }
}

CsvRow profile_row(const RunInfo& info, const ProfileResult& profile) {
  CsvRow row(kColumnCount);
  row[kClient] = client_id(profile.client);
  row[kProfile] = profile.path;
  row[kStatus] = to_string(profile.status);
  if (profile.status != ProfileStatus::Ok) row[kError] = profile.error;
  row[kMachine] = info.machine;
  row[kRunId] = info.run_id;
  row[kCommand] = info.command;
  return row;
}

void fill_account(CsvRow& row, const Account& account) {
  row[kAccount] = account.id;
  row[kName] = account.name;
  row[kAddress] = account.address;
  row[kProtocol] = to_string(account.incoming.protocol);
  row[kHostname] = account.incoming.hostname;
  row[kPort] = std::to_string(account.incoming.port);
  row[kSocketType] = to_string(account.incoming.socket_type);
  row[kAuthentication] = to_string(account.incoming.authentication);
  row[kUsername] = account.incoming.username;
  if (account.outgoing) {
    const ServerSettings& smtp = *account.outgoing;
    row[kSmtpHostname] = smtp.hostname;
    row[kSmtpPort] = std::to_string(smtp.port);
    row[kSmtpSocketType] = to_string(smtp.socket_type);
    row[kSmtpAuthentication] = to_string(smtp.authentication);
    row[kSmtpUsername] = smtp.username;
  }
}

void fill_change(CsvRow& row, const Change& change) {
  row[kRule] = change.rule;
  row[kField] = change.field;
  row[kFrom] = change.from;
  row[kTo] = change.to;
  row[kReason] = change.reason;
}

}  // namespace

const std::vector<std::string_view>& csv_report_columns() {
  static const std::vector<std::string_view> columns{"client",
                                                     "profile",
                                                     "status",
                                                     "account",
                                                     "name",
                                                     "address",
                                                     "protocol",
                                                     "hostname",
                                                     "port",
                                                     "socketType",
                                                     "authentication",
                                                     "username",
                                                     "smtp_hostname",
                                                     "smtp_port",
                                                     "smtp_socketType",
                                                     "smtp_authentication",
                                                     "rule",
                                                     "field",
                                                     "from",
                                                     "to",
                                                     "reason",
                                                     "smtp_username",
                                                     "error",
                                                     "findings",
                                                     "machine",
                                                     "run_id",
                                                     "command",
                                                     "account_status",
                                                     "governed"};
  return columns;
}

void CsvReport::run_begun(const RunInfo& info) { info_ = info; }

void CsvReport::append_rows(std::string& out, const ProfileResult& profile,
                            const AccountResult& result, bool first_of_profile) const {
  CsvRow row = profile_row(info_, profile);
  fill_account(row, result.account);
  row[kAccountStatus] = to_string(account_status(result, info_.command == "apply"));
  row[kGoverned] = result.governed ? "true" : "false";
  append_findings(row[kFindings], result.findings);
  if (first_of_profile) append_findings(row[kFindings], profile.findings);
  if (info_.command == "scan" || result.changes.empty()) {
    append_csv_row(out, row);
    return;
  }
  for (const Change& change : result.changes) {
    fill_change(row, change);
    append_csv_row(out, row);
    row[kFindings].clear();  // counted on the account's first row only
  }
}

void CsvReport::account(const ProfileResult& profile, const AccountResult& result) {
  // The profile's findings go on its first account's row, and are known once it is done.
  if (!first_of_profile_) {
    first_of_profile_ = result;
    return;
  }
  rows_.clear();
  append_rows(rows_, profile, result, false);
  spool_.append(rows_);
}

void CsvReport::profile_done(const ProfileResult& profile) {
  ProfileRows done;
  if (first_of_profile_) {
    const AccountResult first = std::move(*first_of_profile_);
    first_of_profile_.reset();
    append_rows(done.first_account, profile, first, true);
  }
  done.other_accounts = {profile_begin_, spool_.size()};
  profile_begin_ = spool_.size();
  profiles_.push_back(std::move(done));
}

void CsvReport::write(const RunResult& run, std::ostream& out) {
  std::string text;
  const auto& columns = csv_report_columns();
  append_csv_row(text, CsvRow(columns.begin(), columns.end()));
  for (std::size_t index = 0; index < run.profiles.size(); ++index) {
    const ProfileResult& profile = run.profiles[index];
    if (index >= profiles_.size() || profiles_[index].first_account.empty()) {
      CsvRow row = profile_row(run.info, profile);
      append_findings(row[kFindings], profile.findings);
      append_csv_row(text, row);
      continue;
    }
    out << text << profiles_[index].first_account;
    text.clear();
    spool_.write(profiles_[index].other_accounts, out);
  }
  out << text;
}

std::string write_csv(const RunResult& run) { return report_of_kept_run<CsvReport>(run); }

}  // namespace mailmig
