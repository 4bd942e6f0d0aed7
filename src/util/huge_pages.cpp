#include "src/util/huge_pages.h"

#include <sys/mman.h>
#include <unistd.h>

#include <cstdint>
#include <cstdlib>

namespace mailmig {
namespace {

constexpr std::size_t kHugePage = std::size_t{2} * 1024 * 1024;

std::uintptr_t round_down(std::uintptr_t value, std::uintptr_t unit) { return value & ~(unit - 1); }
std::uintptr_t round_up(std::uintptr_t value, std::uintptr_t unit) {
  return round_down(value + unit - 1, unit);
}

// Asks for huge pages over the whole 2 MiB blocks inside [data, data + size).
void advise_huge_pages(void* data, std::size_t size) {
#ifdef MADV_HUGEPAGE
  const auto start = reinterpret_cast<std::uintptr_t>(data);
  const std::uintptr_t begin = round_up(start, kHugePage);
  const std::uintptr_t end = round_down(start + size, kHugePage);
  if (end > begin) ::madvise(reinterpret_cast<void*>(begin), end - begin, MADV_HUGEPAGE);
#else
  (void)data;
  (void)size;
#endif
}

}  // namespace

void prepare_for_writing(void* data, std::size_t size) {
  if (size < kHugePage) return;
  advise_huge_pages(data, size);
#ifdef MADV_POPULATE_WRITE
  // The whole pages inside the buffer; the partial ones at its ends may hold other allocations.
  const auto page = static_cast<std::uintptr_t>(::sysconf(_SC_PAGESIZE));
  const auto start = reinterpret_cast<std::uintptr_t>(data);
  const std::uintptr_t begin = round_up(start, page);
  const std::uintptr_t end = round_down(start + size, page);
  if (end > begin) ::madvise(reinterpret_cast<void*>(begin), end - begin, MADV_POPULATE_WRITE);
#endif
}

void* allocate_large(std::size_t size) {
  if (size < kHugePage) return ::operator new(size);
  const std::size_t rounded = round_up(size, kHugePage);
  if (rounded < size) throw std::bad_alloc();
  void* data = std::aligned_alloc(kHugePage, rounded);
  if (data == nullptr) throw std::bad_alloc();
  advise_huge_pages(data, rounded);
  return data;
}

void free_large(void* data, std::size_t size) noexcept {
  if (size < kHugePage) {
    ::operator delete(data);
  } else {
    std::free(data);
  }
}

}  // namespace mailmig
