// Issue 3 §5 at the command level: for every client and every seed organisation whose hosts a
// fixture holds, `plan` lists the changes and touches nothing (exit 4), `apply` makes exactly
// those edits and nothing else (exit 0), and a second `apply` and `plan` find nothing to do.
#include <gtest/gtest.h>

#include <algorithm>
#include <boost/filesystem.hpp>
#include <set>
#include <sstream>

#include "parsers/clients/sylpheed/sylpheed_client.h"
#include "rules/rule_list.h"
#include "src/app/migration.h"
#include "src/cli/text_output.h"
#include "src/policy/policy.h"
#include "tests/cli/cli_test_support.h"
#include "tests/cli/file_edits.h"

namespace mailmig::cli_testing {
namespace {

struct ClientCase {
  std::string name;
  std::string fixture;  // under fixtures/: a home folder (copied into the home) or one file
  std::string target;   // the PATH argument, relative to the home
  std::string policy;   // under fixtures/policies/
  std::string host;     // the incoming host of the organisation's account
  std::vector<JsonChange> expected;        // that account's changes, in order
  std::vector<std::string> changed_files;  // relative to the home: exactly these change or appear
  std::vector<std::pair<std::string, std::string>> lines_after;  // file, decoded line present
};

void PrintTo(const ClientCase& test_case, std::ostream* out) { *out << test_case.name; }

const std::string kTbLinux = ".thunderbird/k3m9x2ab.default-release";
const std::string kTbHanako = ".thunderbird/p7q1w5zc.hanako";
const std::string kTbWindows = "AppData/Roaming/Thunderbird/Profiles/x8f2k1qz.default-release";
const std::string kWlm =
    "AppData/Local/Microsoft/Windows Live Mail/Local "
    "Folders/account{5D2A8C41-7E3B-4F19-9A6C-0B8E2D4F1A37}.oeaccount";

std::vector<ClientCase> client_cases() {
  return {
      {"ThunderbirdLinux000",
       "homes/linux",
       kTbLinux,
       "000-iis-u-tokyo.xml",
       "imap.iis.u-tokyo.ac.jp",
       {{"server-move", "incoming.port", "143", "993"},
        {"server-move", "incoming.socketType", "plain", "SSL"},
        {"server-move", "outgoing.port", "25", "587"},
        {"server-move", "outgoing.socketType", "plain", "STARTTLS"},
        {"server-move", "outgoing.authentication", "NTLM", "password-cleartext"}},
       // The profile's other accounts are outside the institute's scope: logins.json, which
       // only their changes touched, stays as it was (issue 15).
       {kTbLinux + "/prefs.js"},
       {{kTbLinux + "/prefs.js", R"(user_pref("mail.server.server1.socketType", 3);)"},
        {kTbLinux + "/prefs.js", R"(user_pref("mail.smtpserver.smtp1.port", 587);)"},
        {kTbLinux + "/prefs.js", R"(user_pref("mail.smtpserver.smtp1.try_ssl", 2);)"},
        {kTbLinux + "/prefs.js", R"(user_pref("mail.smtpserver.smtp1.authMethod", 3);)"}}},
      {"ThunderbirdLinux002",
       "homes/linux",
       kTbLinux,
       "002-kyutech.xml",
       "pop3.club.kyutech.ac.jp",
       {{"server-move", "incoming.hostname", "pop3.club.kyutech.ac.jp", "mail.club.kyutech.ac.jp"},
        {"server-move", "incoming.port", "110", "995"},
        {"server-move", "incoming.socketType", "plain", "SSL"},
        {"server-move", "outgoing.hostname", "smtp.club.kyutech.ac.jp", "mail.club.kyutech.ac.jp"},
        {"server-move", "outgoing.port", "25", "587"},
        {"server-move", "outgoing.socketType", "plain", "STARTTLS"},
        {"server-move", "outgoing.authentication", "none", "password-cleartext"},
        {"smtp-auth", "outgoing.username", "", "tanaka"}},
       {kTbLinux + "/prefs.js", kTbLinux + "/logins.json",
        kTbLinux + "/Mail/Local Folders/msgFilterRules.dat"},
       {{kTbLinux + "/prefs.js",
         R"(user_pref("mail.server.server2.hostname", "mail.club.kyutech.ac.jp");)"},
        {kTbLinux + "/prefs.js",
         R"(user_pref("mail.smtpserver.smtp2.hostname", "mail.club.kyutech.ac.jp");)"},
        {kTbLinux + "/prefs.js", R"(user_pref("mail.smtpserver.smtp2.username", "tanaka");)"},
        {kTbLinux + "/prefs.js",
         R"(user_pref("mail.identity.id2.fcc_folder", "mailbox://tanaka@mail.club.kyutech.ac.jp/Sent");)"},
        {kTbLinux + "/Mail/Local Folders/msgFilterRules.dat",
         R"(actionValue="mailbox://tanaka@mail.club.kyutech.ac.jp/Inbox/club")"}}},
      {"ThunderbirdLinux003",
       "homes/linux",
       kTbHanako,
       "003-dti.xml",
       "pop.tanaka.dti.ne.jp",
       {{"server-move", "outgoing.port", "25", "587"},
        {"smtp-auth", "outgoing.socketType", "plain", "STARTTLS"},
        {"smtp-auth", "outgoing.authentication", "none", "password-cleartext"},
        {"smtp-auth", "outgoing.username", "", "hanako"}},
       {kTbHanako + "/prefs.js", kTbHanako + "/logins.json"},
       {{kTbHanako + "/prefs.js", R"(user_pref("mail.smtpserver.smtp2.port", 587);)"},
        {kTbHanako + "/prefs.js", R"(user_pref("mail.smtpserver.smtp2.authMethod", 3);)"},
        {kTbHanako + "/prefs.js", R"(user_pref("mail.smtpserver.smtp2.username", "hanako");)"}}},
      {"ThunderbirdLinux004",
       "homes/linux",
       kTbHanako,
       "004-kumail.xml",
       "pop.kumail.kyoto-u.ac.jp",
       {{"server-move", "incoming.hostname", "pop.kumail.kyoto-u.ac.jp", "pop.gmail.com"},
        {"server-move", "incoming.port", "110", "995"},
        {"server-move", "incoming.socketType", "plain", "SSL"},
        {"server-move", "incoming.authentication", "password-cleartext", "OAuth2"},
        {"server-move", "incoming.username", "hanako", "hanako@kumail.kyoto-u.ac.jp"},
        {"server-move", "outgoing.hostname", "smtp.kumail.kyoto-u.ac.jp", "smtp.gmail.com"},
        {"server-move", "outgoing.authentication", "password-cleartext", "OAuth2"},
        {"server-move", "outgoing.username", "hanako", "hanako@kumail.kyoto-u.ac.jp"}},
       // logins.json is left alone: no login is carried to Gmail, and the other account is
       // outside the policy's scope.
       {kTbHanako + "/prefs.js"},
       {{kTbHanako + "/prefs.js", R"(user_pref("mail.server.server1.hostname", "pop.gmail.com");)"},
        {kTbHanako + "/prefs.js",
         R"(user_pref("mail.server.server1.userName", "hanako@kumail.kyoto-u.ac.jp");)"},
        {kTbHanako + "/prefs.js",
         R"(user_pref("mail.smtpserver.smtp1.hostname", "smtp.gmail.com");)"}}},
      {"SylpheedLinux001",
       "homes/linux",
       ".sylpheed-2.0",
       "001-keio.xml",
       "popper.sc.itc.keio.ac.jp",
       {{"server-move", "incoming.port", "110", "995"},
        {"server-move", "incoming.socketType", "plain", "SSL"},
        {"smtp-submission-port", "outgoing.port", "25", "587"},
        {"smtp-submission-port", "outgoing.socketType", "plain", "STARTTLS"}},
       {".sylpheed-2.0/accountrc"},
       {{".sylpheed-2.0/accountrc", "smtp_port=587"}, {".sylpheed-2.0/accountrc", "ssl_pop=1"}}},
      {"SylpheedLinux002",
       "homes/linux",
       ".sylpheed-2.0",
       "002-kyutech.xml",
       "pop3.club.kyutech.ac.jp",
       {{"server-move", "incoming.hostname", "pop3.club.kyutech.ac.jp", "mail.club.kyutech.ac.jp"},
        {"server-move", "incoming.port", "110", "995"},
        {"server-move", "incoming.socketType", "plain", "SSL"},
        {"server-move", "incoming.authentication", "apop", "password-cleartext"},
        {"server-move", "outgoing.hostname", "smtp.club.kyutech.ac.jp", "mail.club.kyutech.ac.jp"},
        {"server-move", "outgoing.port", "25", "587"},
        {"server-move", "outgoing.socketType", "plain", "STARTTLS"},
        {"server-move", "outgoing.authentication", "none", "password-cleartext"}},
       {".sylpheed-2.0/accountrc"},
       {{".sylpheed-2.0/accountrc", "receive_server=mail.club.kyutech.ac.jp"},
        {".sylpheed-2.0/accountrc", "smtp_server=mail.club.kyutech.ac.jp"},
        {".sylpheed-2.0/accountrc", "use_apop_auth=0"},
        {".sylpheed-2.0/accountrc", "use_smtp_auth=1"}}},
      {"ClawsLinux003",
       "homes/linux",
       ".claws-mail",
       "003-dti.xml",
       "pop.tanaka.dti.ne.jp",
       {{"server-move", "outgoing.port", "25", "587"},
        {"smtp-auth", "outgoing.socketType", "plain", "STARTTLS"},
        {"smtp-auth", "outgoing.authentication", "smtp-after-pop", "password-cleartext"}},
       {".claws-mail/accountrc"},
       {{".claws-mail/accountrc", "pop_before_smtp=0"},
        {".claws-mail/accountrc", "use_smtp_auth=1"},
        {".claws-mail/accountrc", "smtp_port=587"}}},
      {"ClawsLinux004",
       "homes/linux",
       ".claws-mail",
       "004-kumail.xml",
       "pop.kumail.kyoto-u.ac.jp",
       {{"server-move", "incoming.hostname", "pop.kumail.kyoto-u.ac.jp", "pop.gmail.com"},
        {"server-move", "incoming.username", "a0123456", "tanaka.taro.5x@kyoto-u.ac.jp"},
        {"server-move", "outgoing.hostname", "smtp.kumail.kyoto-u.ac.jp", "smtp.gmail.com"},
        {"server-move", "outgoing.socketType", "plain", "STARTTLS"},
        {"server-move", "outgoing.username", "a0123456", "tanaka.taro.5x@kyoto-u.ac.jp"}},
       {".claws-mail/accountrc"},
       {{".claws-mail/accountrc", "receive_server=pop.gmail.com"},
        {".claws-mail/accountrc", "smtp_server=smtp.gmail.com"},
        {".claws-mail/accountrc", "user_id=tanaka.taro.5x@kyoto-u.ac.jp"}}},
      {"ThunderbirdWindows001",
       "homes/windows",
       kTbWindows,
       "001-keio.xml",
       "popper.sc.itc.keio.ac.jp",
       {{"server-move", "incoming.port", "110", "995"},
        {"server-move", "incoming.socketType", "plain", "SSL"},
        {"smtp-submission-port", "outgoing.port", "25", "587"},
        {"smtp-submission-port", "outgoing.socketType", "plain", "STARTTLS"}},
       {kTbWindows + "/prefs.js"},
       {{kTbWindows + "/prefs.js", "user_pref(\"mail.smtpserver.smtp2.port\", 587);\r"}}},
      {"ThunderbirdWindows004",
       "homes/windows",
       kTbWindows,
       "004-kumail.xml",
       "pop.kumail.kyoto-u.ac.jp",
       {{"server-move", "incoming.hostname", "pop.kumail.kyoto-u.ac.jp", "pop.gmail.com"},
        {"server-move", "incoming.port", "110", "995"},
        {"server-move", "incoming.socketType", "plain", "SSL"},
        {"server-move", "incoming.authentication", "password-cleartext", "OAuth2"},
        {"server-move", "incoming.username", "tanaka", "tanaka@kumail.kyoto-u.ac.jp"},
        {"server-move", "outgoing.hostname", "smtp.kumail.kyoto-u.ac.jp", "smtp.gmail.com"},
        {"server-move", "outgoing.authentication", "password-cleartext", "OAuth2"},
        {"server-move", "outgoing.username", "tanaka", "tanaka@kumail.kyoto-u.ac.jp"}},
       // logins.json is left alone: no login is carried to Gmail, and the other account is
       // outside the policy's scope.
       {kTbWindows + "/prefs.js"},
       {{kTbWindows + "/prefs.js",
         "user_pref(\"mail.server.server1.hostname\", \"pop.gmail.com\");\r"}}},
      {"SylpheedWindows000",
       "homes/windows",
       "AppData/Roaming/Sylpheed",
       "000-iis-u-tokyo.xml",
       "imap.iis.u-tokyo.ac.jp",
       {{"server-move", "incoming.port", "143", "993"},
        {"server-move", "incoming.socketType", "plain", "SSL"},
        {"server-move", "incoming.authentication", "password-encrypted", "password-cleartext"},
        {"server-move", "outgoing.port", "25", "587"},
        {"server-move", "outgoing.socketType", "plain", "STARTTLS"},
        {"server-move", "outgoing.authentication", "password-encrypted", "password-cleartext"}},
       {"AppData/Roaming/Sylpheed/accountrc"},
       {{"AppData/Roaming/Sylpheed/accountrc", "ssl_imap=1"},
        {"AppData/Roaming/Sylpheed/accountrc", "imap_auth_method=0"}}},
      {"SylpheedWindows004",
       "homes/windows",
       "AppData/Roaming/Sylpheed",
       "004-kumail.xml",
       "pop.kumail.kyoto-u.ac.jp",
       {{"server-move", "incoming.hostname", "pop.kumail.kyoto-u.ac.jp", "pop.gmail.com"},
        {"server-move", "incoming.username", "a0123456", "tanaka.taro.5x@kyoto-u.ac.jp"},
        {"server-move", "outgoing.hostname", "smtp.kumail.kyoto-u.ac.jp", "smtp.gmail.com"},
        {"server-move", "outgoing.socketType", "plain", "STARTTLS"},
        {"server-move", "outgoing.username", "a0123456", "tanaka.taro.5x@kyoto-u.ac.jp"}},
       {"AppData/Roaming/Sylpheed/accountrc"},
       {{"AppData/Roaming/Sylpheed/accountrc", "receive_server=pop.gmail.com"}}},
      {"ClawsWindows000",
       "homes/windows",
       "AppData/Roaming/Claws-mail",
       "000-iis-u-tokyo.xml",
       "pop.iis.u-tokyo.ac.jp",
       {{"server-move", "incoming.port", "110", "995"},
        {"server-move", "incoming.socketType", "plain", "SSL"},
        {"server-move", "incoming.authentication", "apop", "password-cleartext"},
        {"server-move", "outgoing.port", "25", "587"},
        {"server-move", "outgoing.socketType", "plain", "STARTTLS"},
        {"server-move", "outgoing.authentication", "password-encrypted", "password-cleartext"}},
       {"AppData/Roaming/Claws-mail/accountrc"},
       {{"AppData/Roaming/Claws-mail/accountrc", "ssl_pop=1"}}},
      {"Becky000",
       "homes/windows",
       "Documents/Becky",
       "000-iis-u-tokyo.xml",
       "pop.iis.u-tokyo.ac.jp",
       {{"server-move", "incoming.port", "110", "995"},
        {"server-move", "incoming.socketType", "plain", "SSL"}},
       // The club's mailbox beside it is outside the institute's scope: untouched (issue 15).
       {"Documents/Becky/4f1a2b3c.mb/Mailbox.ini"},
       {{"Documents/Becky/4f1a2b3c.mb/Mailbox.ini", "POP3Port=995\r"},
        {"Documents/Becky/4f1a2b3c.mb/Mailbox.ini", "SSLPOP=1\r"}}},
      {"Becky002",
       "homes/windows",
       "Documents/Becky",
       "002-kyutech.xml",
       "pop3.club.kyutech.ac.jp",
       {{"server-move", "incoming.hostname", "pop3.club.kyutech.ac.jp", "mail.club.kyutech.ac.jp"},
        {"server-move", "incoming.port", "110", "995"},
        {"server-move", "incoming.socketType", "plain", "SSL"},
        {"server-move", "incoming.authentication", "apop", "password-cleartext"},
        {"server-move", "outgoing.hostname", "smtp.club.kyutech.ac.jp", "mail.club.kyutech.ac.jp"}},
       {"Documents/Becky/5a6b7c8d.mb/Mailbox.ini"},
       {{"Documents/Becky/5a6b7c8d.mb/Mailbox.ini", "MailServer=mail.club.kyutech.ac.jp\r"},
        {"Documents/Becky/5a6b7c8d.mb/Mailbox.ini", "SMTPServer=mail.club.kyutech.ac.jp\r"},
        {"Documents/Becky/5a6b7c8d.mb/Mailbox.ini", "POP3Auth=0\r"}}},
      {"WindowsLiveMail001",
       "homes/windows",
       kWlm,
       "001-keio.xml",
       "popper.sc.itc.keio.ac.jp",
       {{"server-move", "incoming.port", "110", "995"},
        {"server-move", "incoming.socketType", "plain", "SSL"},
        {"server-move", "outgoing.port", "25", "587"}},
       {kWlm},
       {{kWlm, "\t<SMTP_Port type=\"DWORD\">0000024b</SMTP_Port>\r"},
        {kWlm, "\t<POP3_Port type=\"DWORD\">000003e3</POP3_Port>\r"}}},
      {"Outlook2016Unicode000",
       "registry/outlook2016-unicode.reg",
       "outlook2016-unicode.reg",
       "000-iis-u-tokyo.xml",
       "pop.iis.u-tokyo.ac.jp",
       {{"server-move", "incoming.port", "110", "995"},
        {"server-move", "incoming.socketType", "plain", "SSL"},
        {"server-move", "incoming.authentication", "NTLM", "password-cleartext"},
        {"server-move", "outgoing.port", "25", "587"},
        {"server-move", "outgoing.socketType", "plain", "STARTTLS"}},
       {"outlook2016-unicode.reg", "outlook2016-unicode.delta.reg", "outlook2016-unicode.undo.reg"},
       {{"outlook2016-unicode.delta.reg", "\"POP3 Port\"=dword:000003e3\r"},
        {"outlook2016-unicode.delta.reg", "\"POP3 Use Sicily\"=dword:00000000\r"},
        {"outlook2016-unicode.undo.reg", "\"POP3 Port\"=-\r"},
        {"outlook2016-unicode.undo.reg", "\"POP3 Use Sicily\"=dword:00000001\r"}}},
      {"Outlook2010Nt003",
       "registry/outlook2010-nt.reg",
       "outlook2010-nt.reg",
       "003-dti.xml",
       "pop.tanaka.dti.ne.jp",
       {{"server-move", "outgoing.port", "25", "587"},
        {"smtp-auth", "outgoing.socketType", "plain", "STARTTLS"},
        {"smtp-auth", "outgoing.authentication", "smtp-after-pop", "password-cleartext"}},
       {"outlook2010-nt.reg", "outlook2010-nt.delta.reg", "outlook2010-nt.undo.reg"},
       {{"outlook2010-nt.reg", "\"SMTP Port\"=dword:0000024b\r"},
        {"outlook2010-nt.delta.reg", "\"SMTP Port\"=dword:0000024b\r"},
        {"outlook2010-nt.undo.reg", "\"SMTP Port\"=dword:00000019\r"}}},
      {"OutlookExpressCp932002",
       "registry/oe-regedit4-cp932.reg",
       "oe-regedit4-cp932.reg",
       "002-kyutech.xml",
       "pop3.club.kyutech.ac.jp",
       {{"server-move", "incoming.hostname", "pop3.club.kyutech.ac.jp", "mail.club.kyutech.ac.jp"},
        {"server-move", "incoming.port", "110", "995"},
        {"server-move", "incoming.socketType", "plain", "SSL"},
        {"server-move", "outgoing.hostname", "smtp.club.kyutech.ac.jp", "mail.club.kyutech.ac.jp"},
        {"server-move", "outgoing.port", "25", "587"},
        {"server-move", "outgoing.socketType", "plain", "STARTTLS"},
        {"server-move", "outgoing.authentication", "none", "password-cleartext"},
        {"smtp-auth", "outgoing.username", "", "tanaka"}},
       {"oe-regedit4-cp932.reg", "oe-regedit4-cp932.delta.reg", "oe-regedit4-cp932.undo.reg"},
       {{"oe-regedit4-cp932.reg", "\"POP3 Server\"=\"mail.club.kyutech.ac.jp\"\r"},
        {"oe-regedit4-cp932.delta.reg", "\"SMTP Server\"=\"mail.club.kyutech.ac.jp\"\r"},
        {"oe-regedit4-cp932.undo.reg", "\"SMTP Server\"=\"smtp.club.kyutech.ac.jp\"\r"}}},
  };
}

// The paths whose bytes differ between two snapshots, or that exist in only one.
std::set<std::string> differing_paths(const Snapshot& before, const Snapshot& after) {
  std::set<std::string> paths;
  for (const auto& [path, bytes] : before) {
    const auto found = after.find(path);
    if (found == after.end() || found->second != bytes) paths.insert(path);
  }
  for (const auto& [path, bytes] : after) {
    if (!before.contains(path)) paths.insert(path);
  }
  return paths;
}

// logins.json is one line of JSON: compare it as data. Every saved login keeps every field
// except its origin (hostname, httpRealm: renamed with a moved server); a login added for SMTP
// is a copy of an existing login's encrypted user name and password.
void expect_logins_carried_over(const std::string& before_text, const std::string& after_text) {
  const nlohmann::json before = parse_json(before_text);
  const nlohmann::json after = parse_json(after_text);
  for (const auto& entry : before.items()) {
    if (entry.key() != "logins" && entry.key() != "nextId") {
      EXPECT_EQ(after[entry.key()], entry.value()) << entry.key();
    }
  }
  ASSERT_GE(after["logins"].size(), before["logins"].size());
  for (std::size_t i = 0; i < before["logins"].size(); ++i) {
    nlohmann::json old_login = before["logins"][i];
    nlohmann::json new_login = after["logins"][i];
    for (const char* origin : {"hostname", "httpRealm"}) {
      old_login.erase(origin);
      new_login.erase(origin);
    }
    EXPECT_EQ(new_login, old_login) << "login " << i << " changed beyond its origin";
  }
  const std::size_t added = after["logins"].size() - before["logins"].size();
  EXPECT_EQ(after["nextId"], before["nextId"].get<int>() + static_cast<int>(added));
  for (std::size_t i = before["logins"].size(); i < after["logins"].size(); ++i) {
    const nlohmann::json& login = after["logins"][i];
    EXPECT_TRUE(login["hostname"].get<std::string>().starts_with("smtp://")) << login.dump();
    EXPECT_EQ(login["hostname"], login["httpRealm"]);
    const bool copied = std::any_of(
        before["logins"].begin(), before["logins"].end(), [&](const nlohmann::json& source) {
          return source["encryptedUsername"] == login["encryptedUsername"] &&
                 source["encryptedPassword"] == login["encryptedPassword"] &&
                 source["guid"] != login["guid"];
        });
    EXPECT_TRUE(copied) << "added login is not a copy of a saved one: " << login.dump();
  }
}

void expect_only_settings_changed(const std::string& path, const std::string& before,
                                  const std::string& after) {
  const LineDiff diff = diff_lines(decoded_lines(path, before), decoded_lines(path, after));
  EXPECT_FALSE(diff.removed.empty() && diff.added.empty()) << path << ": no line changed";
  for (const auto* lines : {&diff.removed, &diff.added}) {
    for (const std::string& line : *lines) {
      EXPECT_TRUE(key_may_change(path, key_of_line(path, line)))
          << path << ": a line that is not a server setting changed: [" << line << "]";
    }
  }
}

class PlanApplyTest : public ::testing::TestWithParam<ClientCase> {
 protected:
  void SetUp() override {
    const ClientCase& test_case = GetParam();
    if (boost::filesystem::is_directory(fixture_path(test_case.fixture))) {
      sandbox_.copy_fixture(test_case.fixture, "home");
    } else {
      sandbox_.copy_fixture(test_case.fixture, "home/" + test_case.target);
    }
    options_.tmpdir = sandbox_.tmp();
  }

  RunOutput run(const std::string& command, const std::string& format) {
    const ClientCase& test_case = GetParam();
    return run_mailmig(
        {command, "--policy", fixture_path("policies/" + test_case.policy), "--state-dir",
         sandbox_.state(), "--format", format, sandbox_.home() + "/" + test_case.target},
        options_);
  }

  Sandbox sandbox_;
  RunOptions options_;
};

TEST_P(PlanApplyTest, PlanListsChangesAndApplyMakesExactlyThem) {
  const ClientCase& test_case = GetParam();
  const Snapshot original = snapshot(sandbox_.home());

  const RunOutput plan = run("plan", "json");
  EXPECT_EQ(plan.exit_code, 4) << plan.err;
  const nlohmann::json plan_json = parse_json(plan.out);
  EXPECT_EQ(plan_json["command"], "plan");
  const std::vector<JsonChange> planned = account_changes(plan_json, test_case.host);
  EXPECT_EQ(planned, test_case.expected) << "planned:\n" << to_string(planned);
  EXPECT_EQ(snapshot(sandbox_.home()), original) << "plan changed a file";

  const RunOutput plan_text = run("plan", "text");
  EXPECT_EQ(plan_text.exit_code, 4) << plan_text.err;
  EXPECT_NE(plan_text.out.find("Nothing was changed yet."), std::string::npos) << plan_text.out;
  EXPECT_EQ(snapshot(sandbox_.home()), original) << "plan changed a file";

  const RunOutput apply = run("apply", "json");
  ASSERT_EQ(apply.exit_code, 0) << apply.err << apply.out;
  const nlohmann::json apply_json = parse_json(apply.out);
  EXPECT_EQ(apply_json["command"], "apply");
  EXPECT_EQ(account_changes(apply_json, test_case.host), test_case.expected);
  EXPECT_EQ(apply_json["summary"]["changes"], plan_json["summary"]["changes"]);

  const Snapshot applied = snapshot(sandbox_.home());
  const std::set<std::string> expected_files(test_case.changed_files.begin(),
                                             test_case.changed_files.end());
  EXPECT_EQ(differing_paths(original, applied), expected_files);
  for (const std::string& file : test_case.changed_files) {
    if (!original.contains(file) || !applied.contains(file)) continue;
    if (file.ends_with("logins.json")) {
      expect_logins_carried_over(original.at(file), applied.at(file));
    } else {
      expect_only_settings_changed(file, original.at(file), applied.at(file));
    }
  }
  for (const auto& [file, line] : test_case.lines_after) {
    ASSERT_TRUE(applied.contains(file)) << file;
    const std::vector<std::string> lines = decoded_lines(file, applied.at(file));
    EXPECT_NE(std::find(lines.begin(), lines.end(), line), lines.end())
        << file << " lacks [" << line << "]";
  }

  const RunOutput again = run("apply", "json");
  EXPECT_EQ(again.exit_code, 0) << again.err;
  EXPECT_EQ(parse_json(again.out)["summary"]["changes"], 0);
  // The second apply writes nothing but, beside a .reg export, the first run's delta and undo
  // files emptied (header only): they describe the last run, which changed nothing.
  const Snapshot applied_again = snapshot(sandbox_.home());
  for (const std::string& file : differing_paths(applied, applied_again)) {
    ASSERT_TRUE(file.ends_with(".delta.reg") || file.ends_with(".undo.reg"))
        << "the second apply touched " << file;
    for (const std::string& line : decoded_lines(file, applied_again.at(file))) {
      EXPECT_EQ(line.find('='), std::string::npos) << file << " still sets [" << line << "]";
    }
  }

  // Nothing left for mailmig; a step left for a person (Becky!'s STARTTLS) keeps the plan at 4
  // (issue 15).
  const RunOutput plan_after = run("plan", "text");
  const bool manual_steps_left = parse_json(again.out)["summary"]["action_required"].get<int>() > 0;
  EXPECT_EQ(plan_after.exit_code, manual_steps_left ? 4 : 0) << plan_after.out << plan_after.err;
  EXPECT_NE(plan_after.out.find(manual_steps_left ? "Not done yet: " : "Nothing to change."),
            std::string::npos)
      << plan_after.out;
  EXPECT_EQ(snapshot(sandbox_.home()), applied_again);
}

INSTANTIATE_TEST_SUITE_P(Clients, PlanApplyTest, ::testing::ValuesIn(client_cases()),
                         [](const auto& param_info) { return param_info.param.name; });

TEST(RunMigration, KeepsTheProfilesInMemoryOnlyWhenAsked) {
  MigrationOptions options;
  options.command = Command::Plan;
  options.paths = {fixture_path("homes/linux/.sylpheed-2.0")};
  options.verification = VerificationMode::Off;  // the fixtures' servers do not exist
  const Policy policy = builtin_default_policy(known_rules());
  const Migration freed = run_migration(options, policy);
  EXPECT_TRUE(freed.profiles.empty());
  ASSERT_EQ(freed.result.profiles.size(), 1u);
  EXPECT_FALSE(freed.result.profiles[0].accounts.empty());

  options.keep_profiles = true;
  const Migration kept = run_migration(options, policy);
  ASSERT_EQ(kept.profiles.size(), 1u);
  EXPECT_EQ(kept.profiles[0]->client(), kSylpheed);
  EXPECT_EQ(kept.result.profiles.size(), 1u);
}

// What a report sink was handed, and what the profile it was handed with said at that moment.
class RecordingSink : public RunReportSink {
 public:
  struct Handed {
    std::string account_id;
    std::size_t accounts_handed_before = 0;  // the profile's handed_on.accounts at that moment
    bool files_known = false;   // the profile's files were listed: its planning was over
    bool backups_made = false;  // every changed file of the profile has its backup
  };
  void run_begun(const RunInfo& info) override { command = info.command; }
  void account(const ProfileResult& profile, const AccountResult& result) override {
    bool backups_made = !profile.files.empty();
    for (const FileResult& file : profile.files) {
      backups_made = backups_made && (!file.changed || !file.backup_path.empty());
    }
    accounts.push_back(
        {result.account.id, profile.handed_on.accounts, !profile.files.empty(), backups_made});
    text.account(profile, result);
  }
  void profile_done(const ProfileResult& profile) override {
    profiles_done.push_back(profile.handed_on.accounts);
    text.profile_done(profile);
  }

  std::string command;
  std::vector<Handed> accounts;
  std::vector<std::size_t> profiles_done;  // each profile's accounts handed on, when done
  TextReport text;
};

// A plan hands each account on as it is planned, one at a time, and keeps only its counts: the
// report written from what was handed on is the report of the run that kept every account.
TEST(RunMigration, HandsEachAccountToTheReportSinkAsItIsPlannedAndKeepsOnlyItsCounts) {
  MigrationOptions options;
  options.command = Command::Plan;
  options.paths = {fixture_path("homes/linux/.sylpheed-2.0")};
  options.verification = VerificationMode::Off;  // the fixtures' servers do not exist
  const PolicyLoadResult policy =
      load_policy_file(fixture_path("policies/001-keio.xml"), known_rules());
  ASSERT_TRUE(policy.policy) << policy.error;
  const Migration kept = run_migration(options, *policy.policy);
  ASSERT_EQ(kept.result.profiles.size(), 1u);
  const std::vector<AccountResult>& kept_accounts = kept.result.profiles[0].accounts;
  ASSERT_EQ(kept_accounts.size(), 2u);

  RecordingSink sink;
  options.report_sink = &sink;
  const Migration streamed = run_migration(options, *policy.policy);
  EXPECT_EQ(sink.command, "plan");
  ASSERT_EQ(sink.accounts.size(), kept_accounts.size());
  for (std::size_t i = 0; i < sink.accounts.size(); ++i) {
    EXPECT_EQ(sink.accounts[i].account_id, kept_accounts[i].account.id);
    EXPECT_EQ(sink.accounts[i].accounts_handed_before, i);
    EXPECT_FALSE(sink.accounts[i].files_known) << "handed on after the profile was planned";
  }
  EXPECT_EQ(sink.profiles_done, std::vector<std::size_t>{2});
  ASSERT_EQ(streamed.result.profiles.size(), 1u);
  EXPECT_TRUE(streamed.result.profiles[0].accounts.empty());
  EXPECT_EQ(streamed.result.profiles[0].handed_on.accounts, 2u);
  EXPECT_GT(streamed.result.profiles[0].handed_on.changes, 0u);

  std::ostringstream streamed_text;
  sink.text.write(streamed.result, streamed_text);
  EXPECT_EQ(streamed_text.str(), format_text(kept.result));
}

// An apply's accounts are handed on once their profile is written (a failed write takes their
// changes back), never before.
TEST(RunMigration, HandsAnApplysAccountsOnOnceTheirProfileIsWritten) {
  Sandbox sandbox;
  sandbox.copy_fixture("homes/linux/.sylpheed-2.0", "home/.sylpheed-2.0");
  MigrationOptions options;
  options.command = Command::Apply;
  options.paths = {sandbox.path("home/.sylpheed-2.0")};
  options.state_dir = sandbox.state();
  options.verification = VerificationMode::Off;
  RecordingSink sink;
  options.report_sink = &sink;
  const PolicyLoadResult policy =
      load_policy_file(fixture_path("policies/001-keio.xml"), known_rules());
  ASSERT_TRUE(policy.policy) << policy.error;
  const Migration applied = run_migration(options, *policy.policy);
  ASSERT_EQ(applied.result.profiles.size(), 1u);
  ASSERT_EQ(applied.result.profiles[0].status, ProfileStatus::Ok)
      << applied.result.profiles[0].error;
  EXPECT_GT(applied.result.profiles[0].handed_on.changes, 0u);
  ASSERT_EQ(sink.accounts.size(), 2u);
  for (const RecordingSink::Handed& handed : sink.accounts) EXPECT_TRUE(handed.backups_made);
}

// Two Thunderbird accounts send through one SMTP server: the first account's plan edits it, and
// the second is planned with the server as that plan left it, so it asks for nothing more and
// the edit is told once.
TEST(RunMigration, PlansAnAccountWithTheSharedServerAsAnEarlierPlanLeftIt) {
  namespace fs = boost::filesystem;
  const fs::path dir = fs::temp_directory_path() / fs::unique_path("mailmig-shared-%%%%%%%%");
  fs::create_directories(dir);
  write_file_bytes((dir / "prefs.js").string(),
                   "user_pref(\"mail.account.account1.identities\", \"id1\");\n"
                   "user_pref(\"mail.account.account1.server\", \"server1\");\n"
                   "user_pref(\"mail.account.account2.identities\", \"id2\");\n"
                   "user_pref(\"mail.account.account2.server\", \"server2\");\n"
                   "user_pref(\"mail.accountmanager.accounts\", \"account1,account2\");\n"
                   "user_pref(\"mail.identity.id1.smtpServer\", \"smtp1\");\n"
                   "user_pref(\"mail.server.server1.hostname\", \"pop.iis.u-tokyo.ac.jp\");\n"
                   "user_pref(\"mail.server.server1.name\", \"研究室\");\n"
                   "user_pref(\"mail.server.server1.type\", \"pop3\");\n"
                   "user_pref(\"mail.server.server2.hostname\", \"imap.iis.u-tokyo.ac.jp\");\n"
                   "user_pref(\"mail.server.server2.name\", \"東大 IMAP\");\n"
                   "user_pref(\"mail.server.server2.type\", \"imap\");\n"
                   "user_pref(\"mail.smtp.defaultserver\", \"smtp1\");\n"
                   "user_pref(\"mail.smtpserver.smtp1.hostname\", \"mail.iis.u-tokyo.ac.jp\");\n");
  MigrationOptions options;
  options.command = Command::Plan;
  options.paths = {dir.string()};
  options.verification = VerificationMode::Off;
  const Migration migration = run_migration(options, builtin_default_policy(known_rules()));
  fs::remove_all(dir);
  ASSERT_EQ(migration.result.profiles.size(), 1u);
  const auto& accounts = migration.result.profiles[0].accounts;
  ASSERT_EQ(accounts.size(), 2u);
  auto outgoing_fields = [](const AccountResult& account) {
    std::vector<std::string> fields;
    for (const Change& change : account.changes) {
      if (change.field.starts_with("outgoing.")) fields.push_back(change.field);
    }
    return fields;
  };
  EXPECT_EQ(outgoing_fields(accounts[0]), std::vector<std::string>{"outgoing.socketType"});
  EXPECT_TRUE(outgoing_fields(accounts[1]).empty());
  EXPECT_FALSE(accounts[1].changes.empty());  // its own IMAP server still moves to TLS
}

}  // namespace
}  // namespace mailmig::cli_testing
