#include "tests/report/sample_runs.h"

#include <boost/filesystem.hpp>

#include "parsers/clients/becky/becky_client.h"
#include "parsers/clients/outlook/outlook_client.h"
#include "parsers/clients/thunderbird/thunderbird_client.h"
#include "src/i18n/i18n.h"

namespace mailmig::testing {

RunInfo sample_info(std::string run_id, std::string command, std::string machine,
                    std::string time) {
  RunInfo info;
  info.run_id = std::move(run_id);
  info.command = std::move(command);
  info.machine = std::move(machine);
  info.user = "tanaka";
  info.time = std::move(time);
  info.mailmig_version = "0.1.0";
  info.policy_name = "iis-2026";
  info.policy_hash = "9f86d081884c7d659a2feaa0c55ad015a3bf4f1b2b0b822cd15d6c15b0f00a08";
  return info;
}

Account sample_account(std::string id, std::string user) {
  Account account;
  account.id = std::move(id);
  account.name = "田中 太郎";
  account.address = "tanaka@iis.u-tokyo.ac.jp";
  account.incoming = ServerSettings{Protocol::Imap,    "imap.iis.u-tokyo.ac.jp",      143,
                                    SocketType::Plain, AuthMethod::PasswordEncrypted, user};
  account.outgoing = ServerSettings{Protocol::Smtp,    "mail.iis.u-tokyo.ac.jp",      25,
                                    SocketType::Plain, AuthMethod::PasswordCleartext, user};
  return account;
}

std::vector<EndpointCheck> sample_endpoint_checks() {
  EndpointCheck imap{{Protocol::Imap, "imap.iis.u-tokyo.ac.jp", 993, SocketType::Ssl,
                      AuthMethod::PasswordCleartext},
                     EndpointOutcome::Ok,
                     ""};
  EndpointCheck smtp{{Protocol::Smtp, "mail.iis.u-tokyo.ac.jp", 587, SocketType::StartTls,
                      AuthMethod::PasswordCleartext},
                     EndpointOutcome::NoTls,
                     "530 5.7.0 Must issue a STARTTLS command first"};
  return {imap, smtp};
}

RunResult sample_plan_run() {
  RunResult run;
  run.info = sample_info("3f2a9c1e-7b4d-4e8a-9c21-5d6e7f809a1b", "plan", "lab-pc-01",
                         "2026-11-23T21:30:00Z");
  run.info.group = "lab-floor-2";

  ProfileResult thunderbird;
  thunderbird.client = kThunderbird;
  thunderbird.path = "/home/tanaka/.thunderbird/x1y2z3.default";
  AccountResult account;
  account.account = sample_account("account1", "tanaka");
  account.changes.push_back(Change{"smtp-submission-port", "outgoing.port", "25", "587",
                                   "SMTP submission moves to port 587"});
  account.changes.push_back(Change{"smtp-starttls", "outgoing.socketType", "plain", "STARTTLS",
                                   "SMTP must use STARTTLS"});
  account.findings.push_back(make_finding("spa-off", Severity::Warning,
                                          N_("The server {host} no longer accepts SPA"),
                                          {{"host", "pop.iis.u-tokyo.ac.jp"}}));
  thunderbird.accounts.push_back(account);
  thunderbird.files.push_back(
      FileResult{"/home/tanaka/.thunderbird/x1y2z3.default/prefs.js", true, ""});
  thunderbird.findings.push_back(make_finding("user-js", Severity::ActionRequired,
                                              N_("Remove {key} from user.js"),
                                              {{"key", "mail.smtpserver.smtp1.port"}}));
  run.profiles.push_back(thunderbird);

  ProfileResult outlook_express;
  outlook_express.client = kOutlookExpress;
  outlook_express.path = "/home/tanaka/oe-accounts.reg";
  outlook_express.status = ProfileStatus::Error;
  outlook_express.error = "/home/tanaka/oe-accounts.reg:12: expected ']' after the key name";
  run.profiles.push_back(outlook_express);

  ProfileResult becky;
  becky.client = kBecky;
  becky.path = "/home/tanaka/Becky";
  becky.status = ProfileStatus::ClientRunning;
  becky.error = "Close Becky! and run mailmig again";
  run.profiles.push_back(becky);
  return run;
}

TempDir::TempDir(bool in_memory) {
  namespace fs = boost::filesystem;
  boost::system::error_code ignored;
  const fs::path base = in_memory && fs::is_directory("/dev/shm", ignored)
                            ? fs::path("/dev/shm")
                            : fs::temp_directory_path();
  const fs::path root = base / fs::unique_path("mailmig-report-%%%%-%%%%-%%%%");
  fs::create_directories(root);
  root_ = root.string();
}

TempDir::~TempDir() {
  boost::system::error_code ignored;
  boost::filesystem::remove_all(root_, ignored);
}

}  // namespace mailmig::testing
