// Outlook and Outlook Express accounts in the current user's live registry (Windows). The same
// OutlookAccounts mapping as for a .reg export, over a StagedRegistryStore: a plan's edits stay
// in memory, and apply writes them to the registry itself (src/app/live_registry_commit.h),
// after saving the old values in a version-5 .reg backup. The profile's one "file" is that
// pair of exports, before and after (path: the profile's key), which diff and plan show.
#pragma once

#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "parsers/clients/outlook/outlook_accounts.h"
#include "parsers/formats/reg/registry_store.h"
#include "src/model/profile.h"

namespace mailmig {

// Reads see the edits made through it; the store below is not touched.
class StagedRegistryStore final : public RegistryStore {
 public:
  struct Edit {
    std::string key;
    std::string name;
    std::optional<RegistryValue> before;  // nullopt: the value was missing
    std::optional<RegistryValue> after;   // nullopt: the value is deleted
  };

  explicit StagedRegistryStore(const RegistryStore& base) : base_(base) {}

  bool has_key(std::string_view key_path) const override { return base_.has_key(key_path); }
  std::vector<std::string> subkeys(std::string_view key_path) const override {
    return base_.subkeys(key_path);
  }
  std::vector<std::string> value_names(std::string_view key_path) const override;
  std::optional<RegistryValue> read(std::string_view key_path,
                                    std::string_view name) const override;
  ParseResult write(std::string_view key_path, const RegistryValue& value) override;
  ParseResult remove(std::string_view key_path, std::string_view name) override;

  // The values whose type or bytes differ from the store below, in the order first edited.
  std::vector<Edit> changes() const;

 private:
  Edit* find(std::string_view key_path, std::string_view name);
  const Edit* find(std::string_view key_path, std::string_view name) const;
  Edit& edit(std::string_view key_path, std::string_view name);

  const RegistryStore& base_;
  std::vector<Edit> edits_;
};

bool same_value(const std::optional<RegistryValue>& a, const std::optional<RegistryValue>& b);

// A version-5 regedit export (UTF-16LE) that sets each edit's value before (or after) the
// edits, with its type and bytes exact, or deletes it ("name"=-) where it was (or is) missing:
// importing the "before" export undoes the edits. nullopt when a value cannot be written.
std::optional<std::string> render_values_export(const std::vector<StagedRegistryStore::Edit>& edits,
                                                bool after);

// The profiles of the live registry: every Office version's Outlook profiles, the Windows
// Messaging Subsystem's profiles (Outlook 2003-2010), Outlook 98-2002's OMI Account Manager
// accounts (`outlook_express` false), and Outlook Express's Internet Account Manager accounts
// (`outlook_express` true). Each is its key's path, holding at least one mail account.
std::vector<std::string> find_live_registry_profiles(const RegistryStore& store,
                                                     bool outlook_express);
// Whether the profile is Outlook Express's (Internet Account Manager\Accounts).
bool is_outlook_express_profile(std::string_view profile);
// Whether `key` is a mail account key of the live-registry profile `profile` (a path of the
// form find_live_registry_profiles returns): the only keys mailmig writes, or restores.
bool is_live_account_key(std::string_view profile, std::string_view key);

class LiveOutlookProfile : public Profile {
 public:
  LiveOutlookProfile(ClientKind client, std::string profile_key,
                     std::unique_ptr<RegistryStore> live);
  LiveOutlookProfile(const LiveOutlookProfile&) = delete;
  LiveOutlookProfile& operator=(const LiveOutlookProfile&) = delete;

  ClientKind client() const override { return client_; }
  std::string path() const override { return profile_key_; }
  std::vector<Account> accounts() const override { return accounts_.accounts(); }
  std::vector<Finding> findings() const override { return accounts_.findings(); }
  ClientCapabilities capabilities(const Account& account) const override {
    return accounts_.capabilities(account);
  }
  using Profile::apply;
  std::vector<Finding> apply(const EditPlan& plan) override;
  // One file named by the profile's key: the staged values as read and as they will be written.
  std::vector<ProfileFile> files() const override;
  std::string display_text(const ProfileFile& file, std::string_view bytes) const override;

  const std::vector<RegistryAccountKey>& account_keys() const { return accounts_.account_keys(); }
  std::vector<StagedRegistryStore::Edit> changes() const { return staged_.changes(); }
  // The live registry itself, which apply writes.
  RegistryStore& live() const { return *live_; }

 private:
  // The values the staged edits touch, as a .reg export built when asked for: before the edits
  // (original) and after them.
  class StagedValuesDocument final : public LosslessDocument {
   public:
    explicit StagedValuesDocument(const StagedRegistryStore& staged) : staged_(&staged) {}
    std::string original() const override;
    bool changed() const override { return serialize() != original(); }
    std::string serialize() const override;

   private:
    const StagedRegistryStore* staged_;
  };

  ClientKind client_;
  std::string profile_key_;
  std::unique_ptr<RegistryStore> live_;
  StagedRegistryStore staged_;  // over *live_
  OutlookAccounts accounts_;    // over staged_
  StagedValuesDocument staged_values_{staged_};
};

// Loads a live-registry profile found by find_live_registry_profiles.
LoadResult load_live_registry_profile(ClientKind client, const std::string& profile_key);
// The same over a given store (tests use a RegFileStore).
LoadResult load_live_registry_profile(ClientKind client, const std::string& profile_key,
                                      std::unique_ptr<RegistryStore> store);

}  // namespace mailmig
