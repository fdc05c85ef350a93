// Copyright 2026 The budgateway Authors. SPDX-License-Identifier: Apache-2.0
// HTTP-date (RFC 9110 5.6.7) as a wait from now: what `Retry-After` may say.
#ifndef BUDGATEWAY_SRC_HTTP_DATE_HPP_
#define BUDGATEWAY_SRC_HTTP_DATE_HPP_

#include <chrono>
#include <optional>
#include <string_view>

namespace budgateway::detail {

/// The time from `now` to the HTTP-date `text` (IMF-fixdate, RFC 850 or
/// asctime form); a date in the past is 0; nullopt when unreadable.
std::optional<std::chrono::milliseconds> parse_http_date(
    std::string_view text, std::chrono::system_clock::time_point now) noexcept;

}  // namespace budgateway::detail

#endif  // BUDGATEWAY_SRC_HTTP_DATE_HPP_
