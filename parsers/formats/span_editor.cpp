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
    store(*found, text);
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
  insert(position, Edit{to_32_bits(offset), to_32_bits(length), to_32_bits(texts_.size()),
                        to_32_bits(text.size())});
  texts_ += text;
  ++edit_count_;
  return true;
}

bool SpanEditor::edit_text(std::size_t offset, std::size_t length, std::size_t at,
                           std::size_t erase, std::string_view text) {
  if (stored_here(text)) return edit_text(offset, length, at, erase, std::string(text));
  Edit* found = this->at(find_at_or_after({offset, length}));
  if (!found || found->offset != offset || found->length != length) return false;
  const std::size_t size = found->text_size;
  if (at > size || erase > size - at) return false;
  const std::size_t edited_size = size - erase + text.size();
  if (edited_size > kMax32 || !room_for(edited_size)) return false;
  if (edited_size <= size) {
    char* own = texts_.data() + found->text_begin;
    std::char_traits<char>::move(own + at + text.size(), own + at + erase, size - at - erase);
    std::char_traits<char>::copy(own + at, text.data(), text.size());
    garbage_ += size - edited_size;
  } else if (ends_texts(*found)) {
    texts_.replace(found->text_begin + at, erase, text);  // only its own bytes follow
  } else {
    const std::size_t begin = texts_.size();
    texts_.resize(begin + edited_size);
    char* edited = texts_.data() + begin;
    const char* own = texts_.data() + found->text_begin;
    std::char_traits<char>::copy(edited, own, at);
    std::char_traits<char>::copy(edited + at, text.data(), text.size());
    std::char_traits<char>::copy(edited + at + text.size(), own + at + erase, size - at - erase);
    garbage_ += size;
    found->text_begin = to_32_bits(begin);
  }
  found->text_size = to_32_bits(edited_size);
  growth_ += static_cast<std::ptrdiff_t>(text.size()) - static_cast<std::ptrdiff_t>(erase);
  compact_if_wasteful();
  return true;
}

bool SpanEditor::erase(std::size_t offset, std::size_t length) {
  const Position position = find_at_or_after({offset, length});
  const Edit* found = at(position);
  if (!found || found->offset != offset || found->length != length) return false;
  growth_ -= static_cast<std::ptrdiff_t>(found->text_size) - static_cast<std::ptrdiff_t>(length);
  garbage_ += found->text_size;
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
  texts_.clear();
  garbage_ = 0;
  growth_ = 0;
}

bool SpanEditor::stored_here(std::string_view text) const {
  const std::less<const char*> before;
  return !text.empty() && !before(text.data(), texts_.data()) &&
         before(text.data(), texts_.data() + texts_.size());
}

bool SpanEditor::room_for(std::size_t bytes) {
  if (bytes <= kMax32 - texts_.size()) return true;
  compact();
  return bytes <= kMax32 - texts_.size();
}

void SpanEditor::store(Edit& edit, std::string_view text) {
  if (text.size() <= edit.text_size) {
    texts_.replace(edit.text_begin, text.size(), text);
    garbage_ += edit.text_size - text.size();
  } else if (ends_texts(edit)) {
    texts_.replace(edit.text_begin, edit.text_size, text);  // only its own bytes follow
  } else {
    garbage_ += edit.text_size;
    edit.text_begin = to_32_bits(texts_.size());
    texts_ += text;
  }
  edit.text_size = to_32_bits(text.size());
  compact_if_wasteful();
}

void SpanEditor::compact_if_wasteful() {
  // A compaction costs the live bytes and one step per edit: the garbage pays for it first.
  constexpr std::size_t kGarbageAlwaysKept = 4096;
  const std::size_t live = texts_.size() - garbage_;
  if (garbage_ > kGarbageAlwaysKept && garbage_ > live + edit_count_) compact();
}

void SpanEditor::compact() {
  std::string live;
  live.reserve(texts_.size() - garbage_);
  for (std::vector<Edit>& block : blocks_) {
    for (Edit& edit : block) {
      const std::size_t begin = live.size();
      live += text(edit);
      edit.text_begin = to_32_bits(begin);
    }
  }
  texts_ = std::move(live);
  garbage_ = 0;
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
