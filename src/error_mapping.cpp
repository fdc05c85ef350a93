// Copyright 2026 The budgateway Authors. SPDX-License-Identifier: Apache-2.0
#include "error_mapping.hpp"

#include <array>
#include <cctype>
#include <charconv>
#include <cstddef>
#include <optional>
#include <string>
#include <string_view>
#include <system_error>
#include <utility>

#include "json/response_parser.hpp"
#include "request_util.hpp"
#include "retry.hpp"

namespace budgateway::detail {
namespace {

constexpr int kBadRequest = 400;
constexpr int kUnauthorized = 401;
constexpr int kPaymentRequired = 402;
constexpr int kForbidden = 403;
constexpr int kNotFound = 404;
constexpr int kRequestTimeout = 408;
constexpr int kConflict = 409;
constexpr int kUnprocessableEntity = 422;
constexpr int kTooManyRequests = 429;
constexpr int kFirstErrorStatus = 400;
constexpr int kLastErrorStatus = 599;

// The most of a plain-text error body quoted in a message.
constexpr std::size_t kMaxQuotedTextBytes = 200;

struct NamedCode {
  std::string_view name;
  ErrorCode code;
};

// OpenAI-style `error.code` values, more specific than `type`.
constexpr std::array<NamedCode, 6> kApiCodes = {{
    {"invalid_api_key", ErrorCode::Authentication},
    {"rate_limit_exceeded", ErrorCode::RateLimited},
    {"insufficient_quota", ErrorCode::QuotaExceeded},
    {"model_not_found", ErrorCode::NotFound},
    {"context_length_exceeded", ErrorCode::BadRequest},
    {"content_filter", ErrorCode::BadRequest},
}};

// `error.type` values of OpenAI, Anthropic-style gateways and llama.cpp.
constexpr std::array<NamedCode, 10> kApiTypes = {{
    {"invalid_request_error", ErrorCode::BadRequest},
    {"authentication_error", ErrorCode::Authentication},
    {"permission_error", ErrorCode::PermissionDenied},
    {"not_found_error", ErrorCode::NotFound},
    {"rate_limit_error", ErrorCode::RateLimited},
    {"rate_limit_exceeded", ErrorCode::RateLimited},
    {"insufficient_quota", ErrorCode::QuotaExceeded},
    {"server_error", ErrorCode::Server},
    {"api_error", ErrorCode::Server},
    {"timeout_error", ErrorCode::Timeout},
}};

template <std::size_t N>
std::optional<ErrorCode> find_code(const std::array<NamedCode, N>& table,
                                   std::string_view name) noexcept {
  for (const NamedCode& entry : table) {
    if (entry.name == name) return entry.code;
  }
  return std::nullopt;
}

// An HTTP error status written as the code ("401"), else nullopt.
std::optional<int> status_in_code(std::string_view code) noexcept {
  int status = 0;
  const char* const end = code.data() + code.size();
  const auto [ptr, error] = std::from_chars(code.data(), end, status);
  if (error != std::errc() || ptr != end || code.empty()) return std::nullopt;
  if (status < kFirstErrorStatus || status > kLastErrorStatus) {
    return std::nullopt;
  }
  return status;
}

bool is_continuation_byte(char c) noexcept {
  constexpr unsigned char kMask = 0xC0;
  constexpr unsigned char kBits = 0x80;
  return (static_cast<unsigned char>(c) & kMask) == kBits;
}

// The media type of a Content-Type, lower-cased, without parameters.
std::string media_type(const ResponseHeaders& headers) {
  const std::optional<std::string_view> value = headers.get("content-type");
  if (!value) return {};
  std::string type(trim(value->substr(0, value->find(';'))));
  for (char& c : type) {
    c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  }
  return type;
}

// Plain text worth quoting, as opposed to HTML pages or binary data.
bool is_quotable_text(std::string_view type, std::string_view body) noexcept {
  if (!body.empty() && body.front() == '<') return false;
  return type.empty() || type.rfind("text/plain", 0) == 0 ||
         type.find("json") != std::string_view::npos;
}

// The first line of `text`, cut at kMaxQuotedTextBytes on a UTF-8 boundary.
std::string_view first_line(std::string_view text) noexcept {
  text = text.substr(0, text.find_first_of("\r\n"));
  if (text.size() <= kMaxQuotedTextBytes) return text;
  std::size_t cut = kMaxQuotedTextBytes;
  while (cut > 0 && is_continuation_byte(text[cut])) --cut;
  return text.substr(0, cut);
}

// A message for a body that gave none, always naming the status.
std::string fallback_message(int status, std::string_view body, bool parsed,
                             const ResponseHeaders& headers) {
  std::string message = "HTTP " + std::to_string(status);
  const std::string_view text = trim(body);
  if (text.empty()) return message + " with an empty body";
  if (parsed) return message + " with no error message in its JSON body";
  const std::string type = media_type(headers);
  if (is_quotable_text(type, text)) {
    message.append(": ");
    message.append(first_line(text));
    return message;
  }
  message.append(" (");
  message.append(type.empty() ? "text/html" : type);
  message.append(" body)");
  return message;
}

}  // namespace

ErrorCode code_from_status(int status) noexcept {
  switch (status) {
    case kBadRequest:
      return ErrorCode::BadRequest;
    case kUnauthorized:
      return ErrorCode::Authentication;
    case kPaymentRequired:
      return ErrorCode::QuotaExceeded;
    case kForbidden:
      return ErrorCode::PermissionDenied;
    case kNotFound:
      return ErrorCode::NotFound;
    case kRequestTimeout:
      return ErrorCode::Timeout;
    case kConflict:
      return ErrorCode::Conflict;
    case kUnprocessableEntity:
      return ErrorCode::UnprocessableEntity;
    case kTooManyRequests:
      return ErrorCode::RateLimited;
    default:
      return ErrorCode::Server;
  }
}

ErrorCode code_from_api_error(std::string_view type,
                              std::string_view code) noexcept {
  // An HTTP status as the code is checked first: the gateway labels a bad
  // key `invalid_request_error` with code 401.
  if (const std::optional<int> status = status_in_code(code)) {
    return code_from_status(*status);
  }
  if (const auto found = find_code(kApiCodes, code)) return *found;
  if (const auto found = find_code(kApiTypes, type)) return *found;
  return ErrorCode::Server;
}

Error error_from_response(int status, std::string_view body,
                          const ResponseHeaders& headers,
                          std::string_view sent_request_id,
                          std::chrono::system_clock::time_point now) {
  ApiErrorFields fields = parse_api_error(body);
  ErrorInfo info;
  info.code = code_from_status(status);
  info.http_status = status;
  info.message = fields.message.empty()
                     ? fallback_message(status, body, fields.parsed, headers)
                     : std::move(fields.message);
  info.type = std::move(fields.type);
  info.param = std::move(fields.param);
  info.api_code = std::move(fields.code);
  const std::optional<std::string_view> server_id = headers.get(kRequestIdHeader);
  info.request_id = server_id && !server_id->empty()
                        ? std::string(*server_id)
                        : std::string(sent_request_id);
  info.retry_after = parse_retry_after(headers, now);
  info.body = truncate_body(body);
  return Error(std::move(info));
}

}  // namespace budgateway::detail
