// Commits FileTransactions over a small profile in a loop, each to the next generation of
// crash_content, until it is killed (the kill -9 test) or, with --once, after one commit.
// Usage: io_transaction_driver PROFILE STATE [--once]
#include <unistd.h>

#include <iostream>
#include <string>

#include "src/io/file_transaction.h"
#include "src/io/journal.h"
#include "src/io/state_dir.h"
#include "tests/io/crash_contents.h"

using namespace mailmig;
using mailmig::testing::crash_content;
using mailmig::testing::crash_file_name;
using mailmig::testing::crash_generation;
using mailmig::testing::kCrashTestFiles;

namespace {

// Pauses before each rename so that a kill lands between two renames often, not only rarely:
// the state that needs recovery (some files new, some old) then really occurs in the test.
class SlowRenameFileSystem : public RealFileSystem {
 public:
  IoStatus rename_in(const OpenedFolder& folder, const std::string& from,
                     const std::string& to) override {
    ::usleep(30000);
    return RealFileSystem::rename_in(folder, from, to);
  }
};

}  // namespace

int main(int argc, char** argv) {
  if (argc < 3) {
    std::cerr << "usage: io_transaction_driver PROFILE STATE [--once]\n";
    return 2;
  }
  const std::string profile = argv[1];
  const std::string state = argv[2];
  const bool once = argc > 3 && std::string(argv[3]) == "--once";
  SlowRenameFileSystem fs;
  JournalOpenResult opened = Journal::open(state);
  if (!opened) {
    std::cerr << opened.error << "\n";
    return 3;
  }
  Journal& journal = *opened.journal;
  // Tells the test that start-up is over, so its random kill instants fall into the commits.
  std::cout << "ready" << std::endl;
  while (true) {
    RunInfo info;
    info.run_id = make_run_id();
    info.command = "apply";
    info.time = utc_now_iso8601();
    if (IoStatus begun = journal.begin_run(info); !begun) {
      std::cerr << begun.error << "\n";
      return 3;
    }
    FileLockResult lock = lock_profile(profile);
    if (!lock) {
      std::cerr << lock.error << "\n";
      return 3;
    }
    const ReadResult first = fs.read_file(join_path(profile, crash_file_name(0)));
    const std::optional<long> generation = crash_generation(0, first.bytes);
    if (!generation) {
      std::cerr << "file0 holds no known content\n";
      return 4;
    }
    FileTransaction transaction(
        fs, {profile, backup_folder_for_run(state, info.run_id), &journal, info.run_id, profile});
    for (int file = 0; file < kCrashTestFiles; ++file) {
      const IoStatus staged = transaction.stage(join_path(profile, crash_file_name(file)),
                                                crash_content(file, *generation),
                                                crash_content(file, *generation + 1), false);
      if (!staged) {
        std::cerr << staged.error << "\n";
        return 4;
      }
    }
    const IoStatus committed =
        transaction.commit([&](const std::string& path, const std::string& bytes) {
          for (int file = 0; file < kCrashTestFiles; ++file) {
            if (file_name(path) == crash_file_name(file) &&
                crash_generation(file, bytes) == *generation + 1) {
              return std::string();
            }
          }
          return std::string("not the next generation");
        });
    if (!committed) {
      std::cerr << committed.error << "\n";
      return 4;
    }
    journal.end_run(info.run_id);  // as apply ends a run
    if (once) return 0;
  }
}
