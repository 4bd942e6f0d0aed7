// The sections of every key path of a .reg file: for each path, the indexes of the Key entries
// that open it, in file order. An open-addressing table of the paths' hashes, one slot a path
// with its first section inline: an export of a whole branch has hundreds of thousands of keys,
// nearly all opened once, and a node and a list for each cost more than the file's own lines.
// The table holds no path: the caller compares a candidate's path (two paths may share a hash).
#pragma once

#include <cstddef>
#include <cstdint>
#include <span>
#include <vector>

namespace mailmig {

class RegKeyIndex {
 public:
  using Sections = std::span<const std::uint32_t>;  // empty: no such path

  // Makes room for `paths` paths at once (a file's key lines, counted before they are added), so
  // that the table is not grown and copied while it is filled.
  void reserve(std::size_t paths) {
    if (!fits(paths)) grow(paths);
  }

  // Adds Key entry `entry` (entries are added in file order) to the sections of its path, whose
  // hash is `hash`. same_path(first) says whether the path whose first section is entry `first`
  // is this entry's path.
  template <typename SamePath>
  void add(std::uint64_t hash, std::uint32_t entry, SamePath same_path) {
    if (!fits(used_ + 1)) grow(used_ + 1);
    Slot& slot = *probe(slots_, hash, same_path);
    if (slot.first == kEmpty) {
      slot = Slot{hash, entry, kNone};
      ++used_;
    } else if (slot.more == kNone) {
      slot.more = static_cast<std::uint32_t>(more_.size());
      more_.push_back({slot.first, entry});
    } else {
      more_[slot.more].push_back(entry);
    }
  }

  // The sections of the path whose hash is `hash` (same_path as for add).
  template <typename SamePath>
  Sections find(std::uint64_t hash, SamePath same_path) const {
    if (slots_.empty()) return {};
    return sections(*probe(slots_, hash, same_path));
  }

  // Calls visit(sections) for every path, in no particular order.
  template <typename Visit>
  void for_each(Visit visit) const {
    for (const Slot& slot : slots_) {
      if (slot.first != kEmpty) visit(sections(slot));
    }
  }

 private:
  static constexpr std::uint32_t kEmpty = static_cast<std::uint32_t>(-1);
  static constexpr std::uint32_t kNone = static_cast<std::uint32_t>(-1);

  struct Slot {
    std::uint64_t hash = 0;
    std::uint32_t first = kEmpty;  // the path's first section; kEmpty: a free slot
    std::uint32_t more = kNone;    // index in more_ of all its sections, when it has several
  };

  Sections sections(const Slot& slot) const {
    if (slot.first == kEmpty) return {};
    if (slot.more != kNone) return more_[slot.more];
    return Sections(&slot.first, 1);
  }

  // The slot of the path, or the free slot where it goes. The table is never full (see fits),
  // so the probe ends.
  template <typename Slots, typename SamePath>
  static auto* probe(Slots& slots, std::uint64_t hash, SamePath same_path) {
    const std::size_t mask = slots.size() - 1;
    for (std::size_t at = hash & mask;; at = (at + 1) & mask) {
      auto& slot = slots[at];
      if (slot.first == kEmpty || (slot.hash == hash && same_path(slot.first))) return &slot;
    }
  }

  // At most three quarters of the slots are used, so that a probe ends soon.
  bool fits(std::size_t paths) const { return 4 * paths <= 3 * slots_.size(); }

  // Makes the table (a power of two) large enough for `paths` paths, moving every path to its
  // place in the larger one.
  void grow(std::size_t paths) {
    std::size_t size = slots_.empty() ? 16 : 2 * slots_.size();
    while (4 * paths > 3 * size) size *= 2;
    std::vector<Slot> old(size);
    old.swap(slots_);
    const std::size_t mask = slots_.size() - 1;
    for (const Slot& slot : old) {
      if (slot.first == kEmpty) continue;
      std::size_t at = slot.hash & mask;
      while (slots_[at].first != kEmpty) at = (at + 1) & mask;
      slots_[at] = slot;
    }
  }

  std::vector<Slot> slots_;
  std::size_t used_ = 0;
  std::vector<std::vector<std::uint32_t>> more_;
};

}  // namespace mailmig
