// Issue 15 §1: a policy governs the accounts its scope names and no others, and no policy (not
// even the built-in default) touches this machine, a sendmail-style program, or an account that
// receives no mail.
#include "src/policy/scope.h"

#include <gtest/gtest.h>

#include "tests/rules/rule_test_support.h"

namespace mailmig {
namespace {

TEST(Scope, LocalHostsInEverySpellingAResolverAccepts) {
  for (const char* host :
       {"localhost", "LOCALHOST", "localhost.", "imap.localhost", "localhost.localdomain",
        "LocalHost.LocalDomain.", "IMAP.LocalHost", "[localhost]", "127.0.0.1", "127.1",
        "127.255.255.254", "2130706433", "0.0.0.0", "::1", "[::1]", "0:0:0:0:0:0:0:1",
        "::ffff:127.0.0.1", "::1%lo", "::"}) {
    EXPECT_TRUE(is_local_host(host)) << host;
    EXPECT_FALSE(is_organisation_host(host)) << host;
  }
  for (const char* host :
       {"pop.tanaka.dti.ne.jp", "localhost.example.jp", "mylocalhost", "128.0.0.1", "10.0.0.1",
        "192.0.2.10", "127.0.0.1.example.jp", "2001:db8::1", "::2", "[2001:db8::25]", "256.1",
        "localdomain", "mail.localdomain", "xlocalhost", ".localhost", "localhost.localdomainx"}) {
    EXPECT_FALSE(is_local_host(host)) << host;
  }
  EXPECT_TRUE(is_organisation_host("192.0.2.10"));
  EXPECT_TRUE(is_organisation_host("[2001:db8::25]"));
}

TEST(Scope, AProgramPathOrAnEmptyNameIsNoServer) {
  for (const char* host : {"", "/usr/sbin/sendmail", "/usr/sbin/sendmail -t -i",
                           "C:\\Program Files\\sendmail.exe", "smtp.example.ac.jp --x"}) {
    EXPECT_FALSE(is_organisation_host(host)) << host;
  }
}

TEST(Scope, APolicyGovernsEachSideByItsOwnHost) {
  const Policy dti = fixture_policy("003-dti.xml");
  Account account = test_accounts::outlook_express_dti();
  EXPECT_TRUE(dti.governs(account, Side::Incoming));
  EXPECT_TRUE(dti.governs(account, Side::Outgoing));

  // A DTI mailbox that sends through another provider: only the DTI side is DTI's.
  account.outgoing->hostname = "smtp.other-isp.example.jp";
  EXPECT_TRUE(dti.governs(account, Side::Incoming));
  EXPECT_FALSE(dti.governs(account, Side::Outgoing));
  EXPECT_TRUE(dti.governs(account));

  account.incoming.hostname = "pop.other-isp.example.jp";
  EXPECT_FALSE(dti.governs(account));
  EXPECT_TRUE(builtin_default_policy(known_rules()).governs(account));

  account.outgoing.reset();
  EXPECT_FALSE(dti.governs(account, Side::Outgoing));
}

TEST(Scope, NothingLocalAndNoAccountWithoutMailIsGovernedEvenByTheDefault) {
  const Policy policy = builtin_default_policy(known_rules());
  Account tunnel = test_accounts::thunderbird_imap_plain();
  tunnel.incoming.hostname = "127.0.0.1";  // a local bridge (stunnel, a ProtonMail bridge)
  tunnel.outgoing->hostname = "localhost";
  EXPECT_FALSE(policy.governs(tunnel));

  Account news = test_accounts::thunderbird_news();
  news.outgoing = ServerSettings{Protocol::Smtp,    "smtp.example.ac.jp", 25,
                                 SocketType::Plain, AuthMethod::None,     ""};
  EXPECT_FALSE(policy.governs(news));
  Account local = news;
  local.incoming = ServerSettings{Protocol::None, "", 0, SocketType::Plain, AuthMethod::None, ""};
  EXPECT_FALSE(policy.governs(local));
}

// Every rule, golden: an account outside the scope gets no change and no finding.
TEST(Scope, NoRuleTouchesAnAccountOutsideTheScope) {
  Policy policy = fixture_policy("003-dti.xml");
  for (const auto& rule : builtin_rules()) policy.rule_states[std::string(rule->id())] = true;
  for (Account account :
       {test_accounts::thunderbird_imap_plain(), test_accounts::sylpheed_apop_pop_before_smtp(),
        test_accounts::outlook_pop_spa_smtp25(), test_accounts::becky_apop_keio()}) {
    account.incoming.hostname = "pop.gmail.com";  // the daily limit's host, for that rule too
    for (const auto& rule : builtin_rules()) {
      const RuleOutput output = rule->check(account, policy);
      EXPECT_TRUE(output.changes.empty()) << rule->id() << " " << account.id;
      EXPECT_TRUE(output.findings.empty()) << rule->id() << " " << account.id;
    }
  }
}

// Every rule, golden: the side on a local host is left as it is, under any policy.
TEST(Scope, NoRuleTouchesALocalSide) {
  Policy policy = builtin_default_policy(known_rules());
  for (const auto& rule : builtin_rules()) policy.rule_states[std::string(rule->id())] = true;
  for (Account account :
       {test_accounts::thunderbird_imap_plain(), test_accounts::sylpheed_apop_pop_before_smtp(),
        test_accounts::outlook_pop_spa_smtp25(), test_accounts::becky_apop_keio()}) {
    account.incoming.hostname = "127.0.0.1";
    account.outgoing->hostname = "localhost";
    for (const auto& rule : builtin_rules()) {
      const RuleOutput output = rule->check(account, policy);
      EXPECT_TRUE(output.changes.empty()) << rule->id() << " " << account.id;
      EXPECT_TRUE(output.findings.empty()) << rule->id() << " " << account.id;
    }
  }
}

}  // namespace
}  // namespace mailmig
