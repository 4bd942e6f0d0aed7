// Something a person should know or do that mailmig does not change by itself.
#pragma once

#include <initializer_list>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace mailmig {

enum class Severity { Info, Warning, ActionRequired };
std::string_view to_string(Severity severity);  // "info", "warning", "action-required"

struct Finding {
  std::string rule;
  Severity severity = Severity::Info;
  // An English message template with {name} placeholders, marked with N_() where it is written
  // so xgettext collects it; the values fill the placeholders after translation.
  std::string message_template;
  std::vector<std::pair<std::string, std::string>> values;

  std::string message() const;            // English, for JSON, CSV and reports
  std::string localized_message() const;  // in the user's language, for text output

  bool operator==(const Finding&) const = default;
};

Finding make_finding(std::string rule, Severity severity, std::string message_template,
                     std::initializer_list<std::pair<std::string, std::string>> values = {});

// Replaces each {name} in text by its value; unknown placeholders stay as they are.
std::string fill_placeholders(std::string_view text,
                              const std::vector<std::pair<std::string, std::string>>& values);

}  // namespace mailmig
