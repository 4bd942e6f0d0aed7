#include "src/report/spool.h"

#ifdef _WIN32
#include <fcntl.h>
#include <io.h>
#include <windows.h>

#include <atomic>
#include <random>
#else
#include <sys/types.h>
#endif

#include <algorithm>
#include <array>
#include <cstdint>

namespace mailmig {
namespace {

// Bytes gathered before one write to the file.
constexpr std::size_t kFileWriteSize = std::size_t{1} << 16;

// fseek takes a long, which is 32 bits on Windows: a spool past 2 GiB needs the 64-bit call.
bool seek_to(std::FILE* file, std::uint64_t offset) {
#ifdef _WIN32
  return _fseeki64(file, static_cast<__int64>(offset), SEEK_SET) == 0;
#else
  return fseeko(file, static_cast<off_t>(offset), SEEK_SET) == 0;
#endif
}

#ifdef _WIN32
// msvcrt's tmpfile() creates its file in the root of the current drive, where a user may not
// write: the spool's file is made in the user's temporary folder (%TMP%, %TEMP%, GetTempPathW),
// under a name no other file has, and Windows deletes it once closed, even when mailmig is killed.
std::FILE* open_temporary_file() {
  std::array<wchar_t, MAX_PATH + 1> folder{};
  const DWORD length = GetTempPathW(static_cast<DWORD>(folder.size()), folder.data());
  if (length == 0 || length >= folder.size()) return nullptr;
  static std::atomic<unsigned> spools_made{0};
  const unsigned long long random = std::random_device{}();
  constexpr int kNamesTried = 16;
  for (int attempt = 0; attempt < kNamesTried; ++attempt) {
    const std::wstring path = std::wstring(folder.data(), length) + L"mailmig-spool-" +
                              std::to_wstring(GetCurrentProcessId()) + L"-" +
                              std::to_wstring(random) + L"-" + std::to_wstring(++spools_made) +
                              L".tmp";
    const HANDLE handle =
        CreateFileW(path.c_str(), GENERIC_READ | GENERIC_WRITE, 0, nullptr, CREATE_NEW,
                    FILE_ATTRIBUTE_TEMPORARY | FILE_FLAG_DELETE_ON_CLOSE, nullptr);
    if (handle == INVALID_HANDLE_VALUE) {
      if (GetLastError() == ERROR_FILE_EXISTS) continue;
      return nullptr;
    }
    const int fd = _open_osfhandle(reinterpret_cast<intptr_t>(handle), _O_BINARY | _O_RDWR);
    if (fd < 0) {
      CloseHandle(handle);
      return nullptr;
    }
    std::FILE* file = _fdopen(fd, "w+b");
    if (file == nullptr) _close(fd);
    return file;
  }
  return nullptr;
}
#else
std::FILE* open_temporary_file() { return std::tmpfile(); }
#endif

}  // namespace

// The file is unbuffered: memory_ is its buffer, so that a failed write is known to the byte.
Spool::Spool() : file_(open_temporary_file()) {
  if (file_ && std::setvbuf(file_.get(), nullptr, _IONBF, 0) != 0) file_.reset();
}

void Spool::append(std::string_view bytes) {
  memory_.append(bytes);
  size_ += bytes.size();
  if (file_ && memory_.size() >= kFileWriteSize) flush();
}

void Spool::flush() {
  if (!file_ || memory_.empty()) return;
  if (std::fseek(file_.get(), 0, SEEK_END) == 0 &&
      std::fwrite(memory_.data(), 1, memory_.size(), file_.get()) == memory_.size()) {
    in_file_ += memory_.size();
    memory_.clear();
    return;
  }
  // A full disk: the bytes written so far come back into memory, and the rest stays there.
  std::string all(in_file_, '\0');
  if (in_file_ > 0 && (!seek_to(file_.get(), 0) ||
                       std::fread(all.data(), 1, all.size(), file_.get()) != all.size())) {
    return;  // kept as it is: write() reports the bytes it cannot read back
  }
  all += memory_;
  memory_ = std::move(all);
  in_file_ = 0;
  file_.reset();
}

void Spool::write(SpoolRange range, std::ostream& out) {
  flush();
  if (!file_) {
    out.write(memory_.data() + range.begin, static_cast<std::streamsize>(range.end - range.begin));
    return;
  }
  if (range.end > in_file_ || !seek_to(file_.get(), range.begin)) {
    out.setstate(std::ios::badbit);
    return;
  }
  std::array<char, kFileWriteSize> buffer{};
  for (std::size_t left = range.end - range.begin; left > 0;) {
    const std::size_t read =
        std::fread(buffer.data(), 1, std::min(left, buffer.size()), file_.get());
    if (read == 0) {
      out.setstate(std::ios::badbit);
      return;
    }
    out.write(buffer.data(), static_cast<std::streamsize>(read));
    left -= read;
  }
}

}  // namespace mailmig
