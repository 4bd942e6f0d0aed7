// A hint for large buffers that are filled page by page (a 15 MB prefs.js, its entries and its
// index): asking Linux for transparent huge pages over them turns thousands of page faults into a
// few. Only a hint: it does nothing on small buffers, or where huge pages are unavailable.
#pragma once

#include <cstddef>

namespace mailmig {

// Call after reserving the buffer and before touching its pages.
void advise_huge_pages(void* data, std::size_t size);

}  // namespace mailmig
