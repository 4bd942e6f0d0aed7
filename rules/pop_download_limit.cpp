// pop-download-limit: warns a POP3 account whose provider caps POP downloads a day (Gmail's
// 1,250 MB, seed 004) that a first download can lock the account. It changes nothing.
#include <array>
#include <utility>

#include "rules/builtin_rules.h"
#include "rules/rule_support.h"
#include "src/i18n/i18n.h"

namespace mailmig {
namespace {

constexpr std::string_view kId = "pop-download-limit";

constexpr std::array<std::pair<std::string_view, std::string_view>, 1> kDailyPopLimits{{
    {"pop.gmail.com", "1,250 MB"},
}};

class PopDownloadLimitRule final : public Rule {
 public:
  std::string_view id() const override { return kId; }
  const char* description() const override {
    return N_("Warns about providers that limit POP downloads a day");
  }

  RuleOutput check(const Account& account, const Policy& policy) const override {
    RuleOutput output;
    if (!policy.governs(account, Side::Incoming) || account.incoming.protocol != Protocol::Pop3) {
      return output;
    }
    for (const auto& [host, limit] : kDailyPopLimits) {
      if (!host_matches(host, account.incoming.hostname)) continue;
      output.findings.push_back(make_finding(
          std::string(kId), Severity::Warning,
          N_("{hostname} allows at most {limit} of POP downloads a day and may lock the account "
             "above that (a first download of a large mailbox can reach it): consider IMAP"),
          {{"hostname", account.incoming.hostname}, {"limit", std::string(limit)}}));
    }
    return output;
  }
};

}  // namespace

std::unique_ptr<Rule> make_pop_download_limit_rule() {
  return std::make_unique<PopDownloadLimitRule>();
}

}  // namespace mailmig
