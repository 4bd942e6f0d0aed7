#include <SQLiteCpp/Database.h>
#include <gtest/gtest.h>

#include <nlohmann/json.hpp>
#include <pugixml.hpp>

#include "parsers/clients/becky/becky_client.h"
#include "parsers/clients/outlook/outlook_client.h"
#include "parsers/clients/sylpheed/sylpheed_client.h"
#include "parsers/clients/thunderbird/thunderbird_client.h"
#include "src/i18n/i18n.h"
#include "src/report/csv.h"
#include "src/report/report_db.h"
#include "src/report/report_summary.h"
#include "src/util/text_sanitize.h"
#include "tests/report/sample_runs.h"

namespace mailmig {
namespace {

using testing::TempDir;

AccountResult account_with(std::string id, std::string host, std::vector<std::string> rules) {
  AccountResult result;
  result.account = testing::sample_account(std::move(id), "tanaka");
  result.account.incoming.hostname = std::move(host);
  for (std::string& rule : rules) {
    result.changes.push_back(Change{std::move(rule), "outgoing.port", "25", "587", "policy"});
  }
  return result;
}

ProfileResult profile_of(ClientKind client, std::string path, std::vector<AccountResult> accounts) {
  ProfileResult profile;
  profile.client = client;
  profile.path = std::move(path);
  profile.accounts = std::move(accounts);
  return profile;
}

RunResult run_of(std::string id, std::string command, std::string machine, std::string time,
                 std::vector<ProfileResult> profiles) {
  RunResult run;
  run.info =
      testing::sample_info(std::move(id), std::move(command), std::move(machine), std::move(time));
  run.profiles = std::move(profiles);
  return run;
}

// Four machines' history; see the expectations in Figures below.
std::vector<RunResult> history() {
  const std::string tb = "/home/tanaka/.thunderbird/p.default";
  // pc-a planned, then applied: nothing pending, one manual step left.
  RunResult a_plan =
      run_of("a1", "plan", "pc-a", "2026-11-20T09:00:00Z",
             {profile_of(kThunderbird, tb,
                         {account_with("account1", "imap.iis.u-tokyo.ac.jp",
                                       {"smtp-submission-port", "smtp-starttls"}),
                          account_with("account2", "pop.tanaka.dti.ne.jp", {"smtp-auth"})})});
  RunResult a_apply = a_plan;
  a_apply.info.run_id = "a2";
  a_apply.info.command = "apply";
  a_apply.info.time = "2026-11-21T09:00:00Z";
  a_apply.profiles[0].accounts[0].findings.push_back(
      make_finding("spa-off", Severity::ActionRequired, "Turn off SPA for {host} by hand",
                   {{"host", "imap.iis.u-tokyo.ac.jp"}}));
  a_apply.profiles[0].accounts[1].findings.push_back(
      make_finding("note", Severity::Info, "Nothing to do"));

  // pc-b planned, then the client was running: the plan's change is still pending.
  RunResult b_plan = run_of("b1", "plan", "pc-b", "2026-11-20T10:00:00Z",
                            {profile_of(kBecky, "C:/Users/hanako/Becky",
                                        {account_with("4a1b2c3d.mb", "pop3.club.kyutech.ac.jp",
                                                      {"smtp-submission-port"})})});
  RunResult b_running = run_of("b2", "scan", "pc-b", "2026-11-22T10:00:00Z",
                               {profile_of(kBecky, "C:/Users/hanako/Becky", {})});
  b_running.profiles[0].status = ProfileStatus::ClientRunning;
  b_running.profiles[0].error = "Close Becky! & run again";

  // pc-c scanned: pending changes on one account, a profile-level manual step, an unreadable
  // Outlook Express export.
  ProfileResult sylpheed = profile_of(
      kSylpheed, "/home/hanako/.sylpheed-2.0",
      {account_with("1", "popper.sc.itc.keio.ac.jp", {"smtp-submission-port", "pop-ssl"}),
       account_with("2", "popper.sc.itc.keio.ac.jp", {})});
  sylpheed.findings.push_back(make_finding("pop-before-smtp", Severity::ActionRequired,
                                           "Ask the <helpdesk> for SMTP AUTH"));
  ProfileResult outlook_express = profile_of(kOutlookExpress, "/home/hanako/oe.reg", {});
  outlook_express.status = ProfileStatus::Error;
  outlook_express.error = "/home/hanako/oe.reg:3: expected '='";
  RunResult c_scan =
      run_of("c1", "scan", "pc-c", "2026-11-22T11:00:00Z", {sylpheed, outlook_express});

  // pc-d applied with nothing to change.
  RunResult d_apply = run_of("d1", "apply", "pc-d", "2026-11-23T08:00:00Z",
                             {profile_of(kClawsMail, "/home/jiro/.claws-mail",
                                         {account_with("1", "imap.iis.u-tokyo.ac.jp", {})})});

  // The apply is recorded before the plan it follows: time decides, not insertion order.
  return {a_apply, a_plan, b_plan, b_running, c_scan, d_apply};
}

class SummaryTest : public ::testing::Test {
 protected:
  void SetUp() override {
    for (const RunResult& run : history()) {
      ASSERT_TRUE(append_run_to_report(db_, run).ok());
    }
    ReportSummaryResult result = summarize_report(db_);
    ASSERT_TRUE(result) << result.error;
    summary_ = std::move(result.summary);
  }

  TempDir dir_{/*in_memory=*/true};
  std::string db_ = dir_.path("report.db");
  ReportSummary summary_;
};

TEST_F(SummaryTest, Figures) {
  EXPECT_EQ(summary_.machines, 4u);
  EXPECT_EQ(summary_.runs, 6u);
  EXPECT_EQ(summary_.profiles, 5u);
  EXPECT_EQ(summary_.accounts, 6u);  // 2 on pc-a, 1 on pc-b, 2 on pc-c, 1 on pc-d
  EXPECT_EQ(summary_.pending_accounts, 2u);
  EXPECT_EQ(summary_.client_running, 1u);
  EXPECT_EQ(summary_.errors, 1u);
  EXPECT_EQ(summary_.latest_run_time, "2026-11-23T08:00:00Z");
  EXPECT_EQ(summary_.pending_by_rule,
            (std::map<std::string, std::size_t>{{"pop-ssl", 1}, {"smtp-submission-port", 2}}));
  EXPECT_EQ(summary_.pending_by_client,
            (std::map<std::string, std::size_t>{{"becky", 1}, {"sylpheed", 1}}));
  EXPECT_EQ(summary_.pending_by_host,
            (std::map<std::string, std::size_t>{{"pop3.club.kyutech.ac.jp", 1},
                                                {"popper.sc.itc.keio.ac.jp", 1}}));
}

TEST_F(SummaryTest, WorklistAndAttention) {
  const std::vector<WorklistEntry> expected{
      {"pc-a",
       "tanaka",
       "thunderbird",
       "/home/tanaka/.thunderbird/p.default",
       "account1",
       "田中 太郎",
       "tanaka@iis.u-tokyo.ac.jp",
       "imap.iis.u-tokyo.ac.jp",
       {},
       {"Turn off SPA for imap.iis.u-tokyo.ac.jp by hand"},
       "apply",
       "2026-11-21T09:00:00Z",
       "action-required"},
      {"pc-b",
       "tanaka",
       "becky",
       "C:/Users/hanako/Becky",
       "4a1b2c3d.mb",
       "田中 太郎",
       "tanaka@iis.u-tokyo.ac.jp",
       "pop3.club.kyutech.ac.jp",
       {"smtp-submission-port"},
       {},
       "plan",
       "2026-11-20T10:00:00Z",
       "client-running"},
      {"pc-c",
       "tanaka",
       "sylpheed",
       "/home/hanako/.sylpheed-2.0",
       "",
       "",
       "",
       "",
       {},
       {"Ask the <helpdesk> for SMTP AUTH"},
       "scan",
       "2026-11-22T11:00:00Z",
       "action-required"},
      {"pc-c",
       "tanaka",
       "sylpheed",
       "/home/hanako/.sylpheed-2.0",
       "1",
       "田中 太郎",
       "tanaka@iis.u-tokyo.ac.jp",
       "popper.sc.itc.keio.ac.jp",
       {"pop-ssl", "smtp-submission-port"},
       {},
       "scan",
       "2026-11-22T11:00:00Z",
       "pending"},
  };
  EXPECT_EQ(summary_.worklist, expected);
  const std::vector<ProfileAttention> attention{
      {"pc-b", "tanaka", "becky", "C:/Users/hanako/Becky", "client-running",
       "Close Becky! & run again", "scan", "2026-11-22T10:00:00Z"},
      {"pc-c", "tanaka", "outlook-express", "/home/hanako/oe.reg", "error",
       "/home/hanako/oe.reg:3: expected '='", "scan", "2026-11-22T11:00:00Z"},
  };
  EXPECT_EQ(summary_.attention, attention);
}

TEST_F(SummaryTest, TextGolden) {
  EXPECT_EQ(summary_text(summary_),
            "mailmig report summary\n"
            "  Machines: 4\n"
            "  Runs: 6\n"
            "  Profiles: 5\n"
            "  Accounts: 6\n"
            "  Accounts with pending changes: 2\n"
            "  Profiles with the mail client running: 1\n"
            "  Profiles that could not be read: 1\n"
            "  Accounts: done 3 (50%), pending 1 (17%), to do by hand 1 (17%), client running 1 "
            "(17%), errors 0 (0%), not governed 0 (0%)\n"
            "  Machines: done 1 (25%), pending 0 (0%), to do by hand 1 (25%), client running 1 "
            "(25%), errors 1 (25%), not governed 0 (0%)\n"
            "\n"
            "Policies (machines whose latest run used it):\n"
            "  iis-2026 9f86d081884c7d659a2feaa0c55ad015a3bf4f1b2b0b822cd15d6c15b0f00a08: 4\n"
            "\n"
            "Pending accounts by rule:\n"
            "  pop-ssl: 1\n"
            "  smtp-submission-port: 2\n"
            "\n"
            "Pending accounts by client:\n"
            "  becky: 1\n"
            "  sylpheed: 1\n"
            "\n"
            "Pending accounts by incoming server:\n"
            "  pop3.club.kyutech.ac.jp: 1\n"
            "  popper.sc.itc.keio.ac.jp: 1\n"
            "\n"
            "Worklist:\n"
            "  pc-a (tanaka) thunderbird /home/tanaka/.thunderbird/p.default [account1] 田中 太郎 "
            "<tanaka@iis.u-tokyo.ac.jp>\n"
            "    to do by hand: Turn off SPA for imap.iis.u-tokyo.ac.jp by hand\n"
            "  pc-b (tanaka) becky C:/Users/hanako/Becky [4a1b2c3d.mb] 田中 太郎 "
            "<tanaka@iis.u-tokyo.ac.jp>\n"
            "    pending: smtp-submission-port\n"
            "  pc-c (tanaka) sylpheed /home/hanako/.sylpheed-2.0\n"
            "    to do by hand: Ask the <helpdesk> for SMTP AUTH\n"
            "  pc-c (tanaka) sylpheed /home/hanako/.sylpheed-2.0 [1] 田中 太郎 "
            "<tanaka@iis.u-tokyo.ac.jp>\n"
            "    pending: pop-ssl, smtp-submission-port\n"
            "\n"
            "Profiles to run again:\n"
            "  pc-b (tanaka) becky C:/Users/hanako/Becky: client-running (Close Becky! & run "
            "again)\n"
            "  pc-c (tanaka) outlook-express /home/hanako/oe.reg: error (/home/hanako/oe.reg:3: "
            "expected '=')\n");
}

TEST_F(SummaryTest, JsonCarriesTheFiguresAndLists) {
  const auto json = nlohmann::json::parse(summary_json(summary_));
  EXPECT_EQ(json["schema"], "mailmig-summary/1");
  EXPECT_EQ(json["machines"], 4);
  EXPECT_EQ(json["runs"], 6);
  EXPECT_EQ(json["profiles"], 5);
  EXPECT_EQ(json["accounts"], 6);
  EXPECT_EQ(json["pending_accounts"], 2);
  EXPECT_EQ(json["client_running"], 1);
  EXPECT_EQ(json["errors"], 1);
  EXPECT_EQ(json["pending_by_rule"], (nlohmann::json{{"pop-ssl", 1}, {"smtp-submission-port", 2}}));
  EXPECT_EQ(json["pending_by_client"], (nlohmann::json{{"becky", 1}, {"sylpheed", 1}}));
  EXPECT_EQ(json["pending_by_host"],
            (nlohmann::json{{"pop3.club.kyutech.ac.jp", 1}, {"popper.sc.itc.keio.ac.jp", 1}}));
  ASSERT_EQ(json["worklist"].size(), 4u);
  EXPECT_EQ(json["worklist"][3], (nlohmann::json{{"machine", "pc-c"},
                                                 {"user", "tanaka"},
                                                 {"client", "sylpheed"},
                                                 {"profile", "/home/hanako/.sylpheed-2.0"},
                                                 {"account", "1"},
                                                 {"name", "田中 太郎"},
                                                 {"address", "tanaka@iis.u-tokyo.ac.jp"},
                                                 {"hostname", "popper.sc.itc.keio.ac.jp"},
                                                 {"rules", {"pop-ssl", "smtp-submission-port"}},
                                                 {"manual_steps", nlohmann::json::array()},
                                                 {"command", "scan"},
                                                 {"time", "2026-11-22T11:00:00Z"},
                                                 {"status", "pending"}}));
  EXPECT_EQ(json["account_status"], (nlohmann::json{{"done", 3},
                                                    {"pending", 1},
                                                    {"action_required", 1},
                                                    {"client_running", 1},
                                                    {"errors", 0},
                                                    {"not_governed", 0}}));
  EXPECT_EQ(json["machine_status"]["errors"], 1);
  EXPECT_EQ(json["progress"][3], (nlohmann::json{{"day", "2026-11-23"}, {"done", 3}, {"remaining", 3}}));
  EXPECT_EQ(json["machine_lines"][0]["machine"], "pc-c");
  EXPECT_EQ(json["machine_lines"][0]["status"], "error");
  EXPECT_EQ(json["work_by_group"][0]["key"], "pc");
  EXPECT_FALSE(json.contains("stale_machines"));
  ASSERT_EQ(json["attention"].size(), 2u);
  EXPECT_EQ(json["attention"][0]["status"], "client-running");
}

TEST_F(SummaryTest, CsvForExcelListsTheWorklistThenTheProfilesToRunAgain) {
  const std::string csv = summary_csv(summary_);
  ASSERT_TRUE(csv.starts_with("\xEF\xBB\xBFmachine,group,"));  // the BOM Excel needs
  const CsvTable table = read_csv(csv.substr(3));
  ASSERT_TRUE(table) << table.status.message;
  ASSERT_EQ(table.rows.size(), 7u);
  EXPECT_EQ(table.rows[0],
            (CsvRow{"machine", "group", "user", "client", "profile", "status", "account", "name",
                    "address", "hostname", "rules", "manual_steps", "error", "command", "time"}));
  EXPECT_EQ(table.rows[0], CsvRow(summary_csv_columns()));
  EXPECT_EQ(table.rows[4],
            (CsvRow{"pc-c", "pc", "tanaka", "sylpheed", "/home/hanako/.sylpheed-2.0", "pending",
                    "1", "田中 太郎", "tanaka@iis.u-tokyo.ac.jp", "popper.sc.itc.keio.ac.jp",
                    "pop-ssl smtp-submission-port", "", "", "scan", "2026-11-22T11:00:00Z"}));
  EXPECT_EQ(table.rows[5],
            (CsvRow{"pc-b", "pc", "tanaka", "becky", "C:/Users/hanako/Becky", "client-running",
                    "", "", "", "", "", "", "Close Becky! & run again", "scan",
                    "2026-11-22T10:00:00Z"}));
}

TEST_F(SummaryTest, CensusCountsAccountsAndMachinesByStatus) {
  EXPECT_EQ(summary_.account_status, (StatusCounts{3, 1, 1, 1, 0, 0}));
  EXPECT_EQ(summary_.machine_status, (StatusCounts{1, 0, 1, 1, 1, 0}));
  ASSERT_EQ(summary_.machine_lines.size(), 4u);
  std::vector<std::string> order;
  for (const MachineLine& line : summary_.machine_lines) {
    order.push_back(line.machine + ":" + std::string(census_status_name(line.status)));
  }
  EXPECT_EQ(order, (std::vector<std::string>{"pc-c:error", "pc-b:client-running",
                                             "pc-a:action-required", "pc-d:done"}));
  EXPECT_EQ(summary_.machine_lines[0].last_seen, "2026-11-22T11:00:00Z");
  EXPECT_EQ(summary_.machine_lines[0].group, "pc");
  EXPECT_EQ(summary_.policies,
            (std::vector<PolicyUse>{
                {"iis-2026", "9f86d081884c7d659a2feaa0c55ad015a3bf4f1b2b0b822cd15d6c15b0f00a08", 4}}));
  EXPECT_EQ(summary_.progress,
            (std::vector<DayProgress>{{"2026-11-20", 0, 3},
                                      {"2026-11-21", 1, 2},
                                      {"2026-11-22", 2, 3},
                                      {"2026-11-23", 3, 3}}));
  ASSERT_EQ(summary_.work_by_group.size(), 1u);
  EXPECT_EQ(summary_.work_by_group[0], (WorkCounts{"pc", StatusCounts{3, 1, 1, 1, 0, 0}, 4}));
  ASSERT_EQ(summary_.work_by_rule.size(), 2u);
  EXPECT_EQ(summary_.work_by_rule[0], (WorkCounts{"smtp-submission-port", {0, 1, 0, 1, 0, 0}, 2}));
}

TEST(Census, PoliciesGroupsDaysWithoutRunsAndMachinesNotHeardFrom) {
  TempDir dir(/*in_memory=*/true);
  const std::string db = dir.path("report.db");
  RunResult early = run_of("e1", "plan", "osaka-pc-01", "2026-12-01T09:00:00Z",
                           {profile_of(kThunderbird, "/home/a/.thunderbird/p",
                                       {account_with("account1", "pop.example.jp", {"pop-ssl"})})});
  RunResult late = run_of("l1", "plan", "tokyo-pc-02", "2026-12-04T09:00:00Z",
                          {profile_of(kThunderbird, "/home/b/.thunderbird/p",
                                      {account_with("account1", "pop.example.jp", {})})});
  late.info.group = "pilot";
  late.info.policy_hash = "old";
  late.profiles[0].accounts.push_back(account_with("account2", "pop.example.jp", {}));
  late.profiles[0].accounts.back().governed = false;
  ASSERT_TRUE(append_run_to_report(db, early).ok());
  ASSERT_TRUE(append_run_to_report(db, late).ok());
  SummaryOptions options;
  options.stale_since = "2026-12-03";
  const ReportSummaryResult read = summarize_report(db, options);
  ASSERT_TRUE(read) << read.error;
  const ReportSummary& summary = read.summary;
  EXPECT_EQ(summary.account_status, (StatusCounts{1, 1, 0, 0, 0, 1}));
  EXPECT_EQ(summary.policies.size(), 2u);
  EXPECT_NE(summary_text(summary).find("Warning: the machines ran different policies."),
            std::string::npos);
  EXPECT_NE(summary_html(summary).find("class=\"warning\""), std::string::npos);
  EXPECT_EQ(summary.progress, (std::vector<DayProgress>{{"2026-12-01", 0, 1},
                                                        {"2026-12-02", 0, 1},
                                                        {"2026-12-03", 0, 1},
                                                        {"2026-12-04", 1, 1}}));
  std::vector<std::string> groups;
  for (const WorkCounts& row : summary.work_by_group) groups.push_back(row.key);
  EXPECT_EQ(groups, (std::vector<std::string>{"osaka", "pilot"}));
  ASSERT_EQ(summary.stale_machines.size(), 1u);
  EXPECT_EQ(summary.stale_machines[0].machine, "osaka-pc-01");
  EXPECT_NE(summary_text(summary).find("Machines not heard from since 2026-12-03:\n  osaka-pc-01 "
                                       "2026-12-01T09:00:00Z\n"),
            std::string::npos);
}

// The text of every element named `name`, in document order.
std::vector<std::string> texts_of(const pugi::xml_document& page, const char* xpath) {
  std::vector<std::string> texts;
  for (const pugi::xpath_node& node : page.select_nodes(xpath)) {
    texts.emplace_back(node.node().text().get());
  }
  return texts;
}

EndpointCheck check_of(Protocol protocol, std::string host, int port, SocketType security,
                       EndpointOutcome outcome, std::string detail = "") {
  return {{protocol, std::move(host), port, security, AuthMethod::PasswordCleartext},
          outcome,
          std::move(detail)};
}

TEST(Census, NewServersFailingOnSomeMachineByTheirLatestCheckThere) {
  TempDir dir(/*in_memory=*/true);
  const std::string db = dir.path("report.db");
  const std::string smtp = "mail.iis.u-tokyo.ac.jp";
  const std::string imap = "imap.iis.u-tokyo.ac.jp";
  // pc-1 failed on SMTP first, then passed: its latest check counts.
  RunResult pc1_first = run_of("r1", "plan", "pc-1", "2026-12-01T09:00:00Z", {});
  pc1_first.endpoint_checks = {
      check_of(Protocol::Smtp, smtp, 587, SocketType::StartTls, EndpointOutcome::NoTls,
               "530 5.7.0 Must issue a STARTTLS command first"),
      check_of(Protocol::Imap, imap, 993, SocketType::Ssl, EndpointOutcome::Ok),
      check_of(Protocol::Pop3, "pop.iis.u-tokyo.ac.jp", 995, SocketType::Ssl, EndpointOutcome::Ok)};
  RunResult pc1_later = run_of("r2", "apply", "pc-1", "2026-12-02T09:00:00Z", {});
  pc1_later.endpoint_checks = {
      check_of(Protocol::Smtp, smtp, 587, SocketType::StartTls, EndpointOutcome::Ok)};
  RunResult pc2 = run_of("r3", "plan", "pc-2", "2026-12-01T10:00:00Z", {});
  pc2.endpoint_checks = {
      check_of(Protocol::Smtp, smtp, 587, SocketType::StartTls, EndpointOutcome::NoAnswer),
      check_of(Protocol::Imap, imap, 993, SocketType::Ssl, EndpointOutcome::NoAnswer)};
  RunResult pc3 = run_of("r4", "plan", "pc-3", "2026-12-03T10:00:00Z", {});
  pc3.endpoint_checks = {
      check_of(Protocol::Smtp, smtp, 587, SocketType::StartTls, EndpointOutcome::CertificateExpired,
               "The certificate has expired."),
      check_of(Protocol::Imap, imap, 993, SocketType::Ssl, EndpointOutcome::Ok),
      // The same host and port with another security is another endpoint.
      check_of(Protocol::Smtp, smtp, 587, SocketType::Plain, EndpointOutcome::Ok)};
  for (const RunResult& run : {pc1_first, pc2, pc1_later, pc3}) {
    ASSERT_TRUE(append_run_to_report(db, run).ok());
  }
  const ReportSummaryResult read = summarize_report(db);
  ASSERT_TRUE(read) << read.error;
  const ReportSummary& summary = read.summary;
  EXPECT_EQ(summary.failing_endpoints,
            (std::vector<FailingEndpoint>{{smtp, 587, "STARTTLS", "smtp", "certificate-expired",
                                           "The certificate has expired.", 2, 1},
                                          {imap, 993, "SSL", "imap", "no-answer", "", 1, 2}}));

  EXPECT_NE(summary_text(summary).find(
                "New servers checked, failing on some machine:\n"
                "  mail.iis.u-tokyo.ac.jp:587 STARTTLS (smtp): expired certificate; failed on 2 "
                "machines, ok on 1\n"
                "    The certificate has expired.\n"
                "  imap.iis.u-tokyo.ac.jp:993 SSL (imap): did not answer; failed on 1 machines, "
                "ok on 2\n"),
            std::string::npos)
      << summary_text(summary);

  const nlohmann::json json = nlohmann::json::parse(summary_json(summary));
  ASSERT_EQ(json["failing_endpoints"].size(), 2u);
  EXPECT_EQ(json["failing_endpoints"][0],
            (nlohmann::json{{"hostname", smtp},
                            {"port", 587},
                            {"socketType", "STARTTLS"},
                            {"protocol", "smtp"},
                            {"result", "certificate-expired"},
                            {"detail", "The certificate has expired."},
                            {"machines_failed", 2},
                            {"machines_ok", 1}}));
  EXPECT_EQ(json["failing_endpoints"][1]["result"], "no-answer");
  EXPECT_TRUE(json.contains("worklist"));

  const std::string html = summary_html(summary);
  pugi::xml_document page;
  ASSERT_TRUE(page.load_buffer(html.data(), html.size()));
  EXPECT_EQ(texts_of(page, "//table[@id='endpoints']/tbody/tr/td[1]"),
            (std::vector<std::string>{"mail.iis.u-tokyo.ac.jp:587", "imap.iis.u-tokyo.ac.jp:993"}));
  EXPECT_EQ(texts_of(page, "//table[@id='endpoints']/tbody/tr/td[5]"),
            (std::vector<std::string>{"2", "1"}));
}

TEST(Census, MachineGroupIsTheNamesPrefix) {
  EXPECT_EQ(machine_group("tokyo-pc-0012"), "tokyo");
  EXPECT_EQ(machine_group("lab12"), "lab");
  EXPECT_EQ(machine_group("PC_07"), "PC");
  EXPECT_EQ(machine_group("12-pc"), "12-pc");
  EXPECT_EQ(machine_group("kiosk"), "kiosk");
}

TEST_F(SummaryTest, HtmlIsOneWellFormedSelfContainedPage) {
  const std::string html = summary_html(summary_);
  ASSERT_TRUE(html.starts_with("<!DOCTYPE html>\n<html lang=\"en\">"));
  pugi::xml_document page;
  const pugi::xml_parse_result parsed = page.load_buffer(html.data(), html.size());
  ASSERT_TRUE(parsed) << parsed.description() << " at byte " << parsed.offset;
  EXPECT_STREQ(page.document_element().name(), "html");
  EXPECT_EQ(texts_of(page, "/html/head/title"), std::vector<std::string>{"mailmig census"});
  // Nothing from elsewhere: no address, no external script, style or font.
  EXPECT_EQ(html.find("http"), std::string::npos);
  EXPECT_EQ(html.find("src="), std::string::npos);
  EXPECT_EQ(html.find("<link"), std::string::npos);
  EXPECT_EQ(html.find("url("), std::string::npos);
  EXPECT_EQ(page.select_nodes("//script").size(), 1u);
  EXPECT_EQ(texts_of(page, "//p[@class='headline']"),
            std::vector<std::string>{"3 of 6 accounts done (50%); 1 of 4 machines done."});
  // At a glance: accounts and machines by status, with their share.
  EXPECT_EQ(texts_of(page, "//table[@class='glance']/tbody/tr[3]/td"),
            (std::vector<std::string>{"", "1", "17%", "1", "25%"}));
  EXPECT_EQ(texts_of(page, "//table[@class='glance']/tbody/tr[3]/td[1]/span"),
            std::vector<std::string>{"to do by hand"});
  // Progress: two bars a day for four days.
  EXPECT_EQ(page.select_nodes("//svg/rect[title]").size(), 8u);
  // Where the work is: four sortable tables.
  EXPECT_EQ(page.select_nodes("//div[@class='grid']//table[@class='sortable']").size(), 4u);
  // The worklist: one group a machine, worst machine first, the profiles to run again in their
  // machine's group.
  EXPECT_EQ(texts_of(page, "//table[@id='worklist']/tbody/tr/th"),
            (std::vector<std::string>{
                "pc-c  \xC2\xB7  pc  \xC2\xB7  error  \xC2\xB7  2026-11-22 11:00 UTC",
                "pc-b  \xC2\xB7  pc  \xC2\xB7  client running  \xC2\xB7  2026-11-22 10:00 UTC",
                "pc-a  \xC2\xB7  pc  \xC2\xB7  to do by hand  \xC2\xB7  2026-11-21 09:00 UTC"}));
  EXPECT_EQ(texts_of(page, "//table[@id='worklist']/tbody[1]/tr/td[8]"),
            (std::vector<std::string>{"", "", "/home/hanako/oe.reg:3: expected '='"}));
  EXPECT_EQ(texts_of(page, "//table[@id='worklist']/tbody[3]/tr/td[3]"),
            std::vector<std::string>{"~/.thunderbird/p.default"});
  // Text is escaped, and reads back as written.
  EXPECT_NE(html.find("Ask the &lt;helpdesk&gt; for SMTP AUTH"), std::string::npos);
  EXPECT_EQ(texts_of(page, "//table[@id='worklist']/tbody[1]/tr[2]/td[8]/ul/li"),
            std::vector<std::string>{"Ask the <helpdesk> for SMTP AUTH"});
  // The machines, worst first.
  EXPECT_EQ(texts_of(page, "(//table[@class='sortable'])[5]/tbody/tr/td[1]"),
            (std::vector<std::string>{"pc-c", "pc-b", "pc-a", "pc-d"}));
}

TEST(SummaryHtml, LongListsAreCutWithACountOfTheRest) {
  ReportSummary summary;
  for (std::size_t index = 0; index < kHtmlRowLimit + 5; ++index) {
    WorklistEntry entry;
    entry.machine = "pc-" + std::to_string(10000 + index);
    entry.profile = "/home/someone/.thunderbird/a-rather-long-profile-folder-name.default";
    entry.status = "pending";
    summary.worklist.push_back(entry);
  }
  const std::string html = summary_html(summary);
  pugi::xml_document page;
  ASSERT_TRUE(page.load_buffer(html.data(), html.size()));
  EXPECT_EQ(page.select_nodes("//table[@id='worklist']/tbody/tr[td]").size(), kHtmlRowLimit);
  EXPECT_EQ(texts_of(page, "//p[@class='more']"),
            std::vector<std::string>{"1,000 of 1,005 shown; the CSV and JSON formats list them all."});
  EXPECT_EQ(texts_of(page, "(//table[@id='worklist']/tbody)[1]/tr/td[3]"),
            std::vector<std::string>{"\xE2\x80\xA6/a-rather-long-profile-folder-name.default"});
}

TEST(SummaryHtml, EmptyDatabaseAndControlCharactersStayWellFormed) {
  ReportSummary summary;
  summary.worklist.push_back(
      WorklistEntry{"pc\x01", "u", "becky", "p\"'<>&", "1", "n", "a", "h", {"r"}, {}, "plan", "t",
                    "pending"});
  const std::string html = summary_html(summary);
  pugi::xml_document page;
  ASSERT_TRUE(page.load_buffer(html.data(), html.size()));
  EXPECT_EQ(texts_of(page, "//table[@id='worklist']/tbody/tr/th"),
            std::vector<std::string>{"pc\xEF\xBF\xBD"});
  EXPECT_EQ(texts_of(page, "//table[@id='worklist']/tbody/tr/td[3]"),
            std::vector<std::string>{"p\"'<>&"});
  EXPECT_EQ(page.select_nodes("//table[@id='worklist']/tbody/tr/td[3]/@title")
                .first()
                .attribute()
                .value(),
            std::string("p\"'<>&"));
  EXPECT_EQ(texts_of(page, "//p[not(@class)]"), std::vector<std::string>(7, "None."));
}

TEST(SummaryHtml, InvalidUtf8AndC1ControlsBecomeTheReplacementCharacter) {
  ReportSummary summary;
  WorklistEntry entry{"pc\xFF\xC3", "u\x7F",     "becky", "",           "1",    "n",
                      "a",          "h\xE6\x97", {"r"},   {"\xC0\xAF"}, "plan", "t", "pending"};
  entry.profile = std::string("p\xC2\x9B") + "2J";  // C1 CSI, then "2J"
  summary.worklist.push_back(entry);
  summary.work_by_host.push_back({"bad\xFE", {}, 1});
  const std::string html = summary_html(summary);
  EXPECT_EQ(valid_utf8(html), html) << "the page is not valid UTF-8";
  pugi::xml_document page;
  ASSERT_TRUE(page.load_buffer(html.data(), html.size()));
  const std::string fffd = "\xEF\xBF\xBD";
  EXPECT_EQ(texts_of(page, "//table[@id='worklist']/tbody/tr/th"),
            std::vector<std::string>{"pc" + fffd + fffd});
  EXPECT_EQ(texts_of(page, "//table[@id='worklist']/tbody/tr/td[1]"),
            std::vector<std::string>{"u" + fffd});
  EXPECT_EQ(texts_of(page, "//table[@id='worklist']/tbody/tr/td[3]"),
            std::vector<std::string>{"p" + fffd + "2J"});
  EXPECT_EQ(texts_of(page, "//table[@id='worklist']/tbody/tr/td[5]"),
            std::vector<std::string>{"h" + fffd});
  EXPECT_EQ(texts_of(page, "//div[@class='grid']//table/tbody/tr/td[1]"),
            std::vector<std::string>{"bad" + fffd});
}

TEST(SummarizeReport, MissingAndForeignDatabasesAreErrors) {
  TempDir dir;
  EXPECT_EQ(summarize_report(dir.path("none.db")).error,
            dir.path("none.db") + ": no such report database");
  const std::string empty = dir.path("empty.db");
  { SQLite::Database db(empty, SQLite::OPEN_READWRITE | SQLite::OPEN_CREATE); }
  EXPECT_EQ(summarize_report(empty).error, empty + ": not a mailmig report database");
}

}  // namespace
}  // namespace mailmig
