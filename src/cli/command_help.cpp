#include "src/cli/command_help.h"

#include <CLI/CLI.hpp>
#include <algorithm>
#include <iostream>
#include <iterator>

#include "src/cli/exit_status.h"
#include "src/i18n/i18n.h"
#include "src/model/finding.h"
#include "src/util/text_sanitize.h"

namespace mailmig {
namespace {

// Edit distance where inserting, deleting or replacing a letter, or swapping two neighbouring
// letters ("plna"), is one edit (optimal string alignment).
std::size_t edit_distance(std::string_view from, std::string_view to) {
  std::vector<std::vector<std::size_t>> distance(from.size() + 1,
                                                 std::vector<std::size_t>(to.size() + 1));
  for (std::size_t i = 0; i <= from.size(); ++i) distance[i][0] = i;
  for (std::size_t j = 0; j <= to.size(); ++j) distance[0][j] = j;
  for (std::size_t i = 1; i <= from.size(); ++i) {
    for (std::size_t j = 1; j <= to.size(); ++j) {
      const std::size_t replace = from[i - 1] == to[j - 1] ? 0 : 1;
      distance[i][j] = std::min(
          {distance[i - 1][j] + 1, distance[i][j - 1] + 1, distance[i - 1][j - 1] + replace});
      if (i > 1 && j > 1 && from[i - 1] == to[j - 2] && from[i - 2] == to[j - 1]) {
        distance[i][j] = std::min(distance[i][j], distance[i - 2][j - 2] + 1);
      }
    }
  }
  return distance[from.size()][to.size()];
}

std::vector<std::string> command_names(const CLI::App& app) {
  std::vector<std::string> names;
  for (const CLI::App* command : app.get_subcommands([](const CLI::App*) { return true; })) {
    names.push_back(command->get_name());
  }
  return names;
}

const CLI::App* find_command(const CLI::App& app, const std::string& name) {
  for (const CLI::App* command : app.get_subcommands([](const CLI::App*) { return true; })) {
    if (command->get_name() == name) return command;
  }
  return nullptr;
}

// "mailmig: unknown command "aply". Did you mean "apply"?" and where the list is; exit 2.
int unknown_command(const std::string& typed, const CLI::App& parent, const std::string& path) {
  const std::string command = printable(path.empty() ? typed : path + " " + typed);
  const std::string suggestion = nearest_command(typed, command_names(parent));
  std::string message;
  if (suggestion.empty()) {
    message =
        fill_placeholders(translate(N_("unknown command \"{command}\".")), {{"command", command}});
  } else {
    message = fill_placeholders(
        translate(N_("unknown command \"{command}\". Did you mean \"{suggestion}\"?")),
        {{"command", command},
         {"suggestion", path.empty() ? suggestion : path + " " + suggestion}});
  }
  const std::string help = path.empty() ? "mailmig help" : "mailmig help " + path;
  std::cerr << "mailmig: " << message << "\n"
            << fill_placeholders(translate(N_("\"{help}\" lists the commands.")), {{"help", help}})
            << "\n";
  return kExitUsage;
}

// Prints the help of `app`, or of its command named by `topic` ({"report", "summary"}).
int print_help(const CLI::App& app, const std::vector<std::string>& topic) {
  const CLI::App* command = &app;
  std::string path;
  for (const std::string& name : topic) {
    const CLI::App* inner = find_command(*command, name);
    if (inner == nullptr) return unknown_command(name, *command, path);
    path += (path.empty() ? "" : " ") + name;
    command = inner;
  }
  // The formatter names the command by its whole path ("mailmig report summary").
  std::cout << command->get_formatter()->make_help(
      command, path.empty() ? app.get_name() : app.get_name() + " " + path,
      CLI::AppFormatMode::Normal);
  return kExitOk;
}

}  // namespace

std::string nearest_command(std::string_view typed, const std::vector<std::string>& commands) {
  std::string nearest;
  std::size_t nearest_distance = 3;  // more than 2 edits is no typo
  for (const std::string& command : commands) {
    const std::size_t distance = edit_distance(typed, command);
    if (distance < nearest_distance && distance * 2 < command.size()) {
      nearest = command;
      nearest_distance = distance;
    }
  }
  return nearest;
}

std::optional<int> answer_help_or_unknown_command(const CLI::App& app,
                                                  const std::vector<const char*>& arguments) {
  // Before each command word only -h, --help and --version may stand (--lang is taken out
  // before): any other option there is the parser's to refuse.
  const auto is_help_or_version = [](std::string_view argument) {
    return argument == "-h" || argument == "--help" || argument == "--version";
  };
  const CLI::App* command = &app;
  std::string path;
  auto next = arguments.begin() + 1;
  // Down the command words while the command has commands of its own ("report summary").
  while (!command_names(*command).empty()) {
    next = std::find_if_not(next, arguments.end(), is_help_or_version);
    if (next == arguments.end() || **next == '-') return std::nullopt;
    const CLI::App* inner = find_command(*command, *next);
    if (inner == nullptr) return unknown_command(*next, *command, path);
    // Answered here, not by the parser, which would take "plan" in "help plan" for the plan
    // command and run it.
    if (command == &app && std::string_view(*next) == "help") {
      std::vector<std::string> topic;
      std::copy_if(next + 1, arguments.end(), std::back_inserter(topic),
                   [](const char* argument) { return *argument != '-'; });
      return print_help(app, topic);
    }
    path += (path.empty() ? "" : " ") + std::string(*next);
    command = inner;
    ++next;
  }
  return std::nullopt;
}

}  // namespace mailmig
