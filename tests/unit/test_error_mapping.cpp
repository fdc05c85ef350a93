// Copyright 2026 The budgateway Authors. SPDX-License-Identifier: Apache-2.0
#include "error_mapping.hpp"

#include <budgateway/result.hpp>

#include <chrono>
#include <cstddef>
#include <optional>
#include <sstream>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "catch.hpp"
#include "json/response_parser.hpp"

namespace budgateway::detail {
namespace {

using std::chrono::milliseconds;

constexpr std::string_view kSentId = "sent-id-1";
constexpr std::size_t kLongBodyBytes = 10000;
// Room for "HTTP 500: " and the quoted part of a plain-text body.
constexpr std::size_t kMaxFallbackMessageBytes = 256;
// 2026-01-01T00:00:00Z; only Retry-After dates depend on it.
constexpr std::chrono::seconds kNow{1767225600};

std::chrono::system_clock::time_point now() {
  return std::chrono::system_clock::time_point(kNow);
}

ResponseHeaders headers_of(
    const std::vector<std::pair<std::string, std::string>>& entries) {
  ResponseHeaders headers;
  for (const auto& [name, value] : entries) headers.add(name, value);
  return headers;
}

Error map(
    int status, std::string_view body,
    const std::vector<std::pair<std::string, std::string>>& headers = {}) {
  return error_from_response(status, body, headers_of(headers), kSentId, now());
}

TEST_CASE("code_from_status maps each documented status", "[error_mapping]") {
  CHECK(code_from_status(400) == ErrorCode::BadRequest);
  CHECK(code_from_status(401) == ErrorCode::Authentication);
  CHECK(code_from_status(402) == ErrorCode::QuotaExceeded);
  CHECK(code_from_status(403) == ErrorCode::PermissionDenied);
  CHECK(code_from_status(404) == ErrorCode::NotFound);
  CHECK(code_from_status(408) == ErrorCode::Timeout);
  CHECK(code_from_status(409) == ErrorCode::Conflict);
  CHECK(code_from_status(422) == ErrorCode::UnprocessableEntity);
  CHECK(code_from_status(429) == ErrorCode::RateLimited);
  CHECK(code_from_status(500) == ErrorCode::Server);
  CHECK(code_from_status(502) == ErrorCode::Server);
  CHECK(code_from_status(504) == ErrorCode::Server);
  CHECK(code_from_status(418) == ErrorCode::Server);
  CHECK(code_from_status(302) == ErrorCode::Server);
  CHECK(code_from_status(0) == ErrorCode::Server);
}

TEST_CASE("code_from_api_error maps server error types and codes",
          "[error_mapping]") {
  CHECK(code_from_api_error("invalid_request_error", "") ==
        ErrorCode::BadRequest);
  CHECK(code_from_api_error("authentication_error", "") ==
        ErrorCode::Authentication);
  CHECK(code_from_api_error("permission_error", "") ==
        ErrorCode::PermissionDenied);
  CHECK(code_from_api_error("not_found_error", "") == ErrorCode::NotFound);
  CHECK(code_from_api_error("rate_limit_error", "") == ErrorCode::RateLimited);
  CHECK(code_from_api_error("rate_limit_exceeded", "") ==
        ErrorCode::RateLimited);
  CHECK(code_from_api_error("", "rate_limit_exceeded") ==
        ErrorCode::RateLimited);
  CHECK(code_from_api_error("insufficient_quota", "") ==
        ErrorCode::QuotaExceeded);
  CHECK(code_from_api_error("", "insufficient_quota") ==
        ErrorCode::QuotaExceeded);
  CHECK(code_from_api_error("server_error", "") == ErrorCode::Server);
  CHECK(code_from_api_error("", "") == ErrorCode::Server);
  CHECK(code_from_api_error("something_new", "odd") == ErrorCode::Server);
}

TEST_CASE("an HTTP status as the api code decides over the type",
          "[error_mapping]") {
  CHECK(code_from_api_error("invalid_request_error", "401") ==
        ErrorCode::Authentication);
  CHECK(code_from_api_error("", "429") == ErrorCode::RateLimited);
  CHECK(code_from_api_error("server_error", "500") == ErrorCode::Server);
  CHECK(code_from_api_error("invalid_request_error", "200") ==
        ErrorCode::BadRequest);
  CHECK(code_from_api_error("invalid_request_error", "40x") ==
        ErrorCode::BadRequest);
}

TEST_CASE("each gateway failure maps to its code, message and fields",
          "[error_mapping]") {
  struct Case {
    int status;
    std::string body;
    ErrorCode code;
    std::string message;
    std::string type;
    std::string api_code;
  };
  const Case c = GENERATE(values<Case>({
      {400, R"({"error":"temperature must be between 0 and 2"})",
       ErrorCode::BadRequest, "temperature must be between 0 and 2", "", ""},
      {401,
       R"({"error":{"message":"Invalid API key","type":"invalid_request_error","code":401}})",
       ErrorCode::Authentication, "Invalid API key", "invalid_request_error",
       "401"},
      {404,
       R"({"error":{"message":"Model not allowed","type":"invalid_request_error","code":404}})",
       ErrorCode::NotFound, "Model not allowed", "invalid_request_error",
       "404"},
      {402,
       R"({"error":{"message":"Usage quota exceeded","type":"insufficient_quota","code":402}})",
       ErrorCode::QuotaExceeded, "Usage quota exceeded", "insufficient_quota",
       "402"},
      {403, R"({"error":"forbidden","message":"blocked by rule no-gpt4"})",
       ErrorCode::PermissionDenied, "blocked by rule no-gpt4", "", "forbidden"},
      {429,
       R"({"error":{"message":"Rate limit exceeded","type":"rate_limit_error","code":"rate_limit_exceeded"}})",
       ErrorCode::RateLimited, "Rate limit exceeded", "rate_limit_error",
       "rate_limit_exceeded"},
      {502,
       R"({"error":{"message":"Provider returned an error"},"provider_error":{"error":{"message":"upstream boom"}}})",
       ErrorCode::Server, "Provider returned an error", "", ""},
      {502,
       R"({"error":{},"provider_error":{"error":{"message":"upstream boom"}}})",
       ErrorCode::Server, "upstream boom", "", ""},
      {429,
       R"({"error":{"message":""},"provider_error":{"message":"upstream says slow"}})",
       ErrorCode::RateLimited, "upstream says slow", "", ""},
      {500, R"({"error":{"message":"All providers unreachable"}})",
       ErrorCode::Server, "All providers unreachable", "", ""},
      {504, R"({"error":{"message":"Upstream timed out"}})", ErrorCode::Server,
       "Upstream timed out", "", ""},
      {500,
       R"({"error":{"code":500,"message":"llama.cpp failed","type":"server_error"}})",
       ErrorCode::Server, "llama.cpp failed", "server_error", "500"},
      {400,
       R"({"error":{"code":"content_filter","message":"The prompt was filtered","param":"prompt","status":400,"innererror":{"code":"ResponsibleAIPolicyViolation"}}})",
       ErrorCode::BadRequest, "The prompt was filtered", "", "content_filter"},
      {422, R"({"detail":[{"loc":["body","prompt"],"msg":"field required"}]})",
       ErrorCode::UnprocessableEntity,
       "HTTP 422 with no error message in its JSON body", "", ""},
  }));
  INFO(c.status << " " << c.body);
  const Error error = map(c.status, c.body, {{"Content-Type", "text/plain"}});
  CHECK(error.code() == c.code);
  CHECK(error.http_status() == c.status);
  CHECK(error.message() == c.message);
  CHECK(error.type() == c.type);
  CHECK(error.api_code() == c.api_code);
  CHECK(error.body() == c.body);
  CHECK(error.attempts() == 0);
  CHECK(error.transport_detail().empty());
}

TEST_CASE("the Azure param is kept", "[error_mapping]") {
  const Error error = map(
      400,
      R"({"error":{"code":"content_filter","message":"m","param":"prompt"}})");
  CHECK(error.param() == "prompt");
}

TEST_CASE("a body without JSON gives a message naming the status",
          "[error_mapping]") {
  CHECK(map(502, "<html><body>Bad gateway</body></html>",
            {{"Content-Type", "text/html; charset=utf-8"}})
            .message() == "HTTP 502 (text/html body)");
  CHECK(map(502, "<html>no content type</html>").message() ==
        "HTTP 502 (text/html body)");
  CHECK(map(503, "").message() == "HTTP 503 with an empty body");
  CHECK(map(503, " \r\n").message() == "HTTP 503 with an empty body");
  CHECK(map(502, "upstream connect error or disconnect\nsecond line",
            {{"Content-Type", "text/plain"}})
            .message() == "HTTP 502: upstream connect error or disconnect");
  CHECK(map(500, "\x01\x02", {{"Content-Type", "application/octet-stream"}})
            .message() == "HTTP 500 (application/octet-stream body)");
  CHECK(map(500, R"({"truncated":)", {{"Content-Type", "application/json"}})
            .message() == R"(HTTP 500: {"truncated":)");
}

TEST_CASE("a Content-Type is read whatever its case", "[error_mapping]") {
  // Media types are case-insensitive (RFC 9110 8.3.1).
  CHECK(map(502, "upstream connect error",
            {{"Content-Type", "Text/Plain; charset=UTF-8"}})
            .message() == "HTTP 502: upstream connect error");
  CHECK(map(500, "\x01\x02", {{"Content-Type", "Application/Octet-Stream"}})
            .message() == "HTTP 500 (application/octet-stream body)");
}

TEST_CASE("a long plain-text body is quoted only in part", "[error_mapping]") {
  const std::string body(kLongBodyBytes, 'x');
  const Error error = map(500, body);
  CHECK(error.message().size() < kMaxFallbackMessageBytes);
  CHECK(error.message().rfind("HTTP 500: xxx", 0) == 0);
  CHECK(error.body() == truncate_body(body));
  CHECK(error.body().size() < kLongBodyBytes);
}

TEST_CASE("request_id is the server's x-request-id, else the one sent",
          "[error_mapping]") {
  CHECK(map(500, "{}", {{"X-Request-Id", "srv-7"}}).request_id() == "srv-7");
  CHECK(map(500, "{}").request_id() == kSentId);
  CHECK(map(500, "{}", {{"x-request-id", ""}}).request_id() == kSentId);
}

TEST_CASE("retry_after comes from the response headers", "[error_mapping]") {
  const Error limited = map(
      429,
      R"({"error":{"message":"Rate limit exceeded","type":"rate_limit_error","code":"rate_limit_exceeded"}})",
      {{"Content-Type", "text/plain"}, {"Retry-After", "2"}});
  CHECK(limited.retry_after() == std::optional<milliseconds>(2000));
  CHECK(limited.code() == ErrorCode::RateLimited);
  CHECK_FALSE(map(402, "{}").retry_after().has_value());
  CHECK(map(503, "", {{"retry-after-ms", "150"}}).retry_after() ==
        std::optional<milliseconds>(150));
}

TEST_CASE("to_string(ErrorCode) names every enumerator", "[error]") {
  CHECK(to_string(ErrorCode::InvalidArgument) == "InvalidArgument");
  CHECK(to_string(ErrorCode::Connection) == "Connection");
  CHECK(to_string(ErrorCode::Timeout) == "Timeout");
  CHECK(to_string(ErrorCode::Cancelled) == "Cancelled");
  CHECK(to_string(ErrorCode::BadRequest) == "BadRequest");
  CHECK(to_string(ErrorCode::Authentication) == "Authentication");
  CHECK(to_string(ErrorCode::PermissionDenied) == "PermissionDenied");
  CHECK(to_string(ErrorCode::NotFound) == "NotFound");
  CHECK(to_string(ErrorCode::Conflict) == "Conflict");
  CHECK(to_string(ErrorCode::UnprocessableEntity) == "UnprocessableEntity");
  CHECK(to_string(ErrorCode::RateLimited) == "RateLimited");
  CHECK(to_string(ErrorCode::QuotaExceeded) == "QuotaExceeded");
  CHECK(to_string(ErrorCode::Server) == "Server");
  CHECK(to_string(ErrorCode::Protocol) == "Protocol");
}

TEST_CASE("Error(code, message) sets both and nothing else", "[error]") {
  const Error error(ErrorCode::Timeout, "deadline passed");
  CHECK(error.code() == ErrorCode::Timeout);
  CHECK(error.message() == "deadline passed");
  CHECK(error.http_status() == 0);
  CHECK(error.attempts() == 0);
  CHECK(error.to_string() == "Timeout: deadline passed");
}

TEST_CASE("Error::to_string tells the whole story on one line", "[error]") {
  ErrorInfo info;
  info.code = ErrorCode::RateLimited;
  info.message = "Rate limit\nexceeded";
  info.http_status = 429;
  info.type = "rate_limit_error";
  info.api_code = "rate_limit_exceeded";
  info.param = "n";
  info.request_id = "req-1";
  info.attempts = 3;
  info.transport_detail = "Connection reset";
  info.body = "secret body text";
  const Error error(std::move(info));
  const std::string text = error.to_string();
  CHECK(text ==
        "RateLimited HTTP 429: Rate limit exceeded; type=rate_limit_error; "
        "code=rate_limit_exceeded; param=n; request_id=req-1; attempts=3; "
        "transport=Connection reset");
  CHECK(text.find('\n') == std::string::npos);
  CHECK(text.find("secret") == std::string::npos);

  std::ostringstream stream;
  stream << error;
  CHECK(stream.str() == text);
}

TEST_CASE("Exception carries the Error and says it in what()", "[error]") {
  const Error error = map(404, R"({"error":"no such model"})");
  const Exception exception(error);
  CHECK(exception.error().code() == ErrorCode::NotFound);
  CHECK(std::string(exception.what()) == error.to_string());

  const Result<int> result(error);
  CHECK_THROWS_AS(result.value(), Exception);
}

}  // namespace
}  // namespace budgateway::detail
