// Copyright 2026 The budgateway Authors. SPDX-License-Identifier: Apache-2.0
// The shared state behind every copy of a Client, and the one request path
// that complete, stream and batch calls all take.
#ifndef BUDGATEWAY_SRC_CLIENT_IMPL_HPP_
#define BUDGATEWAY_SRC_CLIENT_IMPL_HPP_

#include <budgateway/client.hpp>

#include <chrono>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "cancel_state.hpp"
#include "connection_budget.hpp"
#include "http/transport.hpp"
#include "json/response_parser.hpp"
#include "retry.hpp"

namespace budgateway::detail {

class EventLoop;

/// Everything one call needs, resolved once: options with the precedence
/// call > client > environment > default already applied.
struct PreparedCall {
  std::string body;
  http::RequestSpec spec;
  std::string request_id;
  RetryPolicy retry;
  std::shared_ptr<CancelState> cancel;
  Millis timeout{0};
  Millis idle_timeout{0};
  std::optional<Millis> stream_deadline;
  std::size_t max_event_bytes = 0;
  std::size_t max_response_bytes = 0;
};

/// What ended a transfer driven to its end on the calling thread.
struct TransferEnd {
  http::CurlCode code = http::kCurlOk;
  bool cancelled = false;
};

class ClientImpl {
 public:
  explicit ClientImpl(ClientOptions options);

  const ClientOptions& options() const noexcept { return options_; }

  /// Validates and builds a call: InvalidArgument before anything is sent.
  Result<PreparedCall> prepare(const CompletionRequest& request,
                               const CallOptions& call, bool stream) const;

  Result<CompletionResponse> complete(const CompletionRequest& request,
                                      const CallOptions& call);

  std::vector<Result<CompletionResponse>> complete_many(
      const std::vector<CompletionRequest>& requests,
      const BatchOptions& options);

  http::ChannelPool& pool() noexcept { return pool_; }
  ConnectionBudget& budget() noexcept { return budget_; }

  /// A slot of the connection budget for a call that may block: waits up to
  /// the call's timeout, then fails (Timeout) rather than wait forever.
  std::optional<Error> take_slot(const PreparedCall& call, BudgetSlot& slot);
  const http::Share& share() const noexcept { return share_; }

  /// Parses a 2xx body into a completion carrying the transfer's headers;
  /// a body that is no completion is a Protocol error with the status.
  Result<CompletionResponse> read_completion(http::Transfer& transfer,
                                             ResponseParser& parser) const;

  /// The final form of an error: attempts, the request id to trace it by,
  /// and no trace of the API key.
  Error finish_error(Error error, int attempts,
                     std::string_view request_id) const;

  /// The back-off before the next attempt, or nullopt when `error` after
  /// `attempts` attempts is final. Logs the decision.
  std::optional<Millis> retry_delay(const PreparedCall& call, int attempts,
                                    const Error& error,
                                    const ResponseHeaders& headers) const;

  /// Whether to retry after `attempts` attempts ended in `error`; sleeps the
  /// back-off (cancellably) when so.
  bool wait_before_retry(const PreparedCall& call, int attempts,
                         const Error& error,
                         const ResponseHeaders& headers) const;

  /// The Error for an answer that arrived: a transfer failure, an oversized
  /// body, or a non-2xx status. nullopt for a 2xx answer.
  std::optional<Error> answer_error(const http::Transfer& transfer,
                                    const TransferEnd& end,
                                    const PreparedCall& call,
                                    std::size_t max_body_bytes) const;

  /// The event loop of the async calls, started on first use.
  std::shared_ptr<EventLoop> loop();
  /// Ends the event loop, completing its pending calls with Cancelled.
  void stop_loop();

  void log(LogLevel level, std::string_view message) const;
  bool logging() const noexcept { return static_cast<bool>(options_.logger); }

 private:
  Result<CompletionResponse> attempt_complete(http::Channel& channel,
                                              const PreparedCall& call);

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
  http::Share share_;
  http::ChannelPool pool_{share_};
  ConnectionBudget budget_{options_.max_connections};
  std::mutex loop_mutex_;
  std::shared_ptr<EventLoop> loop_;
};

/// Shared by the copies of one Client, and only by them: when the last copy
/// goes, the event loop stops (streams and async jobs in flight hold the
/// ClientImpl itself, so its own lifetime cannot tell).
class ClientOwner {
 public:
  explicit ClientOwner(std::shared_ptr<ClientImpl> impl)
      : impl_(std::move(impl)) {}
  ~ClientOwner() { impl_->stop_loop(); }
  ClientOwner(const ClientOwner&) = delete;
  ClientOwner& operator=(const ClientOwner&) = delete;

 private:
  std::shared_ptr<ClientImpl> impl_;
};

/// Drives one transfer on `channel` to its end, on the calling thread;
/// cancellation (from any thread) ends it promptly.
TransferEnd run_transfer(http::Channel& channel, CancelState* cancel);

/// A uniformly random number in [0, 1) from a per-thread generator.
double random_unit();

}  // namespace budgateway::detail

#endif  // BUDGATEWAY_SRC_CLIENT_IMPL_HPP_
