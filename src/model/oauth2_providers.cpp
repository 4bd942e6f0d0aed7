#include "src/model/oauth2_providers.h"

#include <algorithm>
#include <array>
#include <cctype>
#include <string>

namespace mailmig {
namespace {

// The mail (IMAP, POP3, SMTP) entries of kHostnames in Thunderbird's OAuth2Providers.sys.mjs
// (mozilla/releases-comm-central, mailnews/base/src), without its address book, calendar and
// test entries. Thunderbird looks a host up, then each parent domain in turn
// (_getBuiltInDetails), so "gmail.com" covers imap.gmail.com, pop.gmail.com and smtp.gmail.com.
constexpr std::array<std::string_view, 22> kOAuth2MailHosts{
    "googlemail.com",    "gmail.com",                              // Google
    "office365.com",     "outlook.com",      "hotmail.com",        // Microsoft
    "yahoo.com",         "att.net",                                // Yahoo
    "aol.com",                                                     // AOL
    "imap.mail.ru",      "smtp.mail.ru",                           // Mail.Ru
    "imap.yandex.com",   "smtp.yandex.com",                        // Yandex
    "imap.seznam.cz",    "smtp.seznam.cz",   "pop3.seznam.cz",     // Seznam
    "imap.fastmail.com", "pop.fastmail.com", "smtp.fastmail.com",  // Fastmail
    "imap.comcast.net",  "pop.comcast.net",  "smtp.comcast.net",   // Comcast
    "thundermail.com",                                             // Thundermail
};

}  // namespace

bool thunderbird_signs_in_with_oauth2(std::string_view hostname) {
  std::string host(hostname);
  std::transform(host.begin(), host.end(), host.begin(),
                 [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
  std::string_view rest = host;
  while (rest.find('.') != std::string_view::npos) {
    if (std::find(kOAuth2MailHosts.begin(), kOAuth2MailHosts.end(), rest) !=
        kOAuth2MailHosts.end()) {
      return true;
    }
    rest.remove_prefix(rest.find('.') + 1);
  }
  return false;
}

}  // namespace mailmig
