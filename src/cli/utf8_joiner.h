// Text reaches a Windows console as UTF-16 (WriteConsoleW), converted from mailmig's UTF-8 one
// stream buffer at a time. A buffer may end inside a character: converted alone, its bytes would
// show as one or more U+FFFD and the next buffer would start with more. The joiner holds such an
// unfinished sequence until its remaining bytes arrive.
#pragma once

#include <string>
#include <string_view>

namespace mailmig {

class Utf8Joiner {
 public:
  // What is held from before followed by `bytes`, up to the end of the last whole sequence; an
  // unfinished sequence at the end is held for the next call. Invalid bytes pass through (the
  // conversion shows them as U+FFFD), so nothing is held for ever.
  std::string whole_sequences(std::string_view bytes);

  // The held bytes, given up (at the end of output: a sequence that never finished).
  std::string release();

 private:
  std::string held_;
};

}  // namespace mailmig
