// The run's checks of the servers that changes point accounts at (issue 15 §2), between the
// rules and the writers: with verification required a change whose new server fails is not
// made (the account is left alone, the run exits 3 to be retried); advisory makes it with a
// warning; off checks nothing.
#pragma once

#include <chrono>
#include <optional>
#include <string>
#include <vector>

#include "rules/rule_engine.h"
#include "src/policy/policy.h"
#include "src/verify/endpoint_checker.h"

namespace mailmig {

// The servers `plan` points the account at: a side whose protocol, host, port or security
// changes, as the account will use it (pop3, imap and smtp only).
std::vector<Endpoint> endpoints_changed(const Account& before, const EditPlan& plan);

class EndpointVerification {
 public:
  // `deadline`: the run's, on the steady clock (nullopt: none).
  EndpointVerification(VerificationMode mode, const ProbeSettings& settings,
                       std::optional<std::chrono::steady_clock::time_point> deadline,
                       EndpointProbe probe);

  VerificationMode mode() const { return mode_; }

  // Probes, in parallel, the servers the plans of these accounts would point them at.
  void check_ahead(const std::vector<Account>& accounts, const Policy& policy);

  // Holds the plan to the checks: required clears the changes of an account whose new server
  // failed and says why; advisory keeps them and warns. True when the account was left alone.
  bool screen(const Account& before, EditPlan& plan);

  std::vector<EndpointCheck> checks() const;

 private:
  VerificationMode mode_;
  std::optional<EndpointChecker> checker_;
};

// "Servers checked before changing (verification required):" and a line per server, for the
// text report; "" when nothing was checked.
std::string format_endpoint_checks(const std::string& mode,
                                   const std::vector<EndpointCheck>& checks);

}  // namespace mailmig
