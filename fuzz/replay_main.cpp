// Without libFuzzer, each fuzz target is built with this driver: it feeds every file named on
// the command line (folders are walked) to the target once, so the seed corpus runs in CTest.
#include <boost/filesystem.hpp>
#include <cstdint>
#include <cstdio>
#include <fstream>
#include <iterator>
#include <string>
#include <vector>

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size);

namespace {

int replay(const boost::filesystem::path& file) {
  std::ifstream in(file.string(), std::ios::binary);
  const std::string bytes((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  LLVMFuzzerTestOneInput(reinterpret_cast<const std::uint8_t*>(bytes.data()), bytes.size());
  return 1;
}

}  // namespace

int main(int argc, char** argv) {
  namespace fs = boost::filesystem;
  int inputs = 0;
  for (int i = 1; i < argc; ++i) {
    const fs::path root(argv[i]);
    if (fs::is_directory(root)) {
      for (const auto& entry : fs::recursive_directory_iterator(root)) {
        if (fs::is_regular_file(entry.path())) inputs += replay(entry.path());
      }
    } else if (fs::is_regular_file(root)) {
      inputs += replay(root);
    } else {
      std::fprintf(stderr, "%s: no such corpus file or folder\n", argv[i]);
      return 1;
    }
  }
  std::printf("replayed %d inputs\n", inputs);
  return inputs > 0 ? 0 : 1;
}
