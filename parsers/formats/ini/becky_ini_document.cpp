#include "parsers/formats/ini/becky_ini_document.h"

#include <algorithm>
#include <bitset>

#include "src/encoding/codec.h"

namespace mailmig {
namespace {

constexpr const char* kCp932 = "CP932";
constexpr std::string_view kMask = "********";

bool is_blank(char c) { return c == ' ' || c == '\t'; }

// CP932 keeps ASCII as it is, so ASCII names and values (nearly all of them) need no iconv call:
// every account's every key is looked up this way.
bool is_ascii(std::string_view text) {
  return std::all_of(text.begin(), text.end(),
                     [](char c) { return static_cast<unsigned char>(c) < 0x80; });
}

Conversion cp932_from_utf8(std::string_view utf8) {
  if (is_ascii(utf8)) return Conversion{true, std::string(utf8), 0, {}};
  return from_utf8(utf8, kCp932);
}

Conversion cp932_to_utf8(std::string_view cp932) {
  if (is_ascii(cp932)) return Conversion{true, std::string(cp932), 0, {}};
  return to_utf8(cp932, kCp932);
}

// A CP932 lead byte starts a two-byte character whose trail byte may be '[', ']', '\' or a
// letter, so every scan inside a line steps over whole characters.
bool is_cp932_lead(unsigned char c) { return (c >= 0x81 && c <= 0x9F) || (c >= 0xE0 && c <= 0xFC); }

std::size_t find_cp932(std::string_view text, std::size_t from, std::size_t to, char wanted) {
  for (std::size_t i = from; i < to;) {
    if (text[i] == wanted) return i;
    i += is_cp932_lead(static_cast<unsigned char>(text[i])) && i + 1 < to ? 2 : 1;
  }
  return std::string_view::npos;
}

// Windows compares section and key names without regard to ASCII case; a trail byte is part of
// a double-byte character and is never folded.
bool equal_names_cp932(std::string_view a, std::string_view b) {
  if (a.size() != b.size()) return false;
  for (std::size_t i = 0; i < a.size(); ++i) {
    const auto ca = static_cast<unsigned char>(a[i]);
    if (is_cp932_lead(ca) && i + 1 < a.size()) {
      if (a[i] != b[i] || a[i + 1] != b[i + 1]) return false;
      ++i;
      continue;
    }
    const auto cb = static_cast<unsigned char>(b[i]);
    auto lower = [](unsigned char c) {
      return c >= 'A' && c <= 'Z' ? static_cast<unsigned char>(c - 'A' + 'a') : c;
    };
    if (lower(ca) != lower(cb)) return false;
  }
  return true;
}

bool contains_pass(std::string_view name) {
  static constexpr std::string_view kPass = "pass";
  auto it = std::search(name.begin(), name.end(), kPass.begin(), kPass.end(), [](char a, char b) {
    return (a >= 'A' && a <= 'Z' ? static_cast<char>(a - 'A' + 'a') : a) == b;
  });
  return it != name.end();
}

// Checks that lines are CP932 with iconv, as decoding them later will, but converts a line only
// when it holds a character iconv has not yet accepted in this file: a settings file repeats a
// few hundred characters over thousands of lines, and a pure ASCII line needs no conversion.
// CP932 has no shift states, so a line is valid exactly when each of its characters is (a
// character is a lead byte with the byte after it, or any other single byte).
class Cp932LineChecker {
 public:
  // Nothing when `line` is CP932 text, else iconv's failed conversion (with the error offset).
  std::optional<Conversion> error_in(std::string_view line) {
    if (all_accepted(line)) return std::nullopt;
    auto decoded = to_utf8(line, kCp932);
    if (!decoded) return decoded;
    for_each_non_ascii(line, [this](std::size_t code) {
      accepted_.set(code);
      return true;
    });
    return std::nullopt;
  }

 private:
  // Calls `visit` with a code for every non-ASCII character (lead << 8 | trail, or the byte)
  // until it returns false; returns whether it never did.
  template <typename Visit>
  static bool for_each_non_ascii(std::string_view line, Visit visit) {
    for (std::size_t i = 0; i < line.size(); ++i) {
      const auto byte = static_cast<unsigned char>(line[i]);
      if (byte < 0x80) continue;
      std::size_t code = byte;
      if (is_cp932_lead(byte) && i + 1 < line.size()) {
        code = code << 8 | static_cast<unsigned char>(line[++i]);
      }
      if (!visit(code)) return false;
    }
    return true;
  }

  bool all_accepted(std::string_view line) const {
    return for_each_non_ascii(line, [this](std::size_t code) { return accepted_.test(code); });
  }

  std::bitset<0x10000> accepted_;
};

std::string decode_for_display(std::string_view cp932) {
  auto decoded = to_utf8(cp932, kCp932);
  if (decoded) return decoded.text;
  return "(a line that is not CP932 text)";
}

}  // namespace

ParseResult BeckyIniDocument::parse(std::string bytes, BeckyIniDocument& document) {
  BeckyIniDocument parsed;
  parsed.bytes_ = std::move(bytes);
  const std::string_view text = parsed.bytes_;

  // Every line is one Line: reserving for all of them avoids regrowing a large vector.
  parsed.lines_.reserve(static_cast<std::size_t>(std::count(text.begin(), text.end(), '\n')) + 1);
  Cp932LineChecker cp932;
  std::size_t line_number = 0;
  std::size_t begin = 0;
  while (begin < text.size()) {
    ++line_number;
    Line line;
    line.begin = begin;
    const std::size_t newline = text.find('\n', begin);
    line.end = newline == std::string_view::npos ? text.size() : newline + 1;
    line.content_end = newline == std::string_view::npos ? text.size() : newline;
    // Only CR LF and LF end a line; a lone CR (even at the end of the file) is line content.
    if (newline != std::string_view::npos && line.content_end > begin &&
        text[line.content_end - 1] == '\r') {
      --line.content_end;
    }
    begin = line.end;

    const std::string_view content = text.substr(line.begin, line.content_end - line.begin);
    if (const std::size_t nul = content.find('\0'); nul != std::string_view::npos) {
      return ParseResult::failure(line_number, nul + 1,
                                  "binary content (a NUL byte): not a Becky! settings file");
    }
    std::size_t first = line.begin;
    while (first < line.content_end && is_blank(text[first])) ++first;
    if (first == line.content_end) {
      line.kind = LineKind::Blank;
    } else if (text[first] == ';') {
      line.kind = LineKind::Comment;
    } else {
      if (auto invalid = cp932.error_in(content)) {
        return ParseResult::failure(line_number, invalid->error_offset + 1,
                                    "invalid CP932 (Shift_JIS) text: " + invalid->error);
      }
      if (text[first] == '[') {
        const std::size_t close = find_cp932(text, first + 1, line.content_end, ']');
        if (close == std::string_view::npos) {
          return ParseResult::failure(line_number, line.content_end - line.begin + 1,
                                      "expected ']' to close the section name");
        }
        line.kind = LineKind::Section;
        line.name_begin = first + 1;
        line.name_end = close;
        while (line.name_begin < line.name_end && is_blank(text[line.name_begin])) {
          ++line.name_begin;
        }
        while (line.name_end > line.name_begin && is_blank(text[line.name_end - 1])) {
          --line.name_end;
        }
        parsed.sections_.push_back(Section{parsed.lines_.size(), parsed.lines_.size(), {}});
      } else {
        if (parsed.sections_.empty()) {
          return ParseResult::failure(line_number, first - line.begin + 1,
                                      "expected a [Section] header before this line");
        }
        const std::size_t equals = find_cp932(text, first, line.content_end, '=');
        if (equals == std::string_view::npos) {
          // Windows ignores a line without '=' inside a section; keep it as it is.
          line.kind = LineKind::Other;
        } else {
          line.kind = LineKind::Entry;
          line.equals = equals;
          line.name_begin = first;
          line.name_end = equals;
          while (line.name_end > line.name_begin && is_blank(text[line.name_end - 1])) {
            --line.name_end;
          }
          if (line.name_end == line.name_begin) {
            return ParseResult::failure(line_number, equals - line.begin + 1,
                                        "expected a key name before '='");
          }
          line.value_begin = equals + 1;
          line.value_end = line.content_end;
          while (line.value_begin < line.value_end && is_blank(text[line.value_begin])) {
            ++line.value_begin;
          }
          while (line.value_end > line.value_begin && is_blank(text[line.value_end - 1])) {
            --line.value_end;
          }
        }
      }
    }
    if (!parsed.sections_.empty()) {
      line.section = parsed.sections_.size() - 1;
      if (line.kind != LineKind::Blank) parsed.sections_.back().last_line = parsed.lines_.size();
    }
    parsed.lines_.push_back(line);
  }
  document = std::move(parsed);
  return ParseResult::success();
}

std::optional<std::size_t> BeckyIniDocument::find_section(std::string_view cp932_name) const {
  for (std::size_t i = 0; i < sections_.size(); ++i) {
    const Line& header = lines_[sections_[i].header_line];
    if (equal_names_cp932(slice(header.name_begin, header.name_end), cp932_name)) return i;
  }
  return std::nullopt;
}

std::string_view BeckyIniDocument::current_value(const Line& line) const {
  // An edit replaces the bytes from the '=' to the value's end, so that it has a span even when
  // the value is empty at the end of the file, where added lines are inserted.
  const std::optional<std::string_view> edited =
      edits_.replacement(line.equals, line.value_end - line.equals);
  if (!edited) return slice(line.value_begin, line.value_end);
  return edited->substr(line.value_begin - line.equals);
}

std::optional<std::size_t> BeckyIniDocument::find_entry(std::size_t section,
                                                        std::string_view cp932_key) const {
  for (std::size_t i = sections_[section].header_line + 1; i < lines_.size(); ++i) {
    const Line& line = lines_[i];
    if (line.kind == LineKind::Section) break;
    if (line.kind == LineKind::Entry &&
        equal_names_cp932(slice(line.name_begin, line.name_end), cp932_key)) {
      return i;
    }
  }
  return std::nullopt;
}

bool BeckyIniDocument::has_section(std::string_view section) const {
  auto name = cp932_from_utf8(section);
  return name && find_section(name.text).has_value();
}

std::optional<std::string> BeckyIniDocument::value(std::string_view section,
                                                   std::string_view key) const {
  auto section_name = cp932_from_utf8(section);
  auto key_name = cp932_from_utf8(key);
  if (!section_name || !key_name) return std::nullopt;
  auto section_index = find_section(section_name.text);
  if (!section_index) return std::nullopt;
  // Entry lines were checked to be CP932 when parsed, and edits when made, so decoding cannot
  // fail here.
  if (auto entry = find_entry(*section_index, key_name.text)) {
    return cp932_to_utf8(current_value(lines_[*entry])).text;
  }
  for (const AddedEntry& added : sections_[*section_index].added) {
    if (equal_names_cp932(added.key, key_name.text)) return cp932_to_utf8(added.value).text;
  }
  return std::nullopt;
}

std::string_view BeckyIniDocument::line_ending_near(const Line& line) const {
  if (line.end > line.content_end) return slice(line.content_end, line.end);
  for (const Line& other : lines_) {
    if (other.end > other.content_end) return slice(other.content_end, other.end);
  }
  return "\r\n";  // what Windows' profile functions write
}

ParseResult BeckyIniDocument::set_value(std::string_view section, std::string_view key,
                                        std::string_view value) {
  if (value.find_first_of(std::string_view("\r\n\0", 3)) != std::string_view::npos) {
    return ParseResult::failure(0, 0, "a value cannot contain a line break or a NUL byte");
  }
  if (!value.empty() && (is_blank(value.front()) || is_blank(value.back()))) {
    return ParseResult::failure(0, 0, "Windows would drop the spaces around the value");
  }
  if (key.empty() || key.find_first_of("=[]\r\n;") != std::string_view::npos ||
      is_blank(key.front()) || is_blank(key.back())) {
    return ParseResult::failure(0, 0, "not a key name Becky! can read back");
  }
  auto encoded = cp932_from_utf8(value);
  if (!encoded) {
    return ParseResult::failure(0, 0,
                                "the value for " + std::string(key) +
                                    " cannot be written in CP932 (Shift_JIS): " + encoded.error);
  }
  auto section_name = cp932_from_utf8(section);
  auto key_name = cp932_from_utf8(key);
  if (!section_name || !key_name) {
    return ParseResult::failure(0, 0, "the names cannot be written in CP932 (Shift_JIS)");
  }
  auto section_index = find_section(section_name.text);
  if (!section_index) {
    return ParseResult::failure(0, 0, "there is no [" + std::string(section) + "] section");
  }

  if (auto entry = find_entry(*section_index, key_name.text)) {
    const Line& line = lines_[*entry];
    edits_.replace(line.equals, line.value_end - line.equals,
                   std::string(slice(line.equals, line.value_begin)) + encoded.text);
    return ParseResult::success();
  }
  Section& target = sections_[*section_index];
  for (AddedEntry& added : target.added) {
    if (equal_names_cp932(added.key, key_name.text)) {
      added.value = std::move(encoded.text);
      write_added(target);
      return ParseResult::success();
    }
  }
  target.added.push_back({std::move(key_name.text), std::move(encoded.text)});
  write_added(target);
  return ParseResult::success();
}

// Windows appends a new key after the section's last line, before any blank lines.
void BeckyIniDocument::write_added(const Section& section) {
  const Line& last = lines_[section.last_line];
  const std::string_view eol = line_ending_near(last);
  // After a last line without a line break, the old last line gets one and the new last line
  // goes without it, as the file had.
  const bool last_has_eol = last.end > last.content_end;
  std::string lines;
  for (const AddedEntry& added : section.added) {
    if (!last_has_eol) lines += eol;
    lines += added.key + "=" + added.value;
    if (last_has_eol) lines += eol;
  }
  edits_.replace(last.end, 0, lines);
}

std::string BeckyIniDocument::display_text() const {
  if (edits_.empty()) return display_text_of_original();
  BeckyIniDocument current;
  // The edits keep the file valid (set_value checks what it writes), so this parses.
  parse(serialize(), current);
  return current.display_text_of_original();
}

std::string BeckyIniDocument::display_text_of_original() const {
  std::string out;
  for (const Line& line : lines_) {
    if (line.kind == LineKind::Entry && contains_pass(slice(line.name_begin, line.name_end))) {
      out += decode_for_display(slice(line.begin, line.value_begin));
      if (line.value_end > line.value_begin) out += kMask;
      out += decode_for_display(slice(line.value_end, line.end));
    } else {
      out += decode_for_display(slice(line.begin, line.end));
    }
  }
  return out;
}

}  // namespace mailmig
