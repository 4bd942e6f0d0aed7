// The new Outlook for Windows: found, never edited. Its users get the steps to take by hand.
#include "parsers/clients/new_outlook/new_outlook_client.h"

#include "parsers/clients/client.h"
#include "src/i18n/i18n.h"

namespace mailmig {

extern const ClientDescriptor kNewOutlookClient;

namespace {

// It keeps its local data in %LOCALAPPDATA%\Microsoft\Olk and is a packaged app
// (Microsoft.OutlookForWindows_8wekyb3d8bbwe). Neither is documented by Microsoft in a source we
// could check; both are what administrators' clean-up and inventory scripts look for, so either
// one counts.
std::vector<ProfileLocation> find_in_home(const HomeFolder& home) {
  for (const char* folder : {"AppData/Local/Microsoft/Olk",
                             "AppData/Local/Packages/Microsoft.OutlookForWindows_8wekyb3d8bbwe"}) {
    const std::string data = path_in(home.path, folder);
    if (is_folder(data)) return {{&kNewOutlookClient, data}};
  }
  return {};
}

}  // namespace

const ClientDescriptor kNewOutlookClient{
    .kind = kNewOutlook,
    .find_in_home = find_in_home,
    .manual_steps =
        N_("The new Outlook for Windows was found ({path}); mailmig cannot change its "
           "settings. In Outlook, open Settings > Accounts, choose the account and enter what "
           "your organisation's notice gives: the incoming and outgoing servers, their ports "
           "and encryption (SSL/TLS or STARTTLS), the user name and password (an "
           "application password where the notice says so). If a setting cannot be changed "
           "there, remove the account and add it again with the new settings."),
};

}  // namespace mailmig
