#pragma once

#include <optional>
#include <string_view>

namespace mailmig {

enum class ClientKind {
  Thunderbird,
  Outlook,
  OutlookExpress,
  WindowsMail,
  Becky,
  Sylpheed,
  ClawsMail,
  // Found but never edited: mailmig only tells their users the steps to take by hand.
  NewOutlook,
  Shuriken,
};

// The ids JSON and reports use: "thunderbird", "outlook", "outlook-express", "windows-mail",
// "becky", "sylpheed", "claws-mail", "new-outlook", "shuriken".
constexpr std::string_view client_id(ClientKind client) {
  switch (client) {
    case ClientKind::Thunderbird: return "thunderbird";
    case ClientKind::Outlook: return "outlook";
    case ClientKind::OutlookExpress: return "outlook-express";
    case ClientKind::WindowsMail: return "windows-mail";
    case ClientKind::Becky: return "becky";
    case ClientKind::Sylpheed: return "sylpheed";
    case ClientKind::ClawsMail: return "claws-mail";
    case ClientKind::NewOutlook: return "new-outlook";
    case ClientKind::Shuriken: return "shuriken";
  }
  return "unknown";
}

// The name a person knows the client by: "Thunderbird", "Claws Mail", "Becky!".
constexpr std::string_view client_display_name(ClientKind client) {
  switch (client) {
    case ClientKind::Thunderbird: return "Thunderbird";
    case ClientKind::Outlook: return "Outlook";
    case ClientKind::OutlookExpress: return "Outlook Express";
    case ClientKind::WindowsMail: return "Windows Mail";
    case ClientKind::Becky: return "Becky!";
    case ClientKind::Sylpheed: return "Sylpheed";
    case ClientKind::ClawsMail: return "Claws Mail";
    case ClientKind::NewOutlook: return "new Outlook for Windows";
    case ClientKind::Shuriken: return "Shuriken";
  }
  return "unknown";
}

}  // namespace mailmig
