// Copyright 2026 The budgateway Authors. SPDX-License-Identifier: Apache-2.0
// One streamed completion as a non-blocking state machine: attempts,
// retries, the SSE decoder, in-stream errors, timeouts and the fold. It never
// waits: whoever drives the multi handle (a CompletionStream on the caller's
// thread, or the client's event loop) calls step() after each turn.
#ifndef BUDGATEWAY_SRC_STREAM_MACHINE_HPP_
#define BUDGATEWAY_SRC_STREAM_MACHINE_HPP_

#include <budgateway/completion.hpp>
#include <budgateway/result.hpp>

#include <chrono>
#include <memory>
#include <optional>
#include <string>

#include "client_impl.hpp"
#include "sse/decoder.hpp"

namespace budgateway::detail {

class StreamMachine {
 public:
  using Clock = std::chrono::steady_clock;

  /// `multi` drives `transfer`; both must outlive the machine. The
  /// transfer's tag is left to the caller.
  StreamMachine(std::shared_ptr<ClientImpl> client, PreparedCall call,
                http::Multi& multi, http::Transfer& transfer);
  ~StreamMachine();
  StreamMachine(const StreamMachine&) = delete;
  StreamMachine& operator=(const StreamMachine&) = delete;

  /// What step() found.
  enum class Status {
    Element,  ///< take() returns the next element (a chunk, or the final
              ///< error).
    End,      ///< The stream ended cleanly at [DONE].
    Waiting,  ///< Nothing yet: drive the multi handle until wake_time().
  };

  /// Advances without blocking: starts an attempt when one is due, decodes
  /// what arrived, applies timeouts.
  Status step(Clock::time_point now);
  /// The element step() announced, moved out.
  Result<CompletionChunk> take();
  /// The element step() announced, in place (no copy); consume() drops it.
  Result<CompletionChunk>* element() noexcept {
    return element_ ? &*element_ : nullptr;
  }
  void consume() noexcept;

  /// The driver saw the transfer finish with `code`.
  void on_transfer_done(http::CurlCode code);
  /// When step() must run again even if no byte arrives (a timeout or a
  /// retry becomes due).
  Clock::time_point wake_time() const noexcept;
  /// Whether an attempt's transfer is in the multi handle.
  bool in_flight() const noexcept { return in_multi_; }
  /// Ends the stream now with `error` as its last element (e.g. Cancelled).
  void fail(Error error);

  const ResponseHeaders& headers() const noexcept { return headers_; }
  /// The fold of every chunk delivered so far (collect()).
  CompletionResponse folded() const;
  const std::shared_ptr<CancelState>& cancel_state() const noexcept {
    return call_.cancel;
  }
  const PreparedCall& call() const noexcept { return call_; }

 private:
  /// What an event was; for Element, element_ holds the chunk or the error.
  enum class EventKind { Skip, Done, Element };

  std::optional<Error> start_attempt(Clock::time_point now);
  bool on_data(std::string_view bytes);
  void stop_transfer() noexcept;
  EventKind handle_event(SseEvent&& event);
  Error end_of_body_error();
  Error in_stream_error(std::string_view json) const;
  Error protocol_error(std::string message) const;
  /// Retries `error` when allowed (arming the retry timer) or ends with it.
  void retry_or_fail(Error error, const ResponseHeaders& headers,
                     Clock::time_point now);
  void finish_with(Error error);
  void fold(const CompletionChunk& chunk);

  std::shared_ptr<ClientImpl> client_;
  PreparedCall call_;
  http::Multi& multi_;
  http::Transfer& transfer_;
  SseDecoder decoder_;
  std::optional<Result<CompletionChunk>> element_;
  /// The last chunk's storage, parsed into again so its buffers are reused.
  CompletionChunk spare_;
  CompletionResponse folded_;
  ResponseHeaders headers_;
  std::string other_body_;
  http::CurlCode end_code_ = http::kCurlOk;
  CancelState::WakerId waker_ = 0;
  Clock::time_point attempt_start_{};
  Clock::time_point last_data_{};
  std::optional<Clock::time_point> retry_at_;
  int attempts_ = 0;
  bool in_multi_ = false;
  bool transfer_done_ = false;
  bool headers_seen_ = false;
  bool sse_checked_ = false;
  bool sse_ = false;
  bool delivered_ = false;
  bool got_completion_ = false;
  bool draining_ = false;
  bool ended_ = false;
  Clock::time_point drain_until_{};
};

}  // namespace budgateway::detail

#endif  // BUDGATEWAY_SRC_STREAM_MACHINE_HPP_
