// PrefsDocument's index of values (names_with_value_prefix()). A file of its own: in one unit with
// the lexer, GCC inlined less into Lexer::string_token and parsing prefs.js got 10% slower.
#include <algorithm>
#include <cstdint>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "parsers/formats/prefs_js/prefs_document.h"

namespace mailmig {

std::vector<std::string> PrefsDocument::names_with_value_prefix(
    std::string_view name_prefix, std::string_view value_prefix) const {
  auto [found, created] = value_indexes_.try_emplace(std::string(name_prefix));
  ValueIndex& index = found->second;
  if (created) {
    for (std::uint32_t number = 0; number < entries_.size(); ++number) {
      const PrefEntry& entry = entries_[number];
      if (entry.type != PrefType::String || entry.removed() ||
          !name(entry).starts_with(name_prefix)) {
        continue;
      }
      const std::string_view value = literal(entry);
      const std::string_view body = value.substr(1, value.size() - 2);
      constexpr std::uint8_t kNotInText = PrefEntry::kInserted | PrefEntry::kValueEdited;
      if ((entry.flags & kNotInText) == 0 && body.find('\\') == std::string_view::npos) {
        index.parsed.emplace_back(body, number);
      } else {
        index.copied.emplace(string_value(entry), number);
      }
    }
    std::sort(index.parsed.begin(), index.parsed.end());
  }
  std::vector<std::string> names;
  auto add_if_current = [&](std::uint32_t number) {
    const PrefEntry& entry = entries_[number];
    const std::string_view entry_name = name(entry);
    if (find(entry_name) == &entry && entry.type == PrefType::String &&
        string_value(entry).starts_with(value_prefix)) {
      names.emplace_back(entry_name);
    }
  };
  for (auto it = std::lower_bound(index.parsed.begin(), index.parsed.end(),
                                  std::pair{value_prefix, std::uint32_t{0}});
       it != index.parsed.end() && it->first.starts_with(value_prefix); ++it) {
    add_if_current(it->second);
  }
  for (auto it = index.copied.lower_bound(value_prefix);
       it != index.copied.end() && it->first.starts_with(value_prefix); ++it) {
    add_if_current(it->second);
  }
  std::sort(names.begin(), names.end());
  names.erase(std::unique(names.begin(), names.end()), names.end());
  return names;
}

void PrefsDocument::index_value(std::uint32_t number) {
  const PrefEntry& entry = entries_[number];
  for (auto& [name_prefix, index] : value_indexes_) {
    if (name(entry).starts_with(name_prefix)) index.copied.emplace(string_value(entry), number);
  }
}

}  // namespace mailmig
