// The Outlook / Outlook Express mapping over a registry store that is not a .reg file: it reads
// the same accounts and writes the same values as over the export, so a second back end (the
// live Windows registry) needs no change to the mapping.
#include "parsers/clients/outlook/outlook_accounts.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <map>
#include <string>
#include <vector>

#include "parsers/formats/reg/reg_file.h"
#include "parsers/formats/reg/registry_store.h"
#include "src/io/read_file.h"
#include "src/model/client_capabilities.h"

namespace mailmig {
namespace {

std::string lower(std::string_view text) {
  std::string folded(text);
  std::transform(folded.begin(), folded.end(), folded.begin(), [](char c) {
    return c >= 'A' && c <= 'Z' ? static_cast<char>(c - 'A' + 'a') : c;
  });
  return folded;
}

// Keys and values in memory, names compared without regard to ASCII case as on Windows.
class MemoryRegistryStore final : public RegistryStore {
 public:
  void add_key(const std::string& key_path) { keys_[lower(key_path)].path = key_path; }

  bool has_key(std::string_view key_path) const override {
    return keys_.count(lower(key_path)) != 0;
  }
  std::vector<std::string> subkeys(std::string_view key_path) const override {
    const std::string prefix = lower(key_path) + "\\";
    std::vector<std::string> names;
    for (const auto& [folded, key] : keys_) {
      if (folded.compare(0, prefix.size(), prefix) != 0) continue;
      const std::string rest = key.path.substr(prefix.size());
      if (rest.find('\\') == std::string::npos) names.push_back(rest);
    }
    return names;
  }
  std::vector<std::string> value_names(std::string_view key_path) const override {
    std::vector<std::string> names;
    if (const Key* key = find(key_path)) {
      for (const RegistryValue& value : key->values) names.push_back(value.name);
    }
    return names;
  }
  std::optional<RegistryValue> read(std::string_view key_path,
                                    std::string_view name) const override {
    const Key* key = find(key_path);
    if (!key) return std::nullopt;
    for (const RegistryValue& value : key->values) {
      if (lower(value.name) == lower(name)) return value;
    }
    return std::nullopt;
  }
  ParseResult write(std::string_view key_path, const RegistryValue& value) override {
    Key* key = find(key_path);
    if (!key) return ParseResult::failure(0, 0, "no key");
    ++writes_;
    for (RegistryValue& existing : key->values) {
      if (lower(existing.name) != lower(value.name)) continue;
      existing.type = value.type;
      existing.data = value.data;
      return ParseResult::success();
    }
    key->values.push_back(value);
    return ParseResult::success();
  }
  ParseResult remove(std::string_view key_path, std::string_view name) override {
    if (Key* key = find(key_path)) {
      auto& values = key->values;
      values.erase(std::remove_if(values.begin(), values.end(),
                                  [&](const RegistryValue& value) {
                                    return lower(value.name) == lower(name);
                                  }),
                   values.end());
    }
    return ParseResult::success();
  }

  int writes() const { return writes_; }

 private:
  struct Key {
    std::string path;
    std::vector<RegistryValue> values;
  };
  const Key* find(std::string_view key_path) const {
    const auto found = keys_.find(lower(key_path));
    return found == keys_.end() ? nullptr : &found->second;
  }
  Key* find(std::string_view key_path) {
    const auto found = keys_.find(lower(key_path));
    return found == keys_.end() ? nullptr : &found->second;
  }

  std::map<std::string, Key> keys_;
  int writes_ = 0;
};

struct Export {
  RegFile file;
  std::vector<std::string> keys;
};

Export read_fixture(const std::string& name) {
  Export parsed;
  const ReadResult bytes =
      read_file(std::string(MAILMIG_SOURCE_DIR) + "/fixtures/registry/" + name);
  EXPECT_TRUE(bytes.ok) << bytes.error;
  EXPECT_TRUE(RegFile::parse(bytes.bytes, parsed.file).ok) << name;
  parsed.keys = parsed.file.key_paths();
  return parsed;
}

// Every key and value of `from` copied into a memory store, through the store interface.
void copy_into(MemoryRegistryStore& copy, const RegistryStore& from,
               const std::vector<std::string>& keys) {
  for (const std::string& key : keys) {
    copy.add_key(key);
    for (const std::string& name : from.value_names(key)) {
      const std::optional<RegistryValue> value = from.read(key, name);
      ASSERT_TRUE(value) << key << " " << name;
      EXPECT_TRUE(copy.write(key, *value).ok);
    }
  }
}

// Each value of each key, as type and bytes, for comparing two stores.
std::vector<std::string> values_of(const RegistryStore& store,
                                   const std::vector<std::string>& keys) {
  std::vector<std::string> values;
  for (const std::string& key : keys) {
    for (const std::string& name : store.value_names(key)) {
      const std::optional<RegistryValue> value = store.read(key, name);
      values.push_back(key + "\\" + lower(name) + " " + std::to_string(value->type) + " " +
                       value->data);
    }
  }
  std::sort(values.begin(), values.end());
  return values;
}

void apply_changes(OutlookAccounts& mapping, const Account& account,
                   const std::vector<Change>& changes) {
  EditPlan plan = plan_of_changes(mapping.capabilities(account), account, changes);
  ASSERT_FALSE(plan.changes.empty());
  mapping.apply(plan);
}

class OutlookAccountsOverAnyStore : public ::testing::TestWithParam<const char*> {};

TEST_P(OutlookAccountsOverAnyStore, ReadAndWriteTheSameValues) {
  Export parsed = read_fixture(GetParam());
  RegFileStore file_store(parsed.file);
  MemoryRegistryStore memory;
  copy_into(memory, file_store, parsed.keys);
  ASSERT_EQ(values_of(memory, parsed.keys), values_of(file_store, parsed.keys));

  OutlookAccounts over_file(file_store, find_account_keys(file_store, parsed.keys));
  OutlookAccounts over_memory(memory, find_account_keys(memory, parsed.keys));
  ASSERT_FALSE(over_file.account_keys().empty());
  ASSERT_EQ(over_memory.account_keys().size(), over_file.account_keys().size());
  EXPECT_EQ(over_memory.client(), over_file.client());
  const std::vector<Account> accounts = over_file.accounts();
  EXPECT_EQ(over_memory.accounts(), accounts);
  EXPECT_EQ(over_memory.findings().size(), over_file.findings().size());

  const std::vector<Change> changes = {
      {"test", "incoming.hostname", "", "mail.example.jp", ""},
      {"test", "outgoing.port", "", "465", ""},
      {"test", "outgoing.socketType", "", "SSL", ""},
      {"test", "outgoing.username", "", "sender@example.jp", ""},
  };
  const int copied = memory.writes();
  for (const Account& account : accounts) {
    apply_changes(over_file, account, changes);
    apply_changes(over_memory, account, changes);
  }
  EXPECT_GT(memory.writes(), copied);  // the mapping wrote to the memory store
  EXPECT_EQ(values_of(memory, parsed.keys), values_of(file_store, parsed.keys));
  const std::vector<Account> after = over_memory.accounts();
  EXPECT_EQ(after, over_file.accounts());
  for (const Account& account : after) {
    EXPECT_EQ(account.incoming.hostname, "mail.example.jp");
    ASSERT_TRUE(account.outgoing);
    EXPECT_EQ(account.outgoing->port, 465);
  }
}

INSTANTIATE_TEST_SUITE_P(Fixtures, OutlookAccountsOverAnyStore,
                         ::testing::Values("outlook2016-unicode.reg", "outlook2010-nt.reg",
                                           "oe-regedit4-cp932.reg", "cases-v5-ansi-oe.reg"));

TEST(OutlookAccountsOverAnyStore, FindsOnlyMailAccountKeys) {
  MemoryRegistryStore memory;
  const std::string accounts =
      "HKEY_CURRENT_USER\\Software\\Microsoft\\Internet Account Manager\\Accounts\\";
  memory.add_key(accounts + "00000001");
  memory.add_key(accounts + "00000002");
  memory.add_key(accounts + "Other");
  ASSERT_TRUE(
      memory.write(accounts + "00000001", *RegistryValue::string("POP3 Server", "pop.example.jp"))
          .ok);
  ASSERT_TRUE(
      memory.write(accounts + "00000002", *RegistryValue::string("LDAP Server", "ldap")).ok);
  ASSERT_TRUE(memory.write(accounts + "Other", *RegistryValue::string("POP3 Server", "x")).ok);
  const std::vector<RegistryAccountKey> keys =
      find_account_keys(memory, {accounts + "00000001", accounts + "00000002", accounts + "Other"});
  ASSERT_EQ(keys.size(), 1u);
  EXPECT_EQ(keys[0].key_path, accounts + "00000001");
  EXPECT_EQ(keys[0].kind, RegistryAccountKind::InternetAccountManager);
  const std::vector<Account> read = OutlookAccounts(memory, keys).accounts();
  ASSERT_EQ(read.size(), 1u);
  EXPECT_EQ(read[0].incoming.hostname, "pop.example.jp");
}

}  // namespace
}  // namespace mailmig
