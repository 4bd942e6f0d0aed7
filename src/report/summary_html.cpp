// summary_html: one page an administrator can open or mail anywhere. It is HTML5 that is also
// well-formed XML (every element closed, attributes quoted, no named entities beyond XML's),
// with the style inline and nothing fetched from elsewhere.
#include <algorithm>
#include <cmath>
#include <map>
#include <string>

#include "src/i18n/i18n.h"
#include "src/model/finding.h"
#include "src/report/report_summary.h"
#include "src/util/text_sanitize.h"

namespace mailmig {
namespace {

constexpr std::string_view kStyle =
    "body{font-family:sans-serif;margin:1.5em auto;max-width:1360px;padding:0 1em;color:#222}"
    "h1{font-size:1.5em;margin:0}h2{font-size:1.2em;margin:1.5em 0 0.4em}"
    "p.latest{color:#555;margin:0.2em 0 1em}"
    "p.headline{font-size:1.6em;margin:0.4em 0}"
    "p.warning{background:#fde7c8;border-left:4px solid #d9822b;padding:0.4em 0.8em}"
    "table{border-collapse:collapse;margin:0.3em 0 1em;max-width:100%}"
    "th,td{border:1px solid #ccc;padding:0.2em 0.5em;text-align:left;vertical-align:top;"
    "overflow-wrap:break-word}"
    "th{background:#eee}"
    "td{overflow-wrap:anywhere}"
    "td.n,td.s{overflow-wrap:normal}"
    "td.n{text-align:right;white-space:nowrap}"
    "table.sortable th{cursor:pointer}"
    "div.grid{display:grid;grid-template-columns:repeat(auto-fit,minmax(30em,1fr));gap:0 2em}"
    "table.work{width:100%;table-layout:fixed}"
    "table.work col.user{width:8%}table.work col.client{width:9%}"
    "table.work col.profile{width:15%}table.work col.account{width:19%}"
    "table.work col.host{width:13%}table.work col.status{width:8%}"
    "table.work col.rules{width:12%}table.work col.todo{width:16%}"
    "tbody.machine th{background:#dde6f3;text-align:left}"
    "span.s-done{color:#2b6e2f}span.s-pending{color:#9a5b00}span.s-action-required,"
    "span.s-error,span.s-client-running{color:#b3261e;font-weight:bold}"
    "svg text{font-family:sans-serif;font-size:12px}"
    "ul{margin:0;padding-left:1.1em}"
    "p.more{color:#555;font-style:italic}";

// Sorting by a heading's column and the worklist's filter. Without script the page shows the
// same tables, unsorted and unfiltered (the filter box is added by the script itself).
constexpr std::string_view kScript = R"js(//<![CDATA[
document.querySelectorAll('table.sortable th').forEach(function (th, _, all) {
  th.title = 'sort';
  th.addEventListener('click', function () {
    var table = th.closest('table'), body = table.tBodies[0];
    var index = Array.prototype.indexOf.call(th.parentNode.children, th);
    var rows = Array.prototype.slice.call(body.rows);
    var down = th.dataset.down !== '1';
    th.dataset.down = down ? '1' : '0';
    var value = function (row) {
      var text = row.cells[index].textContent;
      var number = parseFloat(text.replace(/,/g, ''));
      return isNaN(number) ? text : number;
    };
    rows.sort(function (a, b) {
      var x = value(a), y = value(b);
      var order = typeof x === 'number' && typeof y === 'number' ? x - y : String(x).localeCompare(String(y));
      return down ? -order : order;
    });
    rows.forEach(function (row) { body.appendChild(row); });
  });
});
var worklist = document.getElementById('worklist');
if (worklist) {
  var box = document.createElement('input');
  box.type = 'search';
  box.placeholder = worklist.dataset.filter;
  box.style.width = '30em';
  worklist.parentNode.insertBefore(box, worklist);
  box.addEventListener('input', function () {
    var words = box.value.toLowerCase();
    Array.prototype.forEach.call(worklist.tBodies, function (group) {
      group.hidden = words !== '' && group.textContent.toLowerCase().indexOf(words) === -1;
    });
  });
}
//]]>)js";

// Text as XML character data: invalid UTF-8, the control characters XML forbids, DEL and the C1
// controls (which HTML forbids) replaced by U+FFFD so the page stays well-formed; the five
// specials escaped.
std::string escape(std::string_view raw_text) {
  const std::string text = valid_utf8(raw_text);
  std::string out;
  out.reserve(text.size());
  for (std::size_t i = 0; i < text.size(); ++i) {
    const char c = text[i];
    const bool c1_control = static_cast<unsigned char>(c) == 0xC2 && i + 1 < text.size() &&
                            static_cast<unsigned char>(text[i + 1]) <= 0x9F;
    if (c1_control || c == '\x7F') {
      out += "\xEF\xBF\xBD";
      if (c1_control) ++i;
      continue;
    }
    switch (c) {
      case '&':
        out += "&amp;";
        break;
      case '<':
        out += "&lt;";
        break;
      case '>':
        out += "&gt;";
        break;
      case '"':
        out += "&quot;";
        break;
      case '\'':
        out += "&#39;";
        break;
      default:
        if (static_cast<unsigned char>(c) < 0x20 && c != '\t' && c != '\n' && c != '\r') {
          out += "\xEF\xBF\xBD";
        } else {
          out += c;
        }
    }
  }
  return out;
}

std::string element(std::string_view tag, std::string_view text) {
  return "<" + std::string(tag) + ">" + escape(text) + "</" + std::string(tag) + ">";
}

std::string heading_row(std::initializer_list<const char*> labels) {
  std::string row = "<tr>";
  for (const char* label : labels) {
    // gettext maps "" to the catalogue header, so an empty heading is never translated.
    row += *label == '\0' ? std::string("<th></th>") : element("th", translate(label));
  }
  return row + "</tr>\n";
}

void append_none(std::string& out) { out += element("p", translate(N_("None."))) + "\n"; }

// 28824 as "28,824": a count an administrator reads at a glance.
std::string grouped(std::size_t value) {
  std::string digits = std::to_string(value);
  for (std::size_t at = digits.size(); at > 3; at -= 3) digits.insert(at - 3, ",");
  return digits;
}

std::string count_cell(std::size_t value) { return "<td class=\"n\">" + grouped(value) + "</td>"; }

std::string percent_text(std::size_t part, std::size_t whole) {
  return whole == 0 ? "0%" : std::to_string((part * 100 + whole / 2) / whole) + "%";
}

std::string percent_cell(std::size_t part, std::size_t whole) {
  return "<td class=\"n\">" + percent_text(part, whole) + "</td>";
}

std::string list_cell(const std::vector<std::string>& items) {
  if (items.empty()) return "<td></td>";
  std::string cell = "<td><ul>";
  for (const std::string& item : items) cell += element("li", item);
  return cell + "</ul></td>";
}

std::string status_label(std::string_view status) {
  if (status == "done") return translate(N_("done"));
  if (status == "pending") return translate(N_("pending"));
  if (status == "action-required") return translate(N_("to do by hand"));
  if (status == "client-running") return translate(N_("client running"));
  if (status == "error") return translate(N_("error"));
  if (status == "not-governed") return translate(N_("not governed"));
  return std::string(status);
}

std::string status_cell(std::string_view status) {
  return "<td class=\"s\"><span class=\"s-" + escape(status) + "\">" +
         escape(status_label(status)) + "</span></td>";
}

// "2026-12-05T17:59:00Z" as "2026-12-05 17:59 UTC".
std::string readable_time(const std::string& time) {
  if (time.size() != 20 || time[10] != 'T' || time[19] != 'Z') return time;
  return time.substr(0, 10) + " " + time.substr(11, 5) + " UTC";
}

// A profile path short enough for a column: the home folder as "~", and of a long path only
// the last two parts (or the last, when two are still long) after "…".
std::string short_path(const std::string& path) {
  std::string shortened = path;
  for (const char* home : {"/home/", "C:/Users/", "C:\\Users\\"}) {
    const std::size_t length = std::char_traits<char>::length(home);
    if (shortened.compare(0, length, home) == 0) {
      const std::size_t end = shortened.find_first_of("/\\", length);
      shortened = end == std::string::npos ? "~" : "~" + shortened.substr(end);
      break;
    }
  }
  constexpr std::size_t kLongest = 36;
  if (shortened.size() <= kLongest) return shortened;
  const std::size_t last = shortened.find_last_of("/\\");
  if (last == std::string::npos || last == 0) return shortened;
  const std::size_t before_last = shortened.find_last_of("/\\", last - 1);
  const bool two_fit =
      before_last != std::string::npos && shortened.size() - before_last <= kLongest;
  return "\xE2\x80\xA6" + shortened.substr(two_fit ? before_last : last);
}

void append_headline(std::string& out, const ReportSummary& summary) {
  const StatusCounts& accounts = summary.account_status;
  const StatusCounts& machines = summary.machine_status;
  const std::size_t governed = accounts.total() - accounts.not_governed;
  out += "<p class=\"headline\">" +
         escape(fill_placeholders(
             translate(N_("{done} of {total} accounts done ({percent}); {machines_done} of "
                          "{machines} machines done.")),
             {{"done", grouped(accounts.done)},
              {"total", grouped(governed)},
              {"percent", percent_text(accounts.done, governed)},
              {"machines_done", grouped(machines.done)},
              {"machines", grouped(machines.total() - machines.not_governed)}})) +
         "</p>\n";
  const std::pair<const char*, std::pair<std::size_t, std::size_t>> rows[] = {
      {"done", {accounts.done, machines.done}},
      {"pending", {accounts.pending, machines.pending}},
      {"action-required", {accounts.action_required, machines.action_required}},
      {"client-running", {accounts.client_running, machines.client_running}},
      {"error", {accounts.errors, machines.errors}},
      {"not-governed", {accounts.not_governed, machines.not_governed}},
  };
  out += "<table class=\"glance\">\n<thead>" +
         heading_row({N_("Status"), N_("Accounts"), "", N_("Machines"), ""}) +
         "</thead>\n<tbody>\n";
  for (const auto& [status, counts] : rows) {
    out += "<tr>" + status_cell(status) + count_cell(counts.first) +
           percent_cell(counts.first, accounts.total()) + count_cell(counts.second) +
           percent_cell(counts.second, machines.total()) + "</tr>\n";
  }
  out += "<tr><th>" + escape(translate(N_("Total"))) + "</th>" + count_cell(accounts.total()) +
         "<td></td>" + count_cell(machines.total()) + "<td></td></tr>\n</tbody>\n</table>\n";
}

void append_policies(std::string& out, const ReportSummary& summary) {
  out += element("h2", translate(N_("Policies"))) + "\n";
  if (summary.policies.size() > 1) {
    out += "<p class=\"warning\">" +
           escape(translate(N_("Warning: the machines ran different policies. Check that each "
                               "machine has the policy you mean before applying."))) +
           "</p>\n";
  }
  out += "<table class=\"policies\">\n<thead>" +
         heading_row({N_("Policy"), N_("SHA-256"), N_("Machines")}) + "</thead>\n<tbody>\n";
  for (const PolicyUse& policy : summary.policies) {
    out += "<tr>" + element("td", policy.name) + element("td", policy.hash) +
           count_cell(policy.machines) + "</tr>\n";
  }
  out += "</tbody>\n</table>\n";
}

// Done (green) under still to do (orange), one bar a day, drawn here: no script, no font.
void append_progress_chart(std::string& out, const std::vector<DayProgress>& days) {
  out += element("h2", translate(N_("Progress by day"))) + "\n";
  if (days.empty()) return append_none(out);
  constexpr int kWidth = 900, kHeight = 260, kLeft = 60, kBottom = 40, kTop = 30;
  std::size_t largest = 1;
  for (const DayProgress& day : days) largest = std::max(largest, day.done + day.remaining);
  const double slot = static_cast<double>(kWidth - kLeft - 10) / static_cast<double>(days.size());
  const double scale = static_cast<double>(kHeight - kBottom - kTop) / static_cast<double>(largest);
  const std::size_t label_every = days.size() / 15 + 1;
  const auto number = [](double value) { return std::to_string(std::lround(value)); };
  std::string svg = "<svg viewBox=\"0 0 " + std::to_string(kWidth) + " " + std::to_string(kHeight) +
                    "\" style=\"width:100%;max-width:" + std::to_string(kWidth) +
                    "px\" role=\"img\">\n";
  const int axis_y = kHeight - kBottom;
  svg += "<line x1=\"" + std::to_string(kLeft) + "\" y1=\"" + std::to_string(axis_y) + "\" x2=\"" +
         std::to_string(kWidth - 10) + "\" y2=\"" + std::to_string(axis_y) +
         "\" stroke=\"#888\"/>\n";
  svg += "<text x=\"" + std::to_string(kLeft - 6) + "\" y=\"" + std::to_string(axis_y) +
         "\" text-anchor=\"end\">0</text>\n";
  svg += "<text x=\"" + std::to_string(kLeft - 6) + "\" y=\"" + std::to_string(kTop + 4) +
         "\" text-anchor=\"end\">" + grouped(largest) + "</text>\n";
  for (std::size_t index = 0; index < days.size(); ++index) {
    const DayProgress& day = days[index];
    const double x = kLeft + slot * static_cast<double>(index) + slot * 0.15;
    const double width = std::max(1.0, slot * 0.7);
    const double done_height = static_cast<double>(day.done) * scale;
    const double remaining_height = static_cast<double>(day.remaining) * scale;
    svg += "<rect x=\"" + number(x) + "\" y=\"" + number(axis_y - done_height) + "\" width=\"" +
           number(width) + "\" height=\"" + number(done_height) + "\" fill=\"#3c8d40\"><title>" +
           escape(day.day) + ": " + grouped(day.done) + "</title></rect>\n";
    svg += "<rect x=\"" + number(x) + "\" y=\"" + number(axis_y - done_height - remaining_height) +
           "\" width=\"" + number(width) + "\" height=\"" + number(remaining_height) +
           "\" fill=\"#e39b3a\"><title>" + escape(day.day) + ": " + grouped(day.remaining) +
           "</title></rect>\n";
    if (index % label_every == 0) {
      svg += "<text x=\"" + number(x + width / 2) + "\" y=\"" + std::to_string(axis_y + 16) +
             "\" text-anchor=\"middle\">" + escape(day.day.substr(5)) + "</text>\n";
    }
  }
  svg += "<rect x=\"" + std::to_string(kLeft) +
         "\" y=\"6\" width=\"12\" height=\"12\" "
         "fill=\"#3c8d40\"/><text x=\"" +
         std::to_string(kLeft + 16) + "\" y=\"16\">" + escape(translate(N_("done"))) + "</text>\n";
  svg += "<rect x=\"" + std::to_string(kLeft + 120) +
         "\" y=\"6\" width=\"12\" height=\"12\" "
         "fill=\"#e39b3a\"/><text x=\"" +
         std::to_string(kLeft + 136) + "\" y=\"16\">" +
         escape(translate(N_("still to do (pending or by hand)"))) + "</text>\n";
  out += svg + "</svg>\n";
}

constexpr std::size_t kWorkRowLimit = 100;  // rows of each "where the work is" table

void append_more(std::string& out, std::size_t shown, std::size_t total) {
  if (shown >= total) return;
  out += "<p class=\"more\">" +
         escape(fill_placeholders(
             translate(N_("{shown} of {total} shown; the CSV and JSON formats list them all.")),
             {{"shown", grouped(shown)}, {"total", grouped(total)}})) +
         "</p>\n";
}

void append_work_table(std::string& out, const char* title, const char* key_label,
                       const std::vector<WorkCounts>& rows) {
  out += "<div>" + element("h2", translate(title)) + "\n";
  if (rows.empty()) {
    append_none(out);
    out += "</div>\n";
    return;
  }
  out += "<table class=\"sortable\">\n<thead>" +
         heading_row({key_label, N_("Accounts"), N_("Done"), N_("Pending"), N_("By hand"),
                      N_("Machines"), N_("Share done")}) +
         "</thead>\n<tbody>\n";
  const std::size_t shown = std::min(rows.size(), kWorkRowLimit);
  for (std::size_t index = 0; index < shown; ++index) {
    const WorkCounts& row = rows[index];
    const StatusCounts& counts = row.accounts;
    out += "<tr>" + element("td", row.key) + count_cell(counts.total()) + count_cell(counts.done) +
           count_cell(counts.pending) + count_cell(counts.action_required) +
           count_cell(row.machines) + percent_cell(counts.done, counts.total()) + "</tr>\n";
  }
  out += "</tbody>\n</table>\n";
  append_more(out, shown, rows.size());
  out += "</div>\n";
}

// The new servers whose latest check failed on some machine: an administrator fixes the server
// (or the policy) once, rather than each machine.
void append_failing_endpoints(std::string& out, const ReportSummary& summary) {
  out += element("h2", translate(N_("New servers checked"))) + "\n";
  const std::vector<FailingEndpoint>& rows = summary.failing_endpoints;
  if (rows.empty()) return append_none(out);
  out += "<table class=\"sortable\" id=\"endpoints\">\n<thead>" +
         heading_row({N_("Server"), N_("Security"), N_("Protocol"), N_("Result"), N_("Failed on"),
                      N_("OK on")}) +
         "</thead>\n<tbody>\n";
  const std::size_t shown = std::min(rows.size(), kWorkRowLimit);
  for (std::size_t index = 0; index < shown; ++index) {
    const FailingEndpoint& endpoint = rows[index];
    std::string result = escape(endpoint_result_phrase(endpoint));
    if (!endpoint.detail.empty()) result += "<br/><small>" + escape(endpoint.detail) + "</small>";
    out += "<tr>" + element("td", endpoint_label(endpoint)) + element("td", endpoint.security) +
           element("td", endpoint.protocol) + "<td>" + result + "</td>" +
           count_cell(endpoint.machines_failed) + count_cell(endpoint.machines_ok) + "</tr>\n";
  }
  out += "</tbody>\n</table>\n";
  append_more(out, shown, rows.size());
}

std::string machine_heading(const MachineLine* line, const std::string& machine) {
  std::string text = machine;
  if (line != nullptr) {
    text += "  \xC2\xB7  " + line->group + "  \xC2\xB7  " +
            status_label(census_status_name(line->status)) + "  \xC2\xB7  " +
            readable_time(line->last_seen);
  }
  return "<tr><th colspan=\"8\">" + escape(text) + "</th></tr>\n";
}

std::string worklist_row(const WorklistEntry& entry) {
  const std::string account = entry.account.empty() ? "" : entry.name + " <" + entry.address + ">";
  return "<tr>" + element("td", entry.user) + element("td", entry.client) + "<td title=\"" +
         escape(entry.profile) + "\">" + escape(short_path(entry.profile)) + "</td>" +
         element("td", account) + element("td", entry.hostname) + status_cell(entry.status) +
         list_cell(entry.rules) + list_cell(entry.manual_steps) + "</tr>\n";
}

std::string attention_row(const ProfileAttention& item) {
  return "<tr>" + element("td", item.user) + element("td", item.client) + "<td title=\"" +
         escape(item.profile) + "\">" + escape(short_path(item.profile)) + "</td>" +
         "<td></td><td></td>" + status_cell(item.status) + "<td></td>" + element("td", item.error) +
         "</tr>\n";
}

// The worklist and the profiles to run again, one group a machine, the machines in the order
// of the machine list (worst first), at most kHtmlRowLimit rows: the page shows the most urgent.
void append_worklist(std::string& out, const ReportSummary& summary) {
  out += element("h2", translate(N_("Worklist by machine"))) + "\n";
  const std::size_t total = summary.worklist.size() + summary.attention.size();
  if (total == 0) return append_none(out);
  std::map<std::string, std::vector<std::string>> rows_by_machine;  // in each list's order
  for (const WorklistEntry& entry : summary.worklist) {
    rows_by_machine[entry.machine].push_back(worklist_row(entry));
  }
  for (const ProfileAttention& item : summary.attention) {
    rows_by_machine[item.machine].push_back(attention_row(item));
  }
  std::vector<std::pair<std::string, const MachineLine*>> machines;
  for (const MachineLine& line : summary.machine_lines) {
    if (rows_by_machine.count(line.machine) != 0) machines.emplace_back(line.machine, &line);
  }
  if (machines.size() < rows_by_machine.size()) {  // machines no run lists: last, by name
    for (const auto& entry : rows_by_machine) {
      // Not a structured binding: clang 14 (the fuzz build) cannot capture one in a lambda.
      const std::string& machine = entry.first;
      const bool listed = std::any_of(machines.begin(), machines.end(),
                                      [&](const auto& known) { return known.first == machine; });
      if (!listed) machines.emplace_back(machine, nullptr);
    }
  }
  out += "<table class=\"work\" id=\"worklist\" data-filter=\"" +
         escape(translate(N_("Filter: machine, user, host, rule..."))) + "\">\n";
  out +=
      "<colgroup><col class=\"user\"/><col class=\"client\"/><col class=\"profile\"/>"
      "<col class=\"account\"/><col class=\"host\"/><col class=\"status\"/>"
      "<col class=\"rules\"/><col class=\"todo\"/></colgroup>\n";
  out += "<thead>" +
         heading_row({N_("User"), N_("Client"), N_("Profile"), N_("Account"), N_("Incoming server"),
                      N_("Status"), N_("Pending rules"), N_("To do by hand")}) +
         "</thead>\n";
  std::size_t shown = 0;
  for (const auto& [machine, line] : machines) {
    if (shown >= kHtmlRowLimit) break;
    out += "<tbody class=\"machine\">\n" + machine_heading(line, machine);
    for (const std::string& row : rows_by_machine[machine]) {
      if (shown >= kHtmlRowLimit) break;
      out += row;
      ++shown;
    }
    out += "</tbody>\n";
  }
  out += "</table>\n";
  append_more(out, shown, total);
}

void append_machine_rows(std::string& out, const std::vector<MachineLine>& machines) {
  out += "<table class=\"sortable\">\n<thead>" +
         heading_row({N_("Machine"), N_("Group"), N_("Last seen"), N_("Status"),
                      N_("Accounts done"), N_("Policy")}) +
         "</thead>\n<tbody>\n";
  const std::size_t shown = std::min(machines.size(), kHtmlRowLimit);
  for (std::size_t index = 0; index < shown; ++index) {
    const MachineLine& line = machines[index];
    out += "<tr>" + element("td", line.machine) + element("td", line.group) +
           element("td", readable_time(line.last_seen)) +
           status_cell(census_status_name(line.status)) + "<td class=\"n\">" +
           grouped(line.accounts.done) + " / " + grouped(line.accounts.total()) + "</td>" +
           element("td", line.policy_name + " " + line.policy_hash.substr(0, 12)) + "</tr>\n";
  }
  out += "</tbody>\n</table>\n";
  append_more(out, shown, machines.size());
}

void append_machines(std::string& out, const ReportSummary& summary) {
  if (!summary.stale_since.empty()) {
    out += element("h2", fill_placeholders(translate(N_("Machines not heard from since {date}")),
                                           {{"date", summary.stale_since}})) +
           "\n";
    if (summary.stale_machines.empty()) {
      append_none(out);
    } else {
      append_machine_rows(out, summary.stale_machines);
    }
  }
  out += element("h2", translate(N_("Machines"))) + "\n";
  if (summary.machine_lines.empty()) return append_none(out);
  append_machine_rows(out, summary.machine_lines);
}

}  // namespace

std::string summary_html(const ReportSummary& summary) {
  const std::string title = translate(N_("mailmig census"));
  const char* language = current_language() == Language::Japanese ? "ja" : "en";
  std::string out = "<!DOCTYPE html>\n<html lang=\"";
  out += language;
  out +=
      "\">\n<head>\n<meta charset=\"utf-8\"/>\n"
      "<meta name=\"viewport\" content=\"width=device-width\"/>\n" +
      element("title", title) + "\n<style>" + std::string(kStyle) + "</style>\n</head>\n<body>\n" +
      element("h1", title) + "\n";
  out +=
      "<p class=\"latest\">" +
      escape(fill_placeholders(translate(N_("{machines} machines, {runs} runs; latest run {time}")),
                               {{"machines", grouped(summary.machines)},
                                {"runs", grouped(summary.runs)},
                                {"time", readable_time(summary.latest_run_time)}})) +
      "</p>\n";
  append_headline(out, summary);
  append_policies(out, summary);
  append_progress_chart(out, summary.progress);
  out += "<div class=\"grid\">\n";
  append_work_table(out, N_("Pending by rule"), N_("Rule"), summary.work_by_rule);
  append_work_table(out, N_("By client"), N_("Client"), summary.work_by_client);
  append_work_table(out, N_("By old incoming server"), N_("Incoming server"), summary.work_by_host);
  append_work_table(out, N_("By machine group"), N_("Group"), summary.work_by_group);
  out += "</div>\n";
  append_failing_endpoints(out, summary);
  append_worklist(out, summary);
  append_machines(out, summary);
  out += "<script>" + std::string(kScript) + "</script>\n</body>\n</html>\n";
  return out;
}

}  // namespace mailmig
