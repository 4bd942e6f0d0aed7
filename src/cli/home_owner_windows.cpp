// run_for_home on Windows: the work is done here, as the user running. Windows has no switch to
// another user the way a root process on Linux becomes the home's owner, so an elevated run
// that would change another user's profile is refused (issue 17 §2).
#include <windows.h>
// clang-format off: aclapi.h needs the types windows.h defines first
#include <aclapi.h>
// clang-format on

#include <iostream>
#include <optional>
#include <vector>

#include "src/cli/exit_status.h"
#include "src/cli/home_owner.h"
#include "src/encoding/wide_text.h"
#include "src/i18n/i18n.h"
#include "src/model/finding.h"
#include "src/util/text_sanitize.h"

namespace mailmig {
namespace {

// One piece of the process token's information (TOKEN_USER, TOKEN_OWNER, ...), in a buffer that
// keeps the SIDs it points to alive.
std::optional<std::vector<unsigned char>> token_information(TOKEN_INFORMATION_CLASS kind) {
  HANDLE token = nullptr;
  if (!OpenProcessToken(GetCurrentProcess(), TOKEN_QUERY, &token)) return std::nullopt;
  DWORD size = 0;
  GetTokenInformation(token, kind, nullptr, 0, &size);
  std::vector<unsigned char> buffer(size);
  const bool got = size > 0 && GetTokenInformation(token, kind, buffer.data(), size, &size);
  CloseHandle(token);
  if (!got) return std::nullopt;
  return buffer;
}

bool process_is_elevated() {
  const auto elevation = token_information(TokenElevation);
  return elevation && elevation->size() >= sizeof(TOKEN_ELEVATION) &&
         reinterpret_cast<const TOKEN_ELEVATION*>(elevation->data())->TokenIsElevated != 0;
}

// The home belongs to this account when its owner is the account itself or the owner this
// account gives what it creates (the Administrators group for an elevated administrator: a
// copy it made). Unknown owners count as someone else's.
bool home_belongs_to_this_account(const std::string& home) {
  PSID owner = nullptr;
  PSECURITY_DESCRIPTOR descriptor = nullptr;
  std::wstring path = widen(home);
  if (GetNamedSecurityInfoW(path.c_str(), SE_FILE_OBJECT, OWNER_SECURITY_INFORMATION, &owner,
                            nullptr, nullptr, nullptr, &descriptor) != ERROR_SUCCESS) {
    return false;
  }
  bool ours = false;
  if (const auto user = token_information(TokenUser)) {
    ours = EqualSid(owner, reinterpret_cast<const TOKEN_USER*>(user->data())->User.Sid) != 0;
  }
  if (const auto default_owner = token_information(TokenOwner); !ours && default_owner) {
    ours = EqualSid(owner, reinterpret_cast<const TOKEN_OWNER*>(default_owner->data())->Owner) != 0;
  }
  LocalFree(descriptor);
  return ours;
}

}  // namespace

bool refuse_elevated_run(const ElevatedHomeFacts& facts, bool changes_profiles) {
  return facts.elevated && facts.home_given && !facts.home_is_this_users && changes_profiles;
}

int run_for_home(const HomeRun& run, const std::function<int(const RunOutputs&)>& work) {
  std::vector<std::string> named = run.profile_paths;
  if (!run.home.empty()) named.insert(named.begin(), run.home);
  ElevatedHomeFacts facts;
  facts.home_given = !named.empty();
  std::string someone_elses;
  if (facts.home_given && run.changes_profiles) {
    facts.elevated = process_is_elevated();
    for (const std::string& path : named) {
      if (!facts.elevated) break;
      // A PATH that does not exist is said so by the run itself.
      if (GetFileAttributesW(widen(path).c_str()) == INVALID_FILE_ATTRIBUTES) continue;
      if (!home_belongs_to_this_account(path)) {
        facts.home_is_this_users = false;
        someone_elses = path;
        break;
      }
    }
  }
  if (refuse_elevated_run(facts, run.changes_profiles)) {
    std::cerr << "mailmig: "
              << fill_placeholders(
                     translate(N_("{home} is another user's profile and mailmig runs as an "
                                  "administrator (elevated): it changes no other user's mail "
                                  "settings this way. Let that user run mailmig (the logon "
                                  "script does it at their next logon); \"mailmig plan\" only "
                                  "looks and is allowed.")),
                     {{"home", printable(someone_elses)}})
              << "\n";
    return kExitUsage;
  }
  return work(run.outputs);
}

}  // namespace mailmig
