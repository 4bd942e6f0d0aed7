#pragma once

#include <string_view>

namespace mailmig {

// Which mail program a profile belongs to: the id JSON, CSV and reports use ("claws-mail") and
// the name a person knows it by ("Claws Mail"). Each client defines its own in its folder
// (parsers/clients/<client>/<client>_client.h) and puts it in its descriptor; the floor lists
// none of them.
struct ClientKind {
  std::string_view id;
  std::string_view display_name;

  constexpr bool operator==(const ClientKind& other) const { return id == other.id; }
};

constexpr std::string_view client_id(ClientKind client) { return client.id; }
constexpr std::string_view client_display_name(ClientKind client) { return client.display_name; }

}  // namespace mailmig
