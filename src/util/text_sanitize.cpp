#include "src/util/text_sanitize.h"

namespace mailmig {
namespace {

constexpr std::string_view kReplacement = "\xEF\xBF\xBD";

// The length of the valid UTF-8 sequence at text[pos] and its code point; length 0 when the
// bytes there do not start one. On failure `bad` is the length of the maximal subpart to replace
// (at least 1), as Unicode's "substitution of maximal subparts" recommends.
struct Decoded {
  std::size_t length = 0;
  std::size_t bad = 1;
  char32_t code_point = 0;
};

Decoded decode_at(std::string_view text, std::size_t pos) {
  const auto byte = [&](std::size_t i) { return static_cast<unsigned char>(text[i]); };
  const unsigned char lead = byte(pos);
  if (lead < 0x80) return {1, 0, lead};
  std::size_t length = 0;
  char32_t code_point = 0;
  unsigned char low = 0x80;  // the range of the second byte depends on the lead (RFC 3629)
  unsigned char high = 0xBF;
  if (lead >= 0xC2 && lead <= 0xDF) {
    length = 2;
    code_point = lead & 0x1F;
  } else if (lead >= 0xE0 && lead <= 0xEF) {
    length = 3;
    code_point = lead & 0x0F;
    if (lead == 0xE0) low = 0xA0;   // no overlong forms
    if (lead == 0xED) high = 0x9F;  // no surrogates
  } else if (lead >= 0xF0 && lead <= 0xF4) {
    length = 4;
    code_point = lead & 0x07;
    if (lead == 0xF0) low = 0x90;   // no overlong forms
    if (lead == 0xF4) high = 0x8F;  // nothing above U+10FFFF
  } else {
    return {0, 1, 0};
  }
  for (std::size_t i = 1; i < length; ++i) {
    if (pos + i >= text.size()) return {0, i, 0};
    const unsigned char next = byte(pos + i);
    const unsigned char min = i == 1 ? low : 0x80;
    const unsigned char max = i == 1 ? high : 0xBF;
    if (next < min || next > max) return {0, i, 0};
    code_point = (code_point << 6) | (next & 0x3F);
  }
  return {length, 0, code_point};
}

bool is_ascii(char c) { return static_cast<unsigned char>(c) < 0x80; }

bool is_printable_ascii(char c) { return c >= 0x20 && c < 0x7F; }

bool needs_escape(char32_t c) {
  return c < 0x20 || c == 0x7F || (c >= 0x80 && c <= 0x9F) || (c >= 0x202A && c <= 0x202E) ||
         (c >= 0x2066 && c <= 0x2069) || c == 0x2028 || c == 0x2029;
}

void append_escape(std::string& out, char32_t c) {
  static constexpr char kHex[] = "0123456789abcdef";
  switch (c) {
    case '\t':
      out += "\\t";
      return;
    case '\n':
      out += "\\n";
      return;
    case '\r':
      out += "\\r";
      return;
    default:
      break;
  }
  if (c < 0x80) {
    out += "\\x";
    out += kHex[c >> 4];
    out += kHex[c & 0xF];
    return;
  }
  out += "\\u";
  for (int shift = 12; shift >= 0; shift -= 4) out += kHex[(c >> shift) & 0xF];
}

// `text` with each character given to on_character, and invalid UTF-8 replaced by U+FFFD. A
// run of ASCII bytes that kept(byte) keeps as they are is copied at once: most text is such.
template <typename Kept, typename OnCharacter>
std::string rewrite(std::string_view text, Kept kept, OnCharacter on_character) {
  std::string out;
  out.reserve(text.size());
  std::size_t pos = 0;
  while (pos < text.size()) {
    std::size_t run_end = pos;
    while (run_end < text.size() && kept(text[run_end])) ++run_end;
    out.append(text.substr(pos, run_end - pos));
    pos = run_end;
    if (pos == text.size()) break;
    const Decoded decoded = decode_at(text, pos);
    if (decoded.length == 0) {
      out += kReplacement;
      pos += decoded.bad;
      continue;
    }
    on_character(out, text.substr(pos, decoded.length), decoded.code_point);
    pos += decoded.length;
  }
  return out;
}

}  // namespace

std::string valid_utf8(std::string_view text) {
  // Most text is already valid: check before copying character by character.
  std::size_t pos = 0;
  while (pos < text.size()) {
    const Decoded decoded = decode_at(text, pos);
    if (decoded.length == 0) break;
    pos += decoded.length;
  }
  if (pos == text.size()) return std::string(text);
  return rewrite(
      text, [](char c) { return is_ascii(c); },
      [](std::string& out, std::string_view bytes, char32_t) { out += bytes; });
}

std::string printable(std::string_view text) {
  return rewrite(text, is_printable_ascii,
                 [](std::string& out, std::string_view bytes, char32_t c) {
                   if (needs_escape(c)) {
                     append_escape(out, c);
                   } else {
                     out += bytes;
                   }
                 });
}

std::string quoted(std::string_view text) {
  const auto kept = [](char c) { return is_printable_ascii(c) && c != '"' && c != '\\'; };
  const std::string body =
      rewrite(text, kept, [](std::string& out, std::string_view bytes, char32_t c) {
        if (c == '"' || c == '\\') {
          out += '\\';
          out += static_cast<char>(c);
        } else if (needs_escape(c)) {
          append_escape(out, c);
        } else {
          out += bytes;
        }
      });
  return '"' + body + '"';
}

}  // namespace mailmig
