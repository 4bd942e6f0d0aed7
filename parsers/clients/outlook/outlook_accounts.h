// The Outlook and Outlook Express account mapping: which registry values hold which account
// field, read and written only through a RegistryStore, so the same mapping serves a regedit
// export (RegFileStore) and the live Windows registry. Outlook 2003+ MAPI-profile accounts keep
// strings as REG_BINARY UTF-16LE; Outlook Express / Outlook 98-2002 Internet Account Manager
// accounts keep REG_SZ strings.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "parsers/clients/outlook/outlook_client.h"
#include "parsers/formats/reg/registry_store.h"
#include "src/model/profile.h"

namespace mailmig {

enum class RegistryAccountKind { OutlookMapi, InternetAccountManager };

struct RegistryAccountKey {
  std::string key_path;  // also the account id
  RegistryAccountKind kind;
};

// What an Outlook or an Outlook Express account can store.
ClientCapabilities outlook_capabilities(RegistryAccountKind kind);

// Whether a key at `path` is where Outlook or Outlook Express keeps an account (whether it holds
// one is find_account_keys' question).
bool is_account_key_path(std::string_view path);

// The mail account keys among `key_paths` (keys of the store at an account's place holding
// "POP3 Server" or "IMAP Server"), in the order given.
std::vector<RegistryAccountKey> find_account_keys(const RegistryStore& store,
                                                  const std::vector<std::string>& key_paths);

class OutlookAccounts {
 public:
  // The store must outlive the mapping.
  OutlookAccounts(RegistryStore& store, std::vector<RegistryAccountKey> account_keys);
  OutlookAccounts(const OutlookAccounts&) = delete;
  OutlookAccounts& operator=(const OutlookAccounts&) = delete;

  // Outlook when any account is a MAPI one, else Outlook Express.
  ClientKind client() const { return client_; }
  std::vector<Account> accounts() const;
  // What the accounts' values say that the user should know.
  std::vector<Finding> findings() const;
  ClientCapabilities capabilities(const Account& account) const;
  // Writes the plan's fields into the account's values (only those that change).
  std::vector<Finding> apply(const EditPlan& plan);
  const std::vector<RegistryAccountKey>& account_keys() const { return account_keys_; }

  // apply()'s helper that writes one account's values (defined in the .cpp).
  class Writer;

 private:
  Account read_account(const RegistryAccountKey& key) const;
  Account read_outlook_account(const std::string& key) const;
  Account read_iam_account(const std::string& key) const;
  const RegistryAccountKey* account_key(const std::string& account_id) const;

  RegistryStore& store_;
  ClientKind client_ = kOutlookExpress;
  std::vector<RegistryAccountKey> account_keys_;
  // Indexes in account_keys_ in the order of their paths, to find an account by id: four bytes
  // an account (a large export has tens of thousands).
  std::vector<std::uint32_t> by_path_;
};

}  // namespace mailmig
