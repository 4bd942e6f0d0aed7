// Policy parsing on any bytes: never crashes; a policy that parses parses the same way twice,
// and planning with it is idempotent on a typical account.
#include <cstddef>
#include <cstdint>
#include <string_view>

#include "rules/rule_engine.h"
#include "rules/rule_list.h"
#include "src/policy/policy.h"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  using namespace mailmig;
  const std::string_view bytes(reinterpret_cast<const char*>(data), size);
  const PolicyLoadResult first = parse_policy(bytes, ".", "fuzz.xml", known_rules());
  if (!first) {
    if (first.error.empty()) __builtin_trap();
    return 0;
  }
  const PolicyLoadResult second = parse_policy(bytes, ".", "fuzz.xml", known_rules());
  if (!second || !(*second.policy == *first.policy)) __builtin_trap();

  Account account{"1", "fuzz", "tanaka@example.ac.jp", {}, {}};
  account.incoming = {Protocol::Pop3,    "pop.example.ac.jp", 110,
                      SocketType::Plain, AuthMethod::Apop,    "tanaka"};
  account.outgoing = ServerSettings{Protocol::Smtp,    "smtp.example.ac.jp",     25,
                                    SocketType::Plain, AuthMethod::SmtpAfterPop, ""};
  for (const Move& move : first.policy->moves) {
    // Aim the account at the policy's own hosts so that its moves run.
    const std::string host = move.match.starts_with("*.") ? "x" + move.match.substr(1) : move.match;
    (move.incoming.empty() ? account.outgoing->hostname : account.incoming.hostname) = host;
  }
  const EditPlan plan = plan_account(account, *first.policy);
  if (!plan_account(plan.after, *first.policy).changes.empty()) __builtin_trap();
  return 0;
}
