// Copyright 2026 The budgateway Authors. SPDX-License-Identifier: Apache-2.0
// The pure parts of call/outcome (header numbers, rate signals, timing,
// saturating time) and the lines both call machines log through it.
#include "call/outcome.hpp"

#include <budgateway/cancellation.hpp>

#include <chrono>
#include <string>
#include <vector>

#include "call/stream_call.hpp"
#include "call/unary_call.hpp"
#include "call_harness.hpp"
#include "catch.hpp"

namespace budgateway::detail {
namespace {

using namespace harness;
using namespace std::chrono_literals;

TEST_CASE("header_number reads a whole decimal number and nothing else",
          "[outcome]") {
  const auto number = [](std::string value) {
    return header_number(headers({{"x-n", std::move(value)}}), "x-n");
  };
  CHECK(number("42") == 42);
  CHECK(number("-7") == -7);
  CHECK_FALSE(number("12abc"));
  CHECK_FALSE(number("abc"));
  CHECK_FALSE(number(""));
  CHECK_FALSE(number("99999999999999999999"));
  CHECK_FALSE(header_number(headers({}), "x-n"));
}

ResponseHeaders rate_headers(std::string limit, std::string remaining,
                             std::string reset) {
  return headers({{"x-ratelimit-limit", std::move(limit)},
                  {"x-ratelimit-remaining", std::move(remaining)},
                  {"x-ratelimit-reset", std::move(reset)}});
}

TEST_CASE("rate_signal reads a spent limit and its reset time", "[outcome]") {
  const RateSignal spent =
      rate_signal(nullptr, rate_headers("100", "0", "1699000060"));
  CHECK_FALSE(spent.limited);
  REQUIRE(spent.exhausted_until);
  CHECK(spent.exhausted_until->time_since_epoch() == 1699000060s);
  // Some left, or no limit configured (0/0/0), or a piece missing: no pause.
  CHECK_FALSE(rate_signal(nullptr, rate_headers("100", "1", "1699000060"))
                  .exhausted_until);
  CHECK_FALSE(
      rate_signal(nullptr, rate_headers("0", "0", "0")).exhausted_until);
  CHECK_FALSE(
      rate_signal(nullptr, rate_headers("100", "0", "soon")).exhausted_until);
  CHECK_FALSE(rate_signal(nullptr, headers({{"x-ratelimit-limit", "100"},
                                            {"x-ratelimit-remaining", "0"}}))
                  .exhausted_until);
  const RateSignal negative =
      rate_signal(nullptr, rate_headers("1", "0", "-5"));
  REQUIRE(negative.exhausted_until);
  CHECK(negative.exhausted_until->time_since_epoch() == 0s);
}

TEST_CASE("rate_signal clamps a hostile reset time instead of overflowing",
          "[outcome]") {
  // Far beyond what system_clock's nanoseconds hold (year 2262): the pause
  // is "very long", never a time that wrapped around into the past.
  for (const char* reset : {"9223372036854775807", "99999999999"}) {
    CAPTURE(reset);
    const RateSignal far = rate_signal(nullptr, rate_headers("1", "0", reset));
    REQUIRE(far.exhausted_until);
    CHECK(*far.exhausted_until > std::chrono::system_clock::now() +
                                     std::chrono::hours(24 * 365 * 100));
  }
}

TEST_CASE("rate_signal marks a rate-limit error and its wait", "[outcome]") {
  ErrorInfo info;
  info.code = ErrorCode::RateLimited;
  info.message = "slow down";
  info.retry_after = 1500ms;
  const Error limited(std::move(info));
  const RateSignal signal = rate_signal(&limited, headers({}));
  CHECK(signal.limited);
  CHECK(signal.retry_after == 1500ms);
  const Error other(ErrorCode::Server, "boom");
  CHECK_FALSE(rate_signal(&other, headers({})).limited);
}

TEST_CASE("timing_of counts each mark from the start; unset ones are zero",
          "[outcome]") {
  TimingMarks marks;
  marks.attempt_started(1, kT0 + 2ms);
  marks.attempt_started(2, kT0 + 10ms);  // a retry: first_start stays
  marks.curl.connect = 3ms;
  marks.head = kT0 + 20ms;
  marks.end = kT0 + 40ms;
  const Timing t = timing_of(kT0, marks);
  CHECK(t.queued == 2ms);
  CHECK(t.connect == 13ms);
  CHECK(t.first_byte == 20ms);
  CHECK(t.first_token == 0ms);
  CHECK(t.total == 40ms);
  // A mark before the start (the clock of another driver) is not negative.
  const Timing early = timing_of(kT0 + 1s, marks);
  CHECK(early.queued == 0ms);
  CHECK(early.first_byte == 0ms);
  CHECK(early.total == 0ms);
  CHECK(timing_of(kT0, TimingMarks{}).connect == 0ms);
}

TEST_CASE("later() adds a delay, saturating, and never goes back",
          "[outcome]") {
  CHECK(later(kT0, 5ms) == kT0 + 5ms);
  CHECK(later(kT0, 0ms) == kT0);
  CHECK(later(kT0, -5ms) == kT0);
  CHECK(later(kT0, Millis::max()) == Clock::time_point::max());
  CHECK(later(Clock::time_point::max() - 1ms, 2ms) == Clock::time_point::max());
}

/// Options whose logger keeps every line.
struct Logged {
  std::vector<std::pair<LogLevel, std::string>> lines;
  ClientOptions options() {
    auto o = harness::options();
    o.logger = [this](LogLevel level, std::string_view line) {
      lines.emplace_back(level, std::string(line));
    };
    return o;
  }
  std::string at(LogLevel level) const {
    std::string all;
    for (const auto& [l, line] : lines) {
      if (l == level) all += line + "\n";
    }
    return all;
  }
};

TEST_CASE("each attempt is logged with its failure or its status",
          "[outcome][logging]") {
  Logged log;
  auto [context, prepared] = prepare(log.options(), false);
  UnaryCall call(context, prepared);
  play(call, kT0, 200, json_headers(), R"({"id":)", connection_reset());
  const Next wait = call.next(kT0);
  REQUIRE(wait.need == Need::Wait);
  play(call, wait.until, 503, json_headers(), "{}");
  const Next again = call.next(wait.until);
  REQUIRE(again.need == Need::Wait);
  play(call, again.until, 200, json_headers(), completion("x"));
  REQUIRE(call.take_result());
  const std::string debug = log.at(LogLevel::Debug);
  INFO(debug);
  const std::string url = "POST http://127.0.0.1:9/v1/completions -> ";
  CHECK(debug.find(
            url + "Connection: transport failure: Failure when receiving "
                  "data (after the head of an HTTP 200 answer) (attempt 1, ") !=
        std::string::npos);
  CHECK(debug.find(url + "HTTP 503 (attempt 2, ") != std::string::npos);
  CHECK(debug.find(url + "HTTP 200 (attempt 3, ") != std::string::npos);
  // The retries say why and how long they wait; a transport failure has no
  // status to name.
  const std::string info = log.at(LogLevel::Info);
  INFO(info);
  CHECK(info.find("attempt 1 failed (Connection): retrying in 100 ms") !=
        std::string::npos);
  CHECK(info.find("attempt 2 failed (Server, HTTP 503): retrying in 200 ms") !=
        std::string::npos);
  CHECK(log.at(LogLevel::Warning).empty());
}

TEST_CASE("a stream's attempt with no head is logged with its failure",
          "[outcome][logging]") {
  Logged log;
  auto o = log.options();
  o.max_retries = 0;
  auto [context, prepared] = prepare(o, true);
  StreamCall call(context, prepared);
  call.on_start(kT0);
  call.on_end(connection_reset(), kT0 + 7ms);
  REQUIRE(call.next(kT0 + 7ms).need == Need::Element);
  const std::string debug = log.at(LogLevel::Debug);
  INFO(debug);
  CHECK(debug.find("POST http://127.0.0.1:9/v1/completions (stream) -> "
                   "Connection: transport failure: Failure when receiving "
                   "data (attempt 1, 7 ms)") != std::string::npos);
  CHECK(log.at(LogLevel::Warning).find("(stream) failed: Connection") !=
        std::string::npos);
}

TEST_CASE("the key is redacted from every log line, even in the URL's path",
          "[outcome][logging]") {
  // Some gateways take the key in the path; log lines show the path.
  Logged log;
  auto o = log.options();
  o.base_url = "http://127.0.0.1:9/sk-test-key/v1";
  auto [context, prepared] = prepare(o, false);
  UnaryCall call(context, prepared);
  play(call, kT0, 503, json_headers(), "{}");
  REQUIRE(call.next(kT0).need == Need::Wait);
  REQUIRE(log.lines.size() >= 2);  // the attempt and the retry
  for (const auto& [level, line] : log.lines) {
    INFO(line);
    CHECK(line.find("sk-test-key") == std::string::npos);
    CHECK(line.find("http://127.0.0.1:9/[REDACTED]/v1/completions") !=
          std::string::npos);
  }
}

TEST_CASE("a cancelled call logs no failure", "[outcome][logging]") {
  Logged log;
  CancellationSource source;
  CallOptions call_options;
  call_options.cancellation = source.token();
  auto [context, prepared] = prepare(log.options(), false, call_options);
  UnaryCall call(context, prepared);
  call.on_start(kT0);
  source.cancel();
  REQUIRE(call.next(kT0).need == Need::Done);
  CHECK(call.take_result().error().code() == ErrorCode::Cancelled);
  CHECK(log.at(LogLevel::Warning).empty());
}

}  // namespace
}  // namespace budgateway::detail
