#include "src/cli/text_output.h"

#include <algorithm>
#include <dtl/dtl.hpp>
#include <optional>
#include <sstream>
#include <string_view>
#include <utility>

#include "rules/registry.h"
#include "src/cli/endpoint_verification.h"
#include "src/i18n/i18n.h"
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

 private:
  std::string text_;
};


std::string_view describe_socket(SocketType socket_type) {
  switch (socket_type) {
    case SocketType::Plain:
      return tr(N_("no encryption"));
    case SocketType::StartTls:
      return "STARTTLS";
    case SocketType::Ssl:
      return "SSL/TLS";
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

void write_findings(TextBuffer& out, const std::vector<Finding>& findings,
                    const char* indent) {
  for (const Finding& finding : findings) {
    out << indent << "! " << describe_severity(finding.severity) << ": "
        << printable(finding.localized_message()) << "\n";
  }
}

}  // namespace

std::string format_text(const RunResult& result) {
  // A large profile's report runs to megabytes: one buffer sized from the accounts (about half a
  // KiB each; pages not written cost nothing) instead of a doubling stream and a copy at the end.
  std::size_t accounts = 0;
  for (const ProfileResult& profile : result.profiles) accounts += profile.accounts.size();
  TextBuffer out(4096 + 1024 * accounts);
  const bool applied = result.info.command == "apply";
  for (const ProfileResult& profile : result.profiles) {
    out << client_display_name(profile.client) << ": " << printable(profile.path) << "\n";
    if (profile.status == ProfileStatus::Error) {
      out << "  " << tr(N_("error")) << ": " << printable(profile.error) << "\n\n";
      continue;
    }
    if (profile.status == ProfileStatus::ClientRunning) {
      out << "  " << printable(profile.error) << "\n\n";
      continue;
    }
    write_findings(out, profile.findings, "  ");
    if (profile.accounts.empty()) out << "  " << tr(N_("(no mail accounts)")) << "\n";
    for (const AccountResult& account : profile.accounts) {
      out << "  " << Shown{account.account.name};
      if (!account.account.address.empty())
        out << " <" << Shown{account.account.address} << ">";
      out << "\n    " << tr(N_("receiving:")) << " ";
      write_server(out, account.account.incoming);
      out << "\n";
      if (account.account.outgoing) {
        out << "    " << tr(N_("sending:")) << " ";
        write_server(out, *account.account.outgoing);
        out << "\n";
      }
      if (!account.changes.empty()) {
        out << "    " << (applied ? tr(N_("changed:")) : tr(N_("will change:"))) << "\n";
      }
      // Grouped by rule, in the order the rules ran: why first, then what.
      std::vector<std::string> rules_seen;
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
    out << "\n";
  }

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
      totals.errors == 0) {
    out << tr(N_("Nothing to change.")) << "\n";
  }
  return std::move(out).take();
}

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
                       : split_lines(profile->display_text(file, file.original));
      const std::vector<std::string> after = split_lines(profile->display_text(file, file.current));
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

}  // namespace mailmig
