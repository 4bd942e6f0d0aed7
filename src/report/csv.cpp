#include "src/report/csv.h"

#include "src/util/text_sanitize.h"

namespace mailmig {

namespace {

// A spreadsheet runs a cell that starts with one of these as a formula (OWASP "CSV Injection").
bool starts_like_a_formula(std::string_view field) {
  return !field.empty() && std::string_view("=+-@\t\r").find(field.front()) != std::string::npos;
}

}  // namespace

void append_csv_row(std::string& out, const CsvRow& fields) {
  bool first = true;
  for (const std::string& raw_field : fields) {
    if (!first) out += ',';
    first = false;
    std::string field = valid_utf8(raw_field);
    const bool neutralise = starts_like_a_formula(field);
    if (!neutralise && field.find_first_of(",\"\r\n") == std::string::npos) {
      out += field;
      continue;
    }
    out += '"';
    if (neutralise) out += '\'';
    for (const char c : field) {
      if (c == '"') out += '"';
      out += c;
    }
    out += '"';
  }
  out += "\r\n";
}

namespace {

class CsvReader {
 public:
  explicit CsvReader(std::string_view text) : text_(text) {}

  CsvTable read() {
    CsvTable table;
    while (pos_ < text_.size()) {
      CsvRow row;
      if (!read_record(row)) {
        table.status = ParseResult::failure(line_, column(), std::move(error_));
        return table;
      }
      table.rows.push_back(std::move(row));
    }
    return table;
  }

 private:
  // Reads fields up to and including the record's line end (or the end of the text).
  bool read_record(CsvRow& row) {
    while (true) {
      std::string field;
      if (!read_field(field)) return false;
      row.push_back(std::move(field));
      if (pos_ == text_.size()) return true;
      const char c = text_[pos_];
      if (c == ',') {
        ++pos_;
        continue;
      }
      return read_line_end();
    }
  }

  bool read_field(std::string& field) {
    if (pos_ < text_.size() && text_[pos_] == '"') return read_quoted(field);
    while (pos_ < text_.size()) {
      const char c = text_[pos_];
      if (c == ',' || c == '\r' || c == '\n') return true;
      if (c == '"') return fail("unexpected '\"' in an unquoted field");
      field += c;
      ++pos_;
    }
    return true;
  }

  bool read_quoted(std::string& field) {
    ++pos_;  // opening quote
    while (pos_ < text_.size()) {
      const char c = text_[pos_];
      if (c == '"') {
        if (pos_ + 1 < text_.size() && text_[pos_ + 1] == '"') {
          field += '"';
          pos_ += 2;
          continue;
        }
        ++pos_;
        if (pos_ < text_.size() && text_[pos_] != ',' && text_[pos_] != '\r' &&
            text_[pos_] != '\n') {
          return fail("expected ',' or a line end after a closing '\"'");
        }
        return true;
      }
      if (c == '\n') start_line(pos_ + 1);
      field += c;
      ++pos_;
    }
    return fail("unclosed '\"' at the end of the text");
  }

  bool read_line_end() {
    if (text_[pos_] == '\r') {
      if (pos_ + 1 >= text_.size() || text_[pos_ + 1] != '\n') {
        return fail("expected LF after CR");
      }
      ++pos_;
    }
    ++pos_;  // LF
    start_line(pos_);
    return true;
  }

  void start_line(std::size_t next_line_start) {
    ++line_;
    line_start_ = next_line_start;
  }

  bool fail(std::string message) {
    error_ = std::move(message);
    return false;
  }

  std::size_t column() const { return pos_ - line_start_ + 1; }

  std::string_view text_;
  std::size_t pos_ = 0;
  std::size_t line_ = 1;
  std::size_t line_start_ = 0;
  std::string error_;
};

}  // namespace

CsvTable read_csv(std::string_view text) { return CsvReader(text).read(); }

}  // namespace mailmig
