// The platform half of running-client detection: running_client_posix.cpp on Unix,
// running_client_windows.cpp on Windows. Each returns the evidence that the client runs, or an
// empty string.
#pragma once

#include <string>

#include "src/model/client.h"

namespace mailmig {

std::string find_running_client(ClientKind client, const std::string& profile_path);

}  // namespace mailmig
