// Is the mail client of a profile running? A running client rewrites its settings when it
// exits and would undo mailmig's changes, so such a profile is refused (ProfileStatus::
// ClientRunning) with advice for the user. A lock file's mere presence proves nothing: the
// checks test the lock or the socket itself.
//
// Unix: Thunderbird's fcntl lock on <profile>/.parentlock and its "lock" symlink
// "<IP>:<PID>" / "<IP>:+<PID>"; Sylpheed's control socket $TMPDIR/sylpheed-<uid>; Claws Mail's
// $XDG_RUNTIME_DIR/claws-mail/<md5 of its config folder path> and the legacy
// $TMPDIR/claws-mail-<uid>. Becky!, Outlook, Outlook Express and Windows Mail run on Windows
// only: on Unix their files are copies or exports and they report "not running".
// Windows (running_client_windows.cpp, not built or tested here): parent.lock opened without
// sharing, the named mutexes "Sylpheed" and "ClawsMail", and the process list.
#pragma once

#include <string>
#include <vector>

#include "src/model/client.h"

namespace mailmig {

struct RunningClientCheck {
  bool running = false;
  std::string message_template;  // English, marked N_(); "{client}" and "{evidence}" filled in
  std::string client;            // "Thunderbird"
  std::string evidence;          // what proved it: "/p/.parentlock is locked by process 4242"

  std::string message() const;            // English
  std::string localized_message() const;  // in the user's language
};

// `profile_path` is the profile folder (Thunderbird), the configuration folder (Sylpheed,
// Claws Mail), or the profile's file or folder for the Windows-only clients.
RunningClientCheck check_client_running(ClientKind client, const std::string& profile_path);

#ifndef _WIN32
// The socket paths Claws Mail may be listening on for this configuration folder, in the order
// they are tried. Claws hashes the exact string of its folder ($HOME + "/.claws-mail", or the
// --alternate-config-dir it was given), so both the path as given and its real path are hashed.
std::vector<std::string> claws_mail_socket_paths(const std::string& config_folder);
#endif

}  // namespace mailmig
