// `mailmig report merge` and `mailmig report summary`: the administrator's side of the reports.
#pragma once

#include <CLI/CLI.hpp>
#include <string>
#include <vector>

namespace mailmig {

struct ReportSettings {
  std::string output;               // merge: OUT.db; summary: DB
  std::vector<std::string> inputs;  // merge: IN.db...
  std::string format = "text";
  std::string stale_since;  // summary: YYYY-MM-DD
  CLI::App* merge = nullptr;
  CLI::App* summary = nullptr;
};

void add_report_subcommands(CLI::App& report, ReportSettings& settings);
int run_report_command(const ReportSettings& settings);

// The merge's progress on a terminal: "1200 / 10000 reports, 850 a second, about 10 s left".
std::string merge_progress_line(std::size_t done, std::size_t total, double elapsed_seconds);

}  // namespace mailmig
