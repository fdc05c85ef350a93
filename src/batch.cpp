// Copyright 2026 The budgateway Authors. SPDX-License-Identifier: Apache-2.0
// complete_many: many transfers over one multi handle on the calling thread,
// retried on timers and paced by RateControl.
#include <fmt/format.h>

#include <algorithm>
#include <charconv>
#include <queue>
#include <utility>

#include "client_impl.hpp"
#include "rate_control.hpp"

namespace budgateway::detail {
namespace {

using Clock = std::chrono::steady_clock;

/// The longest a batch's loop sleeps while waiting on timers or sockets.
constexpr Millis kMaxBatchPoll{1000};
/// How soon a batch that found the connection budget spent looks again.
constexpr Millis kBudgetRecheck{10};

/// Reads `X-RateLimit-Remaining: 0` with a non-zero limit (0/0/0 means no
/// limit is configured) and its `X-RateLimit-Reset` (Unix seconds).
std::optional<std::chrono::system_clock::time_point> exhausted_until(
    const ResponseHeaders& headers) {
  auto number = [&](std::string_view name) -> std::optional<long long> {
    const auto text = headers.get(name);
    if (!text) return std::nullopt;
    long long value = 0;
    const auto [end, error] =
        std::from_chars(text->data(), text->data() + text->size(), value);
    if (error != std::errc() || end != text->data() + text->size())
      return std::nullopt;
    return value;
  };
  const auto limit = number("x-ratelimit-limit");
  const auto remaining = number("x-ratelimit-remaining");
  if (!limit || !remaining || *limit == 0 || *remaining != 0)
    return std::nullopt;
  const auto reset = number("x-ratelimit-reset");
  if (!reset) return std::nullopt;
  return std::chrono::system_clock::time_point(std::chrono::seconds(*reset));
}

class BatchRun {
 public:
  BatchRun(ClientImpl& client, const std::vector<CompletionRequest>& requests,
           const BatchOptions& options)
      : client_(client),
        channel_(client.pool().take()),
        // No CURLMOPT_MAX_TOTAL_CONNECTIONS: RateControl bounds the transfers
        // in flight, and a limit set on a pooled multi handle would outlive
        // the batch (a later call on it could wait as a pending transfer).
        multi_(channel_->multi),
        requests_(requests),
        options_(options),
        rate_(std::max<std::size_t>(1,
                                    std::min(options.max_concurrency,
                                             client.options().max_connections)),
              options.max_requests_per_minute),
        items_(requests.size()),
        // Every slot is overwritten by finish(); one vector, returned as is.
        results_(requests.size(), Result<CompletionResponse>(Error(
                                      ErrorCode::Cancelled, "not run"))) {}

  std::vector<Result<CompletionResponse>> run() {
    start_what_may(Clock::now());
    while (finished_ < requests_.size()) {
      multi_.perform();
      http::Transfer* transfer = nullptr;
      http::CurlCode code = http::kCurlOk;
      while (multi_.next_done(transfer, code)) on_done(*transfer, code);
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
  struct Item {
    std::optional<PreparedCall> call;
    int attempts = 0;
  };
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
      if (!client_.budget().try_acquire()) {
        waiting_for_budget_ = true;
        break;
      }
      const auto index = next_ready(now);
      if (!index) {
        client_.budget().release();
        break;
      }
      if (start(*index, now)) {
        ++started;
      } else {
        client_.budget().release();
      }
    }
    return started;
  }

  /// Puts item `index` in flight; false when it finished at once instead.
  bool start(std::size_t index, Clock::time_point now) {
    Item& item = items_[index];
    if (!item.call) {
      auto prepared =
          client_.prepare(requests_[index], CallOptions{}, /*stream=*/false);
      if (!prepared) {
        finish(index, client_.finish_error(std::move(prepared).error(), 0, {}));
        return false;
      }
      item.call = std::move(*prepared);
    }
    auto transfer = take_transfer();
    transfer->set_tag(index);
    ++item.attempts;
    if (auto error = transfer->prepare(item.call->spec, item.call->body,
                                       item.call->max_response_bytes)) {
      give_back(std::move(transfer));
      finish(index, client_.finish_error(std::move(*error), item.attempts,
                                         item.call->request_id));
      return false;
    }
    if (auto error = multi_.add(*transfer)) {
      give_back(std::move(transfer));
      finish(index, client_.finish_error(std::move(*error), item.attempts,
                                         item.call->request_id));
      return false;
    }
    rate_.started(now);
    in_flight_.push_back(std::move(transfer));
    return true;
  }

  void on_done(http::Transfer& transfer, http::CurlCode code) {
    multi_.remove(transfer);
    const std::size_t index = transfer.tag();
    Item& item = items_[index];
    const TransferEnd end{code, false};
    auto error = client_.answer_error(transfer, end, *item.call,
                                      item.call->max_response_bytes);
    const auto now = Clock::now();
    if (!error) {
      if (options_.adapt_to_rate_limits) rate_.on_success();
      if (auto until = exhausted_until(transfer.headers());
          until && options_.adapt_to_rate_limits) {
        pause_until_system_time(*until, now);
      }
      auto result = client_.read_completion(transfer, parser_);
      release(transfer);
      if (!result) {
        finish(index,
               client_.finish_error(std::move(result).error(), item.attempts,
                                    item.call->request_id));
      } else {
        finish(index, std::move(result));
      }
      return;
    }
    if (error->code() == ErrorCode::RateLimited &&
        options_.adapt_to_rate_limits) {
      rate_.on_rate_limited(now, error->retry_after());
    }
    const RetryDecision decision =
        decide_retry(item.call->retry, item.attempts, *error,
                     transfer.headers(), random_unit());
    release(transfer);
    if (decision.retry) {
      if (client_.logging()) {
        client_.log(
            LogLevel::Info,
            fmt::format(
                "batch item {} attempt {} failed ({}): retrying in {} ms "
                "[request id {}]",
                index, item.attempts, to_string(error->code()),
                decision.delay.count(), item.call->request_id));
      }
      retries_.push(Timer{now + decision.delay, index});
      return;
    }
    finish(index, client_.finish_error(std::move(*error), item.attempts,
                                       item.call->request_id));
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
    items_[index].call.reset();
    ++finished_;
    if (options_.on_result) options_.on_result(index, results_[index]);
  }

  Millis poll_timeout(Clock::time_point now) const {
    Clock::time_point wake = now + kMaxBatchPoll;
    // Other calls free budget slots without waking this loop: look again soon.
    if (waiting_for_budget_) wake = std::min(wake, now + kBudgetRecheck);
    if (!retries_.empty()) wake = std::min(wake, retries_.top().due);
    const bool waiting_to_start =
        next_new_ < requests_.size() || !retries_.empty();
    if (waiting_to_start && in_flight_.size() < rate_.limit()) {
      wake = std::min(wake, std::max(now, rate_.next_start_time()));
    }
    return std::max(Millis{0}, std::chrono::duration_cast<Millis>(wake - now));
  }

  std::unique_ptr<http::Transfer> take_transfer() {
    if (idle_.empty()) return std::make_unique<http::Transfer>(client_.share());
    auto transfer = std::move(idle_.back());
    idle_.pop_back();
    return transfer;
  }

  void give_back(std::unique_ptr<http::Transfer> transfer) {
    idle_.push_back(std::move(transfer));
  }

  /// Takes a finished transfer out of flight, returning its budget slot.
  void release(http::Transfer& transfer) {
    client_.budget().release();
    auto it = std::find_if(
        in_flight_.begin(), in_flight_.end(),
        [&](const auto& owned) { return owned.get() == &transfer; });
    std::swap(*it, in_flight_.back());
    give_back(std::move(in_flight_.back()));
    in_flight_.pop_back();
  }

  ClientImpl& client_;
  // A pooled channel's multi handle, whose connections outlive the batch.
  // Declared before the transfers: they are destroyed first, so no easy
  // handle that was in this multi handle outlives its return to the pool,
  // where another thread may take it at once.
  http::ChannelPool::Lease channel_;
  http::Multi& multi_;
  const std::vector<CompletionRequest>& requests_;
  const BatchOptions& options_;
  RateControl rate_;
  std::vector<Item> items_;
  std::vector<Result<CompletionResponse>> results_;
  std::priority_queue<Timer, std::vector<Timer>, std::greater<>> retries_;
  std::vector<std::unique_ptr<http::Transfer>> in_flight_;
  std::vector<std::unique_ptr<http::Transfer>> idle_;
  ResponseParser parser_;
  std::size_t next_new_ = 0;
  std::size_t finished_ = 0;
  bool waiting_for_budget_ = false;
};

}  // namespace

std::vector<Result<CompletionResponse>> ClientImpl::complete_many(
    const std::vector<CompletionRequest>& requests,
    const BatchOptions& options) {
  return BatchRun(*this, requests, options).run();
}

}  // namespace budgateway::detail
