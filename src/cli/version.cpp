#include "src/cli/version.h"

#include "src/i18n/i18n.h"
#include "src/model/finding.h"

namespace mailmig {

std::string version_text() {
  return std::string("mailmig ") + MAILMIG_VERSION + "\n" +
         fill_placeholders(translate(N_("commit {commit}, built {date}, for {platform}")),
                           {{"commit", MAILMIG_COMMIT},
                            {"date", MAILMIG_BUILD_DATE},
                            {"platform", MAILMIG_PLATFORM}});
}

}  // namespace mailmig
