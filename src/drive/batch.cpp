// Copyright 2026 The budgateway Authors. SPDX-License-Identifier: Apache-2.0
#include "drive/batch.hpp"

#include <algorithm>
#include <optional>
#include <queue>
#include <utility>

#include "call/unary_call.hpp"
#include "drive/rate_control.hpp"

namespace budgateway::detail {
namespace {

/// The longest a batch's loop sleeps while waiting on timers or sockets.
constexpr Millis kMaxBatchPoll{1000};
/// How soon a batch that found the connection budget spent looks again.
constexpr Millis kBudgetRecheck{10};

/// One item's call and the feed its transfers report to (a stable address).
struct ItemCall {
  ItemCall(std::shared_ptr<const CallContext> context, PreparedCall prepared)
      : call(std::move(context), std::move(prepared)) {}
  UnaryCall call;
  CallFeed<UnaryCall> feed{call};
};

/// A transfer in flight with the budget slot it holds.
struct Flight {
  std::unique_ptr<http::Transfer> transfer;
  BudgetSlot slot;
};

class BatchRun {
 public:
  BatchRun(std::shared_ptr<const CallContext> context, Transports& transports,
           const std::vector<CompletionRequest>& requests,
           const BatchOptions& options)
      : context_(std::move(context)),
        transports_(transports),
        channel_(transports.pool.take()),
        // No CURLMOPT_MAX_TOTAL_CONNECTIONS: RateControl bounds the transfers
        // in flight, and a limit set on a pooled multi handle would outlive
        // the batch (a later call on it could wait as a pending transfer).
        multi_(channel_->multi),
        requests_(requests),
        options_(options),
        rate_(std::max<std::size_t>(
                  1, std::min(options.max_concurrency,
                              context_->options().max_connections)),
              options.max_requests_per_minute),
        items_(requests.size()),
        // Every slot is overwritten by finish(); one vector, returned as is.
        results_(requests.size(), Result<CompletionResponse>(
                                      Error(ErrorCode::Cancelled, "not run"))),
        cancel_(CancelAccess::state(options.call.cancellation)) {
    if (cancel_) {
      waker_ = cancel_->add_waker([multi = &multi_] { multi->wakeup(); });
    }
  }

  ~BatchRun() {
    if (cancel_) cancel_->remove_waker(waker_);
    // Also when on_result threw: no easy handle stays in the pooled multi.
    for (auto& flight : in_flight_) multi_.remove(*flight.transfer);
  }
  BatchRun(const BatchRun&) = delete;
  BatchRun& operator=(const BatchRun&) = delete;

  std::vector<Result<CompletionResponse>> run() {
    start_what_may(Clock::now());
    while (finished_ < requests_.size()) {
      multi_.perform();
      http::Transfer* transfer = nullptr;
      http::CurlCode code = http::kCurlOk;
      while (multi_.next_done(transfer, code)) on_done(*transfer, code);
      if (cancel_ && cancel_->cancelled()) end_everything();
      if (finished_ == requests_.size()) break;
      // Freed slots are refilled at once and sent by the next perform();
      // the loop sleeps only when nothing could start.
      if (start_what_may(Clock::now()) == 0) {
        multi_.poll(poll_timeout(Clock::now()));
      }
    }
    return std::move(results_);
  }

 private:
  struct Timer {
    Clock::time_point due;
    std::size_t index;
    bool operator>(const Timer& other) const { return due > other.due; }
  };

  std::optional<std::size_t> next_ready(Clock::time_point now) {
    if (!retries_.empty() && retries_.top().due <= now) {
      const std::size_t index = retries_.top().index;
      retries_.pop();
      return index;
    }
    if (next_new_ < requests_.size()) return next_new_++;
    return std::nullopt;
  }

  /// Starts what the pacing and the client's connection budget allow;
  /// returns how many were started.
  std::size_t start_what_may(Clock::time_point now) {
    std::size_t started = 0;
    waiting_for_budget_ = false;
    while (rate_.may_start(in_flight_.size(), now)) {
      if (!context_->budget().try_acquire()) {
        waiting_for_budget_ = true;
        break;
      }
      BudgetSlot slot(&context_->budget());
      const auto index = next_ready(now);
      if (!index) break;
      if (start(*index, std::move(slot), now)) ++started;
    }
    return started;
  }

  /// Puts item `index` in flight; false when it finished or waits instead.
  bool start(std::size_t index, BudgetSlot slot, Clock::time_point now) {
    auto& item = items_[index];
    if (!item) {
      auto prepared =
          context_->prepare(requests_[index], options_.call, /*stream=*/false);
      if (!prepared) {
        finish(index, context_->stamp(std::move(prepared).error(), 0, {}));
        return false;
      }
      prepared->start = now;
      item = std::make_unique<ItemCall>(context_, std::move(*prepared));
      if (options_.adapt_to_rate_limits) item->call.track_rate_limits();
    }
    UnaryCall& call = item->call;
    if (call.next(now).need != Need::Attempt) {
      settle(index, now);
      return false;
    }
    auto transfer = take_transfer();
    transfer->set_tag(index);
    call.on_start(now);
    std::optional<Error> error =
        transfer->configure(call.call().http, call.call().body, &item->feed);
    if (!error) error = multi_.add(*transfer);
    if (error) {
      idle_.push_back(std::move(transfer));
      call.on_end(std::move(error), now);
      settle(index, now);
      return false;
    }
    rate_.started(now);
    in_flight_.push_back(Flight{std::move(transfer), std::move(slot)});
    return true;
  }

  void on_done(http::Transfer& transfer, http::CurlCode code) {
    multi_.remove(transfer);
    const std::size_t index = transfer.tag();
    UnaryCall& call = items_[index]->call;
    const auto now = Clock::now();
    call.on_end(transport_outcome(transfer, code), now);
    release(transfer);
    if (options_.adapt_to_rate_limits) {
      const RateSignal& signal = call.rate();
      if (signal.limited) rate_.on_rate_limited(now, signal.retry_after);
      if (signal.exhausted_until) {
        pause_until_system_time(*signal.exhausted_until, now);
      }
    }
    settle(index, now);
  }

  /// After a cancellation: calls in flight or waiting to retry hear of it
  /// and end; items never started end without being prepared.
  void end_everything() {
    const auto now = Clock::now();
    while (!in_flight_.empty()) {
      http::Transfer& transfer = *in_flight_.back().transfer;
      multi_.remove(transfer);
      const std::size_t index = transfer.tag();
      release(transfer);
      settle(index, now);
    }
    while (!retries_.empty()) {
      const std::size_t index = retries_.top().index;
      retries_.pop();
      settle(index, now);
    }
    for (; next_new_ < requests_.size(); ++next_new_) {
      finish(next_new_, context_->stamp(Error(ErrorCode::Cancelled,
                                              "the batch was cancelled"),
                                        0, {}));
    }
  }

  /// Finishes item `index` or schedules its retry, as its call says.
  void settle(std::size_t index, Clock::time_point now) {
    UnaryCall& call = items_[index]->call;
    const Next next = call.next(now);
    if (next.need == Need::Done) {
      auto result = call.take_result();
      if (result && options_.adapt_to_rate_limits) rate_.on_success();
      finish(index, std::move(result));
      return;
    }
    retries_.push(Timer{next.need == Need::Wait ? next.until : now, index});
  }

  void pause_until_system_time(std::chrono::system_clock::time_point until,
                               Clock::time_point now) {
    const auto wait = until - std::chrono::system_clock::now();
    if (wait <= wait.zero()) return;
    rate_.pause_until(now +
                      std::min<Clock::duration>(
                          std::chrono::duration_cast<Clock::duration>(wait),
                          RateControl::kMaxPause));
  }

  void finish(std::size_t index, Result<CompletionResponse> result) {
    results_[index] = std::move(result);
    items_[index].reset();
    ++finished_;
    if (options_.on_result) options_.on_result(index, results_[index]);
  }

  Millis poll_timeout(Clock::time_point now) const {
    Clock::time_point wake = later(now, kMaxBatchPoll);
    // Other calls free budget slots without waking this loop: look again soon.
    if (waiting_for_budget_) wake = std::min(wake, later(now, kBudgetRecheck));
    if (!retries_.empty()) wake = std::min(wake, retries_.top().due);
    const bool waiting_to_start =
        next_new_ < requests_.size() || !retries_.empty();
    if (waiting_to_start && in_flight_.size() < rate_.limit()) {
      wake = std::min(wake, std::max(now, rate_.next_start_time()));
    }
    return std::max(Millis{0}, std::chrono::duration_cast<Millis>(wake - now));
  }

  std::unique_ptr<http::Transfer> take_transfer() {
    if (idle_.empty()) {
      return std::make_unique<http::Transfer>(transports_.share);
    }
    auto transfer = std::move(idle_.back());
    idle_.pop_back();
    return transfer;
  }

  /// Takes a finished transfer out of flight, returning its budget slot.
  void release(http::Transfer& transfer) {
    auto it = std::find_if(in_flight_.begin(), in_flight_.end(),
                           [&](const Flight& flight) {
                             return flight.transfer.get() == &transfer;
                           });
    std::swap(*it, in_flight_.back());
    idle_.push_back(std::move(in_flight_.back().transfer));
    in_flight_.pop_back();
  }

  std::shared_ptr<const CallContext> context_;
  Transports& transports_;
  // A pooled channel's multi handle, whose connections outlive the batch.
  // Declared before the transfers: they are destroyed first, so no easy
  // handle that was in this multi handle outlives its return to the pool,
  // where another thread may take it at once.
  http::ChannelPool::Lease channel_;
  http::Multi& multi_;
  const std::vector<CompletionRequest>& requests_;
  const BatchOptions& options_;
  RateControl rate_;
  std::vector<std::unique_ptr<ItemCall>> items_;
  std::vector<Result<CompletionResponse>> results_;
  std::priority_queue<Timer, std::vector<Timer>, std::greater<>> retries_;
  std::vector<Flight> in_flight_;
  std::vector<std::unique_ptr<http::Transfer>> idle_;
  std::shared_ptr<CancelState> cancel_;
  CancelState::WakerId waker_ = 0;
  std::size_t next_new_ = 0;
  std::size_t finished_ = 0;
  bool waiting_for_budget_ = false;
};

}  // namespace

std::vector<Result<CompletionResponse>> run_batch(
    const std::shared_ptr<const CallContext>& context, Transports& transports,
    const std::vector<CompletionRequest>& requests,
    const BatchOptions& options) {
  return BatchRun(context, transports, requests, options).run();
}

}  // namespace budgateway::detail
