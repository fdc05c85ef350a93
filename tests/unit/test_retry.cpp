// Copyright 2026 The budgateway Authors. SPDX-License-Identifier: Apache-2.0
#include "retry.hpp"

#include <array>
#include <chrono>
#include <climits>
#include <cstddef>
#include <cstdio>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "catch.hpp"

namespace budgateway::detail {
namespace {

using std::chrono::seconds;
using std::chrono::system_clock;

// Sun, 06 Nov 1994 08:49:37 GMT, the RFC 9110 example date.
constexpr seconds kExampleDate{784111777};
// 2026-01-01T00:00:00Z.
constexpr seconds kNewYear2026{1767225600};
// 2076-01-01T00:00:00Z.
constexpr seconds kNewYear2076{3345062400};
// Fri, 31 Dec 9999 23:59:59 GMT, the last four-digit-year second.
constexpr seconds kLastDate{253402300799};
// Tue, 29 Feb 2000 00:00:00 GMT.
constexpr seconds kLeapDay2000{951782400};
constexpr double kAlmostOne = 0.999999;

system_clock::time_point at(seconds since_epoch) {
  return system_clock::time_point(
      std::chrono::duration_cast<system_clock::duration>(since_epoch));
}

ResponseHeaders headers_of(
    const std::vector<std::pair<std::string, std::string>>& entries) {
  ResponseHeaders headers;
  for (const auto& [name, value] : entries) headers.add(name, value);
  return headers;
}

Error http_error(int status, std::optional<Millis> retry_after = std::nullopt) {
  ErrorInfo info;
  info.code = ErrorCode::Server;
  info.http_status = status;
  info.retry_after = retry_after;
  return Error(std::move(info));
}

Error transport_error(ErrorCode code) {
  ErrorInfo info;
  info.code = code;
  return Error(std::move(info));
}

std::optional<Millis> retry_after_of(
    const std::vector<std::pair<std::string, std::string>>& entries,
    system_clock::time_point now = at(kExampleDate)) {
  return parse_retry_after(headers_of(entries), now);
}

TEST_CASE("is_retryable accepts 408, 409, 429 and 5xx and no other 4xx",
          "[retry]") {
  const ResponseHeaders none;
  for (int status = 400; status <= 599; ++status) {
    CAPTURE(status);
    const bool expected =
        status == 408 || status == 409 || status == 429 || status >= 500;
    CHECK(is_retryable(http_error(status), none) == expected);
  }
}

TEST_CASE("is_retryable never retries a 402 quota error", "[retry]") {
  ErrorInfo info;
  info.code = ErrorCode::QuotaExceeded;
  info.http_status = 402;
  CHECK_FALSE(is_retryable(Error(std::move(info)), ResponseHeaders{}));
}

TEST_CASE("is_retryable without a status retries only Connection and Timeout",
          "[retry]") {
  const std::array<std::pair<ErrorCode, bool>, 14> table = {{
      {ErrorCode::InvalidArgument, false},
      {ErrorCode::Connection, true},
      {ErrorCode::Timeout, true},
      {ErrorCode::Cancelled, false},
      {ErrorCode::BadRequest, false},
      {ErrorCode::Authentication, false},
      {ErrorCode::PermissionDenied, false},
      {ErrorCode::NotFound, false},
      {ErrorCode::Conflict, false},
      {ErrorCode::UnprocessableEntity, false},
      {ErrorCode::RateLimited, false},
      {ErrorCode::QuotaExceeded, false},
      {ErrorCode::Server, false},
      {ErrorCode::Protocol, false},
  }};
  for (const auto& [code, expected] : table) {
    CAPTURE(static_cast<int>(code));
    CHECK(is_retryable(transport_error(code), ResponseHeaders{}) == expected);
  }
}

TEST_CASE("x-should-retry overrides the status rule in both directions",
          "[retry]") {
  SECTION("true makes a 400 retryable, any letter case") {
    const auto value =
        GENERATE(as<std::string>{}, "true", "TRUE", "True", " true ");
    CAPTURE(value);
    CHECK(
        is_retryable(http_error(400), headers_of({{"x-should-retry", value}})));
  }
  SECTION("false stops a 503, any letter case and header name case") {
    const auto value = GENERATE(as<std::string>{}, "false", "FALSE", "False");
    CAPTURE(value);
    CHECK_FALSE(
        is_retryable(http_error(503), headers_of({{"X-Should-Retry", value}})));
  }
  SECTION("false stops a connection error") {
    CHECK_FALSE(is_retryable(transport_error(ErrorCode::Connection),
                             headers_of({{"x-should-retry", "false"}})));
  }
  SECTION("true makes a Protocol error retryable") {
    CHECK(is_retryable(transport_error(ErrorCode::Protocol),
                       headers_of({{"x-should-retry", "true"}})));
  }
  SECTION("another value leaves the status rule in charge") {
    const auto value = GENERATE(as<std::string>{}, "yes", "1", "", "truest");
    CAPTURE(value);
    CHECK(
        is_retryable(http_error(503), headers_of({{"x-should-retry", value}})));
    CHECK_FALSE(
        is_retryable(http_error(400), headers_of({{"x-should-retry", value}})));
  }
}

TEST_CASE("x-should-retry cannot make Cancelled or InvalidArgument retryable",
          "[retry]") {
  const auto code = GENERATE(ErrorCode::Cancelled, ErrorCode::InvalidArgument);
  CAPTURE(static_cast<int>(code));
  CHECK_FALSE(is_retryable(transport_error(code),
                           headers_of({{"x-should-retry", "true"}})));
}

TEST_CASE("an error reported inside a 200 stream is not retryable here",
          "[retry]") {
  const auto code = GENERATE(ErrorCode::RateLimited, ErrorCode::Server);
  CAPTURE(static_cast<int>(code));
  CHECK_FALSE(is_retryable(transport_error(code), ResponseHeaders{}));
}

TEST_CASE("parse_retry_after reads retry-after-ms in milliseconds", "[retry]") {
  CHECK(retry_after_of({{"retry-after-ms", "1500"}}) == Millis(1500));
  CHECK(retry_after_of({{"Retry-After-Ms", " 250 "}}) == Millis(250));
  CHECK(retry_after_of({{"retry-after-ms", "0"}}) == Millis(0));
}

TEST_CASE("parse_retry_after rounds a fractional wait up", "[retry]") {
  CHECK(retry_after_of({{"retry-after-ms", "1500.5"}}) == Millis(1501));
  CHECK(retry_after_of({{"retry-after", "1.5"}}) == Millis(1500));
  CHECK(retry_after_of({{"retry-after", "0.0001"}}) == Millis(1));
}

TEST_CASE("parse_retry_after prefers retry-after-ms over Retry-After",
          "[retry]") {
  CHECK(retry_after_of({{"Retry-After", "30"}, {"retry-after-ms", "20"}}) ==
        Millis(20));
}

TEST_CASE(
    "parse_retry_after falls back to Retry-After when retry-after-ms is "
    "unreadable",
    "[retry]") {
  CHECK(retry_after_of({{"retry-after-ms", "soon"}, {"Retry-After", "3"}}) ==
        Millis(3000));
}

TEST_CASE("parse_retry_after reads Retry-After delta-seconds", "[retry]") {
  CHECK(retry_after_of({{"Retry-After", "120"}}) == Millis(120000));
  CHECK(retry_after_of({{"retry-after", "0"}}) == Millis(0));
}

TEST_CASE("parse_retry_after saturates an enormous delay", "[retry]") {
  CHECK(retry_after_of({{"retry-after", "99999999999999999999"}}) ==
        Millis::max());
}

TEST_CASE("parse_retry_after saturates a delay too long for a double",
          "[retry]") {
  // More digits than a double's range (about 1.8e308): still all digits,
  // so the server asked for "forever", not for nothing.
  const std::string forever(400, '9');
  CHECK(retry_after_of({{"retry-after", forever}}) == Millis::max());
  CHECK(retry_after_of({{"retry-after-ms", forever}}) == Millis::max());
  CHECK(retry_after_of({{"retry-after", forever + ".5"}}) == Millis::max());
  // And fewer than the smallest double: a moment, rounded up as ever.
  const std::string moment = "0." + std::string(400, '0') + "1";
  CHECK(retry_after_of({{"retry-after", moment}}) == Millis(1));
  CHECK(retry_after_of({{"retry-after-ms", moment}}) == Millis(1));
}

TEST_CASE("parse_retry_after rejects negative and unreadable values",
          "[retry]") {
  const auto value =
      GENERATE(as<std::string>{}, "-5", "-0.5", "soon", "", "   ", "1e3",
               "12abc", "+5", ".5", "5.", "1.2.3", "0x10", "inf", "nan");
  CAPTURE(value);
  CHECK_FALSE(retry_after_of({{"retry-after", value}}).has_value());
  CHECK_FALSE(retry_after_of({{"retry-after-ms", value}}).has_value());
}

TEST_CASE("parse_retry_after is empty without either header", "[retry]") {
  CHECK_FALSE(retry_after_of({}).has_value());
  CHECK_FALSE(retry_after_of({{"x-ratelimit-reset", "5"}}).has_value());
}

TEST_CASE("parse_retry_after reads the three HTTP-date forms relative to now",
          "[retry]") {
  const auto now = at(kExampleDate - seconds(37));
  const auto date =
      GENERATE(as<std::string>{}, "Sun, 06 Nov 1994 08:49:37 GMT",
               "Sunday, 06-Nov-94 08:49:37 GMT", "Sun Nov  6 08:49:37 1994");
  CAPTURE(date);
  CHECK(retry_after_of({{"Retry-After", date}}, now) == Millis(37000));
}

TEST_CASE("parse_retry_after counts a date from a sub-second now", "[retry]") {
  const auto now = at(kExampleDate) - std::chrono::milliseconds(1500);
  CHECK(retry_after_of({{"Retry-After", "Sun, 06 Nov 1994 08:49:37 GMT"}},
                       now) == Millis(1500));
}

TEST_CASE("parse_retry_after gives 0 for a date in the past", "[retry]") {
  const auto now = at(kExampleDate + seconds(3600));
  CHECK(retry_after_of({{"Retry-After", "Sun, 06 Nov 1994 08:49:37 GMT"}},
                       now) == Millis(0));
}

TEST_CASE("parse_retry_after handles leap days and the year 9999", "[retry]") {
  const auto now = at(kNewYear2026);
  CHECK(retry_after_of({{"Retry-After", "Tue, 29 Feb 2000 00:00:00 GMT"}},
                       at(kLeapDay2000 - seconds(1))) == Millis(1000));
  CHECK(
      retry_after_of({{"Retry-After", "Fri, 31 Dec 9999 23:59:59 GMT"}}, now) ==
      std::chrono::duration_cast<Millis>(kLastDate - kNewYear2026));
}

TEST_CASE(
    "parse_retry_after accepts the last day of every month and rejects the "
    "day after",
    "[retry]") {
  // Month lengths written out here, not taken from the parser: 2000 is a
  // leap year (divisible by 400), 2100 is not (by 100), 2024 is, 2023 not.
  struct Year {
    int year;
    std::array<int, 12> days;
  };
  const Year year =
      GENERATE(Year{2000, {31, 29, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31}},
               Year{2023, {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31}},
               Year{2024, {31, 29, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31}},
               Year{2100, {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31}});
  static constexpr std::array<const char*, 12> kMonths = {
      "Jan", "Feb", "Mar", "Apr", "May", "Jun",
      "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"};
  // The day name is read but not checked against the date; give the right
  // one anyway (Sakamoto's method).
  const auto date = [](int y, int month, int day) {
    static constexpr std::array<int, 12> kShift = {0, 3, 2, 5, 0, 3,
                                                   5, 1, 4, 6, 2, 4};
    static constexpr std::array<const char*, 7> kNames = {
        "Sun", "Mon", "Tue", "Wed", "Thu", "Fri", "Sat"};
    const int shifted = month < 3 ? y - 1 : y;
    const int weekday = (shifted + shifted / 4 - shifted / 100 + shifted / 400 +
                         kShift[static_cast<std::size_t>(month - 1)] + day) %
                        7;
    char text[64];
    std::snprintf(text, sizeof(text), "%s, %02d %s %04d 00:00:00 GMT",
                  kNames[static_cast<std::size_t>(weekday)], day,
                  kMonths[static_cast<std::size_t>(month - 1)], y);
    return std::string(text);
  };
  const auto now = at(kExampleDate);
  for (int month = 1; month <= 12; ++month) {
    const int last = year.days[static_cast<std::size_t>(month - 1)];
    const std::string last_day = date(year.year, month, last);
    const std::string next_day =
        month == 12 ? date(year.year + 1, 1, 1) : date(year.year, month + 1, 1);
    CAPTURE(last_day, next_day);
    const auto at_last = retry_after_of({{"Retry-After", last_day}}, now);
    REQUIRE(at_last.has_value());
    CHECK_FALSE(
        retry_after_of({{"Retry-After", date(year.year, month, last + 1)}}, now)
            .has_value());
    // The last day is the day before the first of the next month.
    CHECK(retry_after_of({{"Retry-After", next_day}}, now) ==
          *at_last + std::chrono::hours(24));
  }
}

TEST_CASE("parse_retry_after puts a two-digit year within 50 years ahead",
          "[retry]") {
  const auto now = at(kNewYear2026);
  CHECK(retry_after_of({{"Retry-After", "Wednesday, 01-Jan-76 00:00:00 GMT"}},
                       now) ==
        std::chrono::duration_cast<Millis>(kNewYear2076 - kNewYear2026));
  CHECK(retry_after_of({{"Retry-After", "Saturday, 01-Jan-77 00:00:00 GMT"}},
                       now) == Millis(0));
  // A second before 2026 the horizon is 2075, so "76" is 1976.
  CHECK(retry_after_of({{"Retry-After", "Wednesday, 01-Jan-76 00:00:00 GMT"}},
                       at(kNewYear2026 - seconds(1))) == Millis(0));
}

TEST_CASE("parse_retry_after rejects malformed or impossible dates",
          "[retry]") {
  const auto date = GENERATE(
      as<std::string>{}, "Sun, 06 Nov 1994 08:49:37 PST",
      "Sun, 06 Nov 1994 08:49:37 GMT extra", "Sun, 6 Nov 1994 08:49:37 GMT",
      "Sun, 06 November 1994 08:49:37 GMT", "Sun 06 Nov 1994 08:49:37 GMT",
      "Sun, 31 Feb 1994 08:49:37 GMT", "Mon, 29 Feb 1900 00:00:00 GMT",
      "Sun, 00 Nov 1994 08:49:37 GMT", "Sun, 06 Nov 1994 24:00:00 GMT",
      "Sun, 06 Nov 1994 08:60:00 GMT", "Sun, 06 Nov 1994 08:49:61 GMT",
      "Sun, 06 Nov 1994 08:49 GMT", "Funday, 06-Nov-94 08:49:37 GMT",
      "Sun Nov 6 08:49:37 1994", "Sun Nov  6 08:49:37 94");
  CAPTURE(date);
  CHECK_FALSE(retry_after_of({{"Retry-After", date}}).has_value());
}

TEST_CASE("parse_retry_after rejects each malformed piece of every date form",
          "[retry]") {
  // One piece wrong or missing at a time, in each of the three forms, so
  // that every check of the date scanner has to hold (a dropped check would
  // read the date, and a retry would wait for it). A separator that is
  // missing, not just wrong, is what tells a dropped separator check.
  const auto date = GENERATE(
      as<std::string>{},
      // IMF-fixdate
      "Sun,06 Nov 1994 08:49:37 GMT", "Sun, 06-Nov 1994 08:49:37 GMT",
      "Sun, 06 Nov-1994 08:49:37 GMT", "Sun, 06 Nov 1994-08:49:37 GMT",
      "Sun, 06 Nov 1994 08-49:37 GMT", "Sun, 06 Nov 1994 08:49-37 GMT",
      "Sun, 06 Nov 1994 08:49:3 GMT", "Sun, 06 Nov 1994 08:4:37 GMT",
      "Sun, 06 Nov 1994 0:49:37 GMT", "Sun, 06 Nov 94 08:49:37 GMT",
      "Sun, 06 Nox 1994 08:49:37 GMT", "Sun, 06 Nov 1994 08:49:37",
      "Sun, 06Nov 1994 08:49:37 GMT", "Sun, 06 Nov1994 08:49:37 GMT",
      "Sun, 06 Nov 199408:49:37 GMT", "Sun, 06 Nov 1994 0849:37 GMT",
      "Sun, 06 Nov 1994 08:4937 GMT", "Sun, 06 Nov 1994 08:49:37GMT",
      // RFC 850
      "Sunday 06-Nov-94 08:49:37 GMT", "Sunday, 6-Nov-94 08:49:37 GMT",
      "Sunday, 06 Nov-94 08:49:37 GMT", "Sunday, 06-Nox-94 08:49:37 GMT",
      "Sunday, 06-Nov 94 08:49:37 GMT", "Sunday, 06-Nov-1994 08:49:37 GMT",
      "Sunday, 06-Nov-94-08:49:37 GMT", "Sunday, 06-Nov-94 08:49:37 PST",
      "Sunday, 06-Nov-94 08:49:37 GMT extra", "Sunday, 06-Nov-94 0849:37 GMT",
      "Sunday, 31-Feb-94 08:49:37 GMT", "Sunday,06-Nov-94 08:49:37 GMT",
      "Sunday, 06Nov-94 08:49:37 GMT", "Sunday, 06-Nov94 08:49:37 GMT",
      "Sunday, 06-Nov-9408:49:37 GMT", "Sunday, 06-Nov-94 08:49:37GMT",
      // asctime
      "SunNov  6 08:49:37 1994", "Sun Nox  6 08:49:37 1994",
      "Sun Nov-  6 08:49:37 1994", "Sun Nov  x 08:49:37 1994",
      "Sun Nov  6-08:49:37 1994", "Sun Nov  6 08:49:37-1994",
      "Sun Nov  6 08:49:37 1994 GMT", "Sun Nov  6 08:49:37 199",
      "Sun Nov  6 08:49 1994", "Sun Feb 30 08:49:37 1994",
      "Sun Nov  608:49:37 1994", "Sun Nov  6 08:49:371994");
  CAPTURE(date);
  CHECK_FALSE(retry_after_of({{"Retry-After", date}}).has_value());
}

TEST_CASE("parse_retry_after rejects a fraction with anything but digits",
          "[retry]") {
  for (const char* value : {"1.x", "1.", "1.2.3", ".5", "1e3"}) {
    CAPTURE(value);
    CHECK_FALSE(retry_after_of({{"retry-after-ms", value}}).has_value());
    CHECK_FALSE(retry_after_of({{"Retry-After", value}}).has_value());
  }
}

TEST_CASE("backoff_delay doubles from the initial delay up to the cap",
          "[retry]") {
  const RetryPolicy policy;
  const std::array<std::pair<int, Millis>, 8> table = {{
      {0, Millis(500)},
      {1, Millis(1000)},
      {2, Millis(2000)},
      {3, Millis(4000)},
      {4, Millis(8000)},
      {5, Millis(8000)},
      {1000, Millis(8000)},
      {INT_MAX, Millis(8000)},
  }};
  for (const auto& [index, expected] : table) {
    CAPTURE(index);
    CHECK(backoff_delay(policy, index, 0.0) == expected);
  }
}

TEST_CASE("backoff_delay takes off at most the jitter share", "[retry]") {
  const RetryPolicy policy;
  for (int index = 0; index <= 6; ++index) {
    CAPTURE(index);
    const Millis full = backoff_delay(policy, index, 0.0);
    const Millis least = backoff_delay(policy, index, kAlmostOne);
    const Millis middle = backoff_delay(policy, index, 0.5);
    CHECK(least < full);
    CHECK(least >= Millis(full.count() * 3 / 4));
    CHECK(middle < full);
    CHECK(middle > least);
  }
  CHECK(backoff_delay(policy, 0, 0.5) == Millis(437));
}

TEST_CASE("backoff_delay without jitter ignores the random number", "[retry]") {
  RetryPolicy policy;
  policy.jitter = 0.0;
  CHECK(backoff_delay(policy, 1, kAlmostOne) == Millis(1000));
}

TEST_CASE("backoff_delay does not overflow near Millis::max()", "[retry]") {
  RetryPolicy policy;
  policy.initial_backoff = Millis::max() / 3;
  policy.max_backoff = Millis::max();
  CHECK(backoff_delay(policy, 0, 0.0) == Millis::max() / 3);
  CHECK(backoff_delay(policy, 2, 0.0) == Millis::max());
  CHECK(backoff_delay(policy, INT_MAX, 0.0) == Millis::max());
  CHECK(backoff_delay(policy, INT_MAX, kAlmostOne) > Millis(0));
}

TEST_CASE("backoff_delay handles degenerate policies", "[retry]") {
  RetryPolicy policy;
  SECTION("a zero initial delay stays zero") {
    policy.initial_backoff = Millis(0);
    CHECK(backoff_delay(policy, INT_MAX, 0.0) == Millis(0));
  }
  SECTION("an initial delay above the cap is cut to the cap") {
    policy.initial_backoff = Millis(10000);
    CHECK(backoff_delay(policy, 0, 0.0) == Millis(8000));
  }
  SECTION("a negative index counts as the first retry") {
    CHECK(backoff_delay(policy, -3, 0.0) == Millis(500));
  }
}

TEST_CASE("decide_retry retries until max_retries are used up", "[retry]") {
  const RetryPolicy policy;  // 2 retries
  const Error error = http_error(503);
  const ResponseHeaders none;
  const RetryDecision first = decide_retry(policy, 1, error, none, 0.0);
  CHECK(first.retry);
  CHECK(first.delay == Millis(500));
  const RetryDecision second = decide_retry(policy, 2, error, none, 0.0);
  CHECK(second.retry);
  CHECK(second.delay == Millis(1000));
  const RetryDecision third = decide_retry(policy, 3, error, none, 0.0);
  CHECK_FALSE(third.retry);
  CHECK(third.delay == Millis(0));
}

TEST_CASE("decide_retry with max_retries 0 never retries", "[retry]") {
  RetryPolicy policy;
  policy.max_retries = 0;
  CHECK_FALSE(
      decide_retry(policy, 1, http_error(503), ResponseHeaders{}, 0.0).retry);
}

TEST_CASE("decide_retry does not retry a non-retryable error", "[retry]") {
  const RetryPolicy policy;
  CHECK_FALSE(
      decide_retry(policy, 1, http_error(400), ResponseHeaders{}, 0.0).retry);
  CHECK_FALSE(decide_retry(policy, 1, http_error(429, Millis(10)),
                           headers_of({{"x-should-retry", "false"}}), 0.0)
                  .retry);
}

TEST_CASE("decide_retry waits exactly the server's retry_after", "[retry]") {
  const RetryPolicy policy;
  const auto asked = GENERATE(Millis(0), Millis(3000), Millis(60000));
  CAPTURE(asked.count());
  const RetryDecision decision = decide_retry(policy, 1, http_error(429, asked),
                                              ResponseHeaders{}, kAlmostOne);
  CHECK(decision.retry);
  CHECK(decision.delay == asked);
}

TEST_CASE("decide_retry gives up when retry_after exceeds the cap", "[retry]") {
  const RetryPolicy policy;
  const RetryDecision decision = decide_retry(
      policy, 1, http_error(429, Millis(60001)), ResponseHeaders{}, 0.0);
  CHECK_FALSE(decision.retry);
}

TEST_CASE("decide_retry stops after the last retry even with retry_after",
          "[retry]") {
  const RetryPolicy policy;
  CHECK_FALSE(decide_retry(policy, 3, http_error(429, Millis(10)),
                           ResponseHeaders{}, 0.0)
                  .retry);
}

TEST_CASE("decide_retry backs off with jitter when no wait was asked",
          "[retry]") {
  const RetryPolicy policy;
  const RetryDecision decision =
      decide_retry(policy, 2, transport_error(ErrorCode::Timeout),
                   ResponseHeaders{}, kAlmostOne);
  CHECK(decision.retry);
  CHECK(decision.delay >= Millis(750));
  CHECK(decision.delay < Millis(1000));
}

}  // namespace
}  // namespace budgateway::detail
