// Windows Mail (Vista) and Windows Live Mail: a store folder holding one
// account{GUID}.oeaccount file per account.
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "parsers/clients/account_files.h"
#include "parsers/clients/windows_mail/windows_mail_client.h"
#include "parsers/formats/oeaccount/oeaccount_document.h"
#include "src/model/profile.h"

namespace mailmig {

// No STARTTLS for receiving, one "secure connection" flag for sending (SSL on 465, STARTTLS
// elsewhere), no protocol switch in place, and only a password or SPA to log on: the same for
// every account.
ClientCapabilities windows_mail_capabilities();

class WindowsMailProfile final : public Profile {
 public:
  ClientKind client() const override { return kWindowsMail; }
  std::string path() const override { return path_; }
  // One account per file with a POP3 or IMAP server (news and directory accounts are left
  // out); the id is the file name, e.g. "account{1B2C...}.oeaccount".
  std::vector<Account> accounts() const override;
  // How "This server requires a secure connection" for sending is most likely used.
  std::vector<Finding> findings() const override;
  ClientCapabilities capabilities(const Account& /*account*/) const override {
    return windows_mail_capabilities();
  }
  using Profile::apply;
  std::vector<Finding> apply(const EditPlan& plan) override;
  const std::vector<ProfileFile>& files() const override { return account_files_.files(); }
  std::string display_text(const ProfileFile& file, std::string_view bytes) const override;

 private:
  friend LoadResult load_windows_mail_store(const std::string& path);
  std::string path_;
  AccountFiles<OeAccountDocument> account_files_;  // ids are the file names
};

// `path` is the store root (searched recursively for *.oeaccount) or one .oeaccount file.
LoadResult load_windows_mail_store(const std::string& path);

}  // namespace mailmig
