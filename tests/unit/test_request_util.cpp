// Copyright 2026 The budgateway Authors. SPDX-License-Identifier: Apache-2.0
#include "request_util.hpp"

#include <budgateway/headers.hpp>

#include <algorithm>
#include <array>
#include <cstddef>
#include <set>
#include <string>
#include <thread>
#include <unordered_set>
#include <utility>
#include <vector>

#include "catch.hpp"

namespace budgateway::detail {
namespace {

constexpr std::size_t kUniqueIds = 10000;
constexpr std::size_t kIdThreads = 4;
constexpr std::size_t kIdsPerThread = 2500;
constexpr std::size_t kUuidLength = 36;
constexpr std::size_t kVersionIndex = 14;
constexpr std::size_t kVariantIndex = 19;
constexpr std::array<std::size_t, 4> kDashIndices = {8, 13, 18, 23};
constexpr int kFormatSamples = 100;

bool is_lower_hex(char c) {
  return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f');
}

bool is_uuid_v4_text(const std::string& id) {
  if (id.size() != kUuidLength) return false;
  for (std::size_t i = 0; i < id.size(); ++i) {
    const bool dash_here = std::find(kDashIndices.begin(), kDashIndices.end(),
                                     i) != kDashIndices.end();
    if (dash_here ? id[i] != '-' : !is_lower_hex(id[i])) return false;
  }
  const char variant = id[kVariantIndex];
  return id[kVersionIndex] == '4' &&
         (variant == '8' || variant == '9' || variant == 'a' || variant == 'b');
}

TEST_CASE("url_encode keeps unreserved characters", "[request_util]") {
  const std::string unreserved =
      "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-._~";
  CHECK(url_encode(unreserved) == unreserved);
  CHECK(url_encode("") == "");
}

TEST_CASE("url_encode percent-encodes everything else in upper-case hex",
          "[request_util]") {
  const std::vector<std::pair<std::string, std::string>> table = {
      {" ", "%20"},
      {"a b", "a%20b"},
      {"a+b=c&d", "a%2Bb%3Dc%26d"},
      {"/?#[]@", "%2F%3F%23%5B%5D%40"},
      {"100%", "100%25"},
      {"\xc3\xa9", "%C3%A9"},
      {std::string("\0\x7f\xff", 3), "%00%7F%FF"},
  };
  for (const auto& [text, expected] : table) {
    CAPTURE(text);
    CHECK(url_encode(text) == expected);
  }
}

TEST_CASE("build_url joins base and path with one slash", "[request_util]") {
  const std::vector<std::pair<std::string, std::string>> table = {
      {"http://h/v1/", "http://h/v1/completions"},
      {"http://h/v1", "http://h/v1/completions"},
      {"http://h/v1///", "http://h/v1/completions"},
      {"https://gateway.bud.studio/v1",
       "https://gateway.bud.studio/v1/completions"},
  };
  for (const auto& [base, expected] : table) {
    CAPTURE(base);
    CHECK(build_url(base, "/completions", {}, {}) == expected);
  }
}

TEST_CASE("build_url adds a slash a path lacks", "[request_util]") {
  CHECK(build_url("http://h/v1", "completions", {}, {}) ==
        "http://h/v1/completions");
}

TEST_CASE("build_url appends both query lists in order, encoded",
          "[request_util]") {
  const QueryList first = {{"a", "1"}, {"b c", "x&y"}};
  const QueryList second = {{"d", "é"}};
  CHECK(build_url("http://h/v1/", "/completions", first, second) ==
        "http://h/v1/completions?a=1&b%20c=x%26y&d=%C3%A9");
  CHECK(build_url("http://h/v1", "/completions", {}, second) ==
        "http://h/v1/completions?d=%C3%A9");
}

TEST_CASE("build_url keeps the base's query after the path and continues it",
          "[request_util]") {
  CHECK(build_url("http://h/v1?a=b", "/completions", {{"c", "d"}}, {}) ==
        "http://h/v1/completions?a=b&c=d");
  CHECK(build_url("http://h/v1/?a=b", "/completions", {}, {}) ==
        "http://h/v1/completions?a=b");
  CHECK(build_url("http://h/v1?", "/completions", {{"c", "d"}}, {}) ==
        "http://h/v1/completions?c=d");
}

TEST_CASE("is_http_url accepts http and https URLs with a host",
          "[request_util]") {
  const auto url = GENERATE(as<std::string>{}, "http://h", "https://h/v1",
                            "HTTP://127.0.0.1:8080/v1",
                            "HttpS://gateway.bud.studio", "http://[::1]:8080");
  CAPTURE(url);
  CHECK(is_http_url(url));
}

TEST_CASE("is_http_url rejects other schemes and hostless URLs",
          "[request_util]") {
  const auto url = GENERATE(as<std::string>{}, "", "http://", "https://",
                            "ftp://h", "localhost:8080", "http:/h", "http//h",
                            "http:///path", "http://?q", "http://h /v1",
                            "http://h\n", " http://h", "httpx://h");
  CAPTURE(url);
  CHECK_FALSE(is_http_url(url));
}

TEST_CASE("is_valid_header_name accepts RFC 9110 tokens", "[request_util]") {
  const auto name = GENERATE(as<std::string>{}, "x-request-id", "X-Custom_1",
                             "!#$%&'*+-.^_`|~", "A");
  CAPTURE(name);
  CHECK(is_valid_header_name(name));
}

TEST_CASE("is_valid_header_name rejects empty names, separators and controls",
          "[request_util]") {
  const auto name = GENERATE(as<std::string>{}, "", "x header", "x:y", "x\r",
                             "x\n", "x\t", "x\"y", "x(y)", "x/y", "x@y", "x,y",
                             "x;y", "x{y}", "\xc3\xa9", std::string("x\0y", 3));
  CAPTURE(name);
  CHECK_FALSE(is_valid_header_name(name));
}

TEST_CASE("is_valid_header_value rejects CR, LF and NUL only",
          "[request_util]") {
  CHECK(is_valid_header_value(""));
  CHECK(is_valid_header_value("Bearer sk-123 \t \xc3\xa9 :;,"));
  CHECK_FALSE(is_valid_header_value("a\rb"));
  CHECK_FALSE(is_valid_header_value("a\nb"));
  CHECK_FALSE(is_valid_header_value("a\r\nX-Injected: 1"));
  CHECK_FALSE(is_valid_header_value(std::string("a\0b", 3)));
}

TEST_CASE("make_request_id gives UUID version 4 text", "[request_util]") {
  for (int i = 0; i < kFormatSamples; ++i) {
    const std::string id = make_request_id();
    CAPTURE(id);
    CHECK(is_uuid_v4_text(id));
  }
}

TEST_CASE("every digit of a request id is random but the version's",
          "[request_util]") {
  // Position 14 is the version (always 4); position 19 the variant (8, 9, a
  // or b); each other hex digit takes all 16 values over enough ids.
  constexpr std::size_t kVersionAt = 14;
  constexpr std::size_t kVariantAt = 19;
  constexpr std::size_t kVariantValues = 4;
  constexpr std::size_t kHexValues = 16;
  constexpr int kSamples = 2000;
  std::vector<std::set<char>> seen(36);
  for (int i = 0; i < kSamples; ++i) {
    const std::string id = make_request_id();
    REQUIRE(id.size() == seen.size());
    for (std::size_t at = 0; at < id.size(); ++at) seen[at].insert(id[at]);
  }
  for (std::size_t at = 0; at < seen.size(); ++at) {
    CAPTURE(at);
    if (seen[at].count('-') != 0) {
      CHECK(seen[at].size() == 1);
    } else if (at == kVersionAt) {
      CHECK(seen[at] == std::set<char>{'4'});
    } else if (at == kVariantAt) {
      CHECK(seen[at].size() == kVariantValues);
    } else {
      CHECK(seen[at].size() == kHexValues);
    }
  }
}

TEST_CASE("make_request_id does not repeat over 10,000 ids", "[request_util]") {
  std::unordered_set<std::string> ids;
  for (std::size_t i = 0; i < kUniqueIds; ++i) ids.insert(make_request_id());
  CHECK(ids.size() == kUniqueIds);
}

TEST_CASE("make_request_id gives distinct ids on concurrent threads",
          "[request_util]") {
  std::vector<std::vector<std::string>> per_thread(kIdThreads);
  std::vector<std::thread> threads;
  for (auto& ids : per_thread) {
    threads.emplace_back([&ids] {
      for (std::size_t i = 0; i < kIdsPerThread; ++i) {
        ids.push_back(make_request_id());
      }
    });
  }
  for (auto& thread : threads) thread.join();
  std::unordered_set<std::string> all;
  for (const auto& ids : per_thread) all.insert(ids.begin(), ids.end());
  CHECK(all.size() == kIdThreads * kIdsPerThread);
}

TEST_CASE("iequals compares ASCII without regard to case", "[request_util]") {
  CHECK(iequals("Retry-After", "retry-after"));
  CHECK(iequals("", ""));
  CHECK(iequals("ABC-123", "abc-123"));
  CHECK_FALSE(iequals("retry-after", "retry-after-ms"));
  CHECK_FALSE(iequals("abc", "abd"));
  CHECK_FALSE(iequals("[", "{"));
  CHECK_FALSE(iequals("\xc3\xa9", "\xc3\x89"));
}

TEST_CASE("ResponseHeaders stores names lower-cased, in order",
          "[request_util]") {
  ResponseHeaders headers;
  CHECK(headers.empty());
  headers.add("X-Request-ID", "abc");
  headers.add("Content-Type", "Text/Plain");
  REQUIRE(headers.size() == 2);
  const std::vector<std::pair<std::string, std::string>> entries(
      headers.begin(), headers.end());
  CHECK(entries[0] ==
        std::pair<std::string, std::string>("x-request-id", "abc"));
  CHECK(entries[1] ==
        std::pair<std::string, std::string>("content-type", "Text/Plain"));
  headers.clear();
  CHECK(headers.empty());
}

TEST_CASE(
    "ResponseHeaders::get matches names without regard to case and "
    "returns the first",
    "[request_util]") {
  ResponseHeaders headers;
  headers.add("Retry-After", "5");
  headers.add("retry-after", "7");
  headers.add("x-empty", "");
  CHECK(headers.get("retry-after") == std::string_view("5"));
  CHECK(headers.get("RETRY-AFTER") == std::string_view("5"));
  CHECK(headers.get("x-empty") == std::string_view(""));
  CHECK_FALSE(headers.get("retry").has_value());
  CHECK_FALSE(headers.get("retry-after-ms").has_value());
}

}  // namespace
}  // namespace budgateway::detail
