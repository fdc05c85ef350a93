// Copyright 2026 The budgateway Authors. SPDX-License-Identifier: Apache-2.0
#include "drive/rate_control.hpp"

#include <algorithm>
#include <cmath>

namespace budgateway::detail {
namespace {
constexpr double kSecondsPerMinute = 60.0;
constexpr double kDecreaseFactor = 0.5;
}  // namespace

RateControl::RateControl(std::size_t max_concurrency,
                         std::optional<double> requests_per_minute)
    : max_(static_cast<double>(std::max<std::size_t>(1, max_concurrency))),
      limit_(max_) {
  if (requests_per_minute && *requests_per_minute > 0) {
    start_spacing_ =
        std::chrono::duration<double>(kSecondsPerMinute / *requests_per_minute);
  }
}

std::size_t RateControl::limit() const noexcept {
  return std::max<std::size_t>(1, static_cast<std::size_t>(std::floor(limit_)));
}

bool RateControl::may_start(std::size_t in_flight,
                            Clock::time_point now) const noexcept {
  return in_flight < limit() && now >= next_start_time();
}

void RateControl::started(Clock::time_point now) noexcept {
  if (!start_spacing_) return;
  const auto base = std::max(now, next_budgeted_start_);
  next_budgeted_start_ =
      base + std::chrono::duration_cast<Clock::duration>(*start_spacing_);
}

RateControl::Clock::time_point RateControl::next_start_time() const noexcept {
  return std::max(paused_until_, next_budgeted_start_);
}

void RateControl::on_success() noexcept {
  limit_ = std::min(max_, limit_ + 1.0 / limit_);
}

void RateControl::on_rate_limited(Clock::time_point now,
                                  std::optional<Millis> retry_after) noexcept {
  // Many transfers in flight meet the same limit at once: halve once for
  // the whole burst, not once per 429.
  if (!decreased_ || now - last_decrease_ >= kDecreaseWindow) {
    limit_ = std::max(1.0, limit_ * kDecreaseFactor);
    last_decrease_ = now;
    decreased_ = true;
  }
  pause_until(now + std::min(kMaxPause, retry_after.value_or(kDefaultPause)));
}

void RateControl::pause_until(Clock::time_point until) noexcept {
  paused_until_ = std::max(paused_until_, until);
}

}  // namespace budgateway::detail
