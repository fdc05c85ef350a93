// Copyright 2026 The budgateway Authors. SPDX-License-Identifier: Apache-2.0
// Prompt and Stop take braced lists, as users write them; a braced list is
// always sent as a JSON array.
#include <budgateway/completion.hpp>

#include <cstdint>
#include <optional>
#include <string>
#include <variant>
#include <vector>

#include "catch.hpp"
#include "json/request_writer.hpp"

namespace budgateway {
namespace {

using Strings = std::vector<std::string>;

std::string body_of(const CompletionRequest& request) {
  std::string out;
  const std::optional<Error> error =
      detail::write_request_json(request, false, out);
  REQUIRE_FALSE(error.has_value());
  return out;
}

TEST_CASE("a braced list of strings assigned to stop is an array of them",
          "[braced_lists]") {
  CompletionRequest request{};
  request.model = "m";
  request.stop = {"\n", "END"};
  REQUIRE(request.stop.has_value());
  CHECK(std::get<Strings>(request.stop->value()) == Strings{"\n", "END"});
  CHECK(body_of(request) == R"({"model":"m","prompt":"","stop":["\n","END"]})");
}

TEST_CASE("a braced list of one string is still an array", "[braced_lists]") {
  const Stop stop = {"END"};
  CHECK(std::get<Strings>(stop.value()) == Strings{"END"});
  const Prompt prompt = {"only"};
  CHECK(std::get<Strings>(prompt.value()) == Strings{"only"});
}

TEST_CASE("a string without braces stays one string", "[braced_lists]") {
  const Stop stop = "END";
  CHECK(std::get<std::string>(stop.value()) == "END");
  const Prompt prompt = "text";
  CHECK(std::get<std::string>(prompt.value()) == "text");
}

TEST_CASE("a braced list of strings assigned to prompt is a batch of prompts",
          "[braced_lists]") {
  CompletionRequest request{};
  request.model = "m";
  request.prompt = {"a", "b"};
  CHECK(std::get<Strings>(request.prompt.value()) == Strings{"a", "b"});
  CHECK(body_of(request) == R"({"model":"m","prompt":["a","b"]})");
}

TEST_CASE("a braced list of integers assigned to prompt is token ids",
          "[braced_lists]") {
  CompletionRequest request{};
  request.model = "m";
  request.prompt = {1, 2, 3};
  CHECK(std::get<Prompt::Tokens>(request.prompt.value()) ==
        Prompt::Tokens{1, 2, 3});
  CHECK(body_of(request) == R"({"model":"m","prompt":[1,2,3]})");
}

TEST_CASE("empty braces leave prompt an empty string", "[braced_lists]") {
  CompletionRequest request{};
  request.prompt = {};
  CHECK(std::get<std::string>(request.prompt.value()).empty());
}

}  // namespace
}  // namespace budgateway
