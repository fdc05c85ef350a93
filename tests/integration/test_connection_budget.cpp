// Copyright 2026 The budgateway Authors. SPDX-License-Identifier: Apache-2.0
// ClientOptions::max_connections bounds a Client's transfers in flight across
// sync calls, streams, batches and async calls together.
#include <budgateway/budgateway.hpp>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <future>
#include <memory>
#include <optional>
#include <thread>
#include <vector>

#include "catch.hpp"
#include "fake_gateway_process.hpp"
#include "integration_helpers.hpp"

namespace bg = budgateway;
using budgateway::testing::FakeGatewayProcess;
using budgateway::testing::scenario;
using namespace std::chrono_literals;

namespace {

constexpr auto kSlowMs = 300ms;

bg::Client client_with(std::size_t max_connections) {
  bg::ClientOptions options;
  options.base_url = FakeGatewayProcess::shared().base_url();
  options.api_key = "sk-budget-test";
  options.max_connections = max_connections;
  return bg::Client(options);
}

bg::CompletionRequest request() {
  bg::CompletionRequest r;
  r.model = "gpt-3.5-turbo-instruct";
  r.prompt = "budget";
  r.max_tokens = 2;
  return r;
}

bg::CallOptions slow() {
  return scenario("slow", {{"x-fake-delay-ms", "300"}});
}

std::chrono::steady_clock::duration since(
    std::chrono::steady_clock::time_point start) {
  return std::chrono::steady_clock::now() - start;
}

}  // namespace

TEST_CASE("sync calls from many threads share max_connections") {
  bg::Client client = client_with(2);
  const auto start = std::chrono::steady_clock::now();
  std::vector<std::thread> threads;
  std::atomic<int> ok{0};
  for (int i = 0; i < 6; ++i) {
    threads.emplace_back([&] {
      if (client.complete(request(), slow())) ++ok;
    });
  }
  for (auto& thread : threads) thread.join();
  CHECK(ok == 6);
  // Six 300 ms calls, two at a time, cannot end before three rounds.
  CHECK(since(start) >= 3 * kSlowMs - 50ms);
}

TEST_CASE("async calls share max_connections too") {
  bg::Client client = client_with(2);
  const auto start = std::chrono::steady_clock::now();
  std::vector<std::future<bg::Result<bg::CompletionResponse>>> futures;
  for (int i = 0; i < 6; ++i)
    futures.push_back(client.complete_async(request(), slow()));
  for (auto& future : futures) CHECK(future.get());
  CHECK(since(start) >= 3 * kSlowMs - 50ms);
}

TEST_CASE(
    "with every connection held, a call fails after its timeout instead of "
    "hanging") {
  bg::Client client = client_with(1);
  std::optional<bg::CompletionStream> held;
  held.emplace(client.stream(
      request(), scenario("stream_idle", {{"x-fake-idle-ms", "10000"}})));
  REQUIRE(*held->begin());
  bg::CallOptions call;
  call.timeout = 200ms;
  auto result = client.complete(request(), call);
  REQUIRE_FALSE(result);
  CHECK(result.error().code() == bg::ErrorCode::Timeout);
  CHECK(result.error().message().find("max_connections") != std::string::npos);
  CHECK(result.error().attempts() == 0);
  held.reset();  // the slot is free again
  CHECK(client.complete(request()));
}

TEST_CASE(
    "with every connection held, a stream fails after its timeout and a "
    "cancelled wait says Cancelled") {
  bg::Client client = client_with(1);
  std::optional<bg::CompletionStream> held;
  held.emplace(client.stream(
      request(), scenario("stream_idle", {{"x-fake-idle-ms", "10000"}})));
  REQUIRE(*held->begin());

  bg::CallOptions call;
  call.timeout = 200ms;
  auto stream = client.stream(request(), call);
  std::vector<bg::Result<bg::CompletionChunk>> elements;
  for (auto& element : stream) elements.push_back(element);
  REQUIRE(elements.size() == 1);
  REQUIRE_FALSE(elements[0]);
  CHECK(elements[0].error().code() == bg::ErrorCode::Timeout);
  CHECK(elements[0].error().message().find("max_connections") !=
        std::string::npos);
  CHECK(elements[0].error().attempts() == 0);

  bg::CancellationSource source;
  bg::CallOptions cancellable;
  cancellable.cancellation = source.token();
  std::thread canceller([&] {
    std::this_thread::sleep_for(100ms);
    source.cancel();
  });
  const auto start = std::chrono::steady_clock::now();
  const auto result = client.complete(request(), cancellable);
  canceller.join();
  REQUIRE_FALSE(result);
  CHECK(result.error().code() == bg::ErrorCode::Cancelled);
  CHECK(since(start) < 5s);  // not the default timeout of 600 s
  held.reset();
  CHECK(client.complete(request()));
}

TEST_CASE("async calls cancelled while waiting for a slot end at once") {
  bg::Client client = client_with(1);
  std::optional<bg::CompletionStream> held;
  held.emplace(client.stream(
      request(), scenario("stream_idle", {{"x-fake-idle-ms", "10000"}})));
  REQUIRE(*held->begin());
  bg::CancellationSource source;
  bg::CallOptions call;
  call.cancellation = source.token();
  auto future = client.complete_async(request(), call);
  // Shared: should the test fail, the handler may outlive this scope.
  auto stream_end =
      std::make_shared<std::promise<bg::Result<bg::CompletionResponse>>>();
  auto streamed = stream_end->get_future();
  bg::StreamHandler handler;
  handler.on_end = [stream_end](bg::Result<bg::CompletionResponse> result) {
    stream_end->set_value(std::move(result));
  };
  client.stream_async(request(), std::move(handler), call);
  // Both wait: the one slot is held for seconds yet.
  CHECK(future.wait_for(200ms) == std::future_status::timeout);
  source.cancel();
  REQUIRE(future.wait_for(2s) == std::future_status::ready);
  const auto result = future.get();
  REQUIRE_FALSE(result);
  CHECK(result.error().code() == bg::ErrorCode::Cancelled);
  REQUIRE(streamed.wait_for(2s) == std::future_status::ready);
  const auto ended = streamed.get();
  REQUIRE_FALSE(ended);
  CHECK(ended.error().code() == bg::ErrorCode::Cancelled);
}

TEST_CASE("a batch waits for slots that other calls hold") {
  bg::Client client = client_with(1);
  auto held = std::make_unique<bg::CompletionStream>(client.stream(
      request(), scenario("stream_idle", {{"x-fake-idle-ms", "10000"}})));
  REQUIRE(*held->begin());
  const auto start = std::chrono::steady_clock::now();
  std::thread releaser([&] {
    std::this_thread::sleep_for(kSlowMs);
    held.reset();
  });
  const auto results =
      client.complete_many(std::vector<bg::CompletionRequest>(5, request()));
  releaser.join();
  for (const auto& result : results) CHECK(result);
  CHECK(since(start) >= kSlowMs - 50ms);
}

TEST_CASE(
    "max_connections streams run at once and one more waits for a free slot") {
  // Each stream lasts about 3 s (12 segments 250 ms apart) and sends its
  // first event at once, so the first events show when each one started.
  constexpr std::size_t kBudget = 3;
  bg::Client client = client_with(kBudget);
  const auto start = std::chrono::steady_clock::now();
  std::vector<std::chrono::steady_clock::duration> first_event(kBudget + 1);
  std::vector<std::thread> threads;
  std::atomic<int> ok{0};
  for (std::size_t i = 0; i <= kBudget; ++i) {
    threads.emplace_back([&, i] {
      bg::CompletionRequest eight = request();
      eight.max_tokens = 8;
      auto stream = client.stream(
          eight, scenario("ok", {{"x-fake-chunk-delay-ms", "250"}}));
      auto it = stream.begin();
      first_event[i] = since(start);
      if (it == stream.end() || !*it) return;
      if (stream.collect()) ++ok;
    });
  }
  for (auto& thread : threads) thread.join();
  CHECK(ok == static_cast<int>(kBudget + 1));
  std::sort(first_event.begin(), first_event.end());
  const auto ms = [](auto duration) {
    return std::chrono::duration_cast<std::chrono::milliseconds>(duration)
        .count();
  };
  INFO("first events at " << ms(first_event[0]) << ", " << ms(first_event[1])
                          << ", " << ms(first_event[2]) << ", "
                          << ms(first_event[3]) << " ms");
  // All of the budget starts promptly...
  CHECK(first_event[kBudget - 1] < 1200ms);
  // ...and the one beyond it only once a stream has ended.
  CHECK(first_event[kBudget] >= 2000ms);
}

TEST_CASE("max_connections = 0 is taken as 1: calls run, one at a time") {
  bg::Client client = client_with(0);
  bg::CallOptions quick = slow();
  // Without a slot a call would wait out its timeout and fail.
  quick.timeout = 5s;
  const auto start = std::chrono::steady_clock::now();
  std::vector<std::thread> threads;
  std::atomic<int> ok{0};
  for (int i = 0; i < 2; ++i) {
    threads.emplace_back([&] {
      if (client.complete(request(), quick)) ++ok;
    });
  }
  for (auto& thread : threads) thread.join();
  CHECK(ok == 2);
  // Two 300 ms calls through one slot take two rounds.
  CHECK(since(start) >= 2 * kSlowMs - 50ms);
}
