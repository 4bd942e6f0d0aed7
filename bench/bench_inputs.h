// Deterministic benchmark inputs: files laid out the way each client writes them (encoding,
// line endings, key order), grown by a count so that throughput can be measured. The same
// count always gives the same bytes.
#pragma once

#include <cstddef>
#include <string>

namespace mailmig::bench {

// A Thunderbird prefs.js: `servers` mail accounts (each with its identity and SMTP server, on the
// seed organisations' hosts, alternating IMAP and POP3, SMTP on port 25) and `other_prefs`
// unrelated prefs, sorted by name like Thunderbird writes them, LF line endings.
std::string thunderbird_prefs(std::size_t servers, std::size_t other_prefs);

// An Outlook 2016 export of the profile keys (Windows Registry Editor Version 5.00, UTF-16LE
// with BOM, CRLF): `accounts` POP3 accounts whose strings are UTF-16 hex as Outlook stores them.
std::string outlook_reg_utf16(std::size_t accounts);

// An Outlook Express export of the Internet Account Manager keys (REGEDIT4, CP932, CRLF).
std::string outlook_express_reg_regedit4(std::size_t accounts);

// A REGEDIT4 export of a whole HKEY_CURRENT_USER branch, the way a user or a fleet tool exports
// more than the mail keys: `accounts` Outlook Express accounts among `keys` keys in all, the rest
// COM classes under Software\Classes\CLSID (two keys each, one or two values a key).
std::string hkcu_export_regedit4(std::size_t keys, std::size_t accounts);

// A Becky! 2 Mailbox.ini (CP932, CRLF): the [Account] section, then `extra_sections` sections
// of ordinary keys (0 gives a typical file).
std::string becky_mailbox_ini(std::size_t extra_sections);

// A Sylpheed 3 accountrc (UTF-8, LF) with `accounts` accounts in Sylpheed's key order.
std::string sylpheed_accountrc(std::size_t accounts);

// A Windows Live Mail account{GUID}.oeaccount (UTF-16LE with BOM, CRLF): a POP3 account, then
// `extra_properties` further SZ properties (0 gives a typical file).
std::string windows_mail_oeaccount(std::size_t extra_properties);

}  // namespace mailmig::bench
