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
  CLI::App* merge = nullptr;
  CLI::App* summary = nullptr;
};

void add_report_subcommands(CLI::App& report, ReportSettings& settings);
int run_report_command(const ReportSettings& settings);

}  // namespace mailmig
