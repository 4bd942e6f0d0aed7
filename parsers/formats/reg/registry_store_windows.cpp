// The live registry of the current user through the Win32 registry API, one call per store
// operation (see registry_store.h). Names are UTF-8 in mailmig and UTF-16 at each call.
#include <windows.h>

#include <string>
#include <vector>

#include "parsers/formats/reg/live_registry.h"
#include "src/encoding/wide_text.h"

namespace mailmig {
namespace {

// Registry names are at most 255 characters for keys, 16,383 for values.
constexpr DWORD kMaxValueNameChars = 16384;

// The subkey path below HKEY_CURRENT_USER, or false for a path under another root.
bool below_current_user(std::string_view key_path, std::wstring& subkey) {
  if (key_path.size() < kCurrentUserRoot.size() ||
      !reg_names_equal(key_path.substr(0, kCurrentUserRoot.size()), kCurrentUserRoot)) {
    return false;
  }
  std::string_view rest = key_path.substr(kCurrentUserRoot.size());
  if (!rest.empty() && rest.front() != '\\') return false;
  if (!rest.empty()) rest.remove_prefix(1);
  subkey = widen(rest);
  return true;
}

// An open key, closed when it goes out of scope.
class OpenKey {
 public:
  OpenKey(std::string_view key_path, REGSAM access) {
    std::wstring subkey;
    if (!below_current_user(key_path, subkey)) {
      status_ = ERROR_ACCESS_DENIED;
      return;
    }
    status_ = RegOpenKeyExW(HKEY_CURRENT_USER, subkey.c_str(), 0, access, &key_);
  }
  ~OpenKey() {
    if (status_ == ERROR_SUCCESS) RegCloseKey(key_);
  }
  OpenKey(const OpenKey&) = delete;
  OpenKey& operator=(const OpenKey&) = delete;

  bool ok() const { return status_ == ERROR_SUCCESS; }
  LONG status() const { return status_; }
  HKEY get() const { return key_; }

 private:
  HKEY key_ = nullptr;
  LONG status_ = ERROR_FILE_NOT_FOUND;
};

std::string system_message(LONG status) {
  wchar_t* text = nullptr;
  const DWORD length = FormatMessageW(
      FORMAT_MESSAGE_ALLOCATE_BUFFER | FORMAT_MESSAGE_FROM_SYSTEM | FORMAT_MESSAGE_IGNORE_INSERTS,
      nullptr, static_cast<DWORD>(status), 0, reinterpret_cast<wchar_t*>(&text), 0, nullptr);
  std::string message =
      length > 0 ? narrow(std::wstring_view(text, length)) : "error " + std::to_string(status);
  if (text != nullptr) LocalFree(text);
  while (!message.empty() && (message.back() == '\n' || message.back() == '\r' ||
                              message.back() == ' ' || message.back() == '.')) {
    message.pop_back();
  }
  return message;
}

ParseResult failure(std::string_view key_path, std::string_view name, std::string_view operation,
                    LONG status) {
  return ParseResult::failure(0, 0,
                              "[" + std::string(key_path) + "] \"" + std::string(name) + "\": " +
                                  std::string(operation) + " failed: " + system_message(status));
}

class WindowsRegistryStore final : public RegistryStore {
 public:
  bool has_key(std::string_view key_path) const override {
    return OpenKey(key_path, KEY_READ).ok();
  }

  std::vector<std::string> subkeys(std::string_view key_path) const override {
    std::vector<std::string> names;
    const OpenKey key(key_path, KEY_READ);
    if (!key.ok()) return names;
    std::vector<wchar_t> name(256);
    for (DWORD index = 0;; ++index) {
      DWORD length = static_cast<DWORD>(name.size());
      const LONG status =
          RegEnumKeyExW(key.get(), index, name.data(), &length, nullptr, nullptr, nullptr, nullptr);
      if (status != ERROR_SUCCESS) break;
      names.push_back(narrow(std::wstring_view(name.data(), length)));
    }
    return names;
  }

  std::vector<std::string> value_names(std::string_view key_path) const override {
    std::vector<std::string> names;
    const OpenKey key(key_path, KEY_READ);
    if (!key.ok()) return names;
    std::vector<wchar_t> name(kMaxValueNameChars);
    for (DWORD index = 0;; ++index) {
      DWORD length = static_cast<DWORD>(name.size());
      const LONG status =
          RegEnumValueW(key.get(), index, name.data(), &length, nullptr, nullptr, nullptr, nullptr);
      if (status != ERROR_SUCCESS) break;
      names.push_back(narrow(std::wstring_view(name.data(), length)));
    }
    return names;
  }

  std::optional<RegistryValue> read(std::string_view key_path,
                                    std::string_view name) const override {
    const OpenKey key(key_path, KEY_QUERY_VALUE);
    if (!key.ok()) return std::nullopt;
    const std::wstring wide_name = widen(name);
    // The value may grow between the two calls: ask again with the new size.
    for (int attempt = 0; attempt < 4; ++attempt) {
      DWORD type = 0;
      DWORD size = 0;
      LONG status = RegQueryValueExW(key.get(), wide_name.c_str(), nullptr, &type, nullptr, &size);
      if (status != ERROR_SUCCESS) return std::nullopt;
      std::string data(size, '\0');
      status = RegQueryValueExW(key.get(), wide_name.c_str(), nullptr, &type,
                                reinterpret_cast<BYTE*>(data.data()), &size);
      if (status == ERROR_MORE_DATA) continue;
      if (status != ERROR_SUCCESS) return std::nullopt;
      data.resize(size);
      return RegistryValue{std::string(name), static_cast<std::uint32_t>(type), std::move(data)};
    }
    return std::nullopt;
  }

  ParseResult write(std::string_view key_path, const RegistryValue& value) override {
    const OpenKey key(key_path, KEY_SET_VALUE);
    if (!key.ok()) return failure(key_path, value.name, "opening the key", key.status());
    // For a string type, RegSetValueExW looks one character past the data and, when that is a
    // NUL and the data's last one is not, stores the NUL too ("NT does this", Wine's reg.c):
    // a non-NUL character after the data keeps the bytes exactly as given.
    std::string data = value.data;
    data.append("\xff\xff", 2);
    const LONG status = RegSetValueExW(
        key.get(), widen(value.name).c_str(), 0, static_cast<DWORD>(value.type),
        reinterpret_cast<const BYTE*>(data.data()), static_cast<DWORD>(value.data.size()));
    if (status != ERROR_SUCCESS) return failure(key_path, value.name, "RegSetValueExW", status);
    return ParseResult::success();
  }

  ParseResult remove(std::string_view key_path, std::string_view name) override {
    const OpenKey key(key_path, KEY_SET_VALUE);
    if (key.status() == ERROR_FILE_NOT_FOUND) return ParseResult::success();
    if (!key.ok()) return failure(key_path, name, "opening the key", key.status());
    const LONG status = RegDeleteValueW(key.get(), widen(name).c_str());
    if (status != ERROR_SUCCESS && status != ERROR_FILE_NOT_FOUND) {
      return failure(key_path, name, "RegDeleteValueW", status);
    }
    return ParseResult::success();
  }
};

}  // namespace

std::unique_ptr<RegistryStore> open_live_registry() {
  return std::make_unique<WindowsRegistryStore>();
}

}  // namespace mailmig
