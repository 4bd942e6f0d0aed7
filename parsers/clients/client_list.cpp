#include "parsers/clients/client_list.h"

namespace mailmig {

// Each defined in its folder: parsers/clients/<client>/<client>_client.cpp.
extern const ClientDescriptor kThunderbirdClient, kOutlookClient, kOutlookExpressClient,
    kSylpheedClient, kClawsMailClient, kBeckyClient, kWindowsMailClient, kNewOutlookClient,
    kShurikenClient;

const std::vector<const ClientDescriptor*>& all_clients() {
  // One line a client. The order is the order of discovery's report; for a PATH, the first
  // client to claim it has it (a file named accountrc that is a registry export is Outlook's).
  static const std::vector<const ClientDescriptor*> clients = {
      &kThunderbirdClient, &kOutlookClient,    &kOutlookExpressClient,
      &kSylpheedClient,    &kClawsMailClient,  &kBeckyClient,
      &kWindowsMailClient, &kNewOutlookClient, &kShurikenClient,
  };
  return clients;
}

const ClientDescriptor* find_client(ClientKind client) {
  for (const ClientDescriptor* descriptor : all_clients()) {
    if (descriptor->kind == client) return descriptor;
  }
  return nullptr;
}

RunningClientCheck check_client_running(ClientKind client, const std::string& profile_path) {
  const ClientDescriptor* descriptor = find_client(client);
  return running_client_check(client_display_name(client),
                              descriptor && descriptor->find_running
                                  ? descriptor->find_running(profile_path)
                                  : std::string());
}

}  // namespace mailmig
