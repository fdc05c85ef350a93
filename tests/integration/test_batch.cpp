// Copyright 2026 The budgateway Authors. SPDX-License-Identifier: Apache-2.0
// Client::complete_many() against the fake gateway on 127.0.0.1.
#include <budgateway/budgateway.hpp>

#include <algorithm>
#include <chrono>
#include <cstddef>
#include <cstdint>
#include <set>
#include <string>
#include <vector>

#include "catch.hpp"
#include "fake_gateway_process.hpp"
#include "integration_helpers.hpp"
#include "test_http.hpp"

namespace bg = budgateway;
using budgateway::testing::fake_gateway_options;
using budgateway::testing::FakeGatewayProcess;
using budgateway::testing::Json;
using namespace std::chrono_literals;

namespace {

bg::Client client_for(const FakeGatewayProcess& gateway,
                      bg::HeaderList headers = {}) {
  bg::ClientOptions options =
      fake_gateway_options(gateway.base_url(), "sk-batch-test");
  options.default_headers = std::move(headers);
  return bg::Client(options);
}

std::vector<bg::CompletionRequest> numbered_requests(std::size_t count) {
  std::vector<bg::CompletionRequest> requests(count);
  for (std::size_t i = 0; i < count; ++i) {
    requests[i].model = "gpt-3.5-turbo-instruct";
    requests[i].prompt = "request number " + std::to_string(i);
    requests[i].max_tokens = 3;
  }
  return requests;
}

std::int64_t stat(const FakeGatewayProcess& gateway, const char* name) {
  Json stats(budgateway::testing::http_get(gateway.origin() + "/_stats"));
  return std::int64_t(stats.root()[name]);
}

}  // namespace

TEST_CASE("a batch answers every request in input order") {
  auto echo =
      client_for(FakeGatewayProcess::shared(), {{"x-fake-scenario", "echo"}});
  const auto requests = numbered_requests(300);
  const auto results = echo.complete_many(requests, {.max_concurrency = 16});
  REQUIRE(results.size() == requests.size());
  for (std::size_t i = 0; i < results.size(); ++i) {
    REQUIRE(results[i]);
    Json echoed(results[i]->raw_json());
    Json body(std::string_view(echoed.root()["echo"]["body"]));
    CHECK(std::string_view(body.root()["prompt"]) ==
          "request number " + std::to_string(i));
  }
}

TEST_CASE("a bad request fails alone and on_result sees every index once") {
  auto requests = numbered_requests(50);
  requests[7].model.clear();
  requests[31].prompt = std::string("\xFF not UTF-8");
  std::multiset<std::size_t> seen;
  const auto results =
      client_for(FakeGatewayProcess::shared())
          .complete_many(requests,
                         {.max_concurrency = 8,
                          .on_result = [&](std::size_t index, const auto&) {
                            seen.insert(index);
                          }});
  REQUIRE(seen.size() == 50);
  for (std::size_t i = 0; i < 50; ++i) CHECK(seen.count(i) == 1);
  for (std::size_t i = 0; i < results.size(); ++i) {
    CAPTURE(i);
    if (i == 7 || i == 31) {
      REQUIRE_FALSE(results[i]);
      CHECK(results[i].error().code() == bg::ErrorCode::InvalidArgument);
    } else {
      CHECK(results[i]);
    }
  }
}

TEST_CASE(
    "items are retried inside the batch and errors say how many attempts") {
  FakeGatewayProcess gateway;
  auto flaky = client_for(gateway, {{"x-fake-scenario", "fail_then_ok"},
                                    {"x-fake-fail-count", "1"},
                                    {"x-fake-status", "503"}});
  const auto results =
      flaky.complete_many(numbered_requests(40), {.max_concurrency = 8});
  for (const auto& result : results) CHECK(result);
  CHECK(stat(gateway, "requests") == 80);

  auto failing = client_for(
      gateway, {{"x-fake-scenario", "error"}, {"x-fake-status", "500"}});
  const auto failed = failing.complete_many(numbered_requests(5));
  for (const auto& result : failed) {
    REQUIRE_FALSE(result);
    CHECK(result.error().attempts() == 3);
    CHECK(result.error().code() == bg::ErrorCode::Server);
  }
}

TEST_CASE("an empty batch returns at once") {
  CHECK(client_for(FakeGatewayProcess::shared()).complete_many({}).empty());
}

TEST_CASE(
    "a rate-limited batch slows down as a whole and every item is answered") {
  // The limit is a third of what this build sends at a fixed concurrency
  // of 64 without one, measured first: a fast native build and a slow
  // sanitizer build on a loaded machine both exceed it threefold.
  bg::BatchOptions fixed;
  fixed.max_concurrency = 64;
  fixed.adapt_to_rate_limits = false;
  constexpr std::size_t kCalibration = 2000;
  double unlimited_rps = 0;
  {
    FakeGatewayProcess calibration;
    const auto start = std::chrono::steady_clock::now();
    (void)client_for(calibration, {})
        .complete_many(numbered_requests(kCalibration), fixed);
    const std::chrono::duration<double> took =
        std::chrono::steady_clock::now() - start;
    unlimited_rps = static_cast<double>(kCalibration) / took.count();
  }
  const auto limit =
      std::max<std::size_t>(20, static_cast<std::size_t>(unlimited_rps / 3));
  // About eight seconds of the limit, and the 10,000 at most.
  const std::size_t kItems = std::min<std::size_t>(10000, limit * 8);
  const std::vector<std::string> limits = {"--limit-rps", std::to_string(limit),
                                           "--limit-burst",
                                           std::to_string(limit)};
  const auto requests = numbered_requests(kItems);
  INFO("unlimited: " << unlimited_rps << " requests/s; limit " << limit
                     << "/s; " << kItems << " items");

  FakeGatewayProcess fixed_gateway(limits);
  (void)client_for(fixed_gateway, {{"x-fake-scenario", "limited"}})
      .complete_many(requests, fixed);
  const auto fixed_429s = stat(fixed_gateway, "rate_limited");

  FakeGatewayProcess adaptive_gateway(limits);
  const auto results =
      client_for(adaptive_gateway, {{"x-fake-scenario", "limited"}})
          .complete_many(requests, {.max_concurrency = 64});
  const auto adaptive_429s = stat(adaptive_gateway, "rate_limited");
  std::size_t ok = 0;
  for (const auto& result : results) ok += result ? 1U : 0U;
  INFO("429s with fixed concurrency: " << fixed_429s
                                       << ", adaptive: " << adaptive_429s);
  CHECK(ok == kItems);
  CHECK(adaptive_429s * 5 < fixed_429s);
}

TEST_CASE("a requests-per-minute budget paces the batch") {
  const auto start = std::chrono::steady_clock::now();
  const auto results = client_for(FakeGatewayProcess::shared())
                           .complete_many(numbered_requests(11),
                                          {.max_concurrency = 4,
                                           .max_requests_per_minute = 1200});
  // 11 starts at one per 50 ms take at least 500 ms.
  CHECK(std::chrono::steady_clock::now() - start >= 490ms);
  for (const auto& result : results) CHECK(result);
}

TEST_CASE("a batch pauses while X-RateLimit-Remaining is 0, until the reset") {
  // Every answer says the budget is spent until `reset` (whole Unix
  // seconds, 1-2 s from now); once that time has passed it means nothing.
  const auto wall_start = std::chrono::system_clock::now();
  const auto reset = std::chrono::duration_cast<std::chrono::seconds>(
                         wall_start.time_since_epoch()) +
                     2s;
  const auto pause = std::chrono::system_clock::time_point(reset) - wall_start;
  const bg::HeaderList spent = {
      {"x-fake-header-X-RateLimit-Limit", "100"},
      {"x-fake-header-X-RateLimit-Remaining", "0"},
      {"x-fake-header-X-RateLimit-Reset", std::to_string(reset.count())}};
  const auto start = std::chrono::steady_clock::now();
  const auto results =
      client_for(FakeGatewayProcess::shared(), spent)
          .complete_many(numbered_requests(4), {.max_concurrency = 1});
  const auto took = std::chrono::steady_clock::now() - start;
  for (const auto& result : results) CHECK(result);
  INFO("pause asked: "
       << std::chrono::duration_cast<std::chrono::milliseconds>(pause).count()
       << " ms, batch took "
       << std::chrono::duration_cast<std::chrono::milliseconds>(took).count()
       << " ms");
  CHECK(took >= pause - 50ms);
  CHECK(took < pause + 1500ms);

  // The same answers with a remaining budget, or with adaptation off, do
  // not pause at all.
  bg::HeaderList left = spent;
  left[1].second = "1";
  const auto unpaused_start = std::chrono::steady_clock::now();
  (void)client_for(FakeGatewayProcess::shared(), left)
      .complete_many(numbered_requests(4), {.max_concurrency = 1});
  (void)client_for(FakeGatewayProcess::shared(), spent)
      .complete_many(numbered_requests(4),
                     {.max_concurrency = 1, .adapt_to_rate_limits = false});
  CHECK(std::chrono::steady_clock::now() - unpaused_start < 800ms);
}

TEST_CASE("a batch's concurrency halves after 429s and grows back") {
  // One shared request id makes fail_then_ok count attempts across the
  // whole batch: the first 8 requests (the first wave) get a 429, every
  // later one succeeds after 40 ms. The fake records how many requests it
  // was handling as each arrived.
  constexpr std::size_t kConcurrency = 8;
  FakeGatewayProcess gateway;
  const auto results =
      client_for(gateway, {{"x-fake-scenario", "fail_then_ok"},
                           {"x-fake-fail-count", "8"},
                           {"x-fake-status", "429"},
                           {"x-fake-error-shape", "rate_limit"},
                           {"x-fake-retry-after", "0"},
                           {"x-fake-delay-ms", "40"},
                           {"x-request-id", "grow-back-batch"}})
          .complete_many(numbered_requests(200),
                         {.max_concurrency = kConcurrency});
  for (const auto& result : results) CHECK(result);
  Json arrivals(
      budgateway::testing::http_get(gateway.origin() + "/_stats?arrivals=1"));
  std::vector<std::int64_t> in_flight;
  for (const auto count : arrivals.root()["in_flight_at_arrival"].get_array()) {
    in_flight.push_back(std::int64_t(count));
  }
  REQUIRE(in_flight.size() == 208);
  const auto max_of = [&](std::ptrdiff_t first, std::ptrdiff_t last) {
    return *std::max_element(in_flight.begin() + first,
                             in_flight.begin() + last);
  };
  INFO("first wave " << max_of(0, 8) << ", right after the 429s "
                     << max_of(8, 12) << ", last 100 " << max_of(108, 208));
  CHECK(max_of(0, 8) >= 6);      // the batch did start wide
  CHECK(max_of(8, 12) <= 4);     // halved by the 429s
  CHECK(max_of(108, 208) >= 6);  // and grown back
}
