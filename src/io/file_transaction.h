// FileTransaction: every changed file of ONE profile is replaced, verified, or all put back.
// Shaped like SQLiteCpp's Transaction: what is not committed is rolled back in the destructor.
//
// commit() in order: (1) refuse if any file changed since it was read (size, mtime, sha256) or
// resolves outside the profile folder, touching nothing; (2) back up every original (0600 files
// in a 0700 folder, fsync'd) while a second thread records the intent in the journal (state
// pending); (3) write every new content to ".<name>.mailmig-tmp-<random>" beside its file
// (O_EXCL, 0600, the original's owner and permission bits, never setuid/setgid/sticky, fsync);
// (4) rename each over its file (the commit point of that file) and fsync the folders; (5)
// re-read every file and ask the verifier. Every step names its file relative to a handle on the
// folder opened once in (1) and checked to be the folder staged, never by a path again. A
// failure anywhere puts every replaced file back from its original bytes the same temp+rename way,
// and removes files the transaction created. A kill -9 leaves each file old or new, never torn; the
// journal lets the next run roll an interrupted profile back (Journal::recover_interrupted_runs).
#pragma once

#include <functional>
#include <map>
#include <string>
#include <vector>

#include "src/io/file_system.h"
#include "src/model/profile.h"

namespace mailmig {

class Journal;

// Checks a file as re-read after the rename, called with the path as it was staged: returns an
// empty string when it is right, else what is wrong ("mail.server.server1.port reads 110,
// planned 995"). The bytes have already been compared with the bytes written.
using Verifier = std::function<std::string(const std::string& path, const std::string& bytes)>;

struct TransactionOptions {
  std::string profile_root;    // the profile folder; no write may resolve outside it (for a
                               // single-file profile, the folder holding the file)
  std::string backup_folder;   // backup_folder_for_run(state_dir, run_id, --backup-dir)
  Journal* journal = nullptr;  // optional: where the intent is recorded before the renames
  std::string run_id;          // the journal's run (needed with a journal)
  std::string profile;         // the journal's profile key; defaults to profile_root
};

struct StagedFile {
  std::string path;         // as staged
  std::string target;       // the real path written (symlinks inside the profile resolved)
  std::string original;     // the bytes expected on disk (empty when created)
  std::string replacement;  // the new bytes
  bool created = false;
  FileStatus status;        // size, mtime, mode and owner when staged
  FileStatus folder;        // the folder holding `target` when staged (which folder it is)
  std::string backup_path;  // set by commit (empty for created files)
  bool replaced = false;    // renamed into place and not put back
};

class FileTransaction {
 public:
  FileTransaction(FileSystem& fs, TransactionOptions options);
  // Puts back every file already replaced when commit() did not finish (an exception left it).
  ~FileTransaction();
  FileTransaction(const FileTransaction&) = delete;
  FileTransaction& operator=(const FileTransaction&) = delete;

  // Adds one file. `expected_original` is what the parser read; staging re-reads the file and
  // refuses when it differs, when it is not a regular file, or when it (or a symlink on the way)
  // leads outside the profile folder. A created file must not exist yet.
  IoStatus stage(const std::string& path, std::string expected_original, std::string new_bytes,
                 bool created);
  // A changed ProfileFile as a parser left it; unchanged files are skipped.
  IoStatus stage(const ProfileFile& file);

  // Writes every staged file (see the top of this file). On failure the profile is as it was
  // and the error names the file and the operation ("/p/prefs.js: rename failed: ...").
  IoStatus commit(const Verifier& verifier);

  bool committed() const { return state_ == State::Committed; }
  const std::vector<StagedFile>& files() const { return files_; }

 private:
  enum class State { Staging, Committing, Committed, Failed };

  IoStatus open_folders();
  const OpenedFolder& folder_of(const StagedFile& file) const;
  IoStatus check_unchanged(const StagedFile& file);
  IoStatus write_backups();
  IoStatus record_intent();
  std::string restore_replaced();  // empty when every replaced file is back
  void remove_temp_files();
  IoStatus fail(IoStatus error, bool restore);

  FileSystem& fs_;
  TransactionOptions options_;
  std::string real_root_;
  std::vector<StagedFile> files_;
  std::map<std::string, OpenedFolder> folders_;  // by real path: every folder written in
  struct TempFile {
    std::string name;  // in the folder of the file it replaces
    FileStatus file;   // which file was written
  };
  std::vector<TempFile> temps_;  // per file: written, not yet renamed (empty name once renamed)
  State state_ = State::Staging;
};

// Replaces `name` in `folder` with `bytes` through a temporary file beside it and a rename,
// giving the new file `keep`'s owner and permission bits (never setuid, setgid or sticky), and
// fsyncs the folder. How originals are put back.
IoStatus replace_file_in(FileSystem& fs, const OpenedFolder& folder, const std::string& name,
                         std::string_view bytes, const FileStatus& keep);
// The same for a path: its folder is opened first (FileSystem::open_folder).
IoStatus replace_file_atomically(FileSystem& fs, const std::string& path, std::string_view bytes,
                                 const FileStatus& keep);
// Removes the file at `path` through a handle on its folder, and fsyncs the folder.
IoStatus remove_file(FileSystem& fs, const std::string& path);

// Removes ".<name>.mailmig-tmp-*" files that a killed run left in `folder`, for the given file
// names only (another profile may share the folder), or for every name when `file_names` is
// empty; returns their paths.
std::vector<std::string> remove_leftover_temp_files(FileSystem& fs, const std::string& folder,
                                                    const std::vector<std::string>& file_names);

}  // namespace mailmig
