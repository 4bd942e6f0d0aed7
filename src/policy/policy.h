// An organisation's migration policy (policy XML, namespace urn:mailmig:policy:1): which rules
// run, and which old hosts move to which new servers. Server targets use the element names of
// Mozilla's clientConfig (config-v1.1.xml), and a move may name such a file as its target.
#pragma once

#include <cstddef>
#include <functional>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "src/model/account.h"

namespace mailmig {

// Where a move sends one side of an account. Only the hostname is required: an element left
// out keeps the account's own value (a move to the same hostname with only a <port> changes
// only the port). A missing port follows the protocol's default when the account used the
// default of its old settings, and is kept otherwise.
struct ServerTarget {
  std::optional<Protocol> protocol;  // the `type` attribute; absent keeps the account's protocol
  std::string hostname;
  std::optional<int> port;
  std::optional<SocketType> socket_type;
  std::optional<AuthMethod> authentication;
  // May hold %EMAILADDRESS%, %EMAILLOCALPART% and %EMAILDOMAIN% (see expand_username).
  std::optional<std::string> username;
  std::size_t line = 0;  // where the server element starts, in its own file

  bool operator==(const ServerTarget&) const = default;
};

struct Move {
  std::string match;                   // lower case: "pop.example.ac.jp" or "*.example.ac.jp"
  std::string client_config;           // the clientConfig path as written; empty for an inline move
  std::vector<ServerTarget> incoming;  // candidates; see Policy::find_move
  std::vector<ServerTarget> outgoing;
  std::size_t line = 0;

  // Case-insensitive; "*.domain" matches every host below the domain, not the domain itself.
  bool matches(std::string_view hostname) const;

  bool operator==(const Move&) const = default;
};

// A move chosen for one side of an account.
struct MoveTarget {
  const Move* move = nullptr;
  const ServerTarget* server = nullptr;
  std::string matched_host;  // the account's host that the move's match fitted
};

// Whether a change that points an account at a server waits for that server to be checked
// (src/verify): Required leaves the account alone when the check fails, Advisory changes it
// with a warning, Off checks nothing.
enum class VerificationMode { Required, Advisory, Off };
std::string_view to_string(VerificationMode mode);  // "required", "advisory", "off"
std::optional<VerificationMode> parse_verification_mode(std::string_view text);

// <verification mode="..." ca-file="..."/>; the built-in default has no policy to name a CA.
struct Verification {
  VerificationMode mode = VerificationMode::Required;
  std::string ca_file;  // extra trusted authorities (PEM), relative paths resolved; "" for none

  bool operator==(const Verification&) const = default;
};

// A rule a policy may name in <rule id="..." enabled="..."/>, and whether it runs when the policy
// does not name it. The policy stands below the rules and knows none of them: its callers pass
// the built-in list (rules/rule_list.h, known_rules()).
struct KnownRule {
  std::string id;
  bool enabled_by_default = true;
};

struct Policy {
  std::string name;
  std::string path;  // as shown in messages; empty for the built-in default
  std::string hash;  // sha256 hex of the policy file's bytes (of "" for the built-in default)
  // Every known rule's id with whether it runs; an id not listed does not run.
  std::map<std::string, bool, std::less<>> rule_states;
  std::vector<Move> moves;
  // The organisation's servers, from <scope>: host patterns as a move's match, lower case.
  // nullopt only for the built-in default, which names no organisation: every host but a local
  // one is in its scope (it changes only what it verifies).
  std::optional<std::vector<std::string>> scope;
  Verification verification;

  bool rule_enabled(std::string_view id) const;

  // True when `hostname` is an organisation host (see is_organisation_host) the scope names.
  bool in_scope(std::string_view hostname) const;
  // True when the rules may change this side of the account: the account receives mail (POP3 or
  // IMAP, never news or a local mailbox) and that side's own host is in scope.
  bool governs(const Account& account, Side side) const;
  // True when the policy governs either side; an account it governs neither side of is left
  // alone and reported as not governed.
  bool governs(const Account& account) const;

  // The move for one side of the account: the first move (in file order) with a server for that
  // side whose match fits that side's own hostname. Failing that, the first clientConfig move
  // whose match fits the other side's hostname: a clientConfig describes a whole provider, so
  // moving the old POP host there moves the account's SMTP server too, while an inline move only
  // ever moves the hosts it matches (an account of a campus POP host that sends through its
  // ISP keeps the ISP). Among a move's incoming servers the first of the account's protocol
  // wins, else the first. Nothing for a side the account lacks. server-move asks only for a side
  // the policy governs, so a clientConfig never moves another provider's server.
  std::optional<MoveTarget> find_move(const Account& account, Side side) const;

  bool operator==(const Policy&) const = default;
};

// True when `pattern` ("host" or "*.domain") fits `hostname`, ignoring case.
bool host_matches(std::string_view pattern, std::string_view hostname);

// Fills the clientConfig placeholders of a username template from an e-mail address; nullopt
// when the template uses a placeholder and the address is not a usable local@domain.
std::optional<std::string> expand_username(std::string_view username_template,
                                           std::string_view address);
bool uses_placeholder(std::string_view username_template);

struct PolicyLoadResult {
  std::optional<Policy> policy;
  std::string error;  // "path:line: reason", or "path: reason" without a line

  explicit operator bool() const { return policy.has_value(); }
};

// Reads and parses a policy file; a clientConfig target is read relative to the file's folder.
// A <rule> must name one of `rules`; the ones it does not name keep their default.
PolicyLoadResult load_policy_file(const std::string& path, const std::vector<KnownRule>& rules);

// Parses policy bytes. `base_dir` resolves relative clientConfig paths; `display_path` names the
// file in errors (a clientConfig's errors name it beside display_path).
PolicyLoadResult parse_policy(std::string_view bytes, const std::string& base_dir,
                              const std::string& display_path, const std::vector<KnownRule>& rules);

// No moves, every one of `rules` at its default.
Policy builtin_default_policy(const std::vector<KnownRule>& rules);

}  // namespace mailmig
