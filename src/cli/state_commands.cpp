#include "src/cli/state_commands.h"

#include <iostream>
#include <nlohmann/json.hpp>

#include "src/cli/exit_status.h"
#include "src/i18n/i18n.h"
#include "src/io/file_system.h"
#include "src/io/journal.h"
#include "src/io/state_dir.h"

namespace mailmig {
namespace {

std::string tr(const char* english) { return translate(english); }

std::unique_ptr<Journal> open_journal(const StateSettings& settings) {
  StateDirOptions options;
  options.state_dir = settings.state_dir;
  options.home = settings.home;
  const StateDirResult state = resolve_state_dir(options);
  if (!state) {
    std::cerr << "mailmig: " << state.error << "\n";
    return nullptr;
  }
  JournalOpenResult opened = Journal::open(state.path, settings.home);
  if (!opened) {
    std::cerr << "mailmig: " << opened.error << "\n";
    return nullptr;
  }
  return std::move(opened.journal);
}

void add_state_options(CLI::App& command, StateSettings& settings) {
  command.add_option("--home", settings.home, translate(N_("the home folder whose state to use")));
  command.add_option("--state-dir", settings.state_dir, translate(N_("journal and backup folder")));
}

}  // namespace

void add_rollback_options(CLI::App& command, StateSettings& settings) {
  command.add_option("run", settings.run_id, translate(N_("the run id (default: the last run)")));
  command.add_flag(
      "--force", settings.force,
      translate(N_("restore even files that changed since the run (their newer content is lost)")));
  add_state_options(command, settings);
}

void add_history_options(CLI::App& command, StateSettings& settings) {
  command.add_option("--format", settings.format)->check(CLI::IsMember({"text", "json"}));
  add_state_options(command, settings);
}

int run_rollback(const StateSettings& settings) {
  std::unique_ptr<Journal> journal = open_journal(settings);
  if (!journal) return kExitError;
  RealFileSystem fs;
  const RestoreResult restored =
      journal->rollback(fs, settings.run_id.empty() ? "last" : settings.run_id, settings.force);
  for (const RestoredFile& file : restored.files) {
    std::cout << "  " << to_string(file.action) << ": " << file.path;
    if (!file.message.empty()) std::cout << " (" << file.message << ")";
    std::cout << "\n";
  }
  if (!restored) {
    std::cerr << "mailmig: " << restored.error << "\n";
    return kExitError;
  }
  std::cout << fill_placeholders(tr(N_("Run {run} was undone: every file has its original "
                                       "bytes again.")),
                                 {{"run", restored.run_id}})
            << "\n";
  return kExitOk;
}

int run_history(const StateSettings& settings) {
  std::unique_ptr<Journal> journal = open_journal(settings);
  if (!journal) return kExitError;
  const HistoryResult history = journal->history();
  if (!history) {
    std::cerr << "mailmig: " << history.error << "\n";
    return kExitError;
  }
  if (settings.format == "json") {
    nlohmann::ordered_json runs = nlohmann::ordered_json::array();
    for (const JournalRun& run : history.runs) {
      const JournalFilesResult files = journal->files(run.info.run_id);
      nlohmann::ordered_json paths = nlohmann::ordered_json::array();
      for (const JournalFile& file : files.files) paths.push_back(file.path);
      runs.push_back({{"run_id", run.info.run_id},
                      {"time", run.info.time},
                      {"command", run.info.command},
                      {"state", to_string(run.state)},
                      {"machine", run.info.machine},
                      {"user", run.info.user},
                      {"mailmig_version", run.info.mailmig_version},
                      {"policy", {{"name", run.info.policy_name}, {"hash", run.info.policy_hash}}},
                      {"files", paths}});
    }
    std::cout << runs.dump(2) << "\n";
    return kExitOk;
  }
  if (history.runs.empty()) std::cout << tr(N_("No runs yet.")) << "\n";
  for (const JournalRun& run : history.runs) {
    const JournalFilesResult files = journal->files(run.info.run_id);
    std::cout << run.info.time << "  " << run.info.run_id << "  " << to_string(run.state) << "  "
              << fill_placeholders(tr(N_("{count} files")),
                                   {{"count", std::to_string(files.files.size())}})
              << "  " << run.info.policy_name << "\n";
  }
  return kExitOk;
}

}  // namespace mailmig
