// Planning a large Thunderbird profile: read the profile folder from disk, build every
// account's effective view and plan it with the built-in default policy's rules.
#include <benchmark/benchmark.h>

#include <boost/filesystem.hpp>
#include <fstream>
#include <string>

#include "bench/bench_inputs.h"
#include "parsers/thunderbird/thunderbird_profile.h"
#include "src/engine/rule_engine.h"
#include "src/policy/policy.h"

namespace {

// A profile folder holding the generated prefs.js, written once and removed at exit.
class ProfileFolder {
 public:
  explicit ProfileFolder(std::size_t servers)
      : path_(boost::filesystem::temp_directory_path() /
              boost::filesystem::unique_path("mailmig-bench-%%%%-%%%%")) {
    boost::filesystem::create_directories(path_);
    const std::string prefs = mailmig::bench::thunderbird_prefs(servers, servers * 100);
    std::ofstream((path_ / "prefs.js").string(), std::ios::binary) << prefs;
    size_ = prefs.size();
  }
  ~ProfileFolder() { boost::filesystem::remove_all(path_); }
  ProfileFolder(const ProfileFolder&) = delete;
  ProfileFolder& operator=(const ProfileFolder&) = delete;

  std::string path() const { return path_.string(); }
  std::size_t prefs_size() const { return size_; }

 private:
  boost::filesystem::path path_;
  std::size_t size_ = 0;
};

void BM_PlanLargeThunderbirdProfile(benchmark::State& state) {
  const ProfileFolder folder(static_cast<std::size_t>(state.range(0)));
  const mailmig::Policy policy = mailmig::builtin_default_policy();
  std::size_t accounts = 0;
  for (auto _ : state) {
    mailmig::LoadResult loaded = mailmig::load_thunderbird_profile(folder.path());
    if (!loaded) {
      state.SkipWithError(loaded.error.c_str());
      return;
    }
    std::size_t changes = 0;
    const std::vector<mailmig::Account> all = loaded.profile->accounts();
    for (const mailmig::Account& account : all) {
      changes += mailmig::plan_account(account, policy).changes.size();
    }
    if (changes == 0) {
      state.SkipWithError("the policy found nothing to change");
      return;
    }
    accounts = all.size();
  }
  state.SetBytesProcessed(static_cast<std::int64_t>(state.iterations()) *
                          static_cast<std::int64_t>(folder.prefs_size()));
  state.SetItemsProcessed(static_cast<std::int64_t>(state.iterations() * accounts));
  state.counters["accounts"] = static_cast<double>(accounts);
  state.counters["file_bytes"] = static_cast<double>(folder.prefs_size());
}

}  // namespace

BENCHMARK(BM_PlanLargeThunderbirdProfile)->Arg(200)->Arg(2000)->Unit(benchmark::kMillisecond);
