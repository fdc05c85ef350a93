// Copyright 2026 The budgateway Authors. SPDX-License-Identifier: Apache-2.0
#include <budgateway/cancellation.hpp>

#include <array>
#include <atomic>
#include <chrono>
#include <thread>
#include <vector>

#include "cancel_state.hpp"
#include "catch.hpp"

namespace budgateway {
namespace {

using std::chrono::milliseconds;
using Clock = std::chrono::steady_clock;

// Generous bounds: these tests pin promptness, not timing precision, and
// must pass on a loaded machine and under ThreadSanitizer.
constexpr milliseconds kPrompt{1000};
constexpr milliseconds kLongSleep{30000};
constexpr milliseconds kShortSleep{20};
constexpr milliseconds kCancelDelay{50};
constexpr milliseconds kWakerRunTime{100};
constexpr int kCancellingThreads = 4;

void wait_until(const std::atomic<bool>& flag) {
  while (!flag.load()) std::this_thread::yield();
}

TEST_CASE("a default token is never cancelled", "[cancellation]") {
  const CancellationToken token;
  CHECK_FALSE(token.cancelled());
  CHECK(detail::CancelAccess::state(token) == nullptr);
}

TEST_CASE("tokens observe their source's cancel", "[cancellation]") {
  CancellationSource source;
  const CancellationToken before = source.token();
  const CancellationToken copy = before;
  CHECK(detail::CancelAccess::state(before) != nullptr);
  CHECK_FALSE(before.cancelled());
  CHECK_FALSE(source.cancelled());

  source.cancel();

  CHECK(source.cancelled());
  CHECK(before.cancelled());
  CHECK(copy.cancelled());
  CHECK(source.token().cancelled());
}

TEST_CASE("cancelling one source leaves another alone", "[cancellation]") {
  CancellationSource first;
  const CancellationSource second;
  first.cancel();
  CHECK_FALSE(second.token().cancelled());
}

TEST_CASE("cancel may be called repeatedly", "[cancellation]") {
  CancellationSource source;
  source.cancel();
  source.cancel();
  CHECK(source.cancelled());
}

TEST_CASE("a token sees a cancel made on another thread", "[cancellation]") {
  CancellationSource source;
  const CancellationToken token = source.token();
  std::thread canceller([&source] { source.cancel(); });
  canceller.join();
  CHECK(token.cancelled());
}

TEST_CASE("sleep_for sleeps the whole duration when not cancelled",
          "[cancellation]") {
  detail::CancelState state;
  const auto start = Clock::now();
  CHECK(state.sleep_for(kShortSleep));
  CHECK(Clock::now() - start >= kShortSleep);
}

TEST_CASE("sleep_for returns false at once when already cancelled",
          "[cancellation]") {
  detail::CancelState state;
  state.cancel();
  const auto start = Clock::now();
  CHECK_FALSE(state.sleep_for(kLongSleep));
  CHECK(Clock::now() - start < kPrompt);
}

TEST_CASE("sleep_for with a huge duration is still cut short by cancel",
          "[cancellation]") {
  detail::CancelState state;
  std::thread canceller([&state] {
    std::this_thread::sleep_for(kCancelDelay);
    state.cancel();
  });
  const auto start = Clock::now();
  CHECK_FALSE(state.sleep_for(milliseconds::max()));
  CHECK(Clock::now() - start < kPrompt);
  canceller.join();
}

TEST_CASE("cancel from another thread wakes a sleeper promptly",
          "[cancellation]") {
  CancellationSource source;
  const auto state = detail::CancelAccess::state(source.token());
  std::thread canceller([&source] {
    std::this_thread::sleep_for(kCancelDelay);
    source.cancel();
  });
  const auto start = Clock::now();
  CHECK_FALSE(state->sleep_for(kLongSleep));
  CHECK(Clock::now() - start < kPrompt);
  canceller.join();
}

TEST_CASE("cancel wakes every sleeper", "[cancellation]") {
  detail::CancelState state;
  std::atomic<int> woken{0};
  std::vector<std::thread> sleepers;
  for (int i = 0; i < kCancellingThreads; ++i) {
    sleepers.emplace_back([&state, &woken] {
      if (!state.sleep_for(kLongSleep)) ++woken;
    });
  }
  std::this_thread::sleep_for(kCancelDelay);
  const auto start = Clock::now();
  state.cancel();
  for (auto& sleeper : sleepers) sleeper.join();
  CHECK(woken == kCancellingThreads);
  CHECK(Clock::now() - start < kPrompt);
}

TEST_CASE("cancel calls each waker exactly once", "[cancellation]") {
  detail::CancelState state;
  std::array<std::atomic<int>, 3> calls{};
  for (auto& count : calls) state.add_waker([&count] { ++count; });

  SECTION("from one thread cancelling twice") {
    state.cancel();
    state.cancel();
  }
  SECTION("from several threads cancelling at once") {
    std::vector<std::thread> cancellers;
    for (int i = 0; i < kCancellingThreads; ++i) {
      cancellers.emplace_back([&state] { state.cancel(); });
    }
    for (auto& canceller : cancellers) canceller.join();
  }
  for (const auto& count : calls) CHECK(count == 1);
}

TEST_CASE("a waker runs on the cancelling thread", "[cancellation]") {
  detail::CancelState state;
  std::thread::id called_on;
  state.add_waker([&called_on] { called_on = std::this_thread::get_id(); });
  std::thread::id cancelled_on;
  std::thread canceller([&state, &cancelled_on] {
    cancelled_on = std::this_thread::get_id();
    state.cancel();
  });
  canceller.join();
  CHECK(called_on == cancelled_on);
}

TEST_CASE("add_waker after cancel calls the waker at once", "[cancellation]") {
  detail::CancelState state;
  const auto before = state.add_waker([] {});
  state.cancel();
  int calls = 0;
  const auto after = state.add_waker([&calls] { ++calls; });
  CHECK(calls == 1);
  CHECK(after != before);
  state.remove_waker(after);
  state.cancel();
  CHECK(calls == 1);
}

TEST_CASE("a removed waker is not called", "[cancellation]") {
  detail::CancelState state;
  int removed_calls = 0;
  int kept_calls = 0;
  const auto removed = state.add_waker([&removed_calls] { ++removed_calls; });
  state.add_waker([&kept_calls] { ++kept_calls; });
  state.remove_waker(removed);
  state.cancel();
  CHECK(removed_calls == 0);
  CHECK(kept_calls == 1);
}

TEST_CASE("remove_waker after cancel is harmless", "[cancellation]") {
  detail::CancelState state;
  int calls = 0;
  const auto id = state.add_waker([&calls] { ++calls; });
  state.cancel();
  state.remove_waker(id);
  state.remove_waker(id);
  CHECK(calls == 1);
}

TEST_CASE("a waker may add and remove wakers without deadlock",
          "[cancellation]") {
  detail::CancelState state;
  detail::CancelState::WakerId self = 0;
  int late_calls = 0;
  self = state.add_waker([&state, &self, &late_calls] {
    state.remove_waker(self);
    state.add_waker([&late_calls] { ++late_calls; });
  });
  state.cancel();
  CHECK(late_calls == 1);
}

TEST_CASE("remove_waker waits for the waker another thread is running",
          "[cancellation]") {
  detail::CancelState state;
  std::atomic<bool> started{false};
  std::atomic<bool> finished{false};
  const auto id = state.add_waker([&started, &finished] {
    started = true;
    std::this_thread::sleep_for(kWakerRunTime);
    finished = true;
  });
  std::thread canceller([&state] { state.cancel(); });
  wait_until(started);
  state.remove_waker(id);
  CHECK(finished);
  canceller.join();
}

}  // namespace
}  // namespace budgateway
