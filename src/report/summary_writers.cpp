// summary_text, summary_json and summary_csv (summary_html is in summary_html.cpp).
#include <nlohmann/json.hpp>

#include "src/i18n/i18n.h"
#include "src/model/finding.h"
#include "src/report/csv.h"
#include "src/report/report_summary.h"
#include "src/util/text_sanitize.h"

namespace mailmig {
namespace {

std::string join(const std::vector<std::string>& parts, std::string_view separator) {
  std::string out;
  for (const std::string& part : parts) {
    if (!out.empty()) out += separator;
    out += part;
  }
  return out;
}

void append_figure(std::string& out, const char* label, std::size_t value) {
  out += "  ";
  out += translate(label);
  out += ": ";
  out += std::to_string(value);
  out += '\n';
}

void append_counts(std::string& out, const char* heading,
                   const std::map<std::string, std::size_t>& counts) {
  if (counts.empty()) return;
  out += '\n';
  out += translate(heading);
  out += '\n';
  for (const auto& [key, count] : counts) {
    out += "  " + printable(key) + ": " + std::to_string(count) + '\n';
  }
}

std::string percent_of(std::size_t part, std::size_t whole) {
  return whole == 0 ? "0%" : std::to_string((part * 100 + whole / 2) / whole) + "%";
}

// "done 3 (50%), pending 1 (17%), ..." for accounts or machines.
void append_status_line(std::string& out, const char* label, const StatusCounts& counts) {
  const std::pair<const char*, std::size_t> parts[] = {
      {N_("done"), counts.done},
      {N_("pending"), counts.pending},
      {N_("to do by hand"), counts.action_required},
      {N_("client running"), counts.client_running},
      {N_("errors"), counts.errors},
      {N_("not governed"), counts.not_governed},
  };
  out += "  ";
  out += translate(label);
  out += ":";
  const char* separator = " ";
  for (const auto& [name, value] : parts) {
    out += separator;
    out += translate(name);
    out += " " + std::to_string(value) + " (" + percent_of(value, counts.total()) + ")";
    separator = ", ";
  }
  out += '\n';
}

std::string profile_label(const std::string& machine, const std::string& user,
                          const std::string& client, const std::string& profile) {
  return printable(machine) + " (" + printable(user) + ") " + printable(client) + " " +
         printable(profile);
}

}  // namespace

std::string summary_text(const ReportSummary& summary) {
  std::string out = translate(N_("mailmig report summary"));
  out += '\n';
  append_figure(out, N_("Machines"), summary.machines);
  append_figure(out, N_("Runs"), summary.runs);
  append_figure(out, N_("Profiles"), summary.profiles);
  append_figure(out, N_("Accounts"), summary.accounts);
  append_figure(out, N_("Accounts with pending changes"), summary.pending_accounts);
  append_figure(out, N_("Profiles with the mail client running"), summary.client_running);
  append_figure(out, N_("Profiles that could not be read"), summary.errors);
  append_status_line(out, N_("Accounts"), summary.account_status);
  append_status_line(out, N_("Machines"), summary.machine_status);
  if (!summary.policies.empty()) {
    out += '\n';
    out += translate(N_("Policies (machines whose latest run used it):"));
    out += '\n';
    for (const PolicyUse& policy : summary.policies) {
      out += "  " + printable(policy.name) + " " + printable(policy.hash) + ": " +
             std::to_string(policy.machines) + '\n';
    }
    if (summary.policies.size() > 1) {
      out += translate(N_("Warning: the machines ran different policies."));
      out += '\n';
    }
  }
  append_counts(out, N_("Pending accounts by rule:"), summary.pending_by_rule);
  append_counts(out, N_("Pending accounts by client:"), summary.pending_by_client);
  append_counts(out, N_("Pending accounts by incoming server:"), summary.pending_by_host);
  if (!summary.worklist.empty()) {
    out += '\n';
    out += translate(N_("Worklist:"));
    out += '\n';
    for (const WorklistEntry& entry : summary.worklist) {
      out += "  " + profile_label(entry.machine, entry.user, entry.client, entry.profile);
      if (!entry.account.empty()) {
        out += " [" + printable(entry.account) + "] " + printable(entry.name);
        if (!entry.address.empty()) out += " <" + printable(entry.address) + ">";
      }
      out += '\n';
      if (!entry.rules.empty()) {
        out += "    ";
        out += translate(N_("pending:"));
        out += " " + printable(join(entry.rules, ", ")) + '\n';
      }
      for (const std::string& step : entry.manual_steps) {
        out += "    ";
        out += translate(N_("to do by hand:"));
        out += " " + printable(step) + '\n';
      }
    }
  }
  if (!summary.stale_since.empty()) {
    out += '\n';
    out += fill_placeholders(translate(N_("Machines not heard from since {date}:")),
                             {{"date", printable(summary.stale_since)}});
    out += '\n';
    for (const MachineLine& line : summary.stale_machines) {
      out += "  " + printable(line.machine) + " " + printable(line.last_seen) + '\n';
    }
  }
  if (!summary.failing_endpoints.empty()) {
    out += '\n';
    out += translate(N_("New servers checked, failing on some machine:"));
    out += '\n';
    for (const FailingEndpoint& endpoint : summary.failing_endpoints) {
      out += "  " + printable(endpoint_label(endpoint)) + " " + printable(endpoint.security) +
             " (" + printable(endpoint.protocol) +
             "): " + printable(endpoint_result_phrase(endpoint)) + "; ";
      out += fill_placeholders(translate(N_("failed on {failed} machines, ok on {ok}")),
                               {{"failed", std::to_string(endpoint.machines_failed)},
                                {"ok", std::to_string(endpoint.machines_ok)}});
      out += '\n';
      if (!endpoint.detail.empty()) out += "    " + printable(endpoint.detail) + '\n';
    }
  }
  if (!summary.attention.empty()) {
    out += '\n';
    out += translate(N_("Profiles to run again:"));
    out += '\n';
    for (const ProfileAttention& item : summary.attention) {
      out += "  " + profile_label(item.machine, item.user, item.client, item.profile) + ": " +
             printable(item.status);
      if (!item.error.empty()) out += " (" + printable(item.error) + ")";
      out += '\n';
    }
  }
  return out;
}

std::string summary_json(const ReportSummary& summary) {
  using Json = nlohmann::ordered_json;
  Json out = Json::object();
  out["schema"] = "mailmig-summary/1";
  out["machines"] = summary.machines;
  out["runs"] = summary.runs;
  out["profiles"] = summary.profiles;
  out["accounts"] = summary.accounts;
  out["pending_accounts"] = summary.pending_accounts;
  out["client_running"] = summary.client_running;
  out["errors"] = summary.errors;
  out["latest_run_time"] = summary.latest_run_time;
  const auto status_counts = [](const StatusCounts& counts) {
    return Json{{"done", counts.done},
                {"pending", counts.pending},
                {"action_required", counts.action_required},
                {"client_running", counts.client_running},
                {"errors", counts.errors},
                {"not_governed", counts.not_governed}};
  };
  out["account_status"] = status_counts(summary.account_status);
  out["machine_status"] = status_counts(summary.machine_status);
  Json policies = Json::array();
  for (const PolicyUse& policy : summary.policies) {
    policies.push_back(
        Json{{"name", policy.name}, {"hash", policy.hash}, {"machines", policy.machines}});
  }
  out["policies"] = std::move(policies);
  Json progress = Json::array();
  for (const DayProgress& day : summary.progress) {
    progress.push_back(Json{{"day", day.day}, {"done", day.done}, {"remaining", day.remaining}});
  }
  out["progress"] = std::move(progress);
  const auto work = [&](const std::vector<WorkCounts>& rows) {
    Json list = Json::array();
    for (const WorkCounts& row : rows) {
      Json item = status_counts(row.accounts);
      item["key"] = row.key;
      item["machines"] = row.machines;
      list.push_back(std::move(item));
    }
    return list;
  };
  out["work_by_rule"] = work(summary.work_by_rule);
  out["work_by_client"] = work(summary.work_by_client);
  out["work_by_host"] = work(summary.work_by_host);
  out["work_by_group"] = work(summary.work_by_group);
  const auto machine_json = [&](const MachineLine& line) {
    return Json{{"machine", line.machine},
                {"group", line.group},
                {"last_seen", line.last_seen},
                {"command", line.command},
                {"policy_name", line.policy_name},
                {"policy_hash", line.policy_hash},
                {"status", census_status_name(line.status)},
                {"accounts", status_counts(line.accounts)}};
  };
  Json machine_lines = Json::array();
  for (const MachineLine& line : summary.machine_lines) machine_lines.push_back(machine_json(line));
  out["machine_lines"] = std::move(machine_lines);
  if (!summary.stale_since.empty()) {
    out["stale_since"] = summary.stale_since;
    Json stale = Json::array();
    for (const MachineLine& line : summary.stale_machines) stale.push_back(machine_json(line));
    out["stale_machines"] = std::move(stale);
  }
  const auto counts = [](const std::map<std::string, std::size_t>& map) {
    Json object = Json::object();
    for (const auto& [key, count] : map) object[key] = count;
    return object;
  };
  out["pending_by_rule"] = counts(summary.pending_by_rule);
  out["pending_by_client"] = counts(summary.pending_by_client);
  out["pending_by_host"] = counts(summary.pending_by_host);
  Json worklist = Json::array();
  for (const WorklistEntry& entry : summary.worklist) {
    worklist.push_back(Json{{"machine", entry.machine},
                            {"user", entry.user},
                            {"client", entry.client},
                            {"profile", entry.profile},
                            {"account", entry.account},
                            {"name", entry.name},
                            {"address", entry.address},
                            {"hostname", entry.hostname},
                            {"rules", entry.rules},
                            {"manual_steps", entry.manual_steps},
                            {"command", entry.command},
                            {"time", entry.time},
                            {"status", entry.status}});
  }
  out["worklist"] = std::move(worklist);
  Json attention = Json::array();
  for (const ProfileAttention& item : summary.attention) {
    attention.push_back(Json{{"machine", item.machine},
                             {"user", item.user},
                             {"client", item.client},
                             {"profile", item.profile},
                             {"status", item.status},
                             {"error", item.error},
                             {"command", item.command},
                             {"time", item.time}});
  }
  out["attention"] = std::move(attention);
  Json failing_endpoints = Json::array();
  for (const FailingEndpoint& endpoint : summary.failing_endpoints) {
    failing_endpoints.push_back(Json{{"hostname", endpoint.host},
                                     {"port", endpoint.port},
                                     {"socketType", endpoint.security},
                                     {"protocol", endpoint.protocol},
                                     {"result", endpoint.result},
                                     {"detail", endpoint.detail},
                                     {"machines_failed", endpoint.machines_failed},
                                     {"machines_ok", endpoint.machines_ok}});
  }
  out["failing_endpoints"] = std::move(failing_endpoints);
  std::string text = out.dump(2, ' ', false, nlohmann::json::error_handler_t::replace);
  text += '\n';
  return text;
}

const std::vector<std::string>& summary_csv_columns() {
  static const std::vector<std::string> columns{
      "machine", "group",    "user",  "client",       "profile", "status",  "account", "name",
      "address", "hostname", "rules", "manual_steps", "error",   "command", "time"};
  return columns;
}

std::string summary_csv(const ReportSummary& summary) {
  std::map<std::string, std::string> groups;
  for (const MachineLine& line : summary.machine_lines) groups[line.machine] = line.group;
  std::string out = "\xEF\xBB\xBF";  // Excel reads UTF-8 only after this byte order mark
  append_csv_row(out, summary_csv_columns());
  for (const WorklistEntry& entry : summary.worklist) {
    append_csv_row(out, {entry.machine, groups[entry.machine], entry.user, entry.client,
                         entry.profile, entry.status, entry.account, entry.name, entry.address,
                         entry.hostname, join(entry.rules, " "), join(entry.manual_steps, "\n"), "",
                         entry.command, entry.time});
  }
  for (const ProfileAttention& item : summary.attention) {
    append_csv_row(out, {item.machine, groups[item.machine], item.user, item.client, item.profile,
                         item.status, "", "", "", "", "", "", item.error, item.command, item.time});
  }
  return out;
}

}  // namespace mailmig
