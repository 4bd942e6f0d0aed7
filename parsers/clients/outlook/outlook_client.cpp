// Outlook and Outlook Express: their accounts live in the Windows registry, which mailmig reads
// from a .reg export named on the command line (nothing in a home folder is one). Which of the
// two wrote an export is known once it is read: an export with a MAPI account is Outlook's.
#include "parsers/clients/outlook/outlook_client.h"

#include "parsers/clients/client.h"
#include "parsers/clients/outlook/outlook_profile.h"
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

LoadResult load(const std::string& path) { return load_registry_file(path); }

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
    .recognise = recognise,
    .file_hint = ".reg",
    .load = load,
    .find_running = find_outlook_running,
    .fixture = "fixtures/registry/outlook2016-unicode.reg",
    .fuzz_target = "fuzz/fuzz_reg.cpp",
};

const ClientDescriptor kOutlookExpressClient{
    .kind = kOutlookExpress,
    .recognise = recognise,
    .file_hint = ".reg",
    .load = load,
    .find_running = find_outlook_express_running,
    .fixture = "fixtures/registry/oe-regedit4-cp932.reg",
    .fuzz_target = "fuzz/fuzz_reg.cpp",
};

}  // namespace mailmig
