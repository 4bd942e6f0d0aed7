// Large buffers that are filled page by page (a 15 MB prefs.js, its entries and its index): every
// fresh 4 KiB page costs a page fault, and on some virtual machines a fault costs as much as
// reading a few hundred KB. Transparent huge pages turn 512 of those faults into one.
#pragma once

#include <cstddef>
#include <new>

namespace mailmig {

// A hint for a buffer that will be written through right away: huge pages where they fit, and
// the remaining pages at its ends made present in one call instead of one fault each. Call after
// reserving the buffer and before touching its pages. Only a hint: it does nothing on small
// buffers, or where the kernel offers neither.
void prepare_for_writing(void* data, std::size_t size);

// Memory for a large array that is filled once: from 2 MiB on, it starts on a 2 MiB boundary and
// covers whole 2 MiB, so that huge pages back all of it (pages never touched cost nothing).
void* allocate_large(std::size_t size);
void free_large(void* data, std::size_t size) noexcept;

template <typename T>
struct LargeArrayAllocator {
  using value_type = T;

  LargeArrayAllocator() = default;
  // Implicit, as the allocator requirements ask of the rebinding conversion.
  template <typename U>
  LargeArrayAllocator(const LargeArrayAllocator<U>& /*other*/) noexcept {}  // NOLINT

  T* allocate(std::size_t count) {
    if (count > static_cast<std::size_t>(-1) / sizeof(T)) throw std::bad_array_new_length();
    return static_cast<T*>(allocate_large(count * sizeof(T)));
  }
  void deallocate(T* data, std::size_t count) noexcept { free_large(data, count * sizeof(T)); }

  friend bool operator==(const LargeArrayAllocator&, const LargeArrayAllocator&) { return true; }
};

}  // namespace mailmig
