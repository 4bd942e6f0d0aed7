// Every mail client mailmig knows: one descriptor a client, on one list (client_list.cpp).
#pragma once

#include <string>
#include <vector>

#include "parsers/clients/client.h"
#include "src/io/running_client.h"

namespace mailmig {

// In the order discovery reports their profiles and PATH arguments are offered to them.
const std::vector<const ClientDescriptor*>& all_clients();

// The descriptor of a client; none for a result that belongs to no client.
const ClientDescriptor* find_client(ClientKind client);

// Whether `client` runs with the profile at `profile_path` (its folder, or its file).
RunningClientCheck check_client_running(ClientKind client, const std::string& profile_path);

}  // namespace mailmig
