// Copyright 2026 The budgateway Authors. SPDX-License-Identifier: Apache-2.0
// UnaryCall fed synthetic events on a fake clock: the unary protocol every
// driver (complete, complete_async, complete_many) runs.
#include "call/unary_call.hpp"

#include <budgateway/cancellation.hpp>

#include <chrono>
#include <limits>
#include <string>

#include "call_harness.hpp"
#include "catch.hpp"

namespace budgateway::detail {
namespace {

using namespace harness;
using namespace std::chrono_literals;

TEST_CASE("a unary call asks for one attempt and returns its completion",
          "[unary_call]") {
  auto [context, prepared] = prepare(options(), false);
  UnaryCall call(context, prepared);
  REQUIRE(call.next(kT0).need == Need::Attempt);
  CHECK(call.next(kT0).need == Need::Attempt);  // asking twice changes nothing
  call.on_start(kT0);
  CHECK(call.wants_transfer());
  const Next waiting = call.next(kT0);
  CHECK(waiting.need == Need::Transfer);
  CHECK(waiting.until == kT0 + 5s);
  auto head = json_headers();
  head.add("x-request-id", "req-server");
  call.on_head(200, std::move(head), kT0);
  CHECK(call.on_body(completion("hi"), kT0));
  call.on_end(std::nullopt, kT0);
  REQUIRE(call.next(kT0).need == Need::Done);
  CHECK_FALSE(call.wants_transfer());
  auto result = call.take_result();
  REQUIRE(result);
  CHECK(result->choices.at(0).text == "hi");
  CHECK(result->headers().get("x-request-id") == "req-server");
}

TEST_CASE("the client's connect_timeout reaches the transport of every call",
          "[unary_call]") {
  // No public way shows it on 127.0.0.1 (a local connect never stalls), so
  // this reads what each call hands to its transfer.
  auto client_options = options();
  client_options.connect_timeout = 1234ms;
  for (const bool stream : {false, true}) {
    CAPTURE(stream);
    CHECK(prepare(client_options, stream).call.http.connect_timeout == 1234ms);
  }
}

TEST_CASE("a 503 is retried after the back-off until the retries run out",
          "[unary_call]") {
  auto [context, prepared] = prepare(options(), false);
  UnaryCall call(context, prepared);
  auto now = kT0;
  for (int attempt = 1; attempt <= 3; ++attempt) {
    REQUIRE(call.next(now).need == Need::Attempt);
    play(call, now, 503, json_headers(), R"({"error":{"message":"busy"}})");
    if (attempt == 3) break;
    const Next wait = call.next(now);
    REQUIRE(wait.need == Need::Wait);
    // 100 ms, then 200 ms: initial_backoff * 2^n without jitter.
    CHECK(wait.until == now + 100ms * (1 << (attempt - 1)));
    CHECK(call.next(wait.until - 1ms).need == Need::Wait);
    now = wait.until;
  }
  REQUIRE(call.next(now).need == Need::Done);
  auto result = call.take_result();
  REQUIRE_FALSE(result);
  CHECK(result.error().code() == ErrorCode::Server);
  CHECK(result.error().http_status() == 503);
  CHECK(result.error().attempts() == 3);
  CHECK(result.error().message() == "busy");
  // The id the SDK generated, the same for every attempt.
  CHECK(result.error().request_id() == prepared.request_id);
  CHECK(prepared.request_id.size() == 36);
}

TEST_CASE("an attempt that gets no head keeps no status of the attempt before",
          "[unary_call]") {
  CallOptions twice;
  twice.max_retries = 1;
  auto [context, prepared] = prepare(options(), false, twice);
  UnaryCall call(context, prepared);
  play(call, kT0, 503, json_headers(), R"({"error":{"message":"busy"}})");
  const Next wait = call.next(kT0);
  REQUIRE(wait.need == Need::Wait);
  // The second attempt ends with neither a head nor a transport error.
  call.on_start(wait.until);
  call.on_end(std::nullopt, wait.until);
  REQUIRE(call.next(wait.until).need == Need::Done);
  auto result = call.take_result();
  REQUIRE_FALSE(result);
  CHECK(result.error().attempts() == 2);
  CHECK(result.error().http_status() == 0);
}

TEST_CASE("max_retries = 0 makes the first failure final", "[unary_call]") {
  CallOptions once;
  once.max_retries = 0;
  auto [context, prepared] = prepare(options(), false, once);
  UnaryCall call(context, prepared);
  play(call, kT0, 500, json_headers(), "{}");
  REQUIRE(call.next(kT0).need == Need::Done);
  CHECK(call.take_result().error().attempts() == 1);
}

TEST_CASE("the server's retry-after-ms replaces the back-off", "[unary_call]") {
  auto [context, prepared] = prepare(options(), false);
  UnaryCall call(context, prepared);
  call.track_rate_limits();
  auto head = json_headers();
  head.add("retry-after-ms", "750");
  play(call, kT0, 429, std::move(head), "{}");
  const Next wait = call.next(kT0);
  REQUIRE(wait.need == Need::Wait);
  CHECK(wait.until == kT0 + 750ms);
  CHECK(call.rate().limited);
  CHECK(call.rate().retry_after == 750ms);
}

TEST_CASE("rate-limit headers are read only when a batch asks",
          "[unary_call]") {
  auto [context, prepared] = prepare(options(), false);
  auto head = [] {
    auto h = json_headers();
    h.add("x-ratelimit-limit", "100");
    h.add("x-ratelimit-remaining", "0");
    h.add("x-ratelimit-reset", "1699000060");
    return h;
  };
  UnaryCall single(context, prepared);
  play(single, kT0, 200, head(), completion("x"));
  CHECK_FALSE(single.rate().exhausted_until);
  UnaryCall batched(context, prepared);
  batched.track_rate_limits();
  play(batched, kT0, 200, head(), completion("x"));
  REQUIRE(batched.rate().exhausted_until);
  CHECK(batched.rate().exhausted_until->time_since_epoch() ==
        std::chrono::seconds(1699000060));
}

TEST_CASE("a 4xx other than 408, 409 and 429 is final at once",
          "[unary_call]") {
  auto [context, prepared] = prepare(options(), false);
  UnaryCall call(context, prepared);
  play(call, kT0, 400, json_headers(), R"({"error":{"message":"bad"}})");
  REQUIRE(call.next(kT0).need == Need::Done);
  const auto result = call.take_result();
  CHECK(result.error().code() == ErrorCode::BadRequest);
  CHECK(result.error().attempts() == 1);
}

TEST_CASE("a 200 cut mid-body delivered nothing and is retried",
          "[unary_call][reliability]") {
  auto [context, prepared] = prepare(options(), false);
  UnaryCall call(context, prepared);
  play(call, kT0, 200, json_headers(), R"({"id":"cmpl-1","choi)",
       connection_reset());
  const Next wait = call.next(kT0);
  REQUIRE(wait.need == Need::Wait);
  play(call, wait.until, 200, json_headers(), completion("whole"));
  REQUIRE(call.next(wait.until).need == Need::Done);
  auto result = call.take_result();
  REQUIRE(result);
  CHECK(result->choices.at(0).text == "whole");
}

TEST_CASE("a stall after the head ends the attempt at its timeout and retries",
          "[unary_call][reliability]") {
  auto [context, prepared] = prepare(options(), false);
  UnaryCall call(context, prepared);
  call.on_start(kT0);
  call.on_head(200, json_headers(), kT0);
  call.on_body(R"({"id":)", kT0);
  CHECK(call.next(kT0 + 4s).need == Need::Transfer);
  const Next after = call.next(kT0 + 5s);
  CHECK(after.need == Need::Wait);  // the back-off of a retry
  CHECK_FALSE(call.wants_transfer());
}

TEST_CASE("a body over max_response_bytes is a Protocol error, not retried",
          "[unary_call]") {
  auto o = options();
  o.max_response_bytes = 64;
  auto [context, prepared] = prepare(o, false);
  UnaryCall call(context, prepared);
  call.on_start(kT0);
  call.on_head(200, json_headers(), kT0);
  CHECK(call.on_body(std::string(40, ' '), kT0));
  CHECK_FALSE(call.on_body(std::string(40, ' '), kT0));
  call.on_end(connection_reset(), kT0);  // libcurl's "write error"
  REQUIRE(call.next(kT0).need == Need::Done);
  const auto result = call.take_result();
  REQUIRE_FALSE(result);
  CHECK(result.error().code() == ErrorCode::Protocol);
  CHECK(result.error().http_status() == 200);
  CHECK(result.error().attempts() == 1);
}

TEST_CASE("a huge Content-Length is refused before any byte is kept",
          "[unary_call][reliability]") {
  auto o = options();
  o.max_response_bytes = std::numeric_limits<std::size_t>::max();
  auto [context, prepared] = prepare(o, false);
  UnaryCall call(context, prepared);
  call.on_start(kT0);
  // 10^15 bytes: reserving it would throw bad_alloc inside libcurl's
  // callback; the call reserves modestly and grows with what arrives.
  call.on_head(200,
               headers({{"content-type", "application/json"},
                        {"content-length", "1000000000000000"}}),
               kT0);
  CHECK(call.on_body(completion("small"), kT0));
  call.on_end(std::nullopt, kT0);
  REQUIRE(call.next(kT0).need == Need::Done);
  CHECK(call.take_result());
}

TEST_CASE("an error page longer than what is kept keeps its status and retry",
          "[unary_call][reliability]") {
  auto [context, prepared] = prepare(options(), false);
  UnaryCall call(context, prepared);
  call.on_start(kT0);
  call.on_head(503, headers({{"content-type", "text/html"}}), kT0);
  const std::string page(64 * 1024, 'x');
  CHECK_FALSE(call.on_body(page, kT0));  // stops reading what it won't keep
  call.on_end(connection_reset(), kT0);
  REQUIRE(call.next(kT0).need == Need::Wait);
  play(call, kT0 + 100ms, 503, headers({{"content-type", "text/html"}}),
       "<html>busy</html>");
  play(call, kT0 + 300ms, 503, headers({{"content-type", "text/html"}}),
       "<html>busy</html>");
  REQUIRE(call.next(kT0 + 300ms).need == Need::Done);
  const auto result = call.take_result();
  CHECK(result.error().http_status() == 503);
  CHECK(result.error().code() == ErrorCode::Server);
  CHECK(result.error().attempts() == 3);
}

TEST_CASE("a malformed status line is a Protocol error",
          "[unary_call][reliability]") {
  auto [context, prepared] = prepare(options(), false);
  UnaryCall call(context, prepared);
  play(call, kT0, 0, json_headers(), completion("x"));
  REQUIRE(call.next(kT0).need == Need::Done);
  CHECK(call.take_result().error().code() == ErrorCode::Protocol);
}

TEST_CASE("cancelling during a back-off ends the call at once",
          "[unary_call]") {
  CancellationSource source;
  CallOptions call_options;
  call_options.cancellation = source.token();
  auto [context, prepared] = prepare(options(), false, call_options);
  UnaryCall call(context, prepared);
  play(call, kT0, 503, json_headers(), "{}");
  REQUIRE(call.next(kT0).need == Need::Wait);
  source.cancel();
  REQUIRE(call.next(kT0 + 1ms).need == Need::Done);
  const auto result = call.take_result();
  CHECK(result.error().code() == ErrorCode::Cancelled);
  CHECK(result.error().attempts() == 1);
}

TEST_CASE("cancelling mid-transfer asks the driver to stop the transfer",
          "[unary_call]") {
  CancellationSource source;
  CallOptions call_options;
  call_options.cancellation = source.token();
  auto [context, prepared] = prepare(options(), false, call_options);
  UnaryCall call(context, prepared);
  call.on_start(kT0);
  REQUIRE(call.next(kT0).need == Need::Transfer);
  source.cancel();
  CHECK(call.next(kT0).need == Need::Done);
  CHECK_FALSE(call.wants_transfer());
  CHECK(call.take_result().error().code() == ErrorCode::Cancelled);
}

TEST_CASE("'no limit' durations never fire and never overflow",
          "[unary_call][reliability]") {
  auto o = options();
  o.timeout = std::chrono::milliseconds::max();
  o.max_retry_after = std::chrono::milliseconds::max();
  auto [context, prepared] = prepare(o, false);
  UnaryCall call(context, prepared);
  call.on_start(kT0);
  CHECK(call.next(kT0 + std::chrono::hours(24 * 365)).need == Need::Transfer);
  call.on_head(503, headers({{"retry-after-ms", "1e300"}}), kT0);
  call.on_end(std::nullopt, kT0);
  const Next wait = call.next(kT0);
  CHECK((wait.need == Need::Wait || wait.need == Need::Done));
  if (wait.need == Need::Wait) CHECK(wait.until > kT0);
}

TEST_CASE("the key is redacted in every form the server may echo",
          "[unary_call][reliability]") {
  // A key with characters that JSON and URLs escape.
  const std::string key = "sk-ab/cd+ef=gh/ij";
  const std::string escaped = R"(sk-ab\/cd+ef=gh\/ij)";
  auto o = options();
  o.api_key = key;
  o.max_retries = 0;
  auto [context, prepared] = prepare(o, false);
  UnaryCall call(context, prepared);
  // The key JSON-escaped in the message, and again where the body is cut
  // for the error (4096 bytes): redaction must come before truncation.
  std::string body =
      R"({"error":{"message":"Incorrect API key: )" + escaped + R"(","pad":")";
  body += std::string(4096 - body.size() - 6, 'x');
  body += key + R"("}})";
  auto head = json_headers();
  head.add("x-request-id", "echo-" + key);
  play(call, kT0, 401, std::move(head), body);
  REQUIRE(call.next(kT0).need == Need::Done);
  const Error error = call.take_result().error();
  CHECK(error.code() == ErrorCode::Authentication);
  for (const std::string& text :
       {error.message(), error.body(), error.request_id(), error.to_string()}) {
    INFO(text);
    CHECK(text.find("sk-ab") == std::string::npos);
    CHECK(text.find("gh\\/ij") == std::string::npos);
  }
  CHECK(error.message().find("[REDACTED]") != std::string::npos);
}

}  // namespace
}  // namespace budgateway::detail

namespace budgateway::detail {
namespace {

TEST_CASE("a completion carries the timing of the attempt that answered",
          "[unary_call][timing]") {
  auto [context, prepared] = prepare(options(), false);
  prepared.start = kT0;
  UnaryCall call(context, prepared);
  // Queued 5 ms for a slot; the first attempt fails, the second answers.
  play(call, kT0 + 5ms, 503, json_headers(), "{}");
  const Next wait = call.next(kT0 + 5ms);
  REQUIRE(wait.need == Need::Wait);
  call.on_start(wait.until);
  call.on_head(200, json_headers(), wait.until + 30ms,
               AttemptTimes{std::chrono::microseconds(2000)});
  call.on_body(completion("t"), wait.until + 35ms);
  call.on_end(std::nullopt, wait.until + 40ms);
  REQUIRE(call.next(wait.until + 40ms).need == Need::Done);
  const auto result = call.take_result();
  REQUIRE(result);
  REQUIRE(result->timing());
  const Timing& t = *result->timing();
  const auto retry_at = wait.until - kT0;
  CHECK(t.queued == 5ms);
  CHECK(t.connect == retry_at + 2ms);
  CHECK(t.first_byte == retry_at + 30ms);
  CHECK(t.first_token == std::chrono::microseconds{0});
  CHECK(t.total == retry_at + 40ms);
}

}  // namespace
}  // namespace budgateway::detail

namespace budgateway::detail {
namespace {

TEST_CASE("a unary call with timeout 0 lets its attempt run without limit",
          "[unary_call]") {
  CallOptions call_options;
  call_options.timeout = 0ms;
  auto [context, prepared] = prepare(options(), false, call_options);
  UnaryCall call(context, prepared);
  call.on_start(kT0);
  const Next waiting = call.next(kT0 + std::chrono::hours(24));
  CHECK(waiting.need == Need::Transfer);
  CHECK(waiting.until == Clock::time_point::max());
}

TEST_CASE("a Content-Length over max_response_bytes refuses the body at once",
          "[unary_call]") {
  auto o = options();
  o.max_response_bytes = 64;
  o.max_retries = 0;
  auto [context, prepared] = prepare(o, false);
  UnaryCall call(context, prepared);
  call.on_start(kT0);
  call.on_head(
      200,
      headers({{"content-type", "application/json"}, {"content-length", "65"}}),
      kT0);
  CHECK_FALSE(call.on_body("{", kT0));  // not one byte is kept
  call.on_end(connection_reset(), kT0);
  REQUIRE(call.next(kT0).need == Need::Done);
  const auto result = call.take_result();
  REQUIRE_FALSE(result);
  CHECK(result.error().code() == ErrorCode::Protocol);
}

TEST_CASE("a Content-Length of exactly max_response_bytes is read",
          "[unary_call]") {
  const std::string body = completion("fits");
  auto o = options();
  o.max_response_bytes = body.size();
  auto [context, prepared] = prepare(o, false);
  UnaryCall call(context, prepared);
  call.on_start(kT0);
  call.on_head(200,
               headers({{"content-type", "application/json"},
                        {"content-length", std::to_string(body.size())}}),
               kT0);
  CHECK(call.on_body(body, kT0));
  call.on_end(std::nullopt, kT0);
  REQUIRE(call.next(kT0).need == Need::Done);
  CHECK(call.take_result());
}

TEST_CASE("a negative or unreadable Content-Length is ignored",
          "[unary_call][reliability]") {
  const std::string length = GENERATE("-5", "12abc", "lots");
  CAPTURE(length);
  auto o = options();
  o.max_response_bytes = 1024;
  auto [context, prepared] = prepare(o, false);
  UnaryCall call(context, prepared);
  call.on_start(kT0);
  call.on_head(200,
               headers({{"content-type", "application/json"},
                        {"content-length", length}}),
               kT0);
  CHECK(call.on_body(completion("ok"), kT0));
  call.on_end(std::nullopt, kT0);
  REQUIRE(call.next(kT0).need == Need::Done);
  CHECK(call.take_result());
}

TEST_CASE("once a body is refused, later bytes of the attempt are refused too",
          "[unary_call]") {
  auto o = options();
  o.max_response_bytes = 64;
  auto [context, prepared] = prepare(o, false);
  UnaryCall call(context, prepared);
  call.on_start(kT0);
  call.on_head(200, json_headers(), kT0);
  CHECK_FALSE(call.on_body(std::string(100, ' '), kT0));
  CHECK_FALSE(call.on_body(" ", kT0));
  // The same for an error page past what is kept.
  UnaryCall error_page(context, prepared);
  error_page.on_start(kT0);
  error_page.on_head(503, json_headers(), kT0);
  CHECK_FALSE(error_page.on_body(std::string(64 * 1024, 'x'), kT0));
  CHECK_FALSE(error_page.on_body("x", kT0));
}

TEST_CASE("a late transfer end after cancelling a unary call changes nothing",
          "[unary_call]") {
  CancellationSource source;
  CallOptions call_options;
  call_options.cancellation = source.token();
  auto [context, prepared] = prepare(options(), false, call_options);
  UnaryCall call(context, prepared);
  call.on_start(kT0);
  call.on_head(200, json_headers(), kT0);
  source.cancel();
  REQUIRE(call.next(kT0).need == Need::Done);
  // The driver stops the transfer; libcurl still reports how it ended.
  call.on_body(completion("late"), kT0);
  call.on_end(std::nullopt, kT0);
  CHECK(call.next(kT0).need == Need::Done);
  CHECK(call.attempts() == 1);
  CHECK(call.take_result().error().code() == ErrorCode::Cancelled);
}

TEST_CASE("a 200 whose body is no completion is a Protocol error, not retried",
          "[unary_call][reliability]") {
  auto [context, prepared] = prepare(options(), false);
  UnaryCall call(context, prepared);
  auto head = json_headers();
  head.add("x-request-id", "req-garbled");
  play(call, kT0, 200, std::move(head), "<html>hello</html>");
  REQUIRE(call.next(kT0).need == Need::Done);
  const auto result = call.take_result();
  REQUIRE_FALSE(result);
  CHECK(result.error().code() == ErrorCode::Protocol);
  CHECK(result.error().http_status() == 200);
  CHECK(result.error().request_id() == "req-garbled");
  CHECK(result.error().attempts() == 1);
}

}  // namespace
}  // namespace budgateway::detail
