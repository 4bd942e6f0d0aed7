// Which policy file a run uses when the command line may or may not name one.
#pragma once

#include <string>

namespace mailmig {

// The system's policy (a conffile of the Debian package): used when the command line names
// none and none sits beside the executable. None on Windows, where the policy travels beside
// mailmig.exe.
#ifdef _WIN32
inline constexpr const char* kSystemPolicyPath = "";
#else
inline constexpr const char* kSystemPolicyPath = "/etc/mailmig/policy.xml";
#endif

// The file of the policy to use, in this order: `given` (--policy) as it is; else
// mailmig-policy.xml in the folder of `executable_path` (what IT ships beside the program);
// else `system_policy`. A path counts when anything is there (a folder, a dangling link): that
// is a policy that fails to load, never a reason to fall back. Empty: the built-in default.
std::string find_policy_file(const std::string& given, const std::string& executable_path,
                             const std::string& system_policy = kSystemPolicyPath);

}  // namespace mailmig
