// Copyright 2026 The budgateway Authors. SPDX-License-Identifier: Apache-2.0
// One POST as plain data: what a call decides to send and what the transport
// sends. Neither layer owns the other, so the description lives below both.
#ifndef BUDGATEWAY_SRC_UTIL_HTTP_REQUEST_HPP_
#define BUDGATEWAY_SRC_UTIL_HTTP_REQUEST_HPP_

#include <chrono>
#include <memory>
#include <string>
#include <vector>

namespace budgateway::detail {

struct HttpRequest {
  /// Shared by the requests of a client, so a call copies no string.
  std::shared_ptr<const std::string> url;
  /// Header lines ("Name: value") shared by the requests of a client; may
  /// be null. Sent first.
  std::shared_ptr<const std::vector<std::string>> shared_header_lines;
  /// This request's own header lines, sent after the shared ones.
  std::vector<std::string> header_lines;
  std::chrono::milliseconds connect_timeout{10000};
  /// Bounds the whole transfer; zero: unbounded.
  std::chrono::milliseconds total_timeout{0};
  std::string proxy;
  std::string ca_file;
};

/// libcurl's timers for one attempt, from the attempt's start.
struct AttemptTimes {
  /// The connection was established (zero when one was reused).
  std::chrono::microseconds connect{0};
};

}  // namespace budgateway::detail

#endif  // BUDGATEWAY_SRC_UTIL_HTTP_REQUEST_HPP_
