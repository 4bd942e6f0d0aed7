// The endpoint checks of one run: each distinct endpoint is probed once, the endpoints a
// profile needs are probed in parallel, and nothing waits past the run's deadline.
#pragma once

#include <chrono>
#include <functional>
#include <map>
#include <optional>
#include <vector>

#include "src/verify/endpoint_probe.h"

namespace mailmig {

using EndpointProbe = std::function<EndpointCheck(const Endpoint&, const ProbeSettings&)>;

class EndpointChecker {
 public:
  using Clock = std::chrono::steady_clock;

  // `deadline`: the run's (nullopt: none); each probe also ends after settings.timeout.
  EndpointChecker(ProbeSettings settings, std::optional<Clock::time_point> deadline,
                  EndpointProbe probe = probe_endpoint);

  // Probes, in parallel, every endpoint of `endpoints` not checked yet, and waits for them.
  void check_all(const std::vector<Endpoint>& endpoints);
  // The check of one endpoint: remembered, or probed now.
  const EndpointCheck& check(const Endpoint& endpoint);

  // Every check of the run, in endpoint order.
  std::vector<EndpointCheck> checks() const;

 private:
  ProbeSettings settings_for_now() const;

  ProbeSettings settings_;
  std::optional<Clock::time_point> deadline_;
  EndpointProbe probe_;
  std::map<Endpoint, EndpointCheck> checks_;
};

}  // namespace mailmig
