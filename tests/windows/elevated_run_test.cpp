// An administrator's elevated run over another user's profile (issue 17 §2) is refused when it
// would change it: the decision. elevated_run_test.sh runs mailmig.exe on a home of another
// Linux user, which Wine shows as another owner to its elevated administrator.
#include <gtest/gtest.h>

#include "src/cli/home_owner.h"

namespace mailmig {
namespace {

TEST(ElevatedRun, ChangingAnotherUsersProfileIsRefusedAndOnlyThat) {
  const ElevatedHomeFacts elevated_over_other{true, true, false};
  EXPECT_TRUE(refuse_elevated_run(elevated_over_other, true));    // apply, rollback
  EXPECT_FALSE(refuse_elevated_run(elevated_over_other, false));  // plan, scan: they only read
  EXPECT_FALSE(refuse_elevated_run({true, true, true}, true));    // a copy the admin made
  EXPECT_FALSE(refuse_elevated_run({true, false, true}, true));   // no --home: their own
  EXPECT_FALSE(refuse_elevated_run({false, true, false}, true));  // Windows checks the rights
}

}  // namespace
}  // namespace mailmig
