// Copyright 2026 The budgateway Authors. SPDX-License-Identifier: Apache-2.0
#include "retry.hpp"

#include <algorithm>
#include <array>
#include <charconv>
#include <cmath>
#include <cstdint>
#include <string_view>
#include <system_error>

#include "http_date.hpp"
#include "request_util.hpp"

namespace budgateway::detail {
namespace {

constexpr std::string_view kRetryAfterMs = "retry-after-ms";
constexpr std::string_view kRetryAfter = "retry-after";
constexpr std::string_view kShouldRetry = "x-should-retry";

constexpr int kStatusRequestTimeout = 408;
constexpr int kStatusConflict = 409;
constexpr int kStatusTooManyRequests = 429;
constexpr int kFirstServerStatus = 500;

constexpr double kMillisPerSecond = 1000.0;
bool is_digit(char c) noexcept { return c >= '0' && c <= '9'; }

bool all_digits(std::string_view text) noexcept {
  return !text.empty() && std::all_of(text.begin(), text.end(), is_digit);
}

/// `1*DIGIT [ "." 1*DIGIT ]` times `unit_millis`, rounded up so the client
/// never comes back sooner than asked; a value beyond Millis saturates.
std::optional<Millis> parse_non_negative(std::string_view text,
                                         double unit_millis) noexcept {
  const std::size_t dot = text.find('.');
  if (!all_digits(text.substr(0, dot))) return std::nullopt;
  if (dot != std::string_view::npos && !all_digits(text.substr(dot + 1))) {
    return std::nullopt;
  }
  double value = 0.0;
  const auto [end, error] =
      std::from_chars(text.data(), text.data() + text.size(), value);
  if (error == std::errc::result_out_of_range) {
    // Only digits get here: beyond a double's range is "forever"; below
    // its smallest value is a moment, rounded up like any fraction.
    const bool large =
        text.substr(0, dot).find_first_not_of('0') != std::string_view::npos;
    return large ? Millis::max() : Millis(1);
  }
  if (error != std::errc() || end != text.data() + text.size()) {
    return std::nullopt;
  }
  const double millis = std::ceil(value * unit_millis);
  if (millis >= static_cast<double>(Millis::max().count())) {
    return Millis::max();
  }
  return Millis(static_cast<Millis::rep>(millis));
}

bool is_retryable_status(int status) noexcept {
  return status == kStatusRequestTimeout || status == kStatusConflict ||
         status == kStatusTooManyRequests || status >= kFirstServerStatus;
}

}  // namespace

std::optional<Millis> parse_retry_after(
    const ResponseHeaders& headers, std::chrono::system_clock::time_point now) {
  if (const auto millis = headers.get(kRetryAfterMs)) {
    if (auto wait = parse_non_negative(trim(*millis), 1.0)) return wait;
  }
  const auto value = headers.get(kRetryAfter);
  if (!value) return std::nullopt;
  const std::string_view text = trim(*value);
  if (!text.empty() && is_digit(text.front())) {
    return parse_non_negative(text, kMillisPerSecond);
  }
  return parse_http_date(text, now);
}

bool is_retryable(const Error& error, const ResponseHeaders& headers) noexcept {
  // Both are the caller's own decisions, which no server header can undo.
  if (error.code() == ErrorCode::Cancelled ||
      error.code() == ErrorCode::InvalidArgument) {
    return false;
  }
  if (const auto should_retry = headers.get(kShouldRetry)) {
    const std::string_view answer = trim(*should_retry);
    if (iequals(answer, "true")) return true;
    if (iequals(answer, "false")) return false;
  }
  if (error.http_status() != 0) return is_retryable_status(error.http_status());
  return error.code() == ErrorCode::Connection ||
         error.code() == ErrorCode::Timeout;
}

Millis backoff_delay(const RetryPolicy& policy, int retry_index,
                     double random01) noexcept {
  const Millis cap = std::max(policy.max_backoff, Millis(0));
  Millis delay = std::clamp(policy.initial_backoff, Millis(0), cap);
  // Doubling stops at the cap, so at most 63 rounds and never an overflow.
  for (int i = 0; i < retry_index && delay > Millis(0) && delay < cap; ++i) {
    delay = delay > cap / 2 ? cap : delay * 2;
  }
  const double jitter = std::clamp(policy.jitter, 0.0, 1.0);
  const double random = std::clamp(random01, 0.0, 1.0);
  const double scaled =
      static_cast<double>(delay.count()) * (1.0 - jitter * random);
  // Near Millis::max() the double rounds up past what the integer can hold.
  if (scaled >= static_cast<double>(delay.count())) return delay;
  return Millis(static_cast<Millis::rep>(scaled));
}

RetryDecision decide_retry(const RetryPolicy& policy, int attempts_made,
                           const Error& error, const ResponseHeaders& headers,
                           double random01) noexcept {
  if (attempts_made > policy.max_retries || !is_retryable(error, headers)) {
    return {};
  }
  if (const auto asked = error.retry_after()) {
    // Waiting longer than the cap would stall the caller; the error goes back
    // at once with retry_after() set so the caller can decide.
    if (*asked > policy.max_retry_after) return {};
    return {true, std::max(*asked, Millis(0))};
  }
  return {true, backoff_delay(policy, attempts_made - 1, random01)};
}

}  // namespace budgateway::detail
