#include "parsers/clients/outlook/live_outlook_profile.h"

#include <algorithm>
#include <utility>

#include "parsers/formats/reg/live_registry.h"
#include "parsers/formats/reg/reg_file.h"
#include "src/encoding/codec.h"

namespace mailmig {
namespace {

constexpr std::string_view kOutlookAccountsKey = "9375CFF0413111d3B88A00104B2A6676";
constexpr std::string_view kOfficeKey = "HKEY_CURRENT_USER\\Software\\Microsoft\\Office";
constexpr std::string_view kMessagingProfilesKey =
    "HKEY_CURRENT_USER\\Software\\Microsoft\\Windows NT\\CurrentVersion\\Windows Messaging "
    "Subsystem\\Profiles";
constexpr std::string_view kOmiAccountsKey =
    "HKEY_CURRENT_USER\\Software\\Microsoft\\Office\\Outlook\\OMI Account Manager\\Accounts";
constexpr std::string_view kIamAccountsKey =
    "HKEY_CURRENT_USER\\Software\\Microsoft\\Internet Account Manager\\Accounts";
constexpr std::string_view kMask = "********";

std::string child(std::string_view key, std::string_view name) {
  std::string path(key);
  path += '\\';
  path += name;
  return path;
}

// `path` is `parent` + "\" + one name; the name, or nullopt.
std::optional<std::string_view> child_name(std::string_view path, std::string_view parent) {
  if (path.size() <= parent.size() + 1 || path[parent.size()] != '\\' ||
      !reg_names_equal(path.substr(0, parent.size()), parent)) {
    return std::nullopt;
  }
  const std::string_view name = path.substr(parent.size() + 1);
  if (name.find('\\') != std::string_view::npos) return std::nullopt;
  return name;
}

bool is_account_number(std::string_view name) {
  return name.size() == 8 && std::all_of(name.begin(), name.end(), [](char c) {
           return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f') || (c >= 'A' && c <= 'F');
         });
}

// Whether `profile` is an Outlook MAPI profile's key: Office\<version>\Outlook\Profiles\<name>
// or Windows Messaging Subsystem\Profiles\<name>.
bool is_mapi_profile(std::string_view profile) {
  const std::size_t slash = profile.rfind('\\');
  if (slash == std::string_view::npos) return false;
  const std::string_view profiles = profile.substr(0, slash);
  if (!child_name(profile, profiles)) return false;
  if (reg_names_equal(profiles, kMessagingProfilesKey)) return true;
  constexpr std::string_view kTail = "\\Outlook\\Profiles";
  if (profiles.size() <= kTail.size() ||
      !reg_names_equal(profiles.substr(profiles.size() - kTail.size()), kTail)) {
    return false;
  }
  return child_name(profiles.substr(0, profiles.size() - kTail.size()), kOfficeKey).has_value();
}

// The keys that may hold the profile's accounts.
std::vector<std::string> candidate_account_keys(const RegistryStore& store,
                                                std::string_view profile) {
  const std::string parent =
      is_mapi_profile(profile) ? child(profile, kOutlookAccountsKey) : std::string(profile);
  std::vector<std::string> keys;
  for (const std::string& name : store.subkeys(parent)) {
    if (is_account_number(name)) keys.push_back(child(parent, name));
  }
  return keys;
}

// How the export writes a value so that regedit imports exactly its type and bytes: dword: for
// a REG_DWORD of four bytes, "..." for text that converts back to the same bytes, else hex(T):.
RegValue exact_reg_value(const RegistryValue& value) {
  if (value.type == kRegDword && value.data.size() == 4) {
    return RegValue::dword_value(value.name, *value.as_dword());
  }
  if (value.type == kRegSz) {
    if (const std::optional<std::string> text = value.as_string()) {
      const std::optional<RegistryValue> again = RegistryValue::string(value.name, *text);
      if (again && again->data == value.data) return RegValue::string(value.name, *text);
    }
  }
  return RegValue::binary(value.name, value.data, value.type);
}

// An empty version-5 export: the document that formats the lines.
RegFile empty_version5_export() {
  const std::string header = "Windows Registry Editor Version 5.00\r\n\r\n";
  Conversion units = from_utf8(header, "UTF-16LE");
  RegFile document;
  RegFile::parse("\xff\xfe" + units.text, document);
  return document;
}

bool contains_password(std::string_view name) {
  constexpr std::string_view kWord = "password";
  for (std::size_t i = 0; i + kWord.size() <= name.size(); ++i) {
    if (reg_names_equal(name.substr(i, kWord.size()), kWord)) return true;
  }
  return false;
}

}  // namespace

bool same_value(const std::optional<RegistryValue>& a, const std::optional<RegistryValue>& b) {
  if (!a || !b) return a.has_value() == b.has_value();
  return a->type == b->type && a->data == b->data;
}

StagedRegistryStore::Edit* StagedRegistryStore::find(std::string_view key_path,
                                                     std::string_view name) {
  for (Edit& edit : edits_) {
    if (reg_names_equal(edit.key, key_path) && reg_names_equal(edit.name, name)) return &edit;
  }
  return nullptr;
}

const StagedRegistryStore::Edit* StagedRegistryStore::find(std::string_view key_path,
                                                           std::string_view name) const {
  return const_cast<StagedRegistryStore*>(this)->find(key_path, name);
}

StagedRegistryStore::Edit& StagedRegistryStore::edit(std::string_view key_path,
                                                     std::string_view name) {
  if (Edit* found = find(key_path, name)) return *found;
  std::optional<RegistryValue> before = base_.read(key_path, name);
  // The name as the registry spells it, so that a deletion names the value it deletes.
  const std::string spelled = before ? before->name : std::string(name);
  edits_.push_back({std::string(key_path), spelled, before, before});
  return edits_.back();
}

std::vector<std::string> StagedRegistryStore::value_names(std::string_view key_path) const {
  std::vector<std::string> names;
  for (std::string& name : base_.value_names(key_path)) {
    const Edit* edited = find(key_path, name);
    if (!edited || edited->after) names.push_back(std::move(name));
  }
  for (const Edit& edit : edits_) {
    if (edit.after && !edit.before && reg_names_equal(edit.key, key_path)) {
      names.push_back(edit.name);
    }
  }
  return names;
}

std::optional<RegistryValue> StagedRegistryStore::read(std::string_view key_path,
                                                       std::string_view name) const {
  if (const Edit* edited = find(key_path, name)) return edited->after;
  return base_.read(key_path, name);
}

ParseResult StagedRegistryStore::write(std::string_view key_path, const RegistryValue& value) {
  if (!base_.has_key(key_path)) {
    return ParseResult::failure(0, 0, "no key [" + std::string(key_path) + "]");
  }
  Edit& edited = edit(key_path, value.name);
  edited.after = value;
  edited.after->name = edited.name;
  return ParseResult::success();
}

ParseResult StagedRegistryStore::remove(std::string_view key_path, std::string_view name) {
  edit(key_path, name).after.reset();
  return ParseResult::success();
}

std::vector<StagedRegistryStore::Edit> StagedRegistryStore::changes() const {
  std::vector<Edit> changed;
  for (const Edit& edit : edits_) {
    if (!same_value(edit.before, edit.after)) changed.push_back(edit);
  }
  return changed;
}

std::optional<std::string> render_values_export(const std::vector<StagedRegistryStore::Edit>& edits,
                                                bool after) {
  const RegFile document = empty_version5_export();
  std::vector<RegFile::Section> sections;
  for (const StagedRegistryStore::Edit& edit : edits) {
    auto section = std::find_if(sections.begin(), sections.end(), [&](const auto& known) {
      return reg_names_equal(known.raw_key_path, edit.key);
    });
    if (section == sections.end()) section = sections.insert(sections.end(), {edit.key, {}});
    const std::optional<RegistryValue>& value = after ? edit.after : edit.before;
    std::string line;
    const ParseResult formatted = value ? document.format_value_line(exact_reg_value(*value), line)
                                        : document.format_value_deletion(edit.name, line);
    if (!formatted) return std::nullopt;
    section->lines.push_back(std::move(line));
  }
  return document.render_export(sections);
}

std::vector<std::string> find_live_registry_profiles(const RegistryStore& store,
                                                     bool outlook_express) {
  std::vector<std::string> candidates;
  if (outlook_express) {
    candidates.emplace_back(kIamAccountsKey);
  } else {
    for (const std::string& version : store.subkeys(kOfficeKey)) {
      const std::string profiles = child(child(child(kOfficeKey, version), "Outlook"), "Profiles");
      for (const std::string& name : store.subkeys(profiles)) {
        candidates.push_back(child(profiles, name));
      }
    }
    for (const std::string& name : store.subkeys(kMessagingProfilesKey)) {
      candidates.push_back(child(kMessagingProfilesKey, name));
    }
    candidates.emplace_back(kOmiAccountsKey);
  }
  std::vector<std::string> profiles;
  for (std::string& profile : candidates) {
    if (!find_account_keys(store, candidate_account_keys(store, profile)).empty()) {
      profiles.push_back(std::move(profile));
    }
  }
  return profiles;
}

bool is_outlook_express_profile(std::string_view profile) {
  return reg_names_equal(profile, kIamAccountsKey);
}

bool is_live_account_key(std::string_view profile, std::string_view key) {
  if (is_mapi_profile(profile)) {
    const std::string accounts = child(profile, kOutlookAccountsKey);
    const std::optional<std::string_view> number = child_name(key, accounts);
    return number && is_account_number(*number);
  }
  if (!reg_names_equal(profile, kIamAccountsKey) && !reg_names_equal(profile, kOmiAccountsKey)) {
    return false;
  }
  const std::optional<std::string_view> number = child_name(key, profile);
  return number && is_account_number(*number);
}

LiveOutlookProfile::LiveOutlookProfile(ClientKind client, std::string profile_key,
                                       std::unique_ptr<RegistryStore> live)
    : client_(client),
      profile_key_(std::move(profile_key)),
      live_(std::move(live)),
      staged_(*live_),
      accounts_(staged_,
                find_account_keys(staged_, candidate_account_keys(staged_, profile_key_))) {}

std::vector<Finding> LiveOutlookProfile::apply(const EditPlan& plan) {
  return accounts_.apply(plan);
}

// Every value mailmig writes converts (a string was UTF-8 before it was UTF-16).
std::string LiveOutlookProfile::StagedValuesDocument::original() const {
  return render_values_export(staged_->changes(), false).value_or(std::string());
}

std::string LiveOutlookProfile::StagedValuesDocument::serialize() const {
  return render_values_export(staged_->changes(), true).value_or(std::string());
}

std::vector<ProfileFile> LiveOutlookProfile::files() const {
  return {{profile_key_, &staged_values_}};
}

std::string LiveOutlookProfile::display_text(const ProfileFile& file,
                                             std::string_view bytes) const {
  RegFile parsed;
  const ParseResult result = RegFile::parse(bytes, parsed);
  if (!result) return "(" + result.describe(file.path) + ")\n";
  // The export is mailmig's own: each value is one entry, masked whole when it is a password.
  const std::string& text = parsed.text();
  std::string masked;
  std::size_t copied = 0;
  for (const RegEntry& entry : parsed.entries()) {
    if (entry.kind != RegLineKind::Value || !contains_password(parsed.value_name(entry))) continue;
    masked.append(text, copied, parsed.data_begin(entry) - copied);
    masked += kMask;
    copied = entry.content_end;
  }
  masked.append(text, copied);
  return masked;
}

LoadResult load_live_registry_profile(ClientKind client, const std::string& profile_key,
                                      std::unique_ptr<RegistryStore> store) {
  LoadResult loaded;
  if (!store) {
    loaded.error = profile_key + ": there is no Windows registry on this system";
    return loaded;
  }
  auto profile = std::make_unique<LiveOutlookProfile>(client, profile_key, std::move(store));
  if (profile->account_keys().empty()) {
    loaded.error = profile_key + ": no mail account keys in this registry key";
    return loaded;
  }
  loaded.profile = std::move(profile);
  return loaded;
}

LoadResult load_live_registry_profile(ClientKind client, const std::string& profile_key) {
  return load_live_registry_profile(client, profile_key, open_live_registry());
}

}  // namespace mailmig
