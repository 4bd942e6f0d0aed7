#include "src/cli/commands.h"

#include <CLI/CLI.hpp>
#include <cmath>
#include <cstdio>
#include <ctime>
#include <filesystem>
#include <fstream>
#include <functional>
#include <iostream>
#include <memory>
#include <optional>
#include <sstream>

#include "parsers/clients/client_list.h"
#include "rules/rule_list.h"
#include "src/app/migration.h"
#include "src/cli/command_help.h"
#include "src/cli/console.h"
#include "src/cli/exit_status.h"
#include "src/cli/home_owner.h"
#include "src/cli/policy_search.h"
#include "src/cli/report_commands.h"
#include "src/cli/state_commands.h"
#include "src/cli/text_output.h"
#include "src/cli/version.h"
#ifdef _WIN32
#include "src/encoding/wide_text.h"
#endif
#include "src/i18n/i18n.h"
#include "src/io/state_dir.h"
#include "src/report/csv_report.h"
#include "src/report/json_report.h"
#include "src/report/log_lines.h"
#include "src/report/report_db.h"
#include "src/report/run_totals.h"
#include "src/util/identity.h"
#include "src/util/text_sanitize.h"
#include "src/util/utc_time.h"

namespace mailmig {
namespace {

std::string tr(const char* english) { return translate(english); }

std::string executable_path() { return program_path(); }

std::string default_home() {
#ifdef _WIN32
  const char* const home_variable = "USERPROFILE";
#else
  const char* const home_variable = "HOME";
#endif
  return process_environment(home_variable).value_or(".");
}

constexpr double kMaxTimeoutSeconds = 1e7;  // about 115 days: far beyond any run

struct RunSettings {
  std::string home;
  std::string policy_path;
  std::string format = "text";
  std::string report_db;
  std::string machine;
  std::string group;
  std::string state_dir;
  std::string backup_dir;
  std::string log_path;
  bool quiet = false;
  double timeout_seconds = static_cast<double>(kDefaultRunTimeout.count());
  std::string verify;  // --verify: required, advisory, off; "" for MAILMIG_VERIFY or the policy's
  std::vector<std::string> paths;
};

// --verify, else MAILMIG_VERIFY (a test bench without the servers' network sets it), else "".
std::string verification_override(const RunSettings& settings) {
  if (!settings.verify.empty()) return settings.verify;
  const char* environment = std::getenv("MAILMIG_VERIFY");
  return environment ? environment : "";
}

void add_run_options(CLI::App& command, RunSettings& settings, bool with_policy,
                     const std::vector<std::string>& formats) {
  command.add_option("--home", settings.home,
                     translate(N_("home folder to search (default: $HOME)")));
  if (with_policy) {
    command.add_option(
        "--policy", settings.policy_path,
        translate(N_("policy file (default: mailmig-policy.xml beside the executable, else "
                     "/etc/mailmig/policy.xml, else the built-in default)")));
    command
        .add_option("--verify", settings.verify,
                    translate(N_("check each new server before pointing an account at it: "
                                 "required, advisory or off (default: the policy's, else "
                                 "required)")))
        ->check(CLI::IsMember({"required", "advisory", "off"}));
  }
  command.add_option("--format", settings.format, translate(N_("output format")))
      ->check(CLI::IsMember(formats));
  command.add_option("--report", settings.report_db,
                     translate(N_("append this run to a SQLite report")));
  command.add_option("--machine", settings.machine,
                     translate(N_("machine name in reports (default: host)")));
  command.add_option("--group", settings.group,
                     translate(N_("machine group in reports, for the census (default: the "
                                  "machine name's prefix)")));
  command.add_option("--state-dir", settings.state_dir, translate(N_("journal and lock folder")));
  command.add_option("--backup-dir", settings.backup_dir, translate(N_("backup folder (apply)")));
  command.add_option("--log", settings.log_path, translate(N_("append a timestamped log to FILE")));
  command.add_flag("-q,--quiet", settings.quiet, translate(N_("print only errors")));
  command
      .add_option("--timeout", settings.timeout_seconds,
                  translate(N_("stop between profiles after SECONDS, exit 3 (default: 120; 0: no "
                               "limit)")))
      ->check(CLI::Range(0.0, kMaxTimeoutSeconds).description(""));  // the help says it
  command.add_option("paths", settings.paths,
                     translate(N_("profile folders or files (default: discover)")));
}

// The policy named on the command line, else the one beside the executable, else the system's,
// else the built-in default (find_policy_file). An invalid policy is a usage error.
std::optional<Policy> resolve_policy(const RunSettings& settings, std::string& error) {
  const std::string path = find_policy_file(settings.policy_path, executable_path());
  if (path.empty()) return builtin_default_policy(known_rules());
  PolicyLoadResult loaded = load_policy_file(path, known_rules());
  if (!loaded) {
    error = loaded.error;
    return std::nullopt;
  }
  return std::move(loaded.policy);
}

std::string timestamp_now() {
  const std::tm utc = utc_time(std::time(nullptr));
  char buffer[32];
  std::strftime(buffer, sizeof buffer, "%Y-%m-%dT%H:%M:%SZ", &utc);
  return buffer;
}

// One logfmt line a profile and one for the run (format_log_lines), appended.
bool append_log(const std::string& log_path, const RunResult& result) {
  const std::string lines = format_log_lines(result, timestamp_now());
#ifdef _WIN32
  // Wide: a narrow path is read in the ANSI code page there.
  std::ofstream log(std::filesystem::path(widen(log_path)), std::ios::app | std::ios::binary);
#else
  std::ofstream log(log_path, std::ios::app | std::ios::binary);
#endif
  if (!log) return false;
  log << lines;
  log.flush();
  return static_cast<bool>(log);
}

int exit_status_for(const RunResult& result) {
  const RunTotals totals = count_run_totals(result);
  if (totals.errors > 0) return kExitError;
  if (totals.client_running > 0) return kExitClientRunning;
  // A file to write without a setting to change (a stale .delta.reg to empty) is pending too,
  // and so is a step only a person can do: the machine is not done (issue 15).
  if (result.info.command == "plan" &&
      (totals.changes > 0 || totals.files_changed > 0 || totals.action_required > 0)) {
    return kExitChangesPending;
  }
  return kExitOk;
}

void print_errors(const RunResult& result) {
  for (const ProfileResult& profile : result.profiles) {
    if (profile.status == ProfileStatus::Error) {
      std::cerr << "mailmig: " << printable(profile.error) << "\n";
    } else if (profile.status == ProfileStatus::ClientRunning) {
      std::cerr << "mailmig: " << printable(profile.path) << ": "
                << printable(profile.error_localized.empty() ? profile.error
                                                             : profile.error_localized)
                << "\n";
    }
  }
}

// The report printed on standard output, written as the run goes (MigrationOptions::report_sink):
// a profile of thousands of accounts is not kept whole until the end.
struct PrintedReport {
  std::unique_ptr<RunReportSink> sink;
  std::function<void(const RunResult&, std::ostream&)> write;  // empty: print_result() prints
};

// --quiet and --format diff print no account: the run keeps only their counts.
class AccountsNotPrinted : public RunReportSink {
 public:
  void run_begun(const RunInfo& /*info*/) override {}
  void account(const ProfileResult& /*profile*/, const AccountResult& /*result*/) override {}
  void profile_done(const ProfileResult& /*profile*/) override {}
};

// The printed report and the report database (--report), each handed every account.
class PrintedAndDatabaseReports : public RunReportSink {
 public:
  PrintedAndDatabaseReports(RunReportSink& printed, ReportDbWriter& database)
      : printed_(printed), database_(database) {}
  void run_begun(const RunInfo& info) override {
    printed_.run_begun(info);
    database_.run_begun(info);
  }
  void account(const ProfileResult& profile, const AccountResult& result) override {
    printed_.account(profile, result);
    database_.account(profile, result);
  }
  void profile_done(const ProfileResult& profile) override {
    printed_.profile_done(profile);
    database_.profile_done(profile);
  }

 private:
  RunReportSink& printed_;
  ReportDbWriter& database_;
};

template <typename Report>
PrintedReport printed_by() {
  auto report = std::make_unique<Report>();
  Report* writer = report.get();
  return {std::move(report),
          [writer](const RunResult& result, std::ostream& out) { writer->write(result, out); }};
}

PrintedReport printed_report(const RunSettings& settings) {
  if (settings.format == "json") return printed_by<JsonReport>();
  if (settings.format == "csv") return printed_by<CsvReport>();
  if (settings.format == "text" && !settings.quiet) return printed_by<TextReport>();
  return {std::make_unique<AccountsNotPrinted>(), {}};
}

void print_result(const Migration& migration, const RunSettings& settings,
                  const PrintedReport& printed) {
  const RunResult& result = migration.result;
  if (printed.write) {
    printed.write(result, std::cout);
  } else if (settings.format == "json") {
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

// The double-click run prints its own short screens: the run hands its result back instead of
// printing it.
struct KeptRun {
  RunResult result;
  std::string undo_advice;
};

// The run itself, done by the home's owner when root works on another user's home: the log and
// the report go to `outputs`. With `kept`, nothing is printed but the errors of the run itself.
int run_migration_for_home(Command command, const RunSettings& settings, const Policy& policy,
                           const RunOutputs& outputs, KeptRun* kept) {
  MigrationOptions options;
  options.command = command;
  options.home = settings.home.empty() ? default_home() : settings.home;
  options.paths = settings.paths;
  options.state_dir = settings.state_dir;
  options.backup_dir = settings.backup_dir;
  options.machine = settings.machine;
  options.group = settings.group;
  options.home_given = !settings.home.empty();
  options.keep_profiles = settings.format == "diff";
  options.timeout = std::chrono::milliseconds(std::llround(settings.timeout_seconds * 1000));
  if (const std::string program = executable_path(); !program.empty()) options.program = program;
  options.undo_the_last_run = kept != nullptr;
  options.verification = parse_verification_mode(verification_override(settings));
  // The double-click screens take every account at the end.
  PrintedReport printed;
  std::optional<ReportDbWriter> report_db;
  std::optional<PrintedAndDatabaseReports> both_reports;
  if (!kept) {
    printed = printed_report(settings);
    options.report_sink = printed.sink.get();
    if (!outputs.report_db.empty()) {
      report_db.emplace(outputs.report_db);
      options.report_sink = &both_reports.emplace(*printed.sink, *report_db);
    }
  }
  const Migration migration = run_migration(options, policy);

  if (kept) {
    kept->result = migration.result;
    kept->undo_advice = migration.undo_advice;
  } else {
    print_result(migration, settings, printed);
    if (command == Command::Apply && !settings.quiet && settings.format == "text") {
      std::cout << migration.undo_advice;
    }
  }
  int status = exit_status_for(migration.result);
  if (!migration.not_processed.empty()) {
    std::cerr << "mailmig: "
              << fill_placeholders(tr(N_("the run's time limit (--timeout {seconds} s) passed; "
                                         "these profiles were not processed, run mailmig again:")),
                                   {{"seconds", format_seconds(settings.timeout_seconds)}})
              << "\n";
    for (const std::string& path : migration.not_processed)
      std::cerr << "  " << printable(path) << "\n";
    if (status != kExitError) status = kExitClientRunning;
  }
  if (migration.left_alone_unverified > 0) {
    std::cerr << "mailmig: "
              << fill_placeholders(tr(N_("{accounts} accounts were left alone: their new server "
                                         "did not pass its check (see above); run mailmig again "
                                         "later")),
                                   {{"accounts", std::to_string(migration.left_alone_unverified)}})
              << "\n";
    if (status != kExitError) status = kExitClientRunning;
  }
  if (!outputs.log_path.empty() && !append_log(outputs.log_path, migration.result)) {
    std::cerr << "mailmig: " << printable(outputs.log_path) << ": "
              << tr(N_("cannot write the log")) << "\n";
    status = std::max(status, static_cast<int>(kExitError));
  }
  if (!outputs.report_db.empty()) {
    if (const ReportStatus written =
            report_db ? report_db->finish(migration.result)
                      : append_run_to_report(outputs.report_db, migration.result);
        !written) {
      std::cerr << "mailmig: " << printable(written.error) << "\n";
      return kExitError;
    }
  }
  return status;
}

int run_migration_command(Command command, const RunSettings& settings, KeptRun* kept = nullptr) {
  if (!check_home_option(settings.home)) return kExitUsage;
  std::string policy_error;
  std::optional<Policy> policy = command == Command::Scan ? builtin_default_policy(known_rules())
                                                          : resolve_policy(settings, policy_error);
  if (!policy) {
    std::cerr << "mailmig: " << tr(N_("invalid policy:")) << " " << printable(policy_error) << "\n";
    return kExitUsage;
  }
  if (const std::string verify = verification_override(settings);
      !verify.empty() && !parse_verification_mode(verify)) {
    std::cerr << "mailmig: "
              << fill_placeholders(tr(N_("MAILMIG_VERIFY={value} is not one of required, "
                                         "advisory, off")),
                                   {{"value", printable(verify)}})
              << "\n";
    return kExitUsage;
  }
  const HomeRun home_run{
      settings.home,
      {{"--state-dir", settings.state_dir}, {"--backup-dir", settings.backup_dir}},
      {settings.log_path, settings.report_db},
      command == Command::Apply,
      settings.paths};
  return run_for_home(home_run, [&](const RunOutputs& outputs) {
    return run_migration_for_home(command, settings, *policy, outputs, kept);
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

// The answer typed at the double-click question.
enum class Answer { Yes, No, Details };

Answer ask_to_apply() {
  std::cout << tr(N_("Apply these changes? (d: show every setting) [y/N/d] ")) << std::flush;
  std::string answer;
  std::getline(std::cin, answer);
  if (answer == "y" || answer == "Y" || answer == "yes" || answer == tr(N_("yes"))) {
    return Answer::Yes;
  }
  if (answer == "d" || answer == "D") return Answer::Details;
  return Answer::No;
}

// Double-clicked, or started with no arguments (issue 18): a short plan; on a terminal, one
// question; after "y" what was done, in the past tense, and how to undo it without a run id;
// the steps left for a person always come last. A running client is named before the question,
// which is then not asked. Without a terminal nothing changes (login scripts call "mailmig
// apply").
int plan_ask_and_apply(const RunSettings& settings) {
  KeptRun plan;
  int status = run_migration_command(Command::Plan, settings, &plan);
  if (status == kExitUsage) return status;  // said on stderr: an invalid policy
  std::cout << format_short_plan(plan.result);
  const RunTotals totals = count_run_totals(plan.result);
  // A running client was named above, in the user's language: apply would skip its profile
  // again, so the one thing to do is to close it.
  const bool to_apply =
      (totals.changes > 0 || totals.files_changed > 0) && totals.client_running == 0;
  const RunResult* ending = &plan.result;
  KeptRun applied;
  if (to_apply && stdin_is_interactive()) {
    Answer answer = ask_to_apply();
    while (answer == Answer::Details) {
      std::cout << format_text(plan.result);
      answer = ask_to_apply();
    }
    if (answer == Answer::Yes) {
      status = run_migration_command(Command::Apply, settings, &applied);
      std::cout << format_short_done(applied.result) << applied.undo_advice;
      ending = &applied.result;
    } else {
      std::cout << tr(N_("Nothing was changed.")) << "\n";
      status = kExitOk;
    }
  } else if (to_apply) {
    std::cout << tr(N_("Standard input is not a terminal: nothing was changed. Login scripts "
                       "run \"mailmig apply\"."))
              << "\n";
  }
  std::cout << format_manual_steps(*ending);
  return status;
}

int run_interactive(const RunSettings& settings) {
  const int status = plan_ask_and_apply(settings);
  // A console window opened by a double click closes with the program: keep it for reading.
  if (keep_window_open(current_console())) {
    std::cout << tr(N_("Press Enter to close this window.")) << std::flush;
    std::string ignored;
    std::getline(std::cin, ignored);
  }
  return status;
}

// The placeholder --help shows for an option's value (CLI11 says TEXT or FLOAT), by the
// option's name, in every command.
std::string_view value_placeholder(const std::string& name) {
  static const std::pair<std::string_view, std::string_view> kPlaceholders[] = {
      {"--home", "DIR"},        {"--state-dir", "DIR"},   {"--backup-dir", "DIR"},
      {"--policy", "FILE"},     {"--report", "FILE"},     {"--log", "FILE"},
      {"out", "FILE"},          {"db", "FILE"},           {"inputs", "FILE"},
      {"command", "COMMAND"},   {"paths", "PATH"},        {"run", "RUN_ID"},
      {"--machine", "NAME"},    {"--timeout", "SECONDS"}, {"--format", "FORMAT"},
      {"--lang", "LANG"},       {"--verify", "MODE"},     {"--group", "LABEL"},
      {"--stale-since", "DATE"}};
  for (const auto& [option, placeholder] : kPlaceholders) {
    if (name == option) return placeholder;
  }
  return {};
}

// In every command: the value placeholders, the "Commands" heading, the version flag's words,
// and the heading of each subcommand's help flag (CLI11 adds that flag before the subcommand takes
// its parent's option group).
void localize_option_help(CLI::App& command) {
  for (CLI::Option* option : command.get_options()) {
    if (option->get_group() == "Options") option->group(tr(N_("Options")));
    if (option->get_name() == "--version") {
      option->description(tr(N_("print the version and exit")));
    }
    const std::string_view placeholder =
        value_placeholder(option->get_name(option->get_positional()));
    if (!placeholder.empty() && option->get_type_size() != 0) {
      option->type_name(std::string(placeholder));
    }
  }
  for (CLI::App* sub : command.get_subcommands([](CLI::App*) { return true; })) {
    sub->group(tr(N_("Commands")));
    localize_option_help(*sub);
  }
}

// CLI11's own words in the user's language (issue 18): the help flag, the headings, and the
// framing of a command-line error. Called before the commands are added: they inherit the help
// flag, the option group and the formatter.
void localize_cli_chrome(CLI::App& app) {
  app.option_defaults()->group(tr(N_("Options")));
  app.set_help_flag("-h,--help", tr(N_("print this help and exit")));
  const auto formatter = app.get_formatter();
  formatter->label("Usage", tr(N_("Usage")));
  formatter->label("OPTIONS", tr(N_("OPTIONS")));
  formatter->label("SUBCOMMAND", tr(N_("COMMAND")));
  formatter->label("Positionals", tr(N_("Arguments")));
  app.failure_message([](const CLI::App*, const CLI::Error& error) {
    std::string what = error.what();
    // "The following argument was not expected: aply": the arguments, said in words.
    if (dynamic_cast<const CLI::ExtrasError*>(&error) && what.find(": ") != std::string::npos) {
      what = fill_placeholders(tr(N_("not a command or option of mailmig: {arguments}")),
                               {{"arguments", what.substr(what.find(": ") + 2)}});
    }
    return "mailmig: " +
           fill_placeholders(tr(N_("the command line is not valid: {error}")),
                             {{"error", printable(what)}}) +
           "\n" + tr(N_("\"mailmig --help\" lists the commands and their options.")) + "\n";
  });
}

// The mail programs, from the one list of clients: those mailmig edits, then those it only finds.
std::string clients_help() {
  std::string edited;
  std::string found;
  for (const ClientDescriptor* client : all_clients()) {
    std::string& names = client->editable() ? edited : found;
    if (!names.empty()) names += ", ";
    names += client_display_name(client->kind);
    if (client->formats) names += std::string(" (") + client->formats + ")";
  }
  return fill_placeholders(
      tr(N_("Mail programs: {edited}; found, with the steps to take by hand: {found}.")),
      {{"edited", edited}, {"found", found}});
}

std::string exit_codes_help() {
  return tr(
      N_("Exit codes: 0 done or nothing to do; 1 some profile could not be read or "
         "written (it is untouched, the others were processed); 2 usage error, invalid "
         "policy, a --home that is not a folder, or a run refused for safety (such as an "
         "elevated run over another user's files); 3 a mail client is running on some "
         "profile, the --timeout passed, or a new server did not pass its check (those "
         "profiles or accounts were left alone, run again later); "
         "4 not done yet (plan): changes are pending, or a step must be done by hand."));
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
  localize_cli_chrome(app);
  app.footer(clients_help() + "\n\n" + exit_codes_help());
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
  localize_option_help(app);

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
  const HomeRun state_run{
      state.home, {{"--state-dir", state.state_dir}}, {}, static_cast<bool>(*rollback), {}};
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
