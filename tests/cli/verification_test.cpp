// Changes wait for their new servers to pass a check (issue 15 §2): required leaves an account
// alone when its server fails (exit 3, to be retried), advisory changes it with a warning, off
// checks nothing; each server is probed once a run.
#include <SQLiteCpp/Database.h>
#include <SQLiteCpp/Statement.h>
#include <gtest/gtest.h>

#include <atomic>
#include <mutex>

#include "rules/rule_list.h"
#include "src/app/migration.h"
#include "tests/cli/cli_test_support.h"

namespace mailmig::cli_testing {
namespace {

const std::string kSylpheed = "homes/linux/.sylpheed-2.0";

struct FakeServers {
  std::set<std::string> down;  // host names whose every port fails
  std::mutex mutex;
  std::vector<Endpoint> probed;

  EndpointProbe probe() {
    return [this](const Endpoint& endpoint, const ProbeSettings&) {
      {
        std::lock_guard lock(mutex);
        probed.push_back(endpoint);
      }
      const bool is_down = down.contains(endpoint.host);
      return EndpointCheck{endpoint, is_down ? EndpointOutcome::NoTls : EndpointOutcome::Ok,
                           is_down ? "An unexpected TLS packet was received." : ""};
    };
  }
};

MigrationOptions plan_options(FakeServers& servers, std::optional<VerificationMode> mode) {
  MigrationOptions options;
  options.command = Command::Plan;
  options.paths = {fixture_path(kSylpheed)};
  options.verification = mode;
  options.probe = servers.probe();
  return options;
}

const AccountResult& account_of(const Migration& migration, const std::string& incoming_host) {
  for (const ProfileResult& profile : migration.result.profiles) {
    for (const AccountResult& account : profile.accounts) {
      if (account.account.incoming.hostname == incoming_host) return account;
    }
  }
  throw std::runtime_error("no account of " + incoming_host);
}

std::vector<std::string> messages(const AccountResult& account) {
  std::vector<std::string> out;
  for (const Finding& finding : account.findings) {
    if (finding.rule == "endpoint-check") out.push_back(finding.message());
  }
  return out;
}

TEST(Verification, EveryServerPassingLeavesThePlanAsItWas) {
  FakeServers servers;
  const Migration unchecked = run_migration(plan_options(servers, VerificationMode::Off),
                                            builtin_default_policy(known_rules()));
  EXPECT_TRUE(servers.probed.empty());
  EXPECT_EQ(unchecked.result.verification, "off");
  EXPECT_TRUE(unchecked.result.endpoint_checks.empty());

  const Migration checked =
      run_migration(plan_options(servers, std::nullopt), builtin_default_policy(known_rules()));
  EXPECT_EQ(checked.result.verification, "required");  // the built-in default
  EXPECT_EQ(checked.left_alone_unverified, 0u);
  const AccountResult& account = account_of(checked, "pop3.club.kyutech.ac.jp");
  EXPECT_EQ(account.changes, account_of(unchecked, "pop3.club.kyutech.ac.jp").changes);
  EXPECT_FALSE(account.changes.empty());
  EXPECT_TRUE(messages(account).empty());
  // The new POP3S and submission servers of that account were among the checks, each once.
  const auto checked_endpoint = [&](const std::string& host_port, SocketType socket_type) {
    return std::count_if(checked.result.endpoint_checks.begin(),
                         checked.result.endpoint_checks.end(), [&](const EndpointCheck& check) {
                           return host_and_port(check.endpoint) == host_port &&
                                  check.endpoint.socket_type == socket_type && check.passed();
                         });
  };
  EXPECT_EQ(checked_endpoint("pop3.club.kyutech.ac.jp:995", SocketType::Ssl), 1);
  EXPECT_EQ(checked_endpoint("smtp.club.kyutech.ac.jp:587", SocketType::StartTls), 1);
  std::set<Endpoint> distinct(servers.probed.begin(), servers.probed.end());
  EXPECT_EQ(distinct.size(), servers.probed.size()) << "a server was probed twice";
  EXPECT_EQ(checked.result.endpoint_checks.size(), servers.probed.size());
}

TEST(Verification, RequiredLeavesTheAccountOfAFailingServerAlone) {
  FakeServers servers;
  servers.down = {"pop3.club.kyutech.ac.jp"};
  const Migration migration = run_migration(plan_options(servers, VerificationMode::Required),
                                            builtin_default_policy(known_rules()));
  const AccountResult& account = account_of(migration, "pop3.club.kyutech.ac.jp");
  EXPECT_TRUE(account.changes.empty());
  EXPECT_EQ(messages(account),
            std::vector<std::string>{"left alone: pop3.club.kyutech.ac.jp:995 did not answer with "
                                     "TLS (An unexpected TLS packet was received.); mailmig tries "
                                     "again at its next run"});
  EXPECT_EQ(migration.left_alone_unverified, 1u);
  // Not done: its changes are still to make, at a later run.
  EXPECT_TRUE(account.awaiting_server);
  EXPECT_EQ(account_status(account, false), AccountStatus::Pending);
  EXPECT_EQ(account_status(account, true), AccountStatus::Pending);
  // The other accounts' servers answered: their changes stand.
  EXPECT_FALSE(account_of(migration, "popper.sc.itc.keio.ac.jp").changes.empty());
}

TEST(Verification, AdvisoryMakesTheChangeWithAWarning) {
  FakeServers servers;
  servers.down = {"pop3.club.kyutech.ac.jp"};
  const Migration migration = run_migration(plan_options(servers, VerificationMode::Advisory),
                                            builtin_default_policy(known_rules()));
  const AccountResult& account = account_of(migration, "pop3.club.kyutech.ac.jp");
  EXPECT_FALSE(account.changes.empty());
  ASSERT_EQ(messages(account).size(), 1u);
  EXPECT_EQ(messages(account)[0],
            "pop3.club.kyutech.ac.jp:995 did not answer with TLS (An unexpected TLS packet was "
            "received.), changed anyway (verification is advisory)");
  EXPECT_EQ(account.findings.back().severity, Severity::Warning);
  EXPECT_EQ(migration.left_alone_unverified, 0u);
}

TEST(Verification, ThePolicysModeHoldsUnlessOverridden) {
  FakeServers servers;
  Policy policy = builtin_default_policy(known_rules());
  policy.verification.mode = VerificationMode::Off;
  run_migration(plan_options(servers, std::nullopt), policy);
  EXPECT_TRUE(servers.probed.empty());
  run_migration(plan_options(servers, VerificationMode::Advisory), policy);
  EXPECT_FALSE(servers.probed.empty());
}

TEST(Verification, ScanChecksNothing) {
  FakeServers servers;
  MigrationOptions options = plan_options(servers, VerificationMode::Required);
  options.command = Command::Scan;
  EXPECT_EQ(run_migration(options, builtin_default_policy(known_rules())).result.verification,
            "off");
  EXPECT_TRUE(servers.probed.empty());
}

// The executable: a server that cannot be reached leaves its account alone, says so in every
// format, and exits 3 ("retry later"); --verify off makes the change.
class VerificationCliTest : public ::testing::Test {
 protected:
  void SetUp() override {
    // ".invalid" never resolves (RFC 6761): the check fails without any network.
    write_file_bytes(sandbox_.path("accountrc"),
                     "[Account: 1]\naccount_name=a\naddress=a@mailmig.invalid\n"
                     "receive_server=pop.mailmig.invalid\nsmtp_server=smtp.mailmig.invalid\n"
                     "protocol=0\nuser_id=a\nssl_pop=0\nset_popport=1\npop_port=110\n"
                     "ssl_smtp=0\nset_smtpport=1\nsmtp_port=25\nuse_smtp_auth=0\n");
    options_.tmpdir = sandbox_.tmp();
  }

  RunOutput run(std::vector<std::string> args) {
    args.insert(args.end(), {"--state-dir", sandbox_.state(), sandbox_.path("accountrc")});
    return run_mailmig(args, options_);
  }

  Sandbox sandbox_;
  RunOptions options_;
};

TEST_F(VerificationCliTest, RequiredLeavesTheAccountAloneAndExitsThree) {
  const std::string before = read_file_bytes(sandbox_.path("accountrc"));
  const RunOutput planned = run({"plan", "--verify", "required"});
  EXPECT_EQ(planned.exit_code, 3) << planned.out << planned.err;
  EXPECT_NE(planned.out.find("left alone: pop.mailmig.invalid:995 did not answer"),
            std::string::npos)
      << planned.out;
  EXPECT_NE(planned.out.find("Servers checked before changing (verification required):"),
            std::string::npos)
      << planned.out;
  EXPECT_NE(planned.err.find("1 accounts were left alone"), std::string::npos) << planned.err;

  const RunOutput json = run({"plan", "--verify", "required", "--format", "json"});
  EXPECT_EQ(json.exit_code, 3);
  const nlohmann::json report = parse_json(json.out);
  EXPECT_EQ(report["verification"]["mode"], "required");
  ASSERT_FALSE(report["verification"]["endpoints"].empty());
  EXPECT_EQ(report["verification"]["endpoints"][0]["result"], "no-answer");
  EXPECT_EQ(report["verification"]["endpoints"][0]["reason"], "did not answer");
  EXPECT_TRUE(report["profiles"][0]["accounts"][0]["changes"].empty());

  const RunOutput applied = run({"apply", "--verify", "required"});
  EXPECT_EQ(applied.exit_code, 3) << applied.out << applied.err;
  EXPECT_EQ(read_file_bytes(sandbox_.path("accountrc")), before);
}

TEST_F(VerificationCliTest, TheReportDatabaseRecordsEachFailedCheckAndTheCensusListsIt) {
  const std::string db = sandbox_.path("census.db");
  const RunOutput planned = run({"plan", "--verify", "required", "--report", db});
  EXPECT_EQ(planned.exit_code, 3) << planned.out << planned.err;
  {
    SQLite::Database report(db);
    EXPECT_EQ(report.execAndGet("SELECT verification FROM runs").getString(), "required");
    SQLite::Statement checks(report,
                             "SELECT protocol || ' ' || host || ':' || port || ' ' || security "
                             "|| ' ' || result FROM endpoint_checks ORDER BY host");
    std::vector<std::string> rows;
    while (checks.executeStep()) rows.push_back(checks.getColumn(0).getString());
    EXPECT_EQ(rows, (std::vector<std::string>{"pop3 pop.mailmig.invalid:995 SSL no-answer",
                                              "smtp smtp.mailmig.invalid:587 STARTTLS no-answer"}));
  }
  const RunOutput summary = run_mailmig({"report", "summary", db, "--format", "json"}, options_);
  ASSERT_EQ(summary.exit_code, 0) << summary.err;
  const nlohmann::json census = parse_json(summary.out);
  ASSERT_EQ(census["failing_endpoints"].size(), 2u) << summary.out;
  EXPECT_EQ(census["failing_endpoints"][0]["result"], "no-answer");
  EXPECT_EQ(census["failing_endpoints"][0]["machines_failed"], 1);
}

TEST_F(VerificationCliTest, OffMakesTheChangeAndTheEnvironmentCanSayIt) {
  const RunOutput off = run({"plan", "--verify", "off"});
  EXPECT_EQ(off.exit_code, 4) << off.out << off.err;
  EXPECT_EQ(off.out.find("Servers checked"), std::string::npos);

  options_.extra_environment = {{"MAILMIG_VERIFY", "advisory"}};
  const RunOutput advisory = run({"plan"});
  EXPECT_EQ(advisory.exit_code, 4) << advisory.out << advisory.err;
  EXPECT_NE(advisory.out.find("changed anyway (verification is advisory)"), std::string::npos)
      << advisory.out;

  options_.extra_environment = {{"MAILMIG_VERIFY", "sometimes"}};
  const RunOutput bad = run({"plan"});
  EXPECT_EQ(bad.exit_code, 2);
  EXPECT_NE(bad.err.find("MAILMIG_VERIFY=sometimes is not one of required, advisory, off"),
            std::string::npos)
      << bad.err;
}

}  // namespace
}  // namespace mailmig::cli_testing
