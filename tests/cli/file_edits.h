// Checks that an applied file changed only in the settings mailmig may touch: the file is
// decoded the way its client writes it, split into logical lines (a .reg value continued with
// "\" is one line), and compared with a longest-common-subsequence diff. Every line that differs
// must belong to an allowed key; everything else is the same, in the same order.
#pragma once

#include <string>
#include <vector>

namespace mailmig::cli_testing {

struct LineDiff {
  std::vector<std::string> removed;  // lines only in the old file
  std::vector<std::string> added;    // lines only in the new file
};

// Logical lines of a profile file as UTF-8 text, by its name (prefs.js, accountrc,
// Mailbox.ini, *.reg, *.oeaccount, msgFilterRules.dat).
std::vector<std::string> decoded_lines(const std::string& path, const std::string& bytes);

LineDiff diff_lines(const std::vector<std::string>& before, const std::vector<std::string>& after);

// The setting a line holds ("mail.smtpserver.smtp1.port", "smtp_port", "SMTP Port",
// "POP3_Port"); empty when the line holds none.
std::string key_of_line(const std::string& path, const std::string& line);

// Whether mailmig may change this key of this kind of file: server, port, encryption,
// authentication and user-name settings, and the folder URIs that follow a renamed server.
bool key_may_change(const std::string& path, const std::string& key);

}  // namespace mailmig::cli_testing
