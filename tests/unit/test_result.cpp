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

// The std::expected-style operations. Each test states what is called, with
// what, and what comes out; a function that must not run fails the test.

Result<int> parse_length(const std::string& text) {
  if (text.empty()) return Error(ErrorCode::InvalidArgument, "empty");
  return static_cast<int>(text.size());
}

TEST_CASE("and_then passes the value on and returns the function's Result",
          "[result][monadic]") {
  const Result<std::string> text(std::string("abcd"));
  const Result<int> length = text.and_then(parse_length);
  REQUIRE(length.has_value());
  CHECK(*length == 4);
  const Result<int> rejected =
      Result<std::string>(std::string()).and_then(parse_length);
  REQUIRE_FALSE(rejected.has_value());
  CHECK(rejected.error().message() == "empty");
}

TEST_CASE("and_then on an error keeps it and never calls the function",
          "[result][monadic]") {
  bool called = false;
  const Result<int> length = failed().and_then([&](const std::string& text) {
    called = true;
    return parse_length(text);
  });
  CHECK_FALSE(called);
  REQUIRE_FALSE(length.has_value());
  CHECK(length.error().code() == ErrorCode::RateLimited);
  CHECK(length.error().message() == "slow down");
}

TEST_CASE("and_then on an rvalue moves the value into the function",
          "[result][monadic]") {
  Result<std::unique_ptr<int>> owner(std::make_unique<int>(kAnswer));
  const Result<int> read =
      std::move(owner).and_then([](std::unique_ptr<int>&& pointer) {
        const std::unique_ptr<int> taken = std::move(pointer);
        return Result<int>(*taken);
      });
  REQUIRE(read.has_value());
  CHECK(*read == kAnswer);
  CHECK(*owner == nullptr);
}

TEST_CASE("transform maps the value to another type", "[result][monadic]") {
  const Result<std::string> text(std::string("abc"));
  const Result<std::size_t> size =
      text.transform([](const std::string& value) { return value.size(); });
  const auto half = [](const std::string&) { return 1.5; };
  static_assert(std::is_same_v<decltype(text.transform(half)), Result<double>>,
                "transform's Result holds what the function returns");
  REQUIRE(size.has_value());
  CHECK(*size == 3);
}

TEST_CASE("transform on an error keeps it and never calls the function",
          "[result][monadic]") {
  bool called = false;
  const Result<std::size_t> size = failed().transform([&](std::string value) {
    called = true;
    return value.size();
  });
  CHECK_FALSE(called);
  REQUIRE_FALSE(size.has_value());
  CHECK(size.error().code() == ErrorCode::RateLimited);
}

TEST_CASE("transform on an rvalue moves the value", "[result][monadic]") {
  Result<std::unique_ptr<int>> owner(std::make_unique<int>(kAnswer));
  const Result<std::unique_ptr<int>> doubled =
      std::move(owner).transform([](std::unique_ptr<int>&& pointer) {
        *pointer *= 2;
        return std::move(pointer);
      });
  REQUIRE(doubled.has_value());
  CHECK(**doubled == 2 * kAnswer);
  CHECK(*owner == nullptr);
}

TEST_CASE("or_else recovers from an error with the function's Result",
          "[result][monadic]") {
  const Result<std::string> recovered = failed().or_else([](const Error& e) {
    return Result<std::string>("recovered from " +
                               std::string(to_string(e.code())));
  });
  REQUIRE(recovered.has_value());
  CHECK(*recovered == "recovered from RateLimited");
  const Result<std::string> replaced = failed().or_else([](const Error&) {
    return Result<std::string>(Error(ErrorCode::Server, "replaced"));
  });
  REQUIRE_FALSE(replaced.has_value());
  CHECK(replaced.error().message() == "replaced");
}

TEST_CASE("or_else on a value keeps it and never calls the function",
          "[result][monadic]") {
  bool called = false;
  const Result<std::string> present(std::string("value"));
  const Result<std::string> same = present.or_else([&](const Error&) {
    called = true;
    return Result<std::string>("other");
  });
  CHECK_FALSE(called);
  REQUIRE(same.has_value());
  CHECK(*same == "value");
}

TEST_CASE("transform_error rewrites the error and keeps a value",
          "[result][monadic]") {
  const Result<std::string> annotated = failed().transform_error(
      [](Error e) { return Error(e.code(), "batch item 3: " + e.message()); });
  REQUIRE_FALSE(annotated.has_value());
  CHECK(annotated.error().code() == ErrorCode::RateLimited);
  CHECK(annotated.error().message() == "batch item 3: slow down");

  bool called = false;
  const Result<std::string> present(std::string("value"));
  const Result<std::string> same = present.transform_error([&](const Error& e) {
    called = true;
    return e;
  });
  CHECK_FALSE(called);
  REQUIRE(same.has_value());
  CHECK(*same == "value");
}

TEST_CASE("error_or gives the error, or the fallback when there is a value",
          "[result][monadic]") {
  const Error fallback(ErrorCode::Server, "no error");
  CHECK(failed().error_or(fallback).message() == "slow down");
  const Result<std::string> present(std::string("value"));
  CHECK(present.error_or(fallback).message() == "no error");
  CHECK(present.error_or(fallback).code() == ErrorCode::Server);
}

TEST_CASE("the operations chain", "[result][monadic]") {
  const Result<int> doubled =
      Result<std::string>(std::string("abc"))
          .and_then(parse_length)
          .transform([](int length) { return 2 * length; })
          .or_else([](const Error&) { return Result<int>(0); });
  REQUIRE(doubled.has_value());
  CHECK(*doubled == 6);
}

}  // namespace
}  // namespace budgateway
