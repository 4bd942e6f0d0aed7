#include "parsers/formats/reg/registry_store.h"

#include <algorithm>
#include <utility>

#include "src/encoding/codec.h"

namespace mailmig {

namespace {

void append_unit(std::string& units, std::uint32_t unit) {
  units += static_cast<char>(unit & 0xFF);
  units += static_cast<char>(unit >> 8);
}

// UTF-16LE of `utf8` when every character is in the Basic Multilingual Plane (nearly every
// account value): a store reads and writes many short strings, and iconv_open costs more than
// reading an account. nullopt sends the rest (and invalid input) to iconv.
std::optional<std::string> bmp_utf16le(std::string_view utf8) {
  std::string units;
  units.reserve(utf8.size() * 2 + 2);
  for (std::size_t i = 0; i < utf8.size();) {
    const auto lead = static_cast<unsigned char>(utf8[i]);
    auto continuation = [&](std::size_t at) {
      return at < utf8.size() && (static_cast<unsigned char>(utf8[at]) & 0xC0) == 0x80;
    };
    if (lead < 0x80) {
      append_unit(units, lead);
      i += 1;
    } else if (lead >= 0xC2 && lead <= 0xDF && continuation(i + 1)) {
      append_unit(units, ((lead & 0x1Fu) << 6) | (static_cast<unsigned char>(utf8[i + 1]) & 0x3Fu));
      i += 2;
    } else if (lead >= 0xE0 && lead <= 0xEF && continuation(i + 1) && continuation(i + 2)) {
      const std::uint32_t unit = ((lead & 0x0Fu) << 12) |
                                 ((static_cast<unsigned char>(utf8[i + 1]) & 0x3Fu) << 6) |
                                 (static_cast<unsigned char>(utf8[i + 2]) & 0x3Fu);
      if (unit < 0x800 || (unit >= 0xD800 && unit < 0xE000)) return std::nullopt;
      append_unit(units, unit);
      i += 3;
    } else {
      return std::nullopt;
    }
  }
  return units;
}

// UTF-8 of UTF-16LE `units` of the Basic Multilingual Plane other than surrogates; nullopt
// sends the rest to iconv.
std::optional<std::string> bmp_utf8(std::string_view units) {
  std::string utf8;
  utf8.reserve(units.size() * 3 / 2);
  for (std::size_t i = 0; i + 1 < units.size(); i += 2) {
    const auto unit = static_cast<std::uint32_t>(static_cast<unsigned char>(units[i]) |
                                                 (static_cast<unsigned char>(units[i + 1]) << 8));
    if (unit < 0x80) {
      utf8 += static_cast<char>(unit);
    } else if (unit < 0x800) {
      utf8 += static_cast<char>(0xC0 | (unit >> 6));
      utf8 += static_cast<char>(0x80 | (unit & 0x3F));
    } else if (unit < 0xD800 || (unit >= 0xE000 && unit <= 0xFFFD)) {
      utf8 += static_cast<char>(0xE0 | (unit >> 12));
      utf8 += static_cast<char>(0x80 | ((unit >> 6) & 0x3F));
      utf8 += static_cast<char>(0x80 | (unit & 0x3F));
    } else {
      return std::nullopt;
    }
  }
  return utf8;
}

}  // namespace

std::optional<RegistryValue> RegistryValue::string(std::string name, std::string_view utf8) {
  std::optional<std::string> units = bmp_utf16le(utf8);
  if (!units) {
    Conversion converted = from_utf8(utf8, "UTF-16LE");
    if (!converted) return std::nullopt;
    units = std::move(converted.text);
  }
  units->append(2, '\0');
  return RegistryValue{std::move(name), kRegSz, std::move(*units)};
}

RegistryValue RegistryValue::dword(std::string name, std::uint32_t number) {
  std::string data(4, '\0');
  for (std::size_t i = 0; i < 4; ++i) data[i] = static_cast<char>((number >> (8 * i)) & 0xFF);
  return RegistryValue{std::move(name), kRegDword, std::move(data)};
}

RegistryValue RegistryValue::binary(std::string name, std::string data, std::uint32_t type) {
  return RegistryValue{std::move(name), type, std::move(data)};
}

std::optional<std::uint32_t> RegistryValue::as_dword() const {
  if ((type != kRegDword && type != kRegBinary) || data.size() != 4) return std::nullopt;
  std::uint32_t number = 0;
  for (std::size_t i = 4; i-- > 0;) number = (number << 8) | static_cast<unsigned char>(data[i]);
  return number;
}

std::optional<std::string> RegistryValue::as_string() const {
  if ((type != kRegSz && type != kRegExpandSz) || data.size() % 2 != 0) return std::nullopt;
  std::string_view units = data;
  for (std::size_t i = 0; i < units.size(); i += 2) {
    if (units[i] == 0 && units[i + 1] == 0) {
      units = units.substr(0, i);
      break;
    }
  }
  if (std::optional<std::string> text = bmp_utf8(units)) return text;
  Conversion text = to_utf8(units, "UTF-16LE");
  if (!text) return std::nullopt;
  return std::move(text.text);
}

std::optional<std::string> RegistryStore::read_string(std::string_view key_path,
                                                      std::string_view name) const {
  std::optional<RegistryValue> value = read(key_path, name);
  if (!value) return std::nullopt;
  return value->as_string();
}

bool RegistryStore::has_value(std::string_view key_path, std::string_view name) const {
  return read(key_path, name).has_value();
}

std::optional<std::uint32_t> RegistryStore::read_dword(std::string_view key_path,
                                                       std::string_view name) const {
  std::optional<RegistryValue> value = read(key_path, name);
  if (!value || value->type != kRegDword) return std::nullopt;
  return value->as_dword();
}

namespace {

// A value of the export in the store's terms (decoded for this read: its strings move on).
std::optional<RegistryValue> to_registry_value(RegValue&& value) {
  switch (value.kind) {
    case RegDataKind::String:
      return RegistryValue::string(std::move(value.name), value.text);
    case RegDataKind::Dword:
      return RegistryValue::dword(std::move(value.name), value.dword);
    case RegDataKind::Hex:
      return RegistryValue::binary(std::move(value.name), std::move(value.bytes), value.type);
  }
  return std::nullopt;
}

// REG_SZ data that a "..." string holds exactly: NUL-terminated UTF-16 text without another NUL.
std::optional<std::string> quotable_text(const RegistryValue& value) {
  if (value.type != kRegSz || value.data.size() < 2 || value.data.size() % 2 != 0) {
    return std::nullopt;
  }
  const std::string_view units = std::string_view(value.data).substr(0, value.data.size() - 2);
  if (value.data[value.data.size() - 2] != 0 || value.data[value.data.size() - 1] != 0) {
    return std::nullopt;
  }
  for (std::size_t i = 0; i < units.size(); i += 2) {
    if (units[i] == 0 && units[i + 1] == 0) return std::nullopt;
  }
  if (std::optional<std::string> text = bmp_utf8(units)) return text;
  Conversion text = to_utf8(units, "UTF-16LE");
  if (!text) return std::nullopt;
  return std::move(text.text);
}

// How the export writes `value`: in the form the value it replaces has, where that form can
// hold it (a hex value stays hex), else the plainest form regedit reads back the same.
RegValue to_reg_value(const RegistryValue& value, bool keep_hex) {
  if (!keep_hex) {
    if (value.type == kRegDword && value.data.size() == 4) {
      return RegValue::dword_value(value.name, *value.as_dword());
    }
    if (std::optional<std::string> text = quotable_text(value)) {
      return RegValue::string(value.name, std::move(*text));
    }
  }
  return RegValue::binary(value.name, value.data, value.type);
}

}  // namespace

bool RegFileStore::has_key(std::string_view key_path) const { return file_.has_key(key_path); }

std::vector<std::string> RegFileStore::subkeys(std::string_view key_path) const {
  std::vector<std::string> names;
  for (const std::string& path : file_.key_paths()) {
    if (path.size() <= key_path.size() + 1 || path[key_path.size()] != '\\' ||
        !reg_names_equal(std::string_view(path).substr(0, key_path.size()), key_path)) {
      continue;
    }
    const std::string_view rest = std::string_view(path).substr(key_path.size() + 1);
    const std::string_view name = rest.substr(0, rest.find('\\'));
    const bool seen = std::any_of(names.begin(), names.end(), [&](const std::string& known) {
      return reg_names_equal(known, name);
    });
    if (!seen && file_.has_key(std::string(key_path) + "\\" + std::string(name))) {
      names.emplace_back(name);
    }
  }
  return names;
}

std::vector<std::string> RegFileStore::value_names(std::string_view key_path) const {
  return file_.value_names(key_path);
}

std::optional<RegistryValue> RegFileStore::read(std::string_view key_path,
                                                std::string_view name) const {
  std::optional<RegValue> value = file_.find_value(key_path, name);
  if (!value) return std::nullopt;
  return to_registry_value(std::move(*value));
}

std::optional<std::string> RegFileStore::read_string(std::string_view key_path,
                                                     std::string_view name) const {
  std::optional<RegValue> value = file_.find_value(key_path, name);
  if (!value) return std::nullopt;
  if (value->kind != RegDataKind::String) return to_registry_value(std::move(*value))->as_string();
  // What read() and as_string() give a "..." string: nothing for text that is not UTF-8 (it
  // has no UTF-16 form), else the text up to its first NUL.
  if (!is_valid_utf8(value->text)) return std::nullopt;
  value->text.resize(std::min(value->text.size(), value->text.find('\0')));
  return std::move(value->text);
}

bool RegFileStore::has_value(std::string_view key_path, std::string_view name) const {
  const std::optional<RegValue> value = file_.find_value(key_path, name);
  // read() gives every value but a "..." string that is not UTF-8 (it has no UTF-16 form).
  return value && (value->kind != RegDataKind::String || is_valid_utf8(value->text));
}

std::optional<std::uint32_t> RegFileStore::read_dword(std::string_view key_path,
                                                      std::string_view name) const {
  std::optional<RegValue> value = file_.find_value(key_path, name);
  if (!value) return std::nullopt;
  if (value->kind == RegDataKind::Dword) return value->dword;
  // hex(4): holds the bytes as read() gives them (its strings move, nothing is converted).
  if (value->kind != RegDataKind::Hex || value->type != kRegDword) return std::nullopt;
  return to_registry_value(std::move(*value))->as_dword();
}

ParseResult RegFileStore::write(std::string_view key_path, const RegistryValue& value) {
  if (!file_.has_key(key_path)) {
    return ParseResult::failure(0, 0, "no key [" + std::string(key_path) + "]");
  }
  // Only the existing value's form matters: a parsed entry knows it without decoding its data
  // (an edit may have changed it, so an edited one is decoded).
  const RegEntry* existing = file_.find_entry(key_path, value.name);
  bool keep_hex = false;
  if (existing && existing->kind == RegLineKind::Value) {
    keep_hex =
        (existing->edited ? file_.value(*existing).kind : existing->data_kind) == RegDataKind::Hex;
  }
  return file_.put_value(key_path, to_reg_value(value, keep_hex));
}

ParseResult RegFileStore::remove(std::string_view key_path, std::string_view name) {
  return file_.delete_value(key_path, name);
}

}  // namespace mailmig
