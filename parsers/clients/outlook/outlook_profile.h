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
  OutlookProfile(std::string path, RegFile document);
  // The store and the mapping refer to the document this object holds.
  OutlookProfile(const OutlookProfile&) = delete;
  OutlookProfile& operator=(const OutlookProfile&) = delete;

  ClientKind client() const override { return accounts_.client(); }
  std::string path() const override { return path_; }
  std::vector<Account> accounts() const override { return accounts_.accounts(); }
  std::vector<Finding> findings() const override;
  ClientCapabilities capabilities(const Account& account) const override {
    return accounts_.capabilities(account);
  }
  using Profile::apply;
  std::vector<Finding> apply(const EditPlan& plan) override;
  // The export, then the delta and undo files when the export changes (or when an earlier run
  // left them and this run's differ). The delta and undo bytes are built only when asked for.
  std::vector<ProfileFile> files() const override;
  std::string display_text(const ProfileFile& file, std::string_view bytes) const override;

  // The bytes of the "<name>.delta.reg" or "<name>.undo.reg" an earlier apply left beside the
  // export: this run replaces them, or empties them when it changes nothing, so that the files
  // beside the export always describe the last run. `path` is one of the two.
  void adopt_earlier_output(const std::string& path, std::string bytes);

  const RegFile& document() const { return document_; }
  const std::vector<RegistryAccountKey>& account_keys() const { return accounts_.account_keys(); }

 private:
  // A file written beside the export: its bytes are the edited lines as they are now (delta)
  // or as they were read (undo), built from the export's edits when asked for.
  class OutputDocument final : public LosslessDocument {
   public:
    OutputDocument(const OutlookProfile& profile, bool undo) : profile_(&profile), undo_(undo) {}
    std::string original() const override { return earlier.value_or(std::string()); }
    bool changed() const override {
      const std::string now = serialize();
      return earlier ? now != *earlier : !now.empty();
    }
    std::string serialize() const override { return profile_->render_output(undo_); }

    std::string path;
    std::optional<std::string> earlier;  // the bytes an earlier run left there, if any

   private:
    const OutlookProfile* profile_;
    bool undo_;
  };

  // The edited value's line in the file as read, or its deletion when the file had none.
  std::string line_before_edits(const RegEntry& now) const;
  // Whether some edited line differs from the line before the edits (the delta is not empty).
  bool has_changed_lines() const;
  // The delta file (the edited lines as they are) or the undo file (as they were).
  std::string render_output(bool undo) const;

  std::string path_;
  RegFile document_;          // remembers the text as parsed, for the undo file
  RegFileStore store_;        // over document_
  OutlookAccounts accounts_;  // over store_
  OutputDocument delta_;
  OutputDocument undo_;
};

// Loads a .reg file; files without a UTF-16 BOM are read in `ansi_codepage` (an iconv name).
LoadResult load_registry_file(const std::string& path, const char* ansi_codepage = "CP932");
// The same for bytes already read; `path` names the file in errors and in files().
LoadResult load_registry_bytes(const std::string& path, std::string bytes,
                               const char* ansi_codepage = "CP932");

}  // namespace mailmig
