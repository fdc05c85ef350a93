// Copyright 2026 The budgateway Authors. SPDX-License-Identifier: Apache-2.0
// The README's promises at the edges, against the fake gateway and a raw
// socket server: each case here once broke (see the commit that added it).
#include <budgateway/budgateway.hpp>

#include <chrono>
#include <stdexcept>
#include <string>
#include <thread>
#include <vector>

#include "catch.hpp"
#include "fake_gateway_process.hpp"
#include "integration_helpers.hpp"
#include "raw_server.hpp"
#include "test_http.hpp"

namespace bg = budgateway;
using budgateway::testing::drain;
using budgateway::testing::Drained;
using budgateway::testing::fake_gateway_options;
using budgateway::testing::FakeGatewayProcess;
using budgateway::testing::Json;
using budgateway::testing::RawServer;
using budgateway::testing::scenario;
using namespace std::chrono_literals;
using Clock = std::chrono::steady_clock;

namespace {

bg::ClientOptions options() {
  return fake_gateway_options(FakeGatewayProcess::shared().base_url(),
                              "sk-reliability");
}

bg::CompletionRequest request() {
  bg::CompletionRequest r;
  r.model = "gpt-3.5-turbo-instruct";
  r.prompt = "Once upon a time";
  r.max_tokens = 8;
  return r;
}

int attempts_of(const std::string& request_id) {
  Json stats(budgateway::testing::http_get(
      FakeGatewayProcess::shared().origin() + "/_stats?id=" + request_id));
  return static_cast<int>(int64_t(stats.root()["attempts"]));
}

bg::CallOptions with_id(bg::CallOptions call, const std::string& id) {
  call.extra_headers.emplace_back("x-request-id", id);
  return call;
}

/// A fixture page answered with `status`.
bg::CallOptions page(const char* file, int status) {
  return scenario("fixture", {{"x-fake-fixture", file},
                              {"x-fake-status", std::to_string(status)}});
}

}  // namespace

TEST_CASE("a slow stream reader loses nothing the server sent in time",
          "[reliability]") {
  bg::Client client(options());
  bg::CallOptions call = scenario("ok");
  call.idle_timeout = 200ms;
  auto reference = client.complete(request());
  REQUIRE(reference);
  std::string text;
  bool ended_cleanly = true;
  for (auto& chunk : client.stream(request(), call)) {
    if (!chunk) {
      INFO(chunk.error().to_string());
      ended_cleanly = false;
      break;
    }
    for (const auto& choice : chunk->choices) text += choice.text;
    std::this_thread::sleep_for(300ms);  // slower than idle_timeout
  }
  CHECK(ended_cleanly);
  CHECK(text == reference->choices.at(0).text);
}

TEST_CASE("an error page over 16 KiB on a stream keeps its status and retries",
          "[reliability]") {
  bg::Client client(options());
  const Drained got = drain(client.stream(
      request(), with_id(page("pages/proxy_503.html", 503), "big-page-1")));
  REQUIRE(got.error);
  CHECK(got.error->code() == bg::ErrorCode::Server);
  CHECK(got.error->http_status() == 503);
  CHECK(got.error->attempts() == 3);
  CHECK(attempts_of("big-page-1") == 3);
}

TEST_CASE("a 2xx that is not an event stream is Protocol, however long",
          "[reliability]") {
  bg::Client client(options());
  const Drained got =
      drain(client.stream(request(), page("pages/proxy_503.html", 200)));
  REQUIRE(got.error);
  CHECK(got.error->code() == bg::ErrorCode::Protocol);
  CHECK(got.error->message().find("text/event-stream") != std::string::npos);
}

TEST_CASE("event-stream headers and then a close say the stream was empty",
          "[reliability]") {
  auto o = options();
  o.max_retries = 0;
  bg::Client client(o);
  const Drained got =
      drain(client.stream(request(), page("pages/comment_only.sse", 200)));
  REQUIRE(got.error);
  CHECK(got.error->code() == bg::ErrorCode::Protocol);
  CHECK(got.error->message() == "the stream ended without any event or [DONE]");
}

TEST_CASE("a 200 cut mid-body is retried like any broken connection",
          "[reliability]") {
  bg::Client client(options());
  const auto result =
      client.complete(request(), with_id(scenario("truncated"), "cut-200-1"));
  REQUIRE_FALSE(result);
  CHECK(result.error().code() == bg::ErrorCode::Connection);
  CHECK(result.error().attempts() == 3);
  CHECK(attempts_of("cut-200-1") == 3);
}

TEST_CASE("a throwing on_result releases every connection slot",
          "[reliability]") {
  auto o = options();
  o.max_connections = 4;
  o.timeout = 2s;
  bg::Client client(o);
  std::vector<bg::CompletionRequest> requests(20, request());
  bg::BatchOptions batch;
  batch.max_concurrency = 4;
  batch.on_result = [](std::size_t, const auto&) {
    throw std::runtime_error("handler failed");
  };
  CHECK_THROWS_AS(client.complete_many(requests, batch), std::runtime_error);
  // Every slot came back: four calls at once all get one promptly.
  std::vector<std::future<bg::Result<bg::CompletionResponse>>> calls;
  const auto start = Clock::now();
  for (int i = 0; i < 4; ++i) calls.push_back(client.complete_async(request()));
  for (auto& call : calls) CHECK(call.get());
  CHECK(client.complete(request()));
  CHECK(Clock::now() - start < 1500ms);
}

TEST_CASE("stream_deadline bounds the whole stream, retries included",
          "[reliability]") {
  auto o = options();
  o.max_retries = 5;
  bg::Client client(o);
  bg::CallOptions call =
      scenario("error", {{"x-fake-status", "503"}, {"x-fake-delay-ms", "200"}});
  call.stream_deadline = 500ms;
  const auto start = Clock::now();
  const Drained got = drain(client.stream(request(), call));
  const auto took = Clock::now() - start;
  REQUIRE(got.error);
  CHECK(got.error->code() == bg::ErrorCode::Timeout);
  CHECK(took >= 450ms);
  CHECK(took < 900ms);
}

TEST_CASE("the key echoed by the server is redacted everywhere",
          "[reliability]") {
  const std::string key = "sk-echo/ab+cd=ef";
  auto o = options();
  o.api_key = key;
  o.max_retries = 0;
  bg::Client client(o);
  const auto result = client.complete(
      request(), scenario("error", {{"x-fake-status", "401"},
                                    {"x-fake-error-message",
                                     "Incorrect API key provided: " + key},
                                    {"x-fake-echo-request-id", "0"},
                                    {"x-fake-header-x-request-id", key}}));
  REQUIRE_FALSE(result);
  const bg::Error& error = result.error();
  for (const std::string& text :
       {error.message(), error.body(), error.request_id(), error.to_string(),
        std::string(bg::Exception(error).what())}) {
    INFO(text);
    CHECK(text.find("sk-echo") == std::string::npos);
  }
}

TEST_CASE("status lines that are not three digits are Protocol errors",
          "[reliability]") {
  for (const char* status_line :
       {"HTTP/1.1 2000000000 OK", "HTTP/1.1 20 OK", "HTTP/1.1 2x0 OK"}) {
    CAPTURE(status_line);
    RawServer server(std::string(status_line) +
                     "\r\nContent-Type: application/json\r\n"
                     "Content-Length: 2\r\nConnection: close\r\n\r\n{}");
    auto o = fake_gateway_options(server.base_url(), "sk-raw");
    o.max_retries = 0;
    const auto result = bg::Client(o).complete(request());
    REQUIRE_FALSE(result);
    CHECK(result.error().code() == bg::ErrorCode::Protocol);
  }
}

TEST_CASE("a lying Content-Length is no reason to allocate it",
          "[reliability]") {
  RawServer server(
      "HTTP/1.1 200 OK\r\nContent-Type: application/json\r\n"
      "Content-Length: 1000000000000000\r\nConnection: close\r\n\r\n{}");
  auto o = fake_gateway_options(server.base_url(), "sk-raw");
  o.max_retries = 0;
  o.max_response_bytes = std::numeric_limits<std::size_t>::max();
  const auto result = bg::Client(o).complete(request());
  REQUIRE_FALSE(result);  // the body ends long before its announced length
  CHECK(result.error().code() == bg::ErrorCode::Connection);
}
