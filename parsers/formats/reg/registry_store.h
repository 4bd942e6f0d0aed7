// The registry as the Outlook / Outlook Express mappings read and write it: keys by full path
// ("HKEY_CURRENT_USER\Software\..."), values by name with their REG_* type and their raw data
// bytes, exactly as the Win32 registry API exchanges them. Two back ends: RegFileStore, a regedit
// export (.reg) edited in place, and the live Windows registry (open_live_registry() in
// live_registry.h, registry_store_windows.cpp), which implements each call with one API call:
//   subkeys      RegOpenKeyExW + RegEnumKeyExW
//   value_names  RegOpenKeyExW + RegEnumValueW
//   read         RegQueryValueExW (type and bytes)
//   write        RegSetValueExW (type and bytes) on a key opened with KEY_SET_VALUE
//   remove       RegDeleteValueW (ERROR_FILE_NOT_FOUND is success)
// Names are UTF-8 here; the Windows back end converts them to UTF-16 at the API.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "parsers/formats/reg/reg_file.h"

namespace mailmig {

inline constexpr std::uint32_t kRegExpandSz = 2;
inline constexpr std::uint32_t kRegMultiSz = 7;
inline constexpr std::uint32_t kRegQword = 11;

// One registry value as RegQueryValueExW returns it.
struct RegistryValue {
  std::string name;             // UTF-8; "" is the key's default value
  std::uint32_t type = kRegSz;  // REG_SZ (1), REG_BINARY (3), REG_DWORD (4), ... any number
  // The data bytes: REG_SZ and REG_EXPAND_SZ are UTF-16LE with their terminating NUL, REG_DWORD
  // four bytes little-endian, anything else as stored.
  std::string data;

  // REG_SZ holding `utf8` (UTF-16LE, NUL-terminated); nullopt when it is not valid UTF-8.
  static std::optional<RegistryValue> string(std::string name, std::string_view utf8);
  static RegistryValue dword(std::string name, std::uint32_t number);
  static RegistryValue binary(std::string name, std::string data, std::uint32_t type = kRegBinary);

  // REG_DWORD data (also REG_BINARY of four bytes, as Outlook sometimes writes flags).
  std::optional<std::uint32_t> as_dword() const;
  // REG_SZ / REG_EXPAND_SZ data as UTF-8, without the terminating NUL (and what follows it).
  std::optional<std::string> as_string() const;
};

class RegistryStore {
 public:
  virtual ~RegistryStore() = default;

  // Whether the key exists.
  virtual bool has_key(std::string_view key_path) const = 0;
  // The names (one path component each, first spelling) of the key's direct subkeys.
  virtual std::vector<std::string> subkeys(std::string_view key_path) const = 0;
  // The names of the key's values, each once; empty for a missing key.
  virtual std::vector<std::string> value_names(std::string_view key_path) const = 0;
  // The value, or nullopt when the key or the value is missing. Names compare without regard to
  // ASCII case, as on Windows.
  virtual std::optional<RegistryValue> read(std::string_view key_path,
                                            std::string_view name) const = 0;
  // read()'s value as_string(): nullopt when it is missing or not REG_SZ / REG_EXPAND_SZ text.
  // A store that holds the text as UTF-8 gives it without the UTF-16 round trip.
  virtual std::optional<std::string> read_string(std::string_view key_path,
                                                 std::string_view name) const;
  // Whether read() gives the value. A store that can tell without building it says so sooner:
  // an account's reader asks this of values it does not read.
  virtual bool has_value(std::string_view key_path, std::string_view name) const;
  // read()'s value as a number when it is a REG_DWORD of four bytes, else nullopt. A store that
  // holds the number gives it without building the value's bytes.
  virtual std::optional<std::uint32_t> read_dword(std::string_view key_path,
                                                  std::string_view name) const;
  // Sets the value (creating it in the key), its type and bytes exactly as given. The key must
  // exist: an error says why the store was left as it was.
  virtual ParseResult write(std::string_view key_path, const RegistryValue& value) = 0;
  // Deletes the value; a value that is not there is success.
  virtual ParseResult remove(std::string_view key_path, std::string_view name) = 0;
};

// A regedit export as a registry store. Edits go through RegFile's own edits, so the file keeps
// every untouched byte, and a value keeps the form it is written in: a "..." string stays a
// string while its data is text, a hex(T): value stays hex, dword: stays dword:. The store
// refers to the file, which must outlive it.
class RegFileStore final : public RegistryStore {
 public:
  explicit RegFileStore(RegFile& file) : file_(file) {}

  bool has_key(std::string_view key_path) const override;
  std::vector<std::string> subkeys(std::string_view key_path) const override;
  std::vector<std::string> value_names(std::string_view key_path) const override;
  std::optional<RegistryValue> read(std::string_view key_path,
                                    std::string_view name) const override;
  std::optional<std::string> read_string(std::string_view key_path,
                                         std::string_view name) const override;
  bool has_value(std::string_view key_path, std::string_view name) const override;
  std::optional<std::uint32_t> read_dword(std::string_view key_path,
                                          std::string_view name) const override;
  ParseResult write(std::string_view key_path, const RegistryValue& value) override;
  ParseResult remove(std::string_view key_path, std::string_view name) override;

  const RegFile& file() const { return file_; }

 private:
  RegFile& file_;
};

}  // namespace mailmig
