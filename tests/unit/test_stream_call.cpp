// Copyright 2026 The budgateway Authors. SPDX-License-Identifier: Apache-2.0
// StreamCall fed synthetic events on a fake clock: the streaming protocol
// both stream drivers (the CompletionStream pump and stream_async) run.
#include "call/stream_call.hpp"

#include <budgateway/cancellation.hpp>

#include <chrono>
#include <string>
#include <vector>

#include "call/outcome.hpp"
#include "call_harness.hpp"
#include "catch.hpp"

namespace budgateway::detail {
namespace {

using namespace harness;
using namespace std::chrono_literals;

/// Reads every element next() announces at `now`; the text of the chunks,
/// and the final error if the stream ended with one.
struct Drained {
  std::string text;
  std::optional<Error> error;
  Need last = Need::Done;
};

Drained drain(StreamCall& call, Clock::time_point now) {
  Drained out;
  for (;;) {
    const Next next = call.next(now);
    out.last = next.need;
    if (next.need != Need::Element) return out;
    Result<CompletionChunk>* element = call.element();
    if (!*element) {
      out.error = element->error();
      call.consume();
      return out;
    }
    for (const auto& choice : (*element)->choices) out.text += choice.text;
    call.consume();
  }
}

TEST_CASE("a stream delivers its chunks, ends at [DONE], and folds them",
          "[stream_call]") {
  auto [context, prepared] = prepare(options(), true);
  StreamCall call(context, prepared);
  REQUIRE(call.next(kT0).need == Need::Attempt);
  call.on_start(kT0);
  call.on_head(200, sse_headers(), kT0);
  CHECK(call.on_body(chunk_event("Hel") + ": keep-alive\n\n" +
                         chunk_event("lo", "\"stop\"") + kDoneEvent,
                     kT0));
  call.on_end(std::nullopt, kT0);
  const Drained got = drain(call, kT0);
  CHECK(got.text == "Hello");
  CHECK_FALSE(got.error);
  CHECK(got.last == Need::Done);
  const CompletionResponse folded = call.folded();
  CHECK(folded.choices.at(0).text == "Hello");
  CHECK(folded.choices.at(0).finish_reason.has_value());
}

TEST_CASE("a slow reader loses nothing the server sent in time",
          "[stream_call][reliability]") {
  auto [context, prepared] = prepare(options(), true);  // idle_timeout 10 s
  StreamCall call(context, prepared);
  call.on_start(kT0);
  call.on_head(200, sse_headers(), kT0);
  call.on_body(chunk_event("one"), kT0 + 1s);
  REQUIRE(call.next(kT0 + 1s).need == Need::Element);
  call.consume();
  // The rest lands in time while the consumer is busy for 60 s...
  call.on_body(chunk_event(" two") + kDoneEvent, kT0 + 2s);
  call.on_end(std::nullopt, kT0 + 2s);
  // ...and is all there when it comes back.
  const Drained got = drain(call, kT0 + 60s);
  CHECK(got.text == " two");
  CHECK_FALSE(got.error);
  CHECK(got.last == Need::Done);
}

TEST_CASE("the idle timer measures the server's silence", "[stream_call]") {
  auto [context, prepared] = prepare(options(), true);
  StreamCall call(context, prepared);
  call.on_start(kT0);
  call.on_head(200, sse_headers(), kT0);
  call.on_body(chunk_event("a"), kT0 + 1s);
  REQUIRE(call.next(kT0 + 1s).need == Need::Element);
  call.consume();
  // Keep-alive comments are not data.
  call.on_body(": ping\n\n", kT0 + 9s);
  const Next waiting = call.next(kT0 + 9s);
  CHECK(waiting.need == Need::Transfer);
  CHECK(waiting.until == kT0 + 11s);
  const Drained got = drain(call, kT0 + 11s);
  REQUIRE(got.error);
  CHECK(got.error->code() == ErrorCode::Timeout);
  CHECK_FALSE(call.wants_transfer());
}

TEST_CASE("no head within timeout is retried like a unary call",
          "[stream_call]") {
  auto [context, prepared] = prepare(options(), true);  // timeout 5 s
  StreamCall call(context, prepared);
  call.on_start(kT0);
  CHECK(call.next(kT0 + 4s).need == Need::Transfer);
  const Next wait = call.next(kT0 + 5s);
  CHECK(wait.need == Need::Wait);
  CHECK(wait.until == kT0 + 5s + 100ms);
  CHECK(call.next(wait.until).need == Need::Attempt);
}

TEST_CASE("an error page on a stream is typed by its status and retried",
          "[stream_call][reliability]") {
  auto [context, prepared] = prepare(options(), true);
  StreamCall call(context, prepared);
  auto now = kT0;
  for (int attempt = 1; attempt <= 3; ++attempt) {
    REQUIRE(call.next(now).need == Need::Attempt);
    call.on_start(now);
    call.on_head(502, headers({{"content-type", "text/html"}}), now);
    // A proxy's page over 16 KiB: the call keeps what it reports and stops.
    CHECK_FALSE(call.on_body(std::string(20 * 1024, 'x'), now));
    call.on_end(connection_reset(), now);
    const Next next = call.next(now);
    if (attempt < 3) {
      REQUIRE(next.need == Need::Wait);
      now = next.until;
    }
  }
  const Drained got = drain(call, now);
  REQUIRE(got.error);
  CHECK(got.error->http_status() == 502);
  CHECK(got.error->code() == ErrorCode::Server);
  CHECK(got.error->attempts() == 3);
}

TEST_CASE("stream_deadline bounds the whole stream, retries included",
          "[stream_call][reliability]") {
  CallOptions call_options;
  call_options.stream_deadline = 500ms;
  auto o = options();
  o.initial_backoff = 300ms;
  auto [context, prepared] = prepare(o, true, call_options);
  StreamCall call(context, prepared);
  REQUIRE(call.next(kT0).need == Need::Attempt);
  CHECK(call.call().http.total_timeout == 500ms);
  play(call, kT0, 503, json_headers(), "{}");
  const Next wait = call.next(kT0);
  REQUIRE(wait.need == Need::Wait);
  REQUIRE(call.next(kT0 + 300ms).need == Need::Attempt);
  // libcurl gets what is left of the deadline, not a fresh 500 ms.
  CHECK(call.call().http.total_timeout == 200ms);
  call.on_start(kT0 + 300ms);
  CHECK(call.next(kT0 + 499ms).need == Need::Transfer);
  const Drained got = drain(call, kT0 + 500ms);
  REQUIRE(got.error);
  CHECK(got.error->code() == ErrorCode::Timeout);
}

TEST_CASE("a stream that delivered a chunk is never retried", "[stream_call]") {
  auto [context, prepared] = prepare(options(), true);
  StreamCall call(context, prepared);
  call.on_start(kT0);
  auto head = sse_headers();
  head.add("x-should-retry", "true");
  call.on_head(200, std::move(head), kT0);
  call.on_body(chunk_event("partial"), kT0);
  call.on_end(connection_reset(), kT0);
  const Drained got = drain(call, kT0);
  CHECK(got.text == "partial");
  REQUIRE(got.error);
  CHECK(got.error->code() == ErrorCode::Connection);
  CHECK(got.error->attempts() == 1);
}

TEST_CASE("a 2xx that is not an event stream is a Protocol error",
          "[stream_call][reliability]") {
  auto [context, prepared] = prepare(options(), true);
  StreamCall call(context, prepared);
  call.on_start(kT0);
  call.on_head(200, headers({{"content-type", "text/plain"}}), kT0);
  CHECK_FALSE(call.on_body(std::string(20 * 1024, 'x'), kT0));
  call.on_end(connection_reset(), kT0);
  const Drained got = drain(call, kT0);
  REQUIRE(got.error);
  CHECK(got.error->code() == ErrorCode::Protocol);
  CHECK(got.error->message().find("text/plain") != std::string::npos);
}

TEST_CASE("event-stream headers then a close says what was missing",
          "[stream_call][reliability]") {
  auto o = options();
  o.max_retries = 0;
  auto [context, prepared] = prepare(o, true);
  StreamCall call(context, prepared);
  play(call, kT0, 200, sse_headers(), "");
  const Drained got = drain(call, kT0);
  REQUIRE(got.error);
  CHECK(got.error->code() == ErrorCode::Protocol);
  CHECK(got.error->message() == "the stream ended without any event or [DONE]");
}

TEST_CASE("named events are skipped and message events delivered",
          "[stream_call]") {
  auto [context, prepared] = prepare(options(), true);
  StreamCall call(context, prepared);
  call.on_start(kT0);
  call.on_head(200, sse_headers(), kT0);
  call.on_body("event: ping\ndata: {\"not\":\"a chunk\"}\n\n" +
                   std::string("event: message\n") + chunk_event("a") +
                   chunk_event("b") + kDoneEvent,
               kT0);
  call.on_end(std::nullopt, kT0);
  const Drained got = drain(call, kT0);
  CHECK(got.text == "ab");
  CHECK_FALSE(got.error);
}

TEST_CASE("an error inside a 200 stream is typed from its type",
          "[stream_call]") {
  auto [context, prepared] = prepare(options(), true);
  StreamCall call(context, prepared);
  call.on_start(kT0);
  call.on_head(200, sse_headers(), kT0);
  call.on_body(
      chunk_event("a") +
          R"(data: {"error":{"message":"slow down","type":"rate_limit_error"}})" +
          "\n\n",
      kT0);
  const Drained got = drain(call, kT0);
  CHECK(got.text == "a");
  REQUIRE(got.error);
  CHECK(got.error->code() == ErrorCode::RateLimited);
  CHECK(got.error->message() == "slow down");
  CHECK_FALSE(call.wants_transfer());
}

TEST_CASE("[DONE] before any completion chunk is a Server error",
          "[stream_call]") {
  auto [context, prepared] = prepare(options(), true);
  StreamCall call(context, prepared);
  play(call, kT0, 200, sse_headers(), kDoneEvent);
  const Drained got = drain(call, kT0);
  REQUIRE(got.error);
  CHECK(got.error->code() == ErrorCode::Server);
}

TEST_CASE("cancelling a stream ends it with Cancelled", "[stream_call]") {
  CancellationSource source;
  CallOptions call_options;
  call_options.cancellation = source.token();
  auto [context, prepared] = prepare(options(), true, call_options);
  StreamCall call(context, prepared);
  call.on_start(kT0);
  call.on_head(200, sse_headers(), kT0);
  source.cancel();
  const Drained got = drain(call, kT0);
  REQUIRE(got.error);
  CHECK(got.error->code() == ErrorCode::Cancelled);
  CHECK_FALSE(call.wants_transfer());
}

TEST_CASE("the key echoed in a stream's headers is redacted", "[stream_call]") {
  auto o = options();
  o.api_key = "sk-stream/key";
  auto [context, prepared] = prepare(o, true);
  StreamCall call(context, prepared);
  call.on_start(kT0);
  auto head = sse_headers();
  head.add("x-request-id", "id-sk-stream/key");
  call.on_head(200, std::move(head), kT0);
  CHECK(call.headers().get("x-request-id") == "id-[REDACTED]");
}

}  // namespace
}  // namespace budgateway::detail

namespace budgateway::detail {
namespace {

TEST_CASE("a stream's first token is stamped when its bytes landed",
          "[stream_call][timing]") {
  auto [context, prepared] = prepare(options(), true);
  StreamCall call(context, prepared);
  call.begin(kT0);
  call.on_start(kT0 + 1ms);
  CHECK_FALSE(call.timing());
  call.on_head(200, sse_headers(), kT0 + 10ms);
  // A chunk without text (Azure's prompt filter results), then text.
  call.on_body(
      R"(data: {"id":"","object":"","created":0,"model":"","choices":[]})"
      "\n\n",
      kT0 + 20ms);
  call.on_body(chunk_event("a"), kT0 + 50ms);
  call.on_body(chunk_event("b") + kDoneEvent, kT0 + 60ms);
  call.on_end(std::nullopt, kT0 + 61ms);
  // The reader comes late; the stamps are the arrivals, not the reads.
  const auto later_read = kT0 + 500ms;
  const Drained got = drain(call, later_read);
  CHECK(got.text == "ab");
  REQUIRE(call.timing());
  const Timing t = *call.timing();
  CHECK(t.queued == 1ms);
  CHECK(t.connect == 1ms);  // a reused connection is ready at once
  CHECK(t.first_byte == 10ms);
  CHECK(t.first_token == 50ms);
  CHECK(t.total == 500ms);
  REQUIRE(call.folded().timing());
  CHECK(call.folded().timing()->first_token == 50ms);
}

}  // namespace
}  // namespace budgateway::detail

namespace budgateway::detail {
namespace {

// Branches of the stream machine no test above takes: each names the
// behaviour a driver (or a reader) relies on.

TEST_CASE("an announced element stays until it is consumed", "[stream_call]") {
  auto [context, prepared] = prepare(options(), true);
  StreamCall call(context, prepared);
  call.on_start(kT0);
  call.on_head(200, sse_headers(), kT0);
  CHECK(call.element() == nullptr);
  CHECK_FALSE(call.has_buffered());
  call.on_body(chunk_event("a") + chunk_event("b"), kT0);
  // Two events decoded, none announced: the driver need not pump first.
  CHECK(call.has_buffered());
  REQUIRE(call.next(kT0).need == Need::Element);
  CHECK(call.has_buffered());
  REQUIRE(call.next(kT0).need == Need::Element);  // asking again: the same
  CHECK((*call.element())->choices.at(0).text == "a");
  call.consume();
  CHECK(call.element() == nullptr);
  CHECK(call.has_buffered());  // "b" is still decoded
  REQUIRE(call.next(kT0).need == Need::Element);
  CHECK(call.has_buffered());  // announced, though nothing is left decoded
  CHECK((*call.element())->choices.at(0).text == "b");
  call.consume();
  CHECK_FALSE(call.has_buffered());
  CHECK(call.next(kT0).need == Need::Transfer);
}

TEST_CASE("a stream that ended stays Done and ignores a late failure",
          "[stream_call]") {
  auto [context, prepared] = prepare(options(), true);
  StreamCall call(context, prepared);
  play(call, kT0, 200, sse_headers(), chunk_event("a") + kDoneEvent);
  call.on_body(chunk_event("after the end"), kT0);
  const Drained got = drain(call, kT0);
  REQUIRE(got.last == Need::Done);
  CHECK_FALSE(got.error);
  CHECK_FALSE(call.has_buffered());
  CHECK(call.next(kT0 + 1s).need == Need::Done);
  // A driver that stops the stream after its end reports nothing new.
  call.fail(Error(ErrorCode::Cancelled, "late"), kT0 + 1s);
  CHECK(call.next(kT0 + 1s).need == Need::Done);
  CHECK(call.element() == nullptr);
}

TEST_CASE("a stream that ended with its error stays Done, no attempt follows",
          "[stream_call]") {
  auto [context, prepared] = prepare(options(), true);
  StreamCall call(context, prepared);
  REQUIRE(call.next(kT0).need == Need::Attempt);
  // A 400 is final at once.
  play(call, kT0, 400, json_headers(), R"({"error":{"message":"bad"}})");
  const Drained got = drain(call, kT0);
  REQUIRE(got.error);
  CHECK(got.error->http_status() == 400);
  CHECK(got.last == Need::Element);
  CHECK(call.next(kT0).need == Need::Done);
  CHECK(call.next(kT0 + 1h).need == Need::Done);
}

TEST_CASE("once an error page is refused, later bytes of it are refused too",
          "[stream_call]") {
  auto [context, prepared] = prepare(options(), true);
  StreamCall call(context, prepared);
  call.on_start(kT0);
  call.on_head(502, headers({{"content-type", "text/html"}}), kT0);
  CHECK_FALSE(call.on_body(std::string(kMaxKeptErrorBody + 1, 'x'), kT0));
  CHECK_FALSE(call.on_body("x", kT0));
}

TEST_CASE("after [DONE] the connection is drained for a while, then dropped",
          "[stream_call]") {
  auto [context, prepared] = prepare(options(), true);
  StreamCall call(context, prepared);
  call.on_start(kT0);
  call.on_head(200, sse_headers(), kT0);
  // Events after [DONE] are not the stream's: they are read and dropped.
  call.on_body(chunk_event("a") + kDoneEvent + chunk_event("after"), kT0);
  REQUIRE(call.next(kT0).need == Need::Element);
  call.consume();
  // The body has not ended: the transfer may go on for one more second.
  const Next draining = call.next(kT0);
  CHECK(draining.need == Need::Transfer);
  CHECK(draining.until == kT0 + 1s);
  CHECK(call.wants_transfer());
  call.on_body(chunk_event("late"), kT0 + 500ms);
  // What arrives now is no element: the driver keeps reading.
  CHECK_FALSE(call.has_buffered());
  CHECK(call.next(kT0 + 500ms).need == Need::Transfer);
  // A server that holds the connection open longer loses it: the stream is
  // done, cleanly.
  CHECK(call.next(kT0 + 1s).need == Need::Done);
  CHECK_FALSE(call.wants_transfer());
  CHECK(call.folded().choices.at(0).text == "a");
}

TEST_CASE("the body's end after [DONE] ends the stream at once",
          "[stream_call]") {
  auto [context, prepared] = prepare(options(), true);
  StreamCall call(context, prepared);
  call.on_start(kT0);
  call.on_head(200, sse_headers(), kT0);
  call.on_body(chunk_event("a") + kDoneEvent, kT0);
  REQUIRE(call.next(kT0).need == Need::Element);
  call.consume();
  REQUIRE(call.next(kT0).need == Need::Transfer);
  call.on_end(std::nullopt, kT0 + 10ms);
  CHECK(call.next(kT0 + 10ms).need == Need::Done);
  REQUIRE(call.timing());
  CHECK(call.folded().choices.at(0).text == "a");
}

TEST_CASE("stream_deadline passing while draining after [DONE] is no error",
          "[stream_call]") {
  CallOptions call_options;
  call_options.stream_deadline = 500ms;
  auto [context, prepared] = prepare(options(), true, call_options);
  StreamCall call(context, prepared);
  REQUIRE(call.next(kT0).need == Need::Attempt);
  call.on_start(kT0);
  call.on_head(200, sse_headers(), kT0);
  call.on_body(chunk_event("a") + kDoneEvent, kT0 + 400ms);
  const Drained first = drain(call, kT0 + 400ms);
  CHECK(first.text == "a");
  REQUIRE(first.last == Need::Transfer);
  const Drained rest = drain(call, kT0 + 600ms);
  CHECK_FALSE(rest.error);
  CHECK(rest.last == Need::Transfer);
  CHECK(call.next(kT0 + 1400ms).need == Need::Done);
}

TEST_CASE("a stream with timeout 0 waits for its head without limit",
          "[stream_call]") {
  CallOptions call_options;
  call_options.timeout = 0ms;
  auto [context, prepared] = prepare(options(), true, call_options);
  StreamCall call(context, prepared);
  REQUIRE(call.next(kT0).need == Need::Attempt);
  call.on_start(kT0);
  const Next waiting = call.next(kT0 + std::chrono::hours(24));
  CHECK(waiting.need == Need::Transfer);
  CHECK(waiting.until == Clock::time_point::max());
}

TEST_CASE("a 2xx stream answer without a content type is a Protocol error",
          "[stream_call][reliability]") {
  auto o = options();
  o.max_retries = 0;
  auto [context, prepared] = prepare(o, true);
  StreamCall call(context, prepared);
  call.on_start(kT0);
  call.on_head(200, ResponseHeaders{}, kT0);
  CHECK(call.on_body("data: {}\n\n", kT0));
  call.on_end(std::nullopt, kT0);
  const Drained got = drain(call, kT0);
  CHECK(got.text.empty());
  REQUIRE(got.error);
  CHECK(got.error->code() == ErrorCode::Protocol);
  CHECK(got.error->message() ==
        "expected a text/event-stream answer, got \"no content type\"");
}

TEST_CASE("a JSON error object in a 2xx stream answer is the server's error",
          "[stream_call][reliability]") {
  auto o = options();
  o.max_retries = 0;
  auto [context, prepared] = prepare(o, true);
  StreamCall call(context, prepared);
  play(call, kT0, 200, json_headers(),
       R"({"error":{"message":"model is loading","type":"server_error"}})");
  const Drained got = drain(call, kT0);
  REQUIRE(got.error);
  CHECK(got.error->code() == ErrorCode::Server);
  CHECK(got.error->message() == "model is loading");
  CHECK(got.error->http_status() == 200);
}

TEST_CASE("a stream cut in the middle of an event says so",
          "[stream_call][reliability]") {
  auto o = options();
  o.max_retries = 0;
  auto [context, prepared] = prepare(o, true);
  StreamCall call(context, prepared);
  play(call, kT0, 200, sse_headers(), "data: {\"id\":");
  const Drained got = drain(call, kT0);
  REQUIRE(got.error);
  CHECK(got.error->code() == ErrorCode::Protocol);
  CHECK(got.error->message() ==
        "the stream ended in the middle of an event, without [DONE]");
}

TEST_CASE("a stream cut after a chunk says the [DONE] was missing",
          "[stream_call][reliability]") {
  auto [context, prepared] = prepare(options(), true);
  StreamCall call(context, prepared);
  play(call, kT0, 200, sse_headers(), chunk_event("a"));
  const Drained got = drain(call, kT0);
  CHECK(got.text == "a");
  REQUIRE(got.error);
  CHECK(got.error->code() == ErrorCode::Protocol);
  CHECK(got.error->message() == "the stream ended without [DONE]");
  CHECK(got.error->attempts() == 1);
}

TEST_CASE("a malformed chunk ends the stream with a Protocol error",
          "[stream_call][reliability]") {
  auto [context, prepared] = prepare(options(), true);
  StreamCall call(context, prepared);
  call.on_start(kT0);
  auto head = sse_headers();
  head.add("x-request-id", "req-bad-chunk");
  call.on_head(200, std::move(head), kT0);
  call.on_body(chunk_event("a") + "data: {not json\n\n" + chunk_event("b"),
               kT0);
  const Drained got = drain(call, kT0);
  CHECK(got.text == "a");
  REQUIRE(got.error);
  CHECK(got.error->code() == ErrorCode::Protocol);
  CHECK(got.error->http_status() == 200);
  CHECK(got.error->request_id() == "req-bad-chunk");
  // "b" was decoded too, but it is no element of a stream that ended.
  CHECK_FALSE(call.has_buffered());
  CHECK_FALSE(call.wants_transfer());
}

TEST_CASE("an error event's data is the message, typed Server unless it says",
          "[stream_call]") {
  const auto [data, code, message] =
      GENERATE(table<std::string, ErrorCode, std::string>({
          {"overloaded, try later", ErrorCode::Server, "overloaded, try later"},
          {"", ErrorCode::Server, "the server reported an error in the stream"},
          {R"({"error":{"type":"rate_limit_error"}})", ErrorCode::RateLimited,
           "the server reported an error in the stream"},
          {R"({"message":"quota","type":"insufficient_quota"})",
           ErrorCode::QuotaExceeded, "quota"},
      }));
  CAPTURE(data);
  auto [context, prepared] = prepare(options(), true);
  StreamCall call(context, prepared);
  call.on_start(kT0);
  call.on_head(200, sse_headers(), kT0);
  call.on_body(chunk_event("a") + "event: error\ndata: " + data + "\n\n", kT0);
  const Drained got = drain(call, kT0);
  CHECK(got.text == "a");
  REQUIRE(got.error);
  CHECK(got.error->code() == code);
  CHECK(got.error->message() == message);
}

TEST_CASE("data beginning with [DONE] but longer is a malformed end",
          "[stream_call]") {
  auto [context, prepared] = prepare(options(), true);
  StreamCall call(context, prepared);
  play(call, kT0, 200, sse_headers(),
       chunk_event("a") + "data: [DONE]x\n\n" + chunk_event("b"));
  const Drained got = drain(call, kT0);
  CHECK(got.text == "a");
  REQUIRE(got.error);
  CHECK(got.error->code() == ErrorCode::Protocol);
  CHECK(got.error->message() == "malformed end of stream: \"[DONE]x\"");
}

TEST_CASE("an event over max_event_bytes is a Protocol error",
          "[stream_call][reliability]") {
  auto o = options();
  o.max_event_bytes = 64;
  auto [context, prepared] = prepare(o, true);
  StreamCall call(context, prepared);
  call.on_start(kT0);
  call.on_head(200, sse_headers(), kT0);
  CHECK_FALSE(call.on_body("data: " + std::string(100, 'x'), kT0));
  call.on_end(connection_reset(), kT0);
  const Drained got = drain(call, kT0);
  REQUIRE(got.error);
  CHECK(got.error->code() == ErrorCode::Protocol);
  CHECK(got.error->message() == "a stream event is larger than 64 bytes");
}

}  // namespace
}  // namespace budgateway::detail
