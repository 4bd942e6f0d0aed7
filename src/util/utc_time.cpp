#include "src/util/utc_time.h"

namespace mailmig {

std::tm utc_time(std::time_t seconds) {
  std::tm utc{};
#ifdef _WIN32
  gmtime_s(&utc, &seconds);
#else
  gmtime_r(&seconds, &utc);
#endif
  return utc;
}

std::time_t utc_seconds(std::tm utc) {
#ifdef _WIN32
  return _mkgmtime(&utc);
#else
  return timegm(&utc);
#endif
}

}  // namespace mailmig
