// What one run of mailmig found and did: the one report model that text, JSON, CSV, HTML and
// the SQLite report database are all written from.
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "src/model/account.h"
#include "src/model/change.h"
#include "src/model/client.h"
#include "src/model/finding.h"

namespace mailmig {

enum class ProfileStatus { Ok, Error, ClientRunning };
constexpr std::string_view to_string(ProfileStatus status) {
  switch (status) {
    case ProfileStatus::Ok: return "ok";
    case ProfileStatus::Error: return "error";
    case ProfileStatus::ClientRunning: return "client-running";
  }
  return "error";
}

struct AccountResult {
  Account account;  // as found, before any change (never holds a secret)
  std::vector<Change> changes;
  std::vector<Finding> findings;
};

struct FileResult {
  std::string path;
  bool changed = false;      // planned (plan) or written (apply)
  std::string backup_path;   // apply only: where the original bytes were kept
};

struct ProfileResult {
  ClientKind client = ClientKind::Thunderbird;
  std::string path;
  ProfileStatus status = ProfileStatus::Ok;
  std::string error;  // "file:line: message" when status is Error; the advice when ClientRunning
  std::vector<AccountResult> accounts;
  std::vector<FileResult> files;
  std::vector<Finding> findings;  // about the profile as a whole
};

struct RunInfo {
  std::string run_id;   // a UUID
  std::string command;  // "scan", "plan", "apply"
  std::string machine;
  std::string user;
  std::string time;     // UTC, ISO 8601: 2026-11-23T21:30:00Z
  std::string mailmig_version;
  std::string policy_name;
  std::string policy_hash;  // sha256 hex of the policy bytes; of "" for the built-in default
};

struct RunResult {
  RunInfo info;
  std::vector<ProfileResult> profiles;
  // About the run as a whole, when no profile can say it: "no mail program's settings were
  // found in /home/ann" (the rule is empty, the severity is Info).
  std::vector<Finding> notices;
};

}  // namespace mailmig
