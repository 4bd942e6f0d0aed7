// The current user's live registry as a RegistryStore: WindowsRegistryStore on Windows
// (registry_store_windows.cpp), nothing elsewhere. Only keys below HKEY_CURRENT_USER are
// reachable through it: a path naming another root reads as missing and is never written.
#pragma once

#include <memory>
#include <string_view>

#include "parsers/formats/reg/registry_store.h"

namespace mailmig {

inline constexpr std::string_view kCurrentUserRoot = "HKEY_CURRENT_USER";

// The live registry of the user mailmig runs as, or nullptr where there is none (not Windows).
std::unique_ptr<RegistryStore> open_live_registry();

}  // namespace mailmig
