// On Windows the page hints are not given (large pages need a privilege users do not have):
// the buffers are plain allocations.
#include "src/util/huge_pages.h"

namespace mailmig {

void prepare_for_writing(void* /*data*/, std::size_t /*size*/) {}

void* allocate_large(std::size_t size) { return ::operator new(size); }

void free_large(void* data, std::size_t /*size*/) noexcept { ::operator delete(data); }

}  // namespace mailmig
