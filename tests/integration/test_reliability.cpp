// Copyright 2026 The budgateway Authors. SPDX-License-Identifier: Apache-2.0
// The README's promises at the edges, against the fake gateway and a raw
// socket server: each case here once broke (see the commit that added it).
#include <budgateway/budgateway.hpp>

#include <unistd.h>

#include <atomic>
#include <chrono>
#include <cstdio>
#include <cstdlib>
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

TEST_CASE("an interim 1xx head's headers are not the answer's",
          "[reliability]") {
  const std::string body =
      R"({"id":"cmpl-1","object":"text_completion","created":1,)"
      R"("model":"m","choices":[{"text":"hi","index":0,)"
      R"("finish_reason":"stop"}]})";
  RawServer server(
      "HTTP/1.1 103 Early Hints\r\nLink: </hint>; rel=preload\r\n"
      "X-Interim: yes\r\n\r\n"
      "HTTP/1.1 200 OK\r\nContent-Type: application/json\r\n"
      "Content-Length: " +
      std::to_string(body.size()) + "\r\nConnection: close\r\n\r\n" + body);
  auto o = fake_gateway_options(server.base_url(), "sk-raw");
  o.max_retries = 0;
  const auto result = bg::Client(o).complete(request());
  REQUIRE(result);
  CHECK(result->choices.at(0).text == "hi");
  CHECK_FALSE(result->headers().get("link"));
  CHECK_FALSE(result->headers().get("x-interim"));
  CHECK(result->headers().get("content-type") == "application/json");
}

TEST_CASE("a 200 with an empty body is a Protocol error of that 200",
          "[reliability]") {
  // The head of a final answer is complete at its blank line, even when no
  // body byte follows to announce it.
  RawServer server(
      "HTTP/1.1 200 OK\r\nContent-Type: application/json\r\n"
      "Content-Length: 0\r\nConnection: close\r\n\r\n");
  auto o = fake_gateway_options(server.base_url(), "sk-raw");
  o.max_retries = 0;
  const auto result = bg::Client(o).complete(request());
  REQUIRE_FALSE(result);
  CHECK(result.error().code() == bg::ErrorCode::Protocol);
  CHECK(result.error().http_status() == 200);
}

TEST_CASE("a stream logs one attempt line, for the final head, after a 1xx",
          "[reliability][logging]") {
  const std::string interim = GENERATE(
      as<std::string>{}, "HTTP/1.1 100 Continue\r\n\r\n",
      "HTTP/1.1 103 Early Hints\r\nLink: </hint>; rel=preload\r\n\r\n");
  CAPTURE(interim);
  RawServer server(interim +
                   "HTTP/1.1 200 OK\r\nContent-Type: text/event-stream\r\n"
                   "Connection: close\r\n\r\n"
                   R"(data: {"id":"c","object":"text_completion","created":1,)"
                   R"("model":"m","choices":[{"text":"hi","index":0,)"
                   R"("finish_reason":"stop"}]})"
                   "\n\ndata: [DONE]\n\n");
  std::vector<std::string> lines;
  auto o = fake_gateway_options(server.base_url(), "sk-raw");
  o.max_retries = 0;
  o.logger = [&](bg::LogLevel, std::string_view line) {
    lines.emplace_back(line);
  };
  bg::Client client(o);
  const Drained got = drain(client.stream(request()));
  INFO((got.error ? got.error->to_string() : std::string()));
  REQUIRE_FALSE(got.error);
  CHECK(got.text() == "hi");
  REQUIRE(lines.size() == 1);
  CHECK(lines[0].find("(stream) -> HTTP 200 (attempt 1, ") !=
        std::string::npos);
}

TEST_CASE(
    "a stream answered 200 with a JSON object that is no error is a Protocol "
    "error naming the content type",
    "[reliability]") {
  RawServer server(
      "HTTP/1.1 200 OK\r\nContent-Type: application/json\r\n"
      "Content-Length: 10\r\nConnection: close\r\n\r\n{\"id\":\"x\"}");
  auto o = fake_gateway_options(server.base_url(), "sk-raw");
  o.max_retries = 0;
  bg::Client client(o);
  const Drained got = drain(client.stream(request()));
  REQUIRE(got.error);
  INFO(got.error->to_string());
  CHECK(got.error->code() == bg::ErrorCode::Protocol);
  CHECK(got.error->message().find("expected a text/event-stream answer") !=
        std::string::npos);
  CHECK(got.error->message().find("application/json") != std::string::npos);
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

TEST_CASE("a batch's call options reach every item", "[reliability]") {
  bg::Client client(options());
  bg::BatchOptions batch;
  batch.call = scenario("slow", {{"x-fake-delay-ms", "1000"}});
  batch.call.timeout = 200ms;
  batch.call.max_retries = 0;
  const auto start = Clock::now();
  const auto results = client.complete_many(
      std::vector<bg::CompletionRequest>(6, request()), batch);
  CHECK(Clock::now() - start < 900ms);
  for (const auto& result : results) {
    REQUIRE_FALSE(result);
    CHECK(result.error().code() == bg::ErrorCode::Timeout);
  }
}

TEST_CASE("cancelling a batch ends every item promptly, started or not",
          "[reliability]") {
  bg::Client client(options());
  bg::CancellationSource source;
  bg::BatchOptions batch;
  batch.max_concurrency = 4;
  batch.call = scenario("slow", {{"x-fake-delay-ms", "3000"}});
  batch.call.cancellation = source.token();
  std::thread canceller([&] {
    std::this_thread::sleep_for(200ms);
    source.cancel();
  });
  const auto start = Clock::now();
  const auto results = client.complete_many(
      std::vector<bg::CompletionRequest>(40, request()), batch);
  const auto took = Clock::now() - start;
  canceller.join();
  CHECK(took < 1500ms);
  REQUIRE(results.size() == 40);
  for (const auto& result : results) {
    REQUIRE_FALSE(result);
    CHECK(result.error().code() == bg::ErrorCode::Cancelled);
  }
  // The connection slots came back.
  CHECK(client.complete(request()));
}

TEST_CASE(
    "cancelling a batch that waits to start its next item ends it at once",
    "[reliability]") {
  // Paced to one start a minute, the batch sleeps with no transfer in
  // flight (nothing else would wake it for up to a second): only the
  // cancellation itself can wake it promptly.
  bg::Client client(options());
  bg::CancellationSource source;
  bg::BatchOptions batch;
  batch.max_requests_per_minute = 1;
  batch.call.cancellation = source.token();
  std::atomic<Clock::rep> cancelled_at{0};
  std::thread canceller([&] {
    std::this_thread::sleep_for(150ms);
    cancelled_at = Clock::now().time_since_epoch().count();
    source.cancel();
  });
  const auto results = client.complete_many(
      std::vector<bg::CompletionRequest>(3, request()), batch);
  const auto ended = Clock::now();
  canceller.join();
  const auto after_cancel =
      ended - Clock::time_point(Clock::duration(cancelled_at.load()));
  CAPTURE(std::chrono::duration_cast<std::chrono::milliseconds>(after_cancel)
              .count());
  CHECK(after_cancel < 450ms);
  REQUIRE(results.size() == 3);
  CHECK(results[0]);
  for (std::size_t i = 1; i < 3; ++i) {
    REQUIRE_FALSE(results[i]);
    CHECK(results[i].error().code() == bg::ErrorCode::Cancelled);
  }
}

namespace {

/// What the code in `run` wrote to stderr (file descriptor 2).
template <typename Run>
std::string stderr_of(Run&& run) {
  std::fflush(stderr);
  char path[] = "/tmp/budgateway-stderr-XXXXXX";
  const int file = mkstemp(path);
  const int saved = dup(2);
  dup2(file, 2);
  run();
  std::fflush(stderr);
  dup2(saved, 2);
  close(saved);
  std::string text;
  char buffer[4096];
  lseek(file, 0, SEEK_SET);
  for (ssize_t n; (n = read(file, buffer, sizeof(buffer))) > 0;) {
    text.append(buffer, static_cast<std::size_t>(n));
  }
  close(file);
  unlink(path);
  return text;
}

}  // namespace

TEST_CASE("BUD_LOG=debug logs each attempt and the failure to stderr, no key",
          "[reliability][logging]") {
  const std::string key = "sk-logged/key+1=";
  setenv("BUD_LOG", "debug", 1);
  auto o = options();
  o.api_key = key;
  o.max_retries = 1;
  bg::Client client(o);
  unsetenv("BUD_LOG");
  const std::string log = stderr_of([&] {
    const auto result = client.complete(
        request(),
        with_id(scenario("error", {{"x-fake-status", "503"},
                                   {"x-fake-error-message", "no " + key}}),
                "logged-1"));
    CHECK_FALSE(result);
  });
  INFO(log);
  CHECK(log.find("budgateway debug: POST " +
                 FakeGatewayProcess::shared().base_url() +
                 "/completions -> HTTP 503 (attempt 1, ") != std::string::npos);
  CHECK(log.find("(attempt 2, ") != std::string::npos);
  CHECK(log.find("[request id logged-1]") != std::string::npos);
  CHECK(log.find("budgateway info: POST") != std::string::npos);  // the retry
  CHECK(log.find("budgateway warning: POST") != std::string::npos);
  CHECK(log.find("sk-logged") == std::string::npos);
}

TEST_CASE("a given logger gets the lines; BUD_LOG=warning keeps stderr quiet",
          "[reliability][logging]") {
  std::vector<std::string> lines;
  auto o = options();
  o.max_retries = 0;
  o.logger = [&](bg::LogLevel, std::string_view line) {
    lines.emplace_back(line);
  };
  setenv("BUD_LOG", "warning", 1);
  bg::Client with_logger(o);
  o.logger = nullptr;
  bg::Client quiet(o);
  unsetenv("BUD_LOG");
  const std::string log = stderr_of([&] {
    CHECK(with_logger.complete(request()));
    CHECK(quiet.complete(request()));
  });
  CHECK(log.empty());
  REQUIRE(lines.size() == 1);
  CHECK(lines[0].find("-> HTTP 200 (attempt 1, ") != std::string::npos);
}

TEST_CASE("a stream that fails is logged", "[reliability][logging]") {
  std::vector<std::string> lines;
  auto o = options();
  o.logger = [&](bg::LogLevel level, std::string_view line) {
    if (level == bg::LogLevel::Warning) lines.emplace_back(line);
  };
  bg::Client client(o);
  const Drained got = drain(client.stream(request(), scenario("stream_cut")));
  REQUIRE(got.error);
  REQUIRE(lines.size() == 1);
  CHECK(lines[0].find("(stream) failed: Connection") != std::string::npos);
}

TEST_CASE("complete() and streams report where their time went",
          "[reliability][timing]") {
  bg::Client client(options());
  const auto result = client.complete(request());
  REQUIRE(result);
  REQUIRE(result->timing());
  const bg::Timing& t = *result->timing();
  CHECK(t.queued <= t.connect);
  CHECK(t.connect <= t.first_byte);
  CHECK(t.first_byte <= t.total);
  CHECK(t.total > std::chrono::microseconds{0});
  CHECK(t.total < std::chrono::seconds{10});

  auto stream = client.stream(
      request(), scenario("ok", {{"x-fake-chunk-delay-ms", "20"}}));
  CHECK_FALSE(stream.timing());  // nothing read yet
  const auto folded = stream.collect();
  REQUIRE(folded);
  REQUIRE(stream.timing());
  const bg::Timing s = *stream.timing();
  CHECK(s.first_byte <= s.first_token);
  CHECK(s.first_token + std::chrono::milliseconds(20) <= s.total);
  REQUIRE(folded->timing());
  CHECK(folded->timing()->first_token == s.first_token);
}
