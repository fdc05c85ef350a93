// Copyright 2026 The budgateway Authors. SPDX-License-Identifier: Apache-2.0
#include "drive/blocking.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <utility>

#include "call/unary_call.hpp"

namespace budgateway::detail {
namespace {

/// The longest a blocked driver sleeps between looks when nothing wakes it;
/// cancellation wakes it at once, so this only bounds a missed wake-up.
constexpr Millis kMaxPollWait{250};

Millis wait_until(Clock::time_point until, Clock::time_point now) {
  if (until <= now) return Millis{0};
  const auto left = until - now;
  if (left >= kMaxPollWait) return kMaxPollWait;
  return std::chrono::duration_cast<Millis>(left) + Millis{1};
}

}  // namespace

std::optional<Error> take_slot(const CallContext& context,
                               const PreparedCall& call, BudgetSlot& slot) {
  auto& budget = context.budget();
  if (!budget.try_acquire() &&
      !budget.acquire(call.timeout, call.cancel.get())) {
    if (call.cancel && call.cancel->cancelled()) {
      return Error(ErrorCode::Cancelled, "the call was cancelled");
    }
    return Error(ErrorCode::Timeout,
                 fmt::format("no connection free within {} ms: this Client's "
                             "max_connections ({}) are all in use",
                             call.timeout.count(), budget.limit()));
  }
  slot = BudgetSlot(&budget);
  return std::nullopt;
}

Result<CompletionResponse> run_unary(
    const std::shared_ptr<const CallContext>& context, Transports& transports,
    PreparedCall prepared) {
  BudgetSlot slot;
  if (auto error = take_slot(*context, prepared, slot)) {
    return context->stamp(std::move(*error), 0, prepared.request_id);
  }
  auto lease = transports.pool.take();
  auto& multi = lease->multi;
  auto& transfer = lease->transfer;
  UnaryCall call(context, std::move(prepared));
  CallFeed<UnaryCall> feed(call);
  const auto& cancel = call.call().cancel;
  CancelState::WakerId waker = 0;
  if (cancel) waker = cancel->add_waker([&multi] { multi.wakeup(); });
  bool running = false;
  for (;;) {
    if (running) running = pump_one(multi, transfer, call);
    const Next next = call.next(Clock::now());
    if (running && !call.wants_transfer()) {
      multi.remove(transfer);
      running = false;
    }
    if (next.need == Need::Done) break;
    if (next.need == Need::Attempt) {
      running = start_attempt(multi, transfer, call, feed, Clock::now());
      continue;
    }
    // Transfer or Wait: sleep until something arrives, the time comes, or
    // a cancellation wakes the multi handle.
    multi.poll(wait_until(next.until, Clock::now()));
  }
  if (cancel) cancel->remove_waker(waker);
  return call.take_result();
}

StreamPump::StreamPump(std::shared_ptr<const CallContext> context,
                       std::shared_ptr<Transports> transports,
                       PreparedCall call)
    : context_(std::move(context)),
      transports_(std::move(transports)),
      lease_(transports_->pool.take()),
      call_(context_, std::move(call)) {
  if (const auto& cancel = call_.call().cancel) {
    waker_ = cancel->add_waker([multi = &lease_->multi] { multi->wakeup(); });
  }
}

StreamPump::~StreamPump() {
  stop_transfer();
  if (const auto& cancel = call_.call().cancel) cancel->remove_waker(waker_);
}

void StreamPump::stop_transfer() noexcept {
  if (!running_) return;
  // Removing a running transfer closes its connection: nothing is left
  // half-read on a socket another call could reuse.
  lease_->multi.remove(lease_->transfer);
  running_ = false;
}

Result<CompletionChunk>* StreamPump::advance() {
  if (rejected_) return nullptr;
  if (started_) call_.consume();
  started_ = true;
  if (!slot_) {
    call_.begin(Clock::now());
    // Held for the stream's whole life: its connection is in use until then.
    if (auto error = take_slot(*context_, call_.call(), slot_)) {
      rejected_.emplace(
          context_->stamp(std::move(*error), 0, call_.call().request_id));
      return &*rejected_;
    }
  }
  return next_element();
}

Result<CompletionChunk>* StreamPump::next_element() {
  auto& multi = lease_->multi;
  auto& transfer = lease_->transfer;
  for (;;) {
    // Read what the transport has before the call judges its timers
    // (unless it has an element ready without that).
    if (running_ && !call_.has_buffered()) {
      running_ = pump_one(multi, transfer, call_);
    }
    const Next next = call_.next(Clock::now());
    if (running_ && !call_.wants_transfer()) stop_transfer();
    switch (next.need) {
      case Need::Element:
        return call_.element();
      case Need::Done:
        stop_transfer();
        return nullptr;
      case Need::Attempt:
        running_ = start_attempt(multi, transfer, call_, feed_, Clock::now());
        continue;
      case Need::Transfer:
      case Need::Wait:
        // With no transfer in flight (a retry back-off) this is a
        // cancellable sleep: cancellation wakes the multi handle.
        multi.poll(wait_until(next.until, Clock::now()));
        continue;
    }
  }
}

}  // namespace budgateway::detail
