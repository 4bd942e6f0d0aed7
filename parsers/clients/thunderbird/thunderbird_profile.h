// A Thunderbird profile folder: prefs.js (the accounts), logins.json (saved passwords, edited
// only to keep them attached to renamed servers) and each server's msgFilterRules.dat (filters
// that point at folders by server URI), with Thunderbird's own rules for effective values and
// for what must change together.
#pragma once

#include <map>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "parsers/clients/thunderbird/filter_rules.h"
#include "parsers/clients/thunderbird/logins_json.h"
#include "parsers/clients/thunderbird/thunderbird_client.h"
#include "parsers/formats/prefs_js/prefs_document.h"
#include "src/model/profile.h"

namespace mailmig {

class EffectivePrefs;

// JavaScript's encodeURIComponent, which Thunderbird uses to build server URIs.
std::string encode_uri_component(std::string_view text);

// "<store>://<encodeURIComponent(user)>@<host>" (no "user@" for an empty user name), with an
// IPv6 host in brackets; store is "imap", "mailbox" (POP3) or "news" (NNTP).
std::string thunderbird_server_uri(std::string_view store, std::string_view user,
                                   std::string_view host);

// What a Thunderbird account can store (an account renamed before 102 cannot be renamed).
ClientCapabilities thunderbird_capabilities();

class ThunderbirdProfile final : public Profile {
 public:
  // One mail account of the profile and the keys it refers to.
  struct AccountKeys {
    std::string account;
    std::string server;
    Protocol protocol = Protocol::None;
    std::vector<std::string> identities;
    std::string smtp;  // the outgoing server actually used; empty when there is none
  };

  ClientKind client() const override { return kThunderbird; }
  std::string path() const override { return dir_; }
  std::vector<Account> accounts() const override;
  ClientCapabilities capabilities(const Account& account) const override;
  std::string shared_outgoing_server(const std::string& account_id) const override;
  std::vector<Finding> findings() const override;
  using Profile::apply;
  std::vector<Finding> apply(const EditPlan& plan) override;
  // prefs.js, user.js, logins.json, then the filter files.
  std::vector<ProfileFile> files() const override;
  std::string display_text(const ProfileFile& file, std::string_view bytes) const override;

  const PrefsDocument& prefs() const { return prefs_; }

 private:
  friend LoadResult load_thunderbird_profile(const std::string& profile_dir);

  struct FilterFile {
    std::string path;
    FilterRules rules;
  };
  class Editor;

  // prefs.js with user.js over it: what Thunderbird uses.
  EffectivePrefs effective_prefs() const;
  void read_account_keys();
  const AccountKeys* keys_of(std::string_view account_id) const;

  std::string dir_;
  std::string prefs_path_;
  PrefsDocument prefs_;
  // apply() never edits the prefs that tie accounts to servers, identities and outgoing
  // servers, so they are read once.
  std::vector<AccountKeys> account_keys_;
  std::map<std::string, std::size_t, std::less<>> account_numbers_;
  std::map<std::string, std::vector<std::size_t>, std::less<>> accounts_by_smtp_;
  // user.js: its prefs win over prefs.js, so the account view reads them first and every edit
  // of a pref it sets is made there too.
  std::optional<PrefsDocument> user_js_;
  std::string user_js_path_;
  std::optional<LoginsJson> logins_;
  std::string logins_path_;
  std::vector<FilterFile> filters_;
};

// Reads <profile_dir>/prefs.js, user.js (edited too), logins.json and the filter files of every
// server. Any parse error in prefs.js fails the load ("path:line: prefs parse error: message", the
// first error): Thunderbird itself would keep only part of such a file (and save it as
// Invalidprefs.js), so mailmig never edits it.
LoadResult load_thunderbird_profile(const std::string& profile_dir);

}  // namespace mailmig
