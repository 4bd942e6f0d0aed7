#include "src/app/live_registry_commit.h"

#include <vector>

#include "parsers/formats/reg/reg_file.h"
#include "src/io/file_system.h"
#include "src/util/digest.h"

namespace mailmig {
namespace {

std::string digest_of(const std::optional<RegistryValue>& value) {
  return value ? registry_value_digest(value->type, value->data) : std::string();
}

std::string describe(const StagedRegistryStore::Edit& edit) {
  return "[" + edit.key + "] \"" + edit.name + "\"";
}

// Sets the value to `value`, or deletes it for nullopt, then reads it back.
IoStatus put(RegistryStore& store, const std::string& key, const std::string& name,
             const std::optional<RegistryValue>& value) {
  const ParseResult written = value ? store.write(key, *value) : store.remove(key, name);
  if (!written) return {written.message};
  if (!same_value(store.read(key, name), value)) {
    return {"[" + key + "] \"" + name + "\": the value read back is not the value written"};
  }
  return {};
}

// What the backup holds for each edit, exactly as the edit's old value: the export mailmig
// wrote must give back the types and bytes it saved, or no value is written.
IoStatus check_backup(const std::string& bytes,
                      const std::vector<StagedRegistryStore::Edit>& edits) {
  RegFile backup;
  if (const ParseResult parsed = RegFile::parse(bytes, backup); !parsed) {
    return {"the registry backup does not read back: " + parsed.describe("backup")};
  }
  const RegFileStore store(backup);
  for (const StagedRegistryStore::Edit& edit : edits) {
    if (!same_value(store.read(edit.key, edit.name), edit.before)) {
      return {describe(edit) + ": the registry backup does not hold the old value exactly"};
    }
  }
  return {};
}

IoStatus write_backup(const std::string& folder, const std::string& name,
                      const std::string& bytes) {
  RealFileSystem fs;
  if (IoStatus made = fs.make_folders(folder, 0700); !made) return made;
  const OpenedFolder backups = fs.open_folder(folder);
  if (!backups) return {backups.error()};
  // The accounts' values may hold secrets: only the user may read them.
  if (IoStatus mode = fs.set_folder_mode(backups, 0700); !mode) return mode;
  return write_new_file_durably(fs, backups, name, bytes, 0600);
}

}  // namespace

IoStatus commit_live_registry(const LiveOutlookProfile& profile, const LiveRegistryCommit& options,
                              const std::function<std::string()>& verify,
                              std::string& backup_path) {
  const std::vector<StagedRegistryStore::Edit> edits = profile.changes();
  if (edits.empty()) return {};
  RegistryStore& live = profile.live();
  const std::string where = profile.path() + ": ";
  for (const StagedRegistryStore::Edit& edit : edits) {
    if (!is_live_account_key(profile.path(), edit.key)) {
      return {where + describe(edit) + ": not a mail account key of this profile: nothing written"};
    }
    // Outlook (or a person) may have changed it since it was read.
    if (!same_value(live.read(edit.key, edit.name), edit.before)) {
      return {where + describe(edit) + ": changed since it was read: nothing written"};
    }
  }

  // Named from the profile's key, never from anything on a drive: one file per profile a run.
  const std::string backup_bytes = profile.files().front().original();
  if (IoStatus checked = check_backup(backup_bytes, edits); !checked) {
    return {where + checked.error + ": nothing written"};
  }
  const std::string name = "registry-" + sha256_hex(profile.path()).substr(0, 16) + ".reg";
  if (IoStatus written = write_backup(options.backup_folder, name, backup_bytes); !written) {
    return {where + written.error + ": nothing written"};
  }
  backup_path = join_path(options.backup_folder, name);

  if (options.journal != nullptr) {
    std::vector<JournalFile> rows;
    for (const StagedRegistryStore::Edit& edit : edits) {
      JournalFile row;
      row.run_id = options.run_id;
      row.profile = profile.path();
      row.path = registry_row_path(edit.key, edit.name);
      row.backup_path = edit.before ? backup_path : std::string();
      row.sha256_before = digest_of(edit.before);
      row.sha256_after = digest_of(edit.after);
      row.created = !edit.before;
      rows.push_back(std::move(row));
    }
    if (IoStatus recorded = options.journal->record_files(rows); !recorded) {
      return {where + recorded.error + ": nothing written"};
    }
  }

  std::size_t written = 0;
  std::string error;
  for (; written < edits.size(); ++written) {
    const StagedRegistryStore::Edit& edit = edits[written];
    if (IoStatus status = put(live, edit.key, edit.name, edit.after); !status) {
      error = status.error;
      break;
    }
  }
  if (error.empty()) error = verify();
  if (error.empty()) {
    if (options.journal != nullptr) {
      options.journal->mark_done_with_next_write(options.run_id, profile.path());
    }
    return {};
  }
  // Put back every value, the failed one too (it may have been written before its read-back).
  std::string restore_errors;
  for (std::size_t i = std::min(written + 1, edits.size()); i-- > 0;) {
    if (IoStatus back = put(live, edits[i].key, edits[i].name, edits[i].before); !back) {
      restore_errors += "; " + back.error;
    }
  }
  if (restore_errors.empty() && options.journal != nullptr) {
    options.journal->set_files_state(options.run_id, profile.path(), FileState::RolledBack);
  }
  if (!restore_errors.empty()) {
    return {where + error + "; putting the old values back failed" + restore_errors +
            " (the backup is " + backup_path + ")"};
  }
  return {where + error + ": the old values are back"};
}

std::string LiveRegistryRestorer::out_of_bounds(const JournalFile& row) const {
  const std::optional<RegistryRowPath> value = parse_registry_row_path(row.path);
  if (!value || !is_live_account_key(row.profile, value->key)) {
    return "journal row names a registry value outside the mail accounts mailmig edits: " +
           row.profile + ": refused";
  }
  return {};
}

LiveRegistryRestorer::BackupValue LiveRegistryRestorer::backup_value(const JournalFile& row) {
  BackupValue result;
  if (row.created) return result;  // nothing to put back: it is deleted
  const std::optional<RegistryRowPath> value = parse_registry_row_path(row.path);
  if (!value) {
    result.error = "not a registry value";
    return result;
  }
  RealFileSystem fs;
  const ReadResult bytes = fs.read_file(row.backup_path);
  if (!bytes) {
    result.error = bytes.error;
    return result;
  }
  RegFile backup;
  if (const ParseResult parsed = RegFile::parse(bytes.bytes, backup); !parsed) {
    result.error = parsed.describe(row.backup_path);
    return result;
  }
  result.value = RegFileStore(backup).read(value->key, value->name);
  // The backup is input too: it must hold the very value the journal recorded.
  if (digest_of(result.value) != row.sha256_before) {
    result.error = row.backup_path + ": the backup does not hold the original value";
  }
  return result;
}

RestoredFile LiveRegistryRestorer::plan(const JournalFile& row, bool force) {
  const std::optional<RegistryRowPath> value = parse_registry_row_path(row.path);
  RestoredFile outcome{value ? "[" + value->key + "] \"" + value->name + "\"" : row.path,
                       RestoreAction::AlreadyOriginal,
                       {}};
  if (!value) {
    outcome.action = RestoreAction::Failed;
    outcome.message = "not a registry value";
    return outcome;
  }
  const std::string now = digest_of(store_->read(value->key, value->name));
  if (now == row.sha256_before) return outcome;
  if (now != row.sha256_after && !force) {
    outcome.action = RestoreAction::Refused;
    outcome.message = "changed since mailmig wrote it (use --force to restore anyway)";
    return outcome;
  }
  const BackupValue old = backup_value(row);
  if (!old.error.empty()) {
    outcome.action = RestoreAction::Failed;
    outcome.message = old.error;
    return outcome;
  }
  outcome.action = old.value ? RestoreAction::Restored : RestoreAction::Deleted;
  return outcome;
}

IoStatus LiveRegistryRestorer::act(const JournalFile& row, RestoreAction action) {
  const std::optional<RegistryRowPath> value = parse_registry_row_path(row.path);
  const BackupValue old = backup_value(row);
  if (!value || !old.error.empty()) return {old.error};
  if (action == RestoreAction::Deleted && old.value) return {row.path + ": not created by the run"};
  return put(*store_, value->key, value->name, old.value);
}

}  // namespace mailmig
