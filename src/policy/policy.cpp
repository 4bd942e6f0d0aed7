#include "src/policy/policy.h"

#include <algorithm>
#include <array>
#include <boost/filesystem/operations.hpp>
#include <boost/filesystem/path.hpp>
#include <charconv>
#include <pugixml.hpp>
#include <utility>

#include "src/io/read_file.h"
#include "src/policy/scope.h"
#include "src/util/digest.h"

namespace mailmig {
namespace {

constexpr std::string_view kPolicyNamespace = "urn:mailmig:policy:1";
constexpr std::array<std::string_view, 3> kPlaceholders{"%EMAILADDRESS%", "%EMAILLOCALPART%",
                                                        "%EMAILDOMAIN%"};

char lower_ascii(char c) { return c >= 'A' && c <= 'Z' ? static_cast<char>(c - 'A' + 'a') : c; }

std::string lower(std::string_view text) {
  std::string out(text);
  std::transform(out.begin(), out.end(), out.begin(), lower_ascii);
  return out;
}

bool equal_ignoring_case(std::string_view a, std::string_view b) {
  return a.size() == b.size() && std::equal(a.begin(), a.end(), b.begin(), [](char x, char y) {
           return lower_ascii(x) == lower_ascii(y);
         });
}

std::string_view trim(std::string_view text) {
  constexpr std::string_view kSpace = " \t\r\n";
  const std::size_t first = text.find_first_not_of(kSpace);
  if (first == std::string_view::npos) return {};
  return text.substr(first, text.find_last_not_of(kSpace) - first + 1);
}

// Host names as mail clients accept them: DNS labels, or an IPv4/IPv6 address.
bool valid_hostname(std::string_view host) {
  if (host.empty() || host.size() > 253 || host.front() == '.' || host.front() == '-' ||
      host.find("..") != std::string_view::npos) {
    return false;
  }
  return std::all_of(host.begin(), host.end(), [](char c) {
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '-' ||
           c == '.' || c == '_' || c == ':';
  });
}

bool valid_match(std::string_view match) {
  if (match.starts_with("*.")) match.remove_prefix(2);
  return valid_hostname(match);
}

// The first %WORD% in a username template that is not a clientConfig placeholder.
std::optional<std::string> unknown_placeholder(std::string_view text) {
  std::size_t pos = 0;
  while ((pos = text.find('%', pos)) != std::string_view::npos) {
    const std::size_t close = text.find('%', pos + 1);
    if (close == std::string_view::npos) return std::nullopt;
    const std::string_view token = text.substr(pos, close - pos + 1);
    const bool is_word =
        token.size() > 2 && std::all_of(token.begin() + 1, token.end() - 1,
                                        [](char c) { return (c >= 'A' && c <= 'Z') || c == '_'; });
    if (!is_word) {
      pos = close;
      continue;
    }
    if (std::find(kPlaceholders.begin(), kPlaceholders.end(), token) == kPlaceholders.end()) {
      return std::string(token);
    }
    pos = close + 1;
  }
  return std::nullopt;
}

std::size_t line_at(std::string_view bytes, std::ptrdiff_t offset) {
  const std::size_t end = std::min<std::size_t>(offset < 0 ? 0 : offset, bytes.size());
  std::size_t line = 1;
  for (std::size_t i = 0; i < end; ++i) {
    // "\r\n", "\n" and a lone "\r" each end a line.
    if (bytes[i] == '\n' || (bytes[i] == '\r' && (i + 1 >= bytes.size() || bytes[i + 1] != '\n'))) {
      ++line;
    }
  }
  return line;
}

std::string known_rule_ids(const std::vector<KnownRule>& rules) {
  std::string list;
  for (const KnownRule& rule : rules) {
    if (!list.empty()) list += ", ";
    list += rule.id;
  }
  return list;
}

std::map<std::string, bool, std::less<>> default_rule_states(const std::vector<KnownRule>& rules) {
  std::map<std::string, bool, std::less<>> states;
  for (const KnownRule& rule : rules) states.emplace(rule.id, rule.enabled_by_default);
  return states;
}

std::string quoted(std::string_view text) { return "'" + std::string(text) + "'"; }

// One XML file (the policy or a clientConfig) with its name for messages; the first error wins.
class XmlSource {
 public:
  XmlSource(std::string_view bytes, std::string display_path)
      : bytes_(bytes), display_path_(std::move(display_path)) {}

  bool load(pugi::xml_document& document) {
    const pugi::xml_parse_result result = document.load_buffer(
        bytes_.data(), bytes_.size(), pugi::parse_default, pugi::encoding_utf8);
    if (result) return true;
    error_ = display_path_ + ":" + std::to_string(line_at(bytes_, result.offset)) +
             ": not well-formed XML: " + result.description();
    return false;
  }

  bool fail(const pugi::xml_node& node, const std::string& reason) {
    return fail_at(line_of(node), reason);
  }

  bool fail_at(std::size_t line, const std::string& reason) {
    if (error_.empty()) error_ = display_path_ + ":" + std::to_string(line) + ": " + reason;
    return false;
  }

  std::size_t line_of(const pugi::xml_node& node) const {
    return line_at(bytes_, node.offset_debug());
  }

  const std::string& error() const { return error_; }

 private:
  std::string_view bytes_;
  std::string display_path_;
  std::string error_;
};

// The text of a leaf element such as <port>; fails on child elements.
std::optional<std::string> leaf_text(XmlSource& source, const pugi::xml_node& element) {
  std::string text;
  for (const pugi::xml_node& child : element.children()) {
    if (child.type() == pugi::node_pcdata || child.type() == pugi::node_cdata) {
      text += child.value();
    } else if (child.type() == pugi::node_element) {
      source.fail(child, "unexpected element <" + std::string(child.name()) + "> inside <" +
                             element.name() + ">");
      return std::nullopt;
    }
  }
  return std::string(trim(text));
}

pugi::xml_node first_element(const pugi::xml_node& element) {
  for (const pugi::xml_node& child : element.children()) {
    if (child.type() == pugi::node_element) return child;
  }
  return {};
}

bool reject_text_children(XmlSource& source, const pugi::xml_node& element) {
  for (const pugi::xml_node& child : element.children()) {
    const std::string_view text = child.value();
    if ((child.type() == pugi::node_pcdata || child.type() == pugi::node_cdata) &&
        !trim(text).empty()) {
      // Point at the text itself, not at the line break that starts the node.
      const std::string_view leading = text.substr(0, text.find_first_not_of(" \t\r\n"));
      const auto breaks =
          static_cast<std::size_t>(std::count(leading.begin(), leading.end(), '\n'));
      return source.fail_at(source.line_of(child) + breaks,
                            "unexpected text inside <" + std::string(element.name()) + ">");
    }
  }
  return true;
}

bool reject_unknown_attributes(XmlSource& source, const pugi::xml_node& element,
                               std::initializer_list<std::string_view> known) {
  for (const pugi::xml_attribute& attribute : element.attributes()) {
    if (std::find(known.begin(), known.end(), std::string_view(attribute.name())) == known.end()) {
      return source.fail(element, "unknown attribute " + std::string(attribute.name()) + " on <" +
                                      element.name() + ">");
    }
  }
  return true;
}

// An element that holds only attributes (<rule/>, <host/>, <verification/>): no attribute but
// `known`, no text and no child element.
bool check_attributes_only(XmlSource& source, const pugi::xml_node& element,
                           std::initializer_list<std::string_view> known) {
  if (!reject_unknown_attributes(source, element, known) ||
      !reject_text_children(source, element)) {
    return false;
  }
  if (const pugi::xml_node child = first_element(element)) {
    return source.fail(child, "unexpected element <" + std::string(child.name()) + "> inside <" +
                                  element.name() + ">");
  }
  return true;
}

std::optional<int> parse_port(std::string_view text) {
  int port = 0;
  const auto [end, error] = std::from_chars(text.data(), text.data() + text.size(), port);
  if (error != std::errc() || end != text.data() + text.size() || port < 1 || port > 65535) {
    return std::nullopt;
  }
  return port;
}

// Mozilla's deprecated and outgoing-only spellings, as its clientConfig reader maps them.
std::optional<AuthMethod> parse_client_config_auth(std::string_view text, Side side) {
  if (text == "plain") return AuthMethod::PasswordCleartext;
  if (text == "secure") return AuthMethod::PasswordEncrypted;
  if (side == Side::Outgoing && text == "client-IP-address") return AuthMethod::None;
  return parse_auth_method(text);
}

bool auth_fits_side(AuthMethod method, Side side) {
  if (method == AuthMethod::SmtpAfterPop) return side == Side::Outgoing;
  if (method == AuthMethod::Apop) return side == Side::Incoming;
  return true;
}

std::optional<Protocol> parse_server_type(std::string_view text, Side side) {
  const auto protocol = parse_protocol(text);
  if (!protocol) return std::nullopt;
  if (side == Side::Incoming) {
    if (*protocol == Protocol::Pop3 || *protocol == Protocol::Imap) return protocol;
    return std::nullopt;
  }
  if (*protocol == Protocol::Smtp) return protocol;
  return std::nullopt;
}

const char* expected_types(Side side) { return side == Side::Incoming ? "pop3 or imap" : "smtp"; }

// A server element of the policy itself: every element known, each at most once.
std::optional<ServerTarget> parse_policy_server(XmlSource& source, const pugi::xml_node& element,
                                                Side side) {
  const std::string element_name = element.name();
  if (!reject_unknown_attributes(source, element, {"type"}) ||
      !reject_text_children(source, element)) {
    return std::nullopt;
  }
  ServerTarget target;
  target.line = source.line_of(element);
  if (const pugi::xml_attribute type = element.attribute("type")) {
    target.protocol = parse_server_type(type.value(), side);
    if (!target.protocol) {
      source.fail(element, "unknown type " + quoted(type.value()) + " on <" + element_name +
                               "> (expected " + expected_types(side) + ")");
      return std::nullopt;
    }
  }
  bool has_hostname = false;
  std::vector<std::string> seen;
  for (const pugi::xml_node& child : element.children()) {
    if (child.type() != pugi::node_element) continue;
    const std::string name = child.name();
    if (std::find(seen.begin(), seen.end(), name) != seen.end()) {
      source.fail(child, "<" + name + "> given twice in <" + element_name + ">");
      return std::nullopt;
    }
    seen.push_back(name);
    if (!reject_unknown_attributes(source, child, {})) return std::nullopt;
    const auto text = leaf_text(source, child);
    if (!text) return std::nullopt;
    if (name == "hostname") {
      if (!valid_hostname(*text)) {
        source.fail(child, "bad hostname " + quoted(*text));
        return std::nullopt;
      }
      target.hostname = lower(*text);
      has_hostname = true;
    } else if (name == "port") {
      target.port = parse_port(*text);
      if (!target.port) {
        source.fail(child, "bad port " + quoted(*text) + " (expected 1 to 65535)");
        return std::nullopt;
      }
    } else if (name == "socketType") {
      target.socket_type = parse_socket_type(*text);
      if (!target.socket_type) {
        source.fail(child,
                    "unknown socketType " + quoted(*text) + " (expected plain, STARTTLS or SSL)");
        return std::nullopt;
      }
    } else if (name == "authentication") {
      target.authentication = parse_auth_method(*text);
      if (!target.authentication) {
        source.fail(child, "unknown authentication " + quoted(*text) +
                               " (expected a clientConfig value such as password-cleartext)");
        return std::nullopt;
      }
      if (!auth_fits_side(*target.authentication, side)) {
        source.fail(
            child, "authentication " + quoted(*text) + " cannot be used in <" + element_name + ">");
        return std::nullopt;
      }
    } else if (name == "username") {
      if (text->empty()) {
        source.fail(child, "empty <username>");
        return std::nullopt;
      }
      if (const auto unknown = unknown_placeholder(*text)) {
        source.fail(child, "unknown placeholder " + *unknown +
                               " in <username> (expected %EMAILADDRESS%, %EMAILLOCALPART% or "
                               "%EMAILDOMAIN%)");
        return std::nullopt;
      }
      target.username = *text;
    } else {
      source.fail(child, "unknown element <" + name + "> in <" + element_name + ">");
      return std::nullopt;
    }
  }
  if (!has_hostname) {
    source.fail(element, "missing <hostname> in <" + element_name + ">");
    return std::nullopt;
  }
  return target;
}

// A server of a Mozilla clientConfig: read as Thunderbird reads it (unknown elements ignored,
// the first socketType and authentication it knows win); nullopt with no error for a server
// of a type mailmig does not migrate to (exchange, nntp).
std::optional<ServerTarget> parse_client_config_server(XmlSource& source,
                                                       const pugi::xml_node& element, Side side,
                                                       bool& failed) {
  const std::string element_name = element.name();
  const auto protocol = parse_server_type(element.attribute("type").value(), side);
  if (!protocol) return std::nullopt;
  ServerTarget target;
  target.protocol = protocol;
  target.line = source.line_of(element);
  const auto fail = [&](const pugi::xml_node& node, const std::string& reason) {
    failed = true;
    source.fail(node, reason);
    return std::nullopt;
  };
  for (const pugi::xml_node& child : element.children()) {
    if (child.type() != pugi::node_element) continue;
    const std::string_view name = child.name();
    const std::string text(trim(child.child_value()));
    if (name == "hostname" && target.hostname.empty()) {
      if (!valid_hostname(text)) return fail(child, "bad hostname " + quoted(text));
      target.hostname = lower(text);
    } else if (name == "port" && !target.port) {
      target.port = parse_port(text);
      if (!target.port) return fail(child, "bad port " + quoted(text) + " (expected 1 to 65535)");
    } else if (name == "socketType" && !target.socket_type) {
      target.socket_type = parse_socket_type(text);
    } else if (name == "authentication" && !target.authentication) {
      const auto method = parse_client_config_auth(text, side);
      if (method && auth_fits_side(*method, side)) target.authentication = method;
    } else if (name == "username" && !target.username && !text.empty()) {
      if (const auto unknown = unknown_placeholder(text)) {
        return fail(child, "unknown placeholder " + *unknown + " in <username>");
      }
      target.username = text;
    }
  }
  if (target.hostname.empty()) return fail(element, "missing <hostname> in <" + element_name + ">");
  return target;
}

std::string join_path(const std::string& dir, const std::string& relative) {
  const boost::filesystem::path path(relative);
  if (path.is_absolute() || dir.empty()) return relative;
  // generic_string: Boost joins with '\\' on Windows; mailmig's paths use '/' everywhere.
  return (boost::filesystem::path(dir) / path).generic_string();
}

std::string parent_dir(const std::string& path) {
  return boost::filesystem::path(path).parent_path().string();
}

class PolicyParser {
 public:
  PolicyParser(std::string_view bytes, std::string base_dir, std::string display_path,
               const std::vector<KnownRule>& rules)
      : bytes_(bytes),
        base_dir_(std::move(base_dir)),
        display_path_(std::move(display_path)),
        rules_(rules),
        source_(bytes, display_path_) {}

  PolicyLoadResult run() {
    PolicyLoadResult result;
    if (!parse()) {
      result.error = source_.error();
      return result;
    }
    result.policy = std::move(policy_);
    return result;
  }

 private:
  bool parse() {
    pugi::xml_document document;
    if (!source_.load(document)) return false;
    pugi::xml_node root;
    for (const pugi::xml_node& node : document.children()) {
      if (node.type() == pugi::node_element) {
        if (root) return source_.fail(node, "a policy file holds one <policy> element");
        root = node;
      } else if ((node.type() == pugi::node_pcdata || node.type() == pugi::node_cdata) &&
                 !trim(node.value()).empty()) {
        return source_.fail(node, "unexpected text outside <policy>");
      }
    }
    if (!root) return source_.fail(document, "no <policy> element");
    if (std::string_view(root.name()) != "policy") {
      return source_.fail(root, "expected <policy>, found <" + std::string(root.name()) + ">");
    }
    if (std::string_view(root.attribute("xmlns").value()) != kPolicyNamespace) {
      return source_.fail(root,
                          "expected xmlns=\"" + std::string(kPolicyNamespace) + "\" on <policy>");
    }
    if (!reject_unknown_attributes(source_, root, {"xmlns", "name"}) ||
        !reject_text_children(source_, root)) {
      return false;
    }
    policy_.name = trim(root.attribute("name").value());
    if (policy_.name.empty()) return source_.fail(root, "missing name on <policy>");
    policy_.path = display_path_;
    policy_.hash = sha256_hex(bytes_);
    policy_.rule_states = default_rule_states(rules_);
    for (const pugi::xml_node& child : root.children()) {
      if (child.type() != pugi::node_element) continue;
      const std::string_view name = child.name();
      if (name == "rule") {
        if (!parse_rule(child)) return false;
      } else if (name == "move") {
        if (!parse_move(child)) return false;
      } else if (name == "scope") {
        if (!parse_scope(child)) return false;
      } else if (name == "verification") {
        if (!parse_verification(child)) return false;
      } else {
        return source_.fail(
            child, "unknown element <" + std::string(name) +
                       "> in <policy> (expected <scope>, <verification>, <rule> or <move>)");
      }
    }
    if (!policy_.scope) {
      return source_.fail(root,
                          "missing <scope> in <policy>: name the organisation's servers, for "
                          "example <scope><host match=\"*.example.ac.jp\"/></scope> (accounts on "
                          "other servers are left alone)");
    }
    return reject_moves_outside_scope() && reject_chained_moves();
  }

  // <scope><host match="*.example.ac.jp"/>...</scope>: the organisation's servers, matched as a
  // move's match is.
  bool parse_scope(const pugi::xml_node& element) {
    if (policy_.scope) {
      return source_.fail(
          element, "<scope> given twice (first on line " + std::to_string(scope_line_) + ")");
    }
    if (!reject_unknown_attributes(source_, element, {}) ||
        !reject_text_children(source_, element)) {
      return false;
    }
    scope_line_ = source_.line_of(element);
    std::vector<std::string> hosts;
    for (const pugi::xml_node& child : element.children()) {
      if (child.type() != pugi::node_element) continue;
      if (std::string_view(child.name()) != "host") {
        return source_.fail(child, "unknown element <" + std::string(child.name()) +
                                       "> in <scope> (expected <host match=\"...\"/>)");
      }
      if (!check_attributes_only(source_, child, {"match"})) return false;
      const pugi::xml_attribute match = child.attribute("match");
      if (!match) return source_.fail(child, "missing match on <host>");
      std::string pattern = lower(trim(match.value()));
      if (!valid_match(pattern)) {
        return source_.fail(
            child, "bad match " + quoted(match.value()) + " (expected a host name or *.domain)");
      }
      if (is_local_host(pattern.starts_with("*.") ? pattern.substr(2) : pattern)) {
        return source_.fail(
            child, quoted(match.value()) + " is this machine, never an organisation's server");
      }
      hosts.push_back(std::move(pattern));
    }
    if (hosts.empty()) {
      return source_.fail(element,
                          "an empty <scope> governs no account: name the organisation's servers "
                          "with <host match=\"...\"/>");
    }
    policy_.scope = std::move(hosts);
    return true;
  }

  // True when every host `pattern` fits is in scope.
  bool scope_covers(std::string_view pattern) const {
    return std::any_of(policy_.scope->begin(), policy_.scope->end(), [&](const std::string& host) {
      if (!pattern.starts_with("*.")) return host_matches(host, pattern);
      return host == pattern || (host.starts_with("*.") && host_matches(host, pattern.substr(2)));
    });
  }

  // A move outside the scope would never run, and one onto a host outside it would leave the
  // moved accounts ungoverned at the next run: both are mistakes in the policy.
  bool reject_moves_outside_scope() {
    for (const Move& move : policy_.moves) {
      if (!scope_covers(move.match)) {
        return source_.fail_at(move.line, "the move's match " + move.match +
                                              " is outside <scope>: add <host match=\"" +
                                              move.match + "\"/> to <scope>");
      }
      for (const auto* targets : {&move.incoming, &move.outgoing}) {
        for (const ServerTarget& target : *targets) {
          if (scope_covers(target.hostname)) continue;
          return source_.fail_at(
              move.client_config.empty() ? target.line : move.line,
              "the new host " + target.hostname + " is outside <scope>: add <host match=\"" +
                  target.hostname +
                  "\"/> to <scope>, or the accounts it moves are left alone at the next run");
        }
      }
    }
    return true;
  }

  // A new host that another move moves again would move once per plan (A to B, then B to C, or
  // back to A): planning a planned account must change nothing, so chains are refused.
  bool reject_chained_moves() {
    for (const Move& move : policy_.moves) {
      for (const Side side : {Side::Incoming, Side::Outgoing}) {
        for (const ServerTarget& target : side == Side::Incoming ? move.incoming : move.outgoing) {
          const auto first =
              std::find_if(policy_.moves.begin(), policy_.moves.end(), [&](const Move& other) {
                return !(side == Side::Incoming ? other.incoming : other.outgoing).empty() &&
                       other.matches(target.hostname);
              });
          if (first == policy_.moves.end() || &*first == &move) continue;
          return source_.fail_at(move.line, "the new host " + target.hostname +
                                                " is moved again by the move on line " +
                                                std::to_string(first->line) +
                                                " (a move cannot lead to another move)");
        }
      }
    }
    return true;
  }

  bool parse_verification(const pugi::xml_node& element) {
    if (seen_verification_) return source_.fail(element, "<verification> given twice");
    seen_verification_ = true;
    if (!check_attributes_only(source_, element, {"mode", "ca-file"})) return false;
    if (const pugi::xml_attribute mode = element.attribute("mode")) {
      const auto parsed = parse_verification_mode(mode.value());
      if (!parsed) {
        return source_.fail(element, "unknown verification mode " + quoted(mode.value()) +
                                         " (expected required, advisory or off)");
      }
      policy_.verification.mode = *parsed;
    }
    if (const pugi::xml_attribute ca_file = element.attribute("ca-file")) {
      const std::string path = join_path(base_dir_, ca_file.value());
      boost::system::error_code error;
      if (!boost::filesystem::is_regular_file(path, error)) {
        return source_.fail(element, "the CA file " + quoted(path) + " is not a readable file");
      }
      policy_.verification.ca_file = path;
    }
    return true;
  }

  bool parse_rule(const pugi::xml_node& element) {
    if (!check_attributes_only(source_, element, {"id", "enabled"})) return false;
    const pugi::xml_attribute id = element.attribute("id");
    if (!id) return source_.fail(element, "missing id on <rule>");
    const bool known = std::any_of(rules_.begin(), rules_.end(),
                                   [&](const KnownRule& rule) { return rule.id == id.value(); });
    if (!known) {
      return source_.fail(element, "unknown rule " + quoted(id.value()) +
                                       " (known: " + known_rule_ids(rules_) + ")");
    }
    const std::string_view enabled = element.attribute("enabled").value();
    if (enabled != "true" && enabled != "false") {
      return source_.fail(element, "enabled on <rule> must be \"true\" or \"false\"");
    }
    for (const auto& [seen_id, seen_line] : rule_lines_) {
      if (seen_id == id.value()) {
        return source_.fail(element, "rule " + quoted(seen_id) + " is set twice (first on line " +
                                         std::to_string(seen_line) + ")");
      }
    }
    rule_lines_.emplace_back(id.value(), source_.line_of(element));
    policy_.rule_states[id.value()] = enabled == "true";
    return true;
  }

  bool parse_move(const pugi::xml_node& element) {
    if (!reject_unknown_attributes(source_, element, {"match", "clientConfig"}) ||
        !reject_text_children(source_, element)) {
      return false;
    }
    Move move;
    move.line = source_.line_of(element);
    const pugi::xml_attribute match = element.attribute("match");
    if (!match) return source_.fail(element, "missing match on <move>");
    move.match = lower(trim(match.value()));
    if (!valid_match(move.match)) {
      return source_.fail(
          element, "bad match " + quoted(match.value()) + " (expected a host name or *.domain)");
    }
    if (const pugi::xml_attribute client_config = element.attribute("clientConfig")) {
      move.client_config = client_config.value();
      if (move.client_config.empty()) return source_.fail(element, "empty clientConfig on <move>");
      if (const pugi::xml_node child = first_element(element)) {
        return source_.fail(child, "a <move> with clientConfig holds no server elements");
      }
      if (!load_client_config(element, move)) return false;
    } else {
      for (const pugi::xml_node& child : element.children()) {
        if (child.type() != pugi::node_element) continue;
        const std::string_view name = child.name();
        const Side side = name == "incomingServer" ? Side::Incoming : Side::Outgoing;
        if (name != "incomingServer" && name != "outgoingServer") {
          return source_.fail(child, "unknown element <" + std::string(name) +
                                         "> in <move> (expected <incomingServer> or "
                                         "<outgoingServer>)");
        }
        auto target = parse_policy_server(source_, child, side);
        if (!target) return false;
        (side == Side::Incoming ? move.incoming : move.outgoing).push_back(std::move(*target));
      }
      if (move.incoming.empty() && move.outgoing.empty()) {
        return source_.fail(element,
                            "a <move> needs an <incomingServer>, an <outgoingServer> or a "
                            "clientConfig");
      }
    }
    policy_.moves.push_back(std::move(move));
    return true;
  }

  bool load_client_config(const pugi::xml_node& move_element, Move& move) {
    const std::string path = join_path(base_dir_, move.client_config);
    const std::string display = join_path(parent_dir(display_path_), move.client_config);
    const ReadResult read = read_file(path);
    if (!read) {
      return source_.fail(move_element, "cannot read clientConfig " + read.error);
    }
    XmlSource config(read.bytes, display);
    const auto fail_with = [&](const std::string& error) {
      return source_.fail(move_element, "in clientConfig: " + error);
    };
    pugi::xml_document document;
    if (!config.load(document)) return fail_with(config.error());
    const pugi::xml_node root = document.document_element();
    if (std::string_view(root.name()) != "clientConfig") {
      config.fail(root, "expected <clientConfig>");
      return fail_with(config.error());
    }
    const pugi::xml_node provider = root.child("emailProvider");
    if (!provider) {
      config.fail(root, "no <emailProvider> in <clientConfig>");
      return fail_with(config.error());
    }
    for (const pugi::xml_node& child : provider.children()) {
      const std::string_view name = child.name();
      if (name != "incomingServer" && name != "outgoingServer") continue;
      const Side side = name == "incomingServer" ? Side::Incoming : Side::Outgoing;
      bool failed = false;
      auto target = parse_client_config_server(config, child, side, failed);
      if (failed) return fail_with(config.error());
      if (target) {
        (side == Side::Incoming ? move.incoming : move.outgoing).push_back(std::move(*target));
      }
    }
    if (move.incoming.empty() && move.outgoing.empty()) {
      config.fail(provider, "no pop3, imap or smtp server in <emailProvider>");
      return fail_with(config.error());
    }
    return true;
  }

  std::string_view bytes_;
  std::string base_dir_;
  std::string display_path_;
  const std::vector<KnownRule>& rules_;
  XmlSource source_;
  Policy policy_;
  bool seen_verification_ = false;
  std::vector<std::pair<std::string, std::size_t>> rule_lines_;
  std::size_t scope_line_ = 0;
};

const ServerSettings* server_of(const Account& account, Side side) {
  if (side == Side::Incoming) return &account.incoming;
  return account.outgoing ? &*account.outgoing : nullptr;
}

}  // namespace

bool host_matches(std::string_view pattern, std::string_view hostname) {
  if (pattern.starts_with("*.")) {
    const std::string_view domain = pattern.substr(1);  // ".domain"
    return hostname.size() > domain.size() &&
           equal_ignoring_case(hostname.substr(hostname.size() - domain.size()), domain);
  }
  return equal_ignoring_case(pattern, hostname);
}

bool Move::matches(std::string_view hostname) const { return host_matches(match, hostname); }

bool Policy::rule_enabled(std::string_view id) const {
  const auto found = rule_states.find(id);
  return found != rule_states.end() && found->second;
}

std::optional<MoveTarget> Policy::find_move(const Account& account, Side side) const {
  const ServerSettings* own = server_of(account, side);
  if (!own) return std::nullopt;
  const ServerSettings* other =
      server_of(account, side == Side::Incoming ? Side::Outgoing : Side::Incoming);
  for (const ServerSettings* server : {own, other}) {
    if (!server || server->hostname.empty()) continue;
    for (const Move& move : moves) {
      const auto& candidates = side == Side::Incoming ? move.incoming : move.outgoing;
      const bool whole_provider = !move.client_config.empty();
      if (candidates.empty() || !move.matches(server->hostname)) continue;
      if (server == other && !whole_provider) continue;
      const auto same_protocol = std::find_if(
          candidates.begin(), candidates.end(),
          [&](const ServerTarget& target) { return target.protocol == own->protocol; });
      const ServerTarget& chosen =
          same_protocol != candidates.end() ? *same_protocol : candidates.front();
      return MoveTarget{&move, &chosen, server->hostname};
    }
  }
  return std::nullopt;
}

bool uses_placeholder(std::string_view username_template) {
  return std::any_of(kPlaceholders.begin(), kPlaceholders.end(), [&](std::string_view token) {
    return username_template.find(token) != std::string_view::npos;
  });
}

std::optional<std::string> expand_username(std::string_view username_template,
                                           std::string_view address) {
  if (!uses_placeholder(username_template)) return std::string(username_template);
  const std::size_t at = address.rfind('@');
  if (at == std::string_view::npos || at == 0 || at + 1 == address.size()) return std::nullopt;
  const std::array<std::pair<std::string_view, std::string_view>, 3> values{{
      {kPlaceholders[0], address},
      {kPlaceholders[1], address.substr(0, at)},
      {kPlaceholders[2], address.substr(at + 1)},
  }};
  std::string out;
  std::size_t pos = 0;
  while (pos < username_template.size()) {
    bool replaced = false;
    for (const auto& [token, value] : values) {
      if (username_template.substr(pos).starts_with(token)) {
        out += value;
        pos += token.size();
        replaced = true;
        break;
      }
    }
    if (!replaced) out += username_template[pos++];
  }
  return out;
}

std::string_view to_string(VerificationMode mode) {
  switch (mode) {
    case VerificationMode::Required:
      return "required";
    case VerificationMode::Advisory:
      return "advisory";
    case VerificationMode::Off:
      return "off";
  }
  return "required";
}

std::optional<VerificationMode> parse_verification_mode(std::string_view text) {
  for (const VerificationMode mode :
       {VerificationMode::Required, VerificationMode::Advisory, VerificationMode::Off}) {
    if (text == to_string(mode)) return mode;
  }
  return std::nullopt;
}

PolicyLoadResult parse_policy(std::string_view bytes, const std::string& base_dir,
                              const std::string& display_path,
                              const std::vector<KnownRule>& rules) {
  return PolicyParser(bytes, base_dir, display_path, rules).run();
}

PolicyLoadResult load_policy_file(const std::string& path, const std::vector<KnownRule>& rules) {
  const ReadResult read = read_file(path);
  if (!read) {
    PolicyLoadResult result;
    result.error = read.error;
    return result;
  }
  return parse_policy(read.bytes, parent_dir(path), path, rules);
}

Policy builtin_default_policy(const std::vector<KnownRule>& rules) {
  Policy policy;
  policy.name = "built-in default";
  policy.hash = sha256_hex("");
  policy.rule_states = default_rule_states(rules);
  return policy;
}

}  // namespace mailmig
