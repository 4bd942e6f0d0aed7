#include "src/io/state_dir.h"

#include <cstdlib>
#include <filesystem>

#ifndef _WIN32
#include <pwd.h>
#include <unistd.h>
#endif

#ifdef _WIN32
#include "src/encoding/wide_text.h"
#endif
#include "src/io/file_system.h"

namespace mailmig {

std::optional<std::string> process_environment(const std::string& name) {
#ifdef _WIN32
  // Wide, then UTF-8: the narrow environment is in the ANSI code page (a Japanese user's
  // %USERPROFILE% on an English Windows would lose its name).
  const wchar_t* value = _wgetenv(widen(name).c_str());
  if (value == nullptr || *value == L'\0') return std::nullopt;
  return narrow(value);
#else
  const char* value = std::getenv(name.c_str());
  if (value == nullptr || *value == '\0') return std::nullopt;
  return std::string(value);
#endif
}

std::string absolute_path(const std::string& path) {
  // As UTF-8 both ways (a narrow path is the ANSI code page on Windows), with '/' between names.
  std::error_code ignored;
  const std::filesystem::path given(std::u8string(path.begin(), path.end()));
  const std::u8string normal =
      std::filesystem::absolute(given, ignored).lexically_normal().generic_u8string();
  std::string absolute(normal.begin(), normal.end());
  if (absolute.empty()) return path;
  while (absolute.size() > 1 && absolute.back() == '/') absolute.pop_back();
  return absolute;
}

namespace {

StateDirResult resolve_state_dir_as_given(const StateDirOptions& options,
                                          const EnvironmentLookup& environment) {
  if (!options.state_dir.empty()) return {options.state_dir, {}};
#ifdef _WIN32
  // The Windows home of per-user, non-roaming state (under Wine: tests/windows).
  if (!options.home.empty()) return {options.home + "\\AppData\\Local\\mailmig", {}};
  if (auto local = environment("LOCALAPPDATA")) return {*local + "\\mailmig", {}};
  return {{}, "cannot find the state folder: LOCALAPPDATA is not set; use --state-dir"};
#else
  if (!options.home.empty()) return {join_path(options.home, ".local/state/mailmig"), {}};
  // The XDG rule: a relative XDG_STATE_HOME is invalid and ignored.
  if (auto state_home = environment("XDG_STATE_HOME"); state_home && state_home->front() == '/') {
    return {join_path(*state_home, "mailmig"), {}};
  }
  std::optional<std::string> home = environment("HOME");
  if (!home) {
    if (const passwd* entry = ::getpwuid(::getuid());
        entry != nullptr && entry->pw_dir != nullptr) {
      home = std::string(entry->pw_dir);
    }
  }
  if (!home) return {{}, "cannot find the state folder: HOME is not set; use --state-dir"};
  return {join_path(*home, ".local/state/mailmig"), {}};
#endif
}

}  // namespace

StateDirResult resolve_state_dir(const StateDirOptions& options,
                                 const EnvironmentLookup& environment) {
  StateDirResult resolved = resolve_state_dir_as_given(options, environment);
  if (resolved) resolved.path = absolute_path(resolved.path);
  return resolved;
}

std::string backup_folder_for_run(const std::string& state_dir, const std::string& run_id,
                                  const std::string& backup_dir) {
  if (!backup_dir.empty()) return join_path(absolute_path(backup_dir), run_id);
  return join_path(join_path(state_dir, "backups"), run_id);
}

}  // namespace mailmig
