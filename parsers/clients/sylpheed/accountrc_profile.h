// A Sylpheed or Claws Mail profile: the accountrc (edited), and for Claws the clawsrc (read for
// `[Common] config_version`) and the passwordstorerc (read only to know which saved passwords
// exist; a secret file that mailmig never edits).
#pragma once

#include <map>
#include <optional>
#include <set>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include "parsers/formats/accountrc/accountrc_document.h"
#include "src/model/profile.h"

namespace mailmig {

// A file as read from disk.
struct AccountrcFile {
  std::string path;
  std::string bytes;
};

// The files of one profile as read from disk (tests and the fuzzer build them in memory).
struct AccountrcFiles {
  AccountrcFile accountrc;
  std::optional<AccountrcFile> clawsrc;          // Claws Mail only
  std::optional<AccountrcFile> passwordstorerc;  // Claws Mail only
};

// What a Sylpheed or Claws Mail account can store; SMTP after POP only with a POP3 account.
ClientCapabilities accountrc_capabilities(ClientKind client, Protocol incoming);

class AccountrcProfile final : public Profile {
 public:
  // Parses and checks the files; a malformed file gives LoadResult.error "path:line: message".
  static LoadResult make(ClientKind client, std::string folder, AccountrcFiles files);

  ClientKind client() const override { return client_; }
  std::string path() const override { return folder_; }
  std::vector<Account> accounts() const override;
  ClientCapabilities capabilities(const Account& account) const override;
  std::vector<Finding> findings() const override;
  using Profile::apply;
  std::vector<Finding> apply(const EditPlan& plan) override;
  // The accountrc, then clawsrc and passwordstorerc if read.
  std::vector<ProfileFile> files() const override;
  std::string display_text(const ProfileFile& file, std::string_view bytes) const override;

  // The protocol numbering in force for an account: Sylpheed's (0 POP3, 1 APOP, 2 RPOP, 3 IMAP4,
  // 4 NNTP, 5 local) or Claws Mail's since config_version 1 (0 POP3, 1 IMAP4, 2 NNTP, 3 local,
  // 4 none). Claws reads the account's own config_version, else the one in clawsrc.
  bool uses_sylpheed_numbering(const std::string& account_id) const;
  // Whether passwordstorerc holds a `recv` or `send` password for the account (never its value).
  bool has_saved_password(const std::string& account_id, std::string_view kind) const;

 private:
  struct ReadOnlyFile {
    std::string path;
    ReadOnlyDocument document;
  };

  AccountrcProfile(ClientKind client, std::string folder)
      : client_(client), folder_(std::move(folder)) {}
  // The account's own config_version, else clawsrc's (Claws Mail's prefs_migration.c).
  int config_version(const std::string& account_id) const;
  // The account's section, or nullptr.
  const AccountrcDocument::Section* section_of(const std::string& account_id) const;
  // "file:line: key appears more than once in [section]", for the key's second line.
  Finding repeated_key_finding(const AccountrcDocument::Section& section,
                               const AccountrcDocument::Line& line) const;

  ClientKind client_;
  std::string folder_;
  std::string accountrc_path_;
  AccountrcDocument document_;                 // the accountrc
  std::vector<ReadOnlyFile> read_only_files_;  // clawsrc and passwordstorerc, if read
  std::unordered_map<std::string, std::size_t> section_of_id_;  // "1" -> index in sections()
  int clawsrc_config_version_ = 0;  // Claws assumes 0 when clawsrc has none
  std::map<std::string, std::set<std::string>> saved_passwords_;  // account id -> {recv, send}
  // The repeated keys' findings, kept by accounts(), which reads every key table findings() would
  // build again.
  mutable std::optional<std::vector<Finding>> repeated_key_findings_;
};

// Loads `dir`/accountrc (or `dir` itself when it names a file).
LoadResult load_sylpheed_profile(const std::string& dir);
// Loads `dir`/accountrc, and `dir`/clawsrc and `dir`/passwordstorerc when they exist.
LoadResult load_claws_profile(const std::string& dir);

// True when the file holds a key only Claws Mail writes (config_version, use_pop_auth,
// pop_before_smtp_timeout, ...), so that a bare accountrc can be given to the right loader.
bool looks_like_claws_accountrc(std::string_view bytes);

}  // namespace mailmig
