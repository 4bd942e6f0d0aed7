#include "src/cli/utf8_joiner.h"

#include <cstddef>
#include <utility>

namespace mailmig {

namespace {

bool is_continuation(unsigned char byte) { return (byte & 0xC0) == 0x80; }

// The length a lead byte announces; 0 for a byte that cannot start a sequence.
std::size_t announced_length(unsigned char lead) {
  if (lead >= 0xC2 && lead <= 0xDF) return 2;
  if (lead >= 0xE0 && lead <= 0xEF) return 3;
  if (lead >= 0xF0 && lead <= 0xF4) return 4;
  return 0;
}

// How many bytes at the end of `text` are the start of a sequence still missing bytes.
std::size_t unfinished_tail(std::string_view text) {
  std::size_t continuations = 0;
  while (continuations < 3 && continuations < text.size() &&
         is_continuation(static_cast<unsigned char>(text[text.size() - 1 - continuations]))) {
    ++continuations;
  }
  if (continuations == text.size()) return 0;
  const auto lead = static_cast<unsigned char>(text[text.size() - 1 - continuations]);
  const std::size_t present = continuations + 1;
  return present < announced_length(lead) ? present : 0;
}

}  // namespace

std::string Utf8Joiner::whole_sequences(std::string_view bytes) {
  std::string text = std::move(held_);
  text.append(bytes);
  const std::size_t tail = unfinished_tail(text);
  held_ = text.substr(text.size() - tail);
  text.resize(text.size() - tail);
  return text;
}

std::string Utf8Joiner::release() { return std::exchange(held_, std::string()); }

}  // namespace mailmig
