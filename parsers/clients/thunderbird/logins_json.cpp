#include "parsers/clients/thunderbird/logins_json.h"

#include <algorithm>
#include <array>
#include <cstdio>
#include <fstream>
#include <nlohmann/json.hpp>
#include <random>
#include <tuple>

namespace mailmig {
namespace {

using json = nlohmann::json;

// Finds where values begin and end in JSON that nlohmann has already accepted, so it only
// has to step over tokens, never judge them.
class JsonSpans {
 public:
  explicit JsonSpans(std::string_view text) : text_(text) {}

  std::size_t skip_space(std::size_t pos) const {
    while (pos < text_.size() &&
           (text_[pos] == ' ' || text_[pos] == '\t' || text_[pos] == '\n' || text_[pos] == '\r')) {
      ++pos;
    }
    return pos;
  }

  // The end of the value starting at `pos` (spaces already skipped).
  std::size_t value_end(std::size_t pos) const {
    if (pos >= text_.size()) return text_.size();
    const char c = text_[pos];
    if (c == '"') return string_end(pos);
    if (c == '{' || c == '[') {
      const char close = c == '{' ? '}' : ']';
      pos = skip_space(pos + 1);
      while (pos < text_.size() && text_[pos] != close) {
        if (c == '{') {
          pos = skip_space(string_end(pos));  // the key
          pos = skip_space(pos + 1);          // the ':'
        }
        pos = skip_space(value_end(pos));
        if (pos < text_.size() && text_[pos] == ',') pos = skip_space(pos + 1);
      }
      return std::min(pos + 1, text_.size());
    }
    while (pos < text_.size() &&
           std::string_view(",]} \t\r\n").find(text_[pos]) == std::string_view::npos) {
      ++pos;
    }
    return pos;
  }

  std::size_t string_end(std::size_t pos) const {
    ++pos;  // the opening quote
    while (pos < text_.size() && text_[pos] != '"') pos += text_[pos] == '\\' ? 2 : 1;
    return std::min(pos + 1, text_.size());
  }

  struct Member {
    std::string key;
    std::size_t begin = 0;  // the value
    std::size_t end = 0;
  };

  // The members of the object at `pos`, keys decoded.
  std::vector<Member> members(std::size_t pos) const {
    std::vector<Member> out;
    pos = skip_space(pos + 1);
    while (pos < text_.size() && text_[pos] == '"') {
      const std::size_t key_end = string_end(pos);
      Member member;
      const std::string_view quoted = text_.substr(pos, key_end - pos);
      // Keys are plain ASCII names; only one with an escape needs a JSON decoder.
      member.key = quoted.find('\\') == std::string_view::npos
                       ? std::string(quoted.substr(1, quoted.size() - 2))
                       : json::parse(quoted).get<std::string>();
      member.begin = skip_space(skip_space(key_end) + 1);
      member.end = value_end(member.begin);
      pos = skip_space(member.end);
      out.push_back(std::move(member));
      if (pos < text_.size() && text_[pos] == ',') pos = skip_space(pos + 1);
    }
    return out;
  }

  // The [begin, end) of each element of the array at `pos`.
  std::vector<std::pair<std::size_t, std::size_t>> elements(std::size_t pos) const {
    std::vector<std::pair<std::size_t, std::size_t>> out;
    pos = skip_space(pos + 1);
    while (pos < text_.size() && text_[pos] != ']') {
      const std::size_t end = value_end(pos);
      out.emplace_back(pos, end);
      pos = skip_space(end);
      if (pos < text_.size() && text_[pos] == ',') pos = skip_space(pos + 1);
    }
    return out;
  }

 private:
  std::string_view text_;
};

bool iequals(std::string_view a, std::string_view b) {
  return std::equal(a.begin(), a.end(), b.begin(), b.end(), [](char x, char y) {
    auto lower = [](char c) { return c >= 'A' && c <= 'Z' ? static_cast<char>(c + 32) : c; };
    return lower(x) == lower(y);
  });
}

std::string json_string(std::string_view text) { return json(std::string(text)).dump(); }

struct Splice {
  std::size_t begin;
  std::size_t length;
  std::string replacement;
};

void apply_splices(std::string& text, std::vector<Splice> splices) {
  std::sort(splices.begin(), splices.end(),
            [](const Splice& a, const Splice& b) { return a.begin > b.begin; });
  for (const Splice& splice : splices)
    text.replace(splice.begin, splice.length, splice.replacement);
}

ParseResult failure_at(std::string_view text, std::size_t offset, std::string message) {
  offset = std::min(offset, text.size());
  const std::size_t line = 1 + static_cast<std::size_t>(std::count(
                                   text.begin(), text.begin() + static_cast<long>(offset), '\n'));
  const std::size_t line_start = text.rfind('\n', offset == 0 ? 0 : offset - 1);
  const std::size_t column =
      offset - (line_start == std::string_view::npos || offset == 0 ? 0 : line_start + 1) + 1;
  return ParseResult::failure(line, column, std::move(message));
}

}  // namespace

std::string random_guid() {
  std::array<unsigned char, 16> bytes{};
  std::ifstream urandom("/dev/urandom", std::ios::binary);
  if (!urandom.read(reinterpret_cast<char*>(bytes.data()), bytes.size())) {
    std::random_device device;  // getrandom(2) where /dev/urandom is not readable
    for (auto& byte : bytes) byte = static_cast<unsigned char>(device());
  }
  bytes[6] = static_cast<unsigned char>((bytes[6] & 0x0F) | 0x40);  // version 4
  bytes[8] = static_cast<unsigned char>((bytes[8] & 0x3F) | 0x80);  // RFC 4122 variant
  std::string out = "{";
  for (std::size_t i = 0; i < bytes.size(); ++i) {
    if (i == 4 || i == 6 || i == 8 || i == 10) out += '-';
    char hex[3];
    std::snprintf(hex, sizeof hex, "%02x", bytes[i]);
    out += hex;
  }
  return out + "}";
}

ParseResult LoginsJson::load(std::string bytes) {
  original_ = bytes;
  text_ = std::move(bytes);
  return rescan();
}

ParseResult LoginsJson::rescan() {
  logins_.clear();
  spans_.clear();
  next_id_.reset();
  next_id_value_.reset();

  json document;
  try {
    document = json::parse(text_);
    return read_logins(document);
  } catch (const json::parse_error& error) {
    // nlohmann's own text quotes the bytes it read, which may be part of a secret.
    return failure_at(text_, error.byte == 0 ? 0 : error.byte - 1, "not valid JSON");
  } catch (const json::exception&) {
    return failure_at(text_, 0, "not valid JSON");
  }
}

ParseResult LoginsJson::read_logins(const nlohmann::json& document) {
  if (!document.is_object()) return failure_at(text_, 0, "expected a JSON object");
  const JsonSpans scanner(text_);
  const std::size_t top = scanner.skip_space(0);
  for (const auto& member : scanner.members(top)) {
    const json& value = document.at(member.key);
    if (member.key == "nextId") {
      if (!value.is_number_integer()) {
        return failure_at(text_, member.begin, "\"nextId\" must be an integer");
      }
      next_id_ = Span{member.begin, member.end};
      next_id_value_ = value.get<std::int64_t>();
    } else if (member.key == "logins") {
      if (!value.is_array()) return failure_at(text_, member.begin, "\"logins\" must be an array");
      spans_.clear();
      logins_.clear();
      const auto elements = scanner.elements(member.begin);
      for (std::size_t i = 0; i < elements.size(); ++i) {
        const json& login = value.at(i);
        if (!login.is_object()) {
          return failure_at(text_, elements[i].first, "each login must be a JSON object");
        }
        SavedLogin saved;
        MemberSpans spans;
        spans.object = Span{elements[i].first, elements[i].second};
        for (const auto& field : scanner.members(elements[i].first)) {
          const Span span{field.begin, field.end};
          const json& field_value = login.at(field.key);
          if (field.key == "id") {
            spans.id = span;
            if (field_value.is_number_integer()) saved.id = field_value.get<std::int64_t>();
          } else if (field.key == "hostname") {
            spans.hostname = span;
            saved.hostname = field_value.is_string() ? field_value.get<std::string>() : "";
          } else if (field.key == "httpRealm") {
            spans.http_realm = span;
            saved.http_realm = field_value.is_string()
                                   ? std::optional(field_value.get<std::string>())
                                   : std::nullopt;
          } else if (field.key == "guid") {
            spans.guid = span;
            saved.guid = field_value.is_string() ? field_value.get<std::string>() : "";
          } else if (field.key == "encryptedUsername") {
            saved.has_encrypted_username = true;
          } else if (field.key == "encryptedPassword") {
            saved.has_encrypted_password = true;
          }
        }
        logins_.push_back(std::move(saved));
        spans_.push_back(spans);
      }
    }
  }
  return ParseResult::success();
}

bool LoginsJson::has_origin(std::string_view origin) const {
  return std::any_of(logins_.begin(), logins_.end(),
                     [&](const SavedLogin& login) { return iequals(login.hostname, origin); });
}

std::size_t LoginsJson::rename_origin(std::string_view from, std::string_view to) {
  std::vector<Splice> splices;
  std::size_t renamed = 0;
  for (std::size_t i = 0; i < logins_.size(); ++i) {
    if (!iequals(logins_[i].hostname, from) || !spans_[i].hostname) continue;
    const Span host = *spans_[i].hostname;
    splices.push_back({host.begin, host.end - host.begin, json_string(to)});
    if (spans_[i].http_realm && logins_[i].http_realm && iequals(*logins_[i].http_realm, from)) {
      const Span realm = *spans_[i].http_realm;
      splices.push_back({realm.begin, realm.end - realm.begin, json_string(to)});
    }
    ++renamed;
  }
  if (renamed == 0) return 0;
  apply_splices(text_, std::move(splices));
  rescan();
  return renamed;
}

std::size_t LoginsJson::copy_origin(std::string_view from, std::string_view to,
                                    const GuidSource& guid) {
  if (!next_id_ || !next_id_value_) return 0;
  std::int64_t next_id = *next_id_value_;
  std::string appended;
  std::size_t copied = 0;
  for (std::size_t i = 0; i < logins_.size(); ++i) {
    if (!iequals(logins_[i].hostname, from)) continue;
    const MemberSpans& spans = spans_[i];
    const std::size_t base = spans.object.begin;
    std::string object = text_.substr(base, spans.object.end - base);
    // Replace the four members in place (keeping the source's order and style); add any that
    // the source lacks right after its '{'.
    const std::tuple<const char*, std::optional<Span>, std::string> fields[] = {
        {"id", spans.id, std::to_string(next_id)},
        {"hostname", spans.hostname, json_string(to)},
        {"httpRealm", spans.http_realm, json_string(to)},
        {"guid", spans.guid, json_string(guid())},
    };
    std::vector<Splice> splices;
    std::string missing;
    for (const auto& [key, span, value] : fields) {
      if (span) {
        splices.push_back({span->begin - base, span->end - span->begin, value});
      } else {
        missing += json_string(key) + ":" + value + ",";
      }
    }
    apply_splices(object, std::move(splices));
    object.insert(1, missing);  // the source has members: at least its hostname
    appended += ',' + object;
    ++next_id;
    ++copied;
  }
  if (copied == 0) return 0;
  apply_splices(text_,
                {{spans_.back().object.end, 0, appended},
                 {next_id_->begin, next_id_->end - next_id_->begin, std::to_string(next_id)}});
  rescan();
  return copied;
}

std::string mask_logins_secrets(std::string_view bytes) {
  LoginsJson document;
  if (!document.load(std::string(bytes))) return "(logins.json: not shown, it is not valid JSON)";
  std::string text(bytes);
  const JsonSpans scanner(text);
  std::vector<Splice> splices;
  const std::size_t top = scanner.skip_space(0);
  for (const auto& member : scanner.members(top)) {
    if (member.key != "logins") continue;
    for (const auto& [begin, end] : scanner.elements(member.begin)) {
      for (const auto& field : scanner.members(begin)) {
        if (field.key.starts_with("encrypted") && text[field.begin] == '"') {
          splices.push_back({field.begin, field.end - field.begin, "\"********\""});
        }
      }
    }
  }
  apply_splices(text, std::move(splices));
  return text;
}

}  // namespace mailmig
