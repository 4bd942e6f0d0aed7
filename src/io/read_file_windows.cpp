// Reading a profile file whole on Windows: CreateFileW on the wide path, the checks of
// read_file.h on the handle, ReadFile. An `fd` is a C runtime descriptor over the handle
// (_open_osfhandle), so the FileSystem seam keeps one handle type on both platforms.
#include <fcntl.h>
#include <io.h>
#include <windows.h>

#include <algorithm>
#include <cstring>

#include "src/encoding/wide_text.h"
#include "src/io/read_file.h"
#include "src/io/windows_errors.h"

namespace mailmig {
namespace {

std::string windows_failure(const std::string& path) {
  return path + ": " + std::strerror(last_windows_errno());
}

}  // namespace

ReadResult read_file(const std::string& path, std::uintmax_t max_bytes) {
  ReadResult result;
  // Backup semantics opens a folder too, so that it is reported as one rather than "denied".
  const HANDLE handle = CreateFileW(widen(path).c_str(), GENERIC_READ,
                                    FILE_SHARE_READ | FILE_SHARE_WRITE | FILE_SHARE_DELETE, nullptr,
                                    OPEN_EXISTING, FILE_FLAG_BACKUP_SEMANTICS, nullptr);
  if (handle == INVALID_HANDLE_VALUE) {
    result.error = windows_failure(path);
    return result;
  }
  const int fd = _open_osfhandle(reinterpret_cast<intptr_t>(handle), _O_RDONLY | _O_BINARY);
  if (fd < 0) {
    CloseHandle(handle);
    result.error = path + ": " + std::strerror(EMFILE);
    return result;
  }
  return read_open_file(fd, path, max_bytes);
}

ReadResult read_open_file(int fd, const std::string& path, std::uintmax_t max_bytes) {
  ReadResult result;
  const auto handle = reinterpret_cast<HANDLE>(_get_osfhandle(fd));
  BY_HANDLE_FILE_INFORMATION info{};
  if (GetFileType(handle) != FILE_TYPE_DISK) {
    result.error = path + ": not a regular file, expected a regular file";
  } else if (!GetFileInformationByHandle(handle, &info)) {
    result.error = windows_failure(path);
  } else if (info.dwFileAttributes & FILE_ATTRIBUTE_DIRECTORY) {
    result.error = path + ": is a directory, expected a file";
  }
  const std::uint64_t size =
      (static_cast<std::uint64_t>(info.nFileSizeHigh) << 32) | info.nFileSizeLow;
  if (result.error.empty() && size > max_bytes) {
    result.error = path + ": " + std::to_string(size) + " bytes, larger than the " +
                   std::to_string(max_bytes / (1024 * 1024)) + " MiB a profile file may have";
  }
  if (!result.error.empty()) {
    _close(fd);
    return result;
  }
  // One byte more than the limit is asked for, so that a file that grew is noticed.
  std::string bytes;
  std::size_t done = 0;
  bytes.resize(static_cast<std::size_t>(size) + 4096);
  while (true) {
    if (done == bytes.size()) {
      if (bytes.size() > max_bytes) break;
      bytes.resize(bytes.size() * 2);
    }
    DWORD read = 0;
    const auto room = static_cast<DWORD>(std::min<std::size_t>(bytes.size() - done, 1u << 30));
    if (!ReadFile(handle, bytes.data() + done, room, &read, nullptr)) {
      result.error = windows_failure(path);
      _close(fd);
      return result;
    }
    if (read == 0) break;
    done += read;
  }
  _close(fd);
  if (done > max_bytes) {
    result.error = path + ": larger than the limit a profile file may have";
    return result;
  }
  bytes.resize(done);
  result.bytes = std::move(bytes);
  result.ok = true;
  return result;
}

std::string read_file_head(const std::string& path, std::size_t count) {
  const HANDLE handle = CreateFileW(widen(path).c_str(), GENERIC_READ,
                                    FILE_SHARE_READ | FILE_SHARE_WRITE | FILE_SHARE_DELETE, nullptr,
                                    OPEN_EXISTING, FILE_ATTRIBUTE_NORMAL, nullptr);
  if (handle == INVALID_HANDLE_VALUE) return {};
  std::string head(count, '\0');
  std::size_t done = 0;
  LARGE_INTEGER size{};
  if (GetFileType(handle) == FILE_TYPE_DISK && GetFileSizeEx(handle, &size) &&
      static_cast<std::uintmax_t>(size.QuadPart) <= kMaxProfileFileBytes) {
    DWORD read = 0;
    while (done < head.size() &&
           ReadFile(handle, head.data() + done, static_cast<DWORD>(head.size() - done), &read,
                    nullptr) &&
           read > 0) {
      done += read;
    }
  }
  CloseHandle(handle);
  head.resize(done);
  return head;
}

}  // namespace mailmig
