// The process exit codes: a contract with login scripts and administrators.
#pragma once

namespace mailmig {

enum ExitStatus : int {
  kExitOk = 0,              // done, or nothing to do
  kExitError = 1,           // some profile could not be read or written (untouched)
  kExitUsage = 2,           // bad command line or invalid policy
  kExitClientRunning = 3,   // a mail client was running on some profile: skipped, retry later
  kExitChangesPending = 4,  // plan: changes are pending
};

}  // namespace mailmig
