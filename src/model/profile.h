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
#include "src/model/lossless_document.h"

namespace mailmig {

// One file of a profile: where it is, and the document the profile holds its bytes in.
struct ProfileFile {
  std::string path;                            // as found (absolute when discovered)
  const LosslessDocument* document = nullptr;  // owned by the profile; never null
  bool created = false;                        // a file mailmig adds (a .delta.reg)

  // The bytes read from disk (empty when `created`).
  std::string original() const { return document->original(); }
  // The bytes after the edits so far: original() until edited. Built when asked for.
  std::string current() const { return document->serialize(); }
  bool changed() const { return created || document->changed(); }
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

  // Every file read or to be written, as views of the profile's documents: cheap, as no bytes
  // are copied or built. A view shows later edits and lives as long as the profile; which files
  // there are can change with an edit (Outlook's delta and undo files), so ask again after one.
  virtual std::vector<ProfileFile> files() const = 0;

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

// What a loader returns: a profile, or an error naming the file and the line ("file:line: what
// was expected").
struct LoadResult {
  std::unique_ptr<Profile> profile;
  std::string error;

  explicit operator bool() const { return profile != nullptr; }
};

}  // namespace mailmig
