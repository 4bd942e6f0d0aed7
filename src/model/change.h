// A change a rule asks for, in the normalized vocabulary; a format's writer turns it into bytes.
#pragma once

#include <string>

namespace mailmig {

struct Change {
  std::string rule;    // rule id, e.g. "smtp-submission-port"
  std::string field;   // e.g. "outgoing.port" (see field_name in account.h)
  std::string from;    // effective value before
  std::string to;      // effective value after
  std::string reason;  // one line, English (rendered through gettext for people)

  bool operator==(const Change&) const = default;
};

}  // namespace mailmig
