#include "parsers/formats/reg/reg_file.h"

#include <algorithm>
#include <charconv>
#include <chrono>
#include <cstdio>
#include <cstring>
#include <exception>
#include <functional>
#include <limits>
#include <optional>
#include <random>
#include <utility>

#include "src/encoding/codec.h"

namespace mailmig {
namespace {

constexpr std::string_view kHeader4 = "REGEDIT4";
constexpr std::string_view kHeader5 = "Windows Registry Editor Version 5.00";
constexpr std::string_view kUtf16Bom = "\xFF\xFE";
// regproc.c export_hex_data: a line is wrapped once it reaches this many characters.
constexpr std::size_t kMaxHexChars = 77;

constexpr std::array<std::string_view, 6> kRoots = {
    "HKEY_LOCAL_MACHINE",  "HKEY_USERS",        "HKEY_CLASSES_ROOT",
    "HKEY_CURRENT_CONFIG", "HKEY_CURRENT_USER", "HKEY_DYN_DATA",
};

char ascii_lower(char c) { return c >= 'A' && c <= 'Z' ? static_cast<char>(c - 'A' + 'a') : c; }

bool is_blank(char c) { return c == ' ' || c == '\t'; }

// The characters wcstoul skips before a number.
bool is_c_space(char c) { return c == ' ' || (c >= '\t' && c <= '\r'); }

// The digits regedit writes hex data with.
constexpr std::string_view kLowerHexDigits = "0123456789abcdef";

// Hex data is most of a UTF-16 export, so its digits are looked up in a table.
constexpr std::array<signed char, 256> kHexDigits = [] {
  std::array<signed char, 256> digits{};
  digits.fill(-1);
  for (int i = 0; i < 10; ++i)
    digits[static_cast<std::size_t>('0') + static_cast<std::size_t>(i)] =
        static_cast<signed char>(i);
  for (int i = 0; i < 6; ++i) {
    digits[static_cast<std::size_t>('a') + static_cast<std::size_t>(i)] =
        static_cast<signed char>(10 + i);
    digits[static_cast<std::size_t>('A') + static_cast<std::size_t>(i)] =
        static_cast<signed char>(10 + i);
  }
  return digits;
}();

int hex_digit(char c) { return kHexDigits[static_cast<unsigned char>(c)]; }

std::size_t skip_blanks(std::string_view s, std::size_t pos) {
  while (pos < s.size() && is_blank(s[pos])) ++pos;
  return pos;
}

std::string_view trim_trailing_blanks(std::string_view s) {
  while (!s.empty() && is_blank(s.back())) s.remove_suffix(1);
  return s;
}

// Lead bytes of the double-byte ANSI code pages Windows uses; a trail byte may be 0x5C ('\'),
// 0x5D (']') or a letter, so scanning must step over whole characters.
std::array<bool, 256> lead_bytes_of(std::string_view codepage) {
  std::string name;
  for (char c : codepage) {
    if (c != '-' && c != '_') name += ascii_lower(c);
  }
  std::array<bool, 256> lead{};
  auto mark = [&lead](int from, int to) {
    for (int b = from; b <= to; ++b) lead[static_cast<std::size_t>(b)] = true;
  };
  if (name == "cp932" || name == "windows31j" || name == "ms932" || name == "shiftjis" ||
      name == "sjis") {
    mark(0x81, 0x9F);
    mark(0xE0, 0xFC);
  } else if (name == "cp936" || name == "gbk" || name == "ms936" || name == "cp949" ||
             name == "uhc" || name == "cp950" || name == "big5") {
    mark(0x81, 0xFE);
  }
  return lead;
}

// 32-bit like RegEntry's offsets: a large export has a million lines.
struct Line {
  std::uint32_t begin;
  std::uint32_t content_end;
  std::uint32_t end;
};

// The position of `c` at or after `pos`, or s.size().
std::size_t find_byte(std::string_view s, char c, std::size_t pos) {
  const std::size_t found = s.find(c, pos);
  return found == std::string_view::npos ? s.size() : found;
}

// Lines end at CRLF, LF or a lone CR, as regedit's get_line splits them.
std::vector<Line> split_lines(std::string_view text) {
  // Not reserved: counting the lines first costs more than letting these small items grow.
  std::vector<Line> lines;
  // The next CR and the next LF, each searched again only once the scan has passed it, so a
  // file that uses only one of them is still read in one pass.
  std::size_t next_cr = find_byte(text, '\r', 0);
  std::size_t next_lf = find_byte(text, '\n', 0);
  std::size_t pos = 0;
  while (pos < text.size()) {
    if (next_cr < pos) next_cr = find_byte(text, '\r', pos);
    if (next_lf < pos) next_lf = find_byte(text, '\n', pos);
    const std::size_t brk = std::min(next_cr, next_lf);
    const auto at = [](std::size_t offset) { return static_cast<std::uint32_t>(offset); };
    if (brk == text.size()) {
      lines.push_back({at(pos), at(text.size()), at(text.size())});
      break;
    }
    const std::size_t length =
        text[brk] == '\r' && brk + 1 < text.size() && text[brk + 1] == '\n' ? 2 : 1;
    lines.push_back({at(pos), at(brk), at(brk + length)});
    pos = brk + length;
  }
  return lines;
}

// The first byte at or after `pos` that is not ASCII, or s.size().
std::size_t find_non_ascii(std::string_view s, std::size_t pos) {
  // Eight bytes at a time while they are all ASCII: most of a .reg file is.
  constexpr std::uint64_t kHighBits = 0x8080808080808080u;
  for (std::uint64_t word = 0; pos + sizeof word <= s.size(); pos += sizeof word) {
    std::memcpy(&word, s.data() + pos, sizeof word);
    if ((word & kHighBits) != 0) break;
  }
  while (pos < s.size() && static_cast<unsigned char>(s[pos]) < 0x80) ++pos;
  return pos;
}

bool is_ascii(std::string_view s) { return find_non_ascii(s, 0) == s.size(); }

bool is_ascii_unit(std::string_view units, std::size_t pos) {
  return static_cast<unsigned char>(units[pos]) < 0x80 && units[pos + 1] == 0;
}

// The first UTF-16LE code unit at or after the even byte offset `pos` that is not ASCII, as a
// byte offset, or units.size() (which is even).
std::size_t find_non_ascii_unit(std::string_view units, std::size_t pos) {
  // Four units at a time: a unit is ASCII when its low byte is < 0x80 and its high byte is 0.
  constexpr unsigned char kNonAsciiBytes[8] = {0x80, 0xFF, 0x80, 0xFF, 0x80, 0xFF, 0x80, 0xFF};
  std::uint64_t non_ascii_bits = 0;
  std::memcpy(&non_ascii_bits, kNonAsciiBytes, sizeof non_ascii_bits);
  for (std::uint64_t word = 0; pos + sizeof word <= units.size(); pos += sizeof word) {
    std::memcpy(&word, units.data() + pos, sizeof word);
    if ((word & non_ascii_bits) != 0) break;
  }
  while (pos < units.size() && is_ascii_unit(units, pos)) pos += 2;
  return pos;
}

// A failure at a byte offset of `text`: its 1-based line and byte column.
ParseResult failure_at_offset(std::string_view text, std::size_t offset, std::string message) {
  const std::vector<Line> lines = split_lines(text.substr(0, offset));
  std::size_t line = 1;
  for (const Line& candidate : lines) {
    if (candidate.end != candidate.content_end) ++line;
  }
  const bool on_a_new_line = lines.empty() || lines.back().end != lines.back().content_end;
  const std::size_t column = on_a_new_line ? 1 : offset - lines.back().begin + 1;
  return ParseResult::failure(line, column, std::move(message));
}

// The same at a byte offset in UTF-16LE text, the column counted in code units.
ParseResult failure_at_utf16_offset(std::string_view units, std::size_t offset,
                                    std::string message) {
  std::string ascii;
  for (std::size_t i = 0; i + 1 < units.size() && i < offset; i += 2) {
    const bool is_break = units[i + 1] == 0 && (units[i] == '\r' || units[i] == '\n');
    ascii += is_break ? units[i] : 'x';
  }
  return failure_at_offset(ascii, ascii.size(), std::move(message));
}

// Where converting the whole of `bytes` from the ANSI code page would stop, or nullopt when it
// is valid text. In a code page that keeps ASCII, ASCII bytes are characters on their own and
// CR and LF never belong to a double-byte character, so only the lines holding other bytes need
// iconv: they are joined, each on its own line, and converted in one call.
std::optional<std::size_t> find_invalid_ansi(std::string_view bytes, const char* codepage,
                                             bool keeps_ascii) {
  if (!keeps_ascii) {
    const Conversion converted = to_utf8(bytes, codepage);
    return converted ? std::nullopt : std::optional<std::size_t>(converted.error_offset);
  }
  struct Span {
    std::size_t begin;         // in bytes
    std::size_t joined_begin;  // in joined
  };
  std::vector<Span> spans;
  std::string joined;
  std::size_t pos = 0;
  while ((pos = find_non_ascii(bytes, pos)) < bytes.size()) {
    std::size_t begin = pos;
    while (begin > 0 && bytes[begin - 1] != '\r' && bytes[begin - 1] != '\n') --begin;
    std::size_t end = pos;
    while (end < bytes.size() && bytes[end] != '\r' && bytes[end] != '\n') ++end;
    if (!spans.empty()) joined += '\n';
    spans.push_back({begin, joined.size()});
    joined.append(bytes.substr(begin, end - begin));
    pos = end;
  }
  if (spans.empty()) return std::nullopt;
  const Conversion converted = to_utf8(joined, codepage);
  if (converted) return std::nullopt;
  const auto span = std::prev(std::upper_bound(
      spans.begin(), spans.end(), converted.error_offset,
      [](std::size_t offset, const Span& candidate) { return offset < candidate.joined_begin; }));
  return span->begin + (converted.error_offset - span->joined_begin);
}

void append_ascii_units(std::string& out, std::string_view units) {
  const std::size_t count = units.size() / 2;
  const std::size_t start = out.size();
  out.resize(start + count);
  // Plain pointers: a store through out[i] could alias the string itself, which stops the
  // compiler from vectorising the loop.
  char* to = out.data() + start;
  const char* from = units.data();
  for (std::size_t i = 0; i < count; ++i) to[i] = from[2 * i];
}

// UTF-16LE code units (an even number of bytes) as UTF-8. An ASCII unit becomes its byte; the
// runs of other units are converted in one iconv call, joined by a LF so that a surrogate never
// pairs across two runs (and since UTF-8 encodes non-ASCII characters without ASCII bytes, the
// LF also splits the result back into runs). On failure, error_offset is in `units`.
Conversion utf16le_to_utf8(std::string_view units) {
  struct Run {
    std::size_t begin;  // in units
    std::size_t end;
    std::size_t joined_begin;  // in joined
  };
  std::vector<Run> runs;
  std::string joined;
  std::size_t pos = 0;
  while ((pos = find_non_ascii_unit(units, pos)) < units.size()) {
    std::size_t end = pos + 2;
    while (end < units.size() && !is_ascii_unit(units, end)) end += 2;
    if (!runs.empty()) joined.append("\n\0", 2);
    runs.push_back({pos, end, joined.size()});
    joined.append(units.substr(pos, end - pos));
    pos = end;
  }
  std::string decoded;
  if (!runs.empty()) {
    Conversion converted = to_utf8(joined, "UTF-16LE");
    if (!converted) {
      const auto run = std::prev(std::upper_bound(runs.begin(), runs.end(), converted.error_offset,
                                                  [](std::size_t offset, const Run& candidate) {
                                                    return offset < candidate.joined_begin;
                                                  }));
      converted.error_offset = run->begin + (converted.error_offset - run->joined_begin);
      return converted;
    }
    decoded = std::move(converted.text);
  }
  Conversion result;
  result.ok = true;
  result.text.reserve(units.size() / 2 + decoded.size());
  std::size_t copied = 0;
  std::size_t decoded_pos = 0;
  for (const Run& run : runs) {
    append_ascii_units(result.text, units.substr(copied, run.begin - copied));
    const std::size_t decoded_end = find_byte(decoded, '\n', decoded_pos);
    result.text.append(decoded, decoded_pos, decoded_end - decoded_pos);
    decoded_pos = decoded_end + 1;
    copied = run.end;
  }
  append_ascii_units(result.text, units.substr(copied));
  return result;
}

void append_widened_ascii(std::string& out, std::string_view ascii) {
  const std::size_t start = out.size();
  out.resize(start + 2 * ascii.size());
  char* to = out.data() + start;  // plain pointers, as in append_ascii_units
  const char* from = ascii.data();
  for (std::size_t i = 0; i < ascii.size(); ++i) {
    to[2 * i] = from[i];
    to[2 * i + 1] = '\0';
  }
}

// Appends valid UTF-8 as UTF-16LE, the other way of utf16le_to_utf8: ASCII bytes are widened, the
// runs of other bytes (whole characters, since UTF-8 puts no ASCII byte inside one) are converted
// in one iconv call, joined by LFs, which split the result back into runs.
void append_utf16le(std::string& out, std::string_view utf8) {
  struct Run {
    std::size_t begin;
    std::size_t end;
  };
  std::vector<Run> runs;
  std::string joined;
  std::size_t pos = 0;
  while ((pos = find_non_ascii(utf8, pos)) < utf8.size()) {
    std::size_t end = pos + 1;
    while (end < utf8.size() && static_cast<unsigned char>(utf8[end]) >= 0x80) ++end;
    if (!runs.empty()) joined += '\n';
    runs.push_back({pos, end});
    joined.append(utf8.substr(pos, end - pos));
    pos = end;
  }
  const std::string encoded = runs.empty() ? std::string() : from_utf8(joined, "UTF-16LE").text;
  out.reserve(out.size() + 2 * utf8.size());
  std::size_t copied = 0;
  std::size_t encoded_pos = 0;
  for (const Run& run : runs) {
    append_widened_ascii(out, utf8.substr(copied, run.begin - copied));
    std::size_t unit_end = encoded_pos;
    while (unit_end + 1 < encoded.size() &&
           !(encoded[unit_end] == '\n' && encoded[unit_end + 1] == '\0')) {
      unit_end += 2;
    }
    out.append(encoded, encoded_pos, unit_end - encoded_pos);
    encoded_pos = unit_end + 2;
    copied = run.end;
  }
  append_widened_ascii(out, utf8.substr(copied));
}

// wcstoul(s, &end, 16) with Windows' 32-bit unsigned long.
struct HexNumber {
  std::uint32_t value = 0;
  std::size_t end = 0;  // where parsing stopped; the start when nothing was converted
  bool converted = false;
  bool overflow = false;
};

HexNumber parse_hex_number(std::string_view s, std::size_t start) {
  HexNumber result;
  result.end = start;
  std::size_t pos = start;
  while (pos < s.size() && is_c_space(s[pos])) ++pos;
  bool negative = false;
  if (pos < s.size() && (s[pos] == '+' || s[pos] == '-')) {
    negative = s[pos] == '-';
    ++pos;
  }
  if (pos + 2 < s.size() && s[pos] == '0' && (s[pos + 1] == 'x' || s[pos + 1] == 'X') &&
      hex_digit(s[pos + 2]) >= 0) {
    pos += 2;
  }
  std::uint64_t magnitude = 0;
  const std::size_t digits_start = pos;
  while (pos < s.size() && hex_digit(s[pos]) >= 0) {
    magnitude = magnitude * 16 + static_cast<std::uint64_t>(hex_digit(s[pos]));
    if (magnitude > 0xFFFFFFFFu) {
      result.overflow = true;
      magnitude = 0xFFFFFFFFu;
    }
    ++pos;
  }
  if (pos == digits_start) return result;
  result.converted = true;
  result.end = pos;
  const auto value = static_cast<std::uint32_t>(magnitude);
  result.value = result.overflow ? 0xFFFFFFFFu : (negative ? 0u - value : value);
  return result;
}

enum class HexStatus { Invalid, Complete, Continued };

// regproc.c convert_hex_csv_to_hex: appends the bytes of one line of comma-separated hex.
// On Continued, `rest` is where the text after the continuation backslash starts.
HexStatus parse_hex_line(std::string_view s, std::string& bytes, std::size_t& rest) {
  std::size_t pos = 0;
  while (pos < s.size()) {
    // The usual case, two digits and then a comma or the end, needs none of wcstoul's rules.
    if (pos + 1 < s.size() && hex_digit(s[pos]) >= 0 && hex_digit(s[pos + 1]) >= 0 &&
        (pos + 2 == s.size() || s[pos + 2] == ',')) {
      bytes += static_cast<char>(hex_digit(s[pos]) * 16 + hex_digit(s[pos + 1]));
      pos = std::min(pos + 3, s.size());
      continue;
    }
    const HexNumber number = parse_hex_number(s, pos);
    if (number.value > 0xFF) return HexStatus::Invalid;
    if (!number.converted) {
      const std::size_t next = skip_blanks(s, pos);
      if (next < s.size() && s[next] == '\\') {
        rest = next + 1;
        return HexStatus::Continued;
      }
      return next < s.size() && s[next] == ';' ? HexStatus::Complete : HexStatus::Invalid;
    }
    bytes += static_cast<char>(number.value);
    std::size_t end = number.end;
    if (end < s.size() && s[end] != ',') {
      end = skip_blanks(s, end);
      return end < s.size() && s[end] != ';' ? HexStatus::Invalid : HexStatus::Complete;
    }
    if (end < s.size()) ++end;
    pos = end;
  }
  return HexStatus::Complete;
}

// regproc.c convert_hex_to_dword: 1-8 hex digits, then only blanks or a ';' comment.
bool read_dword(std::string_view s, std::uint32_t& number) {
  std::size_t pos = skip_blanks(s, 0);
  if (pos == s.size()) return false;
  const std::size_t digits = pos;
  std::uint32_t value = 0;
  while (pos < s.size() && hex_digit(s[pos]) >= 0) {
    if (pos - digits == 8) return false;
    value = value * 16 + static_cast<std::uint32_t>(hex_digit(s[pos]));
    ++pos;
  }
  pos = skip_blanks(s, pos);
  if (pos < s.size() && s[pos] != ';') return false;
  number = value;
  return true;
}

// What may follow the continuation backslash: blanks and a ';' comment.
bool continuation_tail_ok(std::string_view s, std::size_t rest) {
  const std::size_t pos = skip_blanks(s, rest);
  return pos == s.size() || s[pos] == ';';
}

bool root_matches(std::string_view path, std::size_t& root_length) {
  for (std::string_view root : kRoots) {
    if (path.size() < root.size()) continue;
    if (!reg_names_equal(path.substr(0, root.size()), root)) continue;
    if (path.size() == root.size() || path[root.size()] == '\\') {
      root_length = root.size();
      return true;
    }
  }
  return false;
}

bool is_ancestor_path(std::string_view ancestor, std::string_view path) {
  return path.size() > ancestor.size() && path[ancestor.size()] == '\\' &&
         reg_names_equal(path.substr(0, ancestor.size()), ancestor);
}

// regedit escapes backslash, quote, CR and LF in names and string data.
std::string escape_reg_string(std::string_view utf8) {
  std::string out;
  for (char c : utf8) {
    switch (c) {
      case '\\':
        out += "\\\\";
        break;
      case '"':
        out += "\\\"";
        break;
      case '\r':
        out += "\\r";
        break;
      case '\n':
        out += "\\n";
        break;
      default:
        out += c;
    }
  }
  return out;
}

// Line widths in regedit's export are counted in UTF-16 code units.
std::size_t utf16_length(std::string_view utf8) {
  std::size_t units = 0;
  for (char c : utf8) {
    const auto byte = static_cast<unsigned char>(c);
    if ((byte & 0xC0) != 0x80) ++units;
    if (byte >= 0xF0) ++units;
  }
  return units;
}

}  // namespace

RegValue RegValue::string(std::string name, std::string utf8) {
  RegValue value;
  value.name = std::move(name);
  value.kind = RegDataKind::String;
  value.type = kRegSz;
  value.text = std::move(utf8);
  return value;
}

RegValue RegValue::dword_value(std::string name, std::uint32_t number) {
  RegValue value;
  value.name = std::move(name);
  value.kind = RegDataKind::Dword;
  value.type = kRegDword;
  value.dword = number;
  return value;
}

RegValue RegValue::binary(std::string name, std::string data, std::uint32_t type) {
  RegValue value;
  value.name = std::move(name);
  value.kind = RegDataKind::Hex;
  value.type = type;
  value.bytes = std::move(data);
  return value;
}

namespace {

// Whether the code page reads every ASCII byte as that ASCII character (nullopt when iconv does
// not know it). The Windows ANSI code pages do, so the parser can leave ASCII text as it is;
// for one that does not (glibc's SHIFT_JIS reads '\' as a yen sign, ISO-2022-JP has escape
// sequences) every text goes through iconv.
std::optional<bool> keeps_ascii(const char* codepage) {
  if (!to_utf8("", codepage)) return std::nullopt;
  std::string ascii(0x80, '\0');
  for (std::size_t c = 0; c < ascii.size(); ++c) ascii[c] = static_cast<char>(c);
  const Conversion converted = to_utf8(ascii, codepage);
  return converted && converted.text == ascii;
}

// Reads the lines of a document into entries, following regproc.c's import state machine.
// Reading a whole file, it decodes only the key paths (a value is decoded when it is asked for:
// RegFile::value); reading one entry's lines (read_value_lines), it decodes the value.
class EntryReader {
  enum class TextField { KeyPath, ValueName, ValueText };

  // An ANSI text that waits to be decoded, and where to report it when it cannot be.
  struct PendingText {
    std::size_t entry;
    TextField field;
    std::size_t begin;  // in pending_bytes_
    std::size_t line_number;
    std::size_t column;
    const char* error;
  };

 public:
  EntryReader(std::string_view text, const std::array<bool, 256>& lead_bytes, RegEncoding encoding,
              const std::string& codepage, bool keeps_ascii, bool decode_values = false)
      : decode_values_(decode_values),
        text_(text),
        lead_bytes_(lead_bytes),
        encoding_(encoding),
        codepage_(codepage),
        keeps_ascii_(keeps_ascii),
        lines_(split_lines(text)),
        unescape_stops_(lead_bytes) {
    unescape_stops_[static_cast<unsigned char>('"')] = true;
    unescape_stops_[static_cast<unsigned char>('\\')] = true;
  }

  ParseResult read(std::vector<RegEntry>& entries,
                   std::unordered_map<std::uint32_t, std::string>& decoded_key_paths,
                   std::vector<std::uint32_t>& line_checkpoints, int& version) {
    if (lines_.empty()) return ParseResult::failure(1, 1, "empty file: " + expected_header());
    std::string_view header = line(0);
    header.remove_prefix(skip_blanks(header, 0));
    if (header == kHeader4) {
      version = 4;
    } else if (header == kHeader5) {
      version = 5;
    } else {
      return ParseResult::failure(1, 1, expected_header());
    }
    // A line makes at most one entry.
    entries_.reserve(lines_.size());
    push(RegLineKind::Header, 0, 0);
    std::size_t index = 1;
    while (index < lines_.size()) {
      ParseResult result = read_line(index);
      if (!result) return result;
    }
    if (ends_in_cut_line()) {
      return stop(ParseResult::failure(lines_.size(), 0,
                                       "the file ends in the middle of this line, without a "
                                       "line ending: the export looks cut short"));
    }
    if (ParseResult decoded = decode_pending(); !decoded) return decoded;
    entries = std::move(entries_);
    decoded_key_paths = std::move(decoded_key_paths_);
    line_checkpoints = std::move(line_checkpoints_);
    return ParseResult::success();
  }

  // The value the lines of one entry hold, read as inside a key; false when they are not
  // exactly one complete value (or deletion: then only the name is set).
  bool read_value_lines(RegValue& value, RegLineKind& kind) {
    if (lines_.empty()) return false;
    section_ = 0;
    std::size_t index = 0;
    if (!read_line(index) || !decode_pending() || index != lines_.size()) return false;
    kind = entries_.back().kind;
    value = std::move(value_);
    return true;
  }

 private:
  static std::string expected_header() {
    return "expected the header \"REGEDIT4\" or \"Windows Registry Editor Version 5.00\" on the "
           "first line";
  }

  // (One entry's lines end without their line ending.)
  bool is_unterminated_last(std::size_t index) const {
    return !decode_values_ && index + 1 == lines_.size() &&
           lines_[index].end == lines_[index].content_end;
  }

  // A last line without a line ending that regedit cannot read and that begins like a key or
  // value (an unclosed quote or bracket, a name without data): a copy cut short in mid-line.
  // Any complete line may lack the final line ending.
  // (The entries cover every line, so the last one ends on the last line.)
  bool ends_in_cut_line() const {
    const std::size_t last = lines_.size() - 1;
    if (entries_.back().kind != RegLineKind::Opaque || !is_unterminated_last(last)) return false;
    const std::string_view s = line(last);
    const std::size_t pos = skip_blanks(s, 0);
    if (pos == s.size()) return false;
    if (s[pos] == '"' || s[pos] == '@') return true;
    return s[pos] == '[' && s.find(']', pos) == std::string_view::npos;
  }

  std::string_view line(std::size_t index) const {
    return text_.substr(lines_[index].begin, lines_[index].content_end - lines_[index].begin);
  }

  std::size_t char_length(std::string_view s, std::size_t pos) const {
    return lead_bytes_[static_cast<unsigned char>(s[pos])] && pos + 1 < s.size() ? 2 : 1;
  }

  RegEntry& push(RegLineKind kind, std::size_t first, std::size_t last) {
    // (One entry's lines need no line numbers.)
    if (!decode_values_ && entries_.size() % RegFile::kLineCheckpointStride == 0) {
      line_checkpoints_.push_back(static_cast<std::uint32_t>(first + 1));
    }
    RegEntry& entry = entries_.emplace_back();
    entry.kind = kind;
    entry.begin = static_cast<std::uint32_t>(lines_[first].begin);
    entry.section = static_cast<std::uint32_t>(section_);
    end_at(entry, last);
    return entry;
  }

  void end_at(RegEntry& entry, std::size_t last) const {
    entry.content_end = static_cast<std::uint32_t>(lines_[last].content_end);
  }

  // Sets a text field of the newest entry to `raw` in UTF-8. A UTF-16 file's text and ASCII
  // are UTF-8 already; other ANSI text waits in pending_ to be decoded with the rest in one
  // iconv call (iconv_open per text would cost more than all the parsing).
  void decode(std::string_view raw, TextField field, std::size_t line_number, std::size_t column,
              const char* error) {
    if (field != TextField::KeyPath && !decode_values_) return;
    if (encoding_ == RegEncoding::Utf16Le || (keeps_ascii_ && is_ascii(raw))) {
      // A key path that reads as written is looked up where it stands.
      if (field == TextField::KeyPath) {
        entries_.back().name_as_written = true;
      } else {
        text_field(entries_.size() - 1, field).assign(raw);
      }
      return;
    }
    pending_.push_back(
        {entries_.size() - 1, field, pending_bytes_.size(), line_number, column, error});
    pending_bytes_.append(raw);
    pending_bytes_ += '\0';
  }

  std::string& text_field(std::size_t entry, TextField field) {
    switch (field) {
      case TextField::KeyPath:
        return decoded_key_paths_[static_cast<std::uint32_t>(entry)];
      case TextField::ValueName:
        return value_.name;
      case TextField::ValueText:
        break;
    }
    return value_.text;
  }

  // Decodes the waiting texts into their entries; the first undecodable one is the error.
  ParseResult decode_pending() {
    if (pending_.empty()) return ParseResult::success();
    const Conversion decoded = to_utf8(pending_bytes_, codepage_.c_str());
    if (!decoded) {
      const auto failed = std::prev(std::upper_bound(
          pending_.begin(), pending_.end(), decoded.error_offset,
          [](std::size_t offset, const PendingText& text) { return offset < text.begin; }));
      return ParseResult::failure(failed->line_number, failed->column, failed->error);
    }
    std::size_t pos = 0;
    for (const PendingText& text : pending_) {
      const std::size_t end = find_byte(decoded.text, '\0', pos);
      RegEntry& entry = entries_[text.entry];
      // A value line that became opaque keeps no value.
      const bool kept = text.field == TextField::KeyPath || entry.kind == RegLineKind::Value ||
                        entry.kind == RegLineKind::ValueDeletion;
      if (kept) text_field(text.entry, text.field).assign(decoded.text, pos, end - pos);
      pos = end + 1;
    }
    pending_.clear();
    pending_bytes_.clear();
    return ParseResult::success();
  }

  // An error found while reading: a text still waiting to be decoded is earlier in the file,
  // so its error comes first.
  ParseResult stop(ParseResult error) {
    if (ParseResult decoded = decode_pending(); !decoded) return decoded;
    return error;
  }

  // regproc.c REGPROC_unescape_string: the text from `pos` up to the first unescaped quote, and
  // `after` that quote; false when there is none. The text is a view of `s` when it holds no
  // escape (the usual case, which copies nothing), else of `out`.
  bool unescape(std::string_view s, std::size_t pos, std::string& out, std::string_view& text,
                std::size_t& after) const {
    const std::size_t start = pos;
    while (pos < s.size()) {
      const char c = s[pos];
      if (!unescape_stops_[static_cast<unsigned char>(c)]) {
        ++pos;
      } else if (c == '"' || c == '\\') {
        break;
      } else {
        pos += char_length(s, pos);
      }
    }
    if (pos < s.size() && s[pos] == '"') {
      text = s.substr(start, pos - start);
      after = pos + 1;
      return true;
    }
    out.clear();
    std::size_t plain = start;  // start of the bytes not copied to `out` yet
    while (pos < s.size()) {
      const char c = s[pos];
      if (c != '"' && c != '\\') {
        pos += char_length(s, pos);
        continue;
      }
      out.append(s.substr(plain, pos - plain));
      if (c == '"') {
        text = out;
        after = pos + 1;
        return true;
      }
      ++pos;
      if (pos == s.size()) return false;
      const char escaped = s[pos];
      if (escaped == '0') return false;
      if (escaped == 'n') {
        out += '\n';
      } else if (escaped == 'r') {
        out += '\r';
      } else {
        // \\ and \" give the character; any other escape keeps the character (with a warning).
        out.append(s.substr(pos, char_length(s, pos)));
      }
      pos += char_length(s, pos);
      plain = pos;
    }
    return false;
  }

  ParseResult read_line(std::size_t& index) {
    const std::string_view s = line(index);
    const std::size_t pos = skip_blanks(s, 0);
    if (pos == s.size()) {
      push(RegLineKind::Blank, index, index);
    } else if (s[pos] == ';') {
      push(RegLineKind::Comment, index, index);
    } else if (s[pos] == '[') {
      return read_key_line(index, s, pos + 1);
    } else if (s[pos] == '@') {
      return read_value(index, s, pos + 1, "", pos);
    } else if (s[pos] == '"') {
      std::string_view raw_name;
      std::size_t after = 0;
      if (!unescape(s, pos + 1, raw_name_, raw_name, after)) {
        push(RegLineKind::Opaque, index, index);
      } else {
        // A name without escapes is a view of the line.
        const bool as_written = raw_name.data() != raw_name_.data();
        return read_value(index, s, after, raw_name, as_written ? pos + 1 : std::string_view::npos);
      }
    } else {
      push(RegLineKind::Opaque, index, index);
    }
    ++index;
    return ParseResult::success();
  }

  ParseResult read_key_line(std::size_t& index, std::string_view s, std::size_t start) {
    const std::size_t current = index++;
    // "[ HKEY" and a line without ']' are ignored and leave the open key as it was.
    if (start == s.size() || is_blank(s[start])) {
      push(RegLineKind::Opaque, current, current);
      return ParseResult::success();
    }
    std::size_t close = std::string_view::npos;
    for (std::size_t pos = start; pos < s.size(); pos += char_length(s, pos)) {
      if (s[pos] == ']') close = pos;
    }
    if (close == std::string_view::npos) {
      push(RegLineKind::Opaque, current, current);
      return ParseResult::success();
    }
    const std::string_view raw_path = s.substr(start, close - start);
    std::size_t root_length = 0;
    if (raw_path.starts_with('-')) {
      section_ = RegEntry::npos;
      const std::string_view target = raw_path.substr(1);
      if (target.empty() || (target[0] != 'H' && target[0] != 'h')) {
        push(RegLineKind::Opaque, current, current);
        return ParseResult::success();
      }
      if (!root_matches(target, root_length) || root_length + 1 >= target.size()) {
        return stop(ParseResult::failure(current + 1, start + 2,
                                         "regedit stops importing at this key deletion: it needs "
                                         "a key below HKEY_CURRENT_USER, HKEY_LOCAL_MACHINE, ..."));
      }
      return push_key(RegLineKind::KeyDeletion, current, target, start + 2);
    }
    if (!root_matches(raw_path, root_length)) {
      // regedit closes the open key and cannot open this one: values after it are dropped.
      section_ = RegEntry::npos;
      push(RegLineKind::Opaque, current, current);
      return ParseResult::success();
    }
    section_ = entries_.size();
    return push_key(RegLineKind::Key, current, raw_path, start + 1);
  }

  ParseResult push_key(RegLineKind kind, std::size_t line_index, std::string_view raw_path,
                       std::size_t column) {
    RegEntry& entry = push(kind, line_index, line_index);
    if (!entry.set_name_span(static_cast<std::size_t>(raw_path.data() - text_.data()),
                             raw_path.size())) {
      return stop(ParseResult::failure(line_index + 1, column,
                                       "a key line longer than mailmig reads (65,535 bytes to "
                                       "the end of the key's path; Windows allows far less)"));
    }
    decode(raw_path, TextField::KeyPath, line_index + 1, column, "undecodable key name");
    return ParseResult::success();
  }

  // After the value name: `= data`, a deletion, or something regedit ignores. `name_at` is
  // where the name stands in `s` as it is (npos when it is written with escapes).
  ParseResult read_value(std::size_t& index, std::string_view s, std::size_t pos,
                         std::string_view raw_name, std::size_t name_at) {
    const std::size_t first = index;
    pos = skip_blanks(s, pos);
    if (pos == s.size() || s[pos] != '=') {
      push(RegLineKind::Opaque, first, first);
      ++index;
      return ParseResult::success();
    }
    pos = skip_blanks(s, pos + 1);
    const std::string_view data = trim_trailing_blanks(s.substr(pos));
    // The entry is filled in place; its kind and last line are known at the end.
    RegEntry& entry = push(RegLineKind::Opaque, first, first);
    // The name is looked up where it stands in the text when it is its own UTF-8 spelling.
    if (name_at != std::string_view::npos &&
        (encoding_ == RegEncoding::Utf16Le || (keeps_ascii_ && is_ascii(raw_name)))) {
      entry.name_as_written = entry.set_name_span(lines_[first].begin + name_at, raw_name.size());
    }
    RegValue& value = value_;
    value.kind = RegDataKind::String;
    value.type = kRegSz;
    value.dword = 0;
    value.bytes.clear();
    decode(raw_name, TextField::ValueName, first + 1, 1, "undecodable value name");

    RegLineKind kind = RegLineKind::Opaque;
    std::size_t last = first;
    if (data.starts_with('-')) {
      const std::size_t rest = skip_blanks(data, 1);
      if (rest == data.size() || data[rest] == ';') kind = RegLineKind::ValueDeletion;
    } else if (data.starts_with('"')) {
      std::string_view raw_text;
      std::size_t after = 0;
      if (unescape(data, 1, raw_text_, raw_text, after)) {
        after = skip_blanks(data, after);
        if (after == data.size() || data[after] == ';') {
          decode(raw_text, TextField::ValueText, first + 1, pos + 1, "undecodable string");
          kind = RegLineKind::Value;
        }
      }
    } else if (data.starts_with("dword:")) {
      if (read_dword(data.substr(6), value.dword)) {
        value.kind = RegDataKind::Dword;
        value.type = kRegDword;
        kind = RegLineKind::Value;
      }
    } else if (data.starts_with("hex:") || data.starts_with("hex(")) {
      std::size_t data_start = 4;
      bool type_ok = true;
      value.type = kRegBinary;
      if (data[3] == '(') {
        const std::string_view type_text = data.substr(4);
        const HexNumber type = parse_hex_number(type_text, 0);
        type_ok = !type_text.empty() &&
                  !(type_text.size() > 1 && ascii_lower(type_text[1]) == 'x') &&
                  type.end + 1 < type_text.size() && type_text[type.end] == ')' &&
                  type_text[type.end + 1] == ':' && !type.overflow;
        value.type = type.value;
        data_start = 4 + type.end + 2;
      }
      if (type_ok) {
        value.kind = RegDataKind::Hex;
        kind = read_hex(data.substr(data_start), value.bytes, last);
      }
    }
    if (continued_past_end_) {
      return stop(ParseResult::failure(last + 1, 0,
                                       "the file ends inside a hex value continued with ',\\' "
                                       "on this line: the export looks cut short"));
    }
    if (kind == RegLineKind::Value || kind == RegLineKind::ValueDeletion) {
      // Without an open key regedit has nowhere to put the value.
      if (section_ == RegEntry::npos) kind = RegLineKind::Opaque;
    }
    if (kind == RegLineKind::Value && value.kind == RegDataKind::Hex &&
        is_unterminated_last(last) && ends_mid_hex(line(last))) {
      return stop(ParseResult::failure(last + 1, 0,
                                       "the file ends in the middle of this value, without a "
                                       "line ending: the export looks cut short"));
    }
    entry.kind = kind;
    entry.data_kind = value.kind;
    end_at(entry, last);
    if (kind != RegLineKind::Value && kind != RegLineKind::ValueDeletion) {
      entry.name_as_written = false;
    }
    index = last + 1;
    return ParseResult::success();
  }

  // A hex line that stops after a comma or after the first digit of a byte: regedit never ends
  // a line so, but a copy cut short does.
  static bool ends_mid_hex(std::string_view s) {
    if (s.find(';') != std::string_view::npos) return false;
    s = trim_trailing_blanks(s);
    if (s.empty() || s.back() == ',') return true;
    return s.size() >= 2 && hex_digit(s.back()) >= 0 && !(hex_digit(s[s.size() - 2]) >= 0);
  }

  // Hex data with its continuation lines. Sets `last` to the last line that belongs to the
  // value; a line that breaks a continuation is swallowed with it, as regedit does.
  RegLineKind read_hex(std::string_view first_data, std::string& bytes, std::size_t& last) {
    if (first_data.empty()) return RegLineKind::Value;
    std::size_t rest = 0;
    HexStatus status = parse_hex_line(first_data, bytes, rest);
    if (status == HexStatus::Continued && !continuation_tail_ok(first_data, rest)) {
      status = HexStatus::Invalid;
    }
    std::size_t next = last + 1;
    while (status == HexStatus::Continued) {
      if (next == lines_.size()) {
        continued_past_end_ = true;
        return RegLineKind::Opaque;
      }
      const std::string_view s = line(next);
      const std::size_t pos = skip_blanks(s, 0);
      if (pos == s.size() || s[pos] == ';') {
        ++next;
        continue;
      }
      last = next;
      ++next;
      if (hex_digit(s[pos]) < 0) return RegLineKind::Opaque;
      const std::string_view data = s.substr(pos);
      status = parse_hex_line(data, bytes, rest);
      if (status == HexStatus::Continued && !continuation_tail_ok(data, rest)) {
        status = HexStatus::Invalid;
      }
    }
    return status == HexStatus::Complete ? RegLineKind::Value : RegLineKind::Opaque;
  }

  bool decode_values_;
  RegValue value_;  // the value being read (decoded only when decode_values_)
  std::string_view text_;
  const std::array<bool, 256>& lead_bytes_;
  RegEncoding encoding_;
  const std::string& codepage_;
  bool keeps_ascii_;
  std::vector<Line> lines_;
  std::array<bool, 256> unescape_stops_;  // lead bytes, the quote and the backslash
  std::vector<RegEntry> entries_;
  std::unordered_map<std::uint32_t, std::string> decoded_key_paths_;  // RegFile's
  std::vector<std::uint32_t> line_checkpoints_;                       // RegFile's
  std::size_t section_ = RegEntry::npos;
  bool continued_past_end_ = false;  // a hex value's continuation found the end of the file
  // Texts with escapes are unescaped into these, reused for every line.
  std::string raw_name_;
  std::string raw_text_;
  std::vector<PendingText> pending_;
  std::string pending_bytes_;  // the waiting texts, each followed by a NUL (which none holds)
};

}  // namespace

ParseResult RegFile::parse(std::string_view bytes, RegFile& out, const char* ansi_codepage) {
  return parse(bytes, nullptr, out, ansi_codepage);
}

ParseResult RegFile::parse_owned(std::string bytes, RegFile& out, const char* ansi_codepage) {
  return parse(bytes, &bytes, out, ansi_codepage);
}

ParseResult RegFile::parse(std::string_view bytes, std::string* owned, RegFile& out,
                           const char* ansi_codepage) {
  RegFile file;
  file.codepage_ = ansi_codepage;
  const std::optional<bool> ascii_kept = keeps_ascii(ansi_codepage);
  if (!ascii_kept) {
    return ParseResult::failure(0, 0, "unknown ANSI code page \"" + file.codepage_ + "\"");
  }
  file.keeps_ascii_ = *ascii_kept;
  if (bytes.starts_with(kUtf16Bom)) {
    file.encoding_ = RegEncoding::Utf16Le;
    const std::string_view units = bytes.substr(2);
    if (units.size() % 2 != 0) {
      return failure_at_utf16_offset(units, units.size(),
                                     "the UTF-16 file ends in the middle of a character (odd "
                                     "number of bytes)");
    }
    Conversion decoded = utf16le_to_utf8(units);
    if (!decoded) {
      return failure_at_utf16_offset(units, decoded.error_offset,
                                     "invalid UTF-16 text (an unpaired surrogate)");
    }
    file.text_ = std::move(decoded.text);
  } else {
    file.encoding_ = RegEncoding::Ansi;
    file.lead_bytes_ = lead_bytes_of(file.codepage_);
    if (const auto invalid = find_invalid_ansi(bytes, ansi_codepage, file.keeps_ascii_)) {
      std::string message = "the file ends in the middle of a " + file.codepage_ + " character";
      const bool lead_byte_at_end = *invalid + 1 == bytes.size() &&
                                    file.lead_bytes_[static_cast<unsigned char>(bytes[*invalid])];
      if (*invalid < bytes.size() && !lead_byte_at_end) {
        char byte_text[8];
        std::snprintf(byte_text, sizeof byte_text, "0x%02X",
                      static_cast<unsigned char>(bytes[*invalid]));
        message = std::string("byte ") + byte_text + " is not valid " + file.codepage_ + " text";
      }
      return failure_at_offset(bytes, *invalid, message);
    }
    // `bytes` is not read again: the owned string's buffer becomes the text.
    file.text_ = owned ? std::move(*owned) : std::string(bytes);
  }
  // Entries keep 32-bit offsets and line numbers.
  if (file.text_.size() >= std::numeric_limits<std::uint32_t>::max()) {
    return ParseResult::failure(0, 0, "the text is 4 GiB or more, which mailmig does not read");
  }
  if (const std::size_t nul = file.text_.find('\0'); nul != std::string::npos) {
    return failure_at_offset(file.text_, nul,
                             "a NUL character, which ends regedit's reading of the line");
  }
  if (const std::size_t brk = file.text_.find_first_of("\r\n"); brk != std::string::npos) {
    const bool crlf =
        file.text_[brk] == '\r' && brk + 1 < file.text_.size() && file.text_[brk + 1] == '\n';
    file.line_ending_ = crlf ? "\r\n" : std::string(1, file.text_[brk]);
  }
  ParseResult result;
  {
    // The reader's lines are let go before the index is built: a large file's peak is lower.
    EntryReader reader(file.text_, file.lead_bytes_, file.encoding_, file.codepage_,
                       file.keeps_ascii_);
    result =
        reader.read(file.entries_, file.decoded_key_paths_, file.line_checkpoints_, file.version_);
  }
  if (!result) return result;
  file.build_index();
  out = std::move(file);
  return result;
}

namespace {

// Eight bytes with their ASCII capitals made small (Windows compares paths so), each byte
// apart without a branch: a byte is a capital when it is below 0x80 and in 'A'..'Z'.
std::uint64_t fold_ascii_capitals(std::uint64_t word) {
  constexpr std::uint64_t kOnes = 0x0101010101010101u;
  constexpr std::uint64_t kHighBits = 0x8080808080808080u;
  const std::uint64_t low_bits = word & ~kHighBits;
  const std::uint64_t from_a = low_bits + (0x80 - 'A') * kOnes;      // high bit: >= 'A'
  const std::uint64_t past_z = low_bits + (0x80 - 'Z' - 1) * kOnes;  // high bit: > 'Z'
  const std::uint64_t capitals = from_a & ~past_z & ~word & kHighBits;
  return word | (capitals >> 2);  // 0x80 >> 2 is the 0x20 that makes a capital small
}

// A seed of this process: a file cannot be made whose key paths all share one hash, which would
// make every look-up in the key index walk all of them, without knowing it.
std::uint64_t process_seed() {
  static const std::uint64_t seed = [] {
    std::uint64_t value =
        static_cast<std::uint64_t>(std::chrono::steady_clock::now().time_since_epoch().count());
    try {
      value ^= static_cast<std::uint64_t>(std::random_device{}()) << 32;
    } catch (const std::exception&) {
      // No source of randomness: the clock alone still differs from run to run.
    }
    return value * 0x9E3779B97F4A7C15u;
  }();
  return seed;
}

}  // namespace

std::uint64_t RegFile::path_hash(std::string_view path) {
  // Eight bytes at a time, capitals folded, so that two spellings of a path that differ in ASCII
  // case give the same hash, and paths that differ otherwise almost never do.
  constexpr std::uint64_t kMultiplier = 0x9E3779B97F4A7C15u;
  std::uint64_t hash = process_seed() ^ path.size();
  std::size_t pos = 0;
  for (std::uint64_t word = 0; pos + sizeof word <= path.size(); pos += sizeof word) {
    std::memcpy(&word, path.data() + pos, sizeof word);
    hash = (hash ^ fold_ascii_capitals(word)) * kMultiplier;
    hash ^= hash >> 29;
  }
  std::uint64_t tail = 0;
  std::memcpy(&tail, path.data() + pos, path.size() - pos);
  hash = (hash ^ fold_ascii_capitals(tail)) * kMultiplier;
  return hash ^ (hash >> 32);
}

const RegEntry& RegFile::entry_at(std::size_t index) const {
  return index < entries_.size() ? entries_[index] : added_[index - entries_.size()];
}

RegEntry& RegFile::entry_at(std::size_t index) {
  return index < entries_.size() ? entries_[index] : added_[index - entries_.size()];
}

namespace {

bool is_value_kind(RegLineKind kind) {
  return kind == RegLineKind::Value || kind == RegLineKind::ValueDeletion;
}

}  // namespace

void RegFile::build_index() {
  key_sections_.reserve(static_cast<std::size_t>(
      std::count_if(entries_.begin(), entries_.end(),
                    [](const RegEntry& entry) { return entry.kind == RegLineKind::Key; })));
  for (std::size_t i = 0; i < entries_.size(); ++i) {
    if (entries_[i].kind == RegLineKind::Key) {
      const std::string_view path = key_path(entries_[i]);
      key_sections_.add(path_hash(path), static_cast<std::uint32_t>(i), [&](std::uint32_t first) {
        return reg_names_equal(key_path(entries_[first]), path);
      });
    } else if (entries_[i].kind == RegLineKind::KeyDeletion) {
      key_deletions_.push_back(i);
    }
  }
}

std::string_view RegFile::key_path(const RegEntry& entry) const {
  if (entry.name_as_written) return raw_key_path(entry);
  const auto index = static_cast<std::uint32_t>(&entry - entries_.data());
  return decoded_key_paths_.at(index);
}

std::uint32_t RegFile::entry_end(const RegEntry& entry) const {
  const auto index = static_cast<std::size_t>(&entry - entries_.data());
  return index + 1 < entries_.size() ? entries_[index + 1].begin
                                     : static_cast<std::uint32_t>(text_.size());
}

namespace {

// The line endings in `s`, which starts a line: CRLF, LF or a lone CR (split_lines), so each CR
// and each LF not after a CR.
std::uint32_t count_line_endings(std::string_view s) {
  std::uint32_t count = 0;
  for (std::size_t i = 0; i < s.size(); ++i) {
    if (s[i] == '\r' || (s[i] == '\n' && (i == 0 || s[i - 1] != '\r'))) ++count;
  }
  return count;
}

}  // namespace

std::uint32_t RegFile::first_line(const RegEntry& entry) const {
  if (const AddedLine* added = added_line(entry)) return last_line(entries_[added->anchor]);
  // Counted from the nearest checkpoint before the entry: a few kilobytes of text at most.
  const auto index = static_cast<std::size_t>(&entry - entries_.data());
  const std::size_t checkpoint = index / kLineCheckpointStride;
  const std::uint32_t from = entries_[checkpoint * kLineCheckpointStride].begin;
  return line_checkpoints_[checkpoint] +
         count_line_endings(std::string_view(text_).substr(from, entry.begin - from));
}

std::uint32_t RegFile::last_line(const RegEntry& entry) const {
  if (!was_parsed(entry)) return first_line(entry);
  return first_line(entry) + count_line_endings(parsed_content(entry));
}

std::uint32_t RegFile::data_begin(const RegEntry& entry) const {
  const std::string_view line = parsed_content(entry);
  std::size_t pos = 0;
  if (entry.name_as_written) {
    // After the closing quote (after the '@' of the default value, whose name is empty).
    pos = entry.name_span.offset + entry.name_span.size + 1;
  } else if (pos = skip_blanks(line, 0) + 1; line[pos - 1] == '"') {
    // A name with escapes or bytes to decode: to its closing quote, stepping over escapes and
    // double-byte characters as the reader does.
    while (pos < line.size() && line[pos] != '"') {
      if (line[pos] == '\\') ++pos;
      if (pos < line.size()) {
        const bool lead = lead_bytes_[static_cast<unsigned char>(line[pos])];
        pos += lead && pos + 1 < line.size() ? 2 : 1;
      }
    }
    ++pos;
  }
  pos = skip_blanks(line, pos) + 1;  // the '='
  return entry.begin + static_cast<std::uint32_t>(skip_blanks(line, pos));
}

const RegFile::AddedLine* RegFile::added_line(const RegEntry& entry) const {
  return was_parsed(entry) ? nullptr : &added_lines_[entry.added_index];
}

std::size_t RegFile::next_added(std::size_t index) const {
  if (index >= entries_.size()) return added_lines_[index - entries_.size()].next_added;
  const auto found = first_added_after_.find(static_cast<std::uint32_t>(index));
  return found == first_added_after_.end() ? RegEntry::npos : found->second;
}

void RegFile::set_next_added(std::size_t index, std::size_t added) {
  if (index >= entries_.size()) {
    added_lines_[index - entries_.size()].next_added = static_cast<std::uint32_t>(added);
  } else {
    first_added_after_[static_cast<std::uint32_t>(index)] = static_cast<std::uint32_t>(added);
  }
}

template <typename Visit>
void RegFile::for_each_in_section(std::size_t key, Visit visit) const {
  for (std::size_t i = key; i < entries_.size() && (i == key || entries_[i].section == key); ++i) {
    if (i != key) visit(i);
    if (first_added_after_.empty()) continue;  // no lookup per entry until a value is added
    for (std::size_t added = next_added(i); added != RegEntry::npos; added = next_added(added)) {
      visit(added);
    }
  }
}

std::string RegFile::encode_text(std::string_view text) const {
  if (encoding_ == RegEncoding::Ansi) return std::string(text);
  // The text is valid UTF-8 (decoded from the file or checked when edited), so this converts.
  std::string bytes(kUtf16Bom);
  append_utf16le(bytes, text);
  return bytes;
}

std::string RegFile::serialize() const {
  std::string text = editor_.apply(text_);
  return encoding_ == RegEncoding::Ansi ? text : encode_text(text);
}

std::string_view RegFile::entry_content(const RegEntry& entry) const {
  if (const AddedLine* added = added_line(entry)) return added->content;
  const std::optional<std::string_view> replaced = replacement(entry);
  return replaced ? *replaced : parsed_content(entry);
}

std::string_view RegFile::parsed_content(const RegEntry& entry) const {
  return std::string_view(text_).substr(entry.begin, entry.content_end - entry.begin);
}

std::vector<const RegEntry*> RegFile::edited_entries() const {
  std::vector<const RegEntry*> entries;
  entries.reserve(edited_.size());
  for (const std::uint32_t index : edited_) entries.push_back(&entry_at(index));
  return entries;
}

bool RegFile::changed() const { return editor_.changes(text_); }

bool RegFile::was_parsed(const RegEntry& entry) const {
  const std::less<const RegEntry*> before;
  return !entries_.empty() && !before(&entry, entries_.data()) &&
         before(&entry, entries_.data() + entries_.size());
}

void RegFile::rebuild_insertion(std::size_t anchor) {
  const RegEntry& parsed = entries_[anchor];
  // After the anchor's line ending; after a last line without one, the added lines bring the
  // ending before each of them, and the last one ends the file without one as the input did.
  const std::uint32_t end = entry_end(parsed);
  const bool has_ending = end != parsed.content_end;
  std::string lines;
  for (std::size_t added = next_added(anchor); added != RegEntry::npos; added = next_added(added)) {
    if (!has_ending) lines += line_ending_;
    lines += added_lines_[added - entries_.size()].content;
    if (has_ending) lines += line_ending_;
  }
  editor_.replace(has_ending ? end : parsed.content_end, 0, lines);
}

std::vector<std::string> RegFile::key_paths() const {
  return key_paths([](std::string_view) { return true; });
}

const RegEntry* RegFile::find_entry(std::string_view key_path, std::string_view name) const {
  return find_entry(key_path, name, true);
}

const RegEntry* RegFile::find_parsed_entry(std::string_view key_path, std::string_view name) const {
  return find_entry(key_path, name, false);
}

// The last setting or deletion of the value, as regedit imports the file from top to bottom:
// in the key's sections, or a later deletion of the key or of a key above it.
const RegEntry* RegFile::find_entry(std::string_view key_path, std::string_view name,
                                    bool with_edits) const {
  const std::size_t index = find_index(key_path, name, with_edits);
  return index == RegEntry::npos ? nullptr : &entry_at(index);
}

RegKeyIndex::Sections RegFile::find_sections(std::string_view key_path) const {
  return key_sections_.find(path_hash(key_path), [&](std::uint32_t first) {
    return reg_names_equal(this->key_path(entries_[first]), key_path);
  });
}

RegKeyIndex::Sections RegFile::sections_of(std::string_view key_path) const {
  if (last_index_ != &key_sections_ || last_path_ != key_path) {
    const RegKeyIndex::Sections found = find_sections(key_path);
    if (found.empty()) return {};
    last_index_ = &key_sections_;
    last_path_.assign(key_path);
    last_sections_ = found;
  }
  return last_sections_;
}

std::optional<std::string_view> RegFile::replacement(const RegEntry& entry) const {
  // Only set_value and delete_value replace a parsed entry's lines, and they mark it edited.
  if (!entry.edited) return std::nullopt;
  return editor_.replacement(entry.begin, entry.content_end - entry.begin);
}

// Inline: a look-up asks it of every entry of the key, and only this file calls it.
inline bool RegFile::is_value_named(std::size_t index, std::string_view name) const {
  if (index >= entries_.size()) {
    return reg_names_equal(added_lines_[index - entries_.size()].name, name);
  }
  const RegEntry& entry = entries_[index];
  if (!is_value_kind(entry.kind)) return false;
  // The usual case, without a call: the name as written, compared where it stands (an edit
  // keeps it, but for its case, which the comparison ignores).
  if (entry.name_as_written) {
    return entry.name_size() == name.size() &&
           reg_names_equal(std::string_view(text_).substr(entry.name_begin(), name.size()), name);
  }
  return has_decoded_name(entry, name);
}

bool RegFile::has_decoded_name(const RegEntry& entry, std::string_view name) const {
  return reg_names_equal(value(entry).name, name);
}

std::size_t RegFile::find_index(std::string_view key_path, std::string_view name,
                                bool with_edits) const {
  std::size_t found = RegEntry::npos;
  std::size_t found_section = 0;
  // A key's sections are short and their entries lie together: a walk reads a few cache
  // lines, where a table of every value costs a cache miss a look-up (measured slower).
  for (const std::size_t key : sections_of(key_path)) {
    for_each_in_section(key, [&](std::size_t i) {
      if (!with_edits && i >= entries_.size()) return;
      if (is_value_named(i, name)) {
        found = i;
        found_section = key;
      }
    });
  }
  // A section ends before any key line, so a deletion after the section's key is after it.
  // Newest first (not std::views::reverse: clang-tidy 14 cannot compile it with libstdc++ 12).
  // NOLINTNEXTLINE(modernize-loop-convert)
  for (auto deletion = key_deletions_.rbegin(); deletion != key_deletions_.rend(); ++deletion) {
    const RegEntry& entry = entries_[*deletion];
    if (found != RegEntry::npos && *deletion < found_section) break;
    const std::string_view deleted = this->key_path(entry);
    if (reg_names_equal(deleted, key_path) || is_ancestor_path(deleted, key_path)) {
      return *deletion;
    }
  }
  return found;
}

std::optional<RegValue> RegFile::find_value(std::string_view key_path,
                                            std::string_view name) const {
  const RegEntry* entry = find_entry(key_path, name);
  if (!entry || entry->kind != RegLineKind::Value) return std::nullopt;
  return value(*entry);
}

namespace {

// The type of `hex:` (REG_BINARY) or `hex(T):` with T in plain hex digits, and where the data
// starts after it.
bool read_plain_hex_type(std::string_view data, std::uint32_t& type, std::size_t& start) {
  if (data.starts_with("hex:")) {
    type = kRegBinary;
    start = 4;
    return true;
  }
  const std::size_t close = data.find("):");
  if (!data.starts_with("hex(") || close == std::string_view::npos || close == 4 || close > 12) {
    return false;
  }
  std::uint32_t number = 0;
  for (std::size_t pos = 4; pos < close; ++pos) {
    if (hex_digit(data[pos]) < 0) return false;
    number = number * 16 + static_cast<std::uint32_t>(hex_digit(data[pos]));
  }
  type = number;
  start = close + 2;
  return true;
}

// The bytes of a hex value that regedit read (over its continuation lines) when each is two
// digits, as regedit writes them, and no comment stands among them; false leaves the other
// forms to the reader.
bool read_plain_hex(std::string_view data, std::string& bytes) {
  // At most a byte for every two characters, written through a pointer: hex data is most of a
  // UTF-16 export.
  bytes.resize(data.size() / 2);
  char* out = bytes.data();
  for (std::size_t pos = 0; pos < data.size();) {
    const char c = data[pos];
    if (is_blank(c) || c == ',' || c == '\\' || c == '\r' || c == '\n') {
      ++pos;
    } else if (pos + 1 < data.size() && hex_digit(c) >= 0 && hex_digit(data[pos + 1]) >= 0 &&
               (pos + 2 == data.size() || hex_digit(data[pos + 2]) < 0)) {
      *out++ = static_cast<char>(hex_digit(c) * 16 + hex_digit(data[pos + 1]));
      pos += 2;
    } else {
      return false;
    }
  }
  bytes.resize(static_cast<std::size_t>(out - bytes.data()));
  return true;
}

}  // namespace

bool RegFile::read_plain_value(const RegEntry& entry, RegValue& value) const {
  // (An added value's name is not as written.)
  if (entry.kind != RegLineKind::Value || !entry.name_as_written || replacement(entry)) {
    return false;
  }
  const std::uint32_t data_at = data_begin(entry);
  const std::string_view data =
      trim_trailing_blanks(std::string_view(text_).substr(data_at, entry.content_end - data_at));
  // Only hex data continues over lines: a string or dword value is one line.
  switch (entry.data_kind) {
    case RegDataKind::String: {
      const std::size_t close = data.find('"', 1);
      if (close == std::string_view::npos) return false;
      const std::string_view raw = data.substr(1, close - 1);
      if (raw.find('\\') != std::string_view::npos ||
          (encoding_ == RegEncoding::Ansi && !(keeps_ascii_ && is_ascii(raw)))) {
        return false;
      }
      value.text.assign(raw);
      value.type = kRegSz;
      break;
    }
    case RegDataKind::Dword:
      if (!data.starts_with("dword:") || !read_dword(data.substr(6), value.dword)) {
        return false;
      }
      value.type = kRegDword;
      break;
    case RegDataKind::Hex: {
      std::size_t start = 0;
      if (!read_plain_hex_type(data, value.type, start) ||
          !read_plain_hex(data.substr(start), value.bytes)) {
        return false;
      }
      break;
    }
  }
  value.kind = entry.data_kind;
  value.name.assign(text_, entry.name_begin(), entry.name_size());
  return true;
}

RegValue RegFile::value(const RegEntry& entry) const {
  RegValue value;
  if (entry.kind != RegLineKind::Value && entry.kind != RegLineKind::ValueDeletion) return value;
  if (read_plain_value(entry, value)) return value;
  value = RegValue();
  RegLineKind kind = RegLineKind::Opaque;
  EntryReader reader(entry_content(entry), lead_bytes_, encoding_, codepage_, keeps_ascii_, true);
  if (!reader.read_value_lines(value, kind) ||
      (kind != RegLineKind::Value && kind != RegLineKind::ValueDeletion)) {
    return RegValue();
  }
  return value;
}

std::string RegFile::value_name(const RegEntry& entry) const {
  if (const AddedLine* added = added_line(entry)) return added->name;
  // An edit may spell the name in another case: then its line tells.
  if (entry.name_as_written && !replacement(entry)) {
    return std::string(text_, entry.name_begin(), entry.name_size());
  }
  return value(entry).name;
}

ParseResult RegFile::encode_text_line(std::string_view utf8, std::string_view name,
                                      std::string& out) const {
  if (utf8.find('\0') != std::string_view::npos) {
    return ParseResult::failure(0, 0, "regedit cannot write a NUL character in a name or string");
  }
  if (!is_valid_utf8(utf8)) return ParseResult::failure(0, 0, "the text is not valid UTF-8");
  // ASCII needs no iconv (whose iconv_open costs more than a whole edit) where the code page
  // reads it as ASCII.
  if (encoding_ == RegEncoding::Utf16Le || (keeps_ascii_ && is_ascii(utf8))) {
    out = std::string(utf8);
    return ParseResult::success();
  }
  Conversion converted = from_utf8(utf8, codepage_.c_str());
  if (!converted) {
    return ParseResult::failure(
        0, 0, "value \"" + std::string(name) + "\" cannot be written in " + codepage_);
  }
  out = std::move(converted.text);
  return ParseResult::success();
}

ParseResult RegFile::format_value_line(const RegValue& value, std::string& line) const {
  const std::string name_part =
      value.name.empty() ? std::string("@=") : "\"" + escape_reg_string(value.name) + "\"=";
  std::string utf8 = name_part;
  std::size_t width = utf16_length(name_part);
  switch (value.kind) {
    case RegDataKind::String:
      utf8 += "\"" + escape_reg_string(value.text) + "\"";
      break;
    // Digits by hand, not snprintf: an account's edit formats several values, and each
    // snprintf call cost several hundred instructions (callgrind).
    case RegDataKind::Dword: {
      utf8 += "dword:";
      for (int shift = 28; shift >= 0; shift -= 4)
        utf8 += kLowerHexDigits[(value.dword >> shift) & 0xF];
      break;
    }
    case RegDataKind::Hex: {
      std::string type = "hex:";
      if (value.type != kRegBinary) {
        char number[8];  // the type in hex without leading zeros, as regedit writes it
        const auto written = std::to_chars(number, number + sizeof number, value.type, 16);
        type = "hex(";
        type.append(number, written.ptr).append("):");
      }
      utf8 += type;
      width += type.size();
      utf8.reserve(utf8.size() + 4 * value.bytes.size());  // "xx," and a wrap every ~25
      for (std::size_t i = 0; i < value.bytes.size(); ++i) {
        const auto byte = static_cast<unsigned char>(value.bytes[i]);
        utf8 += kLowerHexDigits[byte >> 4];
        utf8 += kLowerHexDigits[byte & 0xF];
        if (i + 1 == value.bytes.size()) break;
        utf8 += ',';
        width += 3;
        if (width >= kMaxHexChars) {
          utf8 += "\\" + line_ending_ + "  ";
          width = 2;
        }
      }
      break;
    }
  }
  return encode_text_line(utf8, value.name, line);
}

ParseResult RegFile::format_value_deletion(std::string_view name, std::string& line) const {
  return encode_text_line("\"" + escape_reg_string(name) + "\"=-", name, line);
}

namespace {

bool same_value(const RegValue& a, const RegValue& b) {
  if (!reg_names_equal(a.name, b.name) || a.kind != b.kind) return false;
  switch (a.kind) {
    case RegDataKind::String:
      return a.text == b.text;
    case RegDataKind::Dword:
      return a.dword == b.dword;
    case RegDataKind::Hex:
      return a.type == b.type && a.bytes == b.bytes;
  }
  return false;
}

}  // namespace

namespace {

// Printable ASCII that regedit writes without an escape.
bool is_plain_ascii(std::string_view s) {
  return std::all_of(s.begin(), s.end(),
                     [](char c) { return c >= ' ' && c <= '~' && c != '"' && c != '\\'; });
}

}  // namespace

bool RegFile::reads_back(std::string_view line, const RegValue& value) const {
  // A dword or a string of plain ASCII with a plain ASCII name is written as it is (in a code
  // page that keeps ASCII) and reads back so: most edits need no reader.
  const bool plain_data = value.kind == RegDataKind::Dword ||
                          (value.kind == RegDataKind::String && is_plain_ascii(value.text));
  if ((encoding_ == RegEncoding::Utf16Le || keeps_ascii_) && plain_data &&
      is_plain_ascii(value.name)) {
    return true;
  }
  // Inside a key, the line reads as it does in the file: the entry before it is complete and it
  // is complete itself, so nothing around it changes how either is read.
  RegValue parsed;
  RegLineKind kind = RegLineKind::Opaque;
  EntryReader reader(line, lead_bytes_, encoding_, codepage_, keeps_ascii_, true);
  return reader.read_value_lines(parsed, kind) && kind == RegLineKind::Value &&
         same_value(parsed, value);
}

ParseResult RegFile::set_value(std::string_view key_path, const RegValue& value) {
  const std::size_t found = find_index(key_path, value.name, true);
  if (found == RegEntry::npos || entry_at(found).kind != RegLineKind::Value) {
    return ParseResult::failure(
        0, 0, "no value \"" + value.name + "\" in [" + std::string(key_path) + "]");
  }
  return set_entry(found, value);
}

ParseResult RegFile::set_entry(std::size_t found, const RegValue& value) {
  std::string line;
  if (ParseResult formatted = format_value_line(value, line); !formatted) return formatted;
  if (!reads_back(line, value)) {
    return ParseResult::failure(0, 0, "the edited value \"" + value.name + "\" does not read back");
  }
  RegEntry& entry = entry_at(found);
  replace_lines(entry, std::move(line));
  // The line spells the name as given, which may differ in case.
  if (!was_parsed(entry)) added_lines_[entry.added_index].name = value.name;
  if (!entry.edited) {
    entry.edited = true;
    edited_.push_back(static_cast<std::uint32_t>(found));
  }
  return ParseResult::success();
}

void RegFile::replace_lines(RegEntry& entry, std::string content) {
  if (was_parsed(entry)) {
    editor_.replace(entry.begin, entry.content_end - entry.begin, content);
    return;
  }
  AddedLine& added = added_lines_[entry.added_index];
  added.content = std::move(content);
  rebuild_insertion(added.anchor);
}

ParseResult RegFile::set_dword(std::string_view key_path, std::string_view name,
                               std::uint32_t number) {
  return set_value(key_path, RegValue::dword_value(std::string(name), number));
}

ParseResult RegFile::set_binary(std::string_view key_path, std::string_view name,
                                std::string_view data) {
  return set_value(key_path, RegValue::binary(std::string(name), std::string(data)));
}

ParseResult RegFile::set_string(std::string_view key_path, std::string_view name,
                                std::string_view utf8) {
  return set_value(key_path, RegValue::string(std::string(name), std::string(utf8)));
}

ParseResult RegFile::add_value(std::string_view key_path, const RegValue& value) {
  const RegKeyIndex::Sections sections = sections_of(key_path);
  if (sections.empty()) return ParseResult::failure(0, 0, "no key [" + std::string(key_path) + "]");
  const std::size_t key = sections.back();
  std::size_t after = key;
  for_each_in_section(key, [&](std::size_t i) {
    if (entry_at(i).kind == RegLineKind::Value || entry_at(i).kind == RegLineKind::ValueDeletion) {
      after = i;
    }
  });
  std::string line;
  if (ParseResult formatted = format_value_line(value, line); !formatted) return formatted;
  // A deletion of the key (or of a key above it) further down would delete the value again.
  const bool deleted_later =
      std::any_of(key_deletions_.begin(), key_deletions_.end(), [&](std::size_t deletion) {
        const std::string_view deleted = this->key_path(entries_[deletion]);
        return deletion > key &&
               (reg_names_equal(deleted, key_path) || is_ancestor_path(deleted, key_path));
      });
  if (deleted_later || !reads_back(line, value)) {
    return ParseResult::failure(0, 0, "the added value \"" + value.name + "\" does not read back");
  }
  const AddedLine* added_anchor = added_line(entry_at(after));
  const std::uint32_t parsed_anchor =
      added_anchor ? added_anchor->anchor : static_cast<std::uint32_t>(after);
  const std::size_t index = entries_.size() + added_.size();
  RegEntry& added = added_.emplace_back();
  added.kind = RegLineKind::Value;
  added.section = static_cast<std::uint32_t>(key);
  added.added_index = static_cast<std::uint32_t>(added_lines_.size());
  added.edited = true;
  added_lines_.push_back({std::move(line), value.name, parsed_anchor, RegEntry::npos});
  added_lines_.back().next_added = static_cast<std::uint32_t>(next_added(after));
  set_next_added(after, index);
  edited_.push_back(static_cast<std::uint32_t>(index));
  rebuild_insertion(parsed_anchor);
  return ParseResult::success();
}

ParseResult RegFile::put_value(std::string_view key_path, const RegValue& value) {
  const std::size_t found = find_index(key_path, value.name, true);
  if (found != RegEntry::npos && entry_at(found).kind == RegLineKind::Value) {
    return set_entry(found, value);
  }
  return add_value(key_path, value);
}

ParseResult RegFile::delete_value(std::string_view key_path, std::string_view name) {
  const std::size_t found = find_index(key_path, name, true);
  if (found == RegEntry::npos || entry_at(found).kind != RegLineKind::Value) {
    return ParseResult::success();
  }
  RegEntry& entry = entry_at(found);
  std::string line;  // in the value's own spelling of its name
  if (ParseResult formatted = format_value_deletion(value_name(entry), line); !formatted) {
    return formatted;
  }
  replace_lines(entry, std::move(line));
  entry.kind = RegLineKind::ValueDeletion;
  if (!entry.edited) {
    entry.edited = true;
    edited_.push_back(static_cast<std::uint32_t>(found));
  }
  return ParseResult::success();
}

std::vector<std::string> RegFile::value_names(std::string_view key_path) const {
  std::vector<std::string> names;
  for (const std::size_t key : sections_of(key_path)) {
    for_each_in_section(key, [&](std::size_t i) {
      const RegEntry& entry = entry_at(i);
      if (entry.kind != RegLineKind::Value && entry.kind != RegLineKind::ValueDeletion) return;
      const bool seen = std::any_of(names.begin(), names.end(), [&](const std::string& name) {
        return is_value_named(i, name);
      });
      if (!seen) names.push_back(value_name(entry));
    });
  }
  names.erase(std::remove_if(names.begin(), names.end(),
                             [&](const std::string& name) {
                               const RegEntry* entry = find_entry(key_path, name);
                               return !entry || entry->kind != RegLineKind::Value;
                             }),
              names.end());
  return names;
}

bool RegFile::has_key(std::string_view key_path) const {
  // The common case, found without a scan (a store writes into every account's key): the key
  // has a section of its own that comes after every deletion in the file.
  if (const RegKeyIndex::Sections own = sections_of(key_path); !own.empty()) {
    if (key_deletions_.empty() || key_deletions_.back() < own.back()) return true;
  }
  // The last key line that opens the key or one below it, and the last deletion of it or of a
  // key above it: the later of the two decides.
  std::size_t opened = RegEntry::npos;
  key_sections_.for_each([&](RegKeyIndex::Sections sections) {
    const std::string_view path = this->key_path(entries_[sections.front()]);
    if (reg_names_equal(path, key_path) || is_ancestor_path(key_path, path)) {
      if (opened == RegEntry::npos || sections.back() > opened) opened = sections.back();
    }
  });
  if (opened == RegEntry::npos) return false;
  // Newest first (not std::views::reverse: clang-tidy 14 cannot compile it with libstdc++ 12).
  // NOLINTNEXTLINE(modernize-loop-convert)
  for (auto deletion = key_deletions_.rbegin(); deletion != key_deletions_.rend(); ++deletion) {
    if (*deletion < opened) break;
    const std::string_view deleted = this->key_path(entries_[*deletion]);
    if (reg_names_equal(deleted, key_path) || is_ancestor_path(deleted, key_path)) return false;
  }
  return true;
}

std::string RegFile::render_export(const std::vector<Section>& sections) const {
  std::string text(version_ == 5 ? kHeader5 : kHeader4);
  text += line_ending_;
  for (const Section& section : sections) {
    text += line_ending_ + "[" + section.raw_key_path + "]" + line_ending_;
    for (const std::string& line : section.lines) text += line + line_ending_;
  }
  text += line_ending_;
  return encode_text(text);
}

}  // namespace mailmig
