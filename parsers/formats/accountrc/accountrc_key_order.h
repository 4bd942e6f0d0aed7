// The fixed order in which each client writes an account's keys, so that a key mailmig must add
// lands where the client itself would write it.
#pragma once

#include <span>
#include <string_view>

namespace mailmig {

std::span<const std::string_view> sylpheed_key_order();
std::span<const std::string_view> claws_key_order();

}  // namespace mailmig
