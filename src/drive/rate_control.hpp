// Copyright 2026 The budgateway Authors. SPDX-License-Identifier: Apache-2.0
// How a batch paces itself: an AIMD concurrency limit that a 429 halves and
// successes grow back, a pause every start waits out after a server asked
// for one, and an optional requests-per-minute budget. Pure: time is given.
#ifndef BUDGATEWAY_SRC_DRIVE_RATE_CONTROL_HPP_
#define BUDGATEWAY_SRC_DRIVE_RATE_CONTROL_HPP_

#include <chrono>
#include <cstddef>
#include <optional>

namespace budgateway::detail {

class RateControl {
 public:
  using Clock = std::chrono::steady_clock;
  using Millis = std::chrono::milliseconds;

  /// `max_concurrency` >= 1; `requests_per_minute` unset or > 0.
  RateControl(std::size_t max_concurrency,
              std::optional<double> requests_per_minute);

  /// Transfers allowed in flight now.
  std::size_t limit() const noexcept;
  /// Whether a new transfer may start at `now` with `in_flight` running.
  bool may_start(std::size_t in_flight, Clock::time_point now) const noexcept;
  /// Records a start (spends the per-minute budget).
  void started(Clock::time_point now) noexcept;
  /// The earliest time a start could become possible, for the poll timeout.
  Clock::time_point next_start_time() const noexcept;

  /// Additive increase: about one more slot per limit's worth of successes.
  void on_success() noexcept;
  /// Multiplicative decrease (at most once per `kDecreaseWindow`), and a
  /// pause of every start for `retry_after` (or a short default).
  void on_rate_limited(Clock::time_point now,
                       std::optional<Millis> retry_after) noexcept;
  /// The server said its budget is spent until `until`: pause starts.
  void pause_until(Clock::time_point until) noexcept;

  static constexpr Millis kDecreaseWindow{1000};
  static constexpr Millis kDefaultPause{1000};
  static constexpr Millis kMaxPause{60000};

 private:
  double max_;
  double limit_;
  Clock::time_point paused_until_{};
  Clock::time_point last_decrease_{};
  bool decreased_ = false;
  std::optional<std::chrono::duration<double>> start_spacing_;
  Clock::time_point next_budgeted_start_{};
};

}  // namespace budgateway::detail

#endif  // BUDGATEWAY_SRC_DRIVE_RATE_CONTROL_HPP_
