// Which accounts a policy governs (issue 15): only those on the organisation's servers, which
// the policy's <scope> names, and never a server that cannot be anyone's organisation's (this
// machine, a program run to send) nor an account that receives no mail (news, a local mailbox).
#pragma once

#include <string_view>

#include "src/model/account.h"

namespace mailmig {

// True for a host that is this machine: localhost and *.localhost (RFC 6761), 127.0.0.0/8 in
// the spellings resolvers accept (127.1, 2130706433), 0.0.0.0, ::1 (also bracketed or written
// out) and ::ffff:127.x.y.z. A local bridge or tunnel runs plaintext on purpose.
bool is_local_host(std::string_view hostname);

// True when a server's host name can be a mail server of an organisation: a network host name or
// address that is not this machine. False for an empty name and for anything that is not a host
// name (the path of a sendmail-style program, a name with spaces).
bool is_organisation_host(std::string_view hostname);

}  // namespace mailmig
