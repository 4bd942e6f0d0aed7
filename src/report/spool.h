// Report text written while a run goes on and read back once at its end, in pieces: a report of
// thousands of accounts is kept in a temporary file instead of memory (in memory when no
// temporary file can be made or written). The file is the C library's tmpfile() on Linux and one
// in the user's temporary folder on Windows; either is deleted when the spool is.
#pragma once

#include <cstddef>
#include <cstdio>
#include <memory>
#include <ostream>
#include <string>
#include <string_view>

namespace mailmig {

// Bytes [begin, end) of a Spool.
struct SpoolRange {
  std::size_t begin = 0;
  std::size_t end = 0;

  bool empty() const { return begin == end; }
};

class Spool {
 public:
  Spool();
  Spool(const Spool&) = delete;
  Spool& operator=(const Spool&) = delete;

  void append(std::string_view bytes);
  // How many bytes were appended: where the next append begins.
  std::size_t size() const { return size_; }
  // How many of the bytes are held in memory (all of them when there is no file).
  std::size_t bytes_in_memory() const { return memory_.size(); }
  // Writes the bytes of `range` to `out`; sets its badbit when they cannot be read back.
  void write(SpoolRange range, std::ostream& out);

 private:
  struct FileCloser {
    void operator()(std::FILE* file) const { std::fclose(file); }
  };
  // Writes the pending bytes to the file; on failure moves what the file holds into memory.
  void flush();

  std::unique_ptr<std::FILE, FileCloser> file_;  // null: everything is in `memory_`
  std::string memory_;       // all the bytes (no file), or those not yet written to the file
  std::size_t in_file_ = 0;  // bytes written to the file
  std::size_t size_ = 0;
};

}  // namespace mailmig
