#include "src/io/running_client.h"

#include "src/i18n/i18n.h"
#include "src/model/finding.h"

namespace mailmig {

std::string RunningClientCheck::message() const {
  return fill_placeholders(message_template, {{"client", client}, {"evidence", evidence}});
}

std::string RunningClientCheck::localized_message() const {
  if (message_template.empty()) return {};
  return fill_placeholders(translate(message_template.c_str()),
                           {{"client", client}, {"evidence", evidence}});
}

RunningClientCheck running_client_check(std::string_view client, std::string evidence) {
  RunningClientCheck check;
  check.client = std::string(client);
  check.evidence = std::move(evidence);
  check.running = !check.evidence.empty();
  if (check.running) {
    check.message_template =
        N_("{client} is running ({evidence}). Close {client} and run mailmig again.");
  }
  return check;
}

}  // namespace mailmig
