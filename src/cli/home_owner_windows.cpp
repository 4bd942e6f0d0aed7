// run_for_home on Windows: the work is done here, as the user running. Windows has no switch to
// another user the way a root process on Linux becomes the home's owner; refusing an elevated
// run over another user's profile (issue 17 §2) is not done yet.
#include "src/cli/home_owner.h"

namespace mailmig {

int run_for_home(const HomeRun& run, const std::function<int(const RunOutputs&)>& work) {
  return work(run.outputs);
}

}  // namespace mailmig
