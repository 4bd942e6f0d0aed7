// The operating system's primitives that running-client checks are made of: a file's fcntl
// lock, a listening UNIX socket, a live process, GLib's folders (Unix,
// running_client_posix.cpp); a file held open without sharing, a named mutex, the process list
// (Windows, running_client_windows.cpp). Which lock, socket or program means which client is
// the client's own knowledge, in its descriptor (parsers/clients/<client>/).
#pragma once

#include <initializer_list>
#include <optional>
#include <string>

#ifndef _WIN32
#include <sys/types.h>
#endif

namespace mailmig {

#ifndef _WIN32
// The process that holds an fcntl lock on the regular file at `path`. The file is opened without
// following a link and without blocking (a FIFO in its place would block open() until a writer
// comes); anything but a regular file holds no lock.
std::optional<long> fcntl_lock_holder(const std::string& path);

// Whether a process with this id exists (one of another user's counts too).
bool process_alive(long pid);

// Where the symbolic link at `path` points, as written; nothing when it is not a link.
std::optional<std::string> link_target(const std::string& path);

// Whether a UNIX socket owned by `owner` listens at `path`. Anyone can plant a socket in /tmp
// under a client's name, so one of another user does not count; a planted listener that never
// accepts (a full backlog) cannot hang the run: it counts as not listening.
bool socket_accepts(const std::string& path, uid_t owner);

// The user a profile belongs to (the owner of `path`), who runs its client and names its
// sockets: the profile's owner when mailmig runs as root for someone else, else this user.
uid_t owner_of(const std::string& path);

// GLib's g_get_tmp_dir(): $TMPDIR, else /tmp.
std::string glib_temp_folder();
// GLib's g_get_user_runtime_dir(): $XDG_RUNTIME_DIR, else the user cache folder.
std::string glib_user_runtime_folder();
#else
// Whether the file at `path` is held open without sharing (CreateFile fails with a sharing
// violation).
bool file_held_open(const std::string& path);

// Whether a named mutex exists.
bool named_mutex_exists(const char* name);
#endif

// "process 4242 is running" when a program of one of these executable names (matched without
// case) runs, else empty. Only on Windows: elsewhere these programs never run, and their files
// are copies or exports.
std::string windows_process_evidence(std::initializer_list<const char*> executables);

}  // namespace mailmig
