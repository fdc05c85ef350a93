// Copyright 2026 The budgateway Authors. SPDX-License-Identifier: Apache-2.0
// complete_async / stream_async on the Client's event loop, and one Client
// used from many threads at once.
#include <budgateway/budgateway.hpp>

#include <atomic>
#include <chrono>
#include <condition_variable>
#include <future>
#include <mutex>
#include <optional>
#include <set>
#include <stdexcept>
#include <thread>
#include <vector>

#include "catch.hpp"
#include "fake_gateway_process.hpp"
#include "integration_helpers.hpp"

namespace bg = budgateway;
using budgateway::testing::fake_gateway_options;
using budgateway::testing::FakeGatewayProcess;
using budgateway::testing::scenario;
using namespace std::chrono_literals;

namespace {

bg::ClientOptions options() {
  return fake_gateway_options(FakeGatewayProcess::shared().base_url(),
                              "sk-async-test");
}

bg::CompletionRequest request(int max_tokens = 6) {
  bg::CompletionRequest r;
  r.model = "gpt-3.5-turbo-instruct";
  r.prompt = "The quick brown fox";
  r.max_tokens = max_tokens;
  return r;
}

/// Collects one async stream's callbacks and lets a test wait for its end.
struct StreamProbe {
  std::mutex mutex;
  std::condition_variable ended;
  std::vector<std::string> texts;
  std::set<std::thread::id> threads;
  std::optional<bg::Result<bg::CompletionResponse>> end;
  int ends = 0;

  bg::StreamHandler handler() {
    return {.on_chunk =
                [this](const bg::CompletionChunk& chunk) {
                  std::lock_guard<std::mutex> lock(mutex);
                  threads.insert(std::this_thread::get_id());
                  for (const auto& choice : chunk.choices)
                    texts.push_back(choice.text);
                },
            .on_end =
                [this](bg::Result<bg::CompletionResponse> result) {
                  std::lock_guard<std::mutex> lock(mutex);
                  threads.insert(std::this_thread::get_id());
                  end.emplace(std::move(result));
                  ++ends;
                  ended.notify_all();
                }};
  }
  bool wait(std::chrono::milliseconds limit = 20s) {
    std::unique_lock<std::mutex> lock(mutex);
    return ended.wait_for(lock, limit, [&] { return ends > 0; });
  }
};

}  // namespace

TEST_CASE("complete_async futures hold the same answers as complete()") {
  bg::Client client(options());
  const auto expected = client.complete(request());
  REQUIRE(expected);
  std::vector<std::future<bg::Result<bg::CompletionResponse>>> futures;
  for (int i = 0; i < 100; ++i)
    futures.push_back(client.complete_async(request()));
  for (auto& future : futures) {
    auto result = future.get();
    REQUIRE(result);
    CHECK(result->choices.at(0).text == expected->choices.at(0).text);
  }
}

TEST_CASE(
    "complete_async retries on the loop's timers and reports typed errors") {
  bg::Client client(options());
  auto ok = client.complete_async(
      request(), scenario("fail_then_ok", {{"x-fake-fail-count", "2"},
                                           {"x-fake-status", "502"}}));
  auto failing = client.complete_async(
      request(), scenario("error", {{"x-fake-status", "500"}}));
  auto invalid = client.complete_async(bg::CompletionRequest{});
  CHECK(ok.get());
  auto error = failing.get();
  REQUIRE_FALSE(error);
  CHECK(error.error().code() == bg::ErrorCode::Server);
  CHECK(error.error().attempts() == 3);
  auto rejected = invalid.get();
  REQUIRE_FALSE(rejected);
  CHECK(rejected.error().code() == bg::ErrorCode::InvalidArgument);
}

TEST_CASE(
    "stream_async delivers every chunk, then one end, on the loop thread") {
  bg::Client client(options());
  const auto unary = client.complete(request(12));
  REQUIRE(unary);
  StreamProbe probe;
  client.stream_async(request(12), probe.handler());
  REQUIRE(probe.wait());
  std::lock_guard<std::mutex> lock(probe.mutex);
  CHECK(probe.ends == 1);
  REQUIRE(*probe.end);
  CHECK((*probe.end)->choices.at(0).text == unary->choices.at(0).text);
  std::string joined;
  for (const auto& text : probe.texts) joined += text;
  CHECK(joined == unary->choices.at(0).text);
  CHECK(probe.threads.size() == 1);
  CHECK(probe.threads.count(std::this_thread::get_id()) == 0);
}

TEST_CASE("async calls report where their time went, from when they were made",
          "[timing]") {
  bg::Client client(options());
  auto check = [](const bg::Timing& t) {
    CHECK(t.queued <= t.connect);
    CHECK(t.connect <= t.first_byte);
    CHECK(t.first_byte <= t.total);
    CHECK(t.total > std::chrono::microseconds{0});
    // Measured from the call, not from some earlier epoch of the clock.
    CHECK(t.total < std::chrono::seconds{10});
  };
  const auto unary = client.complete_async(request()).get();
  REQUIRE(unary);
  REQUIRE(unary->timing());
  check(*unary->timing());

  StreamProbe probe;
  client.stream_async(request(), probe.handler());
  REQUIRE(probe.wait());
  std::lock_guard<std::mutex> lock(probe.mutex);
  REQUIRE(*probe.end);
  REQUIRE((*probe.end)->timing());
  const bg::Timing& t = *(*probe.end)->timing();
  check(t);
  CHECK(t.first_byte <= t.first_token);
  CHECK(t.first_token <= t.total);
}

TEST_CASE("stream_async ends with the stream's error") {
  bg::Client client(options());
  StreamProbe probe;
  client.stream_async(request(), probe.handler(), scenario("stream_cut"));
  REQUIRE(probe.wait());
  std::lock_guard<std::mutex> lock(probe.mutex);
  REQUIRE_FALSE(*probe.end);
  CHECK(probe.end->error().code() == bg::ErrorCode::Connection);
}

TEST_CASE("a StreamHandler callback that throws still gets exactly one end") {
  bg::Client client(options());
  SECTION("on_chunk throws: the stream ends with an error") {
    StreamProbe probe;
    bg::StreamHandler handler = probe.handler();
    int chunks = 0;
    handler.on_chunk = [&chunks](const bg::CompletionChunk&) {
      ++chunks;
      throw std::runtime_error("handler failed");
    };
    client.stream_async(request(12), std::move(handler));
    REQUIRE(probe.wait());
    std::this_thread::sleep_for(300ms);  // room for a second, wrong end
    std::lock_guard<std::mutex> lock(probe.mutex);
    CHECK(probe.ends == 1);
    CHECK(chunks == 1);
    REQUIRE(probe.end);
    CHECK_FALSE(*probe.end);
  }
  SECTION("on_end throws: it is not called again") {
    std::atomic<int> ends{0};
    std::promise<void> first_end;
    client.stream_async(request(),
                        {.on_end = [&](bg::Result<bg::CompletionResponse>) {
                          if (++ends == 1) first_end.set_value();
                          throw std::runtime_error("on_end failed");
                        }});
    REQUIRE(first_end.get_future().wait_for(20s) == std::future_status::ready);
    std::this_thread::sleep_for(300ms);
    CHECK(ends == 1);
  }
  // The loop thread survived both: the next stream still works.
  StreamProbe after;
  client.stream_async(request(), after.handler());
  REQUIRE(after.wait());
  std::lock_guard<std::mutex> lock(after.mutex);
  CHECK(*after.end);
}

TEST_CASE("a thousand concurrent streams run on the one loop thread") {
  bg::ClientOptions o = options();
  o.max_connections = 1000;
  bg::Client client(o);
  constexpr int kStreams = 1000;
  std::mutex mutex;
  std::condition_variable all_done;
  int ended = 0;
  int succeeded = 0;
  std::set<std::thread::id> threads;
  for (int i = 0; i < kStreams; ++i) {
    client.stream_async(request(4),
                        {.on_chunk =
                             [&](const bg::CompletionChunk&) {
                               std::lock_guard<std::mutex> lock(mutex);
                               threads.insert(std::this_thread::get_id());
                             },
                         .on_end =
                             [&](bg::Result<bg::CompletionResponse> result) {
                               std::lock_guard<std::mutex> lock(mutex);
                               ++ended;
                               if (result) ++succeeded;
                               all_done.notify_all();
                             }},
                        scenario("ok", {{"x-fake-chunk-delay-ms", "20"}}));
  }
  std::unique_lock<std::mutex> lock(mutex);
  REQUIRE(all_done.wait_for(lock, 60s, [&] { return ended == kStreams; }));
  CHECK(succeeded == kStreams);
  CHECK(threads.size() == 1);
}

TEST_CASE("destroying the last Client cancels async work in flight") {
  StreamProbe probe;
  std::future<bg::Result<bg::CompletionResponse>> pending;
  const auto start = std::chrono::steady_clock::now();
  {
    bg::Client client(options());
    pending = client.complete_async(
        request(), scenario("slow", {{"x-fake-delay-ms", "10000"}}));
    client.stream_async(request(), probe.handler(),
                        scenario("stream_idle", {{"x-fake-idle-ms", "10000"}}));
    std::this_thread::sleep_for(100ms);
  }
  REQUIRE(pending.wait_for(5s) == std::future_status::ready);
  auto result = pending.get();
  REQUIRE_FALSE(result);
  CHECK(result.error().code() == bg::ErrorCode::Cancelled);
  REQUIRE(probe.wait(5s));
  {
    std::lock_guard<std::mutex> lock(probe.mutex);
    REQUIRE_FALSE(*probe.end);
    CHECK(probe.end->error().code() == bg::ErrorCode::Cancelled);
  }
  CHECK(std::chrono::steady_clock::now() - start < 5s);
}

TEST_CASE(
    "a stream whose handler threw gives its connection slot back at once") {
  auto o = options();
  o.max_connections = 1;
  bg::Client client(o);
  StreamProbe probe;
  bg::StreamHandler handler = probe.handler();
  handler.on_chunk = [](const bg::CompletionChunk&) {
    throw std::runtime_error("handler failed");
  };
  client.stream_async(request(12), std::move(handler));
  REQUIRE(probe.wait());
  // The one slot is free as soon as the stream ended, not when the loop
  // next wakes (up to a second later).
  const auto start = std::chrono::steady_clock::now();
  const auto result = client.complete(request());
  CHECK(result);
  CHECK(std::chrono::steady_clock::now() - start < 500ms);
}

TEST_CASE("a handler that drops the last Client copy does not hang") {
  std::promise<void> ended;
  {
    auto client = std::make_shared<bg::Client>(options());
    auto held = std::make_shared<std::shared_ptr<bg::Client>>(client);
    client->stream_async(
        request(),
        {.on_end = [held, &ended](bg::Result<bg::CompletionResponse>) {
          held->reset();
          ended.set_value();
        }});
  }
  CHECK(ended.get_future().wait_for(10s) == std::future_status::ready);
}

TEST_CASE("cancellation ends an async call promptly") {
  bg::Client client(options());
  bg::CancellationSource source;
  bg::CallOptions call = scenario("slow", {{"x-fake-delay-ms", "10000"}});
  call.cancellation = source.token();
  auto future = client.complete_async(request(), call);
  StreamProbe probe;
  bg::CallOptions stream_call =
      scenario("stream_idle", {{"x-fake-idle-ms", "10000"}});
  stream_call.cancellation = source.token();
  client.stream_async(request(), probe.handler(), stream_call);
  std::this_thread::sleep_for(100ms);
  source.cancel();
  REQUIRE(future.wait_for(3s) == std::future_status::ready);
  CHECK(future.get().error().code() == bg::ErrorCode::Cancelled);
  REQUIRE(probe.wait(3s));
  std::lock_guard<std::mutex> lock(probe.mutex);
  CHECK(probe.end->error().code() == bg::ErrorCode::Cancelled);
}

TEST_CASE("cancelling during a retry wait ends async calls promptly") {
  // A 5 s back-off on the loop's timers: the token must end both calls
  // long before it is due.
  bg::ClientOptions slow_retries = options();
  slow_retries.initial_backoff = 5s;
  slow_retries.max_backoff = 5s;
  slow_retries.backoff_jitter = 0;
  bg::Client client(slow_retries);
  bg::CancellationSource source;
  bg::CallOptions call = scenario("error", {{"x-fake-status", "503"}});
  call.cancellation = source.token();
  const auto start = std::chrono::steady_clock::now();
  auto future = client.complete_async(request(), call);
  StreamProbe probe;
  client.stream_async(request(), probe.handler(), call);
  std::this_thread::sleep_for(300ms);
  source.cancel();
  REQUIRE(future.wait_for(3s) == std::future_status::ready);
  auto result = future.get();
  REQUIRE_FALSE(result);
  CHECK(result.error().code() == bg::ErrorCode::Cancelled);
  CHECK(result.error().attempts() == 1);
  REQUIRE(probe.wait(3s));
  CHECK(std::chrono::steady_clock::now() - start < 2s);
  std::lock_guard<std::mutex> lock(probe.mutex);
  CHECK(probe.ends == 1);
  REQUIRE_FALSE(*probe.end);
  CHECK(probe.end->error().code() == bg::ErrorCode::Cancelled);
}

TEST_CASE(
    "one Client serves complete, stream, complete_many and async from many "
    "threads") {
  bg::Client client(options());
  std::atomic<int> failures{0};
  std::vector<std::thread> threads;
  for (int t = 0; t < 2; ++t) {
    threads.emplace_back([&] {
      for (int i = 0; i < 20; ++i) {
        if (!client.complete(request())) ++failures;
      }
    });
    threads.emplace_back([&] {
      for (int i = 0; i < 10; ++i) {
        if (!client.stream(request()).collect()) ++failures;
      }
    });
    threads.emplace_back([&] {
      std::vector<bg::CompletionRequest> batch(30, request());
      for (const auto& result :
           client.complete_many(batch, {.max_concurrency = 8})) {
        if (!result) ++failures;
      }
    });
    threads.emplace_back([&] {
      std::vector<std::future<bg::Result<bg::CompletionResponse>>> futures;
      for (int i = 0; i < 30; ++i)
        futures.push_back(client.complete_async(request()));
      for (auto& future : futures) {
        if (!future.get()) ++failures;
      }
    });
  }
  for (auto& thread : threads) thread.join();
  CHECK(failures == 0);
}
