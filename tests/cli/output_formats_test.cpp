// The output formats: a unified diff with every secret masked, CSV that reads back with the
// project's reader, and the JSON contract of scan.
#include <gtest/gtest.h>

#include "src/report/csv.h"
#include "tests/cli/cli_test_support.h"

namespace mailmig::cli_testing {
namespace {

using OutputFormatsTest = LinuxHomeTest;

TEST_F(OutputFormatsTest, DiffIsUnifiedAndMasksEverySecret) {
  const Snapshot before = snapshot(sandbox_.home());
  const RunOutput diff =
      run({"plan", "--format", "diff", "--policy", fixture_path("policies/002-kyutech.xml")});
  EXPECT_EQ(diff.exit_code, 4) << diff.err;
  EXPECT_EQ(snapshot(sandbox_.home()), before);

  const std::string sylpheed = sandbox_.home() + "/.sylpheed-2.0/accountrc";
  EXPECT_NE(diff.out.find("--- " + sylpheed + "\n+++ " + sylpheed + "\n@@ "), std::string::npos)
      << diff.out;
  EXPECT_NE(diff.out.find("\n-receive_server=pop3.club.kyutech.ac.jp\n"), std::string::npos);
  EXPECT_NE(diff.out.find("\n+receive_server=mail.club.kyutech.ac.jp\n"), std::string::npos);
  const std::string prefs = sandbox_.home() + "/.thunderbird/k3m9x2ab.default-release/prefs.js";
  EXPECT_NE(diff.out.find("+++ " + prefs + "\n"), std::string::npos);
  EXPECT_NE(diff.out.find("\n+user_pref(\"mail.smtpserver.smtp2.port\", 587);\n"),
            std::string::npos);
  const std::string logins = sandbox_.home() + "/.thunderbird/k3m9x2ab.default-release/logins.json";
  EXPECT_NE(diff.out.find("+++ " + logins + "\n"), std::string::npos) << diff.out;

  // The Sylpheed passwords in clear, and every encrypted field of every logins.json.
  std::vector<std::string> secrets{"pop-Pass2", "hanako-Pop7"};
  for (const char* profile : {"k3m9x2ab.default-release", "p7q1w5zc.hanako"}) {
    const nlohmann::json saved =
        parse_json(read_file_bytes(sandbox_.home() + "/.thunderbird/" + profile + "/logins.json"));
    for (const auto& login : saved["logins"]) {
      for (const char* field :
           {"encryptedUsername", "encryptedPassword", "encryptedUnknownFields"}) {
        secrets.push_back(login[field]);
      }
    }
  }
  for (const std::string& secret : secrets) {
    EXPECT_EQ(diff.out.find(secret), std::string::npos) << "secret in the diff: " << secret;
    EXPECT_EQ(diff.err.find(secret), std::string::npos) << "secret on stderr: " << secret;
  }
  EXPECT_NE(diff.out.find("********"), std::string::npos) << "no masked value shown";
}

TEST_F(OutputFormatsTest, CsvReadsBackWithTheHeaderColumns) {
  const RunOutput csv =
      run({"plan", "--format", "csv", "--policy", fixture_path("policies/003-dti.xml")});
  EXPECT_EQ(csv.exit_code, 4) << csv.err;
  const CsvTable table = read_csv(csv.out);
  ASSERT_TRUE(table) << table.status.message << " at line " << table.status.line;
  ASSERT_FALSE(table.rows.empty());
  const CsvRow expected_header{"client",
                               "profile",
                               "status",
                               "account",
                               "name",
                               "address",
                               "protocol",
                               "hostname",
                               "port",
                               "socketType",
                               "authentication",
                               "username",
                               "smtp_hostname",
                               "smtp_port",
                               "smtp_socketType",
                               "smtp_authentication",
                               "rule",
                               "field",
                               "from",
                               "to",
                               "reason",
                               "smtp_username",
                               "error",
                               "findings",
                               "machine",
                               "run_id",
                               "command",
                               "account_status",
                               "governed"};
  EXPECT_EQ(table.rows[0], expected_header);
  const auto column = [&](const std::string& name) {
    return static_cast<std::size_t>(
        std::find(expected_header.begin(), expected_header.end(), name) - expected_header.begin());
  };
  bool found_claws_port = false;
  for (std::size_t i = 1; i < table.rows.size(); ++i) {
    const CsvRow& row = table.rows[i];
    ASSERT_EQ(row.size(), expected_header.size()) << "row " << i;
    EXPECT_EQ(row[column("command")], "plan");
    if (row[column("client")] == "claws-mail" &&
        row[column("hostname")] == "pop.tanaka.dti.ne.jp" &&
        row[column("field")] == "outgoing.port") {
      found_claws_port = true;
      EXPECT_EQ(row[column("rule")], "server-move");
      EXPECT_EQ(row[column("from")], "25");
      EXPECT_EQ(row[column("to")], "587");
    }
  }
  EXPECT_TRUE(found_claws_port) << csv.out;
  EXPECT_EQ(csv.out.find("pop-Pass2"), std::string::npos);
}

TEST_F(OutputFormatsTest, ScanJsonHasTheContractKeys) {
  const Snapshot before = snapshot(sandbox_.home());
  const RunOutput scan = run({"scan", "--format", "json"});
  EXPECT_EQ(scan.exit_code, 0) << scan.err;
  EXPECT_EQ(snapshot(sandbox_.home()), before);
  const nlohmann::json json = parse_json(scan.out);
  EXPECT_TRUE(json.contains("schema"));
  EXPECT_EQ(json["command"], "scan");
  ASSERT_TRUE(json["profiles"].is_array());
  std::vector<std::string> clients;
  for (const auto& profile : json["profiles"]) {
    for (const char* key : {"client", "path", "status", "accounts", "files"}) {
      EXPECT_TRUE(profile.contains(key)) << key << " missing in " << profile.dump();
    }
    EXPECT_EQ(profile["status"], "ok");
    EXPECT_FALSE(profile["files"].empty());
    for (const auto& account : profile["accounts"]) EXPECT_TRUE(account["changes"].empty());
    clients.push_back(profile["client"]);
  }
  EXPECT_EQ(clients,
            (std::vector<std::string>{"thunderbird", "thunderbird", "sylpheed", "claws-mail"}));
  for (const char* key : {"profiles", "accounts", "changes", "errors"}) {
    EXPECT_TRUE(json["summary"].contains(key)) << key;
  }
  EXPECT_EQ(json["summary"]["profiles"], 4);
  EXPECT_EQ(json["summary"]["accounts"], 8);
  EXPECT_EQ(json["summary"]["changes"], 0);
  EXPECT_EQ(scan.out.find("pop-Pass2"), std::string::npos);
}

}  // namespace
}  // namespace mailmig::cli_testing
