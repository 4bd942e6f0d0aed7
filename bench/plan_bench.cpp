// Planning a large Thunderbird profile: read the profile folder from disk, build every
// account's effective view and plan it with the built-in default policy's rules.
#include <benchmark/benchmark.h>

#include <boost/filesystem.hpp>
#include <fstream>
#include <string>

#include "bench/bench_inputs.h"
#include "parsers/clients/outlook/outlook_profile.h"
#include "parsers/clients/sylpheed/accountrc_profile.h"
#include "parsers/clients/thunderbird/thunderbird_profile.h"
#include "rules/rule_engine.h"
#include "rules/rule_list.h"
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
  const mailmig::Policy policy = mailmig::builtin_default_policy(mailmig::known_rules());
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
      changes += mailmig::plan_account(account, policy, loaded.profile->capabilities(account))
                     .changes.size();
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

// One generated file in a folder of its own, written once and removed at exit.
class InputFile {
 public:
  InputFile(const std::string& name, const std::string& bytes)
      : folder_(boost::filesystem::temp_directory_path() /
                boost::filesystem::unique_path("mailmig-bench-%%%%-%%%%")),
        size_(bytes.size()) {
    boost::filesystem::create_directories(folder_);
    std::ofstream((folder_ / name).string(), std::ios::binary) << bytes;
    path_ = (folder_ / name).string();
  }
  ~InputFile() { boost::filesystem::remove_all(folder_); }
  InputFile(const InputFile&) = delete;
  InputFile& operator=(const InputFile&) = delete;

  const std::string& path() const { return path_; }
  std::size_t size() const { return size_; }

 private:
  boost::filesystem::path folder_;
  std::string path_;
  std::size_t size_;
};

// What `mailmig plan` does with one profile file: load it, plan every account and make its
// changes in memory (a later account is planned against the bytes as already edited). The
// small and the large input of a format should show the same MB/s: a plan linear in its input.
template <typename Load>
void plan_file(benchmark::State& state, const InputFile& file, Load load) {
  const mailmig::Policy policy = mailmig::builtin_default_policy(mailmig::known_rules());
  std::size_t accounts = 0;
  for (auto _ : state) {
    mailmig::LoadResult loaded = load(file.path());
    if (!loaded) {
      state.SkipWithError(loaded.error.c_str());
      return;
    }
    std::size_t changes = 0;
    const std::vector<mailmig::Account> all = loaded.profile->accounts();
    for (const mailmig::Account& account : all) {
      const mailmig::EditPlan plan =
          mailmig::plan_account(account, policy, loaded.profile->capabilities(account));
      if (plan.changes.empty()) continue;
      changes += plan.changes.size();
      std::vector<mailmig::Finding> findings = loaded.profile->apply(plan);
      benchmark::DoNotOptimize(findings.data());
    }
    if (changes == 0) {
      state.SkipWithError("the policy found nothing to change");
      return;
    }
    // What a plan asks of the files: which of them change.
    std::size_t changed_files = 0;
    for (const mailmig::ProfileFile& profile_file : loaded.profile->files()) {
      changed_files += profile_file.changed() ? 1 : 0;
    }
    benchmark::DoNotOptimize(changed_files);
    accounts = all.size();
  }
  state.SetBytesProcessed(static_cast<std::int64_t>(state.iterations()) *
                          static_cast<std::int64_t>(file.size()));
  state.SetItemsProcessed(static_cast<std::int64_t>(state.iterations() * accounts));
  state.counters["accounts"] = static_cast<double>(accounts);
  state.counters["file_bytes"] = static_cast<double>(file.size());
}

void BM_PlanAccountrc(benchmark::State& state) {
  const InputFile file(
      "accountrc", mailmig::bench::sylpheed_accountrc(static_cast<std::size_t>(state.range(0))));
  plan_file(state, file,
            [](const std::string& path) { return mailmig::load_sylpheed_profile(path); });
}

void BM_PlanRegUtf16(benchmark::State& state) {
  const InputFile file("outlook.reg",
                       mailmig::bench::outlook_reg_utf16(static_cast<std::size_t>(state.range(0))));
  plan_file(state, file, [](const std::string& path) { return mailmig::load_registry_file(path); });
}

void BM_PlanRegedit4(benchmark::State& state) {
  const InputFile file("oe.reg", mailmig::bench::outlook_express_reg_regedit4(
                                     static_cast<std::size_t>(state.range(0))));
  plan_file(state, file, [](const std::string& path) { return mailmig::load_registry_file(path); });
}

void BM_PlanHkcuExport(benchmark::State& state) {
  const InputFile file("hkcu.reg", mailmig::bench::hkcu_export_regedit4(
                                       static_cast<std::size_t>(state.range(0)), 100));
  plan_file(state, file, [](const std::string& path) { return mailmig::load_registry_file(path); });
}

}  // namespace

BENCHMARK(BM_PlanLargeThunderbirdProfile)->Arg(200)->Arg(2000)->Unit(benchmark::kMillisecond);
// Issue 14: a typical file and the large ones that took minutes (20,000 accounts; a 60 MB
// UTF-16 export of 252,000 values; a 1 M-line REGEDIT4 export; a 300,000-key export of a whole
// HKEY_CURRENT_USER branch holding 100 accounts).
BENCHMARK(BM_PlanAccountrc)->Arg(2)->Arg(20000)->Unit(benchmark::kMillisecond);
BENCHMARK(BM_PlanRegUtf16)->Arg(2)->Arg(18000)->Unit(benchmark::kMillisecond);
BENCHMARK(BM_PlanRegedit4)->Arg(2)->Arg(55556)->Unit(benchmark::kMillisecond);
BENCHMARK(BM_PlanHkcuExport)->Arg(300000)->Unit(benchmark::kMillisecond);
