// One factory per rule file, for the registry's list (no static registration).
#pragma once

#include <memory>

#include "rules/rule.h"

namespace mailmig {

std::unique_ptr<Rule> make_server_move_rule();
std::unique_ptr<Rule> make_apop_to_tls_rule();
std::unique_ptr<Rule> make_incoming_tls_rule();
std::unique_ptr<Rule> make_smtp_submission_port_rule();
std::unique_ptr<Rule> make_spa_off_rule();
std::unique_ptr<Rule> make_smtp_tls_rule();
std::unique_ptr<Rule> make_smtp_auth_rule();
std::unique_ptr<Rule> make_pop_download_limit_rule();

}  // namespace mailmig
