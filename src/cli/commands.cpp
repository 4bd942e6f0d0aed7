#include "src/cli/commands.h"

#include <unistd.h>

#include <CLI/CLI.hpp>
#include <boost/filesystem.hpp>
#include <cmath>
#include <cstdio>
#include <ctime>
#include <fstream>
#include <iostream>
#include <sstream>

#include "rules/registry.h"
#include "src/cli/command_help.h"
#include "src/cli/exit_status.h"
#include "src/cli/home_owner.h"
#include "src/cli/migration.h"
#include "src/cli/policy_search.h"
#include "src/cli/report_commands.h"
#include "src/cli/state_commands.h"
#include "src/cli/text_output.h"
#include "src/cli/version.h"
#include "src/i18n/i18n.h"
#include "src/report/csv_report.h"
#include "src/report/json_report.h"
#include "src/report/log_lines.h"
#include "src/report/report_db.h"
#include "src/report/run_totals.h"
#include "src/util/text_sanitize.h"

namespace mailmig {
namespace {

namespace fs = boost::filesystem;

std::string tr(const char* english) { return translate(english); }

std::string executable_path() {
  boost::system::error_code error;
  fs::path path = fs::read_symlink("/proc/self/exe", error);
  return error ? std::string() : path.string();
}

std::string default_home() {
  const char* home = std::getenv("HOME");
  return home ? home : ".";
}

constexpr double kMaxTimeoutSeconds = 1e7;  // about 115 days: far beyond any run

struct RunSettings {
  std::string home;
  std::string policy_path;
  std::string format = "text";
  std::string report_db;
  std::string machine;
  std::string state_dir;
  std::string backup_dir;
  std::string log_path;
  bool quiet = false;
  double timeout_seconds = static_cast<double>(kDefaultRunTimeout.count());
  std::vector<std::string> paths;
};

void add_run_options(CLI::App& command, RunSettings& settings, bool with_policy,
                     const std::vector<std::string>& formats) {
  command.add_option("--home", settings.home,
                     translate(N_("home folder to search (default: $HOME)")));
  if (with_policy) {
    command.add_option(
        "--policy", settings.policy_path,
        translate(N_("policy file (default: mailmig-policy.xml beside the executable, else "
                     "/etc/mailmig/policy.xml, else the built-in default)")));
  }
  command.add_option("--format", settings.format, translate(N_("output format")))
      ->check(CLI::IsMember(formats));
  command.add_option("--report", settings.report_db,
                     translate(N_("append this run to a SQLite report")));
  command.add_option("--machine", settings.machine,
                     translate(N_("machine name in reports (default: host)")));
  command.add_option("--state-dir", settings.state_dir, translate(N_("journal and lock folder")));
  command.add_option("--backup-dir", settings.backup_dir, translate(N_("backup folder (apply)")));
  command.add_option("--log", settings.log_path, translate(N_("append a timestamped log to FILE")));
  command.add_flag("-q,--quiet", settings.quiet, translate(N_("print only errors")));
  command
      .add_option("--timeout", settings.timeout_seconds,
                  translate(N_("stop between profiles after SECONDS, exit 3 (default: 120; 0: no "
                               "limit)")))
      ->check(CLI::Range(0.0, kMaxTimeoutSeconds));
  command.add_option("paths", settings.paths,
                     translate(N_("profile folders or files (default: discover)")));
}

// The policy named on the command line, else the one beside the executable, else the system's,
// else the built-in default (find_policy_file). An invalid policy is a usage error.
std::optional<Policy> resolve_policy(const RunSettings& settings, std::string& error) {
  const std::string path = find_policy_file(settings.policy_path, executable_path());
  if (path.empty()) return builtin_default_policy();
  PolicyLoadResult loaded = load_policy_file(path);
  if (!loaded) {
    error = loaded.error;
    return std::nullopt;
  }
  return std::move(loaded.policy);
}

std::string timestamp_now() {
  std::time_t now = std::time(nullptr);
  std::tm utc{};
  gmtime_r(&now, &utc);
  char buffer[32];
  std::strftime(buffer, sizeof buffer, "%Y-%m-%dT%H:%M:%SZ", &utc);
  return buffer;
}

// One logfmt line a profile and one for the run (format_log_lines), appended.
bool append_log(const std::string& log_path, const RunResult& result) {
  const std::string lines = format_log_lines(result, timestamp_now());
  std::ofstream log(log_path, std::ios::app | std::ios::binary);
  if (!log) return false;
  log << lines;
  log.flush();
  return static_cast<bool>(log);
}

int exit_status_for(const RunResult& result) {
  const RunTotals totals = count_run_totals(result);
  if (totals.errors > 0) return kExitError;
  if (totals.client_running > 0) return kExitClientRunning;
  // A file to write without a setting to change (a stale .delta.reg to empty) is pending too.
  if (result.info.command == "plan" && (totals.changes > 0 || totals.files_changed > 0)) {
    return kExitChangesPending;
  }
  return kExitOk;
}

void print_errors(const RunResult& result) {
  for (const ProfileResult& profile : result.profiles) {
    if (profile.status == ProfileStatus::Error) {
      std::cerr << "mailmig: " << printable(profile.error) << "\n";
    } else if (profile.status == ProfileStatus::ClientRunning) {
      std::cerr << "mailmig: " << printable(profile.path) << ": " << printable(profile.error)
                << "\n";
    }
  }
}

void print_result(const Migration& migration, const RunSettings& settings) {
  const RunResult& result = migration.result;
  if (settings.format == "json") {
    std::cout << write_json(result);
  } else if (settings.format == "csv") {
    std::cout << write_csv(result);
  } else if (settings.format == "diff") {
    std::cout << format_diff(migration.profiles);
  } else if (settings.quiet) {
    print_errors(result);
  } else {
    std::cout << format_text(result);
  }
}

std::string format_seconds(double seconds) {
  std::ostringstream text;
  text << seconds;
  return text.str();
}

// The run itself, done by the home's owner when root works on another user's home: the log and
// the report go to `outputs`.
int run_migration_for_home(Command command, const RunSettings& settings, const Policy& policy,
                           const RunOutputs& outputs) {
  MigrationOptions options;
  options.command = command;
  options.home = settings.home.empty() ? default_home() : settings.home;
  options.paths = settings.paths;
  options.state_dir = settings.state_dir;
  options.backup_dir = settings.backup_dir;
  options.machine = settings.machine;
  options.home_given = !settings.home.empty();
  options.keep_profiles = settings.format == "diff";
  options.timeout = std::chrono::milliseconds(std::llround(settings.timeout_seconds * 1000));
  const Migration migration = run_migration(options, policy);

  print_result(migration, settings);
  if (command == Command::Apply && !settings.quiet && settings.format == "text") {
    std::cout << migration.undo_advice;
  }
  int status = exit_status_for(migration.result);
  if (!migration.not_processed.empty()) {
    std::cerr << "mailmig: "
              << fill_placeholders(tr(N_("the run's time limit (--timeout {seconds} s) passed; "
                                         "these profiles were not processed, run mailmig again:")),
                                   {{"seconds", format_seconds(settings.timeout_seconds)}})
              << "\n";
    for (const std::string& path : migration.not_processed) std::cerr << "  " << printable(path) << "\n";
    if (status != kExitError) status = kExitClientRunning;
  }
  if (!outputs.log_path.empty() && !append_log(outputs.log_path, migration.result)) {
    std::cerr << "mailmig: " << printable(outputs.log_path) << ": "
              << tr(N_("cannot write the log")) << "\n";
    status = std::max(status, static_cast<int>(kExitError));
  }
  if (!outputs.report_db.empty()) {
    if (const ReportStatus written = append_run_to_report(outputs.report_db, migration.result);
        !written) {
      std::cerr << "mailmig: " << printable(written.error) << "\n";
      return kExitError;
    }
  }
  return status;
}

int run_migration_command(Command command, const RunSettings& settings) {
  if (!check_home_option(settings.home)) return kExitUsage;
  std::string policy_error;
  std::optional<Policy> policy =
      command == Command::Scan ? builtin_default_policy() : resolve_policy(settings, policy_error);
  if (!policy) {
    std::cerr << "mailmig: " << tr(N_("invalid policy:")) << " " << printable(policy_error) << "\n";
    return kExitUsage;
  }
  const HomeRun home_run{
      settings.home,
      {{"--state-dir", settings.state_dir}, {"--backup-dir", settings.backup_dir}},
      {settings.log_path, settings.report_db}};
  return run_for_home(home_run, [&](const RunOutputs& outputs) {
    return run_migration_for_home(command, settings, *policy, outputs);
  });
}

int print_rules(const std::string& format) {
  if (format == "json") {
    nlohmann::ordered_json rules = nlohmann::ordered_json::array();
    for (const auto& rule : builtin_rules()) {
      rules.push_back({{"id", rule->id()},
                       {"enabled_by_default", rule->enabled_by_default()},
                       {"description", rule->description()},
                       {"description_localized", translate(rule->description())}});
    }
    std::cout << rules.dump(2) << "\n";
    return kExitOk;
  }
  for (const auto& rule : builtin_rules()) {
    std::cout << rule->id() << (rule->enabled_by_default() ? "" : tr(N_(" (off by default)")))
              << "\n    " << translate(rule->description()) << "\n";
  }
  return kExitOk;
}

// Double-clicked, or started with no arguments: show the plan; on a terminal, ask before
// applying. Without a terminal nothing changes (login scripts call "mailmig apply").
int run_interactive(const RunSettings& settings) {
  const int plan_status = run_migration_command(Command::Plan, settings);
  int status = plan_status;
  if (plan_status == kExitChangesPending && isatty(STDIN_FILENO)) {
    std::cout << tr(N_("Apply these changes? [y/N] ")) << std::flush;
    std::string answer;
    std::getline(std::cin, answer);
    if (answer == "y" || answer == "Y" || answer == "yes" || answer == tr(N_("yes"))) {
      status = run_migration_command(Command::Apply, settings);
    } else {
      std::cout << tr(N_("Nothing was changed.")) << "\n";
      status = kExitOk;
    }
  } else if (plan_status == kExitChangesPending) {
    std::cout << tr(N_("Standard input is not a terminal: nothing was changed. Login scripts "
                       "run \"mailmig apply\"."))
              << "\n";
  }
#ifdef _WIN32
  std::cout << tr(N_("Press Enter to close this window.")) << std::flush;
  std::string ignored;
  std::getline(std::cin, ignored);
#endif
  return status;
}

std::string exit_codes_help() {
  return tr(
      N_("Exit codes: 0 done or nothing to do; 1 some profile could not be read or "
         "written (it is untouched, the others were processed); 2 usage error, invalid "
         "policy, or a --home that is not a folder; 3 a mail client is running on some "
         "profile, or the --timeout passed (those profiles were skipped, run again later); "
         "4 changes are pending (plan)."));
}

}  // namespace

int run_cli(int argc, char** argv) {
  // The language must be known before the help text is built, and --lang may stand anywhere
  // (before or after the command): it is taken out here, and CLI11 parses the rest.
  std::string language;
  std::vector<const char*> arguments{argv[0]};
  for (int i = 1; i < argc; ++i) {
    const std::string_view arg(argv[i]);
    if (arg == "--lang" && i + 1 < argc) {
      language = argv[++i];
    } else if (arg.starts_with("--lang=")) {
      language = std::string(arg.substr(7));
    } else {
      arguments.push_back(argv[i]);
    }
  }
  if (!language.empty() && language != "ja" && language != "en") {
    std::cerr << "mailmig: --lang: " << printable(language) << " is not one of ja, en\n";
    return kExitUsage;
  }
  init_language(language, executable_path());

  CLI::App app{tr(N_("mailmig: migrates the mail settings inside mail client profiles.")),
               "mailmig"};
  app.footer(exit_codes_help());
  app.set_version_flag("--version", version_text());
  app.add_option("--lang", language, translate(N_("language of messages: ja or en")))
      ->check(CLI::IsMember({"ja", "en"}));

  RunSettings settings;
  auto* scan = app.add_subcommand("scan", tr(N_("list every profile and account")));
  add_run_options(*scan, settings, false, {"text", "json", "csv"});
  auto* plan = app.add_subcommand("plan", tr(N_("show what would change; changes nothing")));
  add_run_options(*plan, settings, true, {"text", "json", "csv", "diff"});
  auto* apply = app.add_subcommand("apply", tr(N_("make the changes, with backups")));
  add_run_options(*apply, settings, true, {"text", "json", "csv", "diff"});

  std::string rules_format = "text";
  auto* rules = app.add_subcommand("rules", tr(N_("list the built-in rules")));
  rules->add_option("--format", rules_format)->check(CLI::IsMember({"text", "json"}));

  StateSettings state;
  auto* rollback = app.add_subcommand("rollback", tr(N_("undo a run (default: the last)")));
  add_rollback_options(*rollback, state);
  auto* history = app.add_subcommand("history", tr(N_("list the runs, newest first")));
  add_history_options(*history, state);

  ReportSettings report;
  auto* report_command = app.add_subcommand("report", tr(N_("merge and summarise reports")));
  add_report_subcommands(*report_command, report);

  // Listed in the help; answer_help_or_unknown_command answers it before the parser runs.
  std::vector<std::string> help_topic;
  app.add_subcommand("help", tr(N_("show the help of mailmig or of a command")))
      ->add_option("command", help_topic, tr(N_("a command, e.g. plan or report summary")));

  if (const std::optional<int> answered = answer_help_or_unknown_command(app, arguments)) {
    return *answered;
  }
  try {
    app.parse(static_cast<int>(arguments.size()), arguments.data());
  } catch (const CLI::ParseError& error) {
    const int rc = app.exit(error);
    return rc == 0 ? kExitOk : kExitUsage;
  }

  if (*scan) return run_migration_command(Command::Scan, settings);
  if (*plan) return run_migration_command(Command::Plan, settings);
  if (*apply) return run_migration_command(Command::Apply, settings);
  if (*rules) return print_rules(rules_format);
  const HomeRun state_run{state.home, {{"--state-dir", state.state_dir}}, {}};
  if ((*rollback || *history) && !check_home_option(state.home)) return kExitUsage;
  if (*rollback) {
    return run_for_home(state_run, [&](const RunOutputs&) { return run_rollback(state); });
  }
  if (*history) {
    return run_for_home(state_run, [&](const RunOutputs&) { return run_history(state); });
  }
  if (*report_command) return run_report_command(report);
  return run_interactive(settings);
}

}  // namespace mailmig
