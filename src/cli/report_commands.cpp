#include "src/cli/report_commands.h"

#include <unistd.h>

#include <iostream>

#include "src/cli/exit_status.h"
#include "src/i18n/i18n.h"
#include "src/report/report_db.h"
#include "src/report/report_summary.h"
#include "src/util/text_sanitize.h"

namespace mailmig {
namespace {

int run_merge(const ReportSettings& settings) {
  const bool terminal = isatty(STDERR_FILENO) != 0;
  const MergeResult merged = merge_reports(
      settings.output, settings.inputs, [terminal](std::size_t done, std::size_t total) {
        // A progress line only where a person watches: logs stay clean.
        if (terminal) std::cerr << "\r" << done << " / " << total << std::flush;
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
  const ReportSummaryResult read = summarize_report(settings.output);
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
}

int run_report_command(const ReportSettings& settings) {
  if (settings.merge && *settings.merge) return run_merge(settings);
  return run_summary(settings);
}

}  // namespace mailmig
