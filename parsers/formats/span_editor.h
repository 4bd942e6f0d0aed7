// The one way a format document edits its bytes: replacements of byte spans of the parsed input,
// kept sorted by offset and applied only when the bytes are asked for. An edit costs its own
// bytes, never a copy or a re-parse of the whole document, and a document without edits gives
// its input back unchanged.
#pragma once

#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace mailmig {

class SpanEditor {
 public:
  // One edit: the span it replaces, and where text() finds the bytes that replace it. 32 bits
  // suffice (the product refuses files over 64 MiB), and keep a large plan's edits small.
  struct Edit {
    std::uint32_t offset;
    std::uint32_t length;
    std::uint32_t text_begin;  // its place in the editor's store of texts (chunks_)
    std::uint32_t text_size;
  };

  // Replaces the input's bytes [offset, offset + length) by `text`; length 0 inserts `text`
  // before the byte at `offset` (an insertion goes before a replacement that starts there).
  // The same span may be replaced again: the last text wins. Returns false, changing nothing,
  // when the span overlaps another edit's span, or an insertion falls inside one, or the span or
  // the texts would not fit 32 bits.
  bool replace(std::size_t offset, std::size_t length, std::string_view text);

  // Replaces `erase` bytes at `at` of the text of the edit of exactly [offset, offset + length)
  // by `text`: a change inside one edit, such as one of several lines inserted at one offset.
  // Returns false, changing nothing, when there is no such edit or its text is too short (or
  // would not fit 32 bits).
  bool edit_text(std::size_t offset, std::size_t length, std::size_t at, std::size_t erase,
                 std::string_view text);
  // Drops the edit of exactly [offset, offset + length); false when there is none.
  bool erase(std::size_t offset, std::size_t length);
  // Drops every edit.
  void clear();

  // Views of texts (replacement(), text()) and Edit pointers are valid until the next change.

  // The text that replaces exactly [offset, offset + length), or nullopt when there is none.
  std::optional<std::string_view> replacement(std::size_t offset, std::size_t length) const;
  // The edits whose spans start at offsets in [first, last], in the order they apply.
  std::vector<Edit> starting_in(std::size_t first, std::size_t last) const;
  // The last edit that starts before `offset`, or nullptr.
  const Edit* last_starting_before(std::size_t offset) const;
  // The bytes that replace the span of `edit`.
  std::string_view text(const Edit& edit) const { return text_in(chunks_, edit); }
  // The bytes the texts take, those that replaced or erased texts left behind included: what
  // the edits cost in memory besides 16 bytes each. At most about twice the live texts.
  std::size_t stored_bytes() const { return stored_; }

  bool empty() const { return blocks_.empty(); }
  // Whether the edits give other bytes than `input`, found without building them.
  bool changes(std::string_view input) const;
  // Whether apply(input) == other, found without building it.
  bool gives(std::string_view input, std::string_view other) const;
  // `input` with every edit applied, in one pass.
  std::string apply(std::string_view input) const;
  // The size apply(input) would have.
  std::size_t applied_size(std::size_t input_size) const;
  // Calls visit(piece) with the bytes of apply(input) in order, piece by piece (an edit's text,
  // or the input between two edits), until it returns false; returns whether it never did.
  template <typename Visit>
  bool for_each_piece(std::string_view input, Visit visit) const {
    std::size_t copied = 0;
    for (const std::vector<Edit>& block : blocks_) {
      for (const Edit& edit : block) {
        if (!visit(input.substr(copied, edit.offset - copied)) || !visit(text(edit))) {
          return false;
        }
        copied = std::size_t{edit.offset} + edit.length;
      }
    }
    return visit(input.substr(copied));
  }

 private:
  using Key = std::pair<std::size_t, std::size_t>;  // (offset, length): the order of the edits
  struct Position {
    std::size_t block;
    std::size_t index;
  };

  // The edits, sorted by span (an insertion sorts before the replacement of a span at its
  // offset), in blocks of a bounded size: an edit that lands among the others (prefs.js edits
  // come in account order, not file order) moves only the rest of its block, and a large plan's
  // edits (one for every few keys) need no node allocation each. Items are small and trivially
  // copyable; the texts are kept apart.
  std::vector<std::vector<Edit>> blocks_;
  std::size_t edit_count_ = 0;  // the items of blocks_
  // Every edit's text, one after another, in chunks that are never reallocated: no allocation
  // per edit, and no copy of the texts (nor an old and a new copy at once) as they grow. A text
  // is at text_begin = chunk << kOffsetBits | offset; one longer than a chunk gets a chunk of its
  // own. A text replaced by a longer one moves to the end unless it ends the last chunk and fits
  // there; the bytes it leaves, and those of erased texts, are garbage until compact() once they
  // outweigh the rest, so that re-writing one text again and again (lines inserted one by one at
  // one place) keeps the store within about twice its live bytes.
  using Chunks = std::vector<std::vector<char>>;
  static constexpr unsigned kOffsetBits = 20;
  static constexpr std::size_t kChunkSize = std::size_t{1} << kOffsetBits;
  Chunks chunks_;              // each filled up to its capacity at most
  std::size_t stored_ = 0;     // bytes in use in chunks_
  std::size_t garbage_ = 0;    // bytes in use in chunks_ that no edit's text covers
  std::ptrdiff_t growth_ = 0;  // applied size minus input size

  // The first edit whose span is not before `key`; {blocks_.size(), 0} when there is none.
  Position find_at_or_after(Key key) const;
  const Edit* at(Position position) const;
  Edit* at(Position position);
  Position next(Position position) const;
  const Edit* before(Position position) const;
  void insert(Position position, Edit edit);

  static std::string_view text_in(const Chunks& chunks, const Edit& edit) {
    if (edit.text_size == 0) return {};  // an empty text has no place
    const std::vector<char>& chunk = chunks[edit.text_begin >> kOffsetBits];
    return {chunk.data() + (edit.text_begin & (kChunkSize - 1)), edit.text_size};
  }
  // Whether `text` points into chunks_, whose bytes a change may overwrite.
  bool stored_here(std::string_view text) const;
  // Whether `bytes` more can be stored with 32-bit places.
  bool room_for(std::size_t bytes) const;
  bool last_chunk_takes(std::size_t bytes) const;
  // The place of `bytes` new bytes at the end of the store.
  std::uint32_t allocate(std::size_t bytes);
  char* bytes_at(std::uint32_t place);
  // Replaces `erase` bytes at `at` of the text of `edit` by `text`: in place when the text gets
  // no longer or ends the last chunk with room to grow, else in a new place at the end.
  void splice(Edit& edit, std::size_t at, std::size_t erase, std::string_view text);
  bool ends_last_chunk(const Edit& edit) const;
  void compact_if_wasteful();
  // Stores the live texts again, one after another in the order of the edits.
  void compact();
};

}  // namespace mailmig
