// UTC calendar time both ways, the same on every platform (gmtime_r and timegm are POSIX only).
#pragma once

#include <ctime>

namespace mailmig {

std::tm utc_time(std::time_t seconds);
// The seconds since the epoch of a UTC calendar time (fields out of range are normalized).
std::time_t utc_seconds(std::tm utc);

}  // namespace mailmig
