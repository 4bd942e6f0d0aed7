#include "src/i18n/mo_catalogue.h"

#include <cstdint>
#include <optional>

namespace mailmig {
namespace {

constexpr std::uint32_t kMagic = 0x950412de;
constexpr std::uint32_t kSwappedMagic = 0xde120495;

class MoReader {
 public:
  MoReader(std::string_view bytes, bool swapped) : bytes_(bytes), swapped_(swapped) {}

  std::optional<std::uint32_t> word(std::size_t offset) const {
    if (offset > bytes_.size() || bytes_.size() - offset < 4) return std::nullopt;
    std::uint32_t value = 0;
    for (std::size_t i = 0; i < 4; ++i) {
      const std::size_t shift = swapped_ ? 3 - i : i;
      value |= static_cast<std::uint32_t>(static_cast<unsigned char>(bytes_[offset + i]))
               << (8 * shift);
    }
    return value;
  }

  // Entry `index` of the table of (length, offset) pairs at `table`; up to its first NUL (a
  // plural's first form).
  std::optional<std::string_view> string_at(std::uint32_t table, std::uint32_t index) const {
    const std::size_t entry = std::size_t{table} + std::size_t{index} * 8;
    const auto length = word(entry);
    const auto offset = word(entry + 4);
    if (!length || !offset || *offset > bytes_.size() || bytes_.size() - *offset < *length) {
      return std::nullopt;
    }
    const std::string_view text = bytes_.substr(*offset, *length);
    return text.substr(0, text.find('\0'));
  }

 private:
  std::string_view bytes_;
  bool swapped_;
};

}  // namespace

MoCatalogue parse_mo_catalogue(std::string_view bytes) {
  MoCatalogue catalogue;
  const auto magic = MoReader(bytes, false).word(0);
  if (!magic || (*magic != kMagic && *magic != kSwappedMagic)) {
    catalogue.error = "not a gettext .mo catalogue";
    return catalogue;
  }
  const MoReader reader(bytes, *magic == kSwappedMagic);
  const auto count = reader.word(8);
  const auto originals = reader.word(12);
  const auto translations = reader.word(16);
  if (!count || !originals || !translations) {
    catalogue.error = "a .mo catalogue cut short in its header";
    return catalogue;
  }
  for (std::uint32_t i = 0; i < *count; ++i) {
    const auto original = reader.string_at(*originals, i);
    const auto translation = reader.string_at(*translations, i);
    if (!original || !translation) {
      catalogue.translations.clear();
      catalogue.error = "a .mo catalogue whose entry " + std::to_string(i) + " lies outside it";
      return catalogue;
    }
    // A context is "context\x04message": translate() never asks for one.
    if (original->empty() || original->find('\x04') != std::string_view::npos) continue;
    catalogue.translations.emplace(*original, *translation);
  }
  return catalogue;
}

}  // namespace mailmig
