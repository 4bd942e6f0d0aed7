#include "src/cli/state_commands.h"

#include <boost/filesystem.hpp>
#include <iostream>
#include <nlohmann/json.hpp>

#include "src/app/live_registry_commit.h"
#include "src/cli/exit_status.h"
#include "src/i18n/i18n.h"
#include "src/io/file_system.h"
#include "src/io/journal.h"
#include "src/io/state_dir.h"
#include "src/util/text_sanitize.h"

namespace mailmig {
namespace {

std::string tr(const char* english) { return translate(english); }

std::unique_ptr<Journal> open_journal(const StateSettings& settings) {
  StateDirOptions options;
  options.state_dir = settings.state_dir;
  options.home = settings.home;
  const StateDirResult state = resolve_state_dir(options);
  if (!state) {
    std::cerr << "mailmig: " << printable(state.error) << "\n";
    return nullptr;
  }
  JournalOpenResult opened = Journal::open(state.path, settings.home);
  if (!opened) {
    std::cerr << "mailmig: " << printable(opened.error) << "\n";
    return nullptr;
  }
  return std::move(opened.journal);
}

// What rollback did to a file, in the user's language.
std::string describe(RestoreAction action) {
  switch (action) {
    case RestoreAction::Restored:
      return tr(N_("restored"));
    case RestoreAction::Deleted:
      return tr(N_("deleted"));
    case RestoreAction::AlreadyOriginal:
      return tr(N_("already original"));
    case RestoreAction::Refused:
      return tr(N_("refused"));
    case RestoreAction::Failed:
      return tr(N_("failed"));
  }
  return tr(N_("failed"));
}

// Says what an undone run gave back: files, values of the live registry, or both.
std::string undone_message(const std::vector<RestoredFile>& restored) {
  bool files = false;
  bool registry_values = false;
  for (const RestoredFile& item : restored) (item.registry_value ? registry_values : files) = true;
  if (registry_values && files) {
    return tr(
        N_("Run {run} was undone: every file has its original bytes again, and every "
           "registry value its original type and data."));
  }
  if (registry_values) {
    return tr(
        N_("Run {run} was undone: every registry value has its original type and data "
           "again."));
  }
  return tr(N_("Run {run} was undone: every file has its original bytes again."));
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

bool check_home_option(const std::string& home) {
  if (home.empty()) return true;
  boost::system::error_code error;
  const boost::filesystem::file_status status = boost::filesystem::status(home, error);
  if (boost::filesystem::is_directory(status)) return true;
  std::string problem = tr(N_("no such folder"));
  if (boost::filesystem::exists(status)) {
    problem = tr(N_("not a folder"));
  } else if (error && error != boost::system::errc::no_such_file_or_directory) {
    problem = error.message();  // a folder on the way that may not be searched, ...
  }
  std::cerr << "mailmig: --home " << printable(home) << ": " << printable(problem) << "\n";
  return false;
}

int run_rollback(const StateSettings& settings) {
  if (!check_home_option(settings.home)) return kExitUsage;
  std::unique_ptr<Journal> journal = open_journal(settings);
  if (!journal) return kExitError;
  RealFileSystem fs;
  LiveRegistryRestorer registry(open_live_registry());
  if (registry.available()) journal->set_registry_restorer(&registry);
  const RestoreResult restored =
      journal->rollback(fs, settings.run_id.empty() ? "last" : settings.run_id, settings.force);
  std::size_t refused = 0;
  for (const RestoredFile& file : restored.files) {
    const bool only_planned = restored.nothing_written && (file.action == RestoreAction::Restored ||
                                                           file.action == RestoreAction::Deleted);
    std::cout << "  " << (only_planned ? tr(N_("not restored")) : describe(file.action)) << ": "
              << printable(file.path);
    if (!file.message.empty()) std::cout << " (" << printable(file.message) << ")";
    std::cout << "\n";
    if (file.action == RestoreAction::Refused) ++refused;
  }
  if (restored.nothing_written) {
    // Each file was named above with its reason: the summary says what that means, once.
    std::cerr << "mailmig: "
              << fill_placeholders(tr(N_("run {run}: nothing was restored: a run is undone whole "
                                         "or not at all.")),
                                   {{"run", printable(restored.run_id)}});
    if (refused > 0) {
      std::cerr << " "
                << tr(N_("Use --force to restore files changed since the run (their "
                         "newer content is lost)."));
    }
    std::cerr << "\n";
    return kExitError;
  }
  if (!restored) {
    std::cerr << "mailmig: " << printable(restored.error) << "\n";
    return kExitError;
  }
  std::cout << fill_placeholders(undone_message(restored.files),
                                 {{"run", printable(restored.run_id)}})
            << "\n";
  return kExitOk;
}

int run_history(const StateSettings& settings) {
  if (!check_home_option(settings.home)) return kExitUsage;
  std::unique_ptr<Journal> journal = open_journal(settings);
  if (!journal) return kExitError;
  const HistoryResult history = journal->history();
  if (!history) {
    std::cerr << "mailmig: " << printable(history.error) << "\n";
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
    std::cout << runs.dump(2, ' ', false, nlohmann::json::error_handler_t::replace) << "\n";
    return kExitOk;
  }
  if (history.runs.empty()) std::cout << tr(N_("No runs yet.")) << "\n";
  for (const JournalRun& run : history.runs) {
    const JournalFilesResult files = journal->files(run.info.run_id);
    // The files the run really wrote: a profile whose write failed was put back at once, and
    // its files are recorded as rolled back although the run is done.
    std::size_t written = 0;
    for (const JournalFile& file : files.files) {
      if (file.state == FileState::Done ||
          (run.state == RunState::RolledBack && file.state == FileState::RolledBack)) {
        ++written;
      }
    }
    std::cout << printable(run.info.time) << "  " << printable(run.info.run_id) << "  "
              << to_string(run.state) << "  "
              << fill_placeholders(tr(N_("{count} files written")),
                                   {{"count", std::to_string(written)}})
              << "  " << printable(run.info.policy_name) << "\n";
  }
  return kExitOk;
}

}  // namespace mailmig
