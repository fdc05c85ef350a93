// Copyright 2026 The budgateway Authors. SPDX-License-Identifier: Apache-2.0
// HTTP status + body -> Error, and a server's error type/code -> ErrorCode.
// The transport half (CURLcode -> Error) lives in http/, the only place that
// sees libcurl.
#ifndef BUDGATEWAY_SRC_ERROR_MAPPING_HPP_
#define BUDGATEWAY_SRC_ERROR_MAPPING_HPP_

#include <budgateway/error.hpp>
#include <budgateway/headers.hpp>

#include <chrono>
#include <string_view>

namespace budgateway::detail {

/// 400 BadRequest, 401 Authentication, 402 QuotaExceeded, 403
/// PermissionDenied, 404 NotFound, 408 Timeout, 409 Conflict, 422
/// UnprocessableEntity, 429 RateLimited, anything else Server.
ErrorCode code_from_status(int status) noexcept;

/// For errors reported inside a 200 stream: `invalid_request_error` ->
/// BadRequest, `authentication_error` -> Authentication, `permission_error`
/// -> PermissionDenied, `not_found_error` -> NotFound, `rate_limit_error` /
/// `rate_limit_exceeded` -> RateLimited, `insufficient_quota` ->
/// QuotaExceeded, an HTTP-like integer code -> code_from_status, else Server.
ErrorCode code_from_api_error(std::string_view type,
                              std::string_view code) noexcept;

/// The Error for a non-2xx answer: code from the status, message/type/param/
/// api_code from the body in any shape (falling back to "HTTP <status>" and
/// the body's text), request_id from `x-request-id` else `sent_request_id`,
/// retry_after from the headers, the truncated body.
Error error_from_response(int status, std::string_view body,
                          const ResponseHeaders& headers,
                          std::string_view sent_request_id,
                          std::chrono::system_clock::time_point now);

}  // namespace budgateway::detail

#endif  // BUDGATEWAY_SRC_ERROR_MAPPING_HPP_
