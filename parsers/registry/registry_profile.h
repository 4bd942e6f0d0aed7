// The mail accounts in one regedit export: Outlook 2003+ MAPI-profile accounts (strings as
// REG_BINARY UTF-16LE) or Outlook Express / Outlook 98-2002 Internet Account Manager accounts
// (REG_SZ strings). Edits go into the .reg itself; after any change the profile also holds
// "<name>.delta.reg" (only the changed values, for `reg import`) and "<name>.undo.reg"; when a
// run changes nothing, those left by an earlier run are emptied (header only).
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "parsers/registry/reg_file.h"
#include "src/model/profile.h"

namespace mailmig {

enum class RegistryAccountKind { OutlookMapi, InternetAccountManager };

struct RegistryAccountKey {
  std::string key_path;  // also the account id
  RegistryAccountKind kind;
};

class RegistryProfile : public Profile {
 public:
  RegistryProfile(std::string path, std::string bytes, RegFile document,
                  std::vector<RegistryAccountKey> account_keys);

  ClientKind client() const override;
  std::string path() const override { return files_.front().path; }
  std::vector<Account> accounts() const override;
  std::vector<Finding> findings() const override;
  std::vector<Finding> apply(const std::string& account_id,
                             const std::vector<Change>& changes) override;
  const std::vector<ProfileFile>& files() const override { return files_; }
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
  struct EditedValue {
    std::string key_path;
    std::string name;
  };

  Account read_account(const RegistryAccountKey& key) const;
  Account read_outlook_account(const std::string& key) const;
  Account read_iam_account(const std::string& key) const;
  void refresh_files();
  void refresh_output_files();
  void add_output_file(const std::string& path, std::string bytes);

  RegFile original_;
  RegFile document_;
  std::vector<RegistryAccountKey> account_keys_;
  std::vector<EditedValue> edited_;
  std::vector<ProfileFile> files_;
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
