// Translations on Windows: no libintl, the compiled catalogue (.mo) is read directly; the
// language comes from --lang, then LC_ALL/LC_MESSAGES/LANG, then the user's Windows UI language.
#include <windows.h>

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <string>

#include "src/encoding/wide_text.h"
#include "src/i18n/i18n.h"
#include "src/i18n/mo_catalogue.h"

namespace mailmig {
namespace {

Language g_language = Language::English;
MoCatalogue g_catalogue;

std::string language_from_environment() {
  for (const char* name : {"LC_ALL", "LC_MESSAGES", "LANG"}) {
    const char* value = std::getenv(name);
    if (value && *value) return value;
  }
  return PRIMARYLANGID(GetUserDefaultUILanguage()) == LANG_JAPANESE ? "ja" : "en";
}

// The folder of the running program, from Windows (argv[0] may be a bare name).
std::string executable_folder() {
  std::wstring path(MAX_PATH, L'\0');
  while (true) {
    const DWORD length = GetModuleFileNameW(nullptr, path.data(), static_cast<DWORD>(path.size()));
    if (length == 0) return {};
    if (length < path.size()) {
      path.resize(length);
      break;
    }
    path.resize(path.size() * 2);
  }
  return narrow(path.substr(0, path.find_last_of(L"\\/")));
}

// The Japanese catalogue beside the executable (the build tree and the zip) or in the install
// prefix's share/locale.
MoCatalogue load_japanese_catalogue() {
  const std::string folder = executable_folder();
  const std::string relative = "/ja/LC_MESSAGES/mailmig.mo";
  for (const std::string& candidate :
       {folder + "/locale" + relative, folder + "/../share/locale" + relative}) {
    // Read here, not through src/io, which stands on the translations (the floor is one-way).
    std::ifstream file(std::filesystem::path(widen(candidate)), std::ios::binary);
    if (!file) continue;
    const std::string bytes{std::istreambuf_iterator<char>(file), std::istreambuf_iterator<char>()};
    if (!file.bad()) return parse_mo_catalogue(bytes);
  }
  return MoCatalogue{{}, "no Japanese catalogue beside " + folder};
}

}  // namespace

const char* translate(const char* english) {
  if (g_language == Language::English || english == nullptr || *english == '\0') return english;
  const auto found = g_catalogue.translations.find(english);
  return found == g_catalogue.translations.end() ? english : found->second.c_str();
}

void init_language(std::string_view requested, std::string_view /*executable_path*/) {
  const std::string chosen =
      requested.empty() ? language_from_environment() : std::string(requested);
  g_language = chosen.starts_with("ja") ? Language::Japanese : Language::English;
  if (g_language == Language::Japanese && g_catalogue.translations.empty()) {
    g_catalogue = load_japanese_catalogue();
  }
}

Language current_language() { return g_language; }

}  // namespace mailmig
