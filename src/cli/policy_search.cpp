#include "src/cli/policy_search.h"

#include <boost/filesystem.hpp>

namespace mailmig {
namespace {

namespace fs = boost::filesystem;

// Anything at the path counts, even a folder or a dangling link: loading it then fails (exit 2)
// instead of mailmig quietly applying another policy than the one IT put there.
bool something_at(const fs::path& path) {
  boost::system::error_code error;
  return fs::symlink_status(path, error).type() != fs::file_not_found;
}

}  // namespace

std::string find_policy_file(const std::string& given, const std::string& executable_path,
                             const std::string& system_policy) {
  if (!given.empty()) return given;
  if (!executable_path.empty()) {
    const fs::path beside = fs::path(executable_path).parent_path() / "mailmig-policy.xml";
    if (something_at(beside)) return beside.string();
  }
  if (!system_policy.empty() && something_at(system_policy)) return system_policy;
  return {};
}

}  // namespace mailmig
