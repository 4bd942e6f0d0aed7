// What a client that keeps each account in a file of its own needs around its writer (Becky!'s
// Mailbox.ini, Windows Mail's .oeaccount): the files, each parsed into its lossless document and
// named by its account's id, read one way, edited one way and shown one way.
#pragma once

#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "src/io/read_file.h"
#include "src/model/profile.h"

namespace mailmig {

template <typename Document>
class AccountFiles {
 public:
  struct Entry {
    std::string id;
    std::string path;
    Document document;
  };

  // Reads and parses each file in order: `id_of(path)` names its account, and
  // `refuse(path, bytes)` says why bytes that parse are still no such file (or nothing). Returns
  // the first failure, naming the file, or an empty string.
  template <typename IdOf, typename Refuse>
  std::string read(const std::vector<std::string>& paths, IdOf id_of, Refuse refuse) {
    for (const std::string& path : paths) {
      ReadResult read = read_file(path);
      if (!read) return read.error;
      if (std::string refused = refuse(path, read.bytes); !refused.empty()) return refused;
      Entry entry{id_of(path), path, Document()};
      if (auto result = Document::parse(std::move(read.bytes), entry.document); !result) {
        return result.describe(path);
      }
      entries_.push_back(std::move(entry));
    }
    return {};
  }

  const std::vector<Entry>& entries() const { return entries_; }
  std::vector<ProfileFile> files() const {
    std::vector<ProfileFile> files;
    files.reserve(entries_.size());
    for (const Entry& entry : entries_) files.push_back({entry.path, &entry.document});
    return files;
  }

  // Finds the account's entry and edits its document with `edit(entry)`. Returns false when no
  // entry accepts the edit (`edit` returns false).
  template <typename Edit>
  bool edit(const std::string& id, Edit edit) {
    for (Entry& entry : entries_) {
      if (entry.id == id) return edit(entry);
    }
    return false;
  }

  // A file's bytes as a person may see them (secrets masked by the document), or why they do
  // not parse.
  static std::string display_text(const ProfileFile& file, std::string_view bytes) {
    Document document;
    if (auto result = Document::parse(std::string(bytes), document); !result) {
      return result.describe(file.path) + "\n";
    }
    return document.display_text();
  }

 private:
  std::vector<Entry> entries_;
};

// The warning for a plan whose account the profile does not hold, under the plan's first rule
// (or the client's own, for an empty plan). `message` is marked N_() with "{account}".
inline Finding missing_account(const EditPlan& plan, std::string_view client_rule,
                               const char* message) {
  const std::string rule =
      plan.changes.empty() ? std::string(client_rule) : plan.changes.front().rule;
  return make_finding(rule, Severity::Warning, message, {{"account", plan.account_id}});
}

}  // namespace mailmig
