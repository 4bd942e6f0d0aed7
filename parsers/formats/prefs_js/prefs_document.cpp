#include "parsers/formats/prefs_js/prefs_document.h"

#include <algorithm>
#include <array>
#include <cstdint>
#include <functional>
#include <iterator>
#include <limits>
#include <utility>

#include "src/util/huge_pages.h"

namespace mailmig {
namespace {

// What libpref's lexer returns. Single-character tokens carry the character; a NUL character is
// end of file, as in Mozilla's parser.
enum class TokenKind {
  Char,
  Pref,
  StickyPref,
  UserPref,
  True,
  False,
  Sticky,
  Locked,
  String,
  Int,
  Error,
};

struct Token {
  TokenKind kind = TokenKind::Error;
  char ch = 0;           // for Char
  bool escaped = false;  // for String: the literal holds a backslash escape
  std::uint32_t int_value = 0;
  const char* error = "";        // for Error
  std::size_t error_line = 0;    // 0: report at the line where the error is noticed
  std::size_t error_column = 0;  // with error_line
  std::size_t begin = 0;
  std::size_t end = 0;

  bool is_char(char c) const { return kind == TokenKind::Char && ch == c; }
};

bool is_keyword_char(unsigned char c) {
  return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || c == '_';
}

// The bytes that end a run of plain bytes inside a string literal, by byte value: one table
// look-up per byte in the loop that reads most of a prefs.js.
constexpr std::array<bool, 256> kEndsStringRun = [] {
  std::array<bool, 256> ends{};
  for (const char c : {'"', '\'', '\\', '\n', '\r', '\0'})
    ends[static_cast<unsigned char>(c)] = true;
  return ends;
}();
bool is_digit(unsigned char c) { return c >= '0' && c <= '9'; }
bool is_line_end(char c) { return c == '\n' || c == '\r'; }

void append_utf8(std::string& out, std::uint32_t code_point) {
  if (code_point < 0x80) {
    out += static_cast<char>(code_point);
  } else if (code_point < 0x800) {
    out += static_cast<char>(0xC0 | (code_point >> 6));
    out += static_cast<char>(0x80 | (code_point & 0x3F));
  } else if (code_point < 0x10000) {
    out += static_cast<char>(0xE0 | (code_point >> 12));
    out += static_cast<char>(0x80 | ((code_point >> 6) & 0x3F));
    out += static_cast<char>(0x80 | (code_point & 0x3F));
  } else {
    out += static_cast<char>(0xF0 | (code_point >> 18));
    out += static_cast<char>(0x80 | ((code_point >> 12) & 0x3F));
    out += static_cast<char>(0x80 | ((code_point >> 6) & 0x3F));
    out += static_cast<char>(0x80 | (code_point & 0x3F));
  }
}

// The tokens of Mozilla's prefs lexer (modules/libpref/parser), written afresh: the same
// tokens, line counting and error texts.
class Lexer {
 public:
  Lexer(std::string_view text, std::size_t pos) : text_(text), pos_(pos) {}

  std::size_t line() const { return line_; }
  // The 1-based byte column of offset `at` on the current line; of the lexer's position when
  // `at` lies on an earlier line (a token that spans lines).
  std::size_t column_of(std::size_t at) const {
    return (at >= line_start_ ? at : offset()) - line_start_ + 1;
  }

  Token next_token() {
    while (true) {
      const std::size_t begin = offset();
      const char c = get();
      const auto byte = static_cast<unsigned char>(c);
      switch (c) {
        case '\0':
        case '(':
        case ')':
        case '+':
        case ',':
        case '-':
        case ';': {
          Token token = make(TokenKind::Char, begin);
          token.ch = c;
          return token;
        }
        case '\n':
          count_line();
          continue;
        case ' ':
        case '\t':
        case '\v':
        case '\f':
          continue;
        case '\r':
          match('\n');
          count_line();
          continue;
        case '"':
        case '\'':
          return string_token(c, begin, nullptr);
        case '#':
          skip_line_comment();
          continue;
        case '/': {
          const char next = get();
          if (next == '/') {
            skip_line_comment();
            continue;
          }
          if (next == '*') {
            if (!skip_block_comment()) return error("unterminated /* comment", begin);
            continue;
          }
          // A newline is read again, so that lines are still counted.
          if (next == '\n' || next == '\r') unget();
          return error("expected '/' or '*' after '/'", begin);
        }
        default:
          break;
      }
      if (is_keyword_char(byte)) return keyword_token(begin);
      if (is_digit(byte)) return int_token(c, begin);
      return error("unexpected character", begin);
    }
  }

  // The string literal whose opening quote is at `begin` (the lexer stands just after it).
  // With `out`, the decoded bytes are appended to it.
  Token string_token(char quote, std::size_t begin, std::string* out) {
    Token token;
    token.kind = TokenKind::String;
    // Only the first problem inside one literal is reported, at the line where it is.
    auto fail = [&](const char* message) {
      if (token.kind == TokenKind::String) {
        token.kind = TokenKind::Error;
        token.error = message;
        token.error_line = line_;
        token.error_column = column_of(offset());
      }
    };
    auto put = [out](char c) {
      if (out) *out += c;
    };
    while (true) {
      // Plain bytes, most of every literal, in one run (the other quote character ends it
      // too, and is taken below like any plain byte).
      const std::size_t run = pos_;
      pos_ = skip_while(pos_, [](unsigned char c) { return !kEndsStringRun[c]; });
      if (out) out->append(text_.substr(run, pos_ - run));
      const char c = get();
      if (c == quote) break;
      if (c == '\\') {
        token.escaped = true;
        const char escaped = get();
        switch (escaped) {
          case '"':
          case '\'':
          case '\\':
            put(escaped);
            continue;
          case 'n':
            put('\n');
            continue;
          case 'r':
            put('\r');
            continue;
          case 'x': {
            const auto value = hex_digits(2);
            if (!value) {
              fail("malformed \\x escape sequence");
            } else if (*value == 0) {
              fail("\\x00 is not allowed");
            } else {
              put(static_cast<char>(*value));
            }
            continue;
          }
          case 'u': {
            const auto value = hex_digits(4);
            if (!value) {
              fail("malformed \\u escape sequence");
              continue;
            }
            std::uint32_t code_point = *value;
            if ((*value & 0xFC00) == 0xD800) {
              std::optional<std::uint32_t> low;
              if (match('\\') && match('u')) {
                low = hex_digits(4);
                if (low && (*low & 0xFC00) != 0xDC00) {
                  fail("invalid low surrogate after high surrogate");
                  continue;
                }
              }
              if (!low) {
                fail("expected low surrogate after high surrogate");
                continue;
              }
              code_point = 0x10000 + ((*value - 0xD800) << 10) + (*low - 0xDC00);
            } else if ((*value & 0xFC00) == 0xDC00) {
              fail("expected high surrogate before low surrogate");
              continue;
            } else if (*value == 0) {
              fail("\\u0000 is not allowed");
              continue;
            }
            if (out) append_utf8(*out, code_point);
            continue;
          }
          default:
            // No line continuation: the newline is read again and counted.
            if (escaped == '\n' || escaped == '\r') unget();
            fail("unexpected escape sequence character after '\\'");
            continue;
        }
      }
      if (c == '\n') {
        count_line();
      } else if (c == '\r') {
        count_line();
        put('\r');
        if (match('\n')) put('\n');
        continue;
      } else if (c == '\0') {
        fail("unterminated string literal");
        break;
      }
      put(c);
    }
    token.begin = begin;
    token.end = offset();
    return token;
  }

 private:
  // The text ends with an implicit NUL; reading past it keeps returning NUL without moving.
  char get() {
    if (pos_ < text_.size()) return text_[pos_++];
    if (pos_ == text_.size()) ++pos_;
    return '\0';
  }
  void unget() { --pos_; }
  bool match(char c) {
    if (pos_ < text_.size() && text_[pos_] == c) {
      ++pos_;
      return true;
    }
    return false;
  }
  // The offset of the first byte from `at` on that `keep` does not accept (or the text's end).
  // Locals, as the compiler must assume that the bytes read may alias the lexer's members.
  template <typename Keep>
  std::size_t skip_while(std::size_t at, Keep keep) const {
    const char* const bytes = text_.data();
    const std::size_t size = text_.size();
    while (at < size && keep(static_cast<unsigned char>(bytes[at]))) ++at;
    return at;
  }
  // Offsets never point past the text itself, even after reading the implicit NUL.
  std::size_t offset() const { return std::min(pos_, text_.size()); }

  void skip_line_comment() {
    while (true) {
      const char c = get();
      if (c == '\n') {
        count_line();
        return;
      }
      if (c == '\r') {
        count_line();
        match('\n');
        return;
      }
      if (c == '\0') return;
    }
  }

  bool skip_block_comment() {
    while (true) {
      const char c = get();
      if (c == '*') {
        if (match('/')) return true;
      } else if (c == '\n') {
        count_line();
      } else if (c == '\r') {
        count_line();
        match('\n');
      } else if (c == '\0') {
        return false;
      }
    }
  }

  std::optional<std::uint32_t> hex_digits(int count) {
    std::uint32_t value = 0;
    for (int i = 0; i < count; ++i) {
      const char c = get();
      value <<= 4;
      if (c >= '0' && c <= '9') {
        value += static_cast<std::uint32_t>(c - '0');
      } else if (c >= 'A' && c <= 'F') {
        value += static_cast<std::uint32_t>(c - 'A' + 10);
      } else if (c >= 'a' && c <= 'f') {
        value += static_cast<std::uint32_t>(c - 'a' + 10);
      } else {
        unget();
        return std::nullopt;
      }
    }
    return value;
  }

  Token make(TokenKind kind, std::size_t begin) {
    Token token;
    token.kind = kind;
    token.begin = begin;
    token.end = offset();
    return token;
  }

  Token error(const char* message, std::size_t begin) {
    Token token = make(TokenKind::Error, begin);
    token.error = message;
    return token;
  }

  Token keyword_token(std::size_t begin) {
    pos_ = skip_while(pos_, is_keyword_char);
    const std::string_view word = text_.substr(begin, offset() - begin);
    static constexpr std::pair<std::string_view, TokenKind> kKeywords[] = {
        {"user_pref", TokenKind::UserPref},
        {"true", TokenKind::True},
        {"false", TokenKind::False},
        {"pref", TokenKind::Pref},
        {"sticky", TokenKind::Sticky},
        {"locked", TokenKind::Locked},
        {"sticky_pref", TokenKind::StickyPref},
    };
    for (const auto& [spelling, kind] : kKeywords) {
      if (word == spelling) return make(kind, begin);
    }
    return error("unknown keyword", begin);
  }

  Token int_token(char first, std::size_t begin) {
    std::optional<std::uint32_t> value = static_cast<std::uint32_t>(first - '0');
    while (true) {
      const char c = get();
      const auto byte = static_cast<unsigned char>(c);
      if (is_digit(byte)) {
        if (value) {
          const std::uint64_t next = std::uint64_t{*value} * 10 + static_cast<unsigned>(c - '0');
          if (next > std::numeric_limits<std::uint32_t>::max()) {
            value.reset();
          } else {
            value = static_cast<std::uint32_t>(next);
          }
        }
      } else if (is_keyword_char(byte)) {
        // Recovery lexes again from the letter on, as Mozilla does.
        unget();
        return error("unexpected character in integer literal", begin);
      } else {
        unget();
        break;
      }
    }
    if (!value) return error("integer literal overflowed", begin);
    Token token = make(TokenKind::Int, begin);
    token.int_value = *value;
    return token;
  }

  // Counts the line ending just read (after a CR, the LF that may follow is not yet read).
  void count_line() {
    ++line_;
    const bool lf_follows_cr =
        text_[pos_ - 1] == '\r' && pos_ < text_.size() && text_[pos_] == '\n';
    line_start_ = pos_ + (lf_follows_cr ? 1 : 0);
  }

  std::string_view text_;
  std::size_t pos_;
  std::size_t line_ = 1;
  std::size_t line_start_ = pos_;
};

// The decoded bytes of a string literal (quotes included) that the lexer accepted.
std::string decode_literal(std::string_view literal) {
  const std::string_view body = literal.substr(1, literal.size() - 2);
  if (body.find('\\') == std::string_view::npos) return std::string(body);
  std::string out;
  Lexer(literal, 1).string_token(literal.front(), 0, &out);
  return out;
}

std::uint32_t to_offset(std::size_t offset) { return static_cast<std::uint32_t>(offset); }

using EntryArray = std::vector<PrefEntry, LargeArrayAllocator<PrefEntry>>;

// Mozilla's prefs parser: the same statements, error texts and "skip to the next ';'" recovery.
class PrefsParser {
 public:
  PrefsParser(std::string_view text, PrefsFileKind kind, EntryArray& entries,
              std::vector<ParseResult>& errors, std::string& decoded_names)
      : text_(text),
        lexer_(text, text.starts_with("\xEF\xBB\xBF") ? 3 : 0),
        kind_(kind),
        entries_(entries),
        errors_(errors),
        decoded_names_(decoded_names) {}

  // Parses every statement; returns where parsing stopped (the text's end or a NUL byte).
  std::size_t parse() {
    Token token = lexer_.next_token();
    while (true) {
      PrefEntry entry;
      if (token.kind == TokenKind::UserPref) {
        entry.specifier = PrefSpecifier::UserPref;
      } else if (token.kind == TokenKind::Pref && kind_ == PrefsFileKind::Default) {
        entry.specifier = PrefSpecifier::Pref;
      } else if (token.kind == TokenKind::StickyPref && kind_ == PrefsFileKind::Default) {
        entry.specifier = PrefSpecifier::StickyPref;
        entry.sticky = true;
      } else if (token.is_char('\0')) {
        return token.begin;
      } else {
        token = recover(token, kind_ == PrefsFileKind::Default
                                   ? "expected pref specifier at start of pref definition"
                                   : "expected 'user_pref' at start of pref definition");
        continue;
      }
      entry.line = static_cast<std::uint32_t>(lexer_.line());
      entry.statement_begin = to_offset(token.begin);

      token = lexer_.next_token();
      if (!token.is_char('(')) {
        token = recover(token, "expected '(' after pref specifier");
        continue;
      }

      token = lexer_.next_token();
      if (token.kind != TokenKind::String) {
        token = recover(token, "expected pref name after '('");
        continue;
      }
      const Token name = token;

      token = lexer_.next_token();
      if (!token.is_char(',')) {
        token = recover(token, "expected ',' after pref name");
        continue;
      }

      token = lexer_.next_token();
      if (!read_value(token, entry)) continue;

      bool has_attributes = false;
      bool attributes_ok = true;
      token = lexer_.next_token();
      if (kind_ == PrefsFileKind::Default) {
        while (token.is_char(',')) {
          token = lexer_.next_token();
          if (token.kind == TokenKind::Sticky) {
            entry.sticky = true;
          } else if (token.kind == TokenKind::Locked) {
            entry.locked = true;
          } else {
            token = recover(token, "expected pref attribute after ','");
            attributes_ok = false;
            break;
          }
          has_attributes = true;
          token = lexer_.next_token();
        }
        if (!attributes_ok) continue;
      }

      if (!token.is_char(')')) {
        const char* expected = "expected ')' after pref value";
        if (kind_ == PrefsFileKind::Default) {
          expected = has_attributes ? "expected ',' or ')' after pref attribute"
                                    : "expected ',' or ')' after pref value";
        }
        token = recover(token, expected);
        continue;
      }

      token = lexer_.next_token();
      if (!token.is_char(';')) {
        token = recover(token, "expected ';' after ')'");
        continue;
      }
      entry.statement_end = to_offset(token.end);
      set_name(entry, name);
      entries_.push_back(entry);
      token = lexer_.next_token();
    }
  }

 private:
  // A name is used as its bytes unless it holds escapes; then its decoded form is kept aside.
  void set_name(PrefEntry& entry, const Token& name) {
    if (!name.escaped) {
      entry.name_begin = to_offset(name.begin + 1);
      entry.name_end = to_offset(name.end - 1);
      return;
    }
    entry.flags |= PrefEntry::kNameDecoded;
    entry.name_begin = to_offset(decoded_names_.size());
    decoded_names_ += decode_literal(text_.substr(name.begin, name.end - name.begin));
    entry.name_end = to_offset(decoded_names_.size());
  }

  // Reads the value starting at `token` into `entry`; on an error, recovers and leaves the next
  // token in `token`.
  bool read_value(Token& token, PrefEntry& entry) {
    entry.value_begin = to_offset(token.begin);
    constexpr std::uint32_t kMax = std::numeric_limits<std::int32_t>::max();
    switch (token.kind) {
      case TokenKind::True:
      case TokenKind::False:
        entry.type = PrefType::Bool;
        entry.bool_value = token.kind == TokenKind::True;
        entry.value_end = to_offset(token.end);
        return true;
      case TokenKind::String:
        entry.type = PrefType::String;
        entry.value_end = to_offset(token.end);
        return true;
      case TokenKind::Int:
        if (token.int_value > kMax) {
          token = recover(overflow_token(), "");
          return false;
        }
        entry.type = PrefType::Int;
        entry.int_value = static_cast<std::int32_t>(token.int_value);
        entry.value_end = to_offset(token.end);
        return true;
      case TokenKind::Char:
        if (token.ch == '-' || token.ch == '+') {
          const bool negative = token.ch == '-';
          const Token digits = lexer_.next_token();
          if (digits.kind != TokenKind::Int) {
            token = recover(digits, negative ? "expected integer literal after '-'"
                                             : "expected integer literal after '+'");
            return false;
          }
          const std::uint32_t limit = negative ? kMax + 1u : kMax;
          if (digits.int_value > limit) {
            token = recover(overflow_token(), "");
            return false;
          }
          entry.type = PrefType::Int;
          entry.int_value =
              negative ? static_cast<std::int32_t>(-static_cast<std::int64_t>(digits.int_value))
                       : static_cast<std::int32_t>(digits.int_value);
          entry.value_end = to_offset(digits.end);
          return true;
        }
        break;
      default:
        break;
    }
    token = recover(token, "expected pref value after ','");
    return false;
  }

  static Token overflow_token() {
    Token token;
    token.error = "integer literal overflowed";
    return token;
  }

  // Records the error (a lexing error carries its own message), then skips tokens up to and
  // including the next ';' and returns the token after it (or end of file).
  Token recover(Token token, const char* parse_message) {
    if (token.kind == TokenKind::Error && token.error_line != 0) {
      errors_.push_back(ParseResult::failure(token.error_line, token.error_column, token.error));
    } else {
      errors_.push_back(
          ParseResult::failure(lexer_.line(), lexer_.column_of(token.begin),
                               token.kind == TokenKind::Error ? token.error : parse_message));
    }
    while (true) {
      if (token.is_char(';')) return lexer_.next_token();
      if (token.is_char('\0')) return token;
      token = lexer_.next_token();
    }
  }

  std::string_view text_;
  Lexer lexer_;
  PrefsFileKind kind_;
  EntryArray& entries_;
  std::vector<ParseResult>& errors_;
  std::string& decoded_names_;
};

std::size_t body_begin(std::string_view text) { return text.starts_with("\xEF\xBB\xBF") ? 3 : 0; }

std::size_t line_begin(std::string_view text, std::size_t at) {
  const std::size_t floor = body_begin(text);
  while (at > floor && !is_line_end(text[at - 1])) --at;
  return at;
}

// The end of the line holding `at`, before its line ending (at most `limit`).
std::size_t line_content_end(std::string_view text, std::size_t at, std::size_t limit) {
  while (at < limit && !is_line_end(text[at])) ++at;
  return at;
}

// Just after the line ending that starts at `at` (which is the text's end when there is none).
std::size_t skip_line_ending(std::string_view text, std::size_t at) {
  if (at < text.size() && text[at] == '\r') {
    ++at;
    if (at < text.size() && text[at] == '\n') ++at;
  } else if (at < text.size() && text[at] == '\n') {
    ++at;
  }
  return at;
}

bool only_blanks(std::string_view text) {
  return std::all_of(text.begin(), text.end(),
                     [](char c) { return c == ' ' || c == '\t' || c == '\v' || c == '\f'; });
}

constexpr std::string_view kLineEndings[] = {"\n", "\r\n", "\r"};

std::uint8_t line_ending_code(std::string_view eol) {
  return eol == "\r\n" ? 1 : eol == "\r" ? 2 : 0;
}

std::string_view line_ending_of(const PrefEntry& entry) {
  return kLineEndings[(entry.flags >> PrefEntry::kEolShift) & 3];
}

}  // namespace

std::string escape_pref_string(std::string_view value) {
  std::string out = "\"";
  for (const char c : value) {
    switch (c) {
      case '\n':
        out += "\\n";
        break;
      case '\r':
        out += "\\r";
        break;
      case '\\':
        out += "\\\\";
        break;
      case '"':
        out += "\\\"";
        break;
      default:
        out += c;
    }
  }
  out += '"';
  return out;
}

ParseResult PrefsDocument::parse(std::string bytes, PrefsDocument& document, PrefsFileKind kind) {
  return document.read(std::move(bytes), kind);
}

ParseResult PrefsDocument::read(std::string bytes, PrefsFileKind kind) {
  text_ = std::move(bytes);
  original_.clear();
  reparsed_ = false;
  if (text_.size() >= std::numeric_limits<std::uint32_t>::max()) {
    // Offsets are 32 bits wide; no profile file comes near (read_file stops at 64 MiB).
    entries_.clear();
    errors_ = {ParseResult::failure(1, 0, "file larger than 4 GiB")};
  } else {
    parse_text(kind);
  }
  if (errors_.empty()) return ParseResult::success();
  return ParseResult::failure(errors_.front().line, errors_.front().column,
                              "prefs parse error: " + errors_.front().message);
}

void PrefsDocument::parse_text(PrefsFileKind kind) {
  kind_ = kind;
  entries_.clear();
  errors_.clear();
  names_.clear();
  edits_.clear();
  inserted_lines_.clear();
  inserted_at_.clear();
  value_indexes_.clear();  // entry numbers change
  // Every statement ends with a ';': an upper bound, with room for lines that edits add.
  // Counted with find (memchr), many times faster than std::count over the bytes.
  const std::string_view text(text_);
  std::size_t statements = 0;
  for (std::size_t at = text.find(';'); at != std::string_view::npos; at = text.find(';', at + 1)) {
    ++statements;
  }
  entries_.reserve(statements + statements / 8 + 16);
  parsed_end_ = to_offset(PrefsParser(text_, kind, entries_, errors_, names_).parse());
  parsed_count_ = to_offset(entries_.size());
  live_ = parsed_count_;
  build_index();
  order_ = Order::Unchecked;
}

void PrefsDocument::build_index() {
  slot_bits_ = 4;
  while ((std::size_t{1} << slot_bits_) < 2 * (entries_.size() + 1)) ++slot_bits_;
  slots_.assign(std::size_t{1} << slot_bits_, 0);
  indexed_ = 0;
  // A large file's slots are read in random order, each one a cache miss: the slots of the next
  // few entries are asked for ahead, so that their misses overlap.
  constexpr std::size_t kAhead = 8;
  std::array<Probe, kAhead> ahead{};
  auto fetch = [&](std::size_t number) {
    const Probe next = probe(name(entries_[number]));
    __builtin_prefetch(&slots_[next.slot]);
    ahead[number % kAhead] = next;
  };
  for (std::size_t number = 0; number < std::min(kAhead, entries_.size()); ++number) fetch(number);
  for (std::size_t number = 0; number < entries_.size(); ++number) {
    const Probe current = ahead[number % kAhead];
    if (number + kAhead < entries_.size()) fetch(number + kAhead);
    index_entry(to_offset(number), current);
  }
}

PrefsDocument::Probe PrefsDocument::probe(std::string_view name) const {
  const std::size_t hash = std::hash<std::string_view>{}(name);
  const std::uint32_t numbers = (std::uint32_t{1} << slot_bits_) - 1;
  return {hash & numbers,
          static_cast<std::uint32_t>(static_cast<std::uint64_t>(hash) >> 32) & ~numbers};
}

std::optional<std::uint32_t> PrefsDocument::number_in(std::uint32_t slot_value, std::uint32_t tag,
                                                      std::string_view name) const {
  const std::uint32_t numbers = (std::uint32_t{1} << slot_bits_) - 1;
  if ((slot_value & ~numbers) != tag) return std::nullopt;
  const std::uint32_t number = (slot_value & numbers) - 1;
  if (this->name(entries_[number]) != name) return std::nullopt;
  return number;
}

void PrefsDocument::index_entry(std::uint32_t number, Probe where) {
  PrefEntry& entry = entries_[number];
  const std::string_view key = name(entry);
  const auto [first, tag] = where;
  const std::size_t mask = slots_.size() - 1;
  for (std::size_t slot = first;; slot = (slot + 1) & mask) {
    if (slots_[slot] == 0) {
      slots_[slot] = tag | (number + 1);
      ++indexed_;
      return;
    }
    if (const auto other = number_in(slots_[slot], tag, key)) {
      if (!entries_[*other].removed()) entry.flags |= PrefEntry::kHasDuplicates;
      slots_[slot] = tag | (number + 1);
      return;
    }
  }
}

void PrefsDocument::find_order() {
  if (parsed_count_ == 0) {
    order_ = Order::Empty;
    return;
  }
  // The order of the parsed bytes, then what the edits since may have changed in it.
  const std::string_view text(text_);
  auto parsed_statement = [&](std::uint32_t number) {
    const PrefEntry& entry = entries_[number];
    return text.substr(entry.statement_begin, entry.statement_end - entry.statement_begin);
  };
  for (std::uint32_t number = 1; number < parsed_count_; ++number) {
    if (parsed_statement(number) < parsed_statement(number - 1)) {
      order_ = Order::Unsorted;
      descent_ = number;
      const PrefEntry& later = entries_[number];
      const PrefEntry& earlier = entries_[number - 1];
      if (later.removed() || earlier.removed() ||
          (((later.flags | earlier.flags) & PrefEntry::kValueEdited) &&
           name(later) == name(earlier))) {
        order_ = Order::Unknown;
      }
      return;
    }
  }
  order_ = Order::Sorted;
  constexpr std::uint8_t kEditedDuplicate = PrefEntry::kHasDuplicates | PrefEntry::kValueEdited;
  for (std::uint32_t number = 0; number < parsed_count_; ++number) {
    if ((entries_[number].flags & kEditedDuplicate) == kEditedDuplicate) order_ = Order::Unknown;
  }
}

void PrefsDocument::reparse_current() {
  std::string current = serialize();
  if (!reparsed_) {
    original_ = std::move(text_);
    reparsed_ = true;
  }
  text_ = std::move(current);
  parse_text(kind_);
}

std::string_view PrefsDocument::name(const PrefEntry& entry) const {
  const std::string& bytes = (entry.flags & PrefEntry::kNameDecoded) ? names_ : text_;
  return std::string_view(bytes).substr(entry.name_begin, entry.name_end - entry.name_begin);
}

std::string_view PrefsDocument::inserted_text(const PrefEntry& entry) const {
  const auto number = static_cast<std::size_t>(&entry - entries_.data());
  return *edits_.replacement(inserted_at_[number - parsed_count_], 0);
}

std::string_view PrefsDocument::literal(const PrefEntry& entry) const {
  const std::size_t size = entry.value_end - entry.value_begin;
  if (entry.flags & PrefEntry::kInserted)
    return inserted_text(entry).substr(entry.value_begin, size);
  if (entry.flags & PrefEntry::kValueEdited) return *edits_.replacement(entry.value_begin, size);
  return std::string_view(text_).substr(entry.value_begin, size);
}

std::string_view PrefsDocument::statement(const PrefEntry& entry, std::string& scratch) const {
  if (entry.flags & PrefEntry::kInserted) {
    return inserted_text(entry).substr(entry.statement_begin,
                                       entry.statement_end - entry.statement_begin);
  }
  const std::string_view text(text_);
  if (!(entry.flags & PrefEntry::kValueEdited)) {
    return text.substr(entry.statement_begin, entry.statement_end - entry.statement_begin);
  }
  scratch.assign(text.substr(entry.statement_begin, entry.value_begin - entry.statement_begin));
  scratch += literal(entry);
  scratch += text.substr(entry.value_end, entry.statement_end - entry.value_end);
  return scratch;
}

std::string PrefsDocument::string_value(const PrefEntry& entry) const {
  return decode_literal(literal(entry));
}

const PrefEntry* PrefsDocument::find(std::string_view name) const {
  if (slots_.empty()) return nullptr;
  const auto [first, tag] = probe(name);
  const std::size_t mask = slots_.size() - 1;
  for (std::size_t slot = first; slots_[slot] != 0; slot = (slot + 1) & mask) {
    if (const auto number = number_in(slots_[slot], tag, name)) {
      const PrefEntry& entry = entries_[*number];
      return entry.removed() ? nullptr : &entry;
    }
  }
  return nullptr;
}

PrefEntry* PrefsDocument::find_live(std::string_view name) {
  return const_cast<PrefEntry*>(std::as_const(*this).find(name));
}

std::optional<PrefType> PrefsDocument::type_of(std::string_view name) const {
  const PrefEntry* entry = find(name);
  if (!entry) return std::nullopt;
  return entry->type;
}

std::optional<std::string> PrefsDocument::get_string(std::string_view name) const {
  const PrefEntry* entry = find(name);
  if (!entry || entry->type != PrefType::String) return std::nullopt;
  return string_value(*entry);
}

std::optional<std::int32_t> PrefsDocument::get_int(std::string_view name) const {
  const PrefEntry* entry = find(name);
  if (!entry || entry->type != PrefType::Int) return std::nullopt;
  return entry->int_value;
}

std::optional<bool> PrefsDocument::get_bool(std::string_view name) const {
  const PrefEntry* entry = find(name);
  if (!entry || entry->type != PrefType::Bool) return std::nullopt;
  return entry->bool_value;
}

std::vector<std::string_view> PrefsDocument::names_with_prefix(std::string_view prefix) const {
  std::vector<std::string_view> names;
  for (const PrefEntry& entry : entries_) {
    const std::string_view entry_name = name(entry);
    if (!entry.removed() && entry_name.starts_with(prefix)) names.push_back(entry_name);
  }
  std::sort(names.begin(), names.end());
  names.erase(std::unique(names.begin(), names.end()), names.end());
  return names;
}

bool PrefsDocument::set_string(std::string_view name, std::string_view value) {
  if (value.find('\0') != std::string_view::npos) return false;
  return set_literal(name, PrefType::String, escape_pref_string(value), 0, false);
}

bool PrefsDocument::set_int(std::string_view name, std::int32_t value) {
  return set_literal(name, PrefType::Int, std::to_string(value), value, false);
}

bool PrefsDocument::set_bool(std::string_view name, bool value) {
  return set_literal(name, PrefType::Bool, value ? "true" : "false", 0, value);
}

bool PrefsDocument::set_literal(std::string_view name, PrefType type, const std::string& literal,
                                std::int32_t int_value, bool bool_value) {
  if (name.find('\0') != std::string_view::npos) return false;
  const std::string key(name);  // `name` may view bytes that an edit moves
  std::uint32_t number = 0;
  if (PrefEntry* entry = find_live(key)) {
    if (entry->type != type) return false;
    number = to_offset(entry - entries_.data());
    if (!replace_value(number, literal)) {
      // The value shares bytes with an edit around it: made on fresh bytes, which have none.
      reparse_current();
      return set_literal(key, type, literal, int_value, bool_value);
    }
    entry->int_value = int_value;
    entry->bool_value = bool_value;
  } else {
    insert_line(key, type, literal, int_value, bool_value);
    number = to_offset(entries_.size() - 1);
  }
  if (type == PrefType::String) index_value(number);
  return true;
}

bool PrefsDocument::replace_value(std::uint32_t number, const std::string& literal) {
  PrefEntry& entry = entries_[number];
  const std::size_t old_size = entry.value_end - entry.value_begin;
  if (entry.flags & PrefEntry::kInserted) {
    // A line of our own: its value is replaced inside the text inserted with it.
    const std::uint32_t at = inserted_at_[number - parsed_count_];
    edits_.edit_text(at, 0, entry.value_begin, old_size, literal);
    const auto delta =
        static_cast<std::ptrdiff_t>(literal.size()) - static_cast<std::ptrdiff_t>(old_size);
    entry.value_end = to_offset(static_cast<std::size_t>(entry.value_end + delta));
    entry.statement_end = to_offset(static_cast<std::size_t>(entry.statement_end + delta));
    const std::vector<std::uint32_t>& lines = inserted_lines_.at(at);
    const auto position = std::find(lines.begin(), lines.end(), number) - lines.begin();
    shift_lines(at, static_cast<std::size_t>(position) + 1, delta);
    return true;
  }
  if (!edits_.replace(entry.value_begin, old_size, literal)) return false;
  entry.flags |= PrefEntry::kValueEdited;
  // Only the value differs, so the order changes only against statements of the same name.
  const bool sorted_with_duplicates =
      order_ == Order::Sorted && (entry.flags & PrefEntry::kHasDuplicates);
  const bool at_the_descent = order_ == Order::Unsorted &&
                              (number == descent_ || number + 1 == descent_) &&
                              name(entries_[descent_]) == name(entries_[descent_ - 1]);
  if (sorted_with_duplicates || at_the_descent) order_ = Order::Unknown;
  return true;
}

void PrefsDocument::insert_line(std::string_view name, PrefType type, const std::string& literal,
                                std::int32_t int_value, bool bool_value) {
  const std::string line = "user_pref(" + escape_pref_string(name) + ", " + literal + ");";
  while (true) {
    if (order_ == Order::Unchecked) find_order();
    if (order_ == Order::Unknown || (order_ == Order::Sorted && live_ == 0)) reparse_current();
    if (order_ == Order::Unchecked) find_order();
    // Each placement either succeeds or finds nearby edits whose effect on the line it does not
    // model; then the bytes are parsed again, and on fresh bytes placement always succeeds.
    const bool placed = order_ == Order::Sorted ? insert_sorted(line, literal.size())
                                                : insert_at_end(line, literal.size());
    if (placed) break;
    reparse_current();
  }
  if (order_ == Order::Empty) order_ = Order::Unknown;  // one statement now: sorted, next time
  const auto number = to_offset(entries_.size() - 1);
  PrefEntry& entry = entries_.back();
  entry.type = type;
  entry.int_value = int_value;
  entry.bool_value = bool_value;
  entry.flags |= PrefEntry::kNameDecoded;
  entry.name_begin = to_offset(names_.size());
  names_ += name;
  entry.name_end = to_offset(names_.size());
  ++live_;
  if (2 * (std::size_t{indexed_} + 1) > slots_.size()) {
    build_index();
  } else {
    index_entry(number, probe(this->name(entries_[number])));
  }
}

bool PrefsDocument::place_line(std::uint32_t at, std::size_t position, std::string_view line,
                               std::size_t literal_size, bool eol_first) {
  const std::string_view eol = line_ending();
  std::string text;  // the line and its line ending, in the order they go
  if (eol_first) text += eol;
  text += line;
  if (!eol_first) text += eol;
  auto [group, created] = inserted_lines_.try_emplace(at);
  std::vector<std::uint32_t>& lines = group->second;
  std::size_t line_begin = 0;  // in the text inserted at `at`
  if (created) {
    if (!edits_.replace(at, 0, text)) {
      inserted_lines_.erase(group);
      return false;
    }
  } else {
    if (position < lines.size()) {
      const PrefEntry& next = entries_[lines[position]];
      line_begin = next.statement_begin -
                   ((next.flags & PrefEntry::kEolFirst) ? line_ending_of(next).size() : 0);
    } else {
      line_begin = edits_.replacement(at, 0)->size();
    }
    edits_.edit_text(at, 0, line_begin, 0, text);
    shift_lines(at, position, static_cast<std::ptrdiff_t>(text.size()));
  }
  PrefEntry entry;
  entry.flags =
      static_cast<std::uint8_t>(PrefEntry::kInserted | (eol_first ? PrefEntry::kEolFirst : 0) |
                                (line_ending_code(eol) << PrefEntry::kEolShift));
  entry.statement_begin = to_offset(line_begin + (eol_first ? eol.size() : 0));
  entry.statement_end = to_offset(entry.statement_begin + line.size());
  entry.value_end = entry.statement_end - 2;  // before ");"
  entry.value_begin = to_offset(entry.value_end - literal_size);
  entries_.push_back(entry);
  inserted_at_.push_back(at);
  lines.insert(lines.begin() + static_cast<std::ptrdiff_t>(position),
               to_offset(entries_.size() - 1));
  return true;
}

void PrefsDocument::shift_lines(std::uint32_t at, std::size_t position, std::ptrdiff_t delta) {
  const std::vector<std::uint32_t>& lines = inserted_lines_.at(at);
  for (std::size_t index = position; index < lines.size(); ++index) {
    PrefEntry& entry = entries_[lines[index]];
    for (std::uint32_t* offset :
         {&entry.statement_begin, &entry.statement_end, &entry.value_begin, &entry.value_end}) {
      *offset = to_offset(static_cast<std::size_t>(*offset + delta));
    }
  }
}

bool PrefsDocument::insert_sorted(std::string_view line, std::size_t literal_size) {
  std::string scratch;
  auto greater = [&](std::uint32_t number) { return statement(entries_[number], scratch) > line; };
  // The line goes before the first statement greater than it; parsed statements (removed ones
  // included) keep their order, so a binary search finds the first greater one among them.
  std::uint32_t low = 0;
  std::uint32_t high = parsed_count_;
  while (low < high) {
    const std::uint32_t middle = low + (high - low) / 2;
    if (greater(middle)) {
      high = middle;
    } else {
      low = middle + 1;
    }
  }
  // Lines inserted before one of them come before it and are in order too.
  auto first_greater_line = [&](std::uint32_t at) -> std::optional<std::size_t> {
    const auto found = inserted_lines_.find(at);
    if (found == inserted_lines_.end()) return std::nullopt;
    const std::vector<std::uint32_t>& lines = found->second;
    const auto before = std::find_if(lines.begin(), lines.end(), greater);
    if (before == lines.end()) return std::nullopt;
    return static_cast<std::size_t>(before - lines.begin());
  };
  for (std::uint32_t number = low; number < parsed_count_; ++number) {
    auto at = to_offset(line_begin(text_, entries_[number].statement_begin));
    if (const auto position = first_greater_line(at)) {
      return place_line(at, *position, line, literal_size, false);
    }
    if (entries_[number].removed()) continue;
    // Before that statement's line, which puts it before any statement sharing the line, and
    // before the first line of one that ends on it (never inside a statement).
    for (std::uint32_t earlier = number; earlier > 0; --earlier) {
      const PrefEntry& entry = entries_[earlier - 1];
      if (entry.statement_end <= at) break;
      if (!entry.removed()) order_ = Order::Unknown;
      at = std::min(at, to_offset(line_begin(text_, entry.statement_begin)));
    }
    const auto found = inserted_lines_.find(at);
    const std::size_t group = found == inserted_lines_.end() ? 0 : found->second.size();
    return place_line(at, first_greater_line(at).value_or(group), line, literal_size, false);
  }

  // Greater than every statement: after the last one, on its own line.
  std::uint32_t last = parsed_count_;
  while (last > 0 && entries_[last - 1].removed()) --last;
  if (last == 0) return false;
  const PrefEntry& final_statement = entries_[last - 1];
  const std::size_t content_end =
      line_content_end(text_, final_statement.statement_end, parsed_end_);
  const bool eol_first = content_end >= parsed_end_;
  const auto at = to_offset(eol_first ? content_end : skip_line_ending(text_, content_end));
  for (auto it = inserted_lines_.upper_bound(final_statement.statement_begin);
       it != inserted_lines_.end(); ++it) {
    if (it->first != at) return false;
  }
  // A lone CR with a removal after it may meet an LF in the current bytes.
  if (!eol_first && text_[at - 1] == '\r' && !edits_.starting_in(at, at).empty()) return false;
  const auto found = inserted_lines_.find(at);
  const std::size_t group = found == inserted_lines_.end() ? 0 : found->second.size();
  const std::size_t position = first_greater_line(at).value_or(group);
  // Before a line written as line ending + statement, the new line would be the other way round.
  if (eol_first && position < group) return false;
  return place_line(at, position, line, literal_size, eol_first);
}

bool PrefsDocument::insert_at_end(std::string_view line, std::size_t literal_size) {
  // At the end of what Mozilla reads: before a NUL byte that ends the file early. The line
  // ending goes first when the bytes before do not end a line.
  const SpanEditor::Edit* before = edits_.last_starting_before(parsed_end_);
  if (before && before->offset + before->length >= parsed_end_) return false;
  bool eol_first = !(parsed_end_ == body_begin(text_) || is_line_end(text_[parsed_end_ - 1]));
  std::size_t position = 0;
  const std::vector<SpanEditor::Edit> there = edits_.starting_in(parsed_end_, parsed_end_);
  if (!there.empty()) {
    // Only lines inserted there before, which the new one follows.
    const auto group = inserted_lines_.find(parsed_end_);
    if (group == inserted_lines_.end() || there.size() != 1) return false;
    eol_first = (entries_[group->second.front()].flags & PrefEntry::kEolFirst) != 0;
    position = group->second.size();
  }
  return place_line(parsed_end_, position, line, literal_size, eol_first);
}

bool PrefsDocument::remove(std::string_view name) {
  const std::string key(name);  // `name` may view bytes that an edit moves
  bool removed = false;
  while (const PrefEntry* last = find(key)) {
    const auto last_number = to_offset(last - entries_.data());
    // From the last statement backwards.
    std::vector<std::uint32_t> numbers = {last_number};
    if (last->flags & PrefEntry::kHasDuplicates) {
      for (std::uint32_t number = last_number; number-- > 0;) {
        if (!entries_[number].removed() && this->name(entries_[number]) == key) {
          numbers.push_back(number);
        }
      }
    }
    bool done = true;
    for (const std::uint32_t number : numbers) {
      if (!remove_statement(number)) {
        done = false;
        break;
      }
      removed = true;
    }
    if (done) break;
    reparse_current();
  }
  return removed;
}

bool PrefsDocument::remove_statement(std::uint32_t number) {
  PrefEntry& entry = entries_[number];
  if (entry.flags & PrefEntry::kInserted) return false;
  const std::string_view text(text_);
  const std::size_t first = line_begin(text, entry.statement_begin);
  const std::size_t content_end = line_content_end(text, entry.statement_end, text.size());
  const std::size_t line_end = skip_line_ending(text, content_end);
  if (!clear_around(to_offset(first), to_offset(line_end), entry)) return false;
  const bool whole_line =
      only_blanks(text.substr(first, entry.statement_begin - first)) &&
      only_blanks(text.substr(entry.statement_end, content_end - entry.statement_end));
  if (entry.flags & PrefEntry::kValueEdited) {
    edits_.erase(entry.value_begin, entry.value_end - entry.value_begin);
    entry.flags &= static_cast<std::uint8_t>(~PrefEntry::kValueEdited);
  }
  // clear_around() found the span free (lines inserted at its start go before it).
  const std::size_t begin = whole_line ? first : entry.statement_begin;
  const std::size_t end = whole_line ? line_end : entry.statement_end;
  if (!edits_.replace(begin, end - begin, "")) return false;
  entry.flags |= PrefEntry::kRemoved;
  --live_;
  if (order_ == Order::Unsorted && (number == descent_ || number + 1 == descent_)) {
    order_ = Order::Unknown;
  }
  return true;
}

bool PrefsDocument::clear_around(std::uint32_t first, std::uint32_t line_end,
                                 const PrefEntry& own) const {
  const SpanEditor::Edit* before = edits_.last_starting_before(first);
  if (before && before->offset + before->length > first) return false;
  const std::vector<SpanEditor::Edit> edits = edits_.starting_in(first, line_end);
  for (std::size_t index = 0; index < edits.size();) {
    // The edits at one offset: the lines inserted there, a replacement, or both.
    const std::size_t at = edits[index].offset;
    bool has_lines = false;
    bool has_replacement = false;
    for (; index < edits.size() && edits[index].offset == at; ++index) {
      (edits[index].length == 0 ? has_lines : has_replacement) = true;
    }
    // Whole lines inserted before this line or the next one leave this line as it is.
    const bool lines_only =
        has_lines && !has_replacement &&
        !(entries_[inserted_lines_.at(to_offset(at)).front()].flags & PrefEntry::kEolFirst);
    if (at == first && lines_only) continue;
    // The next line's own edits, unless this line ends in a lone CR that a removal after it
    // could join with an LF into one line ending.
    if (at == line_end && text_[line_end - 1] == '\n' && (lines_only || !has_lines)) continue;
    if ((own.flags & PrefEntry::kValueEdited) && at == own.value_begin) continue;
    return false;
  }
  return true;
}

std::string PrefsDocument::serialize() const { return edits_.apply(text_); }

bool PrefsDocument::changed() const {
  // The bytes given to parse(), without the copy original() makes.
  return !edits_.gives(text_, reparsed_ ? original_ : text_);
}

std::string_view PrefsDocument::line_ending() const {
  char first = 0;
  char second = 0;
  edits_.for_each_piece(text_, [&](std::string_view piece) {  // false once both are known
    if (first != 0) {
      if (piece.empty()) return true;
      second = piece.front();
      return false;
    }
    const std::size_t at = piece.find_first_of("\r\n");
    if (at == std::string_view::npos) return true;
    first = piece[at];
    if (at + 1 == piece.size()) return true;
    second = piece[at + 1];
    return false;
  });
  if (first != '\r') return "\n";
  return second == '\n' ? "\r\n" : "\r";
}

}  // namespace mailmig
