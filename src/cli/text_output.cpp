#include "src/cli/text_output.h"

#include <algorithm>
#include <dtl/dtl.hpp>
#include <optional>
#include <sstream>
#include <string_view>
#include <utility>

#include "rules/rule_list.h"
#include "src/app/endpoint_verification.h"
#include "src/i18n/i18n.h"
#include "src/report/kept_run.h"
#include "src/report/run_totals.h"
#include "src/util/text_sanitize.h"

namespace mailmig {
namespace {

// A translation lives as long as the program: a view of it is enough.
std::string_view tr(const char* english) { return translate(english); }

// Text from a profile, to be shown as printable() shows it.
struct Shown {
  std::string_view text;
};

// Appends to one string: a report of many accounts is written piece by piece, and a stream
// costs a sentry and a virtual call for each piece.
class TextBuffer {
 public:
  explicit TextBuffer(std::size_t reserve) { text_.reserve(reserve); }
  // Appends to `reused` emptied, which keeps its room.
  explicit TextBuffer(std::string&& reused) : text_(std::move(reused)) { text_.clear(); }
  TextBuffer& operator<<(std::string_view piece) {
    text_ += piece;
    return *this;
  }
  // printable() keeps printable ASCII as it is: most host names, user names and addresses are
  // appended without its character-by-character rewrite.
  TextBuffer& operator<<(Shown shown) {
    const bool plain_ascii = std::all_of(shown.text.begin(), shown.text.end(),
                                         [](char c) { return c >= 0x20 && c < 0x7F; });
    if (plain_ascii) {
      text_ += shown.text;
    } else {
      text_ += printable(shown.text);
    }
    return *this;
  }
  std::string take() && { return std::move(text_); }
  std::string_view text() const { return text_; }
  void clear() { text_.clear(); }

 private:
  std::string text_;
};

std::string_view describe_socket(SocketType socket_type) {
  switch (socket_type) {
    case SocketType::Plain:
      return tr(N_("no encryption"));
    // The plain words first, then the name the mail program's settings show (issue 18).
    case SocketType::StartTls:
      return tr(N_("encrypted connection (STARTTLS)"));
    case SocketType::Ssl:
      return tr(N_("encrypted connection (SSL/TLS)"));
  }
  return {};
}

std::string_view describe_auth(AuthMethod method) {
  switch (method) {
    case AuthMethod::None:
      return tr(N_("no authentication"));
    case AuthMethod::PasswordCleartext:
      return tr(N_("normal password"));
    case AuthMethod::PasswordEncrypted:
      return tr(N_("encrypted password"));
    case AuthMethod::Apop:
      return "APOP";
    case AuthMethod::Ntlm:
      return "SPA (NTLM)";
    case AuthMethod::Gssapi:
      return "Kerberos (GSSAPI)";
    case AuthMethod::OAuth2:
      return "OAuth2";
    case AuthMethod::TlsClientCert:
      return tr(N_("TLS client certificate"));
    case AuthMethod::SmtpAfterPop:
      return tr(N_("POP before SMTP"));
    case AuthMethod::Any:
      return tr(N_("any method"));
  }
  return {};
}

std::string_view describe_protocol(Protocol protocol) {
  switch (protocol) {
    case Protocol::Pop3:
      return "POP3";
    case Protocol::Imap:
      return "IMAP";
    case Protocol::Nntp:
      return "NNTP";
    case Protocol::Smtp:
      return "SMTP";
    case Protocol::None:
      return tr(N_("none"));
  }
  return {};
}

std::string_view describe_field(FieldRef field) {
  const bool incoming = field.side == Side::Incoming;
  switch (field.kind) {
    case FieldKind::Protocol:
      return incoming ? tr(N_("receiving protocol")) : tr(N_("sending protocol"));
    case FieldKind::Hostname:
      return incoming ? tr(N_("receiving server")) : tr(N_("sending server"));
    case FieldKind::Port:
      return incoming ? tr(N_("receiving port")) : tr(N_("sending port"));
    case FieldKind::SocketType:
      return incoming ? tr(N_("receiving encryption")) : tr(N_("sending encryption"));
    case FieldKind::Authentication:
      return incoming ? tr(N_("receiving authentication")) : tr(N_("sending authentication"));
    case FieldKind::Username:
      return incoming ? tr(N_("receiving user name")) : tr(N_("sending user name"));
  }
  return {};
}

void write_value(TextBuffer& out, std::optional<FieldRef> field, const std::string& value) {
  if (field && field->kind == FieldKind::SocketType) {
    if (auto socket_type = parse_socket_type(value)) {
      out << describe_socket(*socket_type);
      return;
    }
  }
  if (field && field->kind == FieldKind::Authentication) {
    if (auto method = parse_auth_method(value)) {
      out << describe_auth(*method);
      return;
    }
  }
  if (value.empty()) {
    out << tr(N_("(empty)"));
  } else {
    out << Shown{value};
  }
}

// "receiving port: 110 -> 995", its field's name read once.
void write_change(TextBuffer& out, const Change& change) {
  const auto field = parse_field_name(change.field);
  if (field) {
    out << describe_field(*field);
  } else {
    out << Shown{change.field};
  }
  out << ": ";
  write_value(out, field, change.from);
  out << " -> ";
  write_value(out, field, change.to);
}

std::string_view describe_severity(Severity severity) {
  switch (severity) {
    case Severity::Info:
      return tr(N_("note"));
    case Severity::Warning:
      return tr(N_("warning"));
    case Severity::ActionRequired:
      return tr(N_("action required"));
  }
  return {};
}

void write_rule_description(TextBuffer& out, const std::string& rule_id) {
  if (const Rule* rule = find_rule(rule_id)) {
    out << tr(rule->description());
  } else {
    out << Shown{rule_id};
  }
}

void write_server(TextBuffer& out, const ServerSettings& server) {
  out << describe_protocol(server.protocol) << " " << Shown{server.hostname} << ":"
      << std::to_string(server.port) << ", " << describe_socket(server.socket_type) << ", "
      << describe_auth(server.authentication);
  if (!server.username.empty()) out << ", " << tr(N_("user")) << " " << Shown{server.username};
}

// A finding as a person reads it: an update number ("update KB933612") means nothing to most
// readers and is said as "a Windows update"; the JSON and the README keep the number.
std::string for_people(const Finding& finding) {
  std::string text = finding.localized_message();
  constexpr std::string_view kUpdate = "update KB";
  for (std::size_t at = text.find(kUpdate); at != std::string::npos; at = text.find(kUpdate, at)) {
    std::size_t end = at + kUpdate.size();
    while (end < text.size() && text[end] >= '0' && text[end] <= '9') ++end;
    if (end == at + kUpdate.size()) {
      at = end;
      continue;
    }
    const std::string_view plain = tr(N_("a Windows update"));
    text.replace(at, end - at, plain);
    at += plain.size();
  }
  return text;
}

// The running-client advice in the user's language; other errors are as the file or system said.
std::string_view shown_error(const ProfileResult& profile) {
  return profile.error_localized.empty() ? std::string_view(profile.error)
                                         : std::string_view(profile.error_localized);
}

void write_findings(TextBuffer& out, const std::vector<Finding>& findings, const char* indent) {
  for (const Finding& finding : findings) {
    out << indent << "! " << describe_severity(finding.severity) << ": "
        << printable(for_people(finding)) << "\n";
  }
}

void write_account(TextBuffer& out, const AccountResult& account, bool applied) {
  out << "  " << Shown{account.account.name};
  if (!account.account.address.empty()) out << " <" << Shown{account.account.address} << ">";
  out << "\n    " << tr(N_("receiving:")) << " ";
  write_server(out, account.account.incoming);
  out << "\n";
  if (account.account.outgoing) {
    out << "    " << tr(N_("sending:")) << " ";
    write_server(out, *account.account.outgoing);
    out << "\n";
  }
  if (!account.governed) {
    out << "    " << tr(N_("not governed by this policy: left alone")) << "\n";
  }
  if (!account.changes.empty()) {
    out << "    " << (applied ? tr(N_("changed:")) : tr(N_("will change:"))) << "\n";
  }
  // Grouped by rule, in the order the rules ran: why first, then what.
  std::vector<std::string_view> rules_seen;
  for (const Change& change : account.changes) {
    if (std::find(rules_seen.begin(), rules_seen.end(), change.rule) != rules_seen.end()) {
      continue;
    }
    rules_seen.push_back(change.rule);
    out << "      - ";
    write_rule_description(out, change.rule);
    out << "\n";
    for (const Change& same_rule : account.changes) {
      if (same_rule.rule != change.rule) continue;
      out << "          ";
      write_change(out, same_rule);
      out << "\n";
    }
  }
  write_findings(out, account.findings, "    ");
}

// The end of the report: the servers checked, the notices, the totals and what to do next.
void write_ending(TextBuffer& out, const RunResult& result) {
  out << format_endpoint_checks(result.verification, result.endpoint_checks);
  for (const Finding& notice : result.notices) out << printable(notice.localized_message()) << "\n";
  const RunTotals totals = count_run_totals(result);
  out << fill_placeholders(tr(N_("{profiles} profiles, {accounts} accounts, {changes} changes, "
                                 "{errors} errors.")),
                           {{"profiles", std::to_string(totals.profiles)},
                            {"accounts", std::to_string(totals.accounts)},
                            {"changes", std::to_string(totals.changes)},
                            {"errors", std::to_string(totals.errors)}})
      << "\n";
  if (result.info.builtin_policy && result.info.command != "scan") {
    out << tr(N_("The built-in default policy has no organisation scope: it changes only what it "
                 "verifies, and never a server on this machine."))
        << "\n";
  }
  if (totals.client_running > 0) {
    out << tr(N_("A mail client is running: close it and run mailmig again.")) << "\n";
  }
  if (result.info.command == "plan" && totals.changes > 0) {
    out << tr(N_("Nothing was changed yet. Run \"mailmig apply\" to make these changes.")) << "\n";
  }
  if (result.info.command == "plan" && totals.changes == 0 && totals.files_changed > 0) {
    out << fill_placeholders(tr(N_("No setting to change, but {files} files left by an earlier "
                                   "run are to be emptied (see the notes above): run \"mailmig "
                                   "apply\".")),
                             {{"files", std::to_string(totals.files_changed)}})
        << "\n";
  }
  if (result.info.command == "plan" && totals.changes == 0 && totals.files_changed == 0 &&
      totals.errors == 0 && totals.action_required == 0) {
    out << tr(N_("Nothing to change.")) << "\n";
  }
  if (result.info.command != "scan" && totals.action_required == 1) {
    out << tr(N_("Not done yet: 1 step must be done by hand (marked \"action required\" above)."))
        << "\n";
  } else if (result.info.command != "scan" && totals.action_required > 1) {
    out << fill_placeholders(tr(N_("Not done yet: {count} steps must be done by hand (marked "
                                   "\"action required\" above).")),
                             {{"count", std::to_string(totals.action_required)}})
        << "\n";
  }
}

}  // namespace

void TextReport::run_begun(const RunInfo& info) { applied_ = info.command == "apply"; }

void TextReport::account(const ProfileResult& /*profile*/, const AccountResult& result) {
  TextBuffer out(std::move(account_text_));
  write_account(out, result, applied_);
  account_text_ = std::move(out).take();
  spool_.append(account_text_);
}

void TextReport::profile_done(const ProfileResult& /*profile*/) {
  accounts_of_profile_.push_back({profile_begin_, spool_.size()});
  profile_begin_ = spool_.size();
}

void TextReport::write(const RunResult& result, std::ostream& stream) {
  TextBuffer out(4096);
  for (std::size_t index = 0; index < result.profiles.size(); ++index) {
    const ProfileResult& profile = result.profiles[index];
    out << client_display_name(profile.client) << ": " << printable(profile.path) << "\n";
    if (profile.status == ProfileStatus::Error) {
      out << "  " << tr(N_("error")) << ": " << printable(profile.error) << "\n\n";
      continue;
    }
    if (profile.status == ProfileStatus::ClientRunning) {
      out << "  " << printable(shown_error(profile)) << "\n\n";
      continue;
    }
    write_findings(out, profile.findings, "  ");
    if (tally_accounts(profile).accounts == 0) out << "  " << tr(N_("(no mail accounts)")) << "\n";
    if (index < accounts_of_profile_.size()) {
      stream << out.text();
      out.clear();
      spool_.write(accounts_of_profile_[index], stream);
    }
    out << "\n";
  }
  write_ending(out, result);
  stream << out.text();
}

std::string format_text(const RunResult& result) { return report_of_kept_run<TextReport>(result); }

namespace {

// A file's line, shown on a terminal: escaped, but its indentation by TAB kept (a TAB only moves
// the cursor forward, and .oeaccount files are indented with them).
std::string printable_keeping_tabs(std::string_view line) {
  std::string out;
  std::size_t start = 0;
  for (std::size_t tab = line.find('\t'); tab != std::string_view::npos;
       start = tab + 1, tab = line.find('\t', start)) {
    out += printable(line.substr(start, tab - start));
    out += '\t';
  }
  return out + printable(line.substr(start));
}

std::vector<std::string> split_lines(const std::string& text) {
  std::vector<std::string> lines;
  std::string line;
  std::istringstream in(text);
  while (std::getline(in, line)) {
    if (!line.empty() && line.back() == '\r') line.pop_back();
    lines.push_back(printable_keeping_tabs(line));
  }
  return lines;
}

}  // namespace

std::string format_diff(const std::vector<std::unique_ptr<Profile>>& profiles) {
  std::ostringstream out;
  for (const auto& profile : profiles) {
    for (const ProfileFile& file : profile->files()) {
      if (!file.changed()) continue;
      const std::vector<std::string> before =
          file.created ? std::vector<std::string>{}
                       : split_lines(profile->display_text(file, file.original()));
      const std::vector<std::string> after =
          split_lines(profile->display_text(file, file.current()));
      dtl::Diff<std::string, std::vector<std::string>> diff(before, after);
      diff.compose();
      diff.composeUnifiedHunks();
      out << "--- " << (file.created ? std::string("/dev/null") : printable(file.path)) << "\n";
      out << "+++ " << printable(file.path) << "\n";
      diff.printUnifiedFormat(out);
    }
  }
  return out.str();
}

// The double-click screens (issue 18): a person who started mailmig without a command line
// reads a few lines in plain words; `format_text` has the details.
namespace {

void write_account_line(TextBuffer& out, const ProfileResult& profile,
                        const AccountResult& account) {
  out << "  " << Shown{account.account.name};
  if (!account.account.address.empty()) out << " <" << Shown{account.account.address} << ">";
  out << " (" << client_display_name(profile.client) << ")\n";
}

// Profiles that could not be read or written, and running clients, each in one line. The
// reason is the file's or the system's own words, for the help desk; what it means for the user
// follows once, in their language.
void write_profile_problems(TextBuffer& out, const RunResult& result) {
  bool unreadable = false;
  for (const ProfileResult& profile : result.profiles) {
    if (profile.status == ProfileStatus::Error) {
      out << tr(N_("Could not be read or changed:")) << " " << printable(profile.path) << "\n  "
          << printable(shown_error(profile)) << "\n";
      unreadable = true;
    } else if (profile.status == ProfileStatus::ClientRunning) {
      out << printable(shown_error(profile)) << "\n";
    }
  }
  if (unreadable) {
    out << tr(N_("mailmig left these settings exactly as they were. If mail stops working, "
                 "show the lines above to your help desk."))
        << "\n";
  }
}

// Each warning once, however many accounts it is about.
void write_warnings(TextBuffer& out, const RunResult& result) {
  std::vector<std::string> seen;
  auto write = [&](const std::vector<Finding>& findings) {
    for (const Finding& finding : findings) {
      if (finding.severity != Severity::Warning) continue;
      std::string message = for_people(finding);
      if (std::find(seen.begin(), seen.end(), message) != seen.end()) continue;
      out << "! " << printable(message) << "\n";
      seen.push_back(std::move(message));
    }
  };
  for (const ProfileResult& profile : result.profiles) {
    write(profile.findings);
    for (const AccountResult& account : profile.accounts) write(account.findings);
  }
}

}  // namespace

std::string format_short_plan(const RunResult& plan) {
  TextBuffer out(4096);
  std::vector<std::pair<std::string, std::size_t>> rules;  // rule id, accounts it changes
  for (const ProfileResult& profile : plan.profiles) {
    for (const AccountResult& account : profile.accounts) {
      if (account.changes.empty()) continue;
      if (rules.empty()) out << tr(N_("mailmig will change these mail accounts:")) << "\n";
      write_account_line(out, profile, account);
      std::vector<std::string_view> counted;
      for (const Change& change : account.changes) {
        if (std::find(counted.begin(), counted.end(), change.rule) != counted.end()) continue;
        counted.push_back(change.rule);
        auto known = std::find_if(rules.begin(), rules.end(),
                                  [&](const auto& rule) { return rule.first == change.rule; });
        if (known == rules.end()) {
          rules.emplace_back(change.rule, 1);
        } else {
          ++known->second;
        }
      }
    }
  }
  if (!rules.empty()) out << tr(N_("What changes:")) << "\n";
  for (const auto& [rule, accounts] : rules) {
    out << "  - ";
    write_rule_description(out, rule);
    out << (accounts == 1 ? tr(N_(" (1 account)"))
                          : fill_placeholders(tr(N_(" ({count} accounts)")),
                                              {{"count", std::to_string(accounts)}}))
        << "\n";
  }
  write_warnings(out, plan);
  write_profile_problems(out, plan);
  const RunTotals totals = count_run_totals(plan);
  for (const Finding& notice : plan.notices) out << printable(notice.localized_message()) << "\n";
  if (totals.changes == 0 && totals.files_changed == 0 && totals.errors == 0 &&
      totals.client_running == 0 && totals.action_required == 0) {
    out << tr(N_("Nothing to change.")) << "\n";
  }
  return std::move(out).take();
}

std::string format_short_done(const RunResult& apply) {
  TextBuffer out(2048);
  std::size_t accounts_changed = 0;
  for (const ProfileResult& profile : apply.profiles) {
    for (const AccountResult& account : profile.accounts) {
      accounts_changed += account.changes.empty() ? 0 : 1;
    }
  }
  const RunTotals totals = count_run_totals(apply);
  if (accounts_changed > 0) {
    out << fill_placeholders(accounts_changed == 1
                                 ? tr(N_("Done: the settings of 1 mail account were changed "
                                         "({changes} changes)."))
                                 : tr(N_("Done: the settings of {accounts} mail accounts were "
                                         "changed ({changes} changes).")),
                             {{"accounts", std::to_string(accounts_changed)},
                              {"changes", std::to_string(totals.changes)}})
        << "\n";
  } else if (totals.files_changed > 0) {
    out << fill_placeholders(tr(N_("Done: {files} files left by an earlier run were emptied.")),
                             {{"files", std::to_string(totals.files_changed)}})
        << "\n";
  } else {
    out << tr(N_("Nothing was changed.")) << "\n";
  }
  write_profile_problems(out, apply);
  return std::move(out).take();
}

std::string format_manual_steps(const RunResult& result) {
  TextBuffer out(2048);
  std::size_t number = 0;
  auto write = [&](const std::vector<Finding>& findings, std::string_view about) {
    for (const Finding& finding : findings) {
      if (finding.severity != Severity::ActionRequired) continue;
      if (number == 0) {
        out << tr(N_("Still to do by yourself (mailmig cannot do this for you):")) << "\n";
      }
      out << std::to_string(++number) << ". " << about << ": " << printable(for_people(finding))
          << "\n";
    }
  };
  for (const ProfileResult& profile : result.profiles) {
    write(profile.findings, client_display_name(profile.client));
    for (const AccountResult& account : profile.accounts) {
      std::string about(client_display_name(profile.client));
      about += " ";
      about += printable(account.account.address.empty() ? account.account.name
                                                         : account.account.address);
      write(account.findings, about);
    }
  }
  return std::move(out).take();
}

}  // namespace mailmig
