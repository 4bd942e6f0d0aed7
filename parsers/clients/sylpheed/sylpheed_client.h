// Sylpheed and Claws Mail: one configuration folder holding accountrc, told apart by its
// content (parsers/clients/sylpheed/sylpheed_client.cpp defines both descriptors).
#pragma once

#include <string>
#include <vector>

#include "src/model/client.h"

namespace mailmig {

inline constexpr ClientKind kSylpheed{"sylpheed", "Sylpheed"};
inline constexpr ClientKind kClawsMail{"claws-mail", "Claws Mail"};

#ifndef _WIN32
// The socket paths Claws Mail may be listening on for this configuration folder, in the order
// they are tried. Claws hashes the exact string of its folder ($HOME + "/.claws-mail", or the
// --alternate-config-dir it was given), so both the path as given and its real path are hashed.
std::vector<std::string> claws_mail_socket_paths(const std::string& config_folder);
#endif

}  // namespace mailmig
