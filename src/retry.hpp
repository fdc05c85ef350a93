// Copyright 2026 The budgateway Authors. SPDX-License-Identifier: Apache-2.0
// The retry policy: pure functions of an error, its headers, the clock and a
// random number, so every rule is unit-tested without a socket.
#ifndef BUDGATEWAY_SRC_RETRY_HPP_
#define BUDGATEWAY_SRC_RETRY_HPP_

#include <budgateway/error.hpp>
#include <budgateway/headers.hpp>

#include <chrono>
#include <optional>

namespace budgateway::detail {

using Millis = std::chrono::milliseconds;

struct RetryPolicy {
  int max_retries = 2;
  Millis initial_backoff{500};
  Millis max_backoff{8000};
  double jitter = 0.25;  ///< The most of a back-off taken off at random.
  Millis max_retry_after{60000};
};

/// The wait a server asked for: `retry-after-ms` (milliseconds, may be
/// fractional), else `Retry-After` as delta-seconds or an HTTP-date (relative
/// to `now`; a date in the past is 0). Absent or unreadable: nullopt.
std::optional<Millis> parse_retry_after(
    const ResponseHeaders& headers, std::chrono::system_clock::time_point now);

/// Whether a failure may be retried at all. InvalidArgument and Cancelled
/// (the caller's doing) never are; otherwise `x-should-retry: true|false`
/// decides when present; else Connection, Timeout, HTTP 408, 409, 429 and
/// >= 500 are retryable, and nothing else (never 402, other 4xx,
/// InvalidArgument, Cancelled, Protocol).
bool is_retryable(const Error& error, const ResponseHeaders& headers) noexcept;

/// Back-off before retry number `retry_index` (0 for the first retry):
/// min(initial * 2^n, max) less up to `jitter` of it; `random01` in [0, 1).
Millis backoff_delay(const RetryPolicy& policy, int retry_index,
                     double random01) noexcept;

struct RetryDecision {
  bool retry = false;
  Millis delay{0};
};

/// After `attempts_made` attempts (>= 1) ended in `error`: retry when the
/// error is retryable and retries remain; wait error.retry_after() when set
/// and within max_retry_after (longer: do not retry), else backoff_delay().
RetryDecision decide_retry(const RetryPolicy& policy, int attempts_made,
                           const Error& error, const ResponseHeaders& headers,
                           double random01) noexcept;

}  // namespace budgateway::detail

#endif  // BUDGATEWAY_SRC_RETRY_HPP_
