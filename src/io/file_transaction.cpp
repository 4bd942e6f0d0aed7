#include "src/io/file_transaction.h"

#include <algorithm>
#include <future>
#include <set>
#include <utility>

#include "src/io/journal.h"
#include "src/util/digest.h"

namespace mailmig {
namespace {

bool is_inside(const std::string& path, const std::string& root) {
  if (root == "/") return path.size() > 1 && path.front() == '/';
  return path.size() > root.size() && path.compare(0, root.size(), root) == 0 &&
         path[root.size()] == '/';
}

// The new content in a temporary file beside `target`, with `keep`'s mode and owner, fsync'd.
struct PreparedTemp {
  std::string path;
  IoStatus status;
};

PreparedTemp prepare_temp(FileSystem& fs, const std::string& target, std::string_view bytes,
                          const FileStatus& keep) {
  PreparedTemp prepared;
  OpenedFile temp = fs.create_temp_file(parent_folder(target), file_name(target));
  if (!temp) {
    prepared.status.error = temp.error;
    return prepared;
  }
  prepared.path = temp.path;
  IoStatus status = fs.write(temp, bytes);
  if (status) status = fs.fsync_file(temp);
  const IoStatus closed = fs.close_file(temp);
  if (status && !closed) status = closed;
  if (status) status = fs.change_mode(temp.path, keep.mode);
  if (status) {
    const StatResult temp_status = fs.stat(temp.path);
    if (!temp_status) {
      status.error = temp_status.error;
    } else if (temp_status.status.uid != keep.uid || temp_status.status.gid != keep.gid) {
      status = fs.change_owner(temp.path, keep.uid, keep.gid);
    }
  }
  if (!status) {
    fs.unlink(temp.path);
    prepared.path.clear();
  }
  prepared.status = status;
  return prepared;
}

std::string backup_name(const std::string& target) {
  return sha256_hex(target).substr(0, 16) + "-" + file_name(target);
}

}  // namespace

IoStatus replace_file_atomically(FileSystem& fs, const std::string& path, std::string_view bytes,
                                 const FileStatus& keep) {
  PreparedTemp temp = prepare_temp(fs, path, bytes, keep);
  if (!temp.status) return temp.status;
  if (IoStatus renamed = fs.rename(temp.path, path); !renamed) {
    fs.unlink(temp.path);
    return renamed;
  }
  return fs.fsync_folder(parent_folder(path));
}

std::vector<std::string> remove_leftover_temp_files(FileSystem& fs, const std::string& folder,
                                                    const std::vector<std::string>& file_names) {
  std::vector<std::string> removed;
  const FolderListing listing = fs.list_folder(folder);
  for (const std::string& name : listing.names) {
    const std::size_t marker = name.rfind(kTempFileMarker);
    if (name.empty() || name.front() != '.' || marker == std::string::npos) continue;
    const std::string owner = name.substr(1, marker - 1);
    if (!file_names.empty() &&
        std::find(file_names.begin(), file_names.end(), owner) == file_names.end()) {
      continue;
    }
    const std::string path = join_path(folder, name);
    const StatResult status = fs.lstat(path);
    if (status && status.status.type == FileType::Regular && fs.unlink(path)) {
      removed.push_back(path);
    }
  }
  if (!removed.empty()) fs.fsync_folder(folder);
  return removed;
}

FileTransaction::FileTransaction(FileSystem& fs, TransactionOptions options)
    : fs_(fs), options_(std::move(options)) {
  if (options_.profile.empty()) options_.profile = options_.profile_root;
}

FileTransaction::~FileTransaction() {
  if (state_ != State::Committing) return;
  remove_temp_files();
  restore_replaced();
}

IoStatus FileTransaction::stage(const ProfileFile& file) {
  if (!file.changed()) return {};
  return stage(file.path, file.original, file.current, file.created);
}

IoStatus FileTransaction::stage(const std::string& path, std::string expected_original,
                                std::string new_bytes, bool created) {
  if (state_ != State::Staging) return {path + ": stage failed: the transaction has been run"};
  if (real_root_.empty()) {
    const PathResult root = fs_.real_path(options_.profile_root);
    if (!root) return {root.error};
    real_root_ = root.path;
  }
  StagedFile file;
  file.path = path;
  file.original = std::move(expected_original);
  file.replacement = std::move(new_bytes);
  file.created = created;

  const StatResult link = fs_.lstat(path);
  if (!link) return {link.error};
  if (created) {
    if (link.status.type != FileType::Missing) {
      return {path + ": refused: mailmig was to create this file, but it exists now"};
    }
    const PathResult folder = fs_.real_path(parent_folder(path));
    if (!folder) return {folder.error};
    file.target = join_path(folder.path, file_name(path));
    const StatResult folder_status = fs_.stat(folder.path);
    if (!folder_status) return {folder_status.error};
    file.status.mode = 0600;
    file.status.uid = folder_status.status.uid;  // a file root creates belongs to the profile owner
    file.status.gid = folder_status.status.gid;
  } else {
    if (link.status.type == FileType::Missing) return {path + ": refused: the file is gone"};
    const PathResult target = fs_.real_path(path);
    if (!target) return {target.error};
    file.target = target.path;
  }
  if (!is_inside(file.target, real_root_)) {
    return {path + ": refused: it leads to " + file.target + ", outside the profile folder " +
            real_root_ + "; mailmig never writes through a link out of a profile"};
  }
  for (const StagedFile& other : files_) {
    if (other.target == file.target) return {path + ": stage failed: staged twice"};
  }
  if (!created) {
    const StatResult status = fs_.stat(file.target);
    if (!status) return {status.error};
    if (status.status.type != FileType::Regular) return {path + ": refused: not a regular file"};
    file.status = status.status;
    const ReadResult bytes = fs_.read_file(file.target);
    if (!bytes) return {bytes.error};
    if (bytes.bytes != file.original) {
      return {path + ": refused: the file changed since mailmig read it; run mailmig again"};
    }
  }
  files_.push_back(std::move(file));
  return {};
}

IoStatus FileTransaction::check_unchanged(const StagedFile& file) {
  const std::string changed =
      file.path +
      ": refused: the file changed since mailmig read it; nothing in this profile "
      "was written; run mailmig again";
  if (file.created) {
    const StatResult now = fs_.lstat(file.target);
    if (!now) return {now.error};
    if (now.status.type != FileType::Missing) {
      return {file.path + ": refused: mailmig was to create this file, but it exists now"};
    }
    return {};
  }
  const PathResult target = fs_.real_path(file.path);
  if (!target) return {target.error};
  if (target.path != file.target) return {changed};
  const StatResult now = fs_.stat(file.target);
  if (!now) return {now.error};
  if (now.status.type != FileType::Regular || now.status.size != file.status.size ||
      now.status.mtime_ns != file.status.mtime_ns) {
    return {changed};
  }
  const ReadResult bytes = fs_.read_file(file.target);
  if (!bytes) return {bytes.error};
  if (sha256_hex(bytes.bytes) != sha256_hex(file.original)) return {changed};
  return {};
}

IoStatus FileTransaction::record_intent() {
  std::vector<JournalFile> records;
  for (const StagedFile& file : files_) {
    JournalFile record;
    record.run_id = options_.run_id;
    record.profile = options_.profile;
    record.path = file.target;
    record.backup_path = file.backup_path;
    record.sha256_before = file.created ? std::string() : sha256_hex(file.original);
    record.sha256_after = sha256_hex(file.replacement);
    record.created = file.created;
    records.push_back(std::move(record));
  }
  return options_.journal->record_files(records);
}

void FileTransaction::remove_temp_files() {
  for (const std::string& temp : temp_files_) {
    if (!temp.empty()) fs_.unlink(temp);
  }
  temp_files_.clear();
}

std::string FileTransaction::restore_replaced() {
  std::string errors;
  std::set<std::string> folders;
  for (auto it = files_.rbegin(); it != files_.rend(); ++it) {
    StagedFile& file = *it;
    if (!file.replaced) continue;
    IoStatus status = file.created
                          ? fs_.unlink(file.target)
                          : replace_file_atomically(fs_, file.target, file.original, file.status);
    if (status) {
      file.replaced = false;
      folders.insert(parent_folder(file.target));
    } else {
      if (!errors.empty()) errors += "; ";
      errors += status.error;
      if (!file.backup_path.empty())
        errors += " (the original is kept in " + file.backup_path + ")";
    }
  }
  for (const std::string& folder : folders) fs_.fsync_folder(folder);
  if (errors.empty() && options_.journal != nullptr) {
    if (IoStatus marked = options_.journal->set_files_state(options_.run_id, options_.profile,
                                                            FileState::RolledBack);
        !marked) {
      errors = marked.error;
    }
  }
  return errors;
}

IoStatus FileTransaction::fail(IoStatus error, bool restore) {
  remove_temp_files();
  if (restore) {
    const bool any_replaced =
        std::any_of(files_.begin(), files_.end(), [](const StagedFile& f) { return f.replaced; });
    const std::string restore_errors = restore_replaced();
    if (!restore_errors.empty()) {
      error.error += "; putting the original files back failed too: " + restore_errors +
                     "; the next mailmig run will retry from the journal";
    } else if (any_replaced) {
      error.error += "; the original files were put back";
    }
  }
  state_ = State::Failed;
  return error;
}

IoStatus FileTransaction::write_backups() {
  const bool needs_backup =
      std::any_of(files_.begin(), files_.end(), [](const StagedFile& f) { return !f.created; });
  if (!needs_backup) return {};
  if (IoStatus made = fs_.make_folders(options_.backup_folder, 0700); !made) return made;
  // Backups hold secrets (passwords in accountrc): only the user may read them.
  if (IoStatus mode = fs_.change_mode(options_.backup_folder, 0700); !mode) return mode;
  if (IoStatus synced = fs_.fsync_folder(parent_folder(options_.backup_folder)); !synced) {
    return synced;
  }
  for (const StagedFile& file : files_) {
    if (file.created) continue;
    if (IoStatus backed_up = write_new_file_durably(fs_, file.backup_path, file.original, 0600);
        !backed_up) {
      return backed_up;
    }
  }
  return {};
}

IoStatus FileTransaction::commit(const Verifier& verifier) {
  if (state_ != State::Staging) return {options_.profile + ": commit failed: already run"};
  state_ = State::Committing;
  if (files_.empty()) {
    state_ = State::Committed;
    return {};
  }
  if (options_.journal != nullptr && options_.run_id.empty()) {
    return fail({options_.profile + ": commit failed: a journal needs a run id"}, false);
  }

  for (const StagedFile& file : files_) {
    if (IoStatus status = check_unchanged(file); !status) return fail(status, false);
  }

  // The intent is recorded on a second thread while this one writes the backups: neither needs
  // the other, and both must be on disk before the first temporary file exists (a run killed
  // after that leaves a temporary file only where the journal can find it), so their fsyncs
  // overlap instead of queueing; they are most of apply's time. The journal uses SQLite's own
  // file access, never fs_, so fs_ sees the same calls in the same order as before.
  for (StagedFile& file : files_) {
    if (!file.created) {
      file.backup_path = join_path(options_.backup_folder, backup_name(file.target));
    }
  }
  std::future<IoStatus> intent;
  if (options_.journal != nullptr) {
    intent = std::async(std::launch::async, [this] { return record_intent(); });
  }
  const IoStatus backed_up = write_backups();
  if (intent.valid()) {
    if (const IoStatus recorded = intent.get(); !recorded) return fail(recorded, false);
  }
  // The journal holds the intent: a failure from here on marks the profile's files rolled back.
  if (!backed_up) return fail(backed_up, true);

  // Every temporary file is complete before the first rename, so a full disk stops the
  // transaction while the profile is still all old.
  for (const StagedFile& file : files_) {
    PreparedTemp temp = prepare_temp(fs_, file.target, file.replacement, file.status);
    if (!temp.status) return fail(temp.status, true);
    temp_files_.push_back(temp.path);
  }

  std::set<std::string> folders;
  for (std::size_t i = 0; i < files_.size(); ++i) {
    if (IoStatus renamed = fs_.rename(temp_files_[i], files_[i].target); !renamed) {
      return fail(renamed, true);
    }
    files_[i].replaced = true;
    temp_files_[i].clear();  // renamed: no longer a temporary file to remove
    folders.insert(parent_folder(files_[i].target));
  }
  temp_files_.clear();
  for (const std::string& folder : folders) {
    if (IoStatus synced = fs_.fsync_folder(folder); !synced) return fail(synced, true);
  }

  for (const StagedFile& file : files_) {
    const ReadResult bytes = fs_.read_file(file.target);
    if (!bytes) return fail({bytes.error}, true);
    if (bytes.bytes != file.replacement) {
      return fail({file.path + ": verification failed: the bytes read back differ from the "
                               "bytes written"},
                  true);
    }
    if (verifier) {
      if (std::string problem = verifier(file.path, bytes.bytes); !problem.empty()) {
        return fail({file.path + ": verification failed: " + problem}, true);
      }
    }
  }

  if (options_.journal != nullptr) {
    options_.journal->mark_done_with_next_write(options_.run_id, options_.profile);
  }
  state_ = State::Committed;
  return {};
}

}  // namespace mailmig
