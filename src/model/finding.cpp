#include "src/model/finding.h"

#include "src/i18n/i18n.h"

namespace mailmig {

std::string_view to_string(Severity severity) {
  switch (severity) {
    case Severity::Info:
      return "info";
    case Severity::Warning:
      return "warning";
    case Severity::ActionRequired:
      return "action-required";
  }
  return "info";
}

std::string fill_placeholders(std::string_view text,
                              const std::vector<std::pair<std::string, std::string>>& values) {
  std::string out;
  out.reserve(text.size());
  std::size_t pos = 0;
  while (pos < text.size()) {
    const std::size_t open = text.find('{', pos);
    if (open == std::string_view::npos) break;
    const std::size_t close = text.find('}', open);
    if (close == std::string_view::npos) break;
    out.append(text.substr(pos, open - pos));
    const std::string_view name = text.substr(open + 1, close - open - 1);
    bool replaced = false;
    for (const auto& [key, value] : values) {
      if (key == name) {
        out += value;
        replaced = true;
        break;
      }
    }
    if (!replaced) out.append(text.substr(open, close - open + 1));
    pos = close + 1;
  }
  out.append(text.substr(pos));
  return out;
}

std::string Finding::message() const { return fill_placeholders(message_template, values); }

std::string Finding::localized_message() const {
  return fill_placeholders(translate(message_template.c_str()), values);
}

Finding make_finding(std::string rule, Severity severity, std::string message_template,
                     std::initializer_list<std::pair<std::string, std::string>> values) {
  return Finding{std::move(rule), severity, std::move(message_template),
                 std::vector<std::pair<std::string, std::string>>(values)};
}

}  // namespace mailmig
