// The machine-readable report of one run: one JSON document whose keys scripts depend on
// (schema "mailmig/1"; see docs/report-schema.md).
#pragma once

#include <nlohmann/json.hpp>
#include <string>

#include "src/model/run_result.h"

namespace mailmig {

inline constexpr std::string_view kJsonReportSchema = "mailmig/1";

// The report as a JSON value, keys in the documented order.
nlohmann::ordered_json run_to_json(const RunResult& run);

// The report as text: exactly one JSON document, indented by two spaces, UTF-8 (not escaped to
// \u sequences), ending with a newline. Invalid UTF-8 in the model is written as U+FFFD rather
// than throwing.
std::string write_json(const RunResult& run);

}  // namespace mailmig
