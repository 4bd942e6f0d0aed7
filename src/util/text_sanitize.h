// Text leaving mailmig: profiles, policies and report databases are written by others, so every
// value they supply is made safe for the output it lands in before it is printed or stored.
#pragma once

#include <string>
#include <string_view>

namespace mailmig {

// The text with every invalid UTF-8 sequence (a stray byte, a truncated or overlong sequence, a
// surrogate, a code point above U+10FFFF) replaced by U+FFFD, one per maximal bad subpart.
std::string valid_utf8(std::string_view text);

// One value for a terminal or a line-based log: valid UTF-8 in which no character can move the
// cursor, start an escape sequence, break the line or reorder the text. C0 controls (TAB, CR and
// LF included) and DEL become \t, \r, \n or \xHH; C1 controls, the bidi embeddings, overrides and
// isolates (U+202A-U+202E, U+2066-U+2069) and the line and paragraph separators become \uHHHH.
// Everything else, a backslash included, is kept as it is.
std::string printable(std::string_view text);

// The text between double quotes, escaped as printable() does and with '"' and '\\' escaped too,
// so that it reads back exactly (after U+FFFD repair): a value in a logfmt line.
std::string quoted(std::string_view text);

}  // namespace mailmig
