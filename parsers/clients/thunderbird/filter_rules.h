// msgFilterRules.dat (a server's message filters) as a lossless document. The file is a run of
// attribute="value" pairs (values with backslash escapes); mailmig only ever rewrites the
// folder URIs of actionValue attributes, by replacing their server-URI prefix.
#pragma once

#include <cstddef>
#include <string>
#include <string_view>
#include <vector>

#include "src/model/lossless_document.h"
#include "src/model/parse_result.h"

namespace mailmig {

class FilterRules final : public LosslessDocument {
 public:
  ParseResult load(std::string bytes);

  // Every actionValue, as written between its quotes.
  std::vector<std::string> action_values() const;

  // Replaces `old_server_uri` by `new_server_uri` at the start of every actionValue that is
  // that server URI or a folder below it ("imap://u@host" or "imap://u@host/..."; a longer
  // host name such as "imap://u@host2/..." does not match). Returns how many changed.
  std::size_t rewrite_folder_uris(std::string_view old_server_uri, std::string_view new_server_uri);

  std::string original() const override { return original_; }
  bool changed() const override { return text_ != original_; }
  std::string serialize() const override { return text_; }

 private:
  struct ValueSpan {
    std::size_t begin = 0;  // after the opening quote
    std::size_t end = 0;    // at the closing quote
  };
  // Finds the actionValue spans in text_.
  ParseResult scan();

  std::string original_;  // the bytes given to load()
  std::string text_;      // with the edits
  std::vector<ValueSpan> action_values_;
};

// True when `uri` is `server_uri` itself or a folder below it.
bool uri_is_below(std::string_view uri, std::string_view server_uri);

}  // namespace mailmig
