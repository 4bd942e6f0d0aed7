#include "src/encoding/codec.h"

#include <iconv.h>

#include <cerrno>
#include <memory>

namespace mailmig {
namespace {

struct IconvCloser {
  void operator()(void* handle) const { iconv_close(static_cast<iconv_t>(handle)); }
};

}  // namespace

Conversion convert_encoding(std::string_view input, const char* from, const char* to) {
  Conversion result;
  iconv_t raw = iconv_open(to, from);
  if (raw == reinterpret_cast<iconv_t>(-1)) {
    result.error = std::string("no conversion from ") + from + " to " + to;
    return result;
  }
  std::unique_ptr<void, IconvCloser> handle(raw);

  std::string out;
  out.resize(input.size() * 2 + 16);
  // iconv's API takes a non-const input pointer but never writes through it.
  char* in_ptr = const_cast<char*>(input.data());
  std::size_t in_left = input.size();
  std::size_t out_used = 0;
  while (true) {
    char* out_ptr = out.data() + out_used;
    std::size_t out_left = out.size() - out_used;
    const std::size_t rc = in_left == 0 ? iconv(raw, nullptr, nullptr, &out_ptr, &out_left)
                                        : iconv(raw, &in_ptr, &in_left, &out_ptr, &out_left);
    out_used = out.size() - out_left;
    if (rc != static_cast<std::size_t>(-1)) {
      if (in_left == 0) break;
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
