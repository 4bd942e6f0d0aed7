#include "src/encoding/codec.h"

#include <iconv.h>

#include <cerrno>
#include <memory>
#include <string>

namespace mailmig {
namespace {

struct IconvCloser {
  void operator()(void* handle) const { iconv_close(static_cast<iconv_t>(handle)); }
};

// A descriptor between two encodings, in its initial shift state. iconv_open costs more than
// converting a short text (a value read from a .reg export, one at a time), so the last one is
// kept for the next conversion between the same encodings (one a thread, as a descriptor's
// state is its own). Error: (iconv_t)-1.
iconv_t open_iconv(const char* from, const char* to) {
  struct Cached {
    std::string from;
    std::string to;
    std::unique_ptr<void, IconvCloser> handle;
  };
  thread_local Cached cached;
  if (cached.handle && cached.from == from && cached.to == to) {
    const auto raw = static_cast<iconv_t>(cached.handle.get());
    iconv(raw, nullptr, nullptr, nullptr, nullptr);  // back to the initial state
    return raw;
  }
  const iconv_t raw = iconv_open(to, from);
  if (raw == reinterpret_cast<iconv_t>(-1)) return raw;
  cached.handle.reset(raw);
  cached.from = from;
  cached.to = to;
  return raw;
}

}  // namespace

Conversion convert_encoding(std::string_view input, const char* from, const char* to) {
  Conversion result;
  const iconv_t raw = open_iconv(from, to);
  if (raw == reinterpret_cast<iconv_t>(-1)) {
    result.error = std::string("no conversion from ") + from + " to " + to;
    return result;
  }

  std::string out;
  out.resize(input.size() * 2 + 16);
  // iconv's API takes a non-const input pointer but never writes through it.
  char* in_ptr = const_cast<char*>(input.data());
  std::size_t in_left = input.size();
  std::size_t out_used = 0;
  while (true) {
    char* out_ptr = out.data() + out_used;
    std::size_t out_left = out.size() - out_used;
    // Once every byte is in, one more call without input writes what returns a stateful
    // encoding (ISO-2022-JP) to its initial shift state, as a whole text must end.
    const bool flushing = in_left == 0;
    const std::size_t rc = flushing ? iconv(raw, nullptr, nullptr, &out_ptr, &out_left)
                                    : iconv(raw, &in_ptr, &in_left, &out_ptr, &out_left);
    out_used = out.size() - out_left;
    if (rc != static_cast<std::size_t>(-1)) {
      if (flushing) break;
      continue;
    }
    if (errno == E2BIG) {
      out.resize(out.size() * 2);
      continue;
    }
    result.error_offset = input.size() - in_left;
    result.error =
        errno == EILSEQ
            ? std::string("a character that cannot be converted from ") + from + " to " + to
            : std::string("an incomplete character at the end of the ") + from + " text";
    return result;
  }
  out.resize(out_used);
  result.ok = true;
  result.text = std::move(out);
  return result;
}

}  // namespace mailmig
