// The census from the command line: `--group` recorded by plan, `report summary --stale-since`,
// and the merge's progress line only on a terminal.
#include <SQLiteCpp/Database.h>
#include <gtest/gtest.h>

#include <algorithm>

#include "tests/cli/cli_test_support.h"

namespace mailmig::cli_testing {
namespace {

class CensusCliTest : public LinuxHomeTest {
 protected:
  // Plans the sample home into its own report, as one machine of a census would.
  std::string machine_report(const std::string& machine, const std::string& group) {
    const std::string db = sandbox_.path(machine + ".db");
    std::vector<std::string> args{"plan", "--report", db, "--machine", machine};
    if (!group.empty()) args.insert(args.end(), {"--group", group});
    const RunOutput plan = run(args);
    EXPECT_EQ(plan.exit_code, 4) << plan.out << plan.err;
    return db;
  }
};

TEST_F(CensusCliTest, PlanRecordsItsGroupAndTheSummaryCountsByIt) {
  const std::string pilot = machine_report("tokyo-pc-01", "pilot");
  const std::string plain = machine_report("osaka-pc-02", "");
  {
    SQLite::Database db(pilot);
    EXPECT_EQ(db.execAndGet("SELECT machine_group FROM runs").getString(), "pilot");
  }
  const std::string merged = sandbox_.path("all.db");
  const RunOutput merge = run_mailmig({"report", "merge", merged, pilot, plain}, options_);
  ASSERT_EQ(merge.exit_code, 0) << merge.err;
  EXPECT_EQ(merge.err.find("reports,"), std::string::npos) << "no progress line without a terminal";
  const RunOutput summary = run_mailmig({"report", "summary", merged, "--format", "json"}, options_);
  ASSERT_EQ(summary.exit_code, 0) << summary.err;
  const nlohmann::json json = parse_json(summary.out);
  std::vector<std::string> groups;
  for (const auto& row : json["work_by_group"]) groups.push_back(row["key"]);
  std::sort(groups.begin(), groups.end());
  EXPECT_EQ(groups, (std::vector<std::string>{"osaka", "pilot"}));
  EXPECT_EQ(json["machine_status"]["pending"], 2);
}

TEST_F(CensusCliTest, StaleSinceTakesADateAndListsTheMachinesNotHeardFrom) {
  const std::string db = machine_report("tokyo-pc-01", "");
  const RunOutput bad = run_mailmig({"report", "summary", db, "--stale-since", "yesterday"}, options_);
  EXPECT_EQ(bad.exit_code, 2) << bad.err;
  const RunOutput future =
      run_mailmig({"report", "summary", db, "--stale-since", "2999-01-01"}, options_);
  ASSERT_EQ(future.exit_code, 0) << future.err;
  EXPECT_NE(future.out.find("Machines not heard from since 2999-01-01:\n  tokyo-pc-01 "),
            std::string::npos)
      << future.out;
  const RunOutput past =
      run_mailmig({"report", "summary", db, "--stale-since", "2000-01-01"}, options_);
  EXPECT_EQ(past.out.find("  tokyo-pc-01 2"), std::string::npos) << past.out;
}

TEST_F(CensusCliTest, MergeShowsCountsRateAndTimeLeftOnATerminal) {
  const std::string first = machine_report("tokyo-pc-01", "");
  const std::string second = machine_report("tokyo-pc-02", "");
  const RunOutput merge = run_mailmig_on_terminal(
      {"report", "merge", sandbox_.path("all.db"), first, second}, options_, "2 / 2 reports, ", "");
  EXPECT_EQ(merge.exit_code, 0) << merge.out;
  EXPECT_NE(merge.out.find(" a second, about 0 s left"), std::string::npos) << merge.out;
}

}  // namespace
}  // namespace mailmig::cli_testing
