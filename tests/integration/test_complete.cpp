// Copyright 2026 The budgateway Authors. SPDX-License-Identifier: Apache-2.0
// Client::complete() against the fake gateway on 127.0.0.1.
#include <budgateway/budgateway.hpp>

#include <atomic>
#include <chrono>
#include <mutex>
#include <regex>
#include <string>
#include <thread>
#include <vector>

#include "catch.hpp"
#include "fake_gateway_process.hpp"
#include "integration_helpers.hpp"
#include "test_http.hpp"

namespace bg = budgateway;
using budgateway::testing::fake_gateway_options;
using budgateway::testing::FakeGatewayProcess;
using budgateway::testing::Json;
using budgateway::testing::scenario;
using namespace std::chrono_literals;

namespace {

constexpr const char* kKey = "sk-test-key-0123456789";

bg::ClientOptions options_for(const FakeGatewayProcess& gateway) {
  return fake_gateway_options(gateway.base_url(), kKey);
}

bg::Client client() {
  return bg::Client(options_for(FakeGatewayProcess::shared()));
}

bg::CompletionRequest simple_request() {
  bg::CompletionRequest request;
  request.model = "gpt-3.5-turbo-instruct";
  request.prompt = "Write a tagline for an ice cream shop.";
  request.max_tokens = 5;
  return request;
}

bg::CallOptions error_scenario(int status, const char* shape,
                               bg::HeaderList more = {}) {
  more.emplace_back("x-fake-status", std::to_string(status));
  more.emplace_back("x-fake-error-shape", shape);
  return scenario("error", std::move(more));
}

std::string stats_attempts(const std::string& request_id) {
  Json stats(budgateway::testing::http_get(
      FakeGatewayProcess::shared().origin() + "/_stats?id=" + request_id));
  return std::to_string(int64_t(stats.root()["attempts"]));
}

/// The echo scenario's record of what the server received.
struct Echo {
  explicit Echo(const bg::CompletionResponse& response)
      : doc(response.raw_json()) {}
  std::string header(const char* name) const {
    auto value = doc.root()["echo"]["headers"][name];
    return value.error() ? std::string("<absent>")
                         : std::string(std::string_view(value));
  }
  std::string body() const {
    return std::string(std::string_view(doc.root()["echo"]["body"]));
  }
  std::string query() const {
    return std::string(std::string_view(doc.root()["echo"]["query"]));
  }
  Json doc;
};

}  // namespace

TEST_CASE(
    "a completion is parsed into typed fields with headers and raw JSON") {
  auto result = client().complete(simple_request());
  REQUIRE(result);
  CHECK(result->object == "text_completion");
  CHECK(result->model == "gpt-3.5-turbo-instruct");
  CHECK(result->created == 1699000000);
  REQUIRE(result->choices.size() == 1);
  CHECK_FALSE(result->choices[0].text.empty());
  CHECK(result->choices[0].index == 0);
  REQUIRE(result->choices[0].finish_reason);
  CHECK_FALSE(result->choices[0].logprobs);
  REQUIRE(result->usage);
  CHECK(result->usage->total_tokens ==
        result->usage->prompt_tokens + result->usage->completion_tokens);
  CHECK(result->raw_json().find("\"text_completion\"") != std::string::npos);
  CHECK(result->headers().get("Content-Type"));
}

TEST_CASE(
    "the request carries exactly the typed fields, the SDK headers and the "
    "caller's") {
  bg::CompletionRequest request = simple_request();
  request.temperature = 0.7;
  request.stop = std::vector<std::string>{"\n", "END"};
  request.logit_bias = {{50256, -100.0}};
  request.n = 2;
  bg::ClientOptions options = options_for(FakeGatewayProcess::shared());
  options.default_headers = {{"x-team", "search"}, {"x-override-me", "client"}};
  bg::Client custom(options);
  auto result = custom.complete(
      request,
      scenario("echo", {{"x-override-me", "call"}, {"x-call-only", "1"}}));
  REQUIRE(result);
  Echo echo(*result);
  CHECK(
      echo.body() ==
      R"({"model":"gpt-3.5-turbo-instruct","prompt":"Write a tagline for an ice cream shop.",)"
      R"("max_tokens":5,"temperature":0.7,"n":2,"stop":["\n","END"],"logit_bias":{"50256":-100}})");
  CHECK(echo.header("authorization") == std::string("Bearer ") + kKey);
  CHECK(echo.header("content-type") == "application/json");
  CHECK(echo.header("accept") == "application/json");
  CHECK(echo.header("user-agent") ==
        std::string("budgateway-cpp/") + bg::kVersion);
  CHECK(std::regex_match(echo.header("x-request-id"),
                         std::regex("[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-["
                                    "89ab][0-9a-f]{3}-[0-9a-f]{12}")));
  CHECK(echo.header("x-team") == "search");
  CHECK(echo.header("x-override-me") == "call");
  CHECK(echo.header("x-call-only") == "1");
  CHECK(echo.header("expect") == "<absent>");
  REQUIRE(result->choices.size() == 2);
}

TEST_CASE(
    "every request gets a fresh request id, and the caller's own id wins") {
  auto first = client().complete(simple_request(), scenario("echo"));
  auto second = client().complete(simple_request(), scenario("echo"));
  REQUIRE(first);
  REQUIRE(second);
  CHECK(Echo(*first).header("x-request-id") !=
        Echo(*second).header("x-request-id"));
  auto mine = client().complete(
      simple_request(), scenario("echo", {{"X-Request-Id", "trace-me-42"}}));
  REQUIRE(mine);
  CHECK(Echo(*mine).header("x-request-id") == "trace-me-42");
}

TEST_CASE("retries keep one request id and stop at the first success") {
  bg::CallOptions call =
      scenario("fail_then_ok", {{"x-fake-fail-count", "2"},
                                {"x-fake-status", "503"},
                                {"x-fake-error-shape", "provider"},
                                {"x-request-id", "retry-same-id-1"}});
  auto ok = client().complete(simple_request(), call);
  REQUIRE(ok);
  CHECK(stats_attempts("retry-same-id-1") == "3");
}

TEST_CASE("the last error says how many attempts were made") {
  bg::CallOptions call =
      scenario("fail_then_ok", {{"x-fake-fail-count", "5"},
                                {"x-fake-status", "500"},
                                {"x-fake-error-shape", "llamacpp"},
                                {"x-request-id", "retry-exhausted-1"}});
  auto result = client().complete(simple_request(), call);
  REQUIRE_FALSE(result);
  CHECK(result.error().code() == bg::ErrorCode::Server);
  CHECK(result.error().attempts() == 3);
  CHECK(result.error().request_id() == "retry-exhausted-1");
  CHECK(stats_attempts("retry-exhausted-1") == "3");
  call.max_retries = 0;
  call.extra_headers.back().second = "retry-exhausted-2";
  auto once = client().complete(simple_request(), call);
  REQUIRE_FALSE(once);
  CHECK(once.error().attempts() == 1);
}

TEST_CASE("every error shape of the gateway maps to a typed error") {
  struct Case {
    int status;
    const char* shape;
    bg::ErrorCode code;
    const char* type;
    const char* api_code;
  };
  const Case cases[] = {
      {400, "flat", bg::ErrorCode::BadRequest, "", ""},
      {401, "nested_int", bg::ErrorCode::Authentication,
       "invalid_request_error", "401"},
      {404, "nested_int", bg::ErrorCode::NotFound, "invalid_request_error",
       "404"},
      {402, "quota", bg::ErrorCode::QuotaExceeded, "insufficient_quota", "402"},
      {403, "forbidden", bg::ErrorCode::PermissionDenied, "", "forbidden"},
      {409, "nested_int", bg::ErrorCode::Conflict, "invalid_request_error",
       "409"},
      {422, "nested_int", bg::ErrorCode::UnprocessableEntity,
       "invalid_request_error", "422"},
      {429, "rate_limit", bg::ErrorCode::RateLimited, "rate_limit_error",
       "rate_limit_exceeded"},
      {502, "provider", bg::ErrorCode::Server, "", ""},
      {500, "llamacpp", bg::ErrorCode::Server, "server_error", "500"},
      {400, "azure_content_filter", bg::ErrorCode::BadRequest, "",
       "content_filter"},
  };
  for (const Case& c : cases) {
    CAPTURE(c.status, c.shape);
    bg::CallOptions call = error_scenario(c.status, c.shape);
    call.max_retries = 0;
    auto result = client().complete(simple_request(), call);
    REQUIRE_FALSE(result);
    const bg::Error& error = result.error();
    CHECK(error.code() == c.code);
    CHECK(error.http_status() == c.status);
    CHECK_FALSE(error.message().empty());
    CHECK(error.type() == c.type);
    CHECK(error.api_code() == c.api_code);
    CHECK_FALSE(error.body().empty());
    CHECK_FALSE(error.request_id().empty());
    CHECK(error.attempts() == 1);
  }
}

TEST_CASE(
    "an HTML or empty error body still gives a clear message with the status") {
  for (const char* shape : {"html", "empty"}) {
    CAPTURE(shape);
    bg::CallOptions call = error_scenario(503, shape);
    call.max_retries = 0;
    auto result = client().complete(simple_request(), call);
    REQUIRE_FALSE(result);
    CHECK(result.error().code() == bg::ErrorCode::Server);
    CHECK(result.error().http_status() == 503);
    CHECK(result.error().message().find("503") != std::string::npos);
  }
}

TEST_CASE("402 and other 4xx are never retried, 429/5xx/408/409 are") {
  struct Case {
    int status;
    int attempts;
  };
  for (Case c :
       {Case{402, 1}, Case{400, 1}, Case{401, 1}, Case{403, 1}, Case{404, 1},
        Case{422, 1}, Case{408, 3}, Case{409, 3}, Case{429, 3}, Case{500, 3},
        Case{502, 3}, Case{503, 3}, Case{504, 3}}) {
    CAPTURE(c.status);
    auto result = client().complete(
        simple_request(), error_scenario(c.status, "nested_int",
                                         {{"x-fake-header-retry-after", "0"}}));
    REQUIRE_FALSE(result);
    CHECK(result.error().attempts() == c.attempts);
  }
}

TEST_CASE("x-should-retry overrides the status rule both ways") {
  auto forced = client().complete(
      simple_request(),
      error_scenario(400, "flat", {{"x-fake-header-x-should-retry", "true"}}));
  REQUIRE_FALSE(forced);
  CHECK(forced.error().attempts() == 3);
  auto vetoed = client().complete(
      simple_request(),
      error_scenario(503, "flat", {{"x-fake-header-x-should-retry", "false"}}));
  REQUIRE_FALSE(vetoed);
  CHECK(vetoed.error().attempts() == 1);
}

TEST_CASE(
    "Retry-After is honoured within the cap and returned at once beyond it") {
  SECTION("retry-after-ms within the cap is waited out") {
    const auto start = std::chrono::steady_clock::now();
    auto result = client().complete(
        simple_request(),
        scenario("fail_then_ok", {{"x-fake-status", "429"},
                                  {"x-fake-error-shape", "rate_limit"},
                                  {"x-fake-header-retry-after-ms", "300"}}));
    REQUIRE(result);
    CHECK(std::chrono::steady_clock::now() - start >= 290ms);
  }
  SECTION(
      "a wait beyond max_retry_after returns the error with retry_after set") {
    bg::ClientOptions options = options_for(FakeGatewayProcess::shared());
    options.max_retry_after = 2s;
    auto result = bg::Client(options).complete(
        simple_request(),
        error_scenario(429, "rate_limit", {{"x-fake-retry-after", "3600"}}));
    REQUIRE_FALSE(result);
    CHECK(result.error().attempts() == 1);
    REQUIRE(result.error().retry_after());
    CHECK(*result.error().retry_after() == 3600s);
  }
}

TEST_CASE("a slow answer past the attempt timeout is a Timeout") {
  bg::CallOptions call = scenario("slow", {{"x-fake-delay-ms", "3000"}});
  call.timeout = 200ms;
  call.max_retries = 1;
  const auto start = std::chrono::steady_clock::now();
  auto result = client().complete(simple_request(), call);
  REQUIRE_FALSE(result);
  CHECK(result.error().code() == bg::ErrorCode::Timeout);
  CHECK(result.error().attempts() == 2);
  CHECK(std::chrono::steady_clock::now() - start < 2500ms);
}

TEST_CASE("a truncated body is a Connection error with libcurl's reason") {
  bg::CallOptions call = scenario("truncated");
  call.max_retries = 0;
  auto result = client().complete(simple_request(), call);
  REQUIRE_FALSE(result);
  CHECK(result.error().code() == bg::ErrorCode::Connection);
  CHECK_FALSE(result.error().transport_detail().empty());
}

TEST_CASE(
    "a 200 that is not a completion is a Protocol error holding the body") {
  auto not_json = client().complete(simple_request(), scenario("not_json"));
  REQUIRE_FALSE(not_json);
  CHECK(not_json.error().code() == bg::ErrorCode::Protocol);
  CHECK(not_json.error().body().find("this is not json") != std::string::npos);
  CHECK(not_json.error().attempts() == 1);
  auto no_choices = client().complete(simple_request(), scenario("no_choices"));
  REQUIRE_FALSE(no_choices);
  CHECK(no_choices.error().code() == bg::ErrorCode::Protocol);
  CHECK(no_choices.error().http_status() == 200);
}

TEST_CASE("lenient reading: chat-style logprobs and unknown finish reasons") {
  auto chat = client().complete(simple_request(), scenario("chat_logprobs"));
  REQUIRE(chat);
  CHECK_FALSE(chat->choices.at(0).logprobs);
  CHECK(chat->raw_json().find("\"content\"") != std::string::npos);
  auto odd =
      client().complete(simple_request(), scenario("unknown_finish_reason"));
  REQUIRE(odd);
  REQUIRE(odd->choices.at(0).finish_reason);
  CHECK(*odd->choices.at(0).finish_reason == bg::FinishReason::Other);
  CHECK(odd->choices.at(0).finish_reason->str() == "eos_token");
}

TEST_CASE("legacy logprobs are parsed when requested") {
  bg::CompletionRequest request = simple_request();
  request.logprobs = 2;
  auto result = client().complete(request);
  REQUIRE(result);
  REQUIRE(result->choices.at(0).logprobs);
  const bg::Logprobs& logprobs = *result->choices[0].logprobs;
  CHECK(logprobs.tokens.size() == 5);
  CHECK(logprobs.token_logprobs.size() == 5);
  CHECK(logprobs.top_logprobs.size() == 5);
  CHECK(logprobs.text_offset.size() == 5);
}

TEST_CASE("a gzip-encoded answer is decoded") {
  auto result = client().complete(simple_request(), scenario("gzip"));
  REQUIRE(result);
  CHECK(result->headers().get("content-encoding") ==
        std::optional<std::string_view>("gzip"));
  CHECK_FALSE(result->choices.at(0).text.empty());
}

TEST_CASE("response headers are readable, rate-limit headers included") {
  auto result =
      client().complete(simple_request(), scenario("rate_limit_headers"));
  REQUIRE(result);
  CHECK(result->headers().get("X-RateLimit-Limit"));
  CHECK(result->headers().get("x-ratelimit-remaining"));
}

TEST_CASE("a request id falls back to the one sent when the server sets none") {
  bg::CallOptions call = error_scenario(400, "flat");
  call.extra_headers.emplace_back("x-fake-echo-request-id", "0");
  call.extra_headers.emplace_back("x-request-id", "sent-id-7");
  auto result = client().complete(simple_request(), call);
  REQUIRE_FALSE(result);
  CHECK(result.error().request_id() == "sent-id-7");
}

TEST_CASE("a refused connection is a retried Connection error") {
  bg::ClientOptions options;
  options.base_url = "http://127.0.0.1:1/v1";
  options.api_key = kKey;
  options.initial_backoff = 1ms;
  auto result = bg::Client(options).complete(simple_request());
  REQUIRE_FALSE(result);
  CHECK(result.error().code() == bg::ErrorCode::Connection);
  CHECK(result.error().attempts() == 3);
  CHECK(result.error().http_status() == 0);
  CHECK_FALSE(result.error().transport_detail().empty());
  CHECK_FALSE(result.error().request_id().empty());
}

TEST_CASE("a transport error's detail is libcurl's own words, not its code's") {
  // libcurl's error buffer names what failed ("Failed to connect to
  // 127.0.0.1 port 1 ..."); the generic text of its code does not.
  bg::ClientOptions options;
  options.base_url = "http://127.0.0.1:1/v1";
  options.api_key = kKey;
  options.max_retries = 0;
  auto result = bg::Client(options).complete(simple_request());
  REQUIRE_FALSE(result);
  CHECK(result.error().code() == bg::ErrorCode::Connection);
  const std::string& detail = result.error().transport_detail();
  CAPTURE(detail);
  CHECK(detail != "Couldn't connect to server");
  CHECK(detail.find("port 1") != std::string::npos);
}

TEST_CASE(
    "bad options and requests are InvalidArgument before anything is sent") {
  SECTION("a base URL that is not http(s)") {
    bg::ClientOptions options;
    options.base_url = "ftp://example.com/v1";
    auto result = bg::Client(options).complete(simple_request());
    REQUIRE_FALSE(result);
    CHECK(result.error().code() == bg::ErrorCode::InvalidArgument);
    CHECK(result.error().attempts() == 0);
  }
  SECTION("an empty model") {
    bg::CompletionRequest request = simple_request();
    request.model.clear();
    auto result = client().complete(request);
    REQUIRE_FALSE(result);
    CHECK(result.error().code() == bg::ErrorCode::InvalidArgument);
  }
  SECTION("CR or LF in a header name or value") {
    bg::CallOptions call;
    call.extra_headers = {{"x-evil", "a\r\nInjected: yes"}};
    auto value = client().complete(simple_request(), call);
    REQUIRE_FALSE(value);
    CHECK(value.error().code() == bg::ErrorCode::InvalidArgument);
    bg::ClientOptions options = options_for(FakeGatewayProcess::shared());
    options.default_headers = {{"x-bad\nname", "v"}};
    auto name = bg::Client(options).complete(simple_request());
    REQUIRE_FALSE(name);
    CHECK(name.error().code() == bg::ErrorCode::InvalidArgument);
  }
  SECTION("invalid UTF-8 in the prompt") {
    bg::CompletionRequest request = simple_request();
    request.prompt = std::string("bad \xC3\x28 bytes");
    auto result = client().complete(request);
    REQUIRE_FALSE(result);
    CHECK(result.error().code() == bg::ErrorCode::InvalidArgument);
  }
}

TEST_CASE("the API key never appears in errors, exceptions or logs") {
  std::vector<std::string> lines;
  std::mutex lines_mutex;
  bg::ClientOptions options = options_for(FakeGatewayProcess::shared());
  options.api_key = "sk-secret-DO-NOT-LEAK";
  options.logger = [&](bg::LogLevel, std::string_view line) {
    std::lock_guard<std::mutex> lock(lines_mutex);
    lines.emplace_back(line);
  };
  bg::Client leaky(options);
  bg::CallOptions call =
      error_scenario(401, "nested_int",
                     {{"x-fake-error-message",
                       "Incorrect API key provided: sk-secret-DO-NOT-LEAK"}});
  call.max_retries = 1;
  auto result = leaky.complete(simple_request(), call);
  REQUIRE_FALSE(result);
  const std::string story = result.error().to_string() +
                            result.error().message() + result.error().body();
  CHECK(story.find("sk-secret-DO-NOT-LEAK") == std::string::npos);
  try {
    (void)result.value();
    FAIL("value() did not throw");
  } catch (const bg::Exception& e) {
    CHECK(std::string(e.what()).find("sk-secret-DO-NOT-LEAK") ==
          std::string::npos);
    CHECK(e.error().code() == bg::ErrorCode::Authentication);
  }
  auto retried = leaky.complete(simple_request(), error_scenario(503, "flat"));
  REQUIRE_FALSE(retried);
  REQUIRE_FALSE(lines.empty());
  for (const auto& line : lines)
    CHECK(line.find("sk-secret-DO-NOT-LEAK") == std::string::npos);
}

TEST_CASE(
    "the environment fills base URL and key; options beat the environment") {
  const std::string url = FakeGatewayProcess::shared().base_url();
  setenv("BUD_BASE_URL", url.c_str(), 1);
  setenv("BUD_API_KEY", "sk-from-env", 1);
  bg::Client from_env;
  CHECK(from_env.options().base_url == url);
  auto echoed = from_env.complete(simple_request(), scenario("echo"));
  REQUIRE(echoed);
  CHECK(Echo(*echoed).header("authorization") == "Bearer sk-from-env");
  bg::Client explicit_options({/*base_url=*/url, /*api_key=*/"sk-explicit"});
  auto explicit_echo =
      explicit_options.complete(simple_request(), scenario("echo"));
  REQUIRE(explicit_echo);
  CHECK(Echo(*explicit_echo).header("authorization") == "Bearer sk-explicit");
  unsetenv("BUD_BASE_URL");
  unsetenv("BUD_API_KEY");
  CHECK(bg::Client().options().base_url == "https://gateway.bud.studio/v1");
}

TEST_CASE("cancellation ends a blocked call promptly") {
  bg::CancellationSource source;
  bg::CallOptions call = scenario("slow", {{"x-fake-delay-ms", "5000"}});
  call.cancellation = source.token();
  std::thread canceller([&] {
    std::this_thread::sleep_for(150ms);
    source.cancel();
  });
  const auto start = std::chrono::steady_clock::now();
  auto result = client().complete(simple_request(), call);
  canceller.join();
  REQUIRE_FALSE(result);
  CHECK(result.error().code() == bg::ErrorCode::Cancelled);
  CHECK(std::chrono::steady_clock::now() - start < 2s);
}

TEST_CASE("one client serves many threads at once") {
  bg::Client shared = client();
  constexpr int kThreads = 8;
  constexpr int kCallsEach = 25;
  std::atomic<int> ok{0};
  std::vector<std::thread> threads;
  for (int t = 0; t < kThreads; ++t) {
    threads.emplace_back([&, copy = shared] {
      for (int i = 0; i < kCallsEach; ++i) {
        if (copy.complete(simple_request())) ++ok;
      }
    });
  }
  for (auto& thread : threads) thread.join();
  CHECK(ok == kThreads * kCallsEach);
}

TEST_CASE("sequential calls reuse one keep-alive connection") {
  FakeGatewayProcess gateway;
  bg::Client own(options_for(gateway));
  for (int i = 0; i < 20; ++i) REQUIRE(own.complete(simple_request()));
  Json stats(budgateway::testing::http_get(gateway.origin() + "/_stats"));
  CHECK(int64_t(stats.root()["requests"]) == 20);
  // One for the calls; /_stats's own GET may open another.
  CHECK(int64_t(stats.root()["connections"]) <= 2);
}

TEST_CASE("a batch reuses its connections across items and batches") {
  FakeGatewayProcess gateway;
  bg::Client own(options_for(gateway));
  std::vector<bg::CompletionRequest> requests(200, simple_request());
  for (int round = 0; round < 2; ++round) {
    for (const auto& result :
         own.complete_many(requests, {.max_concurrency = 8})) {
      REQUIRE(result);
    }
  }
  Json stats(budgateway::testing::http_get(gateway.origin() + "/_stats"));
  CHECK(int64_t(stats.root()["requests"]) == 400);
  // About one connection per concurrent transfer, not one per request: a
  // connection still closing when the next transfer starts may add one.
  CHECK(int64_t(stats.root()["connections"]) <= 16);
}

TEST_CASE(
    "a large body is sent at once, without an Expect: 100-continue wait") {
  bg::CompletionRequest request = simple_request();
  request.prompt = std::string(200 * 1024, 'a');
  auto result = client().complete(request, scenario("echo"));
  REQUIRE(result);
  Echo echo(*result);
  CHECK(echo.header("expect") == "<absent>");
  CHECK(echo.body().size() > 200 * 1024);
}

TEST_CASE("the request id the SDK generates is kept across retries") {
  // No x-request-id of our own: fail_then_ok counts attempts per id, so the
  // third attempt succeeds only if all three carried the same generated id.
  FakeGatewayProcess gateway;
  auto result =
      bg::Client(options_for(gateway))
          .complete(simple_request(),
                    scenario("fail_then_ok", {{"x-fake-fail-count", "2"},
                                              {"x-fake-status", "503"}}));
  REQUIRE(result);
  const auto echoed = result->headers().get("x-request-id");
  REQUIRE(echoed);
  const std::string id(*echoed);
  CHECK(result->id == "cmpl-" + id);
  Json stats(
      budgateway::testing::http_get(gateway.origin() + "/_stats?id=" + id));
  CHECK(int64_t(stats.root()["attempts"]) == 3);
  Json totals(budgateway::testing::http_get(gateway.origin() + "/_stats"));
  CHECK(int64_t(totals.root()["requests"]) == 3);
}

TEST_CASE("a unary body over max_response_bytes is a Protocol error") {
  auto whole = client().complete(simple_request());
  REQUIRE(whole);
  const std::size_t size = whole->raw_json().size();
  bg::ClientOptions options = options_for(FakeGatewayProcess::shared());
  options.max_response_bytes = size;
  auto at_limit = bg::Client(options).complete(simple_request());
  CHECK(at_limit);
  options.max_response_bytes = size - 1;
  auto over = bg::Client(options).complete(simple_request());
  REQUIRE_FALSE(over);
  CHECK(over.error().code() == bg::ErrorCode::Protocol);
  CHECK(over.error().message().find(std::to_string(size - 1)) !=
        std::string::npos);
  CHECK(over.error().attempts() == 1);
}

TEST_CASE("cancelling during a retry wait ends a complete() call promptly") {
  // Both waits are 5 s: a wait that ignores the token ends far too late.
  bg::ClientOptions options = options_for(FakeGatewayProcess::shared());
  options.initial_backoff = 5s;
  options.max_backoff = 5s;
  options.backoff_jitter = 0;
  bg::Client slow_retries(options);
  struct Case {
    const char* name;
    bg::CallOptions call;
  };
  for (const Case& c :
       {Case{"back-off", error_scenario(503, "flat")},
        Case{"Retry-After", error_scenario(429, "rate_limit",
                                           {{"x-fake-retry-after", "5"}})}}) {
    CAPTURE(c.name);
    bg::CancellationSource source;
    bg::CallOptions call = c.call;
    call.cancellation = source.token();
    std::thread canceller([&] {
      std::this_thread::sleep_for(300ms);
      source.cancel();
    });
    const auto start = std::chrono::steady_clock::now();
    auto result = slow_retries.complete(simple_request(), call);
    canceller.join();
    REQUIRE_FALSE(result);
    CHECK(result.error().code() == bg::ErrorCode::Cancelled);
    CHECK(result.error().attempts() == 1);
    CHECK(std::chrono::steady_clock::now() - start < 2s);
  }
}
