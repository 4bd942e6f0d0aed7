#include "parsers/formats/span_editor.h"

#include <algorithm>
#include <iterator>

namespace mailmig {

namespace {

// Whether [a, a + a_length) and [b, b + b_length) cannot both be edited: they share a byte, or
// one is an insertion strictly inside the other.
bool overlap(std::size_t a, std::size_t a_length, std::size_t b, std::size_t b_length) {
  if (a_length == 0) return b < a && a < b + b_length;
  if (b_length == 0) return a < b && b < a + a_length;
  return a < b + b_length && b < a + a_length;
}

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

bool SpanEditor::replace(std::size_t offset, std::size_t length, std::string text) {
  const Position position = find_at_or_after({offset, length});
  const Edit* found = at(position);
  if (found && found->offset == offset && found->length == length) {
    std::string& existing = texts_[found->text_index];
    growth_ +=
        static_cast<std::ptrdiff_t>(text.size()) - static_cast<std::ptrdiff_t>(existing.size());
    existing = std::move(text);
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
  insert(position, Edit{offset, length, texts_.size()});
  texts_.push_back(std::move(text));
  return true;
}

bool SpanEditor::edit_text(std::size_t offset, std::size_t length, std::size_t at,
                           std::size_t erase, std::string_view text) {
  const Edit* found = this->at(find_at_or_after({offset, length}));
  if (!found || found->offset != offset || found->length != length) return false;
  std::string& existing = texts_[found->text_index];
  if (at + erase > existing.size()) return false;
  existing.replace(at, erase, text);
  growth_ += static_cast<std::ptrdiff_t>(text.size()) - static_cast<std::ptrdiff_t>(erase);
  return true;
}

bool SpanEditor::erase(std::size_t offset, std::size_t length) {
  const Position position = find_at_or_after({offset, length});
  const Edit* found = at(position);
  if (!found || found->offset != offset || found->length != length) return false;
  std::string& text = texts_[found->text_index];
  growth_ -= static_cast<std::ptrdiff_t>(text.size()) - static_cast<std::ptrdiff_t>(length);
  std::string().swap(text);
  std::vector<Edit>& block = blocks_[position.block];
  block.erase(block.begin() + static_cast<std::ptrdiff_t>(position.index));
  if (block.empty()) blocks_.erase(blocks_.begin() + static_cast<std::ptrdiff_t>(position.block));
  return true;
}

void SpanEditor::clear() {
  blocks_.clear();
  texts_.clear();
  growth_ = 0;
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

const std::string* SpanEditor::replacement(std::size_t offset, std::size_t length) const {
  const Edit* found = at(find_at_or_after({offset, length}));
  return found && found->offset == offset && found->length == length ? &texts_[found->text_index]
                                                                     : nullptr;
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
