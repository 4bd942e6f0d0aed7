// Outlook and Outlook Express: their accounts live in the Windows registry, which mailmig reads
// from a .reg export named on the command line (nothing in a home folder is one) or, on Windows,
// from the live registry of the user it runs as. Which of the two wrote an export is known once
// it is read: an export with a MAPI account is Outlook's. Outlook 98-2002's accounts in the live
// registry are Outlook's.
#include "parsers/clients/outlook/outlook_client.h"

#include "parsers/clients/client.h"
#include "parsers/clients/outlook/live_outlook_profile.h"
#include "parsers/clients/outlook/outlook_profile.h"
#include "parsers/formats/reg/live_registry.h"
#include "src/io/registry_journal.h"
#include "src/io/running_client_platform.h"

namespace mailmig {

extern const ClientDescriptor kOutlookClient, kOutlookExpressClient;

namespace {

// Either client's export, by its extension or by regedit's header (REGEDIT4, or "Windows
// Registry Editor" in UTF-16): taken for Outlook's until read.
std::vector<ProfileLocation> recognise(const NamedPath& named) {
  if (named.is_folder) return {};
  if (named.extension == ".reg" || named.head.starts_with("REGEDIT") ||
      named.head.starts_with("\xff\xfeW\0i\0n\0d\0o\0w\0s\0 \0R\0e\0g\0i\0s\0t\0r\0y")) {
    return {{&kOutlookClient, named.path}};
  }
  return {};
}

// The profiles of the live registry, found only in the user's own home: a home named with --home
// is another user's, or a copy, and the registry mailmig can reach is not in it.
std::vector<ProfileLocation> find_live(const HomeFolder& home, bool outlook_express) {
  std::vector<ProfileLocation> found;
  if (home.real_path) return found;
  const std::unique_ptr<RegistryStore> live = open_live_registry();
  if (!live) return found;
  for (std::string& key : find_live_registry_profiles(*live, outlook_express)) {
    found.push_back({outlook_express ? &kOutlookExpressClient : &kOutlookClient, std::move(key)});
  }
  return found;
}

std::vector<ProfileLocation> find_outlook(const HomeFolder& home) { return find_live(home, false); }

std::vector<ProfileLocation> find_outlook_express(const HomeFolder& home) {
  return find_live(home, true);
}

// A registry key found by find_live, or a .reg file.
LoadResult load(const std::string& path) {
  if (!is_registry_profile(path)) return load_registry_file(path);
  return load_live_registry_profile(is_outlook_express_profile(path) ? kOutlookExpress : kOutlook,
                                    path);
}

// An export is checked before it is read, while it is still taken for Outlook's: it may be
// Outlook Express's, so either program running holds it back.
std::string find_outlook_running(const std::string&) {
  return windows_process_evidence({"OUTLOOK.EXE", "msimn.exe"});
}

std::string find_outlook_express_running(const std::string&) {
  return windows_process_evidence({"msimn.exe"});
}

}  // namespace

const ClientDescriptor kOutlookClient{
    .kind = kOutlook,
    .find_in_home = find_outlook,
    .recognise = recognise,
    .file_hint = ".reg",
    .formats = "registry, .reg export",
    .capabilities = [] { return outlook_capabilities(RegistryAccountKind::OutlookMapi); },
    .load = load,
    .find_running = find_outlook_running,
    .fixture = "fixtures/registry/outlook2016-unicode.reg",
    .fuzz_target = "fuzz/fuzz_reg.cpp",
};

const ClientDescriptor kOutlookExpressClient{
    .kind = kOutlookExpress,
    .find_in_home = find_outlook_express,
    .recognise = recognise,
    .file_hint = ".reg",
    .formats = "registry, .reg export",
    .capabilities =
        [] { return outlook_capabilities(RegistryAccountKind::InternetAccountManager); },
    .load = load,
    .find_running = find_outlook_express_running,
    .fixture = "fixtures/registry/oe-regedit4-cp932.reg",
    .fuzz_target = "fuzz/fuzz_reg.cpp",
};

}  // namespace mailmig
