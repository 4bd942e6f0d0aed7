// Shuriken (JustSystems): found, never edited. Its users get the steps to take by hand.
#include "parsers/clients/shuriken/shuriken_client.h"

#include <algorithm>
#include <boost/filesystem.hpp>

#include "parsers/clients/client.h"
#include "src/i18n/i18n.h"

namespace mailmig {

extern const ClientDescriptor kShurikenClient;

namespace {

// Its data folder could not be verified. Its settings are taken to be in
// %APPDATA%\<JustSystems folder>\Shuriken, the vendor's usual layout, matched without case and
// for both spellings ("Justsystem", "JustSystems"); nothing else is guessed.
std::vector<ProfileLocation> find_in_home(const HomeFolder& home) {
  namespace fs = boost::filesystem;
  std::vector<fs::path> candidates;
  boost::system::error_code error;
  for (fs::directory_iterator vendor(path_in(home.path, "AppData/Roaming"), error);
       !error && vendor != fs::directory_iterator(); vendor.increment(error)) {
    const std::string name = to_lower(vendor->path().filename().string());
    if (name != "justsystem" && name != "justsystems") continue;
    boost::system::error_code inner;
    for (fs::directory_iterator app(vendor->path(), inner);
         !inner && app != fs::directory_iterator(); app.increment(inner)) {
      if (to_lower(app->path().filename().string()) == "shuriken" &&
          is_folder(app->path().string())) {
        candidates.push_back(app->path());
      }
    }
  }
  if (candidates.empty()) return {};
  std::sort(candidates.begin(), candidates.end());
  return {{&kShurikenClient, candidates.front().string()}};
}

}  // namespace

const ClientDescriptor kShurikenClient{
    .kind = kShuriken,
    .find_in_home = find_in_home,
    .manual_steps =
        N_("Shuriken was found ({path}); mailmig cannot change its settings. In Shuriken, "
           "open the account settings and enter what your organisation's notice gives: the "
           "receiving and sending servers, IMAPS or POP3S for receiving, OP25B and SMTPS for "
           "sending (in the detailed settings: the ports, and STARTTLS for sending), your "
           "user ID and password (an application password where the notice says so), and the "
           "authentication method."),
};

}  // namespace mailmig
