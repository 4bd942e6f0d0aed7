// The one way a format document edits its bytes: replacements of byte spans of the parsed input,
// kept sorted by offset and applied only when the bytes are asked for. An edit costs its own
// bytes, never a copy or a re-parse of the whole document, and a document without edits gives
// its input back unchanged.
#pragma once

#include <cstddef>
#include <span>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace mailmig {

class SpanEditor {
 public:
  struct Edit {
    std::pair<std::size_t, std::size_t> span;  // (offset, length)
    std::string text;
  };

  // Replaces the input's bytes [offset, offset + length) by `text`; length 0 inserts `text`
  // before the byte at `offset` (an insertion goes before a replacement that starts there).
  // The same span may be replaced again: the last text wins. Returns false, changing nothing,
  // when the span overlaps another edit's span, or an insertion falls inside one.
  bool replace(std::size_t offset, std::size_t length, std::string text);

  // Replaces `erase` bytes at `at` of the text of the edit of exactly [offset, offset + length)
  // by `text`: a change inside one edit, such as one of several lines inserted at one offset.
  // Returns false, changing nothing, when there is no such edit or its text is too short.
  bool edit_text(std::size_t offset, std::size_t length, std::size_t at, std::size_t erase,
                 std::string_view text);
  // Drops the edit of exactly [offset, offset + length); false when there is none.
  bool erase(std::size_t offset, std::size_t length);

  // The text that replaces exactly [offset, offset + length), or nullptr when there is none.
  const std::string* replacement(std::size_t offset, std::size_t length) const;
  // The edits whose spans start at offsets in [first, last], in the order they apply.
  std::span<const Edit> starting_in(std::size_t first, std::size_t last) const;
  // The last edit that starts before `offset`, or nullptr.
  const Edit* last_starting_before(std::size_t offset) const;

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
  // Sorted by span: an insertion sorts before the replacement of a span at its offset. A vector,
  // not a map: a document's edits mostly come in file order and land at or near the end, and a
  // large plan makes one edit for every few keys (no node allocation each).
  std::vector<Edit> edits_;

  std::vector<Edit>::const_iterator find_at_or_after(
      std::pair<std::size_t, std::size_t> span) const;
  std::ptrdiff_t growth_ = 0;  // applied size minus input size
};

}  // namespace mailmig
