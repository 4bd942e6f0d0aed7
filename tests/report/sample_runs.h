// Hand-built runs the report tests write and read back.
#pragma once

#include <string>
#include <vector>

#include "src/model/run_result.h"

namespace mailmig::testing {

// A plan run on machine "lab-pc-01": a Thunderbird profile with one account and two changes, an
// Outlook Express export that does not parse, and a Becky! profile whose client is running.
RunResult sample_plan_run();

// Two checks of the sample account's new servers: IMAP on 993 answers, SMTP on 587 does not
// offer STARTTLS (with the server's words).
std::vector<EndpointCheck> sample_endpoint_checks();

// A run with one profile holding one account per (client, change) that the tests choose.
RunInfo sample_info(std::string run_id, std::string command, std::string machine, std::string time);

// A Thunderbird-style account on the seed-000 hosts with the given user name.
Account sample_account(std::string id, std::string user);

// A directory under the system's temp folder, removed with everything in it when destroyed.
// in_memory puts it on /dev/shm when there is one, for tests that write many small databases
// (each SQLite commit waits for the disk otherwise).
class TempDir {
 public:
  explicit TempDir(bool in_memory = false);
  ~TempDir();
  TempDir(const TempDir&) = delete;
  TempDir& operator=(const TempDir&) = delete;

  std::string path(const std::string& name) const { return root_ + "/" + name; }

 private:
  std::string root_;
};

}  // namespace mailmig::testing
