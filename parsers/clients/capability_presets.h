// Capabilities more than one client declares alike.
#pragma once

#include "src/model/client_capabilities.h"

namespace mailmig {

// A server of a client that keeps no STARTTLS setting (Becky!, Windows Mail receiving): plain or
// SSL, with port, TLS and login changed together or not at all, so that no refused part leaves a
// login on a connection it was not planned for.
inline ServerCapabilities plain_or_ssl_in_one_step(EnumSet<AuthMethod> logins) {
  ServerCapabilities server;
  server.socket_types = {SocketType::Plain, SocketType::Ssl};
  server.authentication = logins;
  server.connection_is_one_step = true;
  return server;
}

}  // namespace mailmig
