// Systems without a Windows registry: Outlook is reached through .reg exports only.
#include "parsers/formats/reg/live_registry.h"

namespace mailmig {

std::unique_ptr<RegistryStore> open_live_registry() { return nullptr; }

}  // namespace mailmig
