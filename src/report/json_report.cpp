#include "src/report/json_report.h"

#include "src/report/kept_run.h"
#include "src/report/run_totals.h"

namespace mailmig {
namespace {

using Json = nlohmann::ordered_json;

Json server_to_json(const ServerSettings& server, bool with_protocol) {
  Json out = Json::object();
  if (with_protocol) out["protocol"] = to_string(server.protocol);
  out["hostname"] = server.hostname;
  out["port"] = server.port;
  out["socketType"] = to_string(server.socket_type);
  out["authentication"] = to_string(server.authentication);
  out["username"] = server.username;
  return out;
}

Json findings_to_json(const std::vector<Finding>& findings) {
  Json out = Json::array();
  for (const Finding& finding : findings) {
    out.push_back(Json{{"rule", finding.rule},
                       {"severity", to_string(finding.severity)},
                       {"message", finding.message()}});
  }
  return out;
}

Json account_to_json(const AccountResult& result, bool is_apply) {
  const Account& account = result.account;
  Json out = Json::object();
  out["id"] = account.id;
  out["name"] = account.name;
  out["address"] = account.address;
  out["incoming"] = server_to_json(account.incoming, true);
  out["outgoing"] = account.outgoing ? server_to_json(*account.outgoing, false) : Json(nullptr);
  Json changes = Json::array();
  for (const Change& change : result.changes) {
    changes.push_back(Json{{"rule", change.rule},
                           {"field", change.field},
                           {"from", change.from},
                           {"to", change.to},
                           {"reason", change.reason}});
  }
  out["changes"] = std::move(changes);
  out["findings"] = findings_to_json(result.findings);
  out["status"] = to_string(account_status(result, is_apply));
  // False: outside the policy's scope, left alone (issue 15).
  out["governed"] = result.governed;
  return out;
}

// `with_accounts` false leaves "accounts" empty, for write_json to fill in.
Json profile_to_json(const ProfileResult& profile, bool is_apply, bool with_accounts) {
  Json out = Json::object();
  out["client"] = client_id(profile.client);
  out["path"] = profile.path;
  out["status"] = to_string(profile.status);
  if (profile.status != ProfileStatus::Ok) out["error"] = profile.error;
  Json accounts = Json::array();
  if (with_accounts) {
    for (const AccountResult& account : profile.accounts)
      accounts.push_back(account_to_json(account, is_apply));
  }
  out["accounts"] = std::move(accounts);
  out["findings"] = findings_to_json(profile.findings);
  Json files = Json::array();
  for (const FileResult& file : profile.files) {
    Json entry{{"path", file.path}, {"changed", file.changed}};
    if (is_apply && !file.backup_path.empty()) entry["backup"] = file.backup_path;
    files.push_back(std::move(entry));
  }
  out["files"] = std::move(files);
  return out;
}

Json run_to_json(const RunResult& run, bool with_accounts) {
  const RunInfo& info = run.info;
  Json out = Json::object();
  out["schema"] = kJsonReportSchema;
  out["command"] = info.command;
  out["run_id"] = info.run_id;
  out["machine"] = info.machine;
  out["time"] = info.time;
  out["mailmig_version"] = info.mailmig_version;
  out["policy"] = Json{{"name", info.policy_name}, {"hash", info.policy_hash}};
  Json endpoints = Json::array();
  for (const EndpointCheck& check : run.endpoint_checks) {
    endpoints.push_back(Json{{"protocol", to_string(check.endpoint.protocol)},
                             {"hostname", check.endpoint.host},
                             {"port", check.endpoint.port},
                             {"socketType", to_string(check.endpoint.socket_type)},
                             {"result", to_string(check.outcome)},
                             {"reason", outcome_phrase(check.outcome)},
                             {"detail", check.detail}});
  }
  out["verification"] = Json{{"mode", run.verification}, {"endpoints", std::move(endpoints)}};
  const bool is_apply = info.command == "apply";
  Json profiles = Json::array();
  for (const ProfileResult& profile : run.profiles) {
    profiles.push_back(profile_to_json(profile, is_apply, with_accounts));
  }
  out["profiles"] = std::move(profiles);
  Json notices = Json::array();
  for (const Finding& notice : run.notices) notices.push_back(notice.message());
  out["notices"] = std::move(notices);
  const RunTotals totals = count_run_totals(run);
  out["summary"] = Json{{"profiles", totals.profiles},
                        {"accounts", totals.accounts},
                        {"changes", totals.changes},
                        {"findings", totals.findings},
                        {"errors", totals.errors},
                        {"client_running", totals.client_running},
                        {"action_required", totals.action_required}};
  return out;
}

std::string dump(const Json& json) {
  return json.dump(2, ' ', false, nlohmann::json::error_handler_t::replace);
}

}  // namespace

Json run_to_json(const RunResult& run) { return run_to_json(run, true); }

// Each account is dumped on its own into the spool as it comes, and the dump of
// run_to_json(run), which would hold them all, is built at the end with empty "accounts": the tree
// of a run of thousands of accounts, several times the size of the text, is never built whole.
void JsonReport::run_begun(const RunInfo& info) { applied_ = info.command == "apply"; }

void JsonReport::account(const ProfileResult& /*profile*/, const AccountResult& result) {
  constexpr std::string_view kAccountIndent = "        ";
  account_text_.assign(spool_.size() > profile_begin_ ? ",\n" : "\n");
  const std::string account = dump(account_to_json(result, applied_));
  std::size_t line = 0;
  for (std::size_t end = account.find('\n'); end != std::string::npos;
       line = end + 1, end = account.find('\n', line)) {
    account_text_ += kAccountIndent;
    account_text_.append(account, line, end + 1 - line);
  }
  account_text_ += kAccountIndent;
  account_text_.append(account, line);
  spool_.append(account_text_);
}

void JsonReport::profile_done(const ProfileResult& /*profile*/) {
  accounts_of_profile_.push_back({profile_begin_, spool_.size()});
  profile_begin_ = spool_.size();
}

void JsonReport::write(const RunResult& run, std::ostream& out) {
  // Each profile's empty "accounts" is found by its key at the start of a line at its depth (a
  // string value holds no raw line break) and filled in, in order.
  const std::string skeleton = dump(run_to_json(run, false));
  constexpr std::string_view kEmptyAccounts = "\n      \"accounts\": []";
  std::size_t copied = 0;
  for (const SpoolRange& accounts : accounts_of_profile_) {
    const std::size_t at = skeleton.find(kEmptyAccounts, copied);
    const std::size_t bracket = at + kEmptyAccounts.size() - 1;
    if (accounts.empty()) {
      out.write(skeleton.data() + copied, static_cast<std::streamsize>(bracket - copied));
      copied = bracket;
      continue;
    }
    out.write(skeleton.data() + copied, static_cast<std::streamsize>(bracket - copied));
    spool_.write(accounts, out);
    out << "\n      ";
    copied = bracket;
  }
  out.write(skeleton.data() + copied, static_cast<std::streamsize>(skeleton.size() - copied));
  out << '\n';
}

std::string write_json(const RunResult& run) { return report_of_kept_run<JsonReport>(run); }

}  // namespace mailmig
