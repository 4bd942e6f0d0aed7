// The mail hosts on which Thunderbird signs in with OAuth2, from its built-in provider list.
#pragma once

#include <string_view>

namespace mailmig {

// True when Thunderbird's OAuth2Providers knows `hostname` for mail: the host or one of its
// parent domains is in the list (imap.gmail.com through gmail.com), compared without case.
bool thunderbird_signs_in_with_oauth2(std::string_view hostname);

}  // namespace mailmig
