#include "src/policy/scope.h"

#include <algorithm>
#include <array>
#include <charconv>
#include <optional>
#include <vector>

#include "src/policy/policy.h"

namespace mailmig {
namespace {

std::vector<std::string_view> split(std::string_view text, char separator) {
  std::vector<std::string_view> parts;
  std::size_t start = 0;
  for (std::size_t at = text.find(separator); at != std::string_view::npos;
       start = at + 1, at = text.find(separator, start)) {
    parts.push_back(text.substr(start, at - start));
  }
  parts.push_back(text.substr(start));
  return parts;
}

std::optional<unsigned long> decimal(std::string_view text) {
  unsigned long value = 0;
  const auto [end, error] = std::from_chars(text.data(), text.data() + text.size(), value);
  if (text.empty() || error != std::errc() || end != text.data() + text.size()) return std::nullopt;
  return value;
}

// A dotted-decimal IPv4 address in any of the forms inet_aton accepts ("127.1", one number).
std::optional<unsigned long> ipv4_first_octet(std::string_view host) {
  // Every part is decimal digits, so a host name is told apart by its first character without
  // splitting it (every account's hosts are asked about).
  if (host.empty() || host.front() < '0' || host.front() > '9') return std::nullopt;
  const std::vector<std::string_view> parts = split(host, '.');
  if (parts.size() > 4) return std::nullopt;
  std::vector<unsigned long> values;
  for (const std::string_view part : parts) {
    const auto value = decimal(part);
    if (!value) return std::nullopt;
    values.push_back(*value);
  }
  const unsigned long first = values.size() == 1 ? values[0] >> 24 : values[0];
  if (values[0] > 0xFFFFFFFFul || first > 255) return std::nullopt;
  return first;
}

// Appends the 16-bit groups of "a:b:c" (an embedded IPv4 address last counts as two).
bool append_ipv6_groups(std::string_view text, std::vector<unsigned long>& groups) {
  if (text.empty()) return true;
  for (const std::string_view part : split(text, ':')) {
    if (part.find('.') != std::string_view::npos) {
      const std::vector<std::string_view> octets = split(part, '.');
      if (octets.size() != 4) return false;
      std::array<unsigned long, 4> bytes{};
      for (std::size_t i = 0; i < bytes.size(); ++i) {
        const auto value = decimal(octets[i]);
        if (!value || *value > 255) return false;
        bytes[i] = *value;
      }
      groups.push_back(bytes[0] << 8 | bytes[1]);
      groups.push_back(bytes[2] << 8 | bytes[3]);
      continue;
    }
    unsigned long value = 0;
    const auto [end, error] = std::from_chars(part.data(), part.data() + part.size(), value, 16);
    if (part.empty() || part.size() > 4 || error != std::errc() ||
        end != part.data() + part.size()) {
      return false;
    }
    groups.push_back(value);
  }
  return true;
}

// The eight groups of an IPv6 address ("::1", "0:0:0:0:0:0:0:1", "::ffff:127.0.0.1").
std::optional<std::array<unsigned long, 8>> ipv6_groups(std::string_view host) {
  if (host.find(':') == std::string_view::npos) return std::nullopt;
  const std::size_t gap = host.find("::");
  const bool compressed = gap != std::string_view::npos;
  std::vector<unsigned long> head;
  std::vector<unsigned long> tail;
  if (!append_ipv6_groups(compressed ? host.substr(0, gap) : host, head) ||
      (compressed && !append_ipv6_groups(host.substr(gap + 2), tail))) {
    return std::nullopt;
  }
  const std::size_t given = head.size() + tail.size();
  if (compressed ? given > 7 : given != 8) return std::nullopt;
  std::array<unsigned long, 8> groups{};
  std::copy(head.begin(), head.end(), groups.begin());
  std::copy(tail.begin(), tail.end(), groups.end() - static_cast<std::ptrdiff_t>(tail.size()));
  return groups;
}

bool is_loopback_ipv6(std::string_view host) {
  const auto groups = ipv6_groups(host);
  if (!groups) return false;
  const auto zero_until = [&](std::size_t end) {
    return std::all_of(groups->begin(), groups->begin() + static_cast<std::ptrdiff_t>(end),
                       [](unsigned long group) { return group == 0; });
  };
  if (zero_until(7) && ((*groups)[7] == 1 || (*groups)[7] == 0)) return true;  // ::1 and ::
  const bool v4_mapped = zero_until(5) && (*groups)[5] == 0xFFFF;
  return v4_mapped && ((*groups)[6] >> 8 == 127 || (*groups)[6] >> 8 == 0);
}

}  // namespace

bool is_local_host(std::string_view hostname) {
  std::string_view host = hostname;
  if (host.size() >= 2 && host.front() == '[' && host.back() == ']') {
    host = host.substr(1, host.size() - 2);
  }
  host = host.substr(0, host.find('%'));  // an IPv6 zone: "::1%lo"
  while (!host.empty() && host.back() == '.') host.remove_suffix(1);
  for (const std::string_view local : {"localhost", "*.localhost", "localhost.localdomain"}) {
    if (host_matches(local, host)) return true;
  }
  if (const auto first_octet = ipv4_first_octet(host)) {
    return *first_octet == 127 || *first_octet == 0;
  }
  return is_loopback_ipv6(host);
}

bool is_organisation_host(std::string_view hostname) {
  if (hostname.empty()) return false;
  // A table, not a chain of comparisons: every character of every account's hosts is asked.
  static constexpr std::array<bool, 256> kHostCharacter = [] {
    std::array<bool, 256> table{};
    for (int c = 'a'; c <= 'z'; ++c) table[static_cast<std::size_t>(c)] = true;
    for (int c = 'A'; c <= 'Z'; ++c) table[static_cast<std::size_t>(c)] = true;
    for (int c = '0'; c <= '9'; ++c) table[static_cast<std::size_t>(c)] = true;
    for (const char c : std::string_view("-._:[]%")) table[static_cast<unsigned char>(c)] = true;
    return table;
  }();
  const bool host_characters = std::all_of(hostname.begin(), hostname.end(), [](char c) {
    return kHostCharacter[static_cast<unsigned char>(c)];
  });
  return host_characters && !is_local_host(hostname);
}

bool Policy::in_scope(std::string_view hostname) const {
  if (!is_organisation_host(hostname)) return false;
  if (!scope) return true;  // the built-in default: see Policy::scope
  return std::any_of(scope->begin(), scope->end(),
                     [&](const std::string& pattern) { return host_matches(pattern, hostname); });
}

bool Policy::governs(const Account& account, Side side) const {
  // A news or local account's user name is no mail login, and its servers are no mailbox of the
  // organisation's: neither side is changed.
  const Protocol receives = account.incoming.protocol;
  if (receives != Protocol::Pop3 && receives != Protocol::Imap) return false;
  if (side == Side::Incoming) return in_scope(account.incoming.hostname);
  return account.outgoing && in_scope(account.outgoing->hostname);
}

bool Policy::governs(const Account& account) const {
  return governs(account, Side::Incoming) || governs(account, Side::Outgoing);
}

}  // namespace mailmig
