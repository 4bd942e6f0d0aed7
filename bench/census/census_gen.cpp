// mailmig_census_gen: writes the report databases of a census, as `mailmig plan --report` and
// `mailmig apply --report` would on each machine, for the merge and summary benchmark
// (bench/census/census_bench.sh) and the census page test (tests/report/census_page_test.sh).
//   mailmig_census_gen OUT_DIR MACHINES        OUT_DIR/NNNNN.db, one database a machine
//   mailmig_census_gen --one DB MACHINES       every machine's runs in one database
// Each machine has one Thunderbird profile of 3 accounts and a plan run; over five days, half
// the machines apply, some need a manual step, find the client running, hold an account outside
// the policy's scope or cannot read the profile, and a few ran an older policy. Each plan and
// apply checked the new servers (POP3 on 995, SMTP on 587); from some machines one did not answer
// or had an expired certificate, and some of those passed at the next run. The same bytes
// (bar the SQLite page layout) on every run.
#include <boost/filesystem.hpp>
#include <cstdio>
#include <string>
#include <vector>

#include "parsers/clients/thunderbird/thunderbird_client.h"
#include "src/model/run_result.h"
#include "src/report/report_db.h"

namespace {

using namespace mailmig;

constexpr const char* kSites[] = {"tokyo", "osaka", "nagoya", "sendai"};
constexpr const char* kOldHosts[] = {"pop.tokyo.example.jp", "mail.osaka.example.jp",
                                     "imap.nagoya.example.jp", "pop3.sendai.example.jp"};
constexpr const char* kNames[] = {"田中 太郎", "Suzuki Hanako", "佐藤 花子"};

std::string padded(std::size_t number, int width) {
  std::string text = std::to_string(number);
  return std::string(text.size() < static_cast<std::size_t>(width) ? width - text.size() : 0, '0') +
         text;
}

std::string machine_name(std::size_t index) {
  return std::string(kSites[index % 4]) + "-pc-" + padded(index, 5);
}

RunInfo run_info(std::size_t index, const std::string& command, int day, int hour) {
  RunInfo info;
  info.run_id = padded(index, 8) + "-0000-4000-8000-" + (command == "apply" ? "a" : "p") +
                padded(static_cast<std::size_t>(day), 11);
  info.command = command;
  info.machine = machine_name(index);
  info.group = index % 5 == 0 ? "pilot" : "";
  info.user = "user" + padded(index, 5);
  info.time = "2026-12-0" + std::to_string(day) + "T" + padded(static_cast<std::size_t>(hour), 2) +
              ":" + padded(index % 60, 2) + ":00Z";
  info.mailmig_version = "0.1.0";
  info.policy_name = "campus-2026";
  info.policy_hash = index % 50 == 7 ? std::string(64, 'a')
                                     : "9f86d081884c7d659a2feaa0c55ad015a3bf4f1b2b0b822cd15d6c15b0f00a08";
  return info;
}

AccountResult account_of(std::size_t index, int number, bool applied) {
  AccountResult result;
  Account& account = result.account;
  account.id = "account" + std::to_string(number);
  account.name = kNames[number % 3];
  account.address = "user" + padded(index, 5) + "." + std::to_string(number) + "@example.jp";
  account.incoming = ServerSettings{Protocol::Pop3, kOldHosts[(index + number) % 4], 110,
                                    SocketType::Plain, AuthMethod::PasswordCleartext,
                                    "user" + padded(index, 5)};
  account.outgoing = ServerSettings{Protocol::Smtp, "smtp.example.jp", 25, SocketType::Plain,
                                    AuthMethod::PasswordCleartext, "user" + padded(index, 5)};
  if (!applied) {
    result.changes.push_back(Change{"pop3s", "incoming.port", "110", "995", "POP3 over SSL"});
    result.changes.push_back(
        Change{"smtp-submission-port", "outgoing.port", "25", "587", "SMTP submission"});
  }
  return result;
}

ProfileResult profile_of(std::size_t index, bool applied) {
  ProfileResult profile;
  profile.client = kThunderbird;
  profile.path = "/home/user" + padded(index, 5) + "/.thunderbird/x1y2z3.default";
  for (int number = 1; number <= 3; ++number) profile.accounts.push_back(account_of(index, number, applied));
  profile.files.push_back(FileResult{profile.path + "/prefs.js", !applied, ""});
  return profile;
}

// The checks of the new servers a run made before changing the accounts.
std::vector<EndpointCheck> endpoint_checks_of(std::size_t index, bool later_run) {
  EndpointCheck pop{
      {Protocol::Pop3, "pop.example.jp", 995, SocketType::Ssl, AuthMethod::PasswordCleartext},
      EndpointOutcome::Ok,
      ""};
  EndpointCheck smtp{
      {Protocol::Smtp, "smtp.example.jp", 587, SocketType::StartTls, AuthMethod::PasswordCleartext},
      EndpointOutcome::Ok,
      ""};
  if (index % 13 == 5 && !later_run) smtp.outcome = EndpointOutcome::NoAnswer;
  if (index % 4 == 3 && index % 17 == 2) {  // sendai's proxy shows its own certificate
    pop.outcome = EndpointOutcome::CertificateExpired;
    pop.detail = "The certificate is NOT trusted. The certificate chain uses expired certificate.";
  }
  return {pop, smtp};
}

// The runs one machine recorded, oldest first.
std::vector<RunResult> machine_runs(std::size_t index, std::size_t machines) {
  const int day = 1 + static_cast<int>(index * 5 / machines);  // spread over five days
  const int hour = 8 + static_cast<int>(index % 9);
  std::vector<RunResult> runs;
  RunResult plan;
  plan.info = run_info(index, "plan", day, hour);
  plan.profiles.push_back(profile_of(index, false));
  ProfileResult& planned = plan.profiles.back();
  const std::size_t kind = index % 10;
  if (kind == 7) {
    planned.accounts[0].findings.push_back(make_finding(
        "oauth2-by-hand", Severity::ActionRequired,
        "Sign in again in Thunderbird to let it use OAuth2 with {host}",
        {{"host", planned.accounts[0].account.incoming.hostname}}));
  }
  if (kind == 9) planned.accounts[2].governed = false;
  if (index % 97 == 3) {
    planned.status = ProfileStatus::Error;
    planned.error = planned.path + "/prefs.js:12: unterminated string";
    planned.accounts.clear();
  }
  plan.verification = "required";
  plan.endpoint_checks = endpoint_checks_of(index, false);
  runs.push_back(plan);
  if (kind < 5 && day < 5) {  // applied the next day
    RunResult apply;
    apply.info = run_info(index, "apply", day + 1, hour);
    apply.verification = "required";
    apply.endpoint_checks = endpoint_checks_of(index, true);
    apply.profiles.push_back(profile_of(index, false));
    if (index % 97 == 3) apply.profiles.back().status = ProfileStatus::Ok;
    runs.push_back(apply);
  } else if (kind == 8) {  // the next run found Thunderbird running
    RunResult busy;
    busy.info = run_info(index, "apply", day + (day < 5 ? 1 : 0), hour + 1);
    ProfileResult running;
    running.client = kThunderbird;
    running.path = planned.path;
    running.status = ProfileStatus::ClientRunning;
    running.error = "Thunderbird is running; close it and run mailmig again";
    busy.profiles.push_back(running);
    runs.push_back(busy);
  }
  return runs;
}

}  // namespace

int main(int argc, char** argv) {
  const bool one = argc == 4 && std::string(argv[1]) == "--one";
  if (argc != 3 && !one) {
    std::fprintf(stderr, "usage: mailmig_census_gen OUT_DIR MACHINES | --one DB MACHINES\n");
    return 2;
  }
  const std::string out = argv[one ? 2 : 1];
  const std::size_t machines = std::stoul(argv[one ? 3 : 2]);
  if (!one) boost::filesystem::create_directories(out);
  for (std::size_t index = 0; index < machines; ++index) {
    const std::string db = one ? out : out + "/" + padded(index, 5) + ".db";
    for (const RunResult& run : machine_runs(index, machines)) {
      if (const ReportStatus written = append_run_to_report(db, run); !written) {
        std::fprintf(stderr, "mailmig_census_gen: %s\n", written.error.c_str());
        return 1;
      }
    }
  }
  return 0;
}
