// The process exit codes: a contract with login scripts and administrators.
#pragma once

namespace mailmig {

enum ExitStatus : int {
  kExitOk = 0,     // done, or nothing to do
  kExitError = 1,  // some profile could not be read or written (untouched)
  kExitUsage = 2,  // bad command line or invalid policy
  // Retry later: a mail client was running on some profile (skipped), the run's --timeout
  // passed before some profiles (not processed), or an account's new server did not pass its
  // check with verification required (the account was left alone).
  kExitClientRunning = 3,
  // plan: work remains on this machine: changes are pending, or a step only a person can do
  // (an action-required finding). One code for both, so that "plan exits 0" keeps meaning done.
  kExitChangesPending = 4,
};

}  // namespace mailmig
