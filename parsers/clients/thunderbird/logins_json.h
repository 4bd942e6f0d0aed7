// logins.json (Thunderbird's saved passwords) as a lossless document: nlohmann-json validates
// and reads it, a small scanner of our own finds the byte spans, and every edit splices bytes,
// so the rest of the file stays exactly as Thunderbird wrote it (one line, no final newline).
//
// The user name and password are encrypted with the profile's key4.db; mailmig never decrypts
// them. A login is therefore matched by its origin alone ("imap://host"), never by user name.
#pragma once

#include <cstddef>
#include <cstdint>
#include <functional>
#include <nlohmann/json_fwd.hpp>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "src/model/lossless_document.h"
#include "src/model/parse_result.h"

namespace mailmig {

struct SavedLogin {
  std::int64_t id = 0;
  std::string hostname;                   // the origin, "imap://imap.example.com"
  std::optional<std::string> http_realm;  // null or absent: nullopt
  std::string guid;
  bool has_encrypted_username = false;
  bool has_encrypted_password = false;
};

// Produces "{xxxxxxxx-xxxx-4xxx-yxxx-xxxxxxxxxxxx}"; tests pass a fixed one.
using GuidSource = std::function<std::string()>;
// A fresh random version-4 UUID in braces, from /dev/urandom.
std::string random_guid();

class LoginsJson final : public LosslessDocument {
 public:
  ParseResult load(std::string bytes);

  const std::vector<SavedLogin>& logins() const { return logins_; }
  // ASCII case-insensitive, as origins are compared by Thunderbird after URI normalisation.
  bool has_origin(std::string_view origin) const;

  // Gives every login whose hostname is `from` the origin `to`, in hostname and (when it equals
  // `from`) httpRealm: what Thunderbird's own migratePassword does. Returns how many changed.
  std::size_t rename_origin(std::string_view from, std::string_view to);

  // Appends to `logins` a copy of every login whose hostname is `from`, with every field kept
  // (encrypted and unknown ones too) except id = nextId, a fresh guid, and hostname = httpRealm
  // = `to`; nextId grows by one a copy. The copy has the source object's own formatting.
  // Returns how many were copied (0 when the file has no nextId to number them with).
  std::size_t copy_origin(std::string_view from, std::string_view to,
                          const GuidSource& guid = random_guid);

  std::string original() const override { return original_; }
  bool changed() const override { return text_ != original_; }
  std::string serialize() const override { return text_; }

 private:
  struct Span {
    std::size_t begin = 0;
    std::size_t end = 0;
  };
  struct MemberSpans {
    std::optional<Span> id, hostname, http_realm, guid;
    Span object;
  };

  ParseResult rescan();
  ParseResult read_logins(const nlohmann::json& document);

  std::string original_;  // the bytes given to load()
  std::string text_;      // with the edits
  std::vector<SavedLogin> logins_;
  std::vector<MemberSpans> spans_;
  std::optional<Span> next_id_;
  std::optional<std::int64_t> next_id_value_;
};

// The file's bytes with the value of every "encrypted..." member replaced by "********", for
// showing to a person; a fixed notice instead when the bytes are not a readable logins.json.
std::string mask_logins_secrets(std::string_view bytes);

}  // namespace mailmig
