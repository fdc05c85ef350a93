// Copyright 2026 The budgateway Authors. SPDX-License-Identifier: Apache-2.0
// The state behind CancellationSource/CancellationToken: a flag, waiters that
// sleep on it, and wake-up callbacks of blocked transfers.
#ifndef BUDGATEWAY_SRC_CANCEL_STATE_HPP_
#define BUDGATEWAY_SRC_CANCEL_STATE_HPP_

#include <budgateway/cancellation.hpp>

#include <atomic>
#include <chrono>
#include <condition_variable>
#include <cstdint>
#include <functional>
#include <memory>
#include <mutex>
#include <thread>
#include <vector>

namespace budgateway::detail {

class CancelState {
 public:
  using WakerId = std::uint64_t;

  /// Sets the flag, wakes every sleeper and calls every waker (once).
  void cancel() noexcept;
  bool cancelled() const noexcept {
    return cancelled_.load(std::memory_order_acquire);
  }

  /// Registers `wake`, called from the cancelling thread on cancel(); when
  /// already cancelled it is called at once. Remove it before what it wakes
  /// dies.
  WakerId add_waker(std::function<void()> wake);
  /// When cancel() is calling wakers on another thread, waits until it is
  /// done, so no waker runs once this returns (a waker must therefore not
  /// block on anything the remover holds).
  void remove_waker(WakerId id) noexcept;

  /// Sleeps for `duration` unless cancelled first; false when cancelled.
  bool sleep_for(std::chrono::milliseconds duration);

 private:
  std::atomic<bool> cancelled_{false};
  std::mutex mutex_;
  std::condition_variable cv_;
  std::vector<std::pair<WakerId, std::function<void()>>> wakers_;
  WakerId next_id_ = 1;
  bool waking_ = false;  ///< cancel() is calling wakers outside the lock.
  std::thread::id waking_thread_;
};

/// The library's way to a token's state (null for a token that never
/// cancels), which the public API does not show.
struct CancelAccess {
  static const std::shared_ptr<CancelState>& state(
      const CancellationToken& token) noexcept {
    return token.state_;
  }
};

}  // namespace budgateway::detail

#endif  // BUDGATEWAY_SRC_CANCEL_STATE_HPP_
