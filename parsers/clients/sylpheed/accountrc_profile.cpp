#include "parsers/clients/sylpheed/accountrc_profile.h"

#include <algorithm>
#include <array>
#include <boost/filesystem.hpp>
#include <charconv>
#include <climits>
#include <cstdint>
#include <cstring>
#include <unordered_map>
#include <utility>

#include "parsers/clients/sylpheed/sylpheed_client.h"
#include "parsers/formats/accountrc/accountrc_key_order.h"
#include "src/encoding/codec.h"
#include "src/i18n/i18n.h"
#include "src/io/read_file.h"

namespace mailmig {
namespace {

constexpr std::string_view kAccountPrefix = "Account: ";
constexpr std::string_view kMask = "********";

// The client reads integers with atoi(): leading blanks, a sign, digits; anything else is 0.
long long c_atoi(std::string_view text) {
  std::size_t i = 0;
  while (i < text.size() && (text[i] == ' ' || (text[i] >= '\t' && text[i] <= '\r'))) ++i;
  bool negative = false;
  if (i < text.size() && (text[i] == '+' || text[i] == '-')) negative = text[i++] == '-';
  long long value = 0;
  for (; i < text.size() && text[i] >= '0' && text[i] <= '9'; ++i) {
    value = std::min<long long>(value * 10 + (text[i] - '0'), INT_MAX);
  }
  return negative ? -value : value;
}

std::optional<int> account_number(std::string_view section_name) {
  if (!section_name.starts_with(kAccountPrefix)) return std::nullopt;
  const std::string_view digits = section_name.substr(kAccountPrefix.size());
  if (digits.empty() || digits.size() > 9) return std::nullopt;
  int number = 0;
  const auto [end, error] = std::from_chars(digits.data(), digits.data() + digits.size(), number);
  if (error != std::errc() || end != digits.data() + digits.size()) return std::nullopt;
  return number;
}

// Keys whose values are secrets in any of these rc files (password, smtp_password, proxy_pass,
// the client-certificate passwords, oauth2_client_secret, ...).
bool is_secret_key(std::string_view key) {
  return key.find("pass") != std::string_view::npos ||
         key.find("secret") != std::string_view::npos || key.starts_with("oauth2_auth") ||
         key.starts_with("oauth2_refresh") || key.starts_with("oauth2_access");
}

// Text for a person, one line at a time: a valid UTF-8 line stays; in any other line every
// non-ASCII byte is shown as \xNN (Claws may hold locale-encoded strings whose charset the
// file does not name, and guessing it could show the wrong text).
std::string printable(std::string_view line) {
  if (is_valid_utf8(line)) return std::string(line);
  static constexpr char kHex[] = "0123456789ABCDEF";
  std::string out;
  for (const char c : line) {
    const auto byte = static_cast<unsigned char>(c);
    if (byte < 0x80) {
      out += c;
    } else {
      out += "\\x";
      out += kHex[byte >> 4];
      out += kHex[byte & 0x0F];
    }
  }
  return out;
}

// passwordstorerc: `[account:N]` sections of `recv <value>` / `send <value>` lines.
std::map<std::string, std::set<std::string>> read_saved_passwords(std::string_view text) {
  std::map<std::string, std::set<std::string>> saved;
  std::string account;
  std::size_t begin = 0;
  while (begin < text.size()) {
    std::size_t end = text.find('\n', begin);
    if (end == std::string_view::npos) end = text.size();
    std::string_view line = text.substr(begin, end - begin);
    while (!line.empty() && line.back() == '\r') line.remove_suffix(1);
    begin = end + 1;
    if (line.starts_with('[')) {
      account.clear();
      if (line.starts_with("[account:") && line.ends_with(']')) {
        account = std::string(line.substr(9, line.size() - 10));
      }
      continue;
    }
    const std::size_t space = line.find(' ');
    if (account.empty() || space == std::string_view::npos || space + 1 == line.size()) continue;
    saved[account].insert(std::string(line.substr(0, space)));
  }
  return saved;
}

std::string masked_passwordstore(std::string_view text) {
  std::string out;
  std::size_t begin = 0;
  while (begin < text.size()) {
    std::size_t newline = text.find('\n', begin);
    const std::size_t end = newline == std::string_view::npos ? text.size() : newline + 1;
    std::size_t content_end = end;
    while (content_end > begin && (text[content_end - 1] == '\n' || text[content_end - 1] == '\r'))
      --content_end;
    const std::string_view content = text.substr(begin, content_end - begin);
    if (content.empty() || content.starts_with('[')) {
      out += printable(content);
    } else if (const std::size_t space = content.find(' '); space != std::string_view::npos) {
      out += printable(content.substr(0, space + 1));
      out += kMask;
    } else {
      out += kMask;
    }
    out.append(text.substr(content_end, end - content_end));
    begin = end;
  }
  return out;
}

// FNV-1a over 8-byte words, the last word overlapping the one before, then the length: every
// byte counts, at an eighth of the multiplications of the byte-wise loop (every account's keys are
// hashed at each read). The high half is folded in, as the tables index by the low bits.
std::uint64_t key_hash(std::string_view key) {
  constexpr std::uint64_t kPrime = 1099511628211ULL;
  std::uint64_t hash = 14695981039346656037ULL;
  std::uint64_t word = 0;
  if (key.size() < 8) {
    for (const char c : key) word = (word << 8) | static_cast<unsigned char>(c);
  } else {
    for (std::size_t at = 0; at + 8 < key.size(); at += 8) {
      std::memcpy(&word, key.data() + at, 8);
      hash = (hash ^ word) * kPrime;
    }
    std::memcpy(&word, key.data() + key.size() - 8, 8);
  }
  hash = (hash ^ word ^ (std::uint64_t{key.size()} << 56)) * kPrime;
  return hash ^ (hash >> 32);
}

// Reads one account's keys with the client's defaults and its way of reading values. The
// section's keys are hashed once into a flat table (one allocation), as an account reads about
// forty of its ~90 keys and each look-up would otherwise scan the section.
class AccountKeys {
 public:
  // `repeats`, when given, receives the index of each line that repeats a key for the first time
  // (the key's second line), in line order: the duplicates that findings() reports.
  AccountKeys(const AccountrcDocument::Section& section, ClientKind client,
              std::vector<std::size_t>* repeats = nullptr)
      : section_(section), client_(client) {
    std::size_t capacity = 16;
    while (capacity < 2 * section.lines.size()) capacity *= 2;
    slots_.assign(capacity, 0);
    for (std::size_t i = 0; i < section.lines.size(); ++i) {
      const AccountrcDocument::Line& line = section.lines[i];
      if (line.kind != AccountrcDocument::LineKind::KeyValue) continue;
      // The last line with a key wins, as the client reads the file top to bottom.
      std::uint32_t& slot = slots_[slot_of(section.key_of(line))];
      if (slot != 0 && (slot & kRepeated) == 0 && repeats != nullptr) repeats->push_back(i);
      slot = static_cast<std::uint32_t>(i + 1) | (slot != 0 ? kRepeated : 0);
    }
  }

  std::optional<std::string_view> raw(std::string_view key) const {
    const auto line = effective_line(key);
    if (!line) return std::nullopt;
    return section_.value_of(section_.lines[*line]);
  }
  // Index into the section's lines of the line the client reads for `key`.
  std::optional<std::size_t> effective_line(std::string_view key) const {
    const std::uint32_t line = slots_[slot_of(key)] & ~kRepeated;
    if (line == 0) return std::nullopt;
    return line - 1;
  }
  // The value, empty when the key is missing; a view into the document, valid until an edit.
  std::string_view view(std::string_view key) const { return raw(key).value_or(""); }
  std::string text(std::string_view key) const { return std::string(view(key)); }
  int integer(std::string_view key, int fallback) const {
    auto value = raw(key);
    return value ? static_cast<int>(c_atoi(*value)) : fallback;
  }
  // The client's P_BOOL: empty or a leading '0' is false, anything else true.
  bool boolean(std::string_view key, bool fallback) const {
    auto value = raw(key);
    if (!value) return fallback;
    return !value->empty() && value->front() != '0';
  }
  int port(std::string_view key, int fallback) const {
    return integer(key, fallback) & 0xFFFF;  // stored as an unsigned short
  }
  bool claws() const { return client_ == kClawsMail; }
  // Claws defaults to SSL/TLS when built with GnuTLS (formats notes §5.2); Sylpheed to none.
  int ssl(std::string_view key) const { return integer(key, claws() ? 1 : 0); }

 private:
  // The slot that holds `key`'s line, or the empty slot where it would go (linear probing).
  std::size_t slot_of(std::string_view key) const {
    const std::size_t mask = slots_.size() - 1;
    for (std::size_t slot = key_hash(key) & mask;; slot = (slot + 1) & mask) {
      const std::uint32_t line = slots_[slot] & ~kRepeated;
      if (line == 0 || section_.key_of(section_.lines[line - 1]) == key) return slot;
    }
  }

  // Marks a slot whose key has more than one line (a section has fewer than 2^31 lines).
  static constexpr std::uint32_t kRepeated = std::uint32_t{1} << 31;

  const AccountrcDocument::Section& section_;
  std::vector<std::uint32_t> slots_;  // index into section_.lines + 1 (| kRepeated); 0 is empty
  ClientKind client_;
};

SocketType socket_of(int ssl) {
  if (ssl == 1) return SocketType::Ssl;
  if (ssl == 2) return SocketType::StartTls;
  return SocketType::Plain;
}

int ssl_code(SocketType socket) {
  switch (socket) {
    case SocketType::Ssl:
      return 1;
    case SocketType::StartTls:
      return 2;
    case SocketType::Plain:
      return 0;
  }
  return 0;
}

struct ReceiveKeys {
  std::string_view ssl, set_port, port, server;
  int plain_port, ssl_port;
};

std::optional<ReceiveKeys> receive_keys(Protocol protocol) {
  switch (protocol) {
    case Protocol::Pop3:
      return ReceiveKeys{"ssl_pop", "set_popport", "pop_port", "receive_server", 110, 995};
    case Protocol::Imap:
      return ReceiveKeys{"ssl_imap", "set_imapport", "imap_port", "receive_server", 143, 993};
    case Protocol::Nntp:
      return ReceiveKeys{"ssl_nntp", "set_nntpport", "nntp_port", "nntp_server", 119, 563};
    default:
      return std::nullopt;
  }
}

// What `protocol` says, read in the numbering in force.
struct ProtocolValue {
  Protocol protocol = Protocol::None;
  bool legacy_apop = false;  // Sylpheed numbering 1: POP3 with APOP
  bool rpop = false;         // Sylpheed numbering 2: POP3 with RPOP
};

ProtocolValue decode_protocol(int value, bool sylpheed_numbering) {
  if (sylpheed_numbering) {
    switch (value) {
      case 0:
        return {Protocol::Pop3, false, false};
      case 1:
        return {Protocol::Pop3, true, false};
      case 2:
        return {Protocol::Pop3, false, true};
      case 3:
        return {Protocol::Imap, false, false};
      case 4:
        return {Protocol::Nntp, false, false};
      default:
        return {};  // 5 local spool, or unknown
    }
  }
  switch (value) {
    case 0:
      return {Protocol::Pop3, false, false};
    case 1:
      return {Protocol::Imap, false, false};
    case 2:
      return {Protocol::Nntp, false, false};
    default:
      return {};  // 3 local mbox, 4 none (SMTP only), or unknown
  }
}

int encode_protocol(Protocol protocol, bool sylpheed_numbering) {
  if (protocol == Protocol::Imap) return sylpheed_numbering ? 3 : 1;
  return 0;  // POP3
}

AuthMethod smtp_auth_of(int method, bool claws) {
  if (method == 0 || method == 1) return AuthMethod::PasswordCleartext;  // automatic, LOGIN
  if (method == 2 || method == 4) return AuthMethod::PasswordEncrypted;  // CRAM-MD5, DIGEST-MD5
  if (claws) {
    if (method == 16) return AuthMethod::PasswordCleartext;  // PLAIN
    if (method == 32) return AuthMethod::OAuth2;
  } else {
    if (method == 8) return AuthMethod::PasswordCleartext;  // PLAIN
    if (method == 16) return AuthMethod::OAuth2;
  }
  return AuthMethod::Any;  // a value mailmig does not know
}

AuthMethod imap_auth_of(int method, bool claws) {
  if (method == 0 || method == 1) return AuthMethod::PasswordCleartext;  // automatic, LOGIN
  if (method == 2) return AuthMethod::PasswordEncrypted;                 // CRAM-MD5
  if (!claws && method == 4) return AuthMethod::PasswordCleartext;       // Sylpheed PLAIN
  if (!claws && method == 8) return AuthMethod::OAuth2;                  // Sylpheed OAUTH2
  return AuthMethod::Any;  // Claws' other IMAP methods are not mapped (their numbers are open)
}

struct AccountReading {
  Account account;
  ProtocolValue protocol;
};

// Empties a server's settings; its strings keep their storage.
void clear_keeping_storage(ServerSettings& server) {
  std::string hostname = std::move(server.hostname);
  std::string username = std::move(server.username);
  server = ServerSettings{};
  hostname.clear();
  username.clear();
  server.hostname = std::move(hostname);
  server.username = std::move(username);
}

// Reads the account into `reading`, whose strings keep their storage: the writer reads its
// account again after each edit, and such a read then allocates nothing.
void read_account(const AccountKeys& keys, bool sylpheed_numbering, AccountReading& reading) {
  Account& account = reading.account;
  account.name.assign(keys.view("account_name"));
  account.address.assign(keys.view("address"));

  reading.protocol = decode_protocol(keys.integer("protocol", 0), sylpheed_numbering);
  ServerSettings& in = account.incoming;
  clear_keeping_storage(in);
  in.protocol = reading.protocol.protocol;
  if (auto receive = receive_keys(in.protocol)) {
    in.hostname.assign(keys.view(receive->server));
    in.socket_type = socket_of(keys.ssl(receive->ssl));
    const int default_port =
        in.socket_type == SocketType::Ssl ? receive->ssl_port : receive->plain_port;
    in.port = keys.boolean(receive->set_port, false) ? keys.port(receive->port, receive->plain_port)
                                                     : default_port;
    in.username.assign(keys.view("user_id"));
    if (in.protocol == Protocol::Pop3) {
      const bool claws = keys.claws();
      const bool use_pop_auth = claws && keys.boolean("use_pop_auth", false);
      const int pop_auth_method = keys.integer("pop_auth_method", 0);
      // Claws up to config_version 3 and Sylpheed use use_apop_auth; Claws 4 moved APOP to
      // use_pop_auth + pop_auth_method=1 but still writes the old key. Either one counts, so an
      // APOP setting is never missed.
      const bool apop = reading.protocol.legacy_apop || keys.boolean("use_apop_auth", false) ||
                        (use_pop_auth && pop_auth_method == 1);
      const bool oauth2 = claws ? use_pop_auth && pop_auth_method == 2 : pop_auth_method == 8;
      if (oauth2) {
        in.authentication = AuthMethod::OAuth2;
      } else if (apop) {
        in.authentication = AuthMethod::Apop;
      } else if (reading.protocol.rpop) {
        in.authentication = AuthMethod::Any;
      } else {
        in.authentication = AuthMethod::PasswordCleartext;
      }
    } else if (in.protocol == Protocol::Imap) {
      in.authentication = imap_auth_of(keys.integer("imap_auth_method", 0), keys.claws());
    } else {
      in.authentication =
          keys.boolean("use_nntp_auth", false) ? AuthMethod::PasswordCleartext : AuthMethod::None;
    }
  } else {
    // A local mailbox (or Claws' "none"): nothing is received from a server, but mail may
    // still be sent through the SMTP server below.
    in.authentication = AuthMethod::None;
  }

  const std::string_view smtp_server = keys.view("smtp_server");
  const bool uses_mail_command = keys.claws() && keys.boolean("use_mail_command", false) &&
                                 !keys.raw("mail_command").value_or("sendmail").empty();
  if (smtp_server.empty() || uses_mail_command) {
    account.outgoing.reset();
    return;
  }

  ServerSettings& out = account.outgoing ? *account.outgoing : account.outgoing.emplace();
  clear_keeping_storage(out);
  out.protocol = Protocol::Smtp;
  out.hostname.assign(smtp_server);
  out.socket_type = socket_of(keys.ssl("ssl_smtp"));
  out.port = keys.boolean("set_smtpport", false) ? keys.port("smtp_port", 25)
                                                 : default_port(Protocol::Smtp, out.socket_type);
  // POP before SMTP is done only for a POP3 account (send_message.c).
  if (keys.boolean("pop_before_smtp", false) && in.protocol == Protocol::Pop3) {
    out.authentication = AuthMethod::SmtpAfterPop;
  } else if (!keys.boolean("use_smtp_auth", keys.claws())) {
    out.authentication = AuthMethod::None;
  } else {
    out.authentication = smtp_auth_of(keys.integer("smtp_auth_method", 0), keys.claws());
  }
  // An empty smtp_user_id makes the client log in with the receive user and password.
  const std::string_view smtp_user = keys.view("smtp_user_id");
  out.username.assign(smtp_user.empty() ? keys.view("user_id") : smtp_user);
}

AccountReading read_account(const AccountKeys& keys, bool sylpheed_numbering, std::string id) {
  AccountReading reading;
  reading.account.id = std::move(id);
  read_account(keys, sylpheed_numbering, reading);
  return reading;
}

std::string describe(const std::string& path, std::size_t line, const std::string& message) {
  return ParseResult::failure(line, 0, message).describe(path);
}

}  // namespace

LoadResult AccountrcProfile::make(ClientKind client, std::string folder, AccountrcFiles files) {
  LoadResult loaded;
  std::unique_ptr<AccountrcProfile> profile(new AccountrcProfile(client, std::move(folder)));

  AccountrcDocument document;
  // The document takes the bytes: they are held once, there.
  const ParseResult parsed = AccountrcDocument::parse(std::move(files.accountrc.bytes), document);
  if (!parsed) {
    loaded.error = parsed.describe(files.accountrc.path);
    return loaded;
  }
  const auto& sections = document.sections();
  profile->section_of_id_.reserve(sections.size());
  for (std::size_t index = 0; index < sections.size(); ++index) {
    const auto& section = sections[index];
    const std::size_t line = section.first_number;
    const auto number = account_number(section.name);
    if (!number) {
      loaded.error = describe(
          files.accountrc.path, line,
          "invalid section header [" + section.name + "]: expected [Account: N] with a number N");
      return loaded;
    }
    // The id is the number as the client reads it, so "Account: 07" repeats "Account: 7".
    if (auto [first, inserted] = profile->section_of_id_.emplace(std::to_string(*number), index);
        !inserted) {
      loaded.error = describe(files.accountrc.path, line,
                              "duplicate section [" + section.name + "] (first on line " +
                                  std::to_string(sections[first->second].first_number) +
                                  "): the client would read the first one twice");
      return loaded;
    }
  }
  profile->document_ = std::move(document);
  profile->accountrc_path_ = std::move(files.accountrc.path);

  if (files.clawsrc) {
    AccountrcDocument clawsrc;
    if (const ParseResult parsed_clawsrc = AccountrcDocument::parse(files.clawsrc->bytes, clawsrc);
        !parsed_clawsrc) {
      loaded.error = parsed_clawsrc.describe(files.clawsrc->path);
      return loaded;
    }
    if (const auto* common = clawsrc.find_section("Common")) {
      if (auto version = clawsrc.value(*common, "config_version")) {
        profile->clawsrc_config_version_ = static_cast<int>(c_atoi(*version));
      }
    }
    profile->read_only_files_.push_back(
        {std::move(files.clawsrc->path), ReadOnlyDocument(std::move(files.clawsrc->bytes))});
  }
  if (files.passwordstorerc) {
    profile->saved_passwords_ = read_saved_passwords(files.passwordstorerc->bytes);
    profile->read_only_files_.push_back(
        {std::move(files.passwordstorerc->path),
         ReadOnlyDocument(std::move(files.passwordstorerc->bytes))});
  }
  loaded.profile = std::move(profile);
  return loaded;
}

const AccountrcDocument::Section* AccountrcProfile::section_of(
    const std::string& account_id) const {
  const auto found = section_of_id_.find(account_id);
  return found == section_of_id_.end() ? nullptr : &document_.sections()[found->second];
}

std::vector<ProfileFile> AccountrcProfile::files() const {
  std::vector<ProfileFile> files{{accountrc_path_, &document_}};
  for (const ReadOnlyFile& file : read_only_files_) files.push_back({file.path, &file.document});
  return files;
}

int AccountrcProfile::config_version(const std::string& account_id) const {
  const auto* section = section_of(account_id);
  int version = -1;  // Claws' "not stored"
  if (section != nullptr) {
    if (auto value = document_.value(*section, "config_version")) {
      version = static_cast<int>(c_atoi(*value));
    }
  }
  return version == -1 ? clawsrc_config_version_ : version;
}

bool AccountrcProfile::uses_sylpheed_numbering(const std::string& account_id) const {
  return client_ == kSylpheed || config_version(account_id) < 1;
}

bool AccountrcProfile::has_saved_password(const std::string& account_id,
                                          std::string_view kind) const {
  auto found = saved_passwords_.find(account_id);
  return found != saved_passwords_.end() && found->second.contains(std::string(kind));
}

std::vector<Account> AccountrcProfile::accounts() const {
  std::vector<Account> result;
  result.reserve(document_.sections().size());
  // The key tables built here find the repeated keys too, for findings().
  std::vector<Finding> repeated_keys;
  std::vector<std::size_t> repeats;
  for (const auto& section : document_.sections()) {
    const std::string id = std::to_string(*account_number(section.name));
    repeats.clear();
    const AccountKeys keys(section, client_, &repeats);
    for (const std::size_t line : repeats) {
      repeated_keys.push_back(repeated_key_finding(section, section.lines[line]));
    }
    result.push_back(read_account(keys, uses_sylpheed_numbering(id), id).account);
  }
  repeated_key_findings_ = std::move(repeated_keys);
  return result;
}

Finding AccountrcProfile::repeated_key_finding(const AccountrcDocument::Section& section,
                                               const AccountrcDocument::Line& line) const {
  return make_finding(
      "accountrc-duplicate-key", Severity::Info,
      N_("{file}:{line}: {key} appears more than once in [{section}]; {client} uses the "
         "last one."),
      {{"file", accountrc_path_},
       {"line", std::to_string(section.number_of(line))},
       {"key", std::string(section.key_of(line))},
       {"section", section.name},
       {"client", std::string(client_display_name(client_))}});
}

std::vector<Finding> AccountrcProfile::findings() const {
  // An edit never adds or removes a repeated key, nor moves an original line's number: what
  // accounts() found still holds.
  if (repeated_key_findings_) return *repeated_key_findings_;
  std::vector<Finding> found;
  std::vector<std::size_t> repeats;
  for (const auto& section : document_.sections()) {
    repeats.clear();
    const AccountKeys keys(section, client_, &repeats);
    for (const std::size_t line : repeats) {
      found.push_back(repeated_key_finding(section, section.lines[line]));
    }
  }
  return found;
}

std::string AccountrcProfile::display_text(const ProfileFile& file, std::string_view bytes) const {
  if (boost::filesystem::path(file.path).filename() == "passwordstorerc") {
    return masked_passwordstore(bytes);
  }

  std::string out;
  std::size_t begin = 0;
  while (begin < bytes.size()) {
    const std::size_t newline = bytes.find('\n', begin);
    const std::size_t end = newline == std::string_view::npos ? bytes.size() : newline + 1;
    const std::string_view line = bytes.substr(begin, end - begin);
    const std::size_t equals = line.find('=');
    if (!line.starts_with('[') && equals != std::string_view::npos &&
        is_secret_key(line.substr(0, equals))) {
      std::size_t value_end = line.size();
      while (value_end > equals + 1 && (line[value_end - 1] == '\n' || line[value_end - 1] == '\r'))
        --value_end;
      out += printable(line.substr(0, equals + 1));
      if (value_end > equals + 1) out += kMask;
      out.append(line.substr(value_end));
    } else {
      out += printable(line);
    }
    begin = end;
  }
  return out;
}

namespace {

// Turns the wanted effective settings of one account into key edits, one key at a time.
class AccountWriter {
 public:
  AccountWriter(AccountrcDocument& document, std::size_t section_index, ClientKind client,
                bool sylpheed_numbering)
      : document_(document),
        section_index_(section_index),
        client_(client),
        sylpheed_numbering_(sylpheed_numbering) {}

  // Both are read again only after an edit.
  const AccountKeys& keys() const {
    if (!keys_) keys_.emplace(section(), client_);
    return *keys_;
  }
  const AccountReading& read() const {
    if (!reading_current_) read_account(keys(), sylpheed_numbering_, reading_);
    reading_current_ = true;
    return reading_;
  }
  bool claws() const { return client_ == kClawsMail; }

  void set(std::string_view key, std::string_view value) {
    reading_current_ = false;
    // A key the table knows is replaced where it is, without looking for its line again.
    if (const auto line = keys_ ? keys_->effective_line(key) : std::nullopt) {
      document_.replace_value(section_index_, *line, value);
      return;
    }
    const auto order = claws() ? claws_key_order() : sylpheed_key_order();
    const std::size_t lines_before = section().lines.size();
    document_.set_value(section_index_, key, value, order);
    // A replaced value leaves every line where it was, so the key table still holds.
    if (section().lines.size() != lines_before) keys_.reset();
  }
  void ensure_text(std::string_view key, std::string_view value) {
    if (keys().view(key) != value) set(key, value);
  }
  void ensure_integer(std::string_view key, int value, int fallback) {
    if (keys().integer(key, fallback) != value) set(key, std::to_string(value));
  }
  void ensure_boolean(std::string_view key, bool value, bool fallback) {
    if (keys().boolean(key, fallback) != value) set(key, value ? "1" : "0");
  }

 private:
  const AccountrcDocument::Section& section() const { return document_.sections()[section_index_]; }

  AccountrcDocument& document_;
  std::size_t section_index_;
  mutable std::optional<AccountKeys> keys_;
  mutable AccountReading reading_;  // read again, into the same strings, after an edit
  mutable bool reading_current_ = false;
  ClientKind client_;
  bool sylpheed_numbering_;
};

std::string rule_for(const std::vector<Change>& changes, FieldRef field) {
  for (const Change& change : changes) {
    if (parse_field_name(change.field) == field) return change.rule;
  }
  return changes.empty() ? std::string() : changes.front().rule;
}

}  // namespace

const char* const kCannotSet =
    N_("{client} cannot be set to {field} = {value} by mailmig for account {account}; set "
       "it by hand in the account settings.");

ClientCapabilities accountrc_capabilities(ClientKind client, Protocol incoming) {
  ClientCapabilities capabilities;
  capabilities.client_name = client_display_name(client);
  capabilities.adds_outgoing_server = false;
  capabilities.pop3.authentication = {AuthMethod::PasswordCleartext, AuthMethod::Apop};
  capabilities.imap.authentication = {AuthMethod::PasswordCleartext, AuthMethod::PasswordEncrypted};
  capabilities.nntp.authentication = {AuthMethod::PasswordCleartext, AuthMethod::None};
  capabilities.smtp.authentication = {AuthMethod::None, AuthMethod::PasswordCleartext,
                                      AuthMethod::PasswordEncrypted};
  if (incoming == Protocol::Pop3) capabilities.smtp.authentication.add(AuthMethod::SmtpAfterPop);
  capabilities.wordings.other = kCannotSet;
  capabilities.wordings.invalid_value = kCannotSet;
  return capabilities;
}

ClientCapabilities AccountrcProfile::capabilities(const Account& account) const {
  return accountrc_capabilities(client_, account.incoming.protocol);
}

std::vector<Finding> AccountrcProfile::apply(const EditPlan& plan) {
  const std::string& account_id = plan.account_id;
  const std::vector<Change>& changes = plan.changes;
  std::vector<Finding> findings;
  const std::string client_name(client_display_name(client_));
  const AccountrcDocument::Section* section = section_of(account_id);
  if (section == nullptr) {
    for (const Change& change : changes) {
      findings.push_back(make_finding(change.rule, Severity::ActionRequired,
                                      N_("Account {account} was not found in {file}; change "
                                         "{field} to {value} by hand in {client}."),
                                      {{"account", account_id},
                                       {"file", accountrc_path_},
                                       {"field", change.field},
                                       {"value", change.to},
                                       {"client", client_name}}));
    }
    return findings;
  }

  const bool claws = client_ == kClawsMail;
  const bool sylpheed_numbering = uses_sylpheed_numbering(account_id);
  AccountWriter writer(document_, static_cast<std::size_t>(section - document_.sections().data()),
                       client_, sylpheed_numbering);
  const AccountReading before = writer.read();
  const std::string account_name = before.account.name;
  Account wanted = plan.after;
  std::vector<FieldRef> changed;
  for (const Change& change : changes) {
    if (const auto field = parse_field_name(change.field)) changed.push_back(*field);
  }
  auto is_changed = [&](Side side, FieldKind kind) {
    return std::find(changed.begin(), changed.end(), FieldRef{side, kind}) != changed.end();
  };

  // Incoming server.
  ServerSettings& in = wanted.incoming;
  const ServerSettings& in_before = before.account.incoming;
  const bool protocol_change = in.protocol != in_before.protocol;
  if (protocol_change) {
    {
      // A port the client chose by default stays the client's default for the new protocol.
      if (!is_changed(Side::Incoming, FieldKind::Port) &&
          in.port == default_port(in_before.protocol, in.socket_type)) {
        in.port = default_port(in.protocol, in.socket_type);
      }
      if (in.protocol == Protocol::Imap && in.authentication == AuthMethod::Apop) {
        in.authentication = AuthMethod::PasswordCleartext;
      }
      writer.ensure_integer("protocol", encode_protocol(in.protocol, sylpheed_numbering), 0);
      findings.push_back(make_finding(
          rule_for(changes, {Side::Incoming, FieldKind::Protocol}), Severity::ActionRequired,
          N_("Account {account} now receives with {protocol}: in {client}, check its inbox and "
             "folder settings, because the folders of the old protocol are not moved."),
          {{"account", account_name},
           {"protocol", std::string(to_string(in.protocol))},
           {"client", client_name}}));
    }
  }

  if (const auto receive = receive_keys(in.protocol)) {
    if (in.hostname != writer.read().account.incoming.hostname) {
      writer.ensure_text(receive->server, in.hostname);
    }
    writer.ensure_integer(receive->ssl, ssl_code(in.socket_type), claws ? 1 : 0);
    if (writer.read().account.incoming.port != in.port) {
      writer.ensure_boolean(receive->set_port, true, false);
      writer.ensure_integer(receive->port, in.port, receive->plain_port);
    }

    const AccountReading now = writer.read();
    if (in.authentication != now.account.incoming.authentication) {
      const auto method = in.authentication;
      if (in.protocol == Protocol::Pop3 && method == AuthMethod::PasswordCleartext) {
        writer.ensure_boolean("use_apop_auth", false, false);
        if (now.protocol.legacy_apop) writer.set("protocol", "0");
        if (claws) {
          writer.ensure_boolean("use_pop_auth", false, false);
          writer.ensure_integer("pop_auth_method", 0, 0);
        } else if (writer.keys().integer("pop_auth_method", 0) == 8) {
          writer.set("pop_auth_method", "0");
        }
      } else if (in.protocol == Protocol::Pop3 && method == AuthMethod::Apop) {
        // Claws since config_version 4 keeps APOP in use_pop_auth + pop_auth_method.
        if (claws && config_version(account_id) >= 4) {
          writer.ensure_boolean("use_pop_auth", true, false);
          writer.ensure_integer("pop_auth_method", 1, 0);
        } else {
          writer.ensure_boolean("use_apop_auth", true, false);
        }
      } else if (in.protocol == Protocol::Imap && method == AuthMethod::PasswordCleartext) {
        writer.ensure_integer("imap_auth_method", 0, 0);
      } else if (in.protocol == Protocol::Imap && method == AuthMethod::PasswordEncrypted) {
        writer.ensure_integer("imap_auth_method", 2, 0);
      } else if (in.protocol == Protocol::Nntp &&
                 (method == AuthMethod::PasswordCleartext || method == AuthMethod::None)) {
        writer.ensure_boolean("use_nntp_auth", method == AuthMethod::PasswordCleartext, false);
      }
    }

    if (in.username != writer.read().account.incoming.username) {
      const std::string old_user = writer.keys().text("user_id");
      writer.ensure_text("user_id", in.username);
      findings.push_back(make_finding(
          rule_for(changes, {Side::Incoming, FieldKind::Username}), Severity::ActionRequired,
          N_("The user name of account {account} is now {username}: enter its password in "
             "{client} when asked, because the saved password belongs to the old user name."),
          {{"account", account_name}, {"username", in.username}, {"client", client_name}}));
      // The outgoing server logs in with the receive user unless it has its own.
      if (wanted.outgoing && !is_changed(Side::Outgoing, FieldKind::Username) &&
          wanted.outgoing->username == old_user && writer.keys().view("smtp_user_id").empty()) {
        wanted.outgoing->username = in.username;
      }
    }
  }

  // Outgoing server.
  if (wanted.outgoing && writer.read().account.outgoing) {
    ServerSettings& out = *wanted.outgoing;
    writer.ensure_text("smtp_server", out.hostname);
    writer.ensure_integer("ssl_smtp", ssl_code(out.socket_type), claws ? 1 : 0);
    if (writer.read().account.outgoing->port != out.port) {
      writer.ensure_boolean("set_smtpport", true, false);
      writer.ensure_integer("smtp_port", out.port, 25);
    }

    const bool incoming_is_pop3 = writer.read().account.incoming.protocol == Protocol::Pop3;
    if (out.authentication != writer.read().account.outgoing->authentication) {
      const auto method = out.authentication;
      const int current_method = writer.keys().integer("smtp_auth_method", 0);
      if (method == AuthMethod::None) {
        writer.ensure_boolean("pop_before_smtp", false, false);
        writer.ensure_boolean("use_smtp_auth", false, claws);
      } else if (method == AuthMethod::SmtpAfterPop && incoming_is_pop3) {
        writer.ensure_boolean("pop_before_smtp", true, false);
        writer.ensure_boolean("use_smtp_auth", false, claws);
      } else if (method == AuthMethod::PasswordCleartext) {
        writer.ensure_boolean("pop_before_smtp", false, false);
        writer.ensure_boolean("use_smtp_auth", true, claws);
        if (smtp_auth_of(current_method, claws) != AuthMethod::PasswordCleartext) {
          writer.set("smtp_auth_method", "0");  // automatic
        }
      } else if (method == AuthMethod::PasswordEncrypted) {
        writer.ensure_boolean("pop_before_smtp", false, false);
        writer.ensure_boolean("use_smtp_auth", true, claws);
        writer.ensure_integer("smtp_auth_method", 2, 0);  // CRAM-MD5
      }
    }

    if (out.username != writer.read().account.outgoing->username) {
      if (out.username == writer.keys().view("user_id")) {
        writer.ensure_text("smtp_user_id", "");  // use the receive user and password
      } else {
        writer.ensure_text("smtp_user_id", out.username);
        const auto method = writer.read().account.outgoing->authentication;
        if (method != AuthMethod::None && method != AuthMethod::SmtpAfterPop) {
          findings.push_back(make_finding(
              rule_for(changes, {Side::Outgoing, FieldKind::Username}), Severity::ActionRequired,
              N_("Account {account} now sends as {username}: enter the SMTP password for it in "
                 "{client} (account settings, Send tab), because it differs from the receive "
                 "user."),
              {{"account", account_name}, {"username", out.username}, {"client", client_name}}));
        }
      }
    }
  }

  // Every change must read back from the new bytes; report any that does not.
  const Account& after = writer.read().account;
  for (const FieldRef field : changed) {
    const auto value = read_field(after, field);
    const auto target = read_field(wanted, field);
    if (value != target) {
      findings.push_back(make_finding(
          rule_for(changes, field), Severity::ActionRequired,
          N_("mailmig could not set {field} to {value} for account {account}; set it by hand "
             "in {client}."),
          {{"field", field_name(field)},
           {"value", target.value_or("")},
           {"account", account_name},
           {"client", client_name}}));
    }
  }
  return findings;
}

namespace {

std::optional<AccountrcFile> read_optional(const boost::filesystem::path& path,
                                           std::string& error) {
  boost::system::error_code ignored;
  if (!boost::filesystem::exists(path, ignored)) return std::nullopt;
  // generic_string() here and below: Boost joins with '\\' on Windows; mailmig's paths use '/'.
  ReadResult read = read_file(path.generic_string());
  if (!read) {
    error = read.error;
    return std::nullopt;
  }
  return AccountrcFile{path.generic_string(), std::move(read.bytes)};
}

LoadResult load_profile(ClientKind client, const std::string& dir) {
  namespace fs = boost::filesystem;
  boost::system::error_code ignored;
  fs::path folder(dir);
  fs::path accountrc = folder / "accountrc";
  if (fs::is_regular_file(folder, ignored)) {
    accountrc = folder;
    folder = folder.parent_path();
  }
  LoadResult loaded;
  ReadResult read = read_file(accountrc.generic_string());
  if (!read) {
    loaded.error = read.error;
    return loaded;
  }
  AccountrcFiles files;
  files.accountrc = {accountrc.generic_string(), std::move(read.bytes)};
  if (client == kClawsMail) {
    files.clawsrc = read_optional(folder / "clawsrc", loaded.error);
    if (!loaded.error.empty()) return loaded;
    files.passwordstorerc = read_optional(folder / "passwordstorerc", loaded.error);
    if (!loaded.error.empty()) return loaded;
  }
  return AccountrcProfile::make(client, folder.generic_string(), std::move(files));
}

}  // namespace

LoadResult load_sylpheed_profile(const std::string& dir) { return load_profile(kSylpheed, dir); }

LoadResult load_claws_profile(const std::string& dir) { return load_profile(kClawsMail, dir); }

bool looks_like_claws_accountrc(std::string_view bytes) {
  static constexpr std::array<std::string_view, 8> kClawsOnlyKeys = {
      "config_version",   "use_pop_auth", "pop_before_smtp_timeout", "local_mbox",
      "use_mail_command", "use_tls_sni",  "ssl_certs_auto_accept",   "max_news_articles"};
  std::size_t begin = 0;
  while (begin < bytes.size()) {
    std::size_t end = bytes.find('\n', begin);
    if (end == std::string_view::npos) end = bytes.size();
    const std::string_view line = bytes.substr(begin, end - begin);
    const std::size_t equals = line.find('=');
    if (equals != std::string_view::npos &&
        std::find(kClawsOnlyKeys.begin(), kClawsOnlyKeys.end(), line.substr(0, equals)) !=
            kClawsOnlyKeys.end()) {
      return true;
    }
    begin = end + 1;
  }
  return false;
}

}  // namespace mailmig
