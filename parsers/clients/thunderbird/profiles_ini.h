// Thunderbird's profiles.ini, read only to find the profile folders under a root folder
// (~/.thunderbird, %APPDATA%\Thunderbird).
#pragma once

#include <string>
#include <vector>

namespace mailmig {

// The profile folders listed in <root_dir>/profiles.ini, as Thunderbird reads them: sections
// [Profile0], [Profile1], ... up to the first missing number; entries without Name or Path are
// skipped; IsRelative=1 paths ("/"-separated) are taken from the root. Absolute paths are
// returned as written. Empty when there is no readable profiles.ini.
std::vector<std::string> find_thunderbird_profiles(const std::string& root_dir);

}  // namespace mailmig
