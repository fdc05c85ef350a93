// Copyright 2026 The budgateway Authors. SPDX-License-Identifier: Apache-2.0
// The client context, below every call: the options resolved once, the
// header lines and URL built once, the connection budget, and the logger
// that never prints the key. prepare() turns a request and its call options
// into a PreparedCall, applying call > client > environment > default here
// and nowhere else.
#ifndef BUDGATEWAY_SRC_CALL_CONTEXT_HPP_
#define BUDGATEWAY_SRC_CALL_CONTEXT_HPP_

#include <budgateway/completion.hpp>
#include <budgateway/options.hpp>
#include <budgateway/result.hpp>

#include <chrono>
#include <cstddef>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "cancel_state.hpp"
#include "connection_budget.hpp"
#include "retry.hpp"
#include "util/http_request.hpp"

namespace budgateway::detail {

using Clock = std::chrono::steady_clock;

/// Everything one call needs, resolved once.
struct PreparedCall {
  std::string body;
  HttpRequest http;
  std::string request_id;
  RetryPolicy retry;
  std::shared_ptr<CancelState> cancel;
  /// A unary attempt's bound; a stream's wait for its response head.
  Millis timeout{0};
  Millis idle_timeout{0};
  std::optional<Millis> stream_deadline;
  std::size_t max_event_bytes = 0;
  std::size_t max_response_bytes = 0;
  bool stream = false;
  /// When the caller asked (before any wait for a connection slot): what
  /// the call's Timing counts from. Set by whoever starts the call.
  Clock::time_point start{};
};

class CallContext {
 public:
  explicit CallContext(ClientOptions options);

  /// The options in force, environment and defaults applied.
  const ClientOptions& options() const noexcept { return options_; }

  /// Validates and builds a call: InvalidArgument before anything is sent.
  Result<PreparedCall> prepare(const CompletionRequest& request,
                               const CallOptions& call, bool stream) const;

  /// The final form of an error: the attempts made, the request id to trace
  /// it by, and no trace of the API key in any field.
  Error stamp(Error error, int attempts, std::string_view request_id) const;

  /// Replaces every form of the API key a server may echo (as sent,
  /// JSON-escaped, percent-encoded) in `text`.
  void redact(std::string& text) const;
  /// As redact(), in header values; false when nothing was found.
  bool redact(ResponseHeaders& headers) const;

  /// Whether a line of `level` goes anywhere: to the options' logger (every
  /// level), else to stderr at or above `BUD_LOG` (debug, info, warning).
  bool logs(LogLevel level) const noexcept {
    return static_cast<bool>(options_.logger) ||
           (stderr_level_ && level >= *stderr_level_);
  }
  /// Logs `message` with the key redacted.
  void log(LogLevel level, std::string message) const;

  /// The bound on this client's transfers in flight (max_connections).
  ConnectionBudget& budget() const noexcept { return budget_; }

 private:
  void resolve();
  /// Checks the TLS options and builds tls_: InvalidArgument for a
  /// combination that cannot be what the caller meant.
  std::optional<Error> resolve_tls();

  ClientOptions options_;
  std::optional<Error> invalid_options_;
  /// The SDK's headers with default_headers applied, as (name, value).
  HeaderList base_headers_;
  /// base_headers_ with Accept, as lines, for unary calls and for streams.
  std::shared_ptr<const std::vector<std::string>> unary_lines_;
  std::shared_ptr<const std::vector<std::string>> stream_lines_;
  /// An x-request-id the caller fixed in default_headers, if any.
  std::string fixed_request_id_;
  std::shared_ptr<const std::string> url_;
  /// Null when every TLS option is at its default.
  std::shared_ptr<const TlsSettings> tls_;
  /// The forms of the API key that redact() removes.
  std::vector<std::string> secrets_;
  mutable ConnectionBudget budget_;
  /// From BUD_LOG when no logger was given: the least level sent to stderr.
  std::optional<LogLevel> stderr_level_;
};

}  // namespace budgateway::detail

#endif  // BUDGATEWAY_SRC_CALL_CONTEXT_HPP_
