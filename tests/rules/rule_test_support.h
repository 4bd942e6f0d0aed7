// Accounts shaped like each client's typical accounts (seed organisations' hosts), and helpers
// the rule tests share.
#pragma once

#include <gtest/gtest.h>

#include <ostream>
#include <string>
#include <vector>

#include "rules/rule_list.h"
#include "rules/rule.h"
#include "src/model/account.h"
#include "src/policy/policy.h"

namespace mailmig {

inline void PrintTo(const Change& change, std::ostream* out) {
  *out << "{" << change.rule << ", " << change.field << ": " << change.from << " -> " << change.to
       << ", \"" << change.reason << "\"}";
}

inline void PrintTo(const Finding& finding, std::ostream* out) {
  *out << "{" << finding.rule << ", " << to_string(finding.severity) << ", \"" << finding.message()
       << "\"}";
}

namespace test_accounts {

// Thunderbird, an IMAP account from before TLS: 143 plain, SMTP 25 with the same user.
inline Account thunderbird_imap_plain() {
  Account account{"account1", "tanaka@iis.u-tokyo.ac.jp", "tanaka@iis.u-tokyo.ac.jp", {}, {}};
  account.incoming = {Protocol::Imap,    "imap.iis.u-tokyo.ac.jp",      143,
                      SocketType::Plain, AuthMethod::PasswordCleartext, "tanaka"};
  account.outgoing = ServerSettings{Protocol::Smtp,    "mail.iis.u-tokyo.ac.jp",      25,
                                    SocketType::Plain, AuthMethod::PasswordCleartext, "tanaka"};
  return account;
}

// Sylpheed, "POP3 (APOP)" with POP before SMTP (seed 002's club server).
inline Account sylpheed_apop_pop_before_smtp() {
  Account account{"1", "九工大 学生ネットワーク", "hanako@club.kyutech.ac.jp", {}, {}};
  account.incoming = {Protocol::Pop3,    "pop3.club.kyutech.ac.jp", 110,
                      SocketType::Plain, AuthMethod::Apop,          "hanako"};
  account.outgoing = ServerSettings{Protocol::Smtp,    "smtp.club.kyutech.ac.jp", 25,
                                    SocketType::Plain, AuthMethod::SmtpAfterPop,  ""};
  return account;
}

// Outlook, POP with "Secure Password Authentication" and SMTP on 25 with SPA (seed 000).
inline Account outlook_pop_spa_smtp25() {
  Account account{"00000001", "生研メール", "tanaka@iis.u-tokyo.ac.jp", {}, {}};
  account.incoming = {Protocol::Pop3,    "pop.iis.u-tokyo.ac.jp", 110,
                      SocketType::Plain, AuthMethod::Ntlm,        "tanaka"};
  account.outgoing = ServerSettings{Protocol::Smtp,    "mail.iis.u-tokyo.ac.jp", 25,
                                    SocketType::Plain, AuthMethod::Ntlm,         "tanaka"};
  return account;
}

// Becky!, APOP on seed 001's port 11110, sending with POP before SMTP.
inline Account becky_apop_keio() {
  Account account{"4f2a1c3b.mb", "慶應 WS", "tanaka@sc.itc.keio.ac.jp", {}, {}};
  account.incoming = {Protocol::Pop3,    "popper.sc.itc.keio.ac.jp", 11110,
                      SocketType::Plain, AuthMethod::Apop,           "tanaka"};
  account.outgoing = ServerSettings{Protocol::Smtp,    "popper.sc.itc.keio.ac.jp", 25,
                                    SocketType::Plain, AuthMethod::SmtpAfterPop,   "tanaka"};
  return account;
}

// Outlook Express at the ISP (seed 003): POP 110, SMTP 25 without "my server requires
// authentication".
inline Account outlook_express_dti() {
  Account account{"00000002", "DTI", "tanaka@tanaka.dti.ne.jp", {}, {}};
  account.incoming = {Protocol::Pop3,    "pop.tanaka.dti.ne.jp",        110,
                      SocketType::Plain, AuthMethod::PasswordCleartext, "tanaka"};
  account.outgoing = ServerSettings{Protocol::Smtp,    "smtp.tanaka.dti.ne.jp", 25,
                                    SocketType::Plain, AuthMethod::None,        ""};
  return account;
}

// Windows Live Mail on the old KUMail servers (seed 004), already over SSL.
inline Account windows_live_mail_kumail() {
  Account account{"account{7E1B}.oeaccount", "KUMail", "hanako@st.kyoto-u.ac.jp", {}, {}};
  account.incoming = {Protocol::Pop3,  "pop.kumail.kyoto-u.ac.jp",    995,
                      SocketType::Ssl, AuthMethod::PasswordCleartext, "hanako"};
  account.outgoing = ServerSettings{Protocol::Smtp,  "smtp.kumail.kyoto-u.ac.jp",   465,
                                    SocketType::Ssl, AuthMethod::PasswordCleartext, "hanako"};
  return account;
}

// Claws Mail, IMAP with STARTTLS on 143 and submission already set up: nothing to do.
inline Account claws_imap_starttls() {
  Account account{"2", "hanako@club.kyutech.ac.jp", "hanako@club.kyutech.ac.jp", {}, {}};
  account.incoming = {Protocol::Imap,       "imap.example.ac.jp",          143,
                      SocketType::StartTls, AuthMethod::PasswordCleartext, "hanako"};
  account.outgoing = ServerSettings{Protocol::Smtp,       "smtp.example.ac.jp",          587,
                                    SocketType::StartTls, AuthMethod::PasswordCleartext, "hanako"};
  return account;
}

// Thunderbird, a news account: the incoming rules leave it alone.
inline Account thunderbird_news() {
  Account account{"account3", "news.example.ac.jp", "", {}, {}};
  account.incoming = {Protocol::Nntp,    "news.example.ac.jp", 119,
                      SocketType::Plain, AuthMethod::None,     ""};
  return account;
}

}  // namespace test_accounts

// Runs one built-in rule by id.
inline RuleOutput run_rule(std::string_view id, const Account& account,
                           const Policy& policy = builtin_default_policy(known_rules())) {
  const Rule* rule = find_rule(id);
  if (!rule) {
    ADD_FAILURE() << "no rule " << id;
    return {};
  }
  return rule->check(account, policy);
}

// The account with the changes written in (the golden "after").
inline Account with_changes(Account account, const std::vector<Change>& changes) {
  for (const Change& change : changes) {
    const auto field = parse_field_name(change.field);
    EXPECT_TRUE(field) << change.field;
    if (field) {
      EXPECT_TRUE(write_field(account, *field, change.to)) << change.field;
    }
  }
  return account;
}

// A policy loaded from fixtures/policies; fails the test when it does not load.
inline Policy fixture_policy(const std::string& name) {
  const PolicyLoadResult loaded = load_policy_file(
      std::string(MAILMIG_SOURCE_DIR) + "/fixtures/policies/" + name, known_rules());
  EXPECT_TRUE(loaded) << loaded.error;
  return loaded ? *loaded.policy : Policy{};
}

}  // namespace mailmig
