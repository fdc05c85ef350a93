// Copyright 2026 The budgateway Authors. SPDX-License-Identifier: Apache-2.0
// Pure helpers for building a request: URL, query, header checks, ids.
#ifndef BUDGATEWAY_SRC_REQUEST_UTIL_HPP_
#define BUDGATEWAY_SRC_REQUEST_UTIL_HPP_

#include <budgateway/headers.hpp>

#include <string>
#include <string_view>

namespace budgateway::detail {

/// Percent-encodes everything but RFC 3986 unreserved characters.
std::string url_encode(std::string_view text);

/// `base` (trailing slashes dropped) + `path` (starting with '/'), then the
/// query parameters of `first` and `second`, URL-encoded, after a '?' or
/// '&' depending on whether `base` already has a query.
std::string build_url(std::string_view base, std::string_view path,
                      const QueryList& first, const QueryList& second);

/// http:// or https:// followed by a host (case-insensitive scheme).
bool is_http_url(std::string_view url) noexcept;

/// An RFC 9110 token: no CR, LF, ':', space or control character.
bool is_valid_header_name(std::string_view name) noexcept;
/// No CR, LF or NUL.
bool is_valid_header_value(std::string_view value) noexcept;

/// A fresh random request id (UUID version 4 text, 36 characters).
std::string make_request_id();

/// ASCII case-insensitive equality.
bool iequals(std::string_view a, std::string_view b) noexcept;

/// `text` without leading and trailing spaces, tabs, CRs and LFs.
std::string_view trim(std::string_view text) noexcept;

/// `value` when not empty, else the environment variable `variable` (empty
/// when unset, or when `variable` is empty).
std::string value_or_env(std::string value, const std::string& variable);

/// Replaces every occurrence of `needle` in `text` with `with`.
void replace_all(std::string& text, std::string_view needle,
                 std::string_view with);

/// `url` without its query, which may carry credentials of its own: what
/// log lines and error messages show.
inline std::string_view loggable_url(std::string_view url) noexcept {
  return url.substr(0, url.find('?'));
}

/// The header that carries a request's id, as the SDK sends and reads it.
inline constexpr std::string_view kRequestIdHeader = "x-request-id";

}  // namespace budgateway::detail

#endif  // BUDGATEWAY_SRC_REQUEST_UTIL_HPP_
