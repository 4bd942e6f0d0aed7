// mailmig_probe PROTOCOL HOST PORT SOCKETTYPE AUTHENTICATION [CA-FILE]: probes one endpoint as
// plan would (for the end-to-end test against real servers) and prints "<result>: <detail>".
// Exit 0 when the endpoint passed, 1 when it did not, 2 on a bad argument.
#include <cstdlib>
#include <iostream>
#include <string>

#include "src/verify/endpoint_probe.h"

int main(int argc, char** argv) {
  using namespace mailmig;
  if (argc < 6 || argc > 7) {
    std::cerr << "usage: mailmig_probe PROTOCOL HOST PORT SOCKETTYPE AUTHENTICATION [CA-FILE]\n";
    return 2;
  }
  const auto protocol = parse_protocol(argv[1]);
  const auto socket_type = parse_socket_type(argv[4]);
  const auto authentication = parse_auth_method(argv[5]);
  const int port = std::atoi(argv[3]);
  if (!protocol || !socket_type || !authentication || port <= 0) {
    std::cerr << "mailmig_probe: bad argument\n";
    return 2;
  }
  ProbeSettings settings;
  if (argc == 7) settings.extra_ca_file = argv[6];
  const EndpointCheck check =
      probe_endpoint(Endpoint{*protocol, argv[2], port, *socket_type, *authentication}, settings);
  std::cout << to_string(check.outcome) << ": " << check.detail << "\n";
  return check.passed() ? 0 : 1;
}
