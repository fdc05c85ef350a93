// Copyright 2026 The budgateway Authors. SPDX-License-Identifier: Apache-2.0
#include <budgateway/stream.hpp>

#include <algorithm>
#include <utility>

#include "stream_state.hpp"

namespace budgateway {
namespace detail {
namespace {

using Clock = std::chrono::steady_clock;
/// Timeouts are checked at least this often while no socket wakes a poll.
constexpr Millis kMaxPollWait{250};

}  // namespace

StreamState::StreamState(std::shared_ptr<ClientImpl> client,
                         Result<PreparedCall> call)
    : client_(std::move(client)) {
  if (!call) {
    rejected_.emplace(client_->finish_error(std::move(call).error(), 0, {}));
    current_ = &*rejected_;
    started_ = true;
    finished_ = true;
    return;
  }
  lease_.emplace(client_->pool().take());
  auto& channel = **lease_;
  machine_.emplace(client_, std::move(*call), channel.multi, channel.transfer);
}

void StreamState::advance() {
  if (finished_) {
    current_ = nullptr;
    return;
  }
  started_ = true;
  if (current_ != nullptr) machine_->consume();
  current_ = next_element();
  if (current_ == nullptr || !current_->has_value()) finished_ = true;
}

Result<CompletionChunk>* StreamState::next_element() {
  if (!slot_) {
    // Held for the stream's whole life: its connection is in use until then.
    if (auto error = client_->take_slot(machine_->call(), slot_)) {
      rejected_.emplace(client_->finish_error(std::move(*error), 0,
                                              machine_->call().request_id));
      return &*rejected_;
    }
  }
  auto& multi = (*lease_)->multi;
  for (;;) {
    switch (machine_->step(Clock::now())) {
      case StreamMachine::Status::Element:
        return machine_->element();
      case StreamMachine::Status::End:
        return nullptr;
      case StreamMachine::Status::Waiting:
        break;
    }
    if (machine_->in_flight()) {
      multi.perform();
      http::Transfer* done = nullptr;
      http::CurlCode code = http::kCurlOk;
      if (multi.next_done(done, code)) machine_->on_transfer_done(code);
      const auto status = machine_->step(Clock::now());
      if (status == StreamMachine::Status::Element) return machine_->element();
      if (status == StreamMachine::Status::End) return nullptr;
    }
    const auto now = Clock::now();
    const auto until = machine_->wake_time();
    const auto wait =
        until <= now
            ? Millis{0}
            : std::chrono::duration_cast<Millis>(until - now) + Millis{1};
    // With no transfer in flight (a retry back-off) this is a cancellable
    // sleep: cancellation wakes the multi handle.
    multi.poll(std::min(wait, kMaxPollWait));
  }
}

Result<CompletionResponse> StreamState::collect() {
  if (!started_) advance();
  while (current_ != nullptr) {
    if (!current_->has_value()) return current_->error();
    advance();
  }
  if (!machine_) return Error(ErrorCode::Protocol, "the stream has no state");
  return machine_->folded();
}

const ResponseHeaders& StreamState::headers() const noexcept {
  static const ResponseHeaders kNone;
  return machine_ ? machine_->headers() : kNone;
}

}  // namespace detail

CompletionStream::CompletionStream(std::unique_ptr<detail::StreamState> state)
    : state_(std::move(state)) {}
CompletionStream::CompletionStream(CompletionStream&&) noexcept = default;
CompletionStream& CompletionStream::operator=(CompletionStream&&) noexcept =
    default;
CompletionStream::~CompletionStream() = default;

CompletionStream::iterator CompletionStream::begin() {
  if (state_ && !state_->started()) state_->advance();
  return iterator(this);
}

Result<CompletionResponse> CompletionStream::collect() {
  if (!state_) {
    return Error(ErrorCode::InvalidArgument, "the stream was moved from");
  }
  return state_->collect();
}

const ResponseHeaders& CompletionStream::headers() const noexcept {
  static const ResponseHeaders kNone;
  return state_ ? state_->headers() : kNone;
}

Result<CompletionChunk>* CompletionStream::current() {
  return state_->current();
}
void CompletionStream::advance() { state_->advance(); }
bool CompletionStream::done() const noexcept {
  return !state_ || state_->done();
}

}  // namespace budgateway
