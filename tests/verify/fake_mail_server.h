// A scripted mail server on 127.0.0.1 for the prober's tests: it sends a greeting, answers each
// line it receives from a table, and records every byte the client sent.
#pragma once

#include <map>
#include <set>
#include <string>
#include <thread>

namespace mailmig::verify_testing {

struct ServerScript {
  std::string greeting;                        // sent on connect ("" for none)
  std::map<std::string, std::string> replies;  // a line received (without CRLF) -> bytes to send
  std::string other_reply;                     // for a line not in the table
  std::set<std::string> close_after;           // lines after whose reply the server hangs up
};

class FakeMailServer {
 public:
  explicit FakeMailServer(ServerScript script);  // listening before it returns
  ~FakeMailServer();
  FakeMailServer(const FakeMailServer&) = delete;
  FakeMailServer& operator=(const FakeMailServer&) = delete;

  int port() const { return port_; }
  // Waits until the client has gone, then returns all it sent. Call once, after the probe.
  std::string received();

 private:
  void serve();

  ServerScript script_;
  int listen_fd_ = -1;
  int port_ = 0;
  std::string received_;
  std::thread thread_;
};

// A port on 127.0.0.1 where nothing listens (bound, then released).
int closed_port();

}  // namespace mailmig::verify_testing
