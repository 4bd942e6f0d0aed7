// Apply and undo for profiles in the live Windows registry, with the guarantees files have
// (src/io/file_transaction.h): the old value of every value written is saved first in a
// version-5 .reg backup (types and bytes exact, checked by parsing it back), the journal records
// one row per value before the first write (src/io/registry_journal.h), each value is written
// and read back, and a failure anywhere puts back every value already written. A kill leaves
// each value old or new (the registry writes a value whole), and the next run's recovery puts a
// profile it did not finish back to its old values.
#pragma once

#include <functional>
#include <memory>
#include <string>

#include "parsers/clients/outlook/live_outlook_profile.h"
#include "parsers/formats/reg/live_registry.h"
#include "src/io/journal.h"
#include "src/io/registry_journal.h"

namespace mailmig {

struct LiveRegistryCommit {
  std::string backup_folder;  // backup_folder_for_run()
  Journal* journal = nullptr;
  std::string run_id;
};

// Writes the profile's edits to the store it was read from. `verify` runs once every value is
// written and read back (it re-reads the accounts), returning what is wrong or "". On failure
// the registry is as it was and the error says why; `backup_path` is set once it is written.
IoStatus commit_live_registry(const LiveOutlookProfile& profile, const LiveRegistryCommit& options,
                              const std::function<std::string()>& verify, std::string& backup_path);

// Rollback and recovery of registry rows over a store (the live registry, or a test's). A row
// is acted on only when its key is a mail account key of its profile's key (one of the places
// live-registry discovery looks), its backup holds the value the row's hash records, and the
// value reads as the run left it (or `force`).
class LiveRegistryRestorer final : public RegistryRestorer {
 public:
  // Over the live registry (open_live_registry()), or none where there is no registry.
  explicit LiveRegistryRestorer(std::unique_ptr<RegistryStore> store) : store_(std::move(store)) {}

  bool available() const { return store_ != nullptr; }

  std::string out_of_bounds(const JournalFile& row) const override;
  RestoredFile plan(const JournalFile& row, bool force) override;
  IoStatus act(const JournalFile& row, RestoreAction action) override;

 private:
  // The value the row's backup holds for its key and name (nullopt: the backup deletes it).
  struct BackupValue {
    std::optional<RegistryValue> value;
    std::string error;
  };
  BackupValue backup_value(const JournalFile& row);

  std::unique_ptr<RegistryStore> store_;
};

}  // namespace mailmig
