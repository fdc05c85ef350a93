// Copyright 2026 The budgateway Authors. SPDX-License-Identifier: Apache-2.0
#include "call/unary_call.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <charconv>
#include <utility>

namespace budgateway::detail {
namespace {

/// The most reserved for a body up front, whatever Content-Length says:
/// a server's claim is not a reason to allocate; the string grows as bytes
/// really arrive.
constexpr std::size_t kMaxUpfrontReserve = std::size_t{1} << 20;

}  // namespace

UnaryCall::UnaryCall(std::shared_ptr<const CallContext> context,
                     PreparedCall call)
    : context_(std::move(context)), call_(std::move(call)) {}

Next UnaryCall::next(Clock::time_point now) {
  if (result_) return {Need::Done};
  if (call_.cancel && call_.cancel->cancelled()) {
    in_flight_ = false;
    retry_at_.reset();
    finish(Error(ErrorCode::Cancelled, "the call was cancelled"));
    return {Need::Done};
  }
  if (in_flight_) {
    if (now < deadline_) return {Need::Transfer, deadline_};
    // libcurl bounds the attempt too; this holds whatever drives it.
    on_end(Error(ErrorCode::Timeout, "the request timed out"), now);
    return next(now);
  }
  // No attempt yet, or a retry: next() changes nothing until on_start(),
  // so a driver may ask again before it starts one.
  if (retry_at_ && now < *retry_at_) return {Need::Wait, *retry_at_};
  return {Need::Attempt};
}

void UnaryCall::on_start(Clock::time_point now) {
  ++attempts_;
  retry_at_.reset();
  in_flight_ = true;
  too_large_ = false;
  error_body_full_ = false;
  answer_.status = 0;
  answer_.head = false;
  answer_.headers.clear();
  answer_.body.clear();
  marks_.attempt_started(attempts_, now);
  deadline_ = call_.timeout > Millis{0} ? later(now, call_.timeout)
                                        : Clock::time_point::max();
}

void UnaryCall::on_head(int status, ResponseHeaders&& headers,
                        Clock::time_point now, AttemptTimes times) {
  marks_.head = now;
  marks_.curl = times;
  answer_.status = status;
  answer_.head = true;
  answer_.headers = std::move(headers);
  if (!is_success(status)) return;
  const auto length = header_number(answer_.headers, "content-length");
  if (!length || *length < 0) return;
  if (static_cast<unsigned long long>(*length) > call_.max_response_bytes) {
    too_large_ = true;
    return;
  }
  answer_.body.reserve(
      std::min(static_cast<std::size_t>(*length), kMaxUpfrontReserve) +
      kJsonPadding);
}

bool UnaryCall::on_body(std::string_view bytes, Clock::time_point /*now*/) {
  if (too_large_ || error_body_full_) return false;
  const bool success = is_success(answer_.status);
  const std::size_t limit =
      success ? call_.max_response_bytes : kMaxKeptErrorBody;
  if (bytes.size() > limit - std::min(limit, answer_.body.size())) {
    // An error page is typed by its status from what was kept; a success
    // body that does not fit is a Protocol error.
    (success ? too_large_ : error_body_full_) = true;
    return false;
  }
  answer_.body.append(bytes);
  return true;
}

void UnaryCall::on_end(std::optional<Error> transport, Clock::time_point now) {
  if (!in_flight_) return;
  in_flight_ = false;
  std::optional<Error> error;
  if (too_large_) {
    error = protocol_error(
        fmt::format("the response body is larger than max_response_bytes "
                    "({} bytes)",
                    call_.max_response_bytes),
        answer_);
  } else {
    // A kept error page stopped on purpose is read by its status alone.
    if (error_body_full_) transport.reset();
    error = answer_error(*context_, call_, answer_, std::move(transport));
  }
  log_attempt(*context_, call_, attempts_, answer_.status,
              error ? &*error : nullptr,
              std::chrono::duration_cast<Millis>(now - marks_.attempt_start));
  if (!error) {
    if (track_rate_) rate_ = rate_signal(nullptr, answer_.headers);
    auto result = read_completion(answer_);
    if (result) {
      marks_.end = now;
      ResponseAccess::timing(*result) = timing_of(call_.start, marks_);
      finish(std::move(result));
      return;
    }
    error = std::move(result).error();
  } else if (track_rate_) {
    rate_ = rate_signal(&*error, answer_.headers);
  }
  if (auto delay =
          retry_delay(*context_, call_, attempts_, *error, answer_.headers)) {
    retry_at_ = later(now, *delay);
    return;
  }
  finish(*std::move(error));
}

Result<CompletionResponse> UnaryCall::take_result() {
  Result<CompletionResponse> out = std::move(*result_);
  return out;
}

void UnaryCall::finish(Result<CompletionResponse> result) {
  if (!result) {
    result =
        context_->stamp(std::move(result).error(), attempts_, call_.request_id);
    log_failure(*context_, call_, result.error());
  }
  result_.emplace(std::move(result));
  // What an error reports was copied into it; the buffers go back now.
  answer_ = Answer{};
}

}  // namespace budgateway::detail
