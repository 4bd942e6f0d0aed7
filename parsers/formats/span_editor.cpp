#include "parsers/formats/span_editor.h"

#include <algorithm>
#include <functional>
#include <iterator>
#include <limits>

namespace mailmig {

namespace {

// Whether [a, a + a_length) and [b, b + b_length) cannot both be edited: they share a byte, or
// one is an insertion strictly inside the other.
bool overlap(std::size_t a, std::size_t a_length, std::size_t b, std::size_t b_length) {
  if (a_length == 0) return b < a && a < b + b_length;
  if (b_length == 0) return a < b && b < a + a_length;
  return a < b + b_length && b < a + a_length;
}

constexpr std::size_t kMax32 = std::numeric_limits<std::uint32_t>::max();

// Whether the span [offset, offset + length) can be kept in an Edit.
bool fits_32_bits(std::size_t offset, std::size_t length) {
  return length <= kMax32 && offset <= kMax32 - length;
}

std::uint32_t to_32_bits(std::size_t value) { return static_cast<std::uint32_t>(value); }

}  // namespace

SpanEditor::Position SpanEditor::find_at_or_after(Key key) const {
  auto key_of = [](const Edit& edit) { return Key{edit.offset, edit.length}; };
  const auto block = std::lower_bound(blocks_.begin(), blocks_.end(), key,
                                      [&](const std::vector<Edit>& edits, const Key& wanted) {
                                        return key_of(edits.back()) < wanted;
                                      });
  if (block == blocks_.end()) return {blocks_.size(), 0};
  const auto edit = std::lower_bound(
      block->begin(), block->end(), key,
      [&](const Edit& candidate, const Key& wanted) { return key_of(candidate) < wanted; });
  return {static_cast<std::size_t>(block - blocks_.begin()),
          static_cast<std::size_t>(edit - block->begin())};
}

const SpanEditor::Edit* SpanEditor::at(Position position) const {
  return position.block < blocks_.size() ? &blocks_[position.block][position.index] : nullptr;
}

SpanEditor::Edit* SpanEditor::at(Position position) {
  return position.block < blocks_.size() ? &blocks_[position.block][position.index] : nullptr;
}

SpanEditor::Position SpanEditor::next(Position position) const {
  if (++position.index == blocks_[position.block].size()) return {position.block + 1, 0};
  return position;
}

const SpanEditor::Edit* SpanEditor::before(Position position) const {
  if (position.index > 0) return &blocks_[position.block][position.index - 1];
  return position.block == 0 ? nullptr : &blocks_[position.block - 1].back();
}

void SpanEditor::insert(Position position, Edit edit) {
  // A block is split in two halves when it reaches this size.
  constexpr std::size_t kBlockLimit = 256;
  if (blocks_.empty()) {
    blocks_.push_back({edit});
    return;
  }
  if (position.block == blocks_.size()) position = {blocks_.size() - 1, blocks_.back().size()};
  std::vector<Edit>& block = blocks_[position.block];
  // Edits made in file order (most plans) land at the end: a full last block is then followed
  // by a new one, not split in two halves that would stay half empty.
  if (position.block + 1 == blocks_.size() && position.index == block.size() &&
      block.size() + 1 >= kBlockLimit) {
    std::vector<Edit> next;
    next.reserve(kBlockLimit);
    next.push_back(edit);
    blocks_.push_back(std::move(next));
    return;
  }
  block.insert(block.begin() + static_cast<std::ptrdiff_t>(position.index), edit);
  if (block.size() < kBlockLimit) return;
  const auto half = static_cast<std::ptrdiff_t>(block.size() / 2);
  std::vector<Edit> upper(block.begin() + half, block.end());
  block.erase(block.begin() + half, block.end());
  blocks_.insert(blocks_.begin() + static_cast<std::ptrdiff_t>(position.block) + 1,
                 std::move(upper));
}

bool SpanEditor::replace(std::size_t offset, std::size_t length, std::string_view text) {
  if (stored_here(text)) return replace(offset, length, std::string(text));
  if (!fits_32_bits(offset, length) || !room_for(text.size())) return false;
  const Position position = find_at_or_after({offset, length});
  if (Edit* found = at(position); found && found->offset == offset && found->length == length) {
    growth_ +=
        static_cast<std::ptrdiff_t>(text.size()) - static_cast<std::ptrdiff_t>(found->text_size);
    splice(*found, 0, found->text_size, text);
    compact_if_wasteful();
    return true;
  }
  // Only the edit just before and the edits starting inside the span can overlap it.
  const Edit* previous = before(position);
  if (previous && overlap(offset, length, previous->offset, previous->length)) return false;
  for (Position later = position; const Edit* edit = at(later); later = next(later)) {
    if (edit->offset > offset + length) break;
    if (overlap(offset, length, edit->offset, edit->length)) return false;
  }
  growth_ += static_cast<std::ptrdiff_t>(text.size()) - static_cast<std::ptrdiff_t>(length);
  Edit edit{to_32_bits(offset), to_32_bits(length), 0, 0};
  splice(edit, 0, 0, text);
  insert(position, edit);
  ++edit_count_;
  return true;
}

bool SpanEditor::edit_text(std::size_t offset, std::size_t length, std::size_t at,
                           std::size_t erase, std::string_view text) {
  if (stored_here(text)) return edit_text(offset, length, at, erase, std::string(text));
  Edit* found = this->at(find_at_or_after({offset, length}));
  if (!found || found->offset != offset || found->length != length) return false;
  const std::size_t size = found->text_size;
  if (at > size || erase > size - at || !room_for(size - erase + text.size())) return false;
  splice(*found, at, erase, text);
  growth_ += static_cast<std::ptrdiff_t>(text.size()) - static_cast<std::ptrdiff_t>(erase);
  compact_if_wasteful();
  return true;
}

bool SpanEditor::erase(std::size_t offset, std::size_t length) {
  const Position position = find_at_or_after({offset, length});
  Edit* found = at(position);
  if (!found || found->offset != offset || found->length != length) return false;
  growth_ -= static_cast<std::ptrdiff_t>(found->text_size) - static_cast<std::ptrdiff_t>(length);
  splice(*found, 0, found->text_size, {});
  std::vector<Edit>& block = blocks_[position.block];
  block.erase(block.begin() + static_cast<std::ptrdiff_t>(position.index));
  if (block.empty()) blocks_.erase(blocks_.begin() + static_cast<std::ptrdiff_t>(position.block));
  --edit_count_;
  compact_if_wasteful();
  return true;
}

void SpanEditor::clear() {
  blocks_.clear();
  edit_count_ = 0;
  chunks_.clear();
  stored_ = 0;
  garbage_ = 0;
  growth_ = 0;
}

bool SpanEditor::stored_here(std::string_view text) const {
  const std::less<const char*> before;
  return !text.empty() && std::any_of(chunks_.begin(), chunks_.end(), [&](const auto& chunk) {
    return !before(text.data(), chunk.data()) && before(text.data(), chunk.data() + chunk.size());
  });
}

bool SpanEditor::room_for(std::size_t bytes) const {
  // Places are 32 bits, so there are at most 2^(32 - kOffsetBits) chunks: 4 GiB of texts, far
  // beyond the documents the product reads.
  constexpr std::size_t kMaxChunks = std::size_t{1} << (32 - kOffsetBits);
  return bytes <= kMax32 && (chunks_.size() < kMaxChunks || last_chunk_takes(bytes));
}

bool SpanEditor::last_chunk_takes(std::size_t bytes) const {
  // A text starts in a chunk's first kChunkSize bytes, which its place can tell.
  return !chunks_.empty() && chunks_.back().size() < kChunkSize &&
         chunks_.back().capacity() - chunks_.back().size() >= bytes;
}

std::uint32_t SpanEditor::allocate(std::size_t bytes) {
  if (!last_chunk_takes(bytes)) {
    // Chunks grow with the store up to kChunkSize, so that a few edits take little.
    constexpr std::size_t kFirstChunkSize = 256;
    chunks_.emplace_back().reserve(
        std::max(bytes, std::clamp(stored_, kFirstChunkSize, kChunkSize)));
  }
  std::vector<char>& chunk = chunks_.back();
  const std::size_t offset = chunk.size();
  chunk.resize(offset + bytes);  // within its capacity: nothing stored moves
  stored_ += bytes;
  return to_32_bits((chunks_.size() - 1) << kOffsetBits | offset);
}

char* SpanEditor::bytes_at(std::uint32_t place) {
  return chunks_[place >> kOffsetBits].data() + (place & (kChunkSize - 1));
}

bool SpanEditor::ends_last_chunk(const Edit& edit) const {
  return edit.text_size > 0 && (edit.text_begin >> kOffsetBits) == chunks_.size() - 1 &&
         (edit.text_begin & (kChunkSize - 1)) + edit.text_size == chunks_.back().size();
}

void SpanEditor::splice(Edit& edit, std::size_t at, std::size_t erase, std::string_view text) {
  const std::size_t size = edit.text_size;
  const std::size_t edited_size = size - erase + text.size();
  const std::size_t tail = size - at - erase;  // the bytes after the replaced ones
  if (size == 0 && edited_size == 0) return;   // an empty text has no place
  const bool at_end = ends_last_chunk(edit);
  if (edited_size <= size ||
      (at_end && chunks_.back().capacity() - chunks_.back().size() >= edited_size - size)) {
    std::vector<char>& chunk = chunks_[edit.text_begin >> kOffsetBits];
    const std::size_t offset = edit.text_begin & (kChunkSize - 1);
    if (at_end) chunk.resize(offset + std::max(size, edited_size));  // within its capacity
    char* own = chunk.data() + offset;
    std::char_traits<char>::move(own + at + text.size(), own + at + erase, tail);
    std::char_traits<char>::copy(own + at, text.data(), text.size());
    if (at_end) {
      chunk.resize(offset + edited_size);
      stored_ = stored_ - size + edited_size;
    } else {
      garbage_ += size - edited_size;
    }
  } else {
    const std::uint32_t place = allocate(edited_size);
    const std::string_view own = text_in(chunks_, edit);
    char* edited = bytes_at(place);
    std::char_traits<char>::copy(edited, own.data(), at);
    std::char_traits<char>::copy(edited + at, text.data(), text.size());
    std::char_traits<char>::copy(edited + at + text.size(), own.data() + at + erase, tail);
    garbage_ += size;
    edit.text_begin = place;
  }
  edit.text_size = to_32_bits(edited_size);
}

void SpanEditor::compact_if_wasteful() {
  // A compaction costs the live bytes and one step per edit: the garbage pays for it first.
  constexpr std::size_t kGarbageAlwaysKept = 4096;
  const std::size_t live = stored_ - garbage_;
  if (garbage_ > kGarbageAlwaysKept && garbage_ > live + edit_count_) compact();
}

void SpanEditor::compact() {
  const Chunks old = std::exchange(chunks_, {});
  stored_ = 0;
  garbage_ = 0;
  for (std::vector<Edit>& block : blocks_) {
    for (Edit& edit : block) {
      const std::string_view text = text_in(old, edit);
      if (text.empty()) continue;
      edit.text_begin = allocate(text.size());
      std::char_traits<char>::copy(bytes_at(edit.text_begin), text.data(), text.size());
    }
  }
}

std::vector<SpanEditor::Edit> SpanEditor::starting_in(std::size_t first, std::size_t last) const {
  std::vector<Edit> edits;
  for (Position position = find_at_or_after({first, 0}); const Edit* edit = at(position);
       position = next(position)) {
    if (edit->offset > last) break;
    edits.push_back(*edit);
  }
  return edits;
}

const SpanEditor::Edit* SpanEditor::last_starting_before(std::size_t offset) const {
  return before(find_at_or_after({offset, 0}));
}

std::optional<std::string_view> SpanEditor::replacement(std::size_t offset,
                                                        std::size_t length) const {
  const Edit* found = at(find_at_or_after({offset, length}));
  if (!found || found->offset != offset || found->length != length) return std::nullopt;
  return text(*found);
}

bool SpanEditor::changes(std::string_view input) const {
  for (const std::vector<Edit>& block : blocks_) {
    for (const Edit& edit : block) {
      if (input.substr(edit.offset, edit.length) != text(edit)) return true;
    }
  }
  return false;
}

bool SpanEditor::gives(std::string_view input, std::string_view other) const {
  if (other.size() != applied_size(input.size())) return false;
  std::size_t at = 0;  // in other
  return for_each_piece(input, [&](std::string_view piece) {
    if (other.substr(at, piece.size()) != piece) return false;
    at += piece.size();
    return true;
  });
}

std::size_t SpanEditor::applied_size(std::size_t input_size) const {
  return static_cast<std::size_t>(static_cast<std::ptrdiff_t>(input_size) + growth_);
}

std::string SpanEditor::apply(std::string_view input) const {
  if (blocks_.empty()) return std::string(input);
  std::string out;
  out.reserve(applied_size(input.size()));
  for_each_piece(input, [&](std::string_view piece) {
    out += piece;
    return true;
  });
  return out;
}

}  // namespace mailmig
