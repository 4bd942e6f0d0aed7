#include "src/report/log_lines.h"

#include "src/report/run_totals.h"
#include "src/util/text_sanitize.h"

namespace mailmig {
namespace {

bool is_bare_value(std::string_view value) {
  if (value.empty()) return false;
  for (const char c : value) {
    const bool plain = (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') ||
                       c == '-' || c == '.' || c == '_' || c == ':' || c == '/' || c == '@' ||
                       c == '+';
    if (!plain) return false;
  }
  return true;
}

void append_field(std::string& line, std::string_view key, std::string_view value) {
  line += ' ';
  line += key;
  line += '=';
  line += is_bare_value(value) ? std::string(value) : quoted(value);
}

void append_quoted_field(std::string& line, std::string_view key, std::string_view value) {
  line += ' ';
  line += key;
  line += '=';
  line += quoted(value);
}

std::string line_start(const RunInfo& info, std::string_view timestamp, std::string_view event) {
  std::string line = "time=";
  line += is_bare_value(timestamp) ? std::string(timestamp) : quoted(timestamp);
  append_field(line, "run", info.run_id);
  append_field(line, "command", info.command);
  append_field(line, "event", event);
  return line;
}

}  // namespace

std::string format_log_lines(const RunResult& run, std::string_view timestamp) {
  std::string out;
  for (const ProfileResult& profile : run.profiles) {
    const std::size_t changes = tally_accounts(profile).changes;
    const std::size_t action_required = count_action_required(profile);
    std::string line = line_start(run.info, timestamp, "profile");
    append_field(line, "client", client_id(profile.client));
    // A profile read and written without error is still not done while a person has a step
    // to do in it (issue 15).
    append_field(line, "status",
                 profile.status == ProfileStatus::Ok && action_required > 0
                     ? std::string_view("action-required")
                     : to_string(profile.status));
    append_field(line, "changes", std::to_string(changes));
    append_field(line, "action_required", std::to_string(action_required));
    append_quoted_field(line, "path", profile.path);
    if (!profile.error.empty()) append_quoted_field(line, "error", profile.error);
    out += line;
    out += '\n';
  }
  const RunTotals totals = count_run_totals(run);
  std::string line = line_start(run.info, timestamp, "done");
  append_field(line, "profiles", std::to_string(totals.profiles));
  append_field(line, "accounts", std::to_string(totals.accounts));
  append_field(line, "changes", std::to_string(totals.changes));
  append_field(line, "errors", std::to_string(totals.errors));
  append_field(line, "action_required", std::to_string(totals.action_required));
  out += line;
  out += '\n';
  return out;
}

}  // namespace mailmig
