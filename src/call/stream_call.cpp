// Copyright 2026 The budgateway Authors. SPDX-License-Identifier: Apache-2.0
#include "call/stream_call.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <utility>

#include "json/response_parser.hpp"

namespace budgateway::detail {
namespace {

constexpr std::string_view kDone = "[DONE]";
/// After `[DONE]`, how long to wait for the body's end so the connection
/// stays reusable; a server that holds it open longer loses it.
constexpr Millis kDrainAfterDone{1000};
/// libcurl reads a zero total timeout as "none": the least it is given for
/// what is left of a stream deadline.
constexpr Millis kLeastTransferTime{1};

bool is_event_stream(const ResponseHeaders& headers) {
  const auto type = headers.get("content-type");
  return type && type->find("text/event-stream") != std::string_view::npos;
}

}  // namespace

StreamCall::StreamCall(std::shared_ptr<const CallContext> context,
                       PreparedCall call)
    : context_(std::move(context)),
      call_(std::move(call)),
      decoder_(call_.max_event_bytes, kJsonPadding) {}

Next StreamCall::next(Clock::time_point now) {
  if (has_element_) return {Need::Element};
  if (phase_ == Phase::Ended) return {Need::Done};
  if (call_.cancel && call_.cancel->cancelled()) {
    finish_with(Error(ErrorCode::Cancelled, "the stream was cancelled"), now);
    return {Need::Element};
  }
  if (deadline_ && now >= *deadline_ && !draining_) {
    finish_with(Error(ErrorCode::Timeout,
                      fmt::format("the stream took longer than its "
                                  "stream_deadline ({} ms), retries included",
                                  call_.stream_deadline->count())),
                now);
    return {Need::Element};
  }
  if (phase_ == Phase::Backoff) {
    if (now < retry_at_) return {Need::Wait, wake_time()};
    phase_ = Phase::Idle;
  }
  if (phase_ == Phase::Idle) {
    if (!deadline_ && call_.stream_deadline) {
      deadline_ = later(now, *call_.stream_deadline);
    }
    call_.http.total_timeout =
        deadline_ ? std::max(kLeastTransferTime,
                             std::chrono::duration_cast<Millis>(
                                 *deadline_ - std::min(*deadline_, now)))
                  : Millis{0};
    return {Need::Attempt};
  }

  while (decoder_.has_event()) {
    decoder_.pop_event(event_);
    ++popped_;
    if (draining_) continue;
    switch (handle_event(event_)) {
      case EventKind::Skip:
        continue;
      case EventKind::Done:
        if (!got_completion_) {
          ErrorInfo info = protocol_error("", answer_).info();
          info.code = ErrorCode::Server;
          info.message =
              "the stream ended with [DONE] before any completion chunk (the "
              "Bud gateway answers so when its backend rejected the request)";
          finish_with(Error(std::move(info)), now);
          return {Need::Element};
        }
        draining_ = true;
        drain_until_ = later(now, kDrainAfterDone);
        continue;
      case EventKind::Element:
        break;
    }
    if (!element_.has_value()) {
      Error error = std::move(element_).error();
      has_element_ = false;
      finish_with(std::move(error), now);
      return {Need::Element};
    }
    const CompletionChunk& chunk = *element_;
    delivered_ = true;
    if (!chunk.choices.empty()) got_completion_ = true;
    if (marks_.first_token == Clock::time_point{}) note_first_token(chunk);
    fold_.add(chunk);
    return {Need::Element};
  }

  if (draining_) {
    if (!transfer_ended_ && now < drain_until_) {
      return {Need::Transfer, drain_until_};
    }
    phase_ = Phase::Ended;
    marks_.end = now;
    return {Need::Done};
  }
  if (transfer_ended_) {
    retry_or_fail(end_of_body_error(), now);
    return next(now);
  }
  if (!answer_.head) {
    if (call_.timeout > Millis{0} &&
        now >= later(attempt_start_, call_.timeout)) {
      retry_or_fail(Error(ErrorCode::Timeout,
                          fmt::format("no response headers within {} ms",
                                      call_.timeout.count())),
                    now);
      return next(now);
    }
  } else if (now >= later(last_data_, call_.idle_timeout)) {
    finish_with(Error(ErrorCode::Timeout,
                      fmt::format("no stream event with data for {} ms "
                                  "(idle_timeout); keep-alive comments do "
                                  "not count",
                                  call_.idle_timeout.count())),
                now);
    return {Need::Element};
  }
  return {Need::Transfer, wake_time()};
}

void StreamCall::on_start(Clock::time_point now) {
  ++attempts_;
  phase_ = Phase::InFlight;
  decoder_ = SseDecoder(call_.max_event_bytes, kJsonPadding);
  answer_ = Answer{};
  transport_.reset();
  transfer_ended_ = false;
  sse_ = false;
  body_full_ = false;
  attempt_start_ = now;
  last_data_ = now;
  marks_.attempt_started(attempts_, now);
  arrivals_.clear();
  popped_ = 0;
}

void StreamCall::on_head(int status, ResponseHeaders&& headers,
                         Clock::time_point now, AttemptTimes times) {
  marks_.head = now;
  marks_.curl = times;
  answer_.status = status;
  answer_.head = true;
  answer_.headers = std::move(headers);
  context_->redact(answer_.headers);
  sse_ = is_success(status) && is_event_stream(answer_.headers);
  last_data_ = now;
  log_attempt(*context_, call_, attempts_, status, nullptr,
              std::chrono::duration_cast<Millis>(now - attempt_start_));
}

bool StreamCall::on_body(std::string_view bytes, Clock::time_point now) {
  if (sse_) {
    const std::size_t before = decoder_.dispatched();
    const bool ok = decoder_.feed(bytes);
    if (decoder_.dispatched() != before) {
      last_data_ = now;
      if (marks_.first_token == Clock::time_point{}) {
        arrivals_.emplace_back(decoder_.dispatched(), now);
      }
    }
    return ok;
  }
  // Not an event stream (an error page, or a 2xx of another type): keep
  // what an error can report, then stop reading.
  if (body_full_) return false;
  if (answer_.body.size() + bytes.size() > kMaxKeptErrorBody) {
    answer_.body.append(
        bytes.substr(0, kMaxKeptErrorBody - answer_.body.size()));
    body_full_ = true;
    return false;
  }
  answer_.body.append(bytes);
  return true;
}

void StreamCall::on_end(std::optional<Error> transport,
                        Clock::time_point /*now*/) {
  if (phase_ != Phase::InFlight) return;
  transfer_ended_ = true;
  transport_ = std::move(transport);
}

void StreamCall::note_first_token(const CompletionChunk& chunk) {
  const bool has_text =
      std::any_of(chunk.choices.begin(), chunk.choices.end(),
                  [](const Choice& choice) { return !choice.text.empty(); });
  if (!has_text) return;
  // The chunk is event number popped_: its bytes landed with the first
  // feed that had dispatched that many events.
  for (const auto& [dispatched, at] : arrivals_) {
    if (dispatched >= popped_) {
      marks_.first_token = at;
      break;
    }
  }
  arrivals_.clear();
  arrivals_.shrink_to_fit();
}

CompletionResponse StreamCall::folded() const {
  CompletionResponse out = fold_.result(answer_.headers);
  ResponseAccess::timing(out) = timing();
  return out;
}

std::optional<Timing> StreamCall::timing() const {
  if (marks_.head == Clock::time_point{}) return std::nullopt;
  return timing_of(call_.start, marks_);
}

Result<CompletionChunk> StreamCall::take() {
  Result<CompletionChunk> out = std::move(element_);
  has_element_ = false;
  return out;
}

void StreamCall::consume() noexcept {
  // The chunk stays where it is: the next one is parsed into its buffers.
  has_element_ = false;
}

void StreamCall::fail(Error error, Clock::time_point now) {
  if (phase_ == Phase::Ended && !has_element_) return;
  has_element_ = false;
  finish_with(std::move(error), now);
}

void StreamCall::set_error(Error error) {
  element_ = std::move(error);
  has_element_ = true;
}

StreamCall::EventKind StreamCall::handle_event(SseEvent& event) {
  if (!event.error.empty()) {
    set_error(reported_error(event.error, answer_));
    return EventKind::Element;
  }
  if (event.type == "error") {
    set_error(reported_error(event.data, answer_));
    return EventKind::Element;
  }
  // Other named events (pings and the like) carry nothing for us.
  if (!event.type.empty() && event.type != "message") return EventKind::Skip;
  if (event.data == kDone) return EventKind::Done;
  if (event.data.compare(0, kDone.size(), kDone) == 0) {
    set_error(protocol_error(fmt::format("malformed end of stream: \"{}\"",
                                         event.data.substr(0, 64)),
                             answer_));
    return EventKind::Element;
  }
  // After take() moved an error out, the storage holds no chunk to reuse.
  if (!element_.has_value()) element_ = CompletionChunk{};
  // The event's data buffer becomes the chunk's raw_json, and the buffer
  // the last chunk's raw_json had goes back to the decoder with event_.
  if (auto problem = ResponseParser::for_this_thread().parse_chunk_in_place(
          event.data, *element_)) {
    set_error(reported_error(*std::move(problem), answer_));
  } else {
    has_element_ = true;
  }
  return EventKind::Element;
}

Error StreamCall::end_of_body_error() {
  if (decoder_.failed()) {
    return protocol_error(fmt::format("a stream event is larger than {} bytes",
                                      call_.max_event_bytes),
                          answer_);
  }
  const bool success = is_success(answer_.status);
  // A body cut on purpose (kept enough of it) is not a transport failure.
  std::optional<Error> transport =
      body_full_ ? std::nullopt : std::move(transport_);
  if (!success || transport) {
    if (auto error =
            answer_error(*context_, call_, answer_, std::move(transport))) {
      return *std::move(error);
    }
  }
  if (!sse_) {
    const ApiErrorFields fields = parse_api_error(answer_.body);
    if (fields.parsed && !fields.message.empty()) {
      return reported_error(answer_.body, answer_);
    }
    const auto type = answer_.headers.get("content-type");
    return protocol_error(
        fmt::format("expected a text/event-stream answer, got \"{}\"",
                    type ? *type : "no content type"),
        answer_);
  }
  if (decoder_.has_partial_event()) {
    return protocol_error(
        "the stream ended in the middle of an event, without [DONE]", answer_);
  }
  return protocol_error(delivered_
                            ? "the stream ended without [DONE]"
                            : "the stream ended without any event or [DONE]",
                        answer_);
}

void StreamCall::retry_or_fail(Error error, Clock::time_point now) {
  transfer_ended_ = false;
  if (!answer_.head) {
    log_attempt(*context_, call_, attempts_, 0, &error,
                std::chrono::duration_cast<Millis>(now - attempt_start_));
  }
  // Once an event reached the caller a retry would repeat it: never.
  if (!delivered_) {
    if (auto delay =
            retry_delay(*context_, call_, attempts_, error, answer_.headers)) {
      phase_ = Phase::Backoff;
      retry_at_ = later(now, *delay);
      return;
    }
  }
  finish_with(std::move(error), now);
}

void StreamCall::finish_with(Error error, Clock::time_point now) {
  if (marks_.end == Clock::time_point{}) marks_.end = now;
  set_error(context_->stamp(std::move(error), attempts_, call_.request_id));
  log_failure(*context_, call_, element_.error());
  phase_ = Phase::Ended;
  draining_ = false;
}

Clock::time_point StreamCall::wake_time() const noexcept {
  Clock::time_point wake = Clock::time_point::max();
  if (phase_ == Phase::Backoff) {
    wake = retry_at_;
  } else if (draining_) {
    wake = drain_until_;
  } else if (!answer_.head) {
    if (call_.timeout > Millis{0}) wake = later(attempt_start_, call_.timeout);
  } else {
    wake = later(last_data_, call_.idle_timeout);
  }
  if (deadline_) wake = std::min(wake, *deadline_);
  return wake;
}

}  // namespace budgateway::detail
