#include "parsers/clients/outlook/outlook_profile.h"

#include <algorithm>
#include <utility>

#include "src/encoding/codec.h"
#include "src/i18n/i18n.h"
#include "src/io/file_system.h"
#include "src/io/read_file.h"

namespace mailmig {
namespace {

constexpr std::string_view kFormatRule = "registry-format";
constexpr std::string_view kMask = "********";

bool contains_password(std::string_view name) {
  constexpr std::string_view kWord = "password";
  for (std::size_t i = 0; i + kWord.size() <= name.size(); ++i) {
    if (reg_names_equal(name.substr(i, kWord.size()), kWord)) return true;
  }
  return false;
}

std::string file_stem(const std::string& path) {
  constexpr std::string_view kExtension = ".reg";
  const std::size_t slash = path.find_last_of("/\\");
  const std::size_t name_start = slash == std::string::npos ? 0 : slash + 1;
  if (path.size() - name_start > kExtension.size() &&
      reg_names_equal(std::string_view(path).substr(path.size() - kExtension.size()), kExtension)) {
    return path.substr(0, path.size() - kExtension.size());
  }
  return path;
}

}  // namespace

OutlookProfile::OutlookProfile(std::string path, RegFile document)
    : path_(std::move(path)),
      document_(std::move(document)),
      store_(document_),
      accounts_(store_, find_account_keys(store_, document_.key_paths(is_account_key_path))),
      delta_(*this, false),
      undo_(*this, true) {
  const std::string stem = file_stem(path_);
  delta_.path = stem + ".delta.reg";
  undo_.path = stem + ".undo.reg";
}

std::vector<Finding> OutlookProfile::findings() const {
  std::vector<Finding> result;
  // Only files an earlier run left can be reported, so without them nothing is built here.
  for (const OutputDocument* output : {&delta_, &undo_}) {
    if (!output->earlier) continue;
    const std::string now = output->serialize();
    if (now == *output->earlier || now != document_.render_export({})) continue;
    result.push_back(make_finding(
        std::string(kFormatRule), Severity::Info,
        N_("{file} is left from an earlier run and would import old values again: apply empties "
           "it (keeping a backup), so that importing it changes nothing."),
        {{"file", output->path}}));
  }
  std::vector<Finding> account_findings = accounts_.findings();
  result.insert(result.end(), std::make_move_iterator(account_findings.begin()),
                std::make_move_iterator(account_findings.end()));
  return result;
}

std::vector<Finding> OutlookProfile::apply(const EditPlan& plan) { return accounts_.apply(plan); }

void OutlookProfile::adopt_earlier_output(const std::string& path, std::string bytes) {
  if (path == delta_.path) {
    delta_.earlier = std::move(bytes);
  } else if (path == undo_.path) {
    undo_.earlier = std::move(bytes);
  }
}

std::vector<ProfileFile> OutlookProfile::files() const {
  std::vector<ProfileFile> files{{path_, &document_}};
  // A file an earlier run left is replaced when this run's bytes differ; otherwise the delta
  // and undo files are created when the export changes (with no change, both would be header
  // only: importing them changes nothing).
  const bool created = has_changed_lines();
  for (const OutputDocument* output : {&delta_, &undo_}) {
    if (output->earlier ? output->changed() : created) {
      files.push_back({output->path, output, !output->earlier});
    }
  }
  return files;
}

std::string OutlookProfile::line_before_edits(const RegEntry& now) const {
  // An edited entry read from the file decided the value before the edits too; an added one
  // follows the value's last setting or deletion, if any.
  const RegEntry* before =
      document_.was_parsed(now)
          ? &now
          : document_.find_parsed_entry(document_.key_path(document_.entries()[now.section]),
                                        document_.value_name(now));
  if (before && before->kind == RegLineKind::Value) {
    return std::string(document_.parsed_content(*before));
  }
  // The name was written by this document before, so it can be written again.
  std::string deletion;
  document_.format_value_deletion(document_.value_name(now), deletion);
  return deletion;
}

bool OutlookProfile::has_changed_lines() const {
  const std::vector<const RegEntry*> edited = document_.edited_entries();
  return std::any_of(edited.begin(), edited.end(), [&](const RegEntry* now) {
    return document_.entry_content(*now) != line_before_edits(*now);
  });
}

std::string OutlookProfile::render_output(bool undo) const {
  std::vector<RegFile::Section> sections;
  for (const RegEntry* now : document_.edited_entries()) {
    const std::string_view now_line = document_.entry_content(*now);
    std::string old_line = line_before_edits(*now);
    if (now_line == old_line) continue;
    const std::string_view raw_key = document_.raw_key_path(document_.entries()[now->section]);
    if (sections.empty() || !reg_names_equal(sections.back().raw_key_path, raw_key)) {
      sections.push_back({std::string(raw_key), {}});
    }
    sections.back().lines.push_back(undo ? std::move(old_line) : std::string(now_line));
  }
  return document_.render_export(sections);
}

std::string OutlookProfile::display_text(const ProfileFile& file, std::string_view bytes) const {
  RegFile parsed;
  const ParseResult result = RegFile::parse(bytes, parsed, document_.codepage().c_str());
  if (!result) {
    // Appended, not concatenated: GCC 12 at -O3 warns falsely (-Wrestrict) about "(" + ...
    std::string message = "(";
    message += result.describe(file.path);
    message += ")\n";
    return message;
  }
  const std::string& text = parsed.text();
  std::string masked;
  std::size_t copied = 0;
  for (const RegEntry& entry : parsed.entries()) {
    std::size_t data_begin = std::string::npos;
    if (entry.kind == RegLineKind::Value && contains_password(parsed.value_name(entry))) {
      data_begin = parsed.data_begin(entry);
    } else if (entry.kind == RegLineKind::Opaque) {
      // A broken password line still holds secret bytes after its '='.
      const std::string_view content = parsed.entry_content(entry);
      const std::size_t equals = content.find('=');
      if (equals != std::string_view::npos && contains_password(content.substr(0, equals))) {
        data_begin = entry.begin + equals + 1;
      }
    }
    if (data_begin == std::string::npos) continue;
    masked.append(text, copied, data_begin - copied);
    masked += kMask;
    copied = entry.content_end;
  }
  masked.append(text, copied);
  if (parsed.encoding() == RegEncoding::Utf16Le) return masked;
  Conversion decoded = to_utf8(masked, parsed.codepage().c_str());
  return decoded ? decoded.text : "(" + file.path + ": " + decoded.error + ")\n";
}

LoadResult load_registry_bytes(const std::string& path, std::string bytes,
                               const char* ansi_codepage) {
  LoadResult loaded;
  RegFile document;
  // The document takes the bytes (an ANSI export's are its text); a UTF-16 export's original()
  // encodes them again.
  const ParseResult result = RegFile::parse_owned(std::move(bytes), document, ansi_codepage);
  if (!result) {
    loaded.error = result.describe(path);
    return loaded;
  }
  auto profile = std::make_unique<OutlookProfile>(path, std::move(document));
  if (profile->account_keys().empty()) {
    loaded.error = path + ": no mail account keys in this registry export";
    return loaded;
  }
  loaded.profile = std::move(profile);
  return loaded;
}

LoadResult load_registry_file(const std::string& path, const char* ansi_codepage) {
  ReadResult read = read_file(path);
  if (!read) {
    LoadResult loaded;
    loaded.error = read.error;
    return loaded;
  }
  LoadResult loaded = load_registry_bytes(path, std::move(read.bytes), ansi_codepage);
  if (!loaded) return loaded;
  auto& profile = static_cast<OutlookProfile&>(*loaded.profile);
  for (const char* suffix : {".delta.reg", ".undo.reg"}) {
    const std::string output = file_stem(path) + suffix;
    const StatResult found = RealFileSystem().lstat(output);
    if (found && found.status.type == FileType::Missing) continue;  // none left by an earlier run
    ReadResult bytes = read_file(output);
    if (!bytes) return {nullptr, bytes.error};
    profile.adopt_earlier_output(output, std::move(bytes.bytes));
  }
  return loaded;
}

}  // namespace mailmig
