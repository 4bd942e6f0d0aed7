// Becky! Internet Mail 2: a data folder whose mailboxes each keep one account in Mailbox.ini.
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "parsers/clients/account_files.h"
#include "parsers/clients/becky/becky_client.h"
#include "parsers/formats/ini/becky_ini_document.h"
#include "src/model/profile.h"

namespace mailmig {

// No STARTTLS (its key is [open]), no protocol switch in place, no SMTP user of its own, and only
// the logins whose keys are known: the same for every mailbox.
ClientCapabilities becky_capabilities();

class BeckyProfile final : public Profile {
 public:
  ClientKind client() const override { return kBecky; }
  std::string path() const override { return path_; }
  // One account per Mailbox.ini with an [Account] section; the id is the mailbox folder name.
  std::vector<Account> accounts() const override;
  // Facts the normalized view hides: a port Becky! leaves to its own (undocumented) default.
  std::vector<Finding> findings() const override;
  ClientCapabilities capabilities(const Account& /*account*/) const override {
    return becky_capabilities();
  }
  using Profile::apply;
  std::vector<Finding> apply(const EditPlan& plan) override;
  const std::vector<ProfileFile>& files() const override { return mailboxes_.files(); }
  std::string display_text(const ProfileFile& file, std::string_view bytes) const override;

 private:
  friend LoadResult load_becky_profile(const std::string& path);
  std::string path_;
  AccountFiles<BeckyIniDocument> mailboxes_;  // ids are the mailbox folders, e.g. "4e4d186e.mb"
};

// `path` is a Becky! data folder (every mailbox in it) or one Mailbox.ini.
LoadResult load_becky_profile(const std::string& path);

}  // namespace mailmig
