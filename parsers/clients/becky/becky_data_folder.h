// Finding Becky! 2's data folder and its mailboxes on disk.
#pragma once

#include <optional>
#include <string>
#include <vector>

namespace mailmig {

// A Becky! data folder holds Folder.lst or B2.ini next to at least one "<id>.mb" mailbox folder.
bool is_becky_data_dir(const std::string& dir);

// The first line of <data_dir>/Folder.lst as raw bytes (no charset conversion, as Becky! and
// Thunderbird's importer read it): the folder name of the default mailbox.
std::optional<std::string> read_becky_default_mailbox(const std::string& data_dir);

// <data_dir>/<folder>/Mailbox.ini for every sub-folder that has one: the default mailbox first,
// then the others by folder name.
std::vector<std::string> find_becky_mailboxes(const std::string& data_dir);

}  // namespace mailmig
