// The one way a format document edits its bytes: replacements of byte spans of the parsed input,
// kept sorted by offset and applied only when the bytes are asked for. An edit costs its own
// bytes, never a copy or a re-parse of the whole document, and a document without edits gives
// its input back unchanged.
#pragma once

#include <cstddef>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace mailmig {

class SpanEditor {
 public:
  // Replaces the input's bytes [offset, offset + length) by `text`; length 0 inserts `text`
  // before the byte at `offset` (an insertion goes before a replacement that starts there).
  // The same span may be replaced again: the last text wins. Returns false, changing nothing,
  // when the span overlaps another edit's span, or an insertion falls inside one.
  bool replace(std::size_t offset, std::size_t length, std::string text);

  // The text that replaces exactly [offset, offset + length), or nullptr when there is none.
  const std::string* replacement(std::size_t offset, std::size_t length) const;

  bool empty() const { return edits_.empty(); }
  // Whether the edits give other bytes than `input`, found without building them.
  bool changes(std::string_view input) const;
  // Whether apply(input) == other, found without building it.
  bool gives(std::string_view input, std::string_view other) const;
  // `input` with every edit applied, in one pass.
  std::string apply(std::string_view input) const;
  // The size apply(input) would have.
  std::size_t applied_size(std::size_t input_size) const;

 private:
  struct Edit {
    std::pair<std::size_t, std::size_t> span;  // (offset, length)
    std::string text;
  };
  // Sorted by span: an insertion sorts before the replacement of a span at its offset. A vector,
  // not a map: a document's edits mostly come in file order and land at or near the end, and a
  // large plan makes one edit for every few keys (no node allocation each).
  std::vector<Edit> edits_;

  std::vector<Edit>::const_iterator find_at_or_after(
      std::pair<std::size_t, std::size_t> span) const;
  std::ptrdiff_t growth_ = 0;  // applied size minus input size
};

}  // namespace mailmig
