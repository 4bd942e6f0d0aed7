// Who and where a run is: the machine's and the user's names, for the journal and the reports.
#pragma once

#include <string>

namespace mailmig {

std::string machine_name();  // "unknown" when the system does not say
std::string user_name();     // the account running mailmig; "unknown" when the system does not say
std::string program_path();  // the running executable's full path; empty when not known

}  // namespace mailmig
