// summary_html: one page an administrator can open or mail anywhere. It is HTML5 that is also
// well-formed XML (every element closed, attributes quoted, no named entities beyond XML's),
// with the style inline and nothing fetched from elsewhere.
#include <algorithm>

#include "src/i18n/i18n.h"
#include "src/report/report_summary.h"
#include "src/util/text_sanitize.h"

namespace mailmig {
namespace {

constexpr std::string_view kStyle =
    "body{font-family:sans-serif;margin:2em;color:#222}"
    "table{border-collapse:collapse;margin:0.5em 0 1.5em}"
    "th,td{border:1px solid #bbb;padding:0.25em 0.6em;text-align:left;vertical-align:top}"
    "th{background:#eee}"
    "td.count{text-align:right}"
    "td.chart{width:20em}"
    "span.bar{display:inline-block;height:0.9em;background:#3a6fc4}"
    "ul{margin:0;padding-left:1.2em}";

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

std::string count_cell(std::size_t value) {
  return "<td class=\"count\">" + std::to_string(value) + "</td>";
}

std::string list_cell(const std::vector<std::string>& items) {
  if (items.empty()) return "<td></td>";
  std::string cell = "<td><ul>";
  for (const std::string& item : items) cell += element("li", item);
  return cell + "</ul></td>";
}

void append_figures(std::string& out, const ReportSummary& summary) {
  const std::pair<const char*, std::size_t> figures[] = {
      {N_("Machines"), summary.machines},
      {N_("Runs"), summary.runs},
      {N_("Profiles"), summary.profiles},
      {N_("Accounts"), summary.accounts},
      {N_("Accounts with pending changes"), summary.pending_accounts},
      {N_("Profiles with the mail client running"), summary.client_running},
      {N_("Profiles that could not be read"), summary.errors},
  };
  out += "<table class=\"figures\">\n";
  for (const auto& [label, value] : figures) {
    out += "<tr>" + element("th", translate(label)) + count_cell(value) + "</tr>\n";
  }
  out += "</table>\n";
}

void append_none(std::string& out) { out += element("p", translate(N_("None."))) + "\n"; }

// A table with a bar per key, longest first, the bar's length relative to the largest count.
void append_chart(std::string& out, const char* title, const char* key_label,
                  const std::map<std::string, std::size_t>& counts) {
  out += element("h2", translate(title)) + "\n";
  if (counts.empty()) return append_none(out);
  std::vector<std::pair<std::string, std::size_t>> rows(counts.begin(), counts.end());
  std::stable_sort(rows.begin(), rows.end(),
                   [](const auto& a, const auto& b) { return a.second > b.second; });
  const std::size_t largest = rows.front().second;
  out += "<table class=\"chart\">\n" + heading_row({key_label, N_("Accounts"), ""});
  for (const auto& [key, count] : rows) {
    const std::size_t percent = std::max<std::size_t>(1, count * 100 / largest);
    out += "<tr>" + element("td", key) + count_cell(count) +
           "<td class=\"chart\"><span class=\"bar\" style=\"width:" + std::to_string(percent) +
           "%\"></span></td></tr>\n";
  }
  out += "</table>\n";
}

void append_worklist(std::string& out, const std::vector<WorklistEntry>& worklist) {
  out += element("h2", translate(N_("Worklist"))) + "\n";
  if (worklist.empty()) return append_none(out);
  out += "<table class=\"worklist\">\n" +
         heading_row({N_("Machine"), N_("User"), N_("Client"), N_("Profile"), N_("Account"),
                      N_("Address"), N_("Incoming server"), N_("Pending rules"),
                      N_("To do by hand"), N_("Last run")});
  for (const WorklistEntry& entry : worklist) {
    const std::string account =
        entry.account.empty() ? "" : entry.name + " [" + entry.account + "]";
    out += "<tr>" + element("td", entry.machine) + element("td", entry.user) +
           element("td", entry.client) + element("td", entry.profile) + element("td", account) +
           element("td", entry.address) + element("td", entry.hostname) + list_cell(entry.rules) +
           list_cell(entry.manual_steps) + element("td", entry.command + " " + entry.time) +
           "</tr>\n";
  }
  out += "</table>\n";
}

void append_attention(std::string& out, const std::vector<ProfileAttention>& attention) {
  out += element("h2", translate(N_("Profiles to run again"))) + "\n";
  if (attention.empty()) return append_none(out);
  out += "<table class=\"attention\">\n" +
         heading_row({N_("Machine"), N_("User"), N_("Client"), N_("Profile"), N_("Status"),
                      N_("Error"), N_("Last run")});
  for (const ProfileAttention& item : attention) {
    out += "<tr>" + element("td", item.machine) + element("td", item.user) +
           element("td", item.client) + element("td", item.profile) + element("td", item.status) +
           element("td", item.error) + element("td", item.command + " " + item.time) + "</tr>\n";
  }
  out += "</table>\n";
}

}  // namespace

std::string summary_html(const ReportSummary& summary) {
  const std::string title = translate(N_("mailmig report summary"));
  const char* language = current_language() == Language::Japanese ? "ja" : "en";
  std::string out = "<!DOCTYPE html>\n<html lang=\"";
  out += language;
  out += "\">\n<head>\n<meta charset=\"utf-8\"/>\n" + element("title", title) + "\n<style>" +
         std::string(kStyle) + "</style>\n</head>\n<body>\n" + element("h1", title) + "\n";
  if (!summary.latest_run_time.empty()) {
    out += element("p", std::string(translate(N_("Latest run:"))) + " " + summary.latest_run_time) +
           "\n";
  }
  append_figures(out, summary);
  append_chart(out, N_("Pending accounts by rule"), N_("Rule"), summary.pending_by_rule);
  append_chart(out, N_("Pending accounts by client"), N_("Client"), summary.pending_by_client);
  append_chart(out, N_("Pending accounts by incoming server"), N_("Incoming server"),
               summary.pending_by_host);
  append_worklist(out, summary.worklist);
  append_attention(out, summary.attention);
  out += "</body>\n</html>\n";
  return out;
}

}  // namespace mailmig
