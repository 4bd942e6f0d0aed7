// The --log file is logfmt: a small reader here splits each line into fields the way a help
// desk's tools would, and every hostile value must come back whole, on its own line.
#include "src/report/log_lines.h"

#include <gtest/gtest.h>

#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "tests/report/sample_runs.h"

namespace mailmig {
namespace {

using LogFields = std::vector<std::pair<std::string, std::string>>;

int hex_value(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  return -1;
}

void append_utf8(std::string& out, unsigned code_point) {
  if (code_point < 0x80) {
    out += static_cast<char>(code_point);
  } else if (code_point < 0x800) {
    out += static_cast<char>(0xC0 | (code_point >> 6));
    out += static_cast<char>(0x80 | (code_point & 0x3F));
  } else {
    out += static_cast<char>(0xE0 | (code_point >> 12));
    out += static_cast<char>(0x80 | ((code_point >> 6) & 0x3F));
    out += static_cast<char>(0x80 | (code_point & 0x3F));
  }
}

// key=value pairs separated by single spaces; a value is bare (no space, quote, '=' or
// backslash) or quoted with \" \\ \n \r \t \xHH \uHHHH escapes. nullopt on anything else.
std::optional<LogFields> parse_logfmt_line(const std::string& line) {
  LogFields fields;
  std::size_t pos = 0;
  while (pos < line.size()) {
    const std::size_t equals = line.find('=', pos);
    if (equals == std::string::npos || equals == pos) return std::nullopt;
    std::string key = line.substr(pos, equals - pos);
    if (key.find_first_of(" \"\\") != std::string::npos) return std::nullopt;
    pos = equals + 1;
    std::string value;
    if (pos < line.size() && line[pos] == '"') {
      ++pos;
      while (true) {
        if (pos >= line.size()) return std::nullopt;
        const char c = line[pos++];
        if (c == '"') break;
        if (static_cast<unsigned char>(c) < 0x20) return std::nullopt;
        if (c != '\\') {
          value += c;
          continue;
        }
        if (pos >= line.size()) return std::nullopt;
        const char escape = line[pos++];
        const std::size_t digits = escape == 'x' ? 2 : escape == 'u' ? 4 : 0;
        if (digits == 0) {
          const std::string from = "\"\\nrt";
          const std::string to = "\"\\\n\r\t";
          const std::size_t which = from.find(escape);
          if (which == std::string::npos) return std::nullopt;
          value += to[which];
          continue;
        }
        unsigned code_point = 0;
        for (std::size_t i = 0; i < digits; ++i) {
          if (pos >= line.size() || hex_value(line[pos]) < 0) return std::nullopt;
          code_point = code_point * 16 + static_cast<unsigned>(hex_value(line[pos++]));
        }
        append_utf8(value, code_point);
      }
    } else {
      const std::size_t end = std::min(line.find(' ', pos), line.size());
      value = line.substr(pos, end - pos);
      if (value.empty() || value.find_first_of("\"=\\") != std::string::npos) return std::nullopt;
      pos = end;
    }
    fields.emplace_back(std::move(key), std::move(value));
    if (pos < line.size()) {
      if (line[pos] != ' ') return std::nullopt;
      ++pos;
    }
  }
  return fields;
}

std::string field(const LogFields& fields, const std::string& key) {
  for (const auto& [name, value] : fields) {
    if (name == key) return value;
  }
  return "(missing)";
}

std::vector<LogFields> parse_log(const std::string& text) {
  std::vector<LogFields> lines;
  std::size_t start = 0;
  while (start < text.size()) {
    const std::size_t end = text.find('\n', start);
    EXPECT_NE(end, std::string::npos) << "last line without a line end";
    if (end == std::string::npos) break;
    const std::string line = text.substr(start, end - start);
    const std::optional<LogFields> fields = parse_logfmt_line(line);
    EXPECT_TRUE(fields) << "not logfmt: " << line;
    if (fields) lines.push_back(*fields);
    start = end + 1;
  }
  return lines;
}

TEST(LogLines, OneLineAProfileAndOneForTheRunTimestampFirst) {
  const RunResult run = testing::sample_plan_run();
  const std::string text = format_log_lines(run, "2026-12-06T19:40:00Z");
  const std::vector<LogFields> lines = parse_log(text);
  ASSERT_EQ(lines.size(), run.profiles.size() + 1) << text;
  for (const LogFields& line : lines) {
    ASSERT_FALSE(line.empty());
    EXPECT_EQ(line.front(), (std::pair<std::string, std::string>{"time", "2026-12-06T19:40:00Z"}));
    EXPECT_EQ(field(line, "run"), run.info.run_id);
    EXPECT_EQ(field(line, "command"), "plan");
  }
  EXPECT_EQ(field(lines[0], "event"), "profile");
  EXPECT_EQ(field(lines[0], "path"), run.profiles[0].path);
  EXPECT_EQ(field(lines[1], "error"), run.profiles[1].error);
  EXPECT_EQ(field(lines.back(), "event"), "done");
  EXPECT_EQ(field(lines.back(), "profiles"), std::to_string(run.profiles.size()));
}

// Issue 15: a profile written without error but with a step left for a person is not "ok".
TEST(LogLines, AProfileWithAManualStepSaysActionRequiredWithTheCount) {
  RunResult run = testing::sample_plan_run();
  run.info.command = "apply";
  run.profiles[0].accounts[0].findings.push_back(
      make_finding("becky-starttls", Severity::ActionRequired, "Turn on STARTTLS by hand"));
  const std::vector<LogFields> lines = parse_log(format_log_lines(run, "2026-12-06T19:40:00Z"));
  ASSERT_EQ(lines.size(), 4u);
  EXPECT_EQ(field(lines[0], "status"), "action-required");
  EXPECT_EQ(field(lines[0], "action_required"), "2");  // the account's step and the profile's
  EXPECT_EQ(field(lines[1], "status"), "error");
  EXPECT_EQ(field(lines[1], "action_required"), "0");
  EXPECT_EQ(field(lines[2], "status"), "client-running");
  EXPECT_EQ(field(lines[3], "action_required"), "2");

  run.profiles[0].findings.clear();
  run.profiles[0].accounts[0].findings.clear();
  const std::vector<LogFields> done = parse_log(format_log_lines(run, "2026-12-06T19:40:00Z"));
  EXPECT_EQ(field(done[0], "status"), "ok");
  EXPECT_EQ(field(done[3], "action_required"), "0");
}

TEST(LogLines, HostileValuesRoundTripAndNeverSplitALine) {
  RunResult run = testing::sample_plan_run();
  const std::string hostile_path =
      "/home/x/mail\n2026-12-06T00:00:00Z run=forged event=done errors=0\r\x1B[2J \"q\" a=b \\ "
      "\xE2\x80\xAE\xE6\x97\xA5";
  const std::string hostile_error = "bad \"line\"\nerrors=0\tok=\x7F";
  run.profiles[1].path = hostile_path;
  run.profiles[1].error = hostile_error;
  run.info.command = "plan now";  // a value with a space is quoted too
  const std::string text = format_log_lines(run, "2026-12-06T19:40:00Z");
  const std::vector<LogFields> lines = parse_log(text);
  ASSERT_EQ(lines.size(), run.profiles.size() + 1) << text;
  EXPECT_EQ(field(lines[1], "path"), hostile_path);
  EXPECT_EQ(field(lines[1], "error"), hostile_error);
  EXPECT_EQ(field(lines[1], "command"), "plan now");
  for (const char c : text) {
    const auto byte = static_cast<unsigned char>(c);
    EXPECT_FALSE((byte < 0x20 && c != '\n') || byte == 0x7F) << "raw control " << int(byte);
  }
  EXPECT_EQ(text.find("\xE2\x80\xAE"), std::string::npos) << "raw bidi override";
}

TEST(LogLines, InvalidUtf8BecomesTheReplacementCharacter) {
  RunResult run = testing::sample_plan_run();
  run.profiles[0].path = "/home/\xFF/x";
  const std::vector<LogFields> lines = parse_log(format_log_lines(run, "t"));
  ASSERT_FALSE(lines.empty());
  EXPECT_EQ(field(lines[0], "path"), "/home/\xEF\xBF\xBD/x");
}

}  // namespace
}  // namespace mailmig
