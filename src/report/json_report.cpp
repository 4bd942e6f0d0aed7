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

std::string write_json(const RunResult& run) {
  // The dump of run_to_json(run), but each account is dumped on its own into the text: the tree
  // of a run of thousands of accounts, several times the size of the text, is never built whole.
  // Each profile's empty "accounts" is found by its key at the start of a line at its depth (a
  // string value holds no raw line break) and filled in, in order.
  const std::string skeleton = dump(run_to_json(run, false));
  constexpr std::string_view kEmptyAccounts = "\n      \"accounts\": []";
  constexpr std::string_view kAccountIndent = "        ";
  std::string text;
  text.reserve(skeleton.size() + 2);
  std::size_t copied = 0;
  for (const ProfileResult& profile : run.profiles) {
    const std::size_t at = skeleton.find(kEmptyAccounts, copied);
    text.append(skeleton, copied, at + kEmptyAccounts.size() - 1 - copied);  // up to the ']'
    copied = at + kEmptyAccounts.size() - 1;
    if (profile.accounts.empty()) continue;
    text += '\n';
    for (std::size_t i = 0; i < profile.accounts.size(); ++i) {
      if (i > 0) text += ",\n";
      const std::string account =
          dump(account_to_json(profile.accounts[i], run.info.command == "apply"));
      std::size_t line = 0;
      for (std::size_t end = account.find('\n'); end != std::string::npos;
           line = end + 1, end = account.find('\n', line)) {
        text += kAccountIndent;
        text.append(account, line, end + 1 - line);
      }
      text += kAccountIndent;
      text.append(account, line);
    }
    text += "\n      ";
  }
  text.append(skeleton, copied);
  text += '\n';
  return text;
}

}  // namespace mailmig
