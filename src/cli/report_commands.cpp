#include "src/cli/report_commands.h"

#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <cmath>
#include <iostream>

#include "src/cli/exit_status.h"
#include "src/i18n/i18n.h"
#include "src/model/finding.h"
#include "src/report/report_db.h"
#include "src/report/report_summary.h"
#include "src/util/text_sanitize.h"

namespace mailmig {
namespace {

int run_merge(const ReportSettings& settings) {
  const bool terminal = isatty(STDERR_FILENO) != 0;
  const auto start = std::chrono::steady_clock::now();
  auto shown = start;
  const MergeResult merged = merge_reports(
      settings.output, settings.inputs,
      [terminal, start, &shown](std::size_t done, std::size_t total) {
        // A progress line only where a person watches (logs stay clean), five times a second.
        const auto now = std::chrono::steady_clock::now();
        if (!terminal || (now - shown < std::chrono::milliseconds(200) && done != total)) return;
        shown = now;
        const double seconds = std::chrono::duration<double>(now - start).count();
        std::cerr << "\r" << merge_progress_line(done, total, seconds) << "\x1b[K" << std::flush;
      });
  if (terminal) std::cerr << "\n";
  for (const MergeFailure& failure : merged.failed_inputs) {
    std::cerr << "mailmig: " << printable(failure.error) << "\n";  // the error names the file
  }
  if (!merged) {
    std::cerr << "mailmig: " << printable(merged.error) << "\n";
    return kExitError;
  }
  std::cout << fill_placeholders(translate(N_("Merged {inputs} reports: {added} runs added, "
                                              "{skipped} already there.")),
                                 {{"inputs", std::to_string(merged.inputs_merged)},
                                  {"added", std::to_string(merged.runs_added)},
                                  {"skipped", std::to_string(merged.runs_skipped)}})
            << "\n";
  return merged.failed_inputs.empty() ? kExitOk : kExitError;
}

int run_summary(const ReportSettings& settings) {
  SummaryOptions options;
  options.stale_since = settings.stale_since;
  const ReportSummaryResult read = summarize_report(settings.output, options);
  if (!read) {
    std::cerr << "mailmig: " << printable(read.error) << "\n";
    return kExitError;
  }
  if (settings.format == "json") {
    std::cout << summary_json(read.summary);
  } else if (settings.format == "csv") {
    std::cout << summary_csv(read.summary);
  } else if (settings.format == "html") {
    std::cout << summary_html(read.summary);
  } else {
    std::cout << summary_text(read.summary);
  }
  return kExitOk;
}

}  // namespace

std::string merge_progress_line(std::size_t done, std::size_t total, double elapsed_seconds) {
  const double rate = elapsed_seconds > 0 ? static_cast<double>(done) / elapsed_seconds : 0;
  const long left = rate > 0 ? std::lround(static_cast<double>(total - done) / rate) : 0;
  return fill_placeholders(
      translate(N_("{done} / {total} reports, {rate} a second, about {left} s left")),
      {{"done", std::to_string(done)},
       {"total", std::to_string(total)},
       {"rate", std::to_string(std::lround(rate))},
       {"left", std::to_string(left)}});
}

void add_report_subcommands(CLI::App& report, ReportSettings& settings) {
  report.require_subcommand(1);
  settings.merge =
      report.add_subcommand("merge", translate(N_("merge per-machine reports into one database")));
  settings.merge
      ->add_option("out", settings.output, translate(N_("the merged database (created when new)")))
      ->required();
  settings.merge
      ->add_option("inputs", settings.inputs, translate(N_("per-machine report databases")))
      ->required();
  settings.summary =
      report.add_subcommand("summary", translate(N_("what still needs doing, across machines")));
  settings.summary->add_option("db", settings.output, translate(N_("a report database")))
      ->required();
  settings.summary->add_option("--format", settings.format)
      ->check(CLI::IsMember({"text", "json", "csv", "html"}));
  settings.summary
      ->add_option("--stale-since", settings.stale_since,
                   translate(N_("list the machines not heard from since DATE (YYYY-MM-DD)")))
      ->check([](const std::string& date) {
        const bool shaped = date.size() == 10 && date[4] == '-' && date[7] == '-' &&
                            std::all_of(date.begin(), date.end(),
                                        [](char c) { return c == '-' || (c >= '0' && c <= '9'); });
        return shaped ? std::string() : std::string(translate(N_("expected a date YYYY-MM-DD")));
      });
}

int run_report_command(const ReportSettings& settings) {
  if (settings.merge && *settings.merge) return run_merge(settings);
  return run_summary(settings);
}

}  // namespace mailmig
