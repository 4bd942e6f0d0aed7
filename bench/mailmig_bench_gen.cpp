// Writes the inputs that bench/compare.sh times whole runs on:
//   OUT/thunderbird-large/prefs.js  a Thunderbird profile with 2,000 servers and 200,000 other
//                                   prefs (about 15 MB), in Thunderbird's sorted format
//   OUT/sylpheed/accountrc          a Sylpheed accountrc with two accounts
//   OUT/sylpheed-large/accountrc    a Sylpheed accountrc with 20,000 accounts (about 30 MB)
//   OUT/outlook-large.reg           an Outlook 2016 export (UTF-16LE) with 18,000 accounts of
//                                   14 values: 252,000 values (about 60 MB, under the 64 MiB limit)
//   OUT/outlook-express-large.reg   an Outlook Express export (REGEDIT4) with 55,556 accounts:
//                                   1 M lines (about 45 MB)
//   OUT/hkcu-export.reg             a REGEDIT4 export of a whole HKEY_CURRENT_USER branch:
//                                   300,000 keys, 100 of them Outlook Express accounts (about 40
//                                   MB)
// Each large one is planned next to the small one, so their MB/s show whether a parser or a
// plan stays linear in the input. The same bytes on every run and every machine. `mailmig_bench_gen
// OUT_DIR SERVERS OTHER_PREFS` writes a prefs.js of another size (for profiling).
#include <boost/filesystem.hpp>
#include <cstdio>
#include <fstream>
#include <string>

#include "bench/bench_inputs.h"

namespace {

bool write(const boost::filesystem::path& path, const std::string& bytes) {
  boost::filesystem::create_directories(path.parent_path());
  std::ofstream out(path.string(), std::ios::binary | std::ios::trunc);
  out << bytes;
  out.close();
  if (!out) {
    std::fprintf(stderr, "mailmig_bench_gen: cannot write %s\n", path.string().c_str());
    return false;
  }
  std::printf("%s\t%zu bytes\n", path.string().c_str(), bytes.size());
  return true;
}

}  // namespace

int main(int argc, char** argv) {
  if (argc != 2 && argc != 4) {
    std::fprintf(stderr, "usage: mailmig_bench_gen OUT_DIR [SERVERS OTHER_PREFS]\n");
    return 2;
  }
  const boost::filesystem::path out(argv[1]);
  const std::size_t servers = argc == 4 ? std::stoul(argv[2]) : 2000;
  const std::size_t other_prefs = argc == 4 ? std::stoul(argv[3]) : 200000;
  const bool written =
      write(out / "thunderbird-large" / "prefs.js",
            mailmig::bench::thunderbird_prefs(servers, other_prefs)) &&
      write(out / "sylpheed" / "accountrc", mailmig::bench::sylpheed_accountrc(2)) &&
      write(out / "sylpheed-large" / "accountrc", mailmig::bench::sylpheed_accountrc(20000)) &&
      write(out / "outlook-large.reg", mailmig::bench::outlook_reg_utf16(18000)) &&
      write(out / "outlook-express-large.reg",
            mailmig::bench::outlook_express_reg_regedit4(55556)) &&
      write(out / "hkcu-export.reg", mailmig::bench::hkcu_export_regedit4(300000, 100));
  return written ? 0 : 1;
}
