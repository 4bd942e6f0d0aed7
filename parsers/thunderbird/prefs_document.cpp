#include "parsers/thunderbird/prefs_document.h"

#include <algorithm>
#include <cstdint>
#include <limits>
#include <utility>

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
  char ch = 0;  // for Char
  std::uint32_t int_value = 0;
  std::string text;            // decoded string value
  const char* error = "";      // for Error
  std::size_t error_line = 0;  // 0: report at the line where the error is noticed
  std::size_t begin = 0;
  std::size_t end = 0;

  bool is_char(char c) const { return kind == TokenKind::Char && ch == c; }
};

bool is_keyword_char(unsigned char c) {
  return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || c == '_';
}
bool is_digit(unsigned char c) { return c >= '0' && c <= '9'; }

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

// A faithful port of the behaviour of Mozilla's prefs parser (modules/libpref/parser), written
// afresh: the same tokens, line counting, error texts and "skip to the next ';'" recovery.
class PrefsParser {
 public:
  PrefsParser(std::string_view text, PrefsFileKind kind, std::vector<PrefEntry>& entries,
              std::vector<PrefsError>& errors, std::size_t& parsed_end)
      : text_(text), kind_(kind), entries_(entries), errors_(errors), parsed_end_(parsed_end) {
    if (text_.starts_with("\xEF\xBB\xBF")) pos_ = 3;
  }

  void parse() {
    Token token = next_token();
    while (true) {
      PrefEntry entry;
      if (token.kind == TokenKind::Pref && kind_ == PrefsFileKind::Default) {
        entry.specifier = PrefSpecifier::Pref;
      } else if (token.kind == TokenKind::StickyPref && kind_ == PrefsFileKind::Default) {
        entry.specifier = PrefSpecifier::StickyPref;
        entry.sticky = true;
      } else if (token.kind == TokenKind::UserPref) {
        entry.specifier = PrefSpecifier::UserPref;
      } else if (token.is_char('\0')) {
        parsed_end_ = token.begin;
        return;
      } else {
        token =
            recover(std::move(token), kind_ == PrefsFileKind::Default
                                          ? "expected pref specifier at start of pref definition"
                                          : "expected 'user_pref' at start of pref definition");
        continue;
      }
      entry.line = line_;
      entry.statement_begin = token.begin;

      token = next_token();
      if (!token.is_char('(')) {
        token = recover(std::move(token), "expected '(' after pref specifier");
        continue;
      }

      token = next_token();
      if (token.kind != TokenKind::String) {
        token = recover(std::move(token), "expected pref name after '('");
        continue;
      }
      entry.name = std::move(token.text);

      token = next_token();
      if (!token.is_char(',')) {
        token = recover(std::move(token), "expected ',' after pref name");
        continue;
      }

      token = next_token();
      if (!read_value(token, entry)) continue;

      bool has_attributes = false;
      bool attributes_ok = true;
      token = next_token();
      if (kind_ == PrefsFileKind::Default) {
        while (token.is_char(',')) {
          token = next_token();
          if (token.kind == TokenKind::Sticky) {
            entry.sticky = true;
          } else if (token.kind == TokenKind::Locked) {
            entry.locked = true;
          } else {
            token = recover(std::move(token), "expected pref attribute after ','");
            attributes_ok = false;
            break;
          }
          has_attributes = true;
          token = next_token();
        }
        if (!attributes_ok) continue;
      }

      if (!token.is_char(')')) {
        const char* expected = "expected ')' after pref value";
        if (kind_ == PrefsFileKind::Default) {
          expected = has_attributes ? "expected ',' or ')' after pref attribute"
                                    : "expected ',' or ')' after pref value";
        }
        token = recover(std::move(token), expected);
        continue;
      }

      token = next_token();
      if (!token.is_char(';')) {
        token = recover(std::move(token), "expected ';' after ')'");
        continue;
      }
      entry.statement_end = token.end;
      entries_.push_back(std::move(entry));
      token = next_token();
    }
  }

 private:
  // Reads the value starting at `token` into `entry`; on an error, recovers and leaves the next
  // token in `token`.
  bool read_value(Token& token, PrefEntry& entry) {
    entry.value_begin = token.begin;
    constexpr std::uint32_t kMax = std::numeric_limits<std::int32_t>::max();
    switch (token.kind) {
      case TokenKind::True:
      case TokenKind::False:
        entry.type = PrefType::Bool;
        entry.bool_value = token.kind == TokenKind::True;
        entry.value_end = token.end;
        return true;
      case TokenKind::String:
        entry.type = PrefType::String;
        entry.string_value = std::move(token.text);
        entry.value_end = token.end;
        return true;
      case TokenKind::Int:
        if (token.int_value > kMax) {
          token = recover(overflow_token(), "");
          return false;
        }
        entry.type = PrefType::Int;
        entry.int_value = static_cast<std::int32_t>(token.int_value);
        entry.value_end = token.end;
        return true;
      case TokenKind::Char:
        if (token.ch == '-' || token.ch == '+') {
          const bool negative = token.ch == '-';
          Token digits = next_token();
          if (digits.kind != TokenKind::Int) {
            token = recover(std::move(digits), negative ? "expected integer literal after '-'"
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
          entry.value_end = digits.end;
          return true;
        }
        break;
      default:
        break;
    }
    token = recover(std::move(token), "expected pref value after ','");
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
    if (token.kind == TokenKind::Error) {
      errors_.push_back({token.error_line != 0 ? token.error_line : line_, token.error});
    } else {
      errors_.push_back({line_, parse_message});
    }
    while (true) {
      if (token.is_char(';')) return next_token();
      if (token.is_char('\0')) return token;
      token = next_token();
    }
  }

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
  // Offsets never point past the text itself, even after reading the implicit NUL.
  std::size_t offset() const { return std::min(pos_, text_.size()); }

  void skip_line_comment() {
    while (true) {
      const char c = get();
      if (c == '\n') {
        ++line_;
        return;
      }
      if (c == '\r') {
        ++line_;
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
        ++line_;
      } else if (c == '\r') {
        ++line_;
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
          ++line_;
          continue;
        case ' ':
        case '\t':
        case '\v':
        case '\f':
          continue;
        case '\r':
          match('\n');
          ++line_;
          continue;
        case '"':
        case '\'':
          return string_token(c, begin);
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

  Token keyword_token(std::size_t begin) {
    while (is_keyword_char(static_cast<unsigned char>(get()))) {
    }
    unget();
    const std::string_view word = text_.substr(begin, offset() - begin);
    static constexpr std::pair<std::string_view, TokenKind> kKeywords[] = {
        {"pref", TokenKind::Pref},
        {"true", TokenKind::True},
        {"false", TokenKind::False},
        {"user_pref", TokenKind::UserPref},
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

  Token string_token(char quote, std::size_t begin) {
    Token token;
    token.kind = TokenKind::String;
    // Only the first problem inside one literal is reported, at the line where it is.
    auto fail = [&](const char* message) {
      if (token.kind == TokenKind::String) {
        token.kind = TokenKind::Error;
        token.error = message;
        token.error_line = line_;
      }
    };
    std::string& out = token.text;
    while (true) {
      const char c = get();
      if (c == quote) break;
      if (c == '\\') {
        const char escaped = get();
        switch (escaped) {
          case '"':
          case '\'':
          case '\\':
            out += escaped;
            continue;
          case 'n':
            out += '\n';
            continue;
          case 'r':
            out += '\r';
            continue;
          case 'x': {
            const auto value = hex_digits(2);
            if (!value) {
              fail("malformed \\x escape sequence");
            } else if (*value == 0) {
              fail("\\x00 is not allowed");
            } else {
              out += static_cast<char>(*value);
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
            append_utf8(out, code_point);
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
        ++line_;
      } else if (c == '\r') {
        ++line_;
        out += '\r';
        if (match('\n')) out += '\n';
        continue;
      } else if (c == '\0') {
        fail("unterminated string literal");
        break;
      }
      out += c;
    }
    token.begin = begin;
    token.end = offset();
    return token;
  }

  std::string_view text_;
  PrefsFileKind kind_;
  std::vector<PrefEntry>& entries_;
  std::vector<PrefsError>& errors_;
  std::size_t& parsed_end_;
  std::size_t pos_ = 0;
  std::size_t line_ = 1;
};

bool is_line_end(char c) { return c == '\n' || c == '\r'; }

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

ParseResult PrefsDocument::load(std::string bytes, PrefsFileKind kind) {
  text_ = std::move(bytes);
  kind_ = kind;
  reparse();
  if (errors_.empty()) return ParseResult::success();
  return ParseResult::failure(errors_.front().line, 0,
                              "prefs parse error: " + errors_.front().message);
}

void PrefsDocument::reparse() {
  entries_.clear();
  errors_.clear();
  PrefsParser(text_, kind_, entries_, errors_, parsed_end_).parse();
}

const PrefEntry* PrefsDocument::find(std::string_view name) const {
  for (auto it = entries_.rbegin(); it != entries_.rend(); ++it) {
    if (it->name == name) return &*it;
  }
  return nullptr;
}

std::optional<PrefType> PrefsDocument::type_of(std::string_view name) const {
  const PrefEntry* entry = find(name);
  if (!entry) return std::nullopt;
  return entry->type;
}

std::optional<std::string> PrefsDocument::get_string(std::string_view name) const {
  const PrefEntry* entry = find(name);
  if (!entry || entry->type != PrefType::String) return std::nullopt;
  return entry->string_value;
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

bool PrefsDocument::set_string(std::string_view name, std::string_view value) {
  if (value.find('\0') != std::string_view::npos) return false;
  return set_literal(name, PrefType::String, escape_pref_string(value));
}

bool PrefsDocument::set_int(std::string_view name, std::int32_t value) {
  return set_literal(name, PrefType::Int, std::to_string(value));
}

bool PrefsDocument::set_bool(std::string_view name, bool value) {
  return set_literal(name, PrefType::Bool, value ? "true" : "false");
}

bool PrefsDocument::set_literal(std::string_view name, PrefType type, const std::string& literal) {
  if (name.find('\0') != std::string_view::npos) return false;
  if (const PrefEntry* entry = find(name)) {
    if (entry->type != type) return false;
    text_.replace(entry->value_begin, entry->value_end - entry->value_begin, literal);
    reparse();
    return true;
  }
  insert_line("user_pref(" + escape_pref_string(name) + ", " + literal + ");");
  return true;
}

std::string_view PrefsDocument::line_ending() const {
  const std::size_t at = text_.find_first_of("\r\n");
  if (at == std::string::npos || text_[at] == '\n') return "\n";
  if (at + 1 < text_.size() && text_[at + 1] == '\n') return "\r\n";
  return "\r";
}

namespace {

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

}  // namespace

void PrefsDocument::insert_line(const std::string& line) {
  const std::string eol(line_ending());
  auto statement = [&](const PrefEntry& entry) {
    return std::string_view(text_).substr(entry.statement_begin,
                                          entry.statement_end - entry.statement_begin);
  };
  bool sorted = !entries_.empty();
  for (std::size_t i = 1; i < entries_.size() && sorted; ++i) {
    sorted = !(statement(entries_[i]) < statement(entries_[i - 1]));
  }
  if (sorted) {
    for (const PrefEntry& entry : entries_) {
      if (std::string_view(line) < statement(entry)) {
        text_.insert(line_begin(text_, entry.statement_begin), line + eol);
        reparse();
        return;
      }
    }
    const std::size_t content_end =
        line_content_end(text_, entries_.back().statement_end, parsed_end_);
    if (content_end < parsed_end_) {
      text_.insert(skip_line_ending(text_, content_end), line + eol);
    } else {
      text_.insert(content_end, eol + line);
    }
    reparse();
    return;
  }
  // At the end of what Mozilla reads: before a NUL byte that ends the file early.
  if (parsed_end_ == body_begin(text_) || is_line_end(text_[parsed_end_ - 1])) {
    text_.insert(parsed_end_, line + eol);
  } else {
    text_.insert(parsed_end_, eol + line);
  }
  reparse();
}

bool PrefsDocument::remove(std::string_view name) {
  bool removed = false;
  // From the last statement backwards, so the earlier offsets stay valid.
  for (auto it = entries_.rbegin(); it != entries_.rend(); ++it) {
    if (it->name != name) continue;
    const std::size_t first = line_begin(text_, it->statement_begin);
    const std::size_t content_end = line_content_end(text_, it->statement_end, text_.size());
    const std::string_view view(text_);
    if (only_blanks(view.substr(first, it->statement_begin - first)) &&
        only_blanks(view.substr(it->statement_end, content_end - it->statement_end))) {
      text_.erase(first, skip_line_ending(text_, content_end) - first);
    } else {
      text_.erase(it->statement_begin, it->statement_end - it->statement_begin);
    }
    removed = true;
  }
  if (removed) reparse();
  return removed;
}

}  // namespace mailmig
