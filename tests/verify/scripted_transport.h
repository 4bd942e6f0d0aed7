// The server's side of a probe played from bytes in memory, for the dialogue's tests and
// fuzz/fuzz_probe.cpp: it hands the bytes out a line at a time (or in smaller pieces), records
// what the prober sent, and "starts TLS" without any, succeeding or failing as told.
#pragma once

#include <algorithm>
#include <cstddef>
#include <optional>
#include <string>
#include <string_view>
#include <utility>

#include "src/verify/probe_dialogue.h"

namespace mailmig::verify_testing {

class ScriptedTransport : public ProbeTransport {
 public:
  // `piece`: the most bytes one receive() hands out (at least 1).
  ScriptedTransport(std::string server_bytes, std::size_t piece, bool tls_starts)
      : server_bytes_(std::move(server_bytes)),
        piece_(std::max<std::size_t>(piece, 1)),
        tls_starts_(tls_starts) {}

  bool receive(std::string& buffer) override {
    if (offset_ == server_bytes_.size()) return false;  // the server closed
    const std::size_t line_end = server_bytes_.find('\n', offset_);
    const std::size_t line_size =
        line_end == std::string::npos ? server_bytes_.size() - offset_ : line_end + 1 - offset_;
    const std::size_t size = std::min(line_size, piece_);
    buffer.append(server_bytes_, offset_, size);
    offset_ += size;
    return true;
  }

  bool send(std::string_view bytes) override {
    sent_.append(bytes);
    return true;
  }

  std::optional<Verdict> start_tls(const std::string&, const std::string&) override {
    ++tls_starts_seen_;
    if (tls_starts_) return std::nullopt;
    return fail(EndpointOutcome::NoTls, "no TLS in memory");
  }

  const std::string& sent() const { return sent_; }
  int tls_starts_seen() const { return tls_starts_seen_; }

 private:
  std::string server_bytes_;
  std::size_t piece_;
  bool tls_starts_;
  std::size_t offset_ = 0;
  std::string sent_;
  int tls_starts_seen_ = 0;
};

}  // namespace mailmig::verify_testing
