// The run's endpoint checks: each endpoint probed once, and none after the run's deadline.
#include "src/verify/endpoint_checker.h"

#include <gtest/gtest.h>

#include <atomic>

namespace mailmig {
namespace {

Endpoint smtp(const std::string& host) {
  return Endpoint{Protocol::Smtp, host, 587, SocketType::StartTls, AuthMethod::PasswordCleartext};
}

EndpointProbe counting_probe(std::atomic<int>& calls) {
  return [&calls](const Endpoint& endpoint, const ProbeSettings&) {
    ++calls;
    EndpointCheck check;
    check.endpoint = endpoint;
    check.outcome = endpoint.host == "down.test" ? EndpointOutcome::NoAnswer : EndpointOutcome::Ok;
    return check;
  };
}

TEST(EndpointCheckerTest, EachEndpointIsProbedOnce) {
  std::atomic<int> calls = 0;
  EndpointChecker checker(ProbeSettings{}, std::nullopt, counting_probe(calls));
  checker.check_all({smtp("up.test"), smtp("down.test"), smtp("up.test")});
  EXPECT_EQ(calls, 2);
  EXPECT_TRUE(checker.check(smtp("up.test")).passed());
  EXPECT_EQ(checker.check(smtp("down.test")).outcome, EndpointOutcome::NoAnswer);
  EXPECT_EQ(calls, 2);
  EXPECT_EQ(checker.checks().size(), 2u);
}

TEST(EndpointCheckerTest, ManyEndpointsAreAllProbed) {
  std::atomic<int> calls = 0;
  EndpointChecker checker(ProbeSettings{}, std::nullopt, counting_probe(calls));
  std::vector<Endpoint> endpoints;
  for (int i = 0; i < 20; ++i) endpoints.push_back(smtp("host" + std::to_string(i) + ".test"));
  checker.check_all(endpoints);
  EXPECT_EQ(calls, 20);
  EXPECT_EQ(checker.checks().size(), 20u);
}

TEST(EndpointCheckerTest, NothingIsProbedAfterTheDeadline) {
  std::atomic<int> calls = 0;
  EndpointChecker checker(ProbeSettings{}, EndpointChecker::Clock::now() - std::chrono::seconds(1),
                          counting_probe(calls));
  const EndpointCheck& check = checker.check(smtp("up.test"));
  EXPECT_EQ(check.outcome, EndpointOutcome::NotChecked);
  EXPECT_EQ(check.endpoint, smtp("up.test"));
  EXPECT_EQ(calls, 0);
}

TEST(EndpointCheckerTest, AProbeGetsNoMoreTimeThanTheRunHasLeft) {
  std::chrono::milliseconds given{0};
  EndpointChecker checker(ProbeSettings{std::chrono::seconds(5), ""},
                          EndpointChecker::Clock::now() + std::chrono::hours(1),
                          [&](const Endpoint& endpoint, const ProbeSettings& settings) {
                            given = settings.timeout;
                            return EndpointCheck{endpoint, EndpointOutcome::Ok, ""};
                          });
  checker.check(smtp("up.test"));
  EXPECT_EQ(given, std::chrono::seconds(5));
}

}  // namespace
}  // namespace mailmig
