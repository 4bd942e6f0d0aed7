#include "src/verify/endpoint_checker.h"

#include <algorithm>
#include <thread>

namespace mailmig {
namespace {

// Enough for a profile's few servers at once, without a thread storm on a huge registry export.
constexpr std::size_t kParallelProbes = 8;

}  // namespace

EndpointChecker::EndpointChecker(ProbeSettings settings, std::optional<Clock::time_point> deadline,
                                 EndpointProbe probe)
    : settings_(std::move(settings)), deadline_(deadline), probe_(std::move(probe)) {}

ProbeSettings EndpointChecker::settings_for_now() const {
  ProbeSettings settings = settings_;
  if (deadline_) {
    const auto left =
        std::chrono::duration_cast<std::chrono::milliseconds>(*deadline_ - Clock::now());
    settings.timeout = std::max(std::chrono::milliseconds(0), std::min(settings.timeout, left));
  }
  return settings;
}

void EndpointChecker::check_all(const std::vector<Endpoint>& endpoints) {
  std::vector<Endpoint> unchecked;
  for (const Endpoint& endpoint : endpoints) {
    if (!checks_.contains(endpoint) &&
        std::find(unchecked.begin(), unchecked.end(), endpoint) == unchecked.end()) {
      unchecked.push_back(endpoint);
    }
  }
  for (std::size_t first = 0; first < unchecked.size(); first += kParallelProbes) {
    const std::size_t count = std::min(kParallelProbes, unchecked.size() - first);
    std::vector<EndpointCheck> results(count);
    std::vector<std::thread> threads;
    const ProbeSettings settings = settings_for_now();
    for (std::size_t i = 0; i < count; ++i) {
      threads.emplace_back([&, i] {
        const Endpoint& endpoint = unchecked[first + i];
        if (settings.timeout.count() > 0) {
          results[i] = probe_(endpoint, settings);
        } else {
          results[i].endpoint = endpoint;  // NotChecked: the run's time was up
        }
      });
    }
    for (std::thread& thread : threads) thread.join();
    for (std::size_t i = 0; i < count; ++i) {
      checks_.emplace(unchecked[first + i], std::move(results[i]));
    }
  }
}

const EndpointCheck& EndpointChecker::check(const Endpoint& endpoint) {
  check_all({endpoint});
  return checks_.at(endpoint);
}

std::vector<EndpointCheck> EndpointChecker::checks() const {
  std::vector<EndpointCheck> out;
  out.reserve(checks_.size());
  for (const auto& [endpoint, check] : checks_) out.push_back(check);
  return out;
}

}  // namespace mailmig
