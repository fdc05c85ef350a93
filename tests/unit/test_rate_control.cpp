// Copyright 2026 The budgateway Authors. SPDX-License-Identifier: Apache-2.0
#include "drive/rate_control.hpp"

#include "catch.hpp"

using budgateway::detail::RateControl;
using namespace std::chrono_literals;

namespace {
const RateControl::Clock::time_point kT0{std::chrono::hours(1)};
}

TEST_CASE("the limit starts at max_concurrency and gates starts") {
  RateControl rate(4, std::nullopt);
  CHECK(rate.limit() == 4);
  CHECK(rate.may_start(3, kT0));
  CHECK_FALSE(rate.may_start(4, kT0));
}

TEST_CASE("a 429 halves the limit once per burst and pauses every start") {
  RateControl rate(64, std::nullopt);
  rate.on_rate_limited(kT0, 2000ms);
  CHECK(rate.limit() == 32);
  rate.on_rate_limited(kT0 + 10ms, 2000ms);  // same burst
  CHECK(rate.limit() == 32);
  // The later 429 of the burst pushes the pause to its own Retry-After.
  CHECK_FALSE(rate.may_start(0, kT0 + 2009ms));
  CHECK(rate.may_start(0, kT0 + 2010ms));
  rate.on_rate_limited(kT0 + RateControl::kDecreaseWindow + 10ms, std::nullopt);
  CHECK(rate.limit() == 16);
  CHECK(rate.next_start_time() ==
        kT0 + RateControl::kDecreaseWindow + 10ms + RateControl::kDefaultPause);
}

TEST_CASE("successes grow the limit back additively, never past the maximum") {
  RateControl rate(8, std::nullopt);
  rate.on_rate_limited(kT0, 0ms);
  CHECK(rate.limit() == 4);
  // 1/limit per success: a little over a limit's worth of successes adds one.
  for (int i = 0; i < 4; ++i) rate.on_success();
  CHECK(rate.limit() == 4);
  rate.on_success();
  CHECK(rate.limit() == 5);
  for (int i = 0; i < 1000; ++i) rate.on_success();
  CHECK(rate.limit() == 8);
}

TEST_CASE("the limit never drops below one") {
  RateControl rate(2, std::nullopt);
  for (int i = 0; i < 10; ++i) rate.on_rate_limited(kT0 + i * 2s, 0ms);
  CHECK(rate.limit() == 1);
}

TEST_CASE("a server's pause is capped") {
  RateControl rate(2, std::nullopt);
  rate.on_rate_limited(kT0, std::chrono::hours(2));
  CHECK(rate.next_start_time() == kT0 + RateControl::kMaxPause);
}

TEST_CASE("a requests-per-minute budget spaces the starts") {
  RateControl rate(100, 600.0);  // one start per 100 ms
  CHECK(rate.may_start(0, kT0));
  rate.started(kT0);
  CHECK_FALSE(rate.may_start(1, kT0 + 50ms));
  CHECK(rate.may_start(1, kT0 + 100ms));
  rate.started(kT0 + 100ms);
  CHECK(rate.next_start_time() == kT0 + 200ms);
}
