// WindowsRegistryStore over Wine's (or Windows') registry: values written and read back with
// their exact type and bytes, removed, enumerated, under Japanese key and value names; a key
// outside HKEY_CURRENT_USER is never reached.
#include <gtest/gtest.h>
#include <windows.h>

#include <algorithm>
#include <string>

#include "parsers/formats/reg/live_registry.h"
#include "src/encoding/wide_text.h"

namespace mailmig {
namespace {

// A fresh key below HKEY_CURRENT_USER\Software\mailmig-test, removed afterwards.
class RegistryKey : public ::testing::Test {
 protected:
  void SetUp() override {
    key_ = "HKEY_CURRENT_USER\\Software\\mailmig-test\\" + std::to_string(GetCurrentProcessId()) +
           "-山田表ソ能";
    HKEY created = nullptr;
    ASSERT_EQ(RegCreateKeyExW(HKEY_CURRENT_USER, widen(subkey()).c_str(), 0, nullptr, 0,
                              KEY_ALL_ACCESS, nullptr, &created, nullptr),
              ERROR_SUCCESS);
    RegCloseKey(created);
    store_ = open_live_registry();
    ASSERT_NE(store_, nullptr);
  }
  void TearDown() override { RegDeleteTreeW(HKEY_CURRENT_USER, widen(subkey()).c_str()); }

  std::string subkey() const { return key_.substr(kCurrentUserRoot.size() + 1); }

  std::string key_;
  std::unique_ptr<RegistryStore> store_;
};

TEST_F(RegistryKey, WritesAndReadsBackEveryTypeAndByteExactly) {
  const std::vector<RegistryValue> values = {
      RegistryValue::binary("POP3 Server", std::string("p\0o\0p\0\0\0", 8)),
      RegistryValue::dword("SMTP Port", 587),
      RegistryValue::binary("Path", std::string("%\0U\0%\0\0\0", 8), kRegExpandSz),
      RegistryValue::binary("No NUL", std::string("a\0b\0", 4), kRegSz),
      RegistryValue::binary("Empty", std::string(), kRegBinary),
      *RegistryValue::string("表示名", "山田 太郎"),
      *RegistryValue::string("", "the default value"),
  };
  for (const RegistryValue& value : values) {
    const ParseResult written = store_->write(key_, value);
    ASSERT_TRUE(written) << written.message;
  }
  for (const RegistryValue& value : values) {
    const std::optional<RegistryValue> back = store_->read(key_, value.name);
    ASSERT_TRUE(back) << value.name;
    EXPECT_EQ(back->type, value.type) << value.name;
    EXPECT_EQ(back->data, value.data) << value.name;
  }
  EXPECT_EQ(store_->read(key_, "表示名")->as_string(), "山田 太郎");
  EXPECT_EQ(store_->read(key_, "smtp port")->as_dword(), 587u) << "names ignore ASCII case";
  std::vector<std::string> names = store_->value_names(key_);
  std::sort(names.begin(), names.end());
  EXPECT_EQ(names, (std::vector<std::string>{"", "Empty", "No NUL", "POP3 Server", "Path",
                                             "SMTP Port", "表示名"}));
}

TEST_F(RegistryKey, RemovesAValueAndAMissingOneIsSuccess) {
  ASSERT_TRUE(store_->write(key_, RegistryValue::dword("SMTP Use Auth", 1)));
  EXPECT_TRUE(store_->remove(key_, "SMTP Use Auth"));
  EXPECT_EQ(store_->read(key_, "SMTP Use Auth"), std::nullopt);
  EXPECT_TRUE(store_->remove(key_, "SMTP Use Auth"));
  EXPECT_TRUE(store_->remove(key_ + "\\no such key", "x"));
}

TEST_F(RegistryKey, ListsSubkeysAndNeverCreatesAKey) {
  HKEY child = nullptr;
  ASSERT_EQ(RegCreateKeyExW(HKEY_CURRENT_USER, widen(subkey() + "\\00000001").c_str(), 0, nullptr,
                            0, KEY_ALL_ACCESS, nullptr, &child, nullptr),
            ERROR_SUCCESS);
  RegCloseKey(child);
  EXPECT_EQ(store_->subkeys(key_), std::vector<std::string>{"00000001"});
  EXPECT_TRUE(store_->has_key(key_ + "\\00000001"));
  EXPECT_FALSE(store_->write(key_ + "\\00000002", RegistryValue::dword("x", 1)));
  EXPECT_FALSE(store_->has_key(key_ + "\\00000002"));
}

TEST_F(RegistryKey, OnlyHkeyCurrentUserIsReachable) {
  EXPECT_FALSE(store_->has_key("HKEY_LOCAL_MACHINE\\Software"));
  EXPECT_FALSE(store_->write("HKEY_LOCAL_MACHINE\\Software", RegistryValue::dword("x", 1)));
  EXPECT_FALSE(store_->has_key("HKEY_CURRENT_USERX\\Software"));
  EXPECT_TRUE(store_->has_key("HKEY_CURRENT_USER\\Software"));
}

}  // namespace
}  // namespace mailmig
