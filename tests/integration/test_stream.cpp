// Copyright 2026 The budgateway Authors. SPDX-License-Identifier: Apache-2.0
// Client::stream() against the fake gateway on 127.0.0.1.
#include <budgateway/budgateway.hpp>

#include <chrono>
#include <string>
#include <thread>
#include <vector>

#include "catch.hpp"
#include "fake_gateway_process.hpp"
#include "integration_helpers.hpp"
#include "test_http.hpp"

namespace bg = budgateway;
using budgateway::testing::drain;
using budgateway::testing::Drained;
using budgateway::testing::fake_gateway_options;
using budgateway::testing::FakeGatewayProcess;
using budgateway::testing::Json;
using budgateway::testing::scenario;
using namespace std::chrono_literals;

namespace {

bg::Client client() {
  return bg::Client(fake_gateway_options(
      FakeGatewayProcess::shared().base_url(), "sk-stream-test"));
}

bg::CompletionRequest request(int max_tokens = 12, int n = 1) {
  bg::CompletionRequest r;
  r.model = "gpt-3.5-turbo-instruct";
  r.prompt = "Once upon a time";
  r.max_tokens = max_tokens;
  if (n != 1) r.n = n;
  return r;
}

}  // namespace

TEST_CASE("a stream's chunks add up to the unary completion") {
  const auto unary = client().complete(request());
  REQUIRE(unary);
  const Drained streamed = drain(client().stream(request()));
  REQUIRE_FALSE(streamed.error);
  REQUIRE(streamed.chunks.size() > 2);
  CHECK(streamed.text() == unary->choices.at(0).text);
  // The real gateway always ends with a usage chunk whose choices are empty.
  const auto& last = streamed.chunks.back();
  CHECK(last.choices.empty());
  REQUIRE(last.usage);
  CHECK(last.usage->completion_tokens == unary->usage->completion_tokens);
}

TEST_CASE("collect() folds a stream into what the unary call returns") {
  for (int n : {1, 3}) {
    CAPTURE(n);
    const auto unary = client().complete(request(9, n));
    REQUIRE(unary);
    auto collected = client().stream(request(9, n)).collect();
    REQUIRE(collected);
    REQUIRE(collected->choices.size() == unary->choices.size());
    for (std::size_t i = 0; i < unary->choices.size(); ++i) {
      CHECK(collected->choices[i].index == unary->choices[i].index);
      CHECK(collected->choices[i].text == unary->choices[i].text);
      REQUIRE(collected->choices[i].finish_reason);
      CHECK(collected->choices[i].finish_reason->str() ==
            unary->choices[i].finish_reason->str());
    }
    REQUIRE(collected->usage);
    CHECK(collected->usage->total_tokens == unary->usage->total_tokens);
    CHECK(collected->object == "text_completion");
    CHECK(collected->headers().get("content-type"));
  }
}

TEST_CASE("collect() includes the chunks already read") {
  auto stream = client().stream(request());
  auto it = stream.begin();
  REQUIRE(it != stream.end());
  REQUIRE(*it);
  const std::string first = (*it)->choices.at(0).text;
  ++it;
  auto collected = stream.collect();
  REQUIRE(collected);
  CHECK(collected->choices.at(0).text.rfind(first, 0) == 0);
  CHECK(collected->choices.at(0).text ==
        client().complete(request())->choices.at(0).text);
}

TEST_CASE("a stream written a few bytes at a time decodes the same") {
  const Drained whole = drain(client().stream(request()));
  for (const char* size : {"1", "3", "7"}) {
    CAPTURE(size);
    const Drained bytes = drain(client().stream(
        request(), scenario("ok", {{"x-fake-write-bytes", size}})));
    REQUIRE_FALSE(bytes.error);
    CHECK(bytes.text() == whole.text());
    CHECK(bytes.chunks.size() == whole.chunks.size());
  }
}

TEST_CASE("legal but odd SSE framing is read exactly") {
  // Every fifth event of stream_odd is typed `event: message`: dropping
  // those would lose text and chunks.
  const Drained plain = drain(client().stream(request()));
  const Drained odd = drain(client().stream(request(), scenario("stream_odd")));
  REQUIRE_FALSE(plain.error);
  REQUIRE_FALSE(odd.error);
  CHECK(odd.text() == plain.text());
  CHECK(odd.chunks.size() == plain.chunks.size());
  REQUIRE_FALSE(odd.chunks.empty());
  CHECK(odd.chunks.back().usage);
}

TEST_CASE("named events are skipped and message events are read as chunks") {
  const Drained drained = drain(client().stream(
      request(),
      scenario("fixture", {{"x-fake-fixture", "edge/named_events.sse"}})));
  REQUIRE_FALSE(drained.error);
  CHECK(drained.text() == " Hello world!");
  CHECK(drained.chunks.size() == 4);
  for (const auto& chunk : drained.chunks) CHECK(chunk.id == "cmpl-edge-1");
}

TEST_CASE("collect() keeps the last non-null finish_reason") {
  auto collected =
      client()
          .stream(request(),
                  scenario("fixture", {{"x-fake-fixture",
                                        "edge/finish_reason_order.sse"}}))
          .collect();
  REQUIRE(collected);
  REQUIRE(collected->choices.size() == 1);
  CHECK(collected->choices[0].text == " Hello world");
  REQUIRE(collected->choices[0].finish_reason);
  CHECK(collected->choices[0].finish_reason->str() == "length");
}

TEST_CASE("collect() keeps the streamed logprobs of every choice") {
  bg::CompletionRequest r = request(7, 2);
  r.logprobs = 2;
  const auto unary = client().complete(r);
  REQUIRE(unary);
  auto collected = client().stream(r).collect();
  REQUIRE(collected);
  REQUIRE(collected->choices.size() == 2);
  for (std::size_t i = 0; i < 2; ++i) {
    CAPTURE(i);
    REQUIRE(unary->choices[i].logprobs);
    REQUIRE(collected->choices[i].logprobs);
    CHECK(collected->choices[i].logprobs->tokens.size() == 7);
    CHECK(*collected->choices[i].logprobs == *unary->choices[i].logprobs);
  }
}

TEST_CASE(
    "a stream that delivered chunks is never retried, even when the server "
    "asks") {
  const Drained drained = drain(client().stream(
      request(),
      scenario("stream_cut", {{"x-fake-header-x-should-retry", "true"},
                              {"x-request-id", "cut-no-retry-1"}})));
  CHECK_FALSE(drained.chunks.empty());
  REQUIRE(drained.error);
  CHECK(drained.error->code() == bg::ErrorCode::Connection);
  CHECK(drained.error->attempts() == 1);
  Json stats(budgateway::testing::http_get(
      FakeGatewayProcess::shared().origin() + "/_stats?id=cut-no-retry-1"));
  CHECK(int64_t(stats.root()["attempts"]) == 1);
}

TEST_CASE("cancelling during a retry wait ends a stream promptly") {
  bg::ClientOptions options = fake_gateway_options(
      FakeGatewayProcess::shared().base_url(), "sk-stream-test");
  options.initial_backoff = 5s;
  options.max_backoff = 5s;
  options.backoff_jitter = 0;
  bg::Client slow_retries(options);
  struct Case {
    const char* name;
    bg::CallOptions call;
  };
  for (const Case& c :
       {Case{"back-off", scenario("error", {{"x-fake-status", "503"}})},
        Case{"Retry-After",
             scenario("error", {{"x-fake-status", "429"},
                                {"x-fake-error-shape", "rate_limit"},
                                {"x-fake-retry-after", "5"}})}}) {
    CAPTURE(c.name);
    bg::CancellationSource source;
    bg::CallOptions call = c.call;
    call.cancellation = source.token();
    std::thread canceller([&] {
      std::this_thread::sleep_for(300ms);
      source.cancel();
    });
    const auto start = std::chrono::steady_clock::now();
    const Drained drained = drain(slow_retries.stream(request(), call));
    canceller.join();
    CHECK(drained.chunks.empty());
    REQUIRE(drained.error);
    CHECK(drained.error->code() == bg::ErrorCode::Cancelled);
    CHECK(std::chrono::steady_clock::now() - start < 2s);
  }
}

TEST_CASE("headers are readable once the first element was read") {
  auto stream = client().stream(
      request(), scenario("ok", {{"x-request-id", "stream-id-1"}}));
  CHECK(stream.headers().empty());
  auto it = stream.begin();
  REQUIRE(*it);
  CHECK(stream.headers().get("content-type")->find("text/event-stream") !=
        std::string::npos);
  CHECK(stream.headers().get("x-request-id") ==
        std::optional<std::string_view>("stream-id-1"));
}

TEST_CASE("[DONE] with no completion chunk is an error, not an empty success") {
  const Drained drained =
      drain(client().stream(request(), scenario("stream_done_only")));
  CHECK(drained.chunks.empty());
  REQUIRE(drained.error);
  CHECK(drained.error->code() == bg::ErrorCode::Server);
  CHECK(drained.error->message().find("[DONE]") != std::string::npos);
  CHECK(drained.error->http_status() == 200);
  auto collected =
      client().stream(request(), scenario("stream_done_only")).collect();
  CHECK_FALSE(collected);
}

TEST_CASE(
    "a body that ends without [DONE] yields its chunks, then a Protocol "
    "error") {
  const Drained drained =
      drain(client().stream(request(), scenario("stream_no_done")));
  CHECK_FALSE(drained.chunks.empty());
  REQUIRE(drained.error);
  CHECK(drained.error->code() == bg::ErrorCode::Protocol);
  CHECK(drained.error->message().find("[DONE]") != std::string::npos);
}

TEST_CASE(
    "a cut connection yields the chunks received, then a Connection error") {
  const Drained drained =
      drain(client().stream(request(), scenario("stream_cut")));
  CHECK_FALSE(drained.chunks.empty());
  REQUIRE(drained.error);
  CHECK(drained.error->code() == bg::ErrorCode::Connection);
  CHECK(drained.error->attempts() == 1);
}

TEST_CASE("errors inside a 200 stream are typed with the server's words") {
  struct Case {
    const char* scenario;
    const char* form;
    bg::ErrorCode code;
    const char* type;
  };
  for (const Case& c : {Case{"stream_error_event", "flat",
                             bg::ErrorCode::Server, "server_error"},
                        Case{"stream_error_event", "nested",
                             bg::ErrorCode::Server, "server_error"},
                        Case{"stream_error_data", "",
                             bg::ErrorCode::RateLimited, "rate_limit_error"},
                        Case{"stream_error_field", "", bg::ErrorCode::Server,
                             "server_error"}}) {
    CAPTURE(c.scenario, c.form);
    const Drained drained = drain(client().stream(
        request(),
        scenario(c.scenario, {{"x-fake-error-form", c.form},
                              {"x-request-id", "in-stream-error-id"}})));
    CHECK_FALSE(drained.chunks.empty());
    REQUIRE(drained.error);
    CHECK(drained.error->code() == c.code);
    CHECK(drained.error->type() == c.type);
    CHECK_FALSE(drained.error->message().empty());
    CHECK(drained.error->request_id() == "in-stream-error-id");
    CHECK(drained.error->attempts() == 1);
  }
}

TEST_CASE("[DONE] followed by other text is a Protocol error") {
  const Drained drained =
      drain(client().stream(request(), scenario("stream_done_prefix")));
  REQUIRE(drained.error);
  CHECK(drained.error->code() == bg::ErrorCode::Protocol);
}

TEST_CASE("keep-alive comments do not reset the idle timeout") {
  bg::CallOptions call = scenario("stream_idle", {{"x-fake-keepalive-ms", "50"},
                                                  {"x-fake-idle-ms", "5000"}});
  call.idle_timeout = 400ms;
  const auto start = std::chrono::steady_clock::now();
  const Drained drained = drain(client().stream(request(), call));
  REQUIRE(drained.error);
  CHECK(drained.error->code() == bg::ErrorCode::Timeout);
  CHECK(drained.chunks.size() == 1);
  CHECK(std::chrono::steady_clock::now() - start < 3s);
}

TEST_CASE("a pause shorter than the idle timeout is waited out") {
  bg::CallOptions call = scenario("stream_idle", {{"x-fake-keepalive-ms", "50"},
                                                  {"x-fake-idle-ms", "300"}});
  call.idle_timeout = 5s;
  const Drained drained = drain(client().stream(request(), call));
  CHECK_FALSE(drained.error);
}

TEST_CASE(
    "the attempt timeout bounds the wait for headers; stream_deadline the "
    "whole") {
  SECTION("no headers in time") {
    bg::CallOptions call = scenario("slow", {{"x-fake-delay-ms", "3000"}});
    call.timeout = 200ms;
    call.max_retries = 0;
    const Drained drained = drain(client().stream(request(), call));
    REQUIRE(drained.error);
    CHECK(drained.error->code() == bg::ErrorCode::Timeout);
  }
  SECTION("a slow stream past its deadline") {
    bg::CallOptions call = scenario("ok", {{"x-fake-chunk-delay-ms", "100"}});
    call.stream_deadline = 350ms;
    call.max_retries = 0;
    const Drained drained = drain(client().stream(request(40), call));
    REQUIRE(drained.error);
    CHECK(drained.error->code() == bg::ErrorCode::Timeout);
    CHECK_FALSE(drained.chunks.empty());
  }
  SECTION("by default a slow stream is never cut") {
    bg::CallOptions call = scenario("ok", {{"x-fake-chunk-delay-ms", "30"}});
    call.timeout = 200ms;
    const Drained drained = drain(client().stream(request(15), call));
    CHECK_FALSE(drained.error);
  }
}

TEST_CASE("an event larger than max_event_bytes is a Protocol error") {
  bg::ClientOptions options;
  options.base_url = FakeGatewayProcess::shared().base_url();
  options.api_key = "sk-stream-test";
  options.max_event_bytes = 64 * 1024;
  const Drained drained = drain(bg::Client(options).stream(
      request(),
      scenario("stream_big_event", {{"x-fake-event-bytes", "200000"}})));
  REQUIRE(drained.error);
  CHECK(drained.error->code() == bg::ErrorCode::Protocol);
}

TEST_CASE(
    "a 401 or 429 before the first event is a typed error, and 429 is "
    "retried") {
  bg::ClientOptions options;
  options.base_url = FakeGatewayProcess::shared().base_url();
  const Drained unauthorized = drain(bg::Client(options).stream(request()));
  REQUIRE(unauthorized.error);
  CHECK(unauthorized.error->code() == bg::ErrorCode::Authentication);
  CHECK(unauthorized.error->http_status() == 401);
  CHECK(unauthorized.error->attempts() == 1);

  const Drained limited = drain(client().stream(
      request(),
      scenario("fail_then_ok", {{"x-fake-status", "429"},
                                {"x-fake-error-shape", "rate_limit"},
                                {"x-fake-retry-after", "0"},
                                {"x-request-id", "stream-retry-1"}})));
  CHECK_FALSE(limited.error);
  CHECK_FALSE(limited.chunks.empty());
  Json stats(budgateway::testing::http_get(
      FakeGatewayProcess::shared().origin() + "/_stats?id=stream-retry-1"));
  CHECK(int64_t(stats.root()["attempts"]) == 2);
}

TEST_CASE(
    "leaving a slow stream early returns at once and the client keeps "
    "working") {
  const auto start = std::chrono::steady_clock::now();
  {
    auto stream = client().stream(
        request(50), scenario("ok", {{"x-fake-chunk-delay-ms", "200"}}));
    for (auto& chunk : stream) {
      REQUIRE(chunk);
      break;
    }
  }
  CHECK(std::chrono::steady_clock::now() - start < 2s);
  CHECK(client().complete(request()));
}

TEST_CASE("cancelling from another thread ends a blocked iteration promptly") {
  bg::CancellationSource source;
  bg::CallOptions call = scenario("stream_idle", {{"x-fake-idle-ms", "10000"}});
  call.cancellation = source.token();
  std::thread canceller([&] {
    std::this_thread::sleep_for(200ms);
    source.cancel();
  });
  const auto start = std::chrono::steady_clock::now();
  const Drained drained = drain(client().stream(request(), call));
  canceller.join();
  REQUIRE(drained.error);
  CHECK(drained.error->code() == bg::ErrorCode::Cancelled);
  CHECK(std::chrono::steady_clock::now() - start < 2s);
}

TEST_CASE("a moved-from stream is empty and the moved-to one works") {
  auto stream = client().stream(request());
  bg::CompletionStream moved = std::move(stream);
  // NOLINTBEGIN(bugprone-use-after-move): the moved-from state is the point.
  CHECK(stream.begin() == stream.end());
  CHECK(stream.headers().empty());
  auto nothing = stream.collect();
  REQUIRE_FALSE(nothing);
  CHECK(nothing.error().code() == bg::ErrorCode::InvalidArgument);
  // NOLINTEND(bugprone-use-after-move)
  const Drained drained = drain(std::move(moved));
  CHECK_FALSE(drained.error);
  CHECK_FALSE(drained.chunks.empty());
}
