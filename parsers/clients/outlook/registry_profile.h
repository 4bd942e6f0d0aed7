// The mail accounts in one regedit export: Outlook 2003+ MAPI-profile accounts (strings as
// REG_BINARY UTF-16LE) or Outlook Express / Outlook 98-2002 Internet Account Manager accounts
// (REG_SZ strings). Edits go into the .reg itself; after any change the profile also holds
// "<name>.delta.reg" (only the changed values, for `reg import`) and "<name>.undo.reg"; when a
// run changes nothing, those left by an earlier run are emptied (header only).
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include "parsers/clients/outlook/outlook_client.h"
#include "parsers/formats/reg/reg_file.h"
#include "src/model/profile.h"

namespace mailmig {

enum class RegistryAccountKind { OutlookMapi, InternetAccountManager };

struct RegistryAccountKey {
  std::string key_path;  // also the account id
  RegistryAccountKind kind;
};

// What an Outlook or an Outlook Express account of a registry export can store.
ClientCapabilities outlook_capabilities(RegistryAccountKind kind);

class RegistryProfile : public Profile {
 public:
  RegistryProfile(std::string path, std::string bytes, RegFile document,
                  std::vector<RegistryAccountKey> account_keys);

  ClientKind client() const override;
  std::string path() const override { return files_.front().path; }
  std::vector<Account> accounts() const override;
  std::vector<Finding> findings() const override;
  ClientCapabilities capabilities(const Account& account) const override;
  using Profile::apply;
  std::vector<Finding> apply(const EditPlan& plan) override;
  // Builds the current bytes (and the delta and undo files) once, after any number of apply().
  const std::vector<ProfileFile>& files() const override;
  // Whether each file changes, without building the files when no earlier run left any.
  std::vector<FileChange> file_changes() const override;
  std::string display_text(const ProfileFile& file, std::string_view bytes) const override;

  // The "<name>.delta.reg" and "<name>.undo.reg" an earlier apply left beside the export (path
  // and the bytes read, in `original`): this run replaces them, or empties them when it changes
  // nothing, so that the files beside the export always describe the last run.
  void adopt_earlier_outputs(std::vector<ProfileFile> earlier);

  const RegFile& document() const { return document_; }
  const std::vector<RegistryAccountKey>& account_keys() const { return account_keys_; }

  // apply()'s helper that writes one account's values (defined in the .cpp).
  class Writer;

 private:
  Account read_account(const RegistryAccountKey& key) const;
  Account read_outlook_account(const std::string& key) const;
  Account read_iam_account(const std::string& key) const;
  const RegistryAccountKey* account_key(const std::string& account_id) const;
  void refresh_files() const;
  // The edited value's line in the file as read, or its deletion when the file had none.
  std::string line_before_edits(const RegEntry& now) const;
  void add_output_file(const std::string& path, std::string bytes) const;

  ClientKind client_ = kOutlookExpress;  // Outlook when any account is a MAPI one
  RegFile document_;                     // remembers the text as parsed, for the undo file
  std::vector<RegistryAccountKey> account_keys_;
  std::unordered_map<std::string, std::size_t> account_index_;  // id -> index in account_keys_
  mutable std::vector<ProfileFile> files_;
  mutable bool files_stale_ = false;  // files_ does not hold document_'s edits (or bytes) yet
  std::vector<ProfileFile> earlier_outputs_;
};

// Finds the mail account keys of an export (keys holding "POP3 Server" or "IMAP Server").
std::vector<RegistryAccountKey> find_account_keys(const RegFile& document);

// Loads a .reg file; files without a UTF-16 BOM are read in `ansi_codepage` (an iconv name).
LoadResult load_registry_file(const std::string& path, const char* ansi_codepage = "CP932");
// The same for bytes already read; `path` names the file in errors and in files().
LoadResult load_registry_bytes(const std::string& path, std::string bytes,
                               const char* ansi_codepage = "CP932");

}  // namespace mailmig
