// Reading a profile file whole, with the checks every reader needs: a regular file (not a folder
// or a dangling link), readable, and not larger than mailmig is willing to hold in memory.
#pragma once

#include <cstddef>
#include <cstdint>
#include <string>

namespace mailmig {

// Profile files are small; refusing anything larger keeps memory bounded on hostile input.
inline constexpr std::uintmax_t kMebibyte = std::uintmax_t{1024} * 1024;
inline constexpr std::uintmax_t kMaxProfileFileBytes = 64 * kMebibyte;

struct ReadResult {
  bool ok = false;
  std::string bytes;
  std::string error;  // "path: is a directory", "path: larger than 64 MiB", ...

  explicit operator bool() const { return ok; }
};

ReadResult read_file(const std::string& path, std::uintmax_t max_bytes = kMaxProfileFileBytes);
// The same checks and read on a file already open for reading (`path` names it in messages);
// closes `fd`.
ReadResult read_open_file(int fd, const std::string& path,
                          std::uintmax_t max_bytes = kMaxProfileFileBytes);

// The first `count` bytes of a regular file no larger than kMaxProfileFileBytes, enough to
// recognise its format; empty for anything else. Never blocks (a FIFO is not read).
std::string read_file_head(const std::string& path, std::size_t count);

}  // namespace mailmig
