#include "src/io/read_file.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <array>
#include <cerrno>
#include <cstring>

#include "src/util/huge_pages.h"

namespace mailmig {
namespace {

std::string describe_file_type(mode_t mode) {
  if (S_ISFIFO(mode)) return "a FIFO";
  if (S_ISSOCK(mode)) return "a socket";
  if (S_ISCHR(mode)) return "a character device";
  if (S_ISBLK(mode)) return "a block device";
  return "not a regular file";
}

}  // namespace

ReadResult read_file(const std::string& path, std::uintmax_t max_bytes) {
  ReadResult result;
  const int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC | O_NOCTTY | O_NONBLOCK);
  if (fd < 0) {
    result.error = path + ": " + std::strerror(errno);
    return result;
  }
  return read_open_file(fd, path, max_bytes);
}

ReadResult read_open_file(int fd, const std::string& path, std::uintmax_t max_bytes) {
  ReadResult result;
  struct stat info {};
  if (::fstat(fd, &info) != 0) {
    result.error = path + ": " + std::strerror(errno);
    ::close(fd);
    return result;
  }
  if (S_ISDIR(info.st_mode)) {
    result.error = path + ": is a directory, expected a file";
  } else if (!S_ISREG(info.st_mode)) {
    result.error = path + ": " + describe_file_type(info.st_mode) + ", expected a regular file";
  } else if (static_cast<std::uintmax_t>(info.st_size) > max_bytes) {
    result.error = path + ": " + std::to_string(info.st_size) + " bytes, larger than the " +
                   std::to_string(max_bytes / kMebibyte) + " MiB a profile file may have";
  }
  if (!result.error.empty()) {
    ::close(fd);
    return result;
  }
  // Reserved first so that the pages are prepared before they are touched.
  result.bytes.reserve(static_cast<std::size_t>(info.st_size));
  prepare_for_writing(result.bytes.data(), result.bytes.capacity());
  result.bytes.resize(static_cast<std::size_t>(info.st_size));
  std::size_t done = 0;
  std::array<char, 4096> probe;
  while (true) {
    const bool full = done == result.bytes.size();
    if (full && result.bytes.size() > max_bytes) break;
    // The file may have grown since fstat: a full buffer reads on into a small probe first, so
    // the usual end of file costs no buffer growth.
    char* into = full ? probe.data() : result.bytes.data() + done;
    const std::size_t room = full ? probe.size() : result.bytes.size() - done;
    const ssize_t n = ::read(fd, into, room);
    if (n < 0) {
      if (errno == EINTR) continue;
      result.error = path + ": " + std::strerror(errno);
      ::close(fd);
      result.bytes.clear();
      return result;
    }
    if (n == 0) break;
    if (full) result.bytes.append(probe.data(), static_cast<std::size_t>(n));
    done += static_cast<std::size_t>(n);
  }
  ::close(fd);
  if (done > max_bytes) {
    result.error = path + ": larger than the limit a profile file may have";
    result.bytes.clear();
    return result;
  }
  result.bytes.resize(done);
  result.ok = true;
  return result;
}

std::string read_file_head(const std::string& path, std::size_t count) {
  const int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC | O_NOCTTY | O_NONBLOCK);
  if (fd < 0) return {};
  std::string head(count, '\0');
  std::size_t done = 0;
  struct stat info {};
  if (::fstat(fd, &info) == 0 && S_ISREG(info.st_mode) &&
      static_cast<std::uintmax_t>(info.st_size) <= kMaxProfileFileBytes) {
    while (done < head.size()) {
      const ssize_t n = ::read(fd, head.data() + done, head.size() - done);
      if (n < 0 && errno == EINTR) continue;
      if (n <= 0) break;
      done += static_cast<std::size_t>(n);
    }
  }
  ::close(fd);
  head.resize(done);
  return head;
}

}  // namespace mailmig
