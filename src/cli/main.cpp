#include "src/cli/commands.h"

#ifdef _WIN32
#include <windows.h>
// clang-format off: shellapi.h needs the types windows.h defines first
#include <shellapi.h>
// clang-format on

#include <boost/filesystem/detail/utf8_codecvt_facet.hpp>
#include <boost/filesystem/path.hpp>
#include <locale>
#include <string>
#include <vector>

#include "src/cli/console.h"
#include "src/encoding/wide_text.h"

// main's argv is in the ANSI code page, which cannot hold every name (a Japanese user's folder
// on an English Windows): the arguments are taken wide from Windows and made UTF-8. Boost
// reads a narrow path in the ANSI code page too: it is told that mailmig's are UTF-8.
int main() {
  boost::filesystem::path::imbue(
      std::locale(std::locale(), new boost::filesystem::detail::utf8_codecvt_facet));
  int argc = 0;
  wchar_t** wide = CommandLineToArgvW(GetCommandLineW(), &argc);
  std::vector<std::string> arguments;
  for (int i = 0; wide != nullptr && i < argc; ++i) arguments.push_back(mailmig::narrow(wide[i]));
  LocalFree(wide);
  if (arguments.empty()) arguments.emplace_back("mailmig");
  std::vector<char*> argv;
  for (std::string& argument : arguments) argv.push_back(argument.data());
  argv.push_back(nullptr);
  const mailmig::Utf8Console console;
  return mailmig::run_cli(static_cast<int>(arguments.size()), argv.data());
}
#else
int main(int argc, char** argv) { return mailmig::run_cli(argc, argv); }
#endif
