#include "parsers/clients/thunderbird/filter_rules.h"

#include <algorithm>

namespace mailmig {
namespace {

bool is_space(char c) { return c == ' ' || c == '\t' || c == '\n' || c == '\r'; }

}  // namespace

bool uri_is_below(std::string_view uri, std::string_view server_uri) {
  return uri.starts_with(server_uri) &&
         (uri.size() == server_uri.size() || uri[server_uri.size()] == '/');
}

ParseResult FilterRules::load(std::string bytes) {
  original_ = bytes;
  text_ = std::move(bytes);
  return scan();
}

ParseResult FilterRules::scan() {
  action_values_.clear();
  std::size_t line = 1;
  std::size_t line_start = 0;
  std::size_t pos = 0;
  auto fail = [&](std::string message) {
    return ParseResult::failure(line, pos - line_start + 1, std::move(message));
  };
  auto count_line = [&](std::size_t at) {
    // CRLF counts once: the LF does the counting.
    if (text_[at] == '\n' ||
        (text_[at] == '\r' && (at + 1 == text_.size() || text_[at + 1] != '\n'))) {
      ++line;
      line_start = at + 1;
    }
  };
  while (true) {
    while (pos < text_.size() && is_space(text_[pos])) count_line(pos++);
    if (pos == text_.size()) break;
    const std::size_t name_begin = pos;
    while (pos < text_.size() && text_[pos] != '=' && !is_space(text_[pos]) && text_[pos] != '"') {
      ++pos;
    }
    if (pos == name_begin) return fail("expected an attribute name");
    const std::string_view name(text_.data() + name_begin, pos - name_begin);
    if (pos == text_.size() || text_[pos] != '=')
      return fail("expected '=' after " + std::string(name));
    ++pos;
    if (pos == text_.size() || text_[pos] != '"')
      return fail("expected '\"' after " + std::string(name) + "=");
    ++pos;
    const std::size_t value_begin = pos;
    const std::size_t value_line = line;
    const std::size_t value_column = pos - line_start;
    while (pos < text_.size() && text_[pos] != '"') {
      if (text_[pos] == '\\' && pos + 1 < text_.size()) ++pos;
      count_line(pos++);
    }
    if (pos == text_.size()) {
      return ParseResult::failure(value_line, value_column,
                                  "unterminated value of " + std::string(name));
    }
    if (name == "actionValue") action_values_.push_back({value_begin, pos});
    ++pos;
  }
  return ParseResult::success();
}

std::vector<std::string> FilterRules::action_values() const {
  std::vector<std::string> values;
  for (const ValueSpan& span : action_values_) {
    values.push_back(text_.substr(span.begin, span.end - span.begin));
  }
  return values;
}

std::size_t FilterRules::rewrite_folder_uris(std::string_view old_server_uri,
                                             std::string_view new_server_uri) {
  std::size_t rewritten = 0;
  // Last first, so each replacement leaves the offsets before it valid. Not
  // std::views::reverse: clang-tidy 14 cannot compile it with libstdc++ 12.
  // NOLINTNEXTLINE(modernize-loop-convert)
  for (auto it = action_values_.rbegin(); it != action_values_.rend(); ++it) {
    const std::string_view value(text_.data() + it->begin, it->end - it->begin);
    if (!uri_is_below(value, old_server_uri)) continue;
    text_.replace(it->begin, old_server_uri.size(), new_server_uri);
    ++rewritten;
  }
  if (rewritten > 0) scan();
  return rewritten;
}

}  // namespace mailmig
