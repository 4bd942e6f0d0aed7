#include "src/cli/commands.h"

#include <cstdio>

namespace mailmig {

int run_cli(int, char**) {
  std::puts("mailmig " MAILMIG_VERSION);
  return 0;
}

}  // namespace mailmig
