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

// Only the permission bits are carried over: a setuid, setgid or sticky bit on a user's file
// must never reach a file that root writes.
constexpr std::uint32_t kPermissionBits = 0777;

// The new content in a temporary file beside `name` in `folder`, with `keep`'s owner and
// permission bits, fsync'd. Mode and owner are set on the open file, so a name swapped for a
// symlink meanwhile changes nothing but that name.
struct PreparedTemp {
  std::string name;
  FileStatus created;  // which file the temporary file is
  IoStatus status;
};

PreparedTemp prepare_temp(FileSystem& fs, const OpenedFolder& folder, const std::string& name,
                          std::string_view bytes, const FileStatus& keep) {
  PreparedTemp prepared;
  OpenedFile temp = fs.create_temp_file(folder, name);
  if (!temp) {
    prepared.status.error = temp.error;
    return prepared;
  }
  prepared.name = temp.name;
  prepared.created = temp.status;
  IoStatus status = fs.write(temp, bytes);
  // The owner first: a change of owner may clear mode bits, the mode set after it stays.
  if (status) status = fs.set_owner(temp, keep.uid, keep.gid);
  if (status) status = fs.set_mode(temp, keep.mode & kPermissionBits);
  if (status) status = fs.fsync_file(temp);
  const IoStatus closed = fs.close_file(temp);
  if (status && !closed) status = closed;
  if (!status) {
    fs.unlink_in(folder, prepared.name);
    prepared.name.clear();
  }
  prepared.status = status;
  return prepared;
}

std::string backup_name(const std::string& target) {
  return sha256_hex(target).substr(0, 16) + "-" + file_name(target);
}

// Renames the temporary file over `name`, first making sure the temporary name still holds the
// file written (a symlink put in its place is refused before it replaces anything), then that
// the file now at `name` is it.
IoStatus rename_into_place(FileSystem& fs, const OpenedFolder& folder, const std::string& temp,
                           const FileStatus& written, const std::string& name) {
  const std::string swapped = folder.path_of(name) +
                              ": rename failed: the temporary file was swapped while mailmig "
                              "wrote it";
  const StatResult before = fs.stat_in(folder, temp);
  if (!before) return {before.error};
  if (!same_file(before.status, written)) return {swapped};
  if (IoStatus renamed = fs.rename_in(folder, temp, name); !renamed) return renamed;
  const StatResult after = fs.stat_in(folder, name);
  if (!after) return {after.error};
  if (!same_file(after.status, written)) return {swapped};
  return {};
}

}  // namespace

IoStatus replace_file_in(FileSystem& fs, const OpenedFolder& folder, const std::string& name,
                         std::string_view bytes, const FileStatus& keep) {
  PreparedTemp temp = prepare_temp(fs, folder, name, bytes, keep);
  if (!temp.status) return temp.status;
  if (IoStatus renamed = rename_into_place(fs, folder, temp.name, temp.created, name); !renamed) {
    fs.unlink_in(folder, temp.name);
    return renamed;
  }
  return fs.fsync_open_folder(folder);
}

IoStatus replace_file_atomically(FileSystem& fs, const std::string& path, std::string_view bytes,
                                 const FileStatus& keep) {
  const OpenedFolder folder = fs.open_folder(parent_folder(path));
  if (!folder) return {folder.error()};
  return replace_file_in(fs, folder, file_name(path), bytes, keep);
}

IoStatus remove_file(FileSystem& fs, const std::string& path) {
  const OpenedFolder folder = fs.open_folder(parent_folder(path));
  if (!folder) return {folder.error()};
  if (IoStatus removed = fs.unlink_in(folder, file_name(path)); !removed) return removed;
  return fs.fsync_open_folder(folder);
}

std::vector<std::string> remove_leftover_temp_files(FileSystem& fs, const std::string& folder,
                                                    const std::vector<std::string>& file_names) {
  std::vector<std::string> removed;
  const OpenedFolder opened = fs.open_folder(folder);
  if (!opened) return removed;
  const FolderListing listing = fs.list_folder(opened.path());
  for (const std::string& name : listing.names) {
    const std::size_t marker = name.rfind(kTempFileMarker);
    if (name.empty() || name.front() != '.' || marker == std::string::npos) continue;
    const std::string owner = name.substr(1, marker - 1);
    if (!file_names.empty() &&
        std::find(file_names.begin(), file_names.end(), owner) == file_names.end()) {
      continue;
    }
    const StatResult status = fs.stat_in(opened, name);
    if (status && status.status.type == FileType::Regular && fs.unlink_in(opened, name)) {
      removed.push_back(join_path(folder, name));
    }
  }
  if (!removed.empty()) fs.fsync_open_folder(opened);
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
  return stage(file.path, file.original(), file.current(), file.created);
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
    file.folder = folder_status.status;
  } else {
    if (link.status.type == FileType::Missing) return {path + ": refused: the file is gone"};
    const PathResult target = fs_.real_path(path);
    if (!target) return {target.error};
    file.target = target.path;
    const StatResult folder_status = fs_.stat(parent_folder(file.target));
    if (!folder_status) return {folder_status.error};
    file.folder = folder_status.status;
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

IoStatus FileTransaction::open_folders() {
  for (const StagedFile& file : files_) {
    const std::string folder_path = parent_folder(file.target);
    if (folders_.count(folder_path) != 0) continue;
    OpenedFolder folder = fs_.open_folder(folder_path);
    if (!folder) return {folder.error()};
    if (!same_file(folder.status(), file.folder)) {
      return {file.path +
              ": refused: its folder was replaced since mailmig read it; nothing in "
              "this profile was written; run mailmig again"};
    }
    folders_.emplace(folder_path, std::move(folder));
  }
  return {};
}

const OpenedFolder& FileTransaction::folder_of(const StagedFile& file) const {
  return folders_.at(parent_folder(file.target));
}

IoStatus FileTransaction::check_unchanged(const StagedFile& file) {
  const std::string changed =
      file.path +
      ": refused: the file changed since mailmig read it; nothing in this profile "
      "was written; run mailmig again";
  const OpenedFolder& folder = folder_of(file);
  const std::string name = file_name(file.target);
  const StatResult now = fs_.stat_in(folder, name);
  if (!now) return {now.error};
  if (file.created) {
    if (now.status.type != FileType::Missing) {
      return {file.path + ": refused: mailmig was to create this file, but it exists now"};
    }
    return {};
  }
  const PathResult target = fs_.real_path(file.path);
  if (!target) return {target.error};
  if (target.path != file.target) return {changed};
  // Not following a symlink: a file swapped for one is a changed file.
  if (now.status.type != FileType::Regular || !same_file(now.status, file.status) ||
      now.status.size != file.status.size || now.status.mtime_ns != file.status.mtime_ns) {
    return {changed};
  }
  const ReadResult bytes = fs_.read_in(folder, name);
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
  for (std::size_t i = 0; i < temps_.size(); ++i) {
    if (!temps_[i].name.empty()) fs_.unlink_in(folder_of(files_[i]), temps_[i].name);
  }
  temps_.clear();
}

std::string FileTransaction::restore_replaced() {
  std::string errors;
  std::set<std::string> folders;
  // Newest first. Not std::views::reverse: clang-tidy 14 cannot compile it with libstdc++ 12.
  for (auto it = files_.rbegin(); it != files_.rend(); ++it) {  // NOLINT(modernize-loop-convert)
    StagedFile& file = *it;
    if (!file.replaced) continue;
    const OpenedFolder& folder = folder_of(file);
    const std::string name = file_name(file.target);
    IoStatus status = file.created ? fs_.unlink_in(folder, name)
                                   : replace_file_in(fs_, folder, name, file.original, file.status);
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
  for (const std::string& folder : folders) fs_.fsync_open_folder(folders_.at(folder));
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
  const OpenedFolder backups = fs_.open_folder(options_.backup_folder);
  if (!backups) return {backups.error()};
  // Backups hold secrets (passwords in accountrc): only the user may read them.
  if (IoStatus mode = fs_.set_folder_mode(backups, 0700); !mode) return mode;
  {
    const OpenedFolder parent = fs_.open_folder(parent_folder(options_.backup_folder));
    if (!parent) return {parent.error()};
    if (IoStatus synced = fs_.fsync_open_folder(parent); !synced) return synced;
  }
  for (const StagedFile& file : files_) {
    if (file.created) continue;
    if (IoStatus backed_up =
            write_new_file_durably(fs_, backups, file_name(file.backup_path), file.original, 0600);
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

  if (IoStatus opened = open_folders(); !opened) return fail(opened, false);
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
    PreparedTemp temp =
        prepare_temp(fs_, folder_of(file), file_name(file.target), file.replacement, file.status);
    if (!temp.status) return fail(temp.status, true);
    temps_.push_back({temp.name, temp.created});
  }

  std::set<std::string> folders;
  for (std::size_t i = 0; i < files_.size(); ++i) {
    const OpenedFolder& folder = folder_of(files_[i]);
    const std::string name = file_name(files_[i].target);
    IoStatus renamed = rename_into_place(fs_, folder, temps_[i].name, temps_[i].file, name);
    if (!renamed) {
      // The temporary name is gone only if the rename happened (then something else than the
      // file written took the file's place): the original is to be put back like a replaced one.
      files_[i].replaced = fs_.stat_in(folder, temps_[i].name).status.type == FileType::Missing;
      if (files_[i].replaced) temps_[i].name.clear();
      return fail(renamed, true);
    }
    files_[i].replaced = true;
    temps_[i].name.clear();  // renamed: no longer a temporary file to remove
    folders.insert(parent_folder(files_[i].target));
  }
  temps_.clear();
  for (const std::string& folder : folders) {
    if (IoStatus synced = fs_.fsync_open_folder(folders_.at(folder)); !synced) {
      return fail(synced, true);
    }
  }

  // Read back through the same folder handles: what was written is what is checked, even if a
  // name on the way to the folder now leads elsewhere.
  for (const StagedFile& file : files_) {
    const ReadResult bytes = fs_.read_in(folder_of(file), file_name(file.target));
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
