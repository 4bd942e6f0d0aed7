#include "src/i18n/i18n.h"

#include <libintl.h>

#include <boost/filesystem.hpp>
#include <clocale>
#include <cstdlib>

namespace mailmig {
namespace {

Language g_language = Language::English;

std::string language_from_environment() {
  for (const char* name : {"LC_ALL", "LC_MESSAGES", "LANG"}) {
    const char* value = std::getenv(name);
    if (value && *value) return value;
  }
  return {};
}

std::string find_catalogue_dir(std::string_view executable_path) {
  namespace fs = boost::filesystem;
  boost::system::error_code ignored;
  std::vector<fs::path> candidates;
  if (!executable_path.empty()) {
    const fs::path exe_dir = fs::absolute(fs::path(std::string(executable_path))).parent_path();
    candidates.push_back(exe_dir / "locale");                      // build tree
    candidates.push_back(exe_dir.parent_path() / "share/locale");  // installed prefix
  }
  candidates.emplace_back(MAILMIG_LOCALEDIR);
  for (const auto& dir : candidates) {
    if (fs::exists(dir / "ja/LC_MESSAGES/mailmig.mo", ignored)) return dir.string();
  }
  return MAILMIG_LOCALEDIR;
}

}  // namespace

const char* translate(const char* english) {
  if (g_language == Language::English || english == nullptr || *english == '\0') return english;
  return dgettext("mailmig", english);
}

void init_language(std::string_view requested, std::string_view executable_path) {
  const std::string chosen =
      requested.empty() ? language_from_environment() : std::string(requested);
  g_language = chosen.starts_with("ja") ? Language::Japanese : Language::English;
  std::setlocale(LC_ALL, "");
  if (g_language == Language::Japanese) {
    // gettext translates nothing under the C locale, and ja_JP.UTF-8 is often not generated:
    // C.UTF-8 with LANGUAGE=ja selects the catalogue all the same.
    if (!std::setlocale(LC_MESSAGES, "ja_JP.UTF-8")) std::setlocale(LC_MESSAGES, "C.UTF-8");
    setenv("LANGUAGE", "ja", 1);
  }
  bindtextdomain("mailmig", find_catalogue_dir(executable_path).c_str());
  bind_textdomain_codeset("mailmig", "UTF-8");
}

Language current_language() { return g_language; }

}  // namespace mailmig
