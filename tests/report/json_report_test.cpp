#include "src/report/json_report.h"

#include <gtest/gtest.h>

#include "tests/report/sample_runs.h"

namespace mailmig {
namespace {

constexpr std::string_view kGoldenPlanJson = R"({
  "schema": "mailmig/1",
  "command": "plan",
  "run_id": "3f2a9c1e-7b4d-4e8a-9c21-5d6e7f809a1b",
  "machine": "lab-pc-01",
  "time": "2026-11-23T21:30:00Z",
  "mailmig_version": "0.1.0",
  "policy": {
    "name": "iis-2026",
    "hash": "9f86d081884c7d659a2feaa0c55ad015a3bf4f1b2b0b822cd15d6c15b0f00a08"
  },
  "verification": {
    "mode": "off",
    "endpoints": []
  },
  "profiles": [
    {
      "client": "thunderbird",
      "path": "/home/tanaka/.thunderbird/x1y2z3.default",
      "status": "ok",
      "accounts": [
        {
          "id": "account1",
          "name": "田中 太郎",
          "address": "tanaka@iis.u-tokyo.ac.jp",
          "incoming": {
            "protocol": "imap",
            "hostname": "imap.iis.u-tokyo.ac.jp",
            "port": 143,
            "socketType": "plain",
            "authentication": "password-encrypted",
            "username": "tanaka"
          },
          "outgoing": {
            "hostname": "mail.iis.u-tokyo.ac.jp",
            "port": 25,
            "socketType": "plain",
            "authentication": "password-cleartext",
            "username": "tanaka"
          },
          "changes": [
            {
              "rule": "smtp-submission-port",
              "field": "outgoing.port",
              "from": "25",
              "to": "587",
              "reason": "SMTP submission moves to port 587"
            },
            {
              "rule": "smtp-starttls",
              "field": "outgoing.socketType",
              "from": "plain",
              "to": "STARTTLS",
              "reason": "SMTP must use STARTTLS"
            }
          ],
          "findings": [
            {
              "rule": "spa-off",
              "severity": "warning",
              "message": "The server pop.iis.u-tokyo.ac.jp no longer accepts SPA"
            }
          ],
          "status": "pending",
          "governed": true
        }
      ],
      "findings": [
        {
          "rule": "user-js",
          "severity": "action-required",
          "message": "Remove mail.smtpserver.smtp1.port from user.js"
        }
      ],
      "files": [
        {
          "path": "/home/tanaka/.thunderbird/x1y2z3.default/prefs.js",
          "changed": true
        }
      ]
    },
    {
      "client": "outlook-express",
      "path": "/home/tanaka/oe-accounts.reg",
      "status": "error",
      "error": "/home/tanaka/oe-accounts.reg:12: expected ']' after the key name",
      "accounts": [],
      "findings": [],
      "files": []
    },
    {
      "client": "becky",
      "path": "/home/tanaka/Becky",
      "status": "client-running",
      "error": "Close Becky! and run mailmig again",
      "accounts": [],
      "findings": [],
      "files": []
    }
  ],
  "notices": [],
  "summary": {
    "profiles": 3,
    "accounts": 1,
    "changes": 2,
    "findings": 2,
    "errors": 1,
    "client_running": 1,
    "action_required": 1
  }
}
)";

TEST(JsonReport, PlanRunMatchesGoldenText) {
  EXPECT_EQ(write_json(testing::sample_plan_run()), kGoldenPlanJson);
}

TEST(JsonReport, ApplyRunNamesBackupsAndPlanDoesNot) {
  RunResult run = testing::sample_plan_run();
  run.profiles[0].files[0].backup_path = "/home/tanaka/.mailmig/backup/prefs.js";
  EXPECT_FALSE(run_to_json(run)["profiles"][0]["files"][0].contains("backup"));
  run.info.command = "apply";
  EXPECT_EQ(run_to_json(run)["profiles"][0]["files"][0]["backup"],
            "/home/tanaka/.mailmig/backup/prefs.js");
}

// Issue 15: a person's step outranks the changes, and apply says what it did.
TEST(JsonReport, EachAccountHasItsStatus) {
  RunResult run = testing::sample_plan_run();
  EXPECT_EQ(run_to_json(run)["profiles"][0]["accounts"][0]["status"], "pending");
  run.info.command = "apply";
  EXPECT_EQ(run_to_json(run)["profiles"][0]["accounts"][0]["status"], "changed");
  run.profiles[0].accounts[0].findings.push_back(
      make_finding("becky-starttls", Severity::ActionRequired, "Turn on STARTTLS by hand"));
  const auto json = run_to_json(run);
  EXPECT_EQ(json["profiles"][0]["accounts"][0]["status"], "action-required");
  EXPECT_EQ(json["summary"]["action_required"], 2);
  run.profiles[0].accounts[0].findings.clear();
  run.profiles[0].accounts[0].changes.clear();
  EXPECT_EQ(run_to_json(run)["profiles"][0]["accounts"][0]["status"], "done");
}

TEST(JsonReport, AccountWithoutOutgoingServerHasNull) {
  RunResult run = testing::sample_plan_run();
  run.profiles[0].accounts[0].account.outgoing.reset();
  const auto account = run_to_json(run)["profiles"][0]["accounts"][0];
  ASSERT_TRUE(account.contains("outgoing"));
  EXPECT_TRUE(account["outgoing"].is_null());
}

TEST(JsonReport, AnAccountOutsideThePolicysScopeIsMarkedNotGoverned) {
  RunResult run = testing::sample_plan_run();
  run.profiles[0].accounts[0].governed = false;
  EXPECT_EQ(run_to_json(run)["profiles"][0]["accounts"][0]["governed"], false);
  EXPECT_NE(write_json(run).find("\n          \"governed\": false\n"), std::string::npos);
}

TEST(JsonReport, InvalidUtf8IsReplacedInsteadOfThrowing) {
  RunResult run = testing::sample_plan_run();
  run.profiles[0].accounts[0].account.name = "bad \xff name";
  const std::string text = write_json(run);
  EXPECT_NE(text.find("\"name\": \"bad \xEF\xBF\xBD name\""), std::string::npos);
}

// write_json dumps each account on its own into the text of the rest: the text must be the dump
// of the whole tree, whatever the profiles hold (none, several, errors) and whatever a value
// spells (a key's text, quotes, line breaks, invalid UTF-8).
TEST(JsonReport, TextIsTheDumpOfTheWholeReport) {
  RunResult run = testing::sample_plan_run();
  AccountResult& tricky = run.profiles[0].accounts[0];
  tricky.account.name = "\n      \"accounts\": []\n\xff";
  tricky.account.address = "a\"b\\c\r\n";
  run.profiles.push_back(run.profiles[0]);
  run.profiles.back().accounts.push_back(run.profiles[0].accounts[0]);
  ProfileResult empty;
  empty.path = "\"accounts\": []";
  run.profiles.insert(run.profiles.begin() + 1, empty);
  for (const std::string command : {"plan", "apply"}) {
    run.info.command = command;
    EXPECT_EQ(
        write_json(run),
        run_to_json(run).dump(2, ' ', false, nlohmann::json::error_handler_t::replace) + "\n");
  }
}

TEST(JsonReport, EmptyRunIsOneDocumentWithZeroFigures) {
  RunResult run;
  run.info = testing::sample_info("r0", "scan", "pc", "2026-11-23T00:00:00Z");
  const auto parsed = nlohmann::json::parse(write_json(run));
  EXPECT_EQ(parsed["profiles"], nlohmann::json::array());
  EXPECT_EQ(parsed["summary"], (nlohmann::json{{"profiles", 0},
                                               {"accounts", 0},
                                               {"changes", 0},
                                               {"findings", 0},
                                               {"errors", 0},
                                               {"client_running", 0},
                                               {"action_required", 0}}));
}

}  // namespace
}  // namespace mailmig
