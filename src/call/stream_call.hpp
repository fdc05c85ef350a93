// Copyright 2026 The budgateway Authors. SPDX-License-Identifier: Apache-2.0
// One streamed completion as a state machine: attempts, retries before the
// first event, the SSE decoder, in-stream errors, timeouts, and the fold for
// collect(). Like UnaryCall it never waits and never sees a transfer: a
// driver feeds it events and asks next() what it needs. The driver reads
// what the transport has before it asks, so the idle timer measures the
// server's silence, not the consumer's pace.
#ifndef BUDGATEWAY_SRC_CALL_STREAM_CALL_HPP_
#define BUDGATEWAY_SRC_CALL_STREAM_CALL_HPP_

#include <budgateway/completion.hpp>
#include <budgateway/result.hpp>

#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "call/context.hpp"
#include "call/fold.hpp"
#include "call/outcome.hpp"
#include "call/unary_call.hpp"
#include "sse/decoder.hpp"

namespace budgateway::detail {

class StreamCall {
 public:
  StreamCall(std::shared_ptr<const CallContext> context, PreparedCall call);

  /// What to do now: Element when an element is ready (a chunk, or the
  /// final error), Done at the clean end ([DONE]).
  Next next(Clock::time_point now);
  const PreparedCall& call() const noexcept { return call_; }
  /// The caller began reading at `now`: what the stream's Timing counts
  /// from (before any wait for a connection slot).
  void begin(Clock::time_point now) noexcept { call_.start = now; }

  void on_start(Clock::time_point now);
  void on_head(int status, ResponseHeaders&& headers, Clock::time_point now,
               AttemptTimes times = {});
  /// Body bytes arrived at `now`; false: stop the transfer.
  bool on_body(std::string_view bytes, Clock::time_point now);
  void on_end(std::optional<Error> transport, Clock::time_point now);
  /// Whether next() has an element without reading more: a driver need
  /// not pump the transport first.
  bool has_buffered() const noexcept {
    return has_element_ ||
           (phase_ == Phase::InFlight && !draining_ && decoder_.has_event());
  }
  /// Whether an attempt's transfer should be running; a driver stops one
  /// that still runs when this turns false.
  bool wants_transfer() const noexcept { return phase_ == Phase::InFlight; }

  /// The element next() announced, in place; consume() drops it.
  Result<CompletionChunk>* element() noexcept {
    return has_element_ ? &element_ : nullptr;
  }
  /// The element next() announced, moved out.
  Result<CompletionChunk> take();
  /// Drops the element, keeping a chunk's buffers for the next one.
  void consume() noexcept;
  /// Ends the stream now with `error` as its last element, unless it ended.
  void fail(Error error, Clock::time_point now);

  const ResponseHeaders& headers() const noexcept { return answer_.headers; }
  /// The fold of every chunk delivered so far (collect()), with the
  /// stream's timing.
  CompletionResponse folded() const;
  /// Where the stream's time went so far; empty before a response head.
  std::optional<Timing> timing() const;

 private:
  enum class Phase { Idle, InFlight, Backoff, Ended };
  /// What an event was; for Element, element_ holds the chunk or the error.
  /// Sets element_ to `error` (a chunk's storage is dropped: the stream
  /// ends with it).
  void set_error(Error error);
  enum class EventKind { Skip, Done, Element };

  EventKind handle_event(SseEvent& event);
  void note_first_token(const CompletionChunk& chunk);
  Error end_of_body_error();
  void retry_or_fail(Error error, Clock::time_point now);
  void finish_with(Error error, Clock::time_point now);
  Clock::time_point wake_time() const noexcept;

  std::shared_ptr<const CallContext> context_;
  PreparedCall call_;
  SseDecoder decoder_;
  /// The event being handled; popped into, so its buffers circulate
  /// between the decoder and the chunk instead of being allocated anew.
  SseEvent event_;
  Answer answer_;
  ChunkFold fold_;
  /// The element next() announced, when has_element_. A chunk is parsed
  /// into this storage in place and stays here when consumed, so its
  /// strings and vectors are reused by the next chunk: no move per chunk.
  Result<CompletionChunk> element_{CompletionChunk{}};
  bool has_element_ = false;
  std::optional<Error> transport_;
  Phase phase_ = Phase::Idle;
  std::optional<Clock::time_point> deadline_;
  Clock::time_point retry_at_{};
  Clock::time_point attempt_start_{};
  TimingMarks marks_;
  /// Until the first chunk with text: how many events had been dispatched
  /// when bytes landed, and when, so that chunk's arrival is known.
  std::vector<std::pair<std::size_t, Clock::time_point>> arrivals_;
  std::size_t popped_ = 0;
  Clock::time_point last_data_{};
  Clock::time_point drain_until_{};
  int attempts_ = 0;
  bool transfer_ended_ = false;
  bool sse_ = false;
  bool body_full_ = false;
  bool delivered_ = false;
  bool got_completion_ = false;
  bool draining_ = false;
};

}  // namespace budgateway::detail

#endif  // BUDGATEWAY_SRC_CALL_STREAM_CALL_HPP_
