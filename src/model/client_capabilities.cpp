#include "src/model/client_capabilities.h"

#include <string>
#include <utility>

#include "src/i18n/i18n.h"

namespace mailmig {
namespace {

const char* const kGenericRefusal =
    N_("{client} cannot store {field} = {value} for the account {account}; set it by hand in "
       "{client}.");

// Keeps only the placeholders the wording names, so a finding carries no unused value.
Finding refusal(std::string rule, const char* wording,
                std::vector<std::pair<std::string, std::string>> values) {
  Finding finding{std::move(rule), Severity::ActionRequired, wording, {}};
  for (auto& value : values) {
    if (finding.message_template.find("{" + value.first + "}") != std::string::npos) {
      finding.values.push_back(std::move(value));
    }
  }
  return finding;
}

std::string label(const Account& account) {
  return account.name.empty() ? account.id : account.name;
}

// The refusals of one plan: what the user is told, and the fields set back.
class Refusals {
 public:
  Refusals(const ClientCapabilities& capabilities, const Account& before, EditPlan& plan)
      : capabilities_(capabilities), before_(before), plan_(plan) {}

  const Account& after() const { return plan_.after; }
  const RefusalWordings& wordings() const { return capabilities_.wordings; }

  std::string rule_of(FieldRef field) const {
    const std::string name = field_name(field);
    for (const Change& change : plan_.changes) {
      if (change.field == name) return change.rule;
    }
    return {};
  }
  bool changed(FieldRef field) const {
    return read_field(before_, field) != read_field(plan_.after, field);
  }

  // Tells the user to set `field` by hand, in the wording given (or the client's general one).
  void refuse(FieldRef field, const char* wording, std::string rule = {}) {
    const Account& after = plan_.after;
    const bool incoming = field.side == Side::Incoming;
    const ServerSettings* server =
        incoming ? &after.incoming : (after.outgoing ? &*after.outgoing : nullptr);
    const Protocol protocol = before_.incoming.protocol;
    std::vector<std::pair<std::string, std::string>> values{
        {"client", std::string(capabilities_.client_name)},
        {"account", label(before_)},
        {"mailbox", label(before_)},
        {"field", field_name(field)},
        {"value", read_field(after, field).value_or("")},
        {"from", read_field(before_, field).value_or("none")},
        {"to", read_field(after, field).value_or("none")},
        {"protocol", protocol == Protocol::Imap ? "IMAP4" : "POP3"},
        {"prefix", protocol == Protocol::Imap ? "IMAP" : "POP3"},
        {"side", incoming ? "incoming" : "outgoing"},
    };
    if (server) {
      values.insert(values.end(),
                    {{"host", server->hostname},
                     {"port", std::to_string(server->port)},
                     {"ssl_port", std::to_string(default_port(server->protocol, SocketType::Ssl))},
                     {"socket", std::string(to_string(server->socket_type))},
                     {"auth", std::string(to_string(server->authentication))},
                     {"method", std::string(to_string(server->authentication))},
                     {"user", server->username}});
    }
    plan_.findings.push_back(refusal(rule.empty() ? rule_of(field) : std::move(rule),
                                     wording ? wording : general_wording(), std::move(values)));
  }

  const char* general_wording() const {
    return capabilities_.wordings.other ? capabilities_.wordings.other : kGenericRefusal;
  }

  // Sets the field back to its value before the plan.
  void keep(FieldRef field) {
    if (const auto value = read_field(before_, field)) write_field(plan_.after, field, *value);
  }

 private:
  const ClientCapabilities& capabilities_;
  const Account& before_;
  EditPlan& plan_;
};

bool in_place_switch(const ClientCapabilities& capabilities, Protocol from, Protocol to) {
  const auto pop_or_imap = [](Protocol p) { return p == Protocol::Pop3 || p == Protocol::Imap; };
  return capabilities.switches_protocol_in_place && pop_or_imap(from) && pop_or_imap(to);
}

// SSL on the protocol's SSL port, STARTTLS on any other (one "secure connection" flag).
bool tls_fits_port(const ServerSettings& server) {
  if (server.socket_type == SocketType::Plain) return true;
  const bool standard_ssl_port = server.port == default_port(server.protocol, SocketType::Ssl);
  return (server.socket_type == SocketType::Ssl) == standard_ssl_port;
}

void keep_connection_within(Refusals& refusals, Side side, const ServerCapabilities& server) {
  const RefusalWordings& wordings = refusals.wordings();
  const Account& after = refusals.after();
  const ServerSettings& wanted = side == Side::Incoming ? after.incoming : *after.outgoing;
  const bool incoming = side == Side::Incoming;
  const FieldRef socket{side, FieldKind::SocketType};
  const FieldRef port{side, FieldKind::Port};
  const FieldRef auth{side, FieldKind::Authentication};
  bool refused = false;
  if (refusals.changed(socket) && !server.stores(wanted.socket_type)) {
    const char* wording = wanted.socket_type == SocketType::StartTls
                              ? (incoming ? wordings.incoming_starttls : wordings.outgoing_starttls)
                              : nullptr;
    if (!wording)
      wording = incoming ? wordings.incoming_socket_type : wordings.outgoing_socket_type;
    refusals.refuse(socket, wording);
    refused = true;
  } else if (server.tls_kind_follows_port && (refusals.changed(socket) || refusals.changed(port)) &&
             !tls_fits_port(wanted)) {
    const FieldRef asked = refusals.changed(socket) ? socket : port;
    const char* wording = incoming ? wordings.incoming_socket_type : wordings.outgoing_tls_for_port;
    if (!incoming && wanted.socket_type == SocketType::StartTls && wordings.outgoing_starttls) {
      wording = wordings.outgoing_starttls;  // STARTTLS on the SSL port
    }
    refusals.refuse(asked, wording);
    refusals.keep(socket);  // without one step, the port alone is stored
    refused = true;
  }
  // One step: one thing for the user to do. Otherwise each field the client cannot store.
  if (refusals.changed(auth) && !server.stores(wanted.authentication) &&
      !(refused && server.connection_is_one_step)) {
    refusals.refuse(auth,
                    incoming ? wordings.incoming_authentication : wordings.outgoing_authentication);
    refused = true;
  }
  if (!refused) return;
  if (server.connection_is_one_step) {
    refusals.keep(port);
    refusals.keep(socket);
    refusals.keep(auth);
  } else {
    if (!server.stores(wanted.socket_type)) refusals.keep(socket);
    if (!server.stores(wanted.authentication)) refusals.keep(auth);
  }
}

}  // namespace

void keep_within(const ClientCapabilities& capabilities, const Account& before, EditPlan& plan) {
  if (plan.changes.empty()) return;
  Refusals refusals(capabilities, before, plan);
  const RefusalWordings& wordings = capabilities.wordings;
  Account& after = plan.after;

  const FieldRef protocol{Side::Incoming, FieldKind::Protocol};
  if (refusals.changed(protocol) &&
      !in_place_switch(capabilities, before.incoming.protocol, after.incoming.protocol)) {
    refusals.refuse(protocol, wordings.protocol_switch);
    refusals.keep(protocol);
  }
  const FieldRef host{Side::Incoming, FieldKind::Hostname};
  const FieldRef user{Side::Incoming, FieldKind::Username};
  if (!capabilities.renames_incoming_server && (refusals.changed(host) || refusals.changed(user))) {
    refusals.refuse(refusals.changed(host) ? host : user, wordings.rename);
    refusals.keep(host);
    refusals.keep(user);
  }
  keep_connection_within(refusals, Side::Incoming, capabilities.incoming(after.incoming.protocol));

  if (after.outgoing && !before.outgoing && !capabilities.adds_outgoing_server) {
    for (const FieldKind kind : {FieldKind::Hostname, FieldKind::Port, FieldKind::SocketType,
                                 FieldKind::Authentication, FieldKind::Username}) {
      const FieldRef field{Side::Outgoing, kind};
      if (!refusals.rule_of(field).empty()) refusals.refuse(field, wordings.no_outgoing_server);
    }
    after.outgoing.reset();
  }
  if (after.outgoing && before.outgoing) {
    keep_connection_within(refusals, Side::Outgoing, capabilities.smtp);
    const FieldRef out_user{Side::Outgoing, FieldKind::Username};
    if (!capabilities.stores_outgoing_username && refusals.changed(out_user) &&
        after.outgoing->username != after.incoming.username) {
      refusals.refuse(out_user, wordings.outgoing_username);
      refusals.keep(out_user);
    }
  }

  std::erase_if(plan.changes, [&](const Change& change) {
    const auto field = parse_field_name(change.field);
    return !field || read_field(after, *field) != change.to;
  });
}

EditPlan plan_of_changes(const ClientCapabilities& capabilities, const Account& before,
                         std::vector<Change> changes) {
  EditPlan plan{before.id, before, {}, {}};
  const RefusalWordings& wordings = capabilities.wordings;
  std::vector<Change> for_the_writer;  // malformed, with no wording of the client's for them
  for (Change& change : changes) {
    const auto field = parse_field_name(change.field);
    Account wanted = plan.after;
    if (field && write_field(wanted, *field, change.to)) {
      plan.after = std::move(wanted);
      std::erase_if(plan.changes,
                    [&](const Change& planned) { return planned.field == change.field; });
      plan.changes.push_back(std::move(change));
      continue;
    }
    if (!wordings.invalid_value) {
      for_the_writer.push_back(std::move(change));
    } else if (!field) {
      plan.findings.push_back(make_finding(change.rule, Severity::Warning,
                                           N_("Unknown field {field}; nothing was changed for it."),
                                           {{"field", change.field}}));
    } else {
      Finding finding = refusal(change.rule, wordings.invalid_value,
                                {{"client", std::string(capabilities.client_name)},
                                 {"account", label(before)},
                                 {"field", change.field},
                                 {"value", change.to}});
      finding.severity = wordings.invalid_value_severity;
      plan.findings.push_back(std::move(finding));
    }
  }
  keep_within(capabilities, before, plan);
  for (Change& change : for_the_writer) plan.changes.push_back(std::move(change));
  return plan;
}

}  // namespace mailmig
