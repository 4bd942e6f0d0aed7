#include "src/report/json_report.h"

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

Json account_to_json(const AccountResult& result) {
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
  return out;
}

Json profile_to_json(const ProfileResult& profile, bool is_apply) {
  Json out = Json::object();
  out["client"] = client_id(profile.client);
  out["path"] = profile.path;
  out["status"] = to_string(profile.status);
  if (profile.status != ProfileStatus::Ok) out["error"] = profile.error;
  Json accounts = Json::array();
  for (const AccountResult& account : profile.accounts)
    accounts.push_back(account_to_json(account));
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

}  // namespace

Json run_to_json(const RunResult& run) {
  const RunInfo& info = run.info;
  Json out = Json::object();
  out["schema"] = kJsonReportSchema;
  out["command"] = info.command;
  out["run_id"] = info.run_id;
  out["machine"] = info.machine;
  out["time"] = info.time;
  out["mailmig_version"] = info.mailmig_version;
  out["policy"] = Json{{"name", info.policy_name}, {"hash", info.policy_hash}};
  const bool is_apply = info.command == "apply";
  Json profiles = Json::array();
  for (const ProfileResult& profile : run.profiles) {
    profiles.push_back(profile_to_json(profile, is_apply));
  }
  out["profiles"] = std::move(profiles);
  Json notices = Json::array();
  for (const Finding& notice : run.notices) notices.push_back(notice.message());
  out["notices"] = std::move(notices);
  const RunTotals totals = count_run_totals(run);
  out["summary"] = Json{{"profiles", totals.profiles}, {"accounts", totals.accounts},
                        {"changes", totals.changes},   {"findings", totals.findings},
                        {"errors", totals.errors},     {"client_running", totals.client_running}};
  return out;
}

std::string write_json(const RunResult& run) {
  std::string text = run_to_json(run).dump(2, ' ', false, nlohmann::json::error_handler_t::replace);
  text += '\n';
  return text;
}

}  // namespace mailmig
