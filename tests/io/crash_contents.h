// The contents the kill -9 test and its driver agree on: file j of generation k.
#pragma once

#include <cstdio>
#include <optional>
#include <string>

namespace mailmig::testing {

inline constexpr int kCrashTestFiles = 4;

inline std::string crash_file_name(int file) { return "file" + std::to_string(file) + ".cfg"; }

// Distinct for every (file, generation), of varying length so that writes span pages.
inline std::string crash_content(int file, long generation) {
  std::string text =
      "file=" + std::to_string(file) + " generation=" + std::to_string(generation) + "\n";
  text.append(static_cast<std::size_t>((generation * 37 + file * 11) % 6000),
              static_cast<char>('a' + file));
  return text;
}

// The generation `bytes` holds when they are exactly crash_content(file, generation).
inline std::optional<long> crash_generation(int file, const std::string& bytes) {
  int parsed_file = -1;
  long generation = -1;
  if (std::sscanf(bytes.c_str(), "file=%d generation=%ld", &parsed_file, &generation) != 2) {
    return std::nullopt;
  }
  if (parsed_file != file || bytes != crash_content(file, generation)) return std::nullopt;
  return generation;
}

}  // namespace mailmig::testing
