#include "parsers/formats/accountrc/accountrc_document.h"

#include <algorithm>
#include <climits>
#include <cstdint>
#include <utility>

namespace mailmig {
namespace {

bool holds_line_break_or_nul(std::string_view text) {
  return text.find_first_of(std::string_view("\r\n\0", 3)) != std::string_view::npos;
}

}  // namespace

AccountrcDocument::AccountrcDocument() : text_(std::make_unique<Text>()) {}

std::string_view AccountrcDocument::Section::edited_value(const Line& line) const {
  // The edit replaces the '=' too, so that an empty value is a span, not an insertion.
  const std::size_t equals = line.begin + line.key_size;
  return edits->replacement(offset + equals, content_end(line) - equals)->substr(1);
}

std::size_t AccountrcDocument::Section::number_of(const Line& line) const {
  if (line.added) return 0;
  std::size_t number = first_number;
  for (const Line* before = lines.data(); before != &line; ++before)
    number += before->added ? 0 : 1;
  return number;
}

ParseResult AccountrcDocument::parse(std::string input, AccountrcDocument& out) {
  AccountrcDocument document;
  document.text_->bytes = std::move(input);
  const std::string_view text = document.text_->bytes;
  std::size_t begin = 0;
  std::size_t number = 0;
  std::size_t section_begin = 0;  // in text: where the open section's header starts
  bool ending_seen = false;
  // One scan of the whole text spares one of each line in the usual file, which has no NUL.
  const bool holds_nul = text.find('\0') != std::string_view::npos;
  auto close_section = [&](std::size_t end) {
    if (!document.sections_.empty()) {
      Section& section = document.sections_.back();
      section.original = text.substr(section_begin, end - section_begin);
      section.offset = section_begin;
      section.edits = &document.text_->edits;
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
      close_section(begin);
      section_begin = begin;
      // Sections of one file tend to have as many lines as the one before: room for that many
      // saves growing the index line by line and the copy of shrinking it.
      const std::size_t lines_before =
          document.sections_.empty() ? 0 : document.sections_.back().lines.size();
      Section& section = document.sections_.emplace_back();
      section.first_number = number;
      section.lines.reserve(lines_before);
      section.name = std::string(content.substr(1, content.size() - 2));
    } else if (document.sections_.empty()) {
      return ParseResult::failure(
          number, 1, "expected a section header such as [Account: 1] before the first setting");
    } else if (const std::size_t equals = content.find('='); equals != std::string_view::npos) {
      if (equals > kMaxKeySize) {
        return ParseResult::failure(number, equals + 1, "key too long (over 256 MiB)");
      }
      line.kind = LineKind::KeyValue;
      line.key_size = static_cast<std::uint32_t>(equals) & kMaxKeySize;  // checked above
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
      if (end - section_begin > UINT32_MAX) {
        return ParseResult::failure(number, 0, "section too large (over 4 GiB)");
      }
      line.begin = static_cast<std::uint32_t>(begin - section_begin);
      document.sections_.back().lines.push_back(line);
    }
    begin = end;
  }
  close_section(text.size());
  document.added_lines_.resize(document.sections_.size());
  out = std::move(document);
  return ParseResult::success();
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

AccountrcDocument::AddedLine& AccountrcDocument::added_line(std::size_t section_index,
                                                            std::uint32_t added_begin) {
  std::vector<AddedLine>& added = added_lines_[section_index];
  return *std::find_if(added.begin(), added.end(), [added_begin](const AddedLine& line) {
    return line.added_begin == added_begin;
  });
}

void AccountrcDocument::write_insertion(const Section& section, std::uint32_t at) {
  const std::vector<AddedLine>& added =
      added_lines_[static_cast<std::size_t>(&section - sections_.data())];
  std::string text;
  for (const Line& line : section.lines) {
    if (!line.added) continue;
    const auto found = std::find_if(added.begin(), added.end(), [&line](const AddedLine& entry) {
      return entry.added_begin == line.begin;
    });
    if (found->at != at) continue;
    const std::string_view ending = found->crlf ? "\r\n" : "\n";
    const std::string_view content =
        std::string_view(section.added).substr(line.begin, section.content_end(line) - line.begin);
    if (found->ending_first) text += ending;
    text += content;
    if (!found->ending_first) text += ending;
  }
  // No edit spans a line's end: values end before it, and insertions elsewhere are at other ends.
  text_->edits.replace(section.offset + at, 0, text);
}

void AccountrcDocument::replace_line_value(Section& section, std::size_t line_index,
                                           std::string_view value) {
  Line& line = section.lines[line_index];
  if (!line.added) {
    const std::size_t equals = line.begin + line.key_size;
    const std::size_t replaced = section.content_end(line) - equals;
    line.edited = 1;
    std::string text = "=";
    text += value;
    text_->edits.replace(section.offset + equals, replaced, text);
    return;
  }
  // An added line: its new text goes after the others (the old stays, unused), then its
  // insertion is written again.
  const std::size_t section_index = static_cast<std::size_t>(&section - sections_.data());
  AddedLine& added = added_line(section_index, line.begin);
  const std::string key(section.key_of(line));
  const auto begin = static_cast<std::uint32_t>(section.added.size());
  section.added += key;
  section.added += '=';
  section.added += value;
  section.added += '\n';
  line.begin = begin;
  added.added_begin = begin;
  write_insertion(section, added.at);
}

bool AccountrcDocument::replace_value(std::size_t section_index, std::size_t line_index,
                                      std::string_view value) {
  if (holds_line_break_or_nul(value) || section_index >= sections_.size()) return false;
  Section& section = sections_[section_index];
  if (line_index >= section.lines.size() || section.lines[line_index].kind != LineKind::KeyValue ||
      section.added.size() + section.key_of(section.lines[line_index]).size() + value.size() + 2 >
          UINT32_MAX) {
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
  if (key.size() > kMaxKeySize || section.added.size() + key.size() + value.size() + 2 > UINT32_MAX)
    return false;

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

  // The new line goes right after the anchor: at the anchor's end in the original bytes, before
  // the lines added there before it. It takes the anchor's line ending (else the file's first).
  AddedLine entry;
  const Line& after = section.lines[anchor];
  if (after.added) {
    entry = added_line(section_index, after.begin);
  } else {
    const std::size_t after_end = section.content_end(after);
    const std::size_t newline = section.original.find('\n', after_end);
    if (newline == std::string_view::npos) {
      // After a last line without a newline, the new line becomes the last one, still without one.
      entry.at = static_cast<std::uint32_t>(section.original.size());
      entry.ending_first = true;
      entry.crlf = first_line_ending_ == "\r\n";
    } else {
      entry.at = static_cast<std::uint32_t>(newline + 1);
      entry.crlf = newline > after_end && section.original[newline - 1] == '\r';
    }
  }
  Line added;
  added.kind = LineKind::KeyValue;
  added.added = 1;
  added.begin = static_cast<std::uint32_t>(section.added.size());
  added.key_size = static_cast<std::uint32_t>(key.size()) & kMaxKeySize;  // checked above
  section.added += key;
  section.added += '=';
  section.added += value;
  section.added += '\n';
  entry.added_begin = added.begin;
  added_lines_[section_index].push_back(entry);
  section.lines.insert(section.lines.begin() + static_cast<std::ptrdiff_t>(anchor + 1), added);
  write_insertion(section, entry.at);
  return true;
}

}  // namespace mailmig
