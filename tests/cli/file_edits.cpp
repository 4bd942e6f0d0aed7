#include "tests/cli/file_edits.h"

#include <algorithm>
#include <cctype>
#include <set>

#include "tests/cli/cli_test_support.h"

namespace mailmig::cli_testing {
namespace {

bool ends_with(const std::string& text, const std::string& suffix) {
  return text.size() >= suffix.size() &&
         text.compare(text.size() - suffix.size(), suffix.size(), suffix) == 0;
}

std::string file_name(const std::string& path) { return path.substr(path.rfind('/') + 1); }

bool is_reg(const std::string& path) { return ends_with(path, ".reg"); }

std::string without_cr(std::string line) {
  if (!line.empty() && line.back() == '\r') line.pop_back();
  return line;
}

}  // namespace

std::vector<std::string> decoded_lines(const std::string& path, const std::string& bytes) {
  std::string text = bytes;
  const std::string name = file_name(path);
  if (name == "Mailbox.ini") {
    text = cp932_to_utf8(bytes);
  } else if (ends_with(name, ".oeaccount") || (is_reg(name) && bytes.starts_with("\xff\xfe"))) {
    text = utf16le_to_utf8(bytes);
  } else if (is_reg(name)) {
    text = cp932_to_utf8(bytes);
  }
  std::vector<std::string> lines;
  for (std::string& line : split_lines(text)) {
    // regedit continues a long value on the next line after a trailing backslash.
    if (is_reg(name) && !lines.empty() && ends_with(without_cr(lines.back()), "\\")) {
      lines.back() = without_cr(lines.back()) + "\n" + line;
    } else {
      lines.push_back(std::move(line));
    }
  }
  return lines;
}

LineDiff diff_lines(const std::vector<std::string>& before, const std::vector<std::string>& after) {
  const std::size_t n = before.size();
  const std::size_t m = after.size();
  // lcs[i][j]: the longest common subsequence of before[i..] and after[j..].
  std::vector<std::vector<int>> lcs(n + 1, std::vector<int>(m + 1, 0));
  for (std::size_t i = n; i-- > 0;) {
    for (std::size_t j = m; j-- > 0;) {
      lcs[i][j] =
          before[i] == after[j] ? lcs[i + 1][j + 1] + 1 : std::max(lcs[i + 1][j], lcs[i][j + 1]);
    }
  }
  LineDiff diff;
  std::size_t i = 0;
  std::size_t j = 0;
  while (i < n && j < m) {
    if (before[i] == after[j]) {
      ++i;
      ++j;
    } else if (lcs[i + 1][j] >= lcs[i][j + 1]) {
      diff.removed.push_back(before[i++]);
    } else {
      diff.added.push_back(after[j++]);
    }
  }
  for (; i < n; ++i) diff.removed.push_back(before[i]);
  for (; j < m; ++j) diff.added.push_back(after[j]);
  return diff;
}

std::string key_of_line(const std::string& path, const std::string& line) {
  const std::string name = file_name(path);
  // The text between `open` at the start of the line and the next `close`.
  auto quoted_after = [&](const std::string& open, char close) -> std::string {
    if (!line.starts_with(open)) return "";
    const std::size_t end = line.find(close, open.size());
    return end == std::string::npos ? "" : line.substr(open.size(), end - open.size());
  };
  if (name == "prefs.js") return quoted_after("user_pref(\"", '"');
  if (is_reg(name)) return quoted_after("\"", '"');
  if (ends_with(name, ".oeaccount")) {
    const std::size_t open = line.find_first_not_of(" \t");
    if (open == std::string::npos || line[open] != '<') return "";
    const std::size_t end = line.find_first_of(" >", open);
    return end == std::string::npos ? "" : line.substr(open + 1, end - open - 1);
  }
  const std::size_t equals = line.find('=');
  return equals == std::string::npos ? "" : line.substr(0, equals);
}

namespace {

// "<prefix><digits>.<setting>" with the setting in `settings`: one pref of a numbered server.
bool is_numbered_pref(const std::string& key, const std::string& prefix,
                      const std::set<std::string>& settings) {
  if (!key.starts_with(prefix)) return false;
  std::size_t at = prefix.size();
  const std::size_t digits_start = at;
  while (at < key.size() && std::isdigit(static_cast<unsigned char>(key[at]))) ++at;
  if (at == digits_start || at >= key.size() || key[at] != '.') return false;
  return settings.contains(key.substr(at + 1));
}

}  // namespace

bool key_may_change(const std::string& path, const std::string& key) {
  const std::string name = file_name(path);
  if (name == "prefs.js") {
    return is_numbered_pref(key, "mail.server.server",
                            {"hostname", "port", "socketType", "authMethod", "userName", "name",
                             "spamActionTargetAccount", "spamActionTargetFolder"}) ||
           is_numbered_pref(key, "mail.smtpserver.smtp",
                            {"hostname", "port", "try_ssl", "authMethod", "username"}) ||
           is_numbered_pref(key, "mail.identity.id",
                            {"fcc_folder", "draft_folder", "archive_folder", "stationery_folder"});
  }
  if (name == "accountrc") {
    static const std::set<std::string> allowed{
        "receive_server", "smtp_server",      "user_id",         "smtp_user_id",
        "use_apop_auth",  "use_pop_auth",     "pop_auth_method", "imap_auth_method",
        "use_smtp_auth",  "smtp_auth_method", "pop_before_smtp", "ssl_pop",
        "ssl_imap",       "ssl_smtp",         "set_popport",     "pop_port",
        "set_imapport",   "imap_port",        "set_smtpport",    "smtp_port"};
    return allowed.contains(key);
  }
  if (name == "Mailbox.ini") {
    static const std::set<std::string> allowed{
        "MailServer", "SMTPServer", "UserID",   "SMTPUserID",  "POP3Port",
        "IMAP4Port",  "SMTPPort",   "SSLPOP",   "SSLIMAP",     "SSLSMTP",
        "POP3Auth",   "IMAP4Auth",  "SMTPAUTH", "SMTPAUTHMODE"};
    return allowed.contains(key);
  }
  if (name == "msgFilterRules.dat") return key == "actionValue";
  if (is_reg(name) || ends_with(name, ".oeaccount")) {
    for (const char* word : {"Server", "Port", "SSL", "Secure", "Sicily", "Auth", "User"}) {
      if (key.find(word) != std::string::npos) return true;
    }
  }
  return false;
}

}  // namespace mailmig::cli_testing
