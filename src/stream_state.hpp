// Copyright 2026 The budgateway Authors. SPDX-License-Identifier: Apache-2.0
// The state of one streamed completion: its transfer, SSE decoder, retries
// and fold. Pumped by iteration on the caller's thread.
#ifndef BUDGATEWAY_SRC_STREAM_STATE_HPP_
#define BUDGATEWAY_SRC_STREAM_STATE_HPP_

#include <budgateway/stream.hpp>

#include <chrono>
#include <memory>
#include <optional>
#include <string>
#include <variant>

#include "client_impl.hpp"
#include "sse/decoder.hpp"

namespace budgateway::detail {

class StreamState {
 public:
  StreamState(std::shared_ptr<ClientImpl> client, Result<PreparedCall> call);
  ~StreamState();
  StreamState(const StreamState&) = delete;
  StreamState& operator=(const StreamState&) = delete;

  bool started() const noexcept { return started_; }
  bool done() const noexcept { return finished_ && !current_; }
  Result<CompletionChunk>* current() noexcept {
    return current_ ? &*current_ : nullptr;
  }
  /// Reads the next element; after an error or the end, the stream is done.
  void advance();
  Result<CompletionResponse> collect();
  const ResponseHeaders& headers() const noexcept { return headers_; }

 private:
  using Clock = std::chrono::steady_clock;
  struct Skip {};
  struct Done {};
  using EventOutcome = std::variant<Skip, Done, CompletionChunk, Error>;

  std::optional<Result<CompletionChunk>> next_element();
  std::optional<Error> start_attempt();
  bool on_data(std::string_view bytes);
  void pump(Clock::time_point wait_until);
  void record_headers();
  void stop_transfer() noexcept;
  void drain_after_done();
  EventOutcome handle_event(SseEvent&& event);
  std::optional<Error> end_of_body_error();
  Error in_stream_error(std::string_view json) const;
  Error protocol_error(std::string message) const;
  void fold(const CompletionChunk& chunk);

  // Declared first so the lease (which returns the channel to the client's
  // pool) is destroyed before the client.
  std::shared_ptr<ClientImpl> client_;
  PreparedCall call_;
  std::optional<http::ChannelPool::Lease> lease_;
  std::optional<SseDecoder> decoder_;
  std::optional<Result<CompletionChunk>> current_;
  CompletionResponse folded_;
  ResponseHeaders headers_;
  std::string other_body_;
  TransferEnd end_;
  CancelState::WakerId waker_ = 0;
  Clock::time_point attempt_start_;
  Clock::time_point last_data_;
  int attempts_ = 0;
  bool started_ = false;
  bool finished_ = false;
  bool in_multi_ = false;
  bool transfer_done_ = false;
  bool headers_seen_ = false;
  bool sse_checked_ = false;
  bool sse_ = false;
  bool delivered_ = false;
  bool got_completion_ = false;
};

}  // namespace budgateway::detail

#endif  // BUDGATEWAY_SRC_STREAM_STATE_HPP_
