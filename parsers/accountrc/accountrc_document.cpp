#include "parsers/accountrc/accountrc_document.h"

#include <algorithm>
#include <utility>

namespace mailmig {
namespace {

bool holds_line_break_or_nul(std::string_view text) {
  return text.find_first_of(std::string_view("\r\n\0", 3)) != std::string_view::npos;
}

}  // namespace

AccountrcParse AccountrcDocument::parse(std::string bytes) {
  AccountrcParse parsed;
  parsed.document.bytes_ = std::move(bytes);
  parsed.result = parsed.document.index();
  if (!parsed.result) parsed.document = AccountrcDocument();
  return parsed;
}

ParseResult AccountrcDocument::index() {
  lines_.clear();
  sections_.clear();
  const std::string_view text(bytes_);
  std::size_t begin = 0;
  std::size_t number = 0;
  while (begin < text.size()) {
    ++number;
    const std::size_t newline = text.find('\n', begin);
    const std::size_t end = newline == std::string_view::npos ? text.size() : newline + 1;
    std::size_t content_end = end;
    while (content_end > begin && (text[content_end - 1] == '\n' || text[content_end - 1] == '\r'))
      --content_end;
    const std::string_view content = text.substr(begin, content_end - begin);

    if (const std::size_t nul = text.substr(begin, end - begin).find('\0');
        nul != std::string_view::npos) {
      return ParseResult::failure(number, nul + 1, "NUL byte: this is not a text settings file");
    }

    Line line;
    line.number = number;
    line.begin = begin;
    line.content_end = content_end;
    line.end = end;
    if (content.empty()) {
      line.kind = LineKind::Blank;
    } else if (content.front() == '[') {
      // The client takes the label as everything between the first and the last character.
      if (content.size() < 2 || content.back() != ']') {
        return ParseResult::failure(number, content.size() + 1,
                                    "invalid section header: expected ']' at the end of the line");
      }
      line.kind = LineKind::Header;
      if (!sections_.empty()) sections_.back().last = lines_.size();
      sections_.push_back(Section{std::string(content.substr(1, content.size() - 2)), lines_.size(),
                                  lines_.size() + 1, lines_.size() + 1});
    } else if (sections_.empty()) {
      return ParseResult::failure(
          number, 1, "expected a section header such as [Account: 1] before the first setting");
    } else if (const std::size_t equals = content.find('='); equals != std::string_view::npos) {
      line.kind = LineKind::KeyValue;
      line.value_begin = begin + equals + 1;
    } else {
      line.kind = LineKind::Other;
    }
    lines_.push_back(line);
    begin = end;
  }
  if (!sections_.empty()) sections_.back().last = lines_.size();
  return ParseResult::success();
}

const AccountrcDocument::Section* AccountrcDocument::find_section(std::string_view name) const {
  for (const Section& section : sections_) {
    if (section.name == name) return &section;
  }
  return nullptr;
}

std::string_view AccountrcDocument::content(const Line& line) const {
  return std::string_view(bytes_).substr(line.begin, line.content_end - line.begin);
}

std::string_view AccountrcDocument::key_of(const Line& line) const {
  if (line.kind != LineKind::KeyValue) return {};
  return std::string_view(bytes_).substr(line.begin, line.value_begin - 1 - line.begin);
}

std::string_view AccountrcDocument::value_of(const Line& line) const {
  if (line.kind != LineKind::KeyValue) return {};
  return std::string_view(bytes_).substr(line.value_begin, line.content_end - line.value_begin);
}

std::optional<std::size_t> AccountrcDocument::effective_line(const Section& section,
                                                             std::string_view key) const {
  for (std::size_t i = section.last; i > section.first; --i) {
    const Line& line = lines_[i - 1];
    if (line.kind == LineKind::KeyValue && key_of(line) == key) return i - 1;
  }
  return std::nullopt;
}

std::optional<std::string_view> AccountrcDocument::value(const Section& section,
                                                         std::string_view key) const {
  if (auto line = effective_line(section, key)) return value_of(lines_[*line]);
  return std::nullopt;
}

std::string_view AccountrcDocument::line_ending_for_insert(std::size_t after_line) const {
  auto ending_of = [this](const Line& line) -> std::string_view {
    const std::string_view ending =
        std::string_view(bytes_).substr(line.content_end, line.end - line.content_end);
    if (ending.ends_with("\r\n")) return "\r\n";
    if (ending.ends_with('\n')) return "\n";
    return {};
  };
  if (auto own = ending_of(lines_[after_line]); !own.empty()) return own;
  for (const Line& line : lines_) {
    if (auto ending = ending_of(line); !ending.empty()) return ending;
  }
  return "\n";
}

bool AccountrcDocument::set_value(std::string_view section_name, std::string_view key,
                                  std::string_view value,
                                  std::span<const std::string_view> client_order) {
  if (holds_line_break_or_nul(value) || holds_line_break_or_nul(key) || key.empty() ||
      key.front() == '[' || key.find('=') != std::string_view::npos) {
    return false;
  }
  const Section* section = find_section(section_name);
  if (section == nullptr) return false;

  if (auto existing = effective_line(*section, key)) {
    const Line& line = lines_[*existing];
    bytes_.replace(line.value_begin, line.content_end - line.value_begin, value);
    return static_cast<bool>(index());
  }

  std::size_t anchor = section->header;
  const auto position = std::find(client_order.begin(), client_order.end(), key);
  if (position != client_order.end()) {
    for (auto earlier = position; earlier != client_order.begin();) {
      --earlier;
      if (auto line = effective_line(*section, *earlier)) {
        anchor = *line;
        break;
      }
    }
  } else {
    for (std::size_t i = section->last; i > section->first; --i) {
      if (lines_[i - 1].kind != LineKind::Blank) {
        anchor = i - 1;
        break;
      }
    }
  }

  const Line& after = lines_[anchor];
  const std::string ending(line_ending_for_insert(anchor));
  std::string new_line = std::string(key) + "=" + std::string(value);
  // After a last line without a newline, the new line becomes the last one, still without one.
  if (after.end == 0 || bytes_[after.end - 1] != '\n') {
    new_line = ending + new_line;
  } else {
    new_line += ending;
  }
  bytes_.insert(after.end, new_line);
  return static_cast<bool>(index());
}

}  // namespace mailmig
