// Outlook and Outlook Express, both read from a registry export
// (parsers/clients/outlook/outlook_client.cpp defines both descriptors).
#pragma once

#include "src/model/client.h"

namespace mailmig {

inline constexpr ClientKind kOutlook{"outlook", "Outlook"};
inline constexpr ClientKind kOutlookExpress{"outlook-express", "Outlook Express"};

}  // namespace mailmig
