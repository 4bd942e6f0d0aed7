// Is the mail client of a profile running? A running client rewrites its settings when it
// exits and would undo mailmig's changes, so such a profile is refused (ProfileStatus::
// ClientRunning) with advice for the user. A lock file's mere presence proves nothing: the
// checks test the lock or the socket itself.
//
// What each client leaves behind while it runs is the client's own knowledge, in its folder
// (parsers/clients/<client>/<client>_client.cpp); this file says what was found, and
// running_client_platform.h holds the operating system's primitives the clients' checks use.
#pragma once

#include <string>
#include <string_view>

namespace mailmig {

struct RunningClientCheck {
  bool running = false;
  std::string message_template;  // English, marked N_(); "{client}" and "{evidence}" filled in
  std::string client;            // "Thunderbird"
  std::string evidence;          // what proved it: "/p/.parentlock is locked by process 4242"

  std::string message() const;            // English
  std::string localized_message() const;  // in the user's language
};

// The check of `client` (its display name): running when there is `evidence`.
RunningClientCheck running_client_check(std::string_view client, std::string evidence);

}  // namespace mailmig
