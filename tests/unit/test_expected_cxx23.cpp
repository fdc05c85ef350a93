// Copyright 2026 The budgateway Authors. SPDX-License-Identifier: Apache-2.0
// Built as C++23, only where the standard library has std::expected: a
// Result converts to std::expected<T, Error> with its value or its error.
#include <budgateway/result.hpp>

#include <expected>
#include <memory>
#include <string>
#include <type_traits>
#include <utility>

#include "catch.hpp"

static_assert(BUDGATEWAY_HAS_STD_EXPECTED == 1,
              "<budgateway/result.hpp> must see std::expected in C++23");

namespace budgateway {
namespace {

constexpr int kAnswer = 42;

static_assert(std::is_convertible_v<Result<int>, std::expected<int, Error>>);
static_assert(
    std::is_convertible_v<const Result<int>&, std::expected<int, Error>>);

TEST_CASE("a Result with a value converts to std::expected with the value",
          "[result][expected]") {
  const Result<std::string> result(std::string("value"));
  const std::expected<std::string, Error> expected = result;
  REQUIRE(expected.has_value());
  CHECK(*expected == "value");
  CHECK(*result == "value");
}

TEST_CASE("a Result with an error converts to std::unexpected of the Error",
          "[result][expected]") {
  const Result<int> result = Error(ErrorCode::RateLimited, "slow down");
  const std::expected<int, Error> expected = result;
  REQUIRE_FALSE(expected.has_value());
  CHECK(expected.error().code() == ErrorCode::RateLimited);
  CHECK(expected.error().message() == "slow down");
}

TEST_CASE("an rvalue Result moves a move-only value into std::expected",
          "[result][expected]") {
  Result<std::unique_ptr<int>> result(std::make_unique<int>(kAnswer));
  std::expected<std::unique_ptr<int>, Error> expected = std::move(result);
  REQUIRE(expected.has_value());
  CHECK(**expected == kAnswer);
}

}  // namespace
}  // namespace budgateway
