// Copyright 2026 The budgateway Authors. SPDX-License-Identifier: Apache-2.0
#include <budgateway/result.hpp>

#include <chrono>
#include <memory>
#include <stdexcept>
#include <string>
#include <type_traits>
#include <utility>

#include "catch.hpp"

namespace budgateway {
namespace {

constexpr int kAnswer = 42;
constexpr int kFallback = -1;
constexpr int kTooManyRequests = 429;
constexpr std::chrono::milliseconds kRetryAfter{1500};

// Compile-time parts of the contract: they fail the build, not a run.
static_assert(!std::is_convertible_v<Result<int>, bool>,
              "operator bool must be explicit");
static_assert(
    std::is_same_v<decltype(std::declval<Result<int>>().value()), int&&>,
    "value() on an rvalue moves the value out");
static_assert(
    std::is_same_v<decltype(*std::declval<const Result<int>&>()), const int&>,
    "operator* on a const Result gives a const reference");
static_assert(!std::is_copy_constructible_v<Result<std::unique_ptr<int>>>,
              "a move-only T makes a move-only Result");
static_assert(std::is_nothrow_move_constructible_v<Result<std::string>>,
              "Result moves without throwing when T does");

Result<std::string> failed() {
  return Error(ErrorCode::RateLimited, "slow down");
}

TEST_CASE("a Result with a value reports it", "[result]") {
  const Result<int> result(kAnswer);
  CHECK(result.has_value());
  CHECK(static_cast<bool>(result));
  CHECK(*result == kAnswer);
  CHECK(result.value() == kAnswer);
}

TEST_CASE("a Result with an error reports it", "[result]") {
  const Result<std::string> result = failed();
  CHECK_FALSE(result.has_value());
  CHECK_FALSE(static_cast<bool>(result));
  CHECK(result.error().code() == ErrorCode::RateLimited);
  CHECK(result.error().message() == "slow down");
}

TEST_CASE("operator-> and operator* reach the value and allow changing it",
          "[result]") {
  Result<std::string> result(std::string("abc"));
  CHECK(result->size() == 3);
  result->append("d");
  CHECK(*result == "abcd");
  *result = "xyz";
  CHECK(result.value() == "xyz");
  const Result<std::string>& view = result;
  CHECK(view->front() == 'x');
}

TEST_CASE("value() on an error throws Exception carrying the Error",
          "[result]") {
  Result<std::string> result = failed();
  try {
    static_cast<void>(result.value());
    FAIL("value() did not throw");
  } catch (const Exception& exception) {
    CHECK(exception.error().code() == ErrorCode::RateLimited);
    CHECK(exception.error().message() == "slow down");
  }
}

TEST_CASE("value() throws from a const and from an rvalue Result too",
          "[result]") {
  const Result<std::string> constant = failed();
  CHECK_THROWS_AS(constant.value(), Exception);
  CHECK_THROWS_AS(failed().value(), Exception);
}

TEST_CASE("Exception is a std::runtime_error", "[result]") {
  CHECK_THROWS_AS(failed().value(), std::runtime_error);
}

TEST_CASE("value_or on an lvalue copies the value or converts the fallback",
          "[result]") {
  const Result<std::string> present(std::string("value"));
  CHECK(present.value_or("fallback") == "value");
  CHECK(*present == "value");
  const Result<std::string> absent = failed();
  CHECK(absent.value_or("fallback") == "fallback");
  const Result<int> number = Error(ErrorCode::Server, "down");
  CHECK(number.value_or(kFallback) == kFallback);
}

TEST_CASE("value_or on an rvalue moves the value out", "[result]") {
  Result<std::unique_ptr<int>> present(std::make_unique<int>(kAnswer));
  const std::unique_ptr<int> taken = std::move(present).value_or(nullptr);
  REQUIRE(taken != nullptr);
  CHECK(*taken == kAnswer);

  Result<std::unique_ptr<int>> absent = Error(ErrorCode::Timeout, "late");
  CHECK(std::move(absent).value_or(nullptr) == nullptr);
}

TEST_CASE("a move-only value can be read and moved out", "[result]") {
  Result<std::unique_ptr<int>> result(std::make_unique<int>(kAnswer));
  REQUIRE(result.has_value());
  CHECK(**result == kAnswer);
  CHECK(*result->get() == kAnswer);

  SECTION("through value() &&") {
    const std::unique_ptr<int> taken = std::move(result).value();
    REQUIRE(taken != nullptr);
    CHECK(*taken == kAnswer);
  }
  SECTION("through operator* &&") {
    const std::unique_ptr<int> taken = *std::move(result);
    REQUIRE(taken != nullptr);
    CHECK(*taken == kAnswer);
  }
  SECTION("by moving the whole Result") {
    Result<std::unique_ptr<int>> moved = std::move(result);
    REQUIRE(moved.has_value());
    CHECK(**moved == kAnswer);
  }
}

TEST_CASE("error() gives the Error by reference or moves it out", "[result]") {
  Result<int> result = Error(ErrorCode::NotFound, "no such model");
  result.error() = Error(ErrorCode::Conflict, "replaced");
  CHECK(result.error().code() == ErrorCode::Conflict);

  const Error taken = std::move(result).error();
  CHECK(taken.code() == ErrorCode::Conflict);
  CHECK(taken.message() == "replaced");
}

TEST_CASE("a Result with a full ErrorInfo keeps every field", "[result]") {
  ErrorInfo info;
  info.code = ErrorCode::RateLimited;
  info.http_status = kTooManyRequests;
  info.request_id = "req-1";
  info.retry_after = kRetryAfter;
  const Result<int> result = Error(std::move(info));
  CHECK(result.error().http_status() == kTooManyRequests);
  CHECK(result.error().request_id() == "req-1");
  CHECK(result.error().retry_after() == kRetryAfter);
}

TEST_CASE("copying a Result copies its value or its error", "[result]") {
  const Result<std::string> value(std::string("v"));
  const Result<std::string> value_copy = value;
  CHECK(*value_copy == "v");
  const Result<std::string> error = failed();
  const Result<std::string> error_copy = error;
  CHECK(error_copy.error().message() == "slow down");
}

}  // namespace
}  // namespace budgateway
