// Small helpers the built-in rules share.
#pragma once

#include <string>
#include <string_view>

#include "rules/rule.h"

namespace mailmig {

bool is_encrypted(SocketType socket_type);

// Whether a login on this server can put the password on the wire as it is: no encryption,
// and a method that may send it in clear. No rule ever makes a server so that was not so before;
// the clients' writers rely on that and do not check it again.
bool sends_password_in_clear(const ServerSettings& server);

// Adds a change of `field` to `to` when the account holds another value there.
void propose_change(RuleOutput& output, std::string_view rule, const Account& account,
                    FieldRef field, const std::string& to, const std::string& reason);

// An English reason template with its one {key} placeholder filled in.
std::string reason_text(std::string_view reason_template, std::string_view key,
                        std::string_view value);

}  // namespace mailmig
