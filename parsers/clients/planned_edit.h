// One account's edit plan as a client's writer reads it: the account as it stands and as the
// plan wants it, which rule asked for each field, and the findings the writer adds, each naming
// the account. The writer only maps the changed fields onto its keys; what to change, and what
// never to change, the rules have decided.
#pragma once

#include <initializer_list>
#include <map>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "src/model/account.h"
#include "src/model/edit_plan.h"
#include "src/model/finding.h"
#include "src/model/parse_result.h"

namespace mailmig {

class PlannedEdit {
 public:
  // How a client's findings name the account, and its two messages about the plan's values:
  // every message has the account under `label_key` ("mailbox", "account").
  struct Wording {
    std::string label_key;
    const char* cannot_set;       // N_(): {field}, {value}
    const char* could_not_write;  // N_(): {key}, {error}
  };

  // `current` must have an outgoing server (the client's empty one when it has none), which the
  // plan may fill in.
  PlannedEdit(Account current, const EditPlan& plan, Wording wording);

  const Account& current() const { return current_; }
  const Account& wanted() const { return wanted_; }
  const ServerSettings& current_server(Side side) const;
  const ServerSettings& wanted_server(Side side) const;
  // Whether the plan asked for this field (it may end where it started).
  bool requested(Side side, FieldKind kind) const;
  // The rule that asked for the field, or the plan's first rule for a setting it implies.
  std::string rule_for(Side side, FieldKind kind) const;

  void add(const std::string& rule, Severity severity, const char* message,
           std::initializer_list<std::pair<std::string, std::string>> values);
  // Reports a wanted value no key of the client can hold. The engine plans within the client's
  // capabilities, so only a plan made without them (a fuzz target's) gets here.
  void cannot_store(Side side, FieldKind kind);
  // Whether the plan keeps the side's protocol; if not, reports it as not stored (a client that
  // keeps one account a file cannot switch POP3 and IMAP in place, and writes nothing of it).
  bool keeps_protocol(Side side);
  // Reports a key the document could not take.
  void check_written(const std::string& rule, std::string_view key, const ParseResult& result);

  std::vector<Finding> take_findings() { return std::move(findings_); }

 private:
  Account current_;
  Account wanted_;
  Wording wording_;
  std::string fallback_rule_;
  std::map<std::string, std::string> rules_;  // field name -> rule that asked for it
  std::vector<Finding> findings_;
};

}  // namespace mailmig
