// Throughput of every parser: parsing alone, and parsing then serializing (the round trip every
// unedited file makes). Bytes processed are the file's bytes; the copy of the input that each
// parser takes by value is part of the measured time, as it is in mailmig.
#include <benchmark/benchmark.h>

#include <map>
#include <string>
#include <utility>

#include "bench/bench_inputs.h"
#include "parsers/formats/accountrc/accountrc_document.h"
#include "parsers/formats/ini/becky_ini_document.h"
#include "parsers/formats/oeaccount/oeaccount_document.h"
#include "parsers/formats/prefs_js/prefs_document.h"
#include "parsers/formats/reg/reg_file.h"

namespace {

using InputMaker = std::string (*)(std::size_t);

// Inputs are made once per (maker, count) and kept for every run of the benchmark.
const std::string& input(InputMaker make, std::size_t count) {
  static std::map<std::pair<InputMaker, std::size_t>, std::string> inputs;
  auto [it, inserted] = inputs.try_emplace({make, count});
  if (inserted) it->second = make(count);
  return it->second;
}

std::string prefs_with_servers(std::size_t servers) {
  return mailmig::bench::thunderbird_prefs(servers, servers * 100);
}

// Runs `parse` (which returns false on a parse error) over the input on every iteration.
template <typename Parse>
void measure(benchmark::State& state, const std::string& bytes, Parse parse) {
  for (auto _ : state) {
    if (!parse(bytes)) {
      state.SkipWithError("the benchmark input does not parse");
      return;
    }
  }
  state.SetBytesProcessed(static_cast<std::int64_t>(state.iterations()) *
                          static_cast<std::int64_t>(bytes.size()));
  state.counters["file_bytes"] = static_cast<double>(bytes.size());
}

void BM_PrefsParse(benchmark::State& state) {
  measure(state, input(prefs_with_servers, static_cast<std::size_t>(state.range(0))),
          [](const std::string& bytes) {
            mailmig::PrefsDocument document;
            const bool ok = static_cast<bool>(mailmig::PrefsDocument::parse(bytes, document));
            benchmark::DoNotOptimize(document.entries().data());
            return ok;
          });
}

void BM_PrefsRoundTrip(benchmark::State& state) {
  measure(state, input(prefs_with_servers, static_cast<std::size_t>(state.range(0))),
          [](const std::string& bytes) {
            mailmig::PrefsDocument document;
            const bool ok = static_cast<bool>(mailmig::PrefsDocument::parse(bytes, document));
            std::string written = document.serialize();
            benchmark::DoNotOptimize(written.data());
            return ok && written.size() == bytes.size();
          });
}

bool parse_reg(const std::string& bytes, bool serialize) {
  mailmig::RegFile document;
  const bool ok = static_cast<bool>(mailmig::RegFile::parse(bytes, document));
  benchmark::DoNotOptimize(document.entries().data());
  if (!serialize) return ok;
  std::string written = document.serialize();
  benchmark::DoNotOptimize(written.data());
  return ok && written.size() == bytes.size();
}

void BM_RegUtf16Parse(benchmark::State& state) {
  measure(state, input(mailmig::bench::outlook_reg_utf16, static_cast<std::size_t>(state.range(0))),
          [](const std::string& bytes) { return parse_reg(bytes, false); });
}

void BM_RegUtf16RoundTrip(benchmark::State& state) {
  measure(state, input(mailmig::bench::outlook_reg_utf16, static_cast<std::size_t>(state.range(0))),
          [](const std::string& bytes) { return parse_reg(bytes, true); });
}

void BM_Regedit4Parse(benchmark::State& state) {
  measure(
      state,
      input(mailmig::bench::outlook_express_reg_regedit4, static_cast<std::size_t>(state.range(0))),
      [](const std::string& bytes) { return parse_reg(bytes, false); });
}

// A whole HKEY_CURRENT_USER branch: `keys` keys, 100 of them mail accounts.
std::string hkcu_export(std::size_t keys) {
  return mailmig::bench::hkcu_export_regedit4(keys, 100);
}

void BM_HkcuExportParse(benchmark::State& state) {
  measure(state, input(hkcu_export, static_cast<std::size_t>(state.range(0))),
          [](const std::string& bytes) { return parse_reg(bytes, false); });
}

void BM_Regedit4RoundTrip(benchmark::State& state) {
  measure(
      state,
      input(mailmig::bench::outlook_express_reg_regedit4, static_cast<std::size_t>(state.range(0))),
      [](const std::string& bytes) { return parse_reg(bytes, true); });
}

bool parse_becky(const std::string& bytes, bool serialize) {
  mailmig::BeckyIniDocument document;
  const bool ok = static_cast<bool>(mailmig::BeckyIniDocument::parse(bytes, document));
  if (!serialize) return ok;
  std::string written = document.serialize();
  benchmark::DoNotOptimize(written.data());
  return ok && written.size() == bytes.size();
}

void BM_BeckyParse(benchmark::State& state) {
  measure(state, input(mailmig::bench::becky_mailbox_ini, static_cast<std::size_t>(state.range(0))),
          [](const std::string& bytes) { return parse_becky(bytes, false); });
}

void BM_BeckyRoundTrip(benchmark::State& state) {
  measure(state, input(mailmig::bench::becky_mailbox_ini, static_cast<std::size_t>(state.range(0))),
          [](const std::string& bytes) { return parse_becky(bytes, true); });
}

bool parse_accountrc(const std::string& bytes, bool serialize) {
  mailmig::AccountrcDocument document;
  const bool ok = static_cast<bool>(mailmig::AccountrcDocument::parse(bytes, document));
  benchmark::DoNotOptimize(document.sections().data());
  if (!serialize) return ok;
  std::string written = document.serialize();
  benchmark::DoNotOptimize(written.data());
  return ok && written.size() == bytes.size();
}

void BM_AccountrcParse(benchmark::State& state) {
  measure(state,
          input(mailmig::bench::sylpheed_accountrc, static_cast<std::size_t>(state.range(0))),
          [](const std::string& bytes) { return parse_accountrc(bytes, false); });
}

void BM_AccountrcRoundTrip(benchmark::State& state) {
  measure(state,
          input(mailmig::bench::sylpheed_accountrc, static_cast<std::size_t>(state.range(0))),
          [](const std::string& bytes) { return parse_accountrc(bytes, true); });
}

bool parse_oeaccount(const std::string& bytes, bool serialize) {
  mailmig::OeAccountDocument document;
  const bool ok = static_cast<bool>(mailmig::OeAccountDocument::parse(bytes, document));
  if (!serialize) return ok;
  std::string written = document.serialize();
  benchmark::DoNotOptimize(written.data());
  return ok && written.size() == bytes.size();
}

void BM_OeAccountParse(benchmark::State& state) {
  measure(state,
          input(mailmig::bench::windows_mail_oeaccount, static_cast<std::size_t>(state.range(0))),
          [](const std::string& bytes) { return parse_oeaccount(bytes, false); });
}

void BM_OeAccountRoundTrip(benchmark::State& state) {
  measure(state,
          input(mailmig::bench::windows_mail_oeaccount, static_cast<std::size_t>(state.range(0))),
          [](const std::string& bytes) { return parse_oeaccount(bytes, true); });
}

}  // namespace

// Each format at the size of a typical real file and at a size where throughput shows (the
// 2,000-server prefs.js is the 15 MB file of compare.sh), and the issue-14 large inputs.
BENCHMARK(BM_PrefsParse)->Arg(3)->Arg(2000)->Unit(benchmark::kMillisecond);
BENCHMARK(BM_PrefsRoundTrip)->Arg(2000)->Unit(benchmark::kMillisecond);
BENCHMARK(BM_RegUtf16Parse)->Arg(2)->Arg(2000)->Arg(18000)->Unit(benchmark::kMillisecond);
BENCHMARK(BM_RegUtf16RoundTrip)->Arg(2000)->Unit(benchmark::kMillisecond);
BENCHMARK(BM_Regedit4Parse)->Arg(2)->Arg(2000)->Arg(55556)->Unit(benchmark::kMillisecond);
BENCHMARK(BM_Regedit4RoundTrip)->Arg(2000)->Unit(benchmark::kMillisecond);
BENCHMARK(BM_HkcuExportParse)->Arg(300000)->Unit(benchmark::kMillisecond);
BENCHMARK(BM_BeckyParse)->Arg(0)->Arg(5000)->Unit(benchmark::kMillisecond);
BENCHMARK(BM_BeckyRoundTrip)->Arg(5000)->Unit(benchmark::kMillisecond);
BENCHMARK(BM_AccountrcParse)->Arg(2)->Arg(1000)->Arg(20000)->Unit(benchmark::kMillisecond);
BENCHMARK(BM_AccountrcRoundTrip)->Arg(1000)->Unit(benchmark::kMillisecond);
BENCHMARK(BM_OeAccountParse)->Arg(0)->Arg(20000)->Unit(benchmark::kMillisecond);
BENCHMARK(BM_OeAccountRoundTrip)->Arg(20000)->Unit(benchmark::kMillisecond);
