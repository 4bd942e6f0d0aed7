// Journal rows of the live Windows registry. A run that edits registry values records one row
// per value it sets or deletes, before the first write, the same way FileTransaction records a
// file: `profile` is the registry key the profile is ("HKEY_CURRENT_USER\...\Profiles\Outlook"),
// `path` names the key and the value (registry_row_path), `backup_path` is the run's .reg backup
// holding the old value, and the hashes are registry_value_digest() of the value before and
// after ("" for a value that is missing). The journal itself knows no registry: rollback and
// recovery act on such rows through a RegistryRestorer (src/app), and refuse them without one.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "src/io/journal.h"
#include "src/io/state_dir.h"

namespace mailmig {

// Whether a journal row's profile is a registry key rather than a folder or file.
bool is_registry_profile(std::string_view profile);

struct RegistryRowPath {
  std::string key;   // "HKEY_CURRENT_USER\..."
  std::string name;  // the value's name ("" is the key's default value)
};
// A key path holds no line feed (key names are printable), so one separates it from the name.
std::string registry_row_path(std::string_view key, std::string_view name);
std::optional<RegistryRowPath> parse_registry_row_path(std::string_view path);

// The hash recorded for a value: sha256 of its type and bytes.
std::string registry_value_digest(std::uint32_t type, std::string_view data);

// The lock every run holds while it edits the live registry, and rollback while it restores it:
// one per user, in the user's default state folder whatever --state-dir names, so that runs
// with different state folders still take turns on the one registry. `state_dir` serves only
// when there is no default (no %LOCALAPPDATA%).
std::string registry_lock_path(const std::string& state_dir,
                               const EnvironmentLookup& environment = process_environment);

// What the journal needs to restore registry rows: rollback and recovery decide for every row
// first (plan) and touch nothing while any row is refused, then act on each.
class RegistryRestorer {
 public:
  virtual ~RegistryRestorer() = default;
  // Why the row may not be acted on ("" when it may): a key or value outside the accounts
  // mailmig edits, or outside the row's profile. The backup's folder is the journal's check.
  virtual std::string out_of_bounds(const JournalFile& row) const = 0;
  // What restoring the row takes: AlreadyOriginal, Restored (the backup's value goes back),
  // Deleted (the run created it), Refused (changed since, without `force`) or Failed; the
  // message says why for the last two.
  virtual RestoredFile plan(const JournalFile& row, bool force) = 0;
  // Does what plan() decided (Restored or Deleted).
  virtual IoStatus act(const JournalFile& row, RestoreAction action) = 0;
};

}  // namespace mailmig
