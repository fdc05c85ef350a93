// Copyright 2026 The budgateway Authors. SPDX-License-Identifier: Apache-2.0
#ifndef BUDGATEWAY_ERROR_HPP_
#define BUDGATEWAY_ERROR_HPP_

/// @file
/// Error values returned by every budgateway call, and the one exception type.

#include <budgateway/export.hpp>

#include <chrono>
#include <iosfwd>
#include <optional>
#include <stdexcept>
#include <string>
#include <string_view>

namespace budgateway {

/// What kind of failure an Error describes. Small and domain-shaped: the HTTP
/// status, the server's own `type`/`code` and libcurl's reason are kept
/// beside it in Error.
enum class ErrorCode {
  InvalidArgument,   ///< The call was rejected before anything was sent.
  Connection,        ///< No connection, or the connection broke.
  Timeout,           ///< A connect, attempt, idle or stream deadline passed.
  Cancelled,         ///< The caller cancelled, or the Client went away.
  BadRequest,        ///< HTTP 400, or an `invalid_request_error` in a stream.
  Authentication,    ///< HTTP 401.
  PermissionDenied,  ///< HTTP 403.
  NotFound,          ///< HTTP 404.
  Conflict,          ///< HTTP 409.
  UnprocessableEntity,  ///< HTTP 422.
  RateLimited,          ///< HTTP 429, or a `rate_limit_error` in a stream.
  QuotaExceeded,        ///< HTTP 402, or `insufficient_quota`.
  Server,    ///< HTTP >= 500, other statuses, or a server error in a stream.
  Protocol,  ///< The answer was not what the protocol allows.
};

/// The enumerator's name, e.g. "RateLimited".
BUDGATEWAY_EXPORT std::string_view to_string(ErrorCode code) noexcept;

/// Everything known about one failure. Built by the library; read through
/// Error's accessors.
struct ErrorInfo {
  ErrorCode code = ErrorCode::Server;  ///< What kind of failure.
  std::string message{};  ///< The server's message, or the SDK's own.
  int http_status = 0;    ///< 0 when no HTTP response was received.
  std::string type{};     ///< `error.type` from the body, if any.
  std::string param{};    ///< `error.param` from the body, if any.
  std::string
      api_code{};  ///< `error.code` from the body; an integer as its digits.
  std::string
      request_id{};  ///< The server's `x-request-id`, else the one sent.
  std::optional<std::chrono::milliseconds>
      retry_after{};   ///< From the response headers.
  std::string body{};  ///< The raw response body, truncated.
  int attempts = 0;    ///< How many attempts were made (0: none was sent).
  std::string
      transport_detail{};  ///< libcurl's own reason for a transport failure.
};

/// A failure: a value, cheap to move, never thrown except inside Exception.
///
/// @par Thread safety
/// Distinct objects may be used from distinct threads; const access is safe
/// from many threads at once.
class BUDGATEWAY_EXPORT Error {
 public:
  /// ErrorCode::Server with no message.
  Error() = default;
  /// An error of `code` saying `message`; every other field is empty.
  Error(ErrorCode code, std::string message);
  /// An error with every field given.
  explicit Error(ErrorInfo info) : info_(std::move(info)) {}

  /// What kind of failure this is.
  ErrorCode code() const noexcept { return info_.code; }
  /// The server's message, or the SDK's own.
  const std::string& message() const noexcept { return info_.message; }
  /// The HTTP status, 0 when no response was received.
  int http_status() const noexcept { return info_.http_status; }
  /// The body's `error.type` (e.g. `rate_limit_error`), if any.
  const std::string& type() const noexcept { return info_.type; }
  /// The body's `error.param`: the request field at fault, if any.
  const std::string& param() const noexcept { return info_.param; }
  /// The body's `error.code`; an integer code is given as its digits.
  const std::string& api_code() const noexcept { return info_.api_code; }
  /// The server's `x-request-id`, else the id this client sent.
  const std::string& request_id() const noexcept { return info_.request_id; }
  /// How long the server asked the client to wait, when it said so.
  std::optional<std::chrono::milliseconds> retry_after() const noexcept {
    return info_.retry_after;
  }
  /// The raw response body (truncated to a few KiB).
  const std::string& body() const noexcept { return info_.body; }
  /// The number of attempts made before this error was returned.
  int attempts() const noexcept { return info_.attempts; }
  /// libcurl's reason for a transport failure; empty otherwise.
  const std::string& transport_detail() const noexcept {
    return info_.transport_detail;
  }

  ///@{
  /// Every field at once.
  const ErrorInfo& info() const& noexcept { return info_; }
  ErrorInfo&& info() && noexcept { return std::move(info_); }
  ///@}

  /// The whole story on one line: code, status, message, server type and code,
  /// request id, attempts and libcurl's reason. Never holds a credential.
  std::string to_string() const;

 private:
  ErrorInfo info_;
};

/// Writes Error::to_string().
BUDGATEWAY_EXPORT std::ostream& operator<<(std::ostream& os,
                                           const Error& error);

/// Thrown only by Result<T>::value() on an error; carries the Error.
class BUDGATEWAY_EXPORT Exception : public std::runtime_error {
 public:
  /// Carries `error`; what() is its to_string().
  explicit Exception(Error error);
  /// The error that was thrown.
  const Error& error() const noexcept { return error_; }

 private:
  Error error_;
};

}  // namespace budgateway

#endif  // BUDGATEWAY_ERROR_HPP_
