// Message digests (Nettle: it needs no start-up work, and mailmig runs at every login): file
// hashes for the journal, the policy hash, and the MD5 that Claws Mail uses to name its control
// socket.
#pragma once

#include <string>
#include <string_view>

namespace mailmig {

std::string sha256_hex(std::string_view bytes);  // 64 lower-case hex digits
std::string md5_hex(std::string_view bytes);     // 32 lower-case hex digits

}  // namespace mailmig
