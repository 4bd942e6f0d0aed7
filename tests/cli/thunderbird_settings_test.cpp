// Issue 15 §4 at the command level: the settings the client really uses. A Thunderbird profile
// whose identity sends through the default SMTP server and whose user.js pins that server's port
// is migrated so that Thunderbird's effective value is the new one; mail programs mailmig cannot
// edit are found and counted as a person's step.
#include <gtest/gtest.h>

#include <boost/filesystem.hpp>

#include "parsers/clients/new_outlook/new_outlook_client.h"
#include "parsers/clients/shuriken/shuriken_client.h"
#include "src/app/discovery.h"
#include "tests/cli/cli_test_support.h"

namespace mailmig::cli_testing {
namespace {

const std::string kProfile = "home/profile";

class ThunderbirdSettingsTest : public ::testing::Test {
 protected:
  void SetUp() override {
    sandbox_.copy_fixture("thunderbird/default-smtp-user-js", kProfile);
    options_.tmpdir = sandbox_.tmp();
  }

  RunOutput run(const std::string& command) {
    return run_mailmig({command, "--policy", fixture_path("policies/003-dti.xml"), "--state-dir",
                        sandbox_.state(), "--format", "json", sandbox_.path(kProfile)},
                       options_);
  }

  Sandbox sandbox_;
  RunOptions options_;
};

TEST_F(ThunderbirdSettingsTest, DefaultSmtpServerPinnedByUserJsIsMigratedWhereThunderbirdReadsIt) {
  const std::string user_js = sandbox_.path(kProfile + "/user.js");
  const std::string prefs_js = sandbox_.path(kProfile + "/prefs.js");
  const std::string user_js_before = read_file_bytes(user_js);

  const RunOutput plan = run("plan");
  EXPECT_EQ(plan.exit_code, 4) << plan.err;
  const std::vector<JsonChange> planned =
      account_changes(parse_json(plan.out), "pop.tanaka.dti.ne.jp");
  EXPECT_NE(std::find(planned.begin(), planned.end(),
                      JsonChange{"server-move", "outgoing.port", "25", "587"}),
            planned.end())
      << to_string(planned);

  const RunOutput apply = run("apply");
  ASSERT_EQ(apply.exit_code, 0) << apply.err << apply.out;
  // Only the pref mailmig changed is named, not every mail.* pref of user.js.
  const std::vector<nlohmann::json> notes = findings_containing(parse_json(apply.out), "user.js");
  ASSERT_EQ(notes.size(), 1u);
  const std::string note = notes[0]["message"];
  EXPECT_NE(note.find("mail.smtpserver.smtp1.port"), std::string::npos) << note;
  EXPECT_EQ(note.find("check_new_mail"), std::string::npos) << note;

  const std::vector<std::string> user_js_lines = split_lines(read_file_bytes(user_js));
  EXPECT_NE(std::find(user_js_lines.begin(), user_js_lines.end(),
                      R"(user_pref("mail.smtpserver.smtp1.port", 587);)"),
            user_js_lines.end());
  EXPECT_EQ(read_file_bytes(user_js), [&] {
    std::string expected = user_js_before;
    const std::string from = R"(user_pref("mail.smtpserver.smtp1.port", 25);)";
    expected.replace(expected.find(from), from.size(),
                     R"(user_pref("mail.smtpserver.smtp1.port", 587);)");
    return expected;
  }());
  const std::vector<std::string> prefs_lines = split_lines(read_file_bytes(prefs_js));
  EXPECT_NE(std::find(prefs_lines.begin(), prefs_lines.end(),
                      R"(user_pref("mail.smtpserver.smtp1.port", 587);)"),
            prefs_lines.end());

  const RunOutput again = run("plan");
  EXPECT_EQ(again.exit_code, 0) << again.out << again.err;
  EXPECT_EQ(parse_json(again.out)["summary"]["changes"], 0);

  // user.js was backed up and journaled like prefs.js: a rollback gives both back.
  const RunOutput rollback = run_mailmig({"rollback", "--state-dir", sandbox_.state()}, options_);
  EXPECT_EQ(rollback.exit_code, 0) << rollback.out << rollback.err;
  EXPECT_EQ(read_file_bytes(user_js), user_js_before);
  EXPECT_EQ(read_file_bytes(prefs_js),
            read_file_bytes(fixture_path("thunderbird/default-smtp-user-js/prefs.js")));
}

void make_folder(const std::string& path) { boost::filesystem::create_directories(path); }

TEST(UneditableClients, NewOutlookAndShurikenAreFoundInAWindowsUserFolder) {
  Sandbox sandbox;
  EXPECT_TRUE(discover_uneditable_clients(sandbox.home()).empty());
  make_folder(sandbox.path("home/AppData/Local/Microsoft/Olk/EBWebView"));
  make_folder(sandbox.path("home/AppData/Roaming/Justsystem/Shuriken"));
  EXPECT_EQ(discover_uneditable_clients(sandbox.home()),
            (std::vector<UneditableClient>{
                {kNewOutlook, sandbox.path("home/AppData/Local/Microsoft/Olk")},
                {kShuriken, sandbox.path("home/AppData/Roaming/Justsystem/Shuriken")}}));
}

TEST(UneditableClients, ThePackagedNewOutlookAndOtherSpellingsCountToo) {
  Sandbox sandbox;
  const std::string package =
      "home/AppData/Local/Packages/Microsoft.OutlookForWindows_8wekyb3d8bbwe";
  make_folder(sandbox.path(package));
  make_folder(sandbox.path("home/AppData/Roaming/JUSTSYSTEMS/shuriken"));
  make_folder(sandbox.path("home/AppData/Roaming/Other/Shuriken"));  // not JustSystems'
  EXPECT_EQ(
      discover_uneditable_clients(sandbox.home()),
      (std::vector<UneditableClient>{
          {kNewOutlook, sandbox.path(package)},
          {kShuriken, sandbox.path("home/AppData/Roaming/JUSTSYSTEMS/shuriken")}}));
}

TEST(UneditableClients, EachIsAPersonsStepInTheRun) {
  Sandbox sandbox;
  make_folder(sandbox.path("home/AppData/Local/Microsoft/Olk"));
  make_folder(sandbox.path("home/AppData/Roaming/Justsystem/Shuriken"));
  RunOptions options;
  options.tmpdir = sandbox.tmp();
  const RunOutput scan = run_mailmig(
      {"scan", "--home", sandbox.home(), "--state-dir", sandbox.state(), "--format", "json"},
      options);
  const nlohmann::json run = parse_json(scan.out);
  std::vector<std::string> clients;
  for (const auto& profile : run["profiles"]) {
    clients.push_back(profile["client"]);
    ASSERT_EQ(profile["findings"].size(), 1u) << profile.dump(1);
    EXPECT_EQ(profile["findings"][0]["severity"], "action-required");
  }
  EXPECT_EQ(clients, (std::vector<std::string>{"new-outlook", "shuriken"}));
  EXPECT_TRUE(run["notices"].empty()) << run["notices"].dump();  // not "nothing found"
  EXPECT_EQ(findings_containing(run, "mailmig cannot change its settings").size(), 2u);
}

}  // namespace
}  // namespace mailmig::cli_testing
