// Copyright 2026 The budgateway Authors. SPDX-License-Identifier: Apache-2.0
// A real Client refuses a request it cannot send before anything goes out,
// through every kind of call: nothing here opens a socket.
#include <budgateway/budgateway.hpp>

#include <chrono>
#include <future>
#include <optional>
#include <string>

#include "catch.hpp"

namespace bg = budgateway;

namespace {

bg::Client client() {
  bg::ClientOptions options;
  options.base_url = "http://127.0.0.1:9/v1";  // never reached
  options.api_key = "sk-unused";
  return bg::Client(options);
}

bg::CompletionRequest no_model() {
  bg::CompletionRequest request;
  request.prompt = "p";
  return request;
}

}  // namespace

TEST_CASE("a stream of an invalid request yields its one error and ends",
          "[client]") {
  auto stream = client().stream(no_model());
  CHECK_FALSE(stream.timing());
  CHECK(stream.headers().begin() == stream.headers().end());
  int elements = 0;
  for (auto& element : stream) {
    ++elements;
    REQUIRE_FALSE(element);
    CHECK(element.error().code() == bg::ErrorCode::InvalidArgument);
    CHECK(element.error().attempts() == 0);
  }
  CHECK(elements == 1);
  auto again = client().stream(no_model());
  const auto collected = again.collect();
  REQUIRE_FALSE(collected);
  CHECK(collected.error().code() == bg::ErrorCode::InvalidArgument);
}

TEST_CASE("complete_async of an invalid request is ready with its error",
          "[client]") {
  auto future = client().complete_async(no_model());
  REQUIRE(future.wait_for(std::chrono::seconds(0)) ==
          std::future_status::ready);
  const auto result = future.get();
  REQUIRE_FALSE(result);
  CHECK(result.error().code() == bg::ErrorCode::InvalidArgument);
}

TEST_CASE("stream_async of an invalid request ends at once, on_end or not",
          "[client]") {
  std::optional<bg::Result<bg::CompletionResponse>> ended;
  bg::StreamHandler handler;
  handler.on_end = [&](bg::Result<bg::CompletionResponse> result) {
    ended.emplace(std::move(result));
  };
  client().stream_async(no_model(), std::move(handler));
  // Called on this thread, before stream_async returned.
  REQUIRE(ended);
  REQUIRE_FALSE(*ended);
  CHECK(ended->error().code() == bg::ErrorCode::InvalidArgument);
  client().stream_async(no_model(), bg::StreamHandler{});  // nothing to call
}
