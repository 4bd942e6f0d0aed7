// The client's id in JSON, CSV and reports, and the name a person knows it by.
#pragma once

#include "src/model/client.h"

namespace mailmig {

inline constexpr ClientKind kWindowsMail{"windows-mail", "Windows Mail"};

}  // namespace mailmig
