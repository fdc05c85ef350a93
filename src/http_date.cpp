// Copyright 2026 The budgateway Authors. SPDX-License-Identifier: Apache-2.0
#include "http_date.hpp"

#include <algorithm>
#include <array>
#include <cmath>
#include <cstdint>
#include <string_view>

namespace budgateway::detail {
namespace {

using Seconds = std::chrono::seconds;
using Millis = std::chrono::milliseconds;

constexpr int kDecimalBase = 10;
constexpr int kJanuary = 1;
constexpr int kFirstOfMonth = 1;
constexpr int kDaysPerWeek = 7;
constexpr int kMonthsPerYear = 12;
constexpr int kHoursPerDay = 24;
constexpr int kMinutesPerHour = 60;
constexpr int kSecondsPerMinute = 60;
// HTTP-date allows a leap second.
constexpr int kLastSecond = 60;
constexpr int kYearsPerCentury = 100;
// RFC 9110 5.6.7: a two-digit year more than 50 years ahead is in the past.
constexpr int kTwoDigitYearHorizon = 50;

constexpr std::array<std::string_view, kDaysPerWeek> kDayNames = {
    "Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun"};
constexpr std::array<std::string_view, kDaysPerWeek> kLongDayNames = {
    "Monday", "Tuesday",  "Wednesday", "Thursday",
    "Friday", "Saturday", "Sunday"};
constexpr std::array<std::string_view, kMonthsPerYear> kMonthNames = {
    "Jan", "Feb", "Mar", "Apr", "May", "Jun",
    "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"};

bool is_digit(char c) noexcept { return c >= '0' && c <= '9'; }

bool all_digits(std::string_view text) noexcept {
  return !text.empty() && std::all_of(text.begin(), text.end(), is_digit);
}

constexpr int kFebruary = 2;
constexpr int kLeapCycle = 4;
constexpr int kGregorianCycle = 400;
constexpr int kDaysPerCommonYear = 365;

/// Days since 1970-01-01 of a proleptic Gregorian date (Howard Hinnant's
/// days_from_civil), so dates need neither timegm nor the TZ environment.
/// The year is counted from March so that the leap day comes last.
std::int64_t days_from_civil(std::int64_t year, int month, int day) noexcept {
  constexpr int kMonthsFromMarch = 3;
  constexpr int kDaysPerCycle = 146097;
  // (153 * m + 2) / 5 is the day of the year on which March-based month m
  // starts: month lengths run 31 30 31 30 31 in blocks of five.
  constexpr int kDaysPerFiveMonths = 153;
  constexpr int kFiveMonths = 5;
  constexpr int kRoundingDays = 2;
  constexpr int kDaysFromYearZeroToEpoch = 719468;
  year -= month <= kFebruary ? 1 : 0;
  const std::int64_t cycle =
      (year >= 0 ? year : year - (kGregorianCycle - 1)) / kGregorianCycle;
  const std::int64_t year_of_cycle = year - cycle * kGregorianCycle;
  const int month_from_march = month > kFebruary
                                   ? month - kMonthsFromMarch
                                   : month + kMonthsPerYear - kMonthsFromMarch;
  const std::int64_t day_of_year =
      (kDaysPerFiveMonths * month_from_march + kRoundingDays) / kFiveMonths +
      day - 1;
  const std::int64_t day_of_cycle =
      year_of_cycle * kDaysPerCommonYear + year_of_cycle / kLeapCycle -
      year_of_cycle / kYearsPerCentury + day_of_year;
  return cycle * kDaysPerCycle + day_of_cycle - kDaysFromYearZeroToEpoch;
}

int days_in_month(std::int64_t year, int month) noexcept {
  constexpr std::array<int, kMonthsPerYear> kDays = {31, 28, 31, 30, 31, 30,
                                                     31, 31, 30, 31, 30, 31};
  const bool leap = (year % kLeapCycle == 0 && year % kYearsPerCentury != 0) ||
                    year % kGregorianCycle == 0;
  const int common = kDays[static_cast<std::size_t>(month - 1)];
  return month == kFebruary && leap ? common + 1 : common;
}

/// The calendar year `now` falls in (UTC), for two-digit RFC 850 years.
std::int64_t year_of(std::chrono::system_clock::time_point now) noexcept {
  const auto days =
      std::chrono::duration_cast<Seconds>(now.time_since_epoch()).count() /
      (kHoursPerDay * kMinutesPerHour * kSecondsPerMinute);
  // 1970 + days / 365.2425, corrected by at most one year either way.
  constexpr double kDaysPerYear = 365.2425;
  constexpr std::int64_t kEpochYear = 1970;
  std::int64_t year =
      kEpochYear + static_cast<std::int64_t>(
                       std::floor(static_cast<double>(days) / kDaysPerYear));
  if (days_from_civil(year, kJanuary, kFirstOfMonth) > days) --year;
  if (days_from_civil(year + 1, kJanuary, kFirstOfMonth) <= days) ++year;
  return year;
}

/// Reads the fixed-layout pieces of an HTTP-date from left to right.
class DateScanner {
 public:
  explicit DateScanner(std::string_view text) : rest_(text) {}

  bool at_end() const noexcept { return rest_.empty(); }

  bool literal(std::string_view expected) noexcept {
    if (rest_.substr(0, expected.size()) != expected) return false;
    rest_.remove_prefix(expected.size());
    return true;
  }

  template <std::size_t N>
  std::optional<int> one_of(
      const std::array<std::string_view, N>& names) noexcept {
    for (std::size_t i = 0; i < N; ++i) {
      if (literal(names[i])) return static_cast<int>(i);
    }
    return std::nullopt;
  }

  std::optional<int> digits(std::size_t count) noexcept {
    if (rest_.size() < count || !all_digits(rest_.substr(0, count))) {
      return std::nullopt;
    }
    int value = 0;
    for (std::size_t i = 0; i < count; ++i) {
      value = value * kDecimalBase + (rest_[i] - '0');
    }
    rest_.remove_prefix(count);
    return value;
  }

  /// asctime's day of month: two digits, or a space then one digit.
  std::optional<int> padded_day() noexcept {
    if (literal(" ")) return digits(1);
    return digits(2);
  }

 private:
  std::string_view rest_;
};

struct CivilTime {
  std::int64_t year = 0;
  int month = 0;  ///< 1..12
  int day = 0;
  int hour = 0;
  int minute = 0;
  int second = 0;
};

bool read_time_of_day(DateScanner& scan, CivilTime& time) noexcept {
  const auto hour = scan.digits(2);
  if (!hour || !scan.literal(":")) return false;
  const auto minute = scan.digits(2);
  if (!minute || !scan.literal(":")) return false;
  const auto second = scan.digits(2);
  if (!second) return false;
  time.hour = *hour;
  time.minute = *minute;
  time.second = *second;
  return true;
}

/// "Sun, 06 Nov 1994 08:49:37 GMT"
std::optional<CivilTime> parse_imf_fixdate(std::string_view text) noexcept {
  DateScanner scan(text);
  CivilTime time;
  if (!scan.one_of(kDayNames) || !scan.literal(", ")) return std::nullopt;
  const auto day = scan.digits(2);
  if (!day || !scan.literal(" ")) return std::nullopt;
  const auto month = scan.one_of(kMonthNames);
  if (!month || !scan.literal(" ")) return std::nullopt;
  const auto year = scan.digits(4);
  if (!year || !scan.literal(" ") || !read_time_of_day(scan, time) ||
      !scan.literal(" GMT") || !scan.at_end()) {
    return std::nullopt;
  }
  time.year = *year;
  time.month = *month + 1;
  time.day = *day;
  return time;
}

/// "Sunday, 06-Nov-94 08:49:37 GMT"
std::optional<CivilTime> parse_rfc850(
    std::string_view text, std::chrono::system_clock::time_point now) noexcept {
  DateScanner scan(text);
  CivilTime time;
  if (!scan.one_of(kLongDayNames) || !scan.literal(", ")) return std::nullopt;
  const auto day = scan.digits(2);
  if (!day || !scan.literal("-")) return std::nullopt;
  const auto month = scan.one_of(kMonthNames);
  if (!month || !scan.literal("-")) return std::nullopt;
  const auto two_digit_year = scan.digits(2);
  if (!two_digit_year || !scan.literal(" ") || !read_time_of_day(scan, time) ||
      !scan.literal(" GMT") || !scan.at_end()) {
    return std::nullopt;
  }
  const std::int64_t current = year_of(now);
  std::int64_t year = current - current % kYearsPerCentury + *two_digit_year;
  if (year > current + kTwoDigitYearHorizon) year -= kYearsPerCentury;
  time.year = year;
  time.month = *month + 1;
  time.day = *day;
  return time;
}

/// "Sun Nov  6 08:49:37 1994"
std::optional<CivilTime> parse_asctime(std::string_view text) noexcept {
  DateScanner scan(text);
  CivilTime time;
  if (!scan.one_of(kDayNames) || !scan.literal(" ")) return std::nullopt;
  const auto month = scan.one_of(kMonthNames);
  if (!month || !scan.literal(" ")) return std::nullopt;
  const auto day = scan.padded_day();
  if (!day || !scan.literal(" ") || !read_time_of_day(scan, time) ||
      !scan.literal(" ")) {
    return std::nullopt;
  }
  const auto year = scan.digits(4);
  if (!year || !scan.at_end()) return std::nullopt;
  time.year = *year;
  time.month = *month + 1;
  time.day = *day;
  return time;
}

bool is_valid(const CivilTime& time) noexcept {
  return time.day >= 1 && time.day <= days_in_month(time.year, time.month) &&
         time.hour < kHoursPerDay && time.minute < kMinutesPerHour &&
         time.second <= kLastSecond;
}

}  // namespace

std::optional<std::chrono::milliseconds> parse_http_date(
    std::string_view text, std::chrono::system_clock::time_point now) noexcept {
  std::optional<CivilTime> time = parse_imf_fixdate(text);
  if (!time) time = parse_rfc850(text, now);
  if (!time) time = parse_asctime(text);
  if (!time || !is_valid(*time)) return std::nullopt;

  // In milliseconds, not system_clock's nanoseconds: a year-9999 date would
  // overflow those.
  const std::int64_t seconds =
      ((days_from_civil(time->year, time->month, time->day) * kHoursPerDay +
        time->hour) *
           kMinutesPerHour +
       time->minute) *
          kSecondsPerMinute +
      time->second;
  const Millis date = std::chrono::duration_cast<Millis>(Seconds(seconds));
  const Millis current =
      std::chrono::duration_cast<Millis>(now.time_since_epoch());
  return std::max(date - current, Millis(0));
}
}  // namespace budgateway::detail
