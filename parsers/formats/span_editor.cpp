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

std::vector<SpanEditor::Edit>::const_iterator SpanEditor::find_at_or_after(
    std::pair<std::size_t, std::size_t> span) const {
  return std::lower_bound(edits_.begin(), edits_.end(), span,
                          [](const Edit& edit, const auto& key) { return edit.span < key; });
}

bool SpanEditor::replace(std::size_t offset, std::size_t length, std::string text) {
  const std::pair<std::size_t, std::size_t> key{offset, length};
  const auto found = find_at_or_after(key);
  const auto index = static_cast<std::size_t>(found - edits_.begin());
  if (found != edits_.end() && found->span == key) {
    Edit& existing = edits_[index];
    growth_ += static_cast<std::ptrdiff_t>(text.size()) -
               static_cast<std::ptrdiff_t>(existing.text.size());
    existing.text = std::move(text);
    return true;
  }
  // Only the edit just before and the edits starting inside the span can overlap it.
  if (found != edits_.begin()) {
    const Edit& before = *std::prev(found);
    if (overlap(offset, length, before.span.first, before.span.second)) return false;
  }
  for (auto next = found; next != edits_.end() && next->span.first <= offset + length; ++next) {
    if (overlap(offset, length, next->span.first, next->span.second)) return false;
  }
  growth_ += static_cast<std::ptrdiff_t>(text.size()) - static_cast<std::ptrdiff_t>(length);
  edits_.insert(edits_.begin() + static_cast<std::ptrdiff_t>(index), Edit{key, std::move(text)});
  return true;
}

bool SpanEditor::edit_text(std::size_t offset, std::size_t length, std::size_t at,
                           std::size_t erase, std::string_view text) {
  const std::pair<std::size_t, std::size_t> key{offset, length};
  const auto found = find_at_or_after(key);
  if (found == edits_.end() || found->span != key || at + erase > found->text.size()) return false;
  edits_[static_cast<std::size_t>(found - edits_.begin())].text.replace(at, erase, text);
  growth_ += static_cast<std::ptrdiff_t>(text.size()) - static_cast<std::ptrdiff_t>(erase);
  return true;
}

bool SpanEditor::erase(std::size_t offset, std::size_t length) {
  const std::pair<std::size_t, std::size_t> key{offset, length};
  const auto found = find_at_or_after(key);
  if (found == edits_.end() || found->span != key) return false;
  growth_ -= static_cast<std::ptrdiff_t>(found->text.size()) - static_cast<std::ptrdiff_t>(length);
  edits_.erase(found);
  return true;
}

std::span<const SpanEditor::Edit> SpanEditor::starting_in(std::size_t first,
                                                          std::size_t last) const {
  const auto begin = find_at_or_after({first, 0});
  const auto end = std::upper_bound(
      begin, edits_.end(), last,
      [](std::size_t offset, const Edit& edit) { return offset < edit.span.first; });
  return {begin, end};
}

const SpanEditor::Edit* SpanEditor::last_starting_before(std::size_t offset) const {
  const auto found = find_at_or_after({offset, 0});
  return found == edits_.begin() ? nullptr : &*std::prev(found);
}

const std::string* SpanEditor::replacement(std::size_t offset, std::size_t length) const {
  const std::pair<std::size_t, std::size_t> key{offset, length};
  const auto found = find_at_or_after(key);
  return found == edits_.end() || found->span != key ? nullptr : &found->text;
}

bool SpanEditor::changes(std::string_view input) const {
  for (const auto& [span, text] : edits_) {
    if (input.substr(span.first, span.second) != text) return true;
  }
  return false;
}

bool SpanEditor::gives(std::string_view input, std::string_view other) const {
  if (other.size() != applied_size(input.size())) return false;
  std::size_t copied = 0;
  std::size_t at = 0;  // in other
  for (const auto& [span, text] : edits_) {
    const std::size_t kept = span.first - copied;
    if (other.substr(at, kept) != input.substr(copied, kept)) return false;
    at += kept;
    if (other.substr(at, text.size()) != text) return false;
    at += text.size();
    copied = span.first + span.second;
  }
  return other.substr(at) == input.substr(copied);
}

std::size_t SpanEditor::applied_size(std::size_t input_size) const {
  return static_cast<std::size_t>(static_cast<std::ptrdiff_t>(input_size) + growth_);
}

std::string SpanEditor::apply(std::string_view input) const {
  if (edits_.empty()) return std::string(input);
  std::string out;
  out.reserve(applied_size(input.size()));
  std::size_t copied = 0;
  for (const auto& [span, text] : edits_) {
    out.append(input.substr(copied, span.first - copied));
    out += text;
    copied = span.first + span.second;
  }
  out.append(input.substr(copied));
  return out;
}

}  // namespace mailmig
