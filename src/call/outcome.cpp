// Copyright 2026 The budgateway Authors. SPDX-License-Identifier: Apache-2.0
#include "call/outcome.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <charconv>
#include <random>
#include <utility>

#include "error_mapping.hpp"
#include "request_util.hpp"

namespace budgateway::detail {
namespace {

void set_request_id(ErrorInfo& info, const ResponseHeaders& headers) {
  if (auto id = headers.get(kRequestIdHeader); id && !id->empty()) {
    info.request_id = std::string(*id);
  }
}

}  // namespace

std::optional<long long> header_number(const ResponseHeaders& headers,
                                       std::string_view name) {
  const auto text = headers.get(name);
  if (!text) return std::nullopt;
  long long value = 0;
  const auto [end, error] =
      std::from_chars(text->data(), text->data() + text->size(), value);
  if (error != std::errc() || end != text->data() + text->size()) {
    return std::nullopt;
  }
  return value;
}

std::optional<Error> answer_error(const CallContext& context,
                                  const PreparedCall& call, Answer& answer,
                                  std::optional<Error> transport) {
  if (answer.head && answer.status != 0 && !is_success(answer.status)) {
    // Typed by its status even when its body was cut short or too long.
    context.redact(answer.body);
    context.redact(answer.headers);
    return error_from_response(answer.status, answer.body, answer.headers,
                               call.request_id,
                               std::chrono::system_clock::now());
  }
  if (answer.head && answer.status == 0) {
    return protocol_error("the response's status line is malformed", answer);
  }
  if (!transport) return std::nullopt;
  ErrorInfo info = std::move(*transport).info();
  // A 2xx that broke off delivered nothing: it is the connection's failure
  // (retried as such), not an answer with a status.
  info.http_status = 0;
  if (answer.head) {
    info.message +=
        fmt::format(" (after the head of an HTTP {} answer)", answer.status);
    set_request_id(info, answer.headers);
  }
  return Error(std::move(info));
}

Result<CompletionResponse> read_completion(Answer& answer) {
  auto parsed = ResponseParser::for_this_thread().parse_completion(
      std::move(answer.body));
  if (!parsed) {
    ErrorInfo info = std::move(parsed).error().info();
    info.http_status = answer.status;
    set_request_id(info, answer.headers);
    return Error(std::move(info));
  }
  ResponseAccess::headers(*parsed) = std::move(answer.headers);
  return parsed;
}

Error reported_error(std::string_view json, const Answer& answer) {
  const ApiErrorFields fields = parse_api_error(json);
  ErrorInfo info;
  info.http_status = answer.status;
  info.body = truncate_body(json);
  if (fields.parsed) {
    info.code = code_from_api_error(fields.type, fields.code);
    info.message = fields.message.empty()
                       ? "the server reported an error in the stream"
                       : fields.message;
    info.type = fields.type;
    info.param = fields.param;
    info.api_code = fields.code;
  } else {
    info.code = ErrorCode::Server;
    info.message = json.empty() ? "the server reported an error in the stream"
                                : std::string(json);
  }
  set_request_id(info, answer.headers);
  return Error(std::move(info));
}

Error reported_error(ChunkProblem problem, const Answer& answer) {
  ErrorInfo info = std::move(problem.error).info();
  if (problem.server_reported) {
    info.code = code_from_api_error(info.type, info.api_code);
  }
  info.http_status = answer.status;
  set_request_id(info, answer.headers);
  return Error(std::move(info));
}

Error protocol_error(std::string message, const Answer& answer) {
  ErrorInfo info;
  info.code = ErrorCode::Protocol;
  info.message = std::move(message);
  info.http_status = answer.status;
  set_request_id(info, answer.headers);
  return Error(std::move(info));
}

std::optional<Millis> retry_delay(const CallContext& context,
                                  const PreparedCall& call, int attempts,
                                  const Error& error,
                                  const ResponseHeaders& headers) {
  const RetryDecision decision =
      decide_retry(call.retry, attempts, error, headers, random_unit());
  if (!decision.retry) return std::nullopt;
  if (context.logs(LogLevel::Info)) {
    context.log(LogLevel::Info,
                fmt::format("POST {} attempt {} failed ({}{}): retrying in {} "
                            "ms [request id {}]",
                            loggable_url(*call.http.url), attempts,
                            to_string(error.code()),
                            error.http_status() != 0
                                ? fmt::format(", HTTP {}", error.http_status())
                                : std::string(),
                            decision.delay.count(), call.request_id));
  }
  return decision.delay;
}

void log_attempt(const CallContext& context, const PreparedCall& call,
                 int attempt, int status, const Error* error, Millis took) {
  if (!context.logs(LogLevel::Debug)) return;
  const std::string what =
      error != nullptr && (error->http_status() == 0 || status == 0)
          ? fmt::format("{}: {}", to_string(error->code()), error->message())
          : fmt::format("HTTP {}", status);
  context.log(
      LogLevel::Debug,
      fmt::format("POST {}{} -> {} (attempt {}, {} ms) [request id {}]",
                  loggable_url(*call.http.url), call.stream ? " (stream)" : "",
                  what, attempt, took.count(), call.request_id));
}

void log_failure(const CallContext& context, const PreparedCall& call,
                 const Error& error) {
  if (!context.logs(LogLevel::Warning) ||
      error.code() == ErrorCode::Cancelled) {
    return;
  }
  context.log(LogLevel::Warning,
              fmt::format("POST {}{} failed: {}", loggable_url(*call.http.url),
                          call.stream ? " (stream)" : "", error.to_string()));
}

RateSignal rate_signal(const Error* error, const ResponseHeaders& headers) {
  RateSignal signal;
  if (error != nullptr && error->code() == ErrorCode::RateLimited) {
    signal.limited = true;
    signal.retry_after = error->retry_after();
  }
  // `X-RateLimit-Remaining: 0` with a non-zero limit (0/0/0 means no limit
  // is configured) and its `X-RateLimit-Reset` (Unix seconds).
  const auto limit = header_number(headers, "x-ratelimit-limit");
  const auto remaining = header_number(headers, "x-ratelimit-remaining");
  const auto reset = header_number(headers, "x-ratelimit-reset");
  if (limit && remaining && reset && *limit != 0 && *remaining == 0) {
    // Clamped so a hostile value cannot overflow the clock's nanoseconds:
    // the latest whole second system_clock holds (year 2262 with gcc).
    constexpr long long kLatestReset =
        std::chrono::duration_cast<std::chrono::seconds>(
            std::chrono::system_clock::duration::max())
            .count();
    signal.exhausted_until = std::chrono::system_clock::time_point(
        std::chrono::seconds(std::clamp(*reset, 0LL, kLatestReset)));
  }
  return signal;
}

Timing timing_of(Clock::time_point start, const TimingMarks& marks) {
  using std::chrono::microseconds;
  auto since_start = [&](Clock::time_point at) {
    return at == Clock::time_point{} || at < start
               ? microseconds{0}
               : std::chrono::duration_cast<microseconds>(at - start);
  };
  Timing timing;
  timing.queued = since_start(marks.first_start);
  // libcurl says when the connection was up; a reused one was up at once.
  timing.connect = marks.attempt_start == Clock::time_point{}
                       ? microseconds{0}
                       : since_start(marks.attempt_start) + marks.curl.connect;
  timing.first_byte = since_start(marks.head);
  timing.first_token = since_start(marks.first_token);
  timing.total = since_start(marks.end);
  return timing;
}

Clock::time_point later(Clock::time_point now, Millis delay) noexcept {
  if (delay <= Millis{0}) return now;
  const auto room =
      std::chrono::duration_cast<Millis>(Clock::time_point::max() - now);
  if (delay >= room) return Clock::time_point::max();
  return now + delay;
}

double random_unit() {
  thread_local std::mt19937_64 generator{std::random_device{}()};
  return std::uniform_real_distribution<double>(0.0, 1.0)(generator);
}

}  // namespace budgateway::detail
