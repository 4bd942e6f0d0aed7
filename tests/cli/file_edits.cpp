#include "tests/cli/file_edits.h"

#include <algorithm>
#include <regex>
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
  std::smatch match;
  if (name == "prefs.js") {
    static const std::regex pref(R"re(^user_pref\("([^"]+)",)re");
    return std::regex_search(line, match, pref) ? match[1].str() : "";
  }
  if (is_reg(name)) {
    static const std::regex value(R"re(^"([^"]+)"=)re");
    return std::regex_search(line, match, value) ? match[1].str() : "";
  }
  if (ends_with(name, ".oeaccount")) {
    static const std::regex element(R"(^\s*<([A-Za-z0-9_]+)[ >])");
    return std::regex_search(line, match, element) ? match[1].str() : "";
  }
  const std::size_t equals = line.find('=');
  return equals == std::string::npos ? "" : line.substr(0, equals);
}

bool key_may_change(const std::string& path, const std::string& key) {
  const std::string name = file_name(path);
  if (name == "prefs.js") {
    static const std::regex allowed(
        R"(^(mail\.server\.server\d+\.(hostname|port|socketType|authMethod|userName|name|)"
        R"(spamActionTargetAccount|spamActionTargetFolder)|)"
        R"(mail\.smtpserver\.smtp\d+\.(hostname|port|try_ssl|authMethod|username)|)"
        R"(mail\.identity\.id\d+\.(fcc_folder|draft_folder|archive_folder|stationery_folder))$)");
    return std::regex_match(key, allowed);
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
    static const std::regex allowed(R"(Server|Port|SSL|Secure|Sicily|Auth|User)");
    return std::regex_search(key, allowed);
  }
  return false;
}

}  // namespace mailmig::cli_testing
