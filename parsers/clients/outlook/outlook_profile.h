// The mail accounts in one regedit export: the .reg-file part of the Outlook client. The
// account mapping (OutlookAccounts) reads and writes the export's values through a
// RegFileStore; this class owns the file, its bytes and its outputs. Edits go into the .reg
// itself; after any change the profile also holds
// "<name>.delta.reg" (only the changed values, for `reg import`) and "<name>.undo.reg"; when a
// run changes nothing, those left by an earlier run are emptied (header only).
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "parsers/clients/outlook/outlook_accounts.h"
#include "parsers/formats/reg/reg_file.h"
#include "parsers/formats/reg/registry_store.h"
#include "src/model/profile.h"

namespace mailmig {

class OutlookProfile : public Profile {
 public:
  // The accounts are those find_account_keys() finds among the export's keys.
  OutlookProfile(std::string path, std::string bytes, RegFile document);
  // The store and the mapping refer to the document this object holds.
  OutlookProfile(const OutlookProfile&) = delete;
  OutlookProfile& operator=(const OutlookProfile&) = delete;

  ClientKind client() const override { return accounts_.client(); }
  std::string path() const override { return files_.front().path; }
  std::vector<Account> accounts() const override { return accounts_.accounts(); }
  std::vector<Finding> findings() const override;
  ClientCapabilities capabilities(const Account& account) const override {
    return accounts_.capabilities(account);
  }
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
  const std::vector<RegistryAccountKey>& account_keys() const { return accounts_.account_keys(); }

 private:
  void refresh_files() const;
  // The edited value's line in the file as read, or its deletion when the file had none.
  std::string line_before_edits(const RegEntry& now) const;
  void add_output_file(const std::string& path, std::string bytes) const;

  RegFile document_;          // remembers the text as parsed, for the undo file
  RegFileStore store_;        // over document_
  OutlookAccounts accounts_;  // over store_
  mutable std::vector<ProfileFile> files_;
  mutable bool files_stale_ = false;  // files_ does not hold document_'s edits (or bytes) yet
  std::vector<ProfileFile> earlier_outputs_;
};

// Loads a .reg file; files without a UTF-16 BOM are read in `ansi_codepage` (an iconv name).
LoadResult load_registry_file(const std::string& path, const char* ansi_codepage = "CP932");
// The same for bytes already read; `path` names the file in errors and in files().
LoadResult load_registry_bytes(const std::string& path, std::string bytes,
                               const char* ansi_codepage = "CP932");

}  // namespace mailmig
