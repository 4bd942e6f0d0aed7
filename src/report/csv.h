// RFC 4180 CSV: the writer every CSV report uses and a strict reader for tests and tools that
// read the reports back.
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "src/model/parse_result.h"

namespace mailmig {

using CsvRow = std::vector<std::string>;

// Appends one record: fields separated by ',', quoted when they hold ',', '"', CR or LF (a '"'
// inside is doubled), ended by CRLF. Invalid UTF-8 becomes U+FFFD. A field that a spreadsheet
// would take for a formula (starting with '=', '+', '-', '@', TAB or CR) gets a leading "'" and
// is quoted, so it is shown as text and never run.
void append_csv_row(std::string& out, const CsvRow& fields);

struct CsvTable {
  std::vector<CsvRow> rows;
  ParseResult status;  // line is the 1-based record line where reading stopped

  explicit operator bool() const { return status.ok; }
};

// Reads RFC 4180 text: records end with CRLF (a bare LF is accepted too; a final record may
// lack its line end); a quoted field may hold ',', '"' (doubled), CR and LF. A quote inside an
// unquoted field, text after a closing quote, an unclosed quote or a bare CR is an error.
CsvTable read_csv(std::string_view text);

}  // namespace mailmig
