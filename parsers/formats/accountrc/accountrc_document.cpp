#include "parsers/formats/accountrc/accountrc_document.h"

#include <algorithm>
#include <climits>
#include <cstdint>
#include <utility>

namespace mailmig {
namespace {

// Room a section keeps for its edits: an account's plan adds some 30 bytes to its section, so
// the first edits need not copy it.
constexpr std::size_t kEditSlack = 64;

bool holds_line_break_or_nul(std::string_view text) {
  return text.find_first_of(std::string_view("\r\n\0", 3)) != std::string_view::npos;
}

}  // namespace

ParseResult AccountrcDocument::parse(std::string_view text, AccountrcDocument& out) {
  AccountrcDocument document;
  std::size_t begin = 0;
  std::size_t number = 0;
  std::size_t section_begin = 0;  // in text: where the open section's header starts
  bool ending_seen = false;
  // One scan of the whole text spares one of each line in the usual file, which has no NUL.
  const bool holds_nul = text.find('\0') != std::string_view::npos;
  auto close_section = [&](std::size_t end) {
    if (!document.sections_.empty()) {
      Section& section = document.sections_.back();
      section.bytes.reserve(end - section_begin + kEditSlack);
      section.bytes.assign(text.substr(section_begin, end - section_begin));
      section.lines.shrink_to_fit();  // a large file has many sections: no room to spare
    }
  };
  while (begin < text.size()) {
    ++number;
    const std::size_t newline = text.find('\n', begin);
    const std::size_t end = newline == std::string_view::npos ? text.size() : newline + 1;
    std::size_t content_end = end;
    while (content_end > begin && (text[content_end - 1] == '\n' || text[content_end - 1] == '\r'))
      --content_end;
    const std::string_view content = text.substr(begin, content_end - begin);
    if (!ending_seen && newline != std::string_view::npos) {
      ending_seen = true;
      document.first_line_ending_ =
          content_end < newline && text[newline - 1] == '\r' ? "\r\n" : "\n";
    }

    if (const std::size_t nul =
            holds_nul ? text.substr(begin, end - begin).find('\0') : std::string_view::npos;
        nul != std::string_view::npos) {
      return ParseResult::failure(number, nul + 1, "NUL byte: this is not a text settings file");
    }

    Line line;
    if (content.empty()) {
      line.kind = LineKind::Blank;
    } else if (content.front() == '[') {
      // The client takes the label as everything between the first and the last character.
      if (content.size() < 2 || content.back() != ']') {
        return ParseResult::failure(number, content.size() + 1,
                                    "invalid section header: expected ']' at the end of the line");
      }
      line.kind = LineKind::Header;
      if (document.sections_.empty()) {
        document.preamble_.assign(text.substr(0, begin));
      } else {
        close_section(begin);
      }
      section_begin = begin;
      // Sections of one file tend to have as many lines as the one before: room for that many
      // saves growing the index line by line and the copy of shrinking it.
      const std::size_t lines_before =
          document.sections_.empty() ? 0 : document.sections_.back().lines.size();
      Section& section = document.sections_.emplace_back();
      section.lines.reserve(lines_before);
      section.name = std::string(content.substr(1, content.size() - 2));
    } else if (document.sections_.empty()) {
      return ParseResult::failure(
          number, 1, "expected a section header such as [Account: 1] before the first setting");
    } else if (const std::size_t equals = content.find('='); equals != std::string_view::npos) {
      line.kind = LineKind::KeyValue;
      line.value_begin = static_cast<std::uint32_t>(begin - section_begin + equals + 1);
    } else if (newline == std::string_view::npos) {
      // The client ignores a line without '=', but writes every line with its newline: a last
      // one without either is a copy cut short.
      return ParseResult::failure(
          number, content.size() + 1,
          "the file ends in the middle of this line, which has no '=': it looks cut short");
    } else {
      line.kind = LineKind::Other;
    }
    if (!document.sections_.empty()) {
      if (end - section_begin > UINT32_MAX || number > kMaxLineNumber) {
        return ParseResult::failure(number, 0, "section too large (over 4 GiB)");
      }
      line.number = static_cast<std::uint32_t>(number & kMaxLineNumber);  // checked above
      line.begin = static_cast<std::uint32_t>(begin - section_begin);
      line.content_end = static_cast<std::uint32_t>(content_end - section_begin);
      document.sections_.back().lines.push_back(line);
    }
    begin = end;
  }
  if (document.sections_.empty()) {
    document.preamble_.assign(text);
  } else {
    close_section(text.size());
  }
  out = std::move(document);
  return ParseResult::success();
}

std::string AccountrcDocument::serialize() const {
  std::size_t size = preamble_.size();
  for (const Section& section : sections_) size += section.bytes.size();
  std::string out;
  out.reserve(size);
  out += preamble_;
  for (const Section& section : sections_) out += section.bytes;
  return out;
}

bool AccountrcDocument::has_bytes(std::string_view other) const {
  if (!other.starts_with(preamble_)) return false;
  std::size_t at = preamble_.size();
  for (const Section& section : sections_) {
    if (other.substr(at, section.bytes.size()) != section.bytes) return false;
    at += section.bytes.size();
  }
  return at == other.size();
}

const AccountrcDocument::Section* AccountrcDocument::find_section(std::string_view name) const {
  if (!section_index_built_) {
    section_index_.reserve(sections_.size());
    for (std::size_t i = 0; i < sections_.size(); ++i) {
      section_index_.try_emplace(sections_[i].name, i);
    }
    section_index_built_ = true;
  }
  const auto found = section_index_.find(std::string(name));
  return found == section_index_.end() ? nullptr : &sections_[found->second];
}

std::optional<std::size_t> AccountrcDocument::effective_line(const Section& section,
                                                             std::string_view key) const {
  for (std::size_t i = section.lines.size(); i > 1; --i) {
    const Line& line = section.lines[i - 1];
    if (line.kind == LineKind::KeyValue && section.key_of(line) == key) return i - 1;
  }
  return std::nullopt;
}

std::optional<std::string_view> AccountrcDocument::value(const Section& section,
                                                         std::string_view key) const {
  if (auto line = effective_line(section, key)) return section.value_of(section.lines[*line]);
  return std::nullopt;
}

std::string_view AccountrcDocument::line_ending_for_insert(const Section& section,
                                                           std::size_t after_line) const {
  const Line& line = section.lines[after_line];
  const std::string_view ending =
      std::string_view(section.bytes)
          .substr(line.content_end, section.end_of(after_line) - line.content_end);
  if (ending.ends_with("\r\n")) return "\r\n";
  if (ending.ends_with('\n')) return "\n";
  return first_line_ending_;
}

namespace {

// Lets `bytes` grow by `more` without doubling its capacity, as std::string would: every
// section of a large file is edited, and a plan should not hold each one twice. The slack
// serves the next few edits of the same section.
void make_room(std::string& bytes, std::size_t more) {
  if (bytes.size() + more <= bytes.capacity()) return;
  std::string larger;
  larger.reserve(bytes.size() + more + kEditSlack);
  larger = bytes;
  bytes.swap(larger);
}

// Moves the lines from `first` on by `delta` bytes, after an edit before them.
void shift_lines(std::vector<AccountrcDocument::Line>& lines, std::size_t first,
                 std::int64_t delta) {
  const auto shift = [delta](std::uint32_t& offset) {
    offset = static_cast<std::uint32_t>(static_cast<std::int64_t>(offset) + delta);
  };
  for (std::size_t i = first; i < lines.size(); ++i) {
    shift(lines[i].begin);
    shift(lines[i].content_end);
    if (lines[i].kind == AccountrcDocument::LineKind::KeyValue) shift(lines[i].value_begin);
  }
}

}  // namespace

void AccountrcDocument::replace_line_value(Section& section, std::size_t line_index,
                                           std::string_view value) {
  Line& line = section.lines[line_index];
  const std::size_t old_size = line.content_end - line.value_begin;
  make_room(section.bytes, value.size());
  section.bytes.replace(line.value_begin, old_size, value);
  const std::int64_t delta =
      static_cast<std::int64_t>(value.size()) - static_cast<std::int64_t>(old_size);
  line.content_end = static_cast<std::uint32_t>(line.value_begin + value.size());
  shift_lines(section.lines, line_index + 1, delta);
}

bool AccountrcDocument::replace_value(std::size_t section_index, std::size_t line_index,
                                      std::string_view value) {
  if (holds_line_break_or_nul(value) || section_index >= sections_.size()) return false;
  Section& section = sections_[section_index];
  if (line_index >= section.lines.size() || section.lines[line_index].kind != LineKind::KeyValue ||
      section.bytes.size() + value.size() > UINT32_MAX) {
    return false;
  }
  replace_line_value(section, line_index, value);
  return true;
}

bool AccountrcDocument::set_value(std::string_view section_name, std::string_view key,
                                  std::string_view value,
                                  std::span<const std::string_view> client_order) {
  const Section* found = find_section(section_name);
  if (found == nullptr) return false;
  return set_value(static_cast<std::size_t>(found - sections_.data()), key, value, client_order);
}

bool AccountrcDocument::set_value(std::size_t section_index, std::string_view key,
                                  std::string_view value,
                                  std::span<const std::string_view> client_order) {
  if (holds_line_break_or_nul(value) || holds_line_break_or_nul(key) || key.empty() ||
      key.front() == '[' || key.find('=') != std::string_view::npos ||
      section_index >= sections_.size()) {
    return false;
  }
  Section& section = sections_[section_index];
  if (section.bytes.size() + key.size() + value.size() + 3 > UINT32_MAX) return false;

  if (auto existing = effective_line(section, key)) {
    replace_line_value(section, *existing, value);
    return true;
  }

  std::size_t anchor = 0;  // the header
  const auto position = std::find(client_order.begin(), client_order.end(), key);
  if (position != client_order.end()) {
    for (auto earlier = position; earlier != client_order.begin();) {
      --earlier;
      if (auto line = effective_line(section, *earlier)) {
        anchor = *line;
        break;
      }
    }
  } else {
    for (std::size_t i = section.lines.size(); i > 1; --i) {
      if (section.lines[i - 1].kind != LineKind::Blank) {
        anchor = i - 1;
        break;
      }
    }
  }

  const std::uint32_t after_end = section.end_of(anchor);
  const std::string ending(line_ending_for_insert(section, anchor));
  const std::string key_value = std::string(key) + "=" + std::string(value);
  Line added;
  added.kind = LineKind::KeyValue;
  std::string inserted;
  // After a last line without a newline, the new line becomes the last one, still without one.
  if (after_end == 0 || section.bytes[after_end - 1] != '\n') {
    inserted = ending + key_value;
    make_room(section.bytes, inserted.size());
    section.bytes.insert(after_end, inserted);
    added.begin = static_cast<std::uint32_t>(after_end + ending.size());
  } else {
    inserted = key_value + ending;
    make_room(section.bytes, inserted.size());
    section.bytes.insert(after_end, inserted);
    added.begin = after_end;
  }
  added.content_end = static_cast<std::uint32_t>(added.begin + key_value.size());
  added.value_begin = static_cast<std::uint32_t>(added.begin + key.size() + 1);
  shift_lines(section.lines, anchor + 1, static_cast<std::int64_t>(inserted.size()));
  section.lines.insert(section.lines.begin() + static_cast<std::ptrdiff_t>(anchor + 1), added);
  return true;
}

}  // namespace mailmig
