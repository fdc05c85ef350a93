// Copyright 2026 The budgateway Authors. SPDX-License-Identifier: Apache-2.0
// What a finished attempt comes to: a value, a retry after a delay, or a
// final Error. The only code that turns a status and a body into an Error;
// both call machines use it, so every driver gets the same answer.
#ifndef BUDGATEWAY_SRC_CALL_OUTCOME_HPP_
#define BUDGATEWAY_SRC_CALL_OUTCOME_HPP_

#include <budgateway/completion.hpp>
#include <budgateway/error.hpp>
#include <budgateway/headers.hpp>
#include <budgateway/result.hpp>

#include <chrono>
#include <optional>
#include <string>
#include <string_view>

#include "call/context.hpp"
#include "json/response_parser.hpp"

namespace budgateway::detail {

/// The most of an error body a call keeps: more than an Error reports
/// (kMaxErrorBodyBytes), so the message can be read from a longer page.
inline constexpr std::size_t kMaxKeptErrorBody = kMaxErrorBodyBytes * 4;

/// A 2xx status.
constexpr bool is_success(int status) noexcept {
  return status >= 200 && status < 300;
}

/// A header's value as a whole non-negative or signed decimal number;
/// nullopt when absent or not a number.
std::optional<long long> header_number(const ResponseHeaders& headers,
                                       std::string_view name);

/// An attempt's answer as it was read.
struct Answer {
  int status = 0;  ///< 0: no head arrived (or its status line was malformed).
  bool head = false;  ///< A response head arrived.
  ResponseHeaders headers;
  std::string body;  ///< For a non-2xx answer, its first kMaxKeptErrorBody.
};

/// The Error of an attempt that ended: `transport` (libcurl's failure, if
/// any) or a non-2xx status; nullopt for a 2xx that ended cleanly. The key
/// is redacted from the body and headers first, so no truncation can cut it
/// into a piece that escapes redaction.
std::optional<Error> answer_error(const CallContext& context,
                                  const PreparedCall& call, Answer& answer,
                                  std::optional<Error> transport);

/// A 2xx body as a completion carrying the answer's headers; a body that is
/// no completion is a Protocol error with the status and request id.
Result<CompletionResponse> read_completion(Answer& answer);

/// The Error for an error reported inside a 200 stream (an `error` event,
/// a data payload with an `error` object, an `error:` line): its code from
/// the error's type/code, default Server.
Error reported_error(std::string_view json, const Answer& answer);
/// As reported_error(), for what the chunk parser found.
Error reported_error(ChunkProblem problem, const Answer& answer);

/// A Protocol error about `answer`, with its status and request id.
Error protocol_error(std::string message, const Answer& answer);

/// Whether to try again after `attempts` attempts ended in `error`, and
/// after how long (the server's wait, else the back-off). Logs a retry.
std::optional<Millis> retry_delay(const CallContext& context,
                                  const PreparedCall& call, int attempts,
                                  const Error& error,
                                  const ResponseHeaders& headers);

/// A debug line for an attempt that ended: method, URL (no query), status or
/// failure, attempt number, milliseconds, request id.
void log_attempt(const CallContext& context, const PreparedCall& call,
                 int attempt, int status, const Error* error, Millis took);
/// A warning for a call that failed for good (not when cancelled).
void log_failure(const CallContext& context, const PreparedCall& call,
                 const Error& error);

/// What an answer says about the server's rate limit, for a batch's pacing.
struct RateSignal {
  bool limited = false;  ///< A 429 (or a rate-limit error).
  std::optional<Millis> retry_after;
  /// `X-RateLimit-Remaining: 0` with a non-zero limit: the reset time.
  std::optional<std::chrono::system_clock::time_point> exhausted_until;
};
RateSignal rate_signal(const Error* error, const ResponseHeaders& headers);

/// Marks of one call on the clock, turned into the public Timing.
struct TimingMarks {
  Clock::time_point first_start{};    ///< The first attempt went out.
  Clock::time_point attempt_start{};  ///< The answering attempt went out.
  AttemptTimes curl{};                ///< libcurl's timers of that attempt.
  Clock::time_point head{};           ///< Its response head arrived.
  Clock::time_point first_token{};    ///< Streams: first chunk with text.
  Clock::time_point end{};            ///< The call ended.

  /// Attempt number `attempt` went out at `now`.
  void attempt_started(int attempt, Clock::time_point now) noexcept {
    if (attempt == 1) first_start = now;
    attempt_start = now;
    head = {};
    curl = {};
  }
};
/// The Timing of `marks`, each figure from `start`; unset marks are zero.
Timing timing_of(Clock::time_point start, const TimingMarks& marks);

/// `now + delay`, saturating instead of overflowing for "no limit" delays.
Clock::time_point later(Clock::time_point now, Millis delay) noexcept;

/// A uniformly random number in [0, 1) from a per-thread generator.
double random_unit();

}  // namespace budgateway::detail

#endif  // BUDGATEWAY_SRC_CALL_OUTCOME_HPP_
