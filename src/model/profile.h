// One client profile as mailmig holds it: the files read, their lossless documents, the
// normalized accounts, and the writer that turns an edit plan into minimal byte edits.
// Every client implements this in parsers/clients/<client>/; nothing above them knows a format.
#pragma once

#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "src/model/account.h"
#include "src/model/change.h"
#include "src/model/client.h"
#include "src/model/client_capabilities.h"
#include "src/model/edit_plan.h"
#include "src/model/finding.h"

namespace mailmig {

struct ProfileFile {
  std::string path;      // as found (absolute when discovered)
  std::string original;  // the bytes read from disk (empty when `created`)
  std::string current;   // the bytes after the edits so far; equal to `original` until edited
  bool created = false;  // a file mailmig adds (a .delta.reg, a new logins.json)

  bool changed() const { return created || original != current; }
};

struct FileChange {
  std::string path;
  bool changed = false;
};

class Profile {
 public:
  virtual ~Profile() = default;

  virtual ClientKind client() const = 0;
  // The profile folder, or the single file when the profile is one file (a .reg export).
  virtual std::string path() const = 0;

  // The accounts as they stand in the current bytes, with effective values.
  virtual std::vector<Account> accounts() const = 0;

  // One account as it stands in the current bytes (tests name the account they look at).
  std::optional<Account> account(const std::string& account_id) const;

  // The outgoing server of the account when other accounts of the profile may use it too
  // (Thunderbird's "smtp1"), else empty: a plan that edits it edits theirs too.
  virtual std::string shared_outgoing_server(const std::string& /*account_id*/) const { return {}; }

  // What the client can store for this account (Outlook and Outlook Express accounts of one
  // registry export differ; a Thunderbird account renamed before 102 cannot be renamed). The
  // engine plans within it. By default, everything.
  virtual ClientCapabilities capabilities(const Account& /*account*/) const {
    ClientCapabilities everything;
    everything.client_name = client_display_name(client());
    return everything;
  }

  // Format-specific facts about the profile that rules cannot see (a user.js that would undo
  // a change, a key that is locked by an enterprise policy).
  virtual std::vector<Finding> findings() const = 0;

  // Edits the current bytes so that the plan's account reads as `plan.after` in the fields the
  // plan changes, keeping the client's dependent settings consistent. Returns what the user must
  // still do, as findings; it never throws for a valid plan.
  virtual std::vector<Finding> apply(const EditPlan& plan) = 0;
  // A plan of just these changes, kept within the account's capabilities (tests and fuzz targets
  // name the changes they want). Returns the plan's findings, then the writer's.
  std::vector<Finding> apply(const std::string& account_id, const std::vector<Change>& changes) {
    for (const Account& account : accounts()) {
      if (account.id != account_id) continue;
      EditPlan plan = plan_of_changes(capabilities(account), account, changes);
      std::vector<Finding> findings = std::move(plan.findings);
      plan.findings.clear();
      if (plan.changes.empty()) return findings;
      for (Finding& finding : apply(plan)) findings.push_back(std::move(finding));
      return findings;
    }
    EditPlan plan;  // no such account: the writer says so
    plan.account_id = account_id;
    plan.changes = changes;
    return apply(plan);
  }

  // Every file read or to be written, with original and current bytes.
  virtual const std::vector<ProfileFile>& files() const = 0;

  // Every file and whether it changed, without building the current bytes: a plan never needs
  // them, and a format may build them only when asked for files().
  virtual std::vector<FileChange> file_changes() const;

  // The bytes of one of this profile's files decoded to UTF-8 for showing to a person, with
  // every secret (password, obfuscated or encrypted blob) replaced by "********".
  virtual std::string display_text(const ProfileFile& file, std::string_view bytes) const = 0;
};

inline std::optional<Account> Profile::account(const std::string& account_id) const {
  for (Account& account : accounts()) {
    if (account.id == account_id) return std::move(account);
  }
  return std::nullopt;
}

inline std::vector<FileChange> Profile::file_changes() const {
  std::vector<FileChange> changes;
  for (const ProfileFile& file : files()) changes.push_back({file.path, file.changed()});
  return changes;
}

// What a loader returns: a profile, or an error naming the file and the line ("file:line: what
// was expected").
struct LoadResult {
  std::unique_ptr<Profile> profile;
  std::string error;

  explicit operator bool() const { return profile != nullptr; }
};

}  // namespace mailmig
