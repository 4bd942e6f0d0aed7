// What `mailmig --version` prints.
#pragma once

#include <string>

namespace mailmig {

// "mailmig 0.1.0" and a line with the commit, the build date and the platform (fixed at
// configure time: cmake/MailmigBuildInfo.cmake), in the user's language.
std::string version_text();

}  // namespace mailmig
