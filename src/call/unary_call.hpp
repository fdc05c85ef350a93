// Copyright 2026 The budgateway Authors. SPDX-License-Identifier: Apache-2.0
// One unary completion as a state machine: attempts, their answers, retries
// and the final result. It never waits and never sees a transfer: a driver
// feeds it events (an attempt started, the response head, body bytes, the
// attempt's end, the time) and asks next() what it needs.
#ifndef BUDGATEWAY_SRC_CALL_UNARY_CALL_HPP_
#define BUDGATEWAY_SRC_CALL_UNARY_CALL_HPP_

#include <budgateway/completion.hpp>
#include <budgateway/result.hpp>

#include <memory>
#include <optional>
#include <string_view>

#include "call/context.hpp"
#include "call/outcome.hpp"

namespace budgateway::detail {

/// What a call machine needs from its driver next.
enum class Need {
  Attempt,   ///< Start an attempt now with call().http, then on_start().
  Transfer,  ///< Keep the attempt's transfer going; call next() by `until`.
  Wait,      ///< No transfer (stop one still running); call next() at `until`.
  Element,   ///< Streams: an element is ready (element()).
  Done,      ///< Finished; stop any transfer still running.
};

struct Next {
  Need need = Need::Done;
  Clock::time_point until = Clock::time_point::max();
};

class UnaryCall {
 public:
  UnaryCall(std::shared_ptr<const CallContext> context, PreparedCall call);

  /// What to do now. Checks cancellation and the attempt's deadline.
  Next next(Clock::time_point now);
  const PreparedCall& call() const noexcept { return call_; }
  int attempts() const noexcept { return attempts_; }

  /// The attempt asked for went out at `now` (or failed to: on_end follows).
  void on_start(Clock::time_point now);
  /// The final response's head arrived.
  void on_head(int status, ResponseHeaders&& headers, Clock::time_point now,
               AttemptTimes times = {});
  /// Body bytes arrived; false: stop the transfer (the body is too long).
  bool on_body(std::string_view bytes, Clock::time_point now);
  /// Whether an attempt's transfer should be running; a driver stops one
  /// that still runs when this turns false.
  bool wants_transfer() const noexcept { return in_flight_; }
  /// The attempt ended: cleanly, or with libcurl's failure `transport`.
  void on_end(std::optional<Error> transport, Clock::time_point now);

  /// Read what each answer says about rate limits (a batch paces itself
  /// by it); off by default, since a single call has no use for it.
  void track_rate_limits() noexcept { track_rate_ = true; }
  /// What the last attempt's answer said about rate limits.
  const RateSignal& rate() const noexcept { return rate_; }
  /// The result, once next() said Done.
  Result<CompletionResponse> take_result();

 private:
  void finish(Result<CompletionResponse> result);

  std::shared_ptr<const CallContext> context_;
  PreparedCall call_;
  Answer answer_;
  RateSignal rate_;
  std::optional<Result<CompletionResponse>> result_;
  std::optional<Clock::time_point> retry_at_;
  TimingMarks marks_;
  Clock::time_point deadline_{};
  int attempts_ = 0;
  bool in_flight_ = false;
  bool track_rate_ = false;
  bool too_large_ = false;
  bool error_body_full_ = false;
};

}  // namespace budgateway::detail

#endif  // BUDGATEWAY_SRC_CALL_UNARY_CALL_HPP_
