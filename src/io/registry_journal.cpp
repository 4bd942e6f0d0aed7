#include "src/io/registry_journal.h"

#include "src/io/file_system.h"
#include "src/util/digest.h"

namespace mailmig {

bool is_registry_profile(std::string_view profile) { return profile.starts_with("HKEY_"); }

std::string registry_row_path(std::string_view key, std::string_view name) {
  std::string path(key);
  path += '\n';
  path += name;
  return path;
}

std::optional<RegistryRowPath> parse_registry_row_path(std::string_view path) {
  const std::size_t separator = path.find('\n');
  if (separator == std::string_view::npos) return std::nullopt;
  return RegistryRowPath{std::string(path.substr(0, separator)),
                         std::string(path.substr(separator + 1))};
}

std::string registry_value_digest(std::uint32_t type, std::string_view data) {
  std::string typed = std::to_string(type) + ":";
  typed += data;
  return sha256_hex(typed);
}

std::string registry_lock_path(const std::string& state_dir, const EnvironmentLookup& environment) {
  const StateDirResult own = resolve_state_dir({}, environment);
  return join_path(join_path(own ? own.path : state_dir, "locks"), "live-registry.lock");
}

}  // namespace mailmig
