#include <gtest/gtest.h>

#include "tests/rules/rule_test_support.h"

namespace mailmig {
namespace {

constexpr std::string_view kRule = "pop-download-limit";

Account gmail_pop_account(const std::string& hostname) {
  Account account = test_accounts::windows_live_mail_kumail();
  account.incoming.hostname = hostname;
  account.incoming.username = account.address;
  return account;
}

TEST(PopDownloadLimitRule, GmailPopAccountIsWarnedAndNothingChanges) {
  const RuleOutput output = run_rule(kRule, gmail_pop_account("pop.gmail.com"));
  EXPECT_TRUE(output.changes.empty());
  EXPECT_EQ(output.findings,
            (std::vector<Finding>{make_finding(
                "pop-download-limit", Severity::Warning,
                "{hostname} allows at most {limit} of POP downloads a day and may lock the account "
                "above that (a first download of a large mailbox can reach it): consider IMAP",
                {{"hostname", "pop.gmail.com"}, {"limit", "1,250 MB"}})}));
  EXPECT_EQ(output.findings[0].message(),
            "pop.gmail.com allows at most 1,250 MB of POP downloads a day and may lock the "
            "account above that (a first download of a large mailbox can reach it): consider "
            "IMAP");
}

TEST(PopDownloadLimitRule, HostIsMatchedIgnoringCase) {
  const RuleOutput output = run_rule(kRule, gmail_pop_account("POP.Gmail.com"));
  ASSERT_EQ(output.findings.size(), 1u);
  EXPECT_EQ(output.findings[0].values[0].second, "POP.Gmail.com");
}

TEST(PopDownloadLimitRule, ImapAndOtherProvidersAreNotWarned) {
  Account imap = gmail_pop_account("imap.gmail.com");
  imap.incoming.protocol = Protocol::Imap;
  EXPECT_TRUE(run_rule(kRule, imap).findings.empty());
  EXPECT_TRUE(run_rule(kRule, test_accounts::windows_live_mail_kumail()).findings.empty());
  EXPECT_TRUE(run_rule(kRule, test_accounts::outlook_express_dti()).findings.empty());
}

}  // namespace
}  // namespace mailmig
