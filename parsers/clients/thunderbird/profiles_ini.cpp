#include "parsers/clients/thunderbird/profiles_ini.h"

#include <boost/filesystem.hpp>
#include <map>
#include <string_view>

#include "src/io/read_file.h"

namespace mailmig {
namespace {

using Section = std::map<std::string, std::string, std::less<>>;

std::string_view trim(std::string_view text) {
  const auto first = text.find_first_not_of(" \t");
  if (first == std::string_view::npos) return {};
  const auto last = text.find_last_not_of(" \t");
  return text.substr(first, last - first + 1);
}

// Sections by name; a later duplicate key wins. Lines end in LF, CRLF or CR.
std::map<std::string, Section, std::less<>> read_ini(std::string_view text) {
  std::map<std::string, Section, std::less<>> sections;
  Section* current = nullptr;
  std::size_t pos = 0;
  while (pos < text.size()) {
    std::size_t end = text.find_first_of("\r\n", pos);
    if (end == std::string_view::npos) end = text.size();
    const std::string_view line = trim(text.substr(pos, end - pos));
    pos = end + 1;
    if (line.empty() || line.front() == ';' || line.front() == '#') continue;
    if (line.front() == '[') {
      const auto close = line.find(']');
      current = close == std::string_view::npos ? nullptr
                                                : &sections[std::string(line.substr(1, close - 1))];
      continue;
    }
    const auto equals = line.find('=');
    if (current && equals != std::string_view::npos) {
      (*current)[std::string(trim(line.substr(0, equals)))] =
          std::string(trim(line.substr(equals + 1)));
    }
  }
  return sections;
}

}  // namespace

std::vector<std::string> find_thunderbird_profiles(const std::string& root_dir) {
  namespace fs = boost::filesystem;
  std::vector<std::string> folders;
  const fs::path root = fs::absolute(fs::path(root_dir));
  // generic_string: Boost joins with '\\' on Windows; mailmig's paths use '/' everywhere.
  const ReadResult ini = read_file((root / "profiles.ini").generic_string());
  if (!ini) return folders;
  const auto sections = read_ini(ini.bytes);
  for (int index = 0;; ++index) {
    const auto section = sections.find("Profile" + std::to_string(index));
    if (section == sections.end()) break;
    const Section& keys = section->second;
    const auto name = keys.find("Name");
    const auto path = keys.find("Path");
    if (name == keys.end() || path == keys.end() || path->second.empty()) continue;
    const auto relative = keys.find("IsRelative");
    if (relative != keys.end() && relative->second == "1") {
      folders.push_back((root / fs::path(path->second)).lexically_normal().generic_string());
    } else {
      folders.push_back(path->second);
    }
  }
  return folders;
}

}  // namespace mailmig
