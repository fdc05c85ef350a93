// Copyright 2026 The budgateway Authors. SPDX-License-Identifier: Apache-2.0
// The bound on a Client's transfers in flight (ClientOptions::max_connections)
// across every kind of call: sync calls wait for a slot, a batch and the
// event loop start only what fits.
#ifndef BUDGATEWAY_SRC_CONNECTION_BUDGET_HPP_
#define BUDGATEWAY_SRC_CONNECTION_BUDGET_HPP_

#include <algorithm>
#include <chrono>
#include <condition_variable>
#include <cstddef>
#include <mutex>

#include "cancel_state.hpp"

namespace budgateway::detail {

class ConnectionBudget {
 public:
  explicit ConnectionBudget(std::size_t limit)
      : limit_(limit == 0 ? 1 : limit) {}

  /// Takes a slot if one is free.
  bool try_acquire() noexcept {
    std::lock_guard<std::mutex> lock(mutex_);
    if (in_use_ >= limit_) return false;
    ++in_use_;
    return true;
  }

  /// Waits up to `wait` for a slot; false on time-out or cancellation. A
  /// bounded wait, so a thread that holds slots itself cannot wait forever.
  bool acquire(std::chrono::milliseconds wait, const CancelState* cancel) {
    const auto deadline = std::chrono::steady_clock::now() + wait;
    std::unique_lock<std::mutex> lock(mutex_);
    while (in_use_ >= limit_) {
      if (cancel != nullptr && cancel->cancelled()) return false;
      const auto now = std::chrono::steady_clock::now();
      if (now >= deadline) return false;
      // Sliced, so a cancellation is seen without a waker on this mutex.
      slot_freed_.wait_until(lock, std::min(deadline, now + kCancelCheck));
    }
    ++in_use_;
    return true;
  }

  void release() noexcept {
    {
      std::lock_guard<std::mutex> lock(mutex_);
      --in_use_;
    }
    slot_freed_.notify_one();
  }

  std::size_t limit() const noexcept { return limit_; }

 private:
  static constexpr std::chrono::milliseconds kCancelCheck{50};

  const std::size_t limit_;
  std::mutex mutex_;
  std::condition_variable slot_freed_;
  std::size_t in_use_ = 0;
};

/// One slot, returned when the holder goes.
class BudgetSlot {
 public:
  BudgetSlot() = default;
  explicit BudgetSlot(ConnectionBudget* budget) : budget_(budget) {}
  BudgetSlot(BudgetSlot&& other) noexcept : budget_(other.budget_) {
    other.budget_ = nullptr;
  }
  BudgetSlot& operator=(BudgetSlot&& other) noexcept {
    if (this != &other) {
      reset();
      budget_ = other.budget_;
      other.budget_ = nullptr;
    }
    return *this;
  }
  BudgetSlot(const BudgetSlot&) = delete;
  BudgetSlot& operator=(const BudgetSlot&) = delete;
  ~BudgetSlot() { reset(); }

  explicit operator bool() const noexcept { return budget_ != nullptr; }
  void reset() noexcept {
    if (budget_ != nullptr) budget_->release();
    budget_ = nullptr;
  }

 private:
  ConnectionBudget* budget_ = nullptr;
};

}  // namespace budgateway::detail

#endif  // BUDGATEWAY_SRC_CONNECTION_BUDGET_HPP_
