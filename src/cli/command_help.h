// `mailmig help [COMMAND...]`, and a usage error that suggests the nearest command when the
// first word of the command line names none ("mailmig aply": did you mean "apply"?).
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace CLI {
class App;
}

namespace mailmig {

// The command among `commands` that `typed` most likely misspells (edit distance, a swap of two
// neighbouring letters counting as one edit; at most 2 edits and fewer than half the command's
// letters), or empty when none is that close.
std::string nearest_command(std::string_view typed, const std::vector<std::string>& commands);

// When the first word of `arguments` (argv, without --lang) is "help", or a command word names
// no command of `app` ("aply", "report sumary"): prints the help, or the usage error with the
// nearest command, and returns the exit status. Nothing when the words name commands.
std::optional<int> answer_help_or_unknown_command(const CLI::App& app,
                                                  const std::vector<const char*>& arguments);

}  // namespace mailmig
