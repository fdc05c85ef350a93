// Copyright 2026 The budgateway Authors. SPDX-License-Identifier: Apache-2.0
#include <budgateway/cancellation.hpp>

#include <algorithm>
#include <thread>
#include <utility>

#include "cancel_state.hpp"

namespace budgateway {
namespace detail {
namespace {

// steady_clock counts nanoseconds in 64 bits (about 292 years); a deadline
// further out than this would overflow it, and nobody waits that long.
constexpr std::chrono::hours kLongestSleep{24 * 365 * 100};

}  // namespace

void CancelState::cancel() noexcept {
  std::vector<std::pair<WakerId, std::function<void()>>> wakers;
  {
    std::lock_guard<std::mutex> lock(mutex_);
    if (cancelled_.load(std::memory_order_relaxed)) return;
    // Set under the mutex so a sleeper cannot test the flag and then miss
    // the notification.
    cancelled_.store(true, std::memory_order_release);
    wakers.swap(wakers_);
    waking_ = true;
    waking_thread_ = std::this_thread::get_id();
  }
  cv_.notify_all();
  // Outside the lock: a waker may itself add or remove wakers.
  for (auto& waker : wakers) waker.second();
  {
    std::lock_guard<std::mutex> lock(mutex_);
    waking_ = false;
  }
  cv_.notify_all();
}

CancelState::WakerId CancelState::add_waker(std::function<void()> wake) {
  WakerId id = 0;
  {
    std::lock_guard<std::mutex> lock(mutex_);
    id = next_id_++;
    if (!cancelled_.load(std::memory_order_relaxed)) {
      wakers_.emplace_back(id, std::move(wake));
      return id;
    }
  }
  // Already cancelled: wake at once, outside the lock as cancel() does.
  wake();
  return id;
}

void CancelState::remove_waker(WakerId id) noexcept {
  std::unique_lock<std::mutex> lock(mutex_);
  wakers_.erase(
      std::remove_if(wakers_.begin(), wakers_.end(),
                     [id](const auto& waker) { return waker.first == id; }),
      wakers_.end());
  // The caller is about to destroy what the waker touches, so a waker still
  // running on the cancelling thread must finish first. On that thread
  // itself (a waker removing wakers) waiting would never end.
  if (waking_ && waking_thread_ != std::this_thread::get_id()) {
    cv_.wait(lock, [this] { return !waking_; });
  }
}

bool CancelState::sleep_for(std::chrono::milliseconds duration) {
  const auto capped = std::min<std::chrono::milliseconds>(
      duration,
      std::chrono::duration_cast<std::chrono::milliseconds>(kLongestSleep));
  std::unique_lock<std::mutex> lock(mutex_);
  return !cv_.wait_for(lock, capped, [this] {
    return cancelled_.load(std::memory_order_acquire);
  });
}

}  // namespace detail

bool CancellationToken::cancelled() const noexcept {
  return state_ != nullptr && state_->cancelled();
}

CancellationSource::CancellationSource()
    : state_(std::make_shared<detail::CancelState>()) {}

void CancellationSource::cancel() noexcept {
  if (state_ != nullptr) state_->cancel();
}

bool CancellationSource::cancelled() const noexcept {
  return state_ != nullptr && state_->cancelled();
}

}  // namespace budgateway
