// Copyright 2026 The budgateway Authors. SPDX-License-Identifier: Apache-2.0
#include "request_util.hpp"

#include <array>
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <random>

namespace budgateway::detail {
namespace {

constexpr std::string_view kHexUpper = "0123456789ABCDEF";
constexpr std::string_view kHexLower = "0123456789abcdef";
constexpr std::string_view kHttpScheme = "http://";
constexpr std::string_view kHttpsScheme = "https://";
constexpr std::string_view kTokenSymbols = "!#$%&'*+-.^_`|~";
constexpr unsigned kNibbleBits = 4;
constexpr unsigned char kLowNibble = 0x0f;
constexpr unsigned char kDelete = 0x7f;

constexpr std::size_t kUuidBytes = 16;
constexpr std::size_t kUuidVersionByte = 6;
constexpr unsigned char kUuidVersion4 = 0x40;
constexpr std::size_t kUuidVariantByte = 8;
constexpr unsigned char kUuidVariantMask = 0x3f;
constexpr unsigned char kUuidVariantRfc4122 = 0x80;
// The byte indices after which the 8-4-4-4-12 text has a dash.
constexpr std::array<std::size_t, 4> kUuidDashAfter = {3, 5, 7, 9};
constexpr std::size_t kUuidTextLength = 36;
constexpr std::size_t kSeedWords = 8;
constexpr unsigned kBitsPerByte = 8;

bool is_ascii_alpha(char c) noexcept {
  return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z');
}

bool is_ascii_digit(char c) noexcept { return c >= '0' && c <= '9'; }

bool is_unreserved(char c) noexcept {
  return is_ascii_alpha(c) || is_ascii_digit(c) || c == '-' || c == '.' ||
         c == '_' || c == '~';
}

bool is_tchar(char c) noexcept {
  return is_ascii_alpha(c) || is_ascii_digit(c) ||
         kTokenSymbols.find(c) != std::string_view::npos;
}

bool is_control_or_space(char c) noexcept {
  const auto byte = static_cast<unsigned char>(c);
  return byte <= static_cast<unsigned char>(' ') || byte == kDelete;
}

char ascii_lower(char c) noexcept {
  return (c >= 'A' && c <= 'Z') ? static_cast<char>(c - 'A' + 'a') : c;
}

bool istarts_with(std::string_view text, std::string_view prefix) noexcept {
  return text.size() >= prefix.size() &&
         iequals(text.substr(0, prefix.size()), prefix);
}

void append_query(std::string& url, char& separator, const QueryList& query) {
  for (const auto& [name, value] : query) {
    url += separator;
    url += url_encode(name);
    url += '=';
    url += url_encode(value);
    separator = '&';
  }
}

std::mt19937_64& request_id_engine() {
  // One engine per thread: no lock on the request path, and seeding from
  // several random_device words keeps ids of concurrent threads apart.
  thread_local std::mt19937_64 engine = [] {
    std::random_device device;
    std::array<std::random_device::result_type, kSeedWords> words{};
    for (auto& word : words) word = device();
    std::seed_seq seed(words.begin(), words.end());
    return std::mt19937_64(seed);
  }();
  return engine;
}

}  // namespace

std::string url_encode(std::string_view text) {
  std::string encoded;
  encoded.reserve(text.size());
  for (const char c : text) {
    if (is_unreserved(c)) {
      encoded += c;
      continue;
    }
    const auto byte = static_cast<unsigned char>(c);
    encoded += '%';
    encoded += kHexUpper[byte >> kNibbleBits];
    encoded += kHexUpper[byte & kLowNibble];
  }
  return encoded;
}

std::string build_url(std::string_view base, std::string_view path,
                      const QueryList& first, const QueryList& second) {
  // The path goes before any query the base URL already carries.
  std::string_view base_query;
  const std::size_t query_start = base.find('?');
  if (query_start != std::string_view::npos) {
    base_query = base.substr(query_start + 1);
    base = base.substr(0, query_start);
  }
  while (!base.empty() && base.back() == '/') base.remove_suffix(1);

  std::string url(base);
  if (!path.empty() && path.front() != '/') url += '/';
  url += path;
  char separator = '?';
  if (!base_query.empty()) {
    url += '?';
    url += base_query;
    separator = '&';
  }
  append_query(url, separator, first);
  append_query(url, separator, second);
  return url;
}

bool is_http_url(std::string_view url) noexcept {
  std::string_view rest;
  if (istarts_with(url, kHttpScheme)) {
    rest = url.substr(kHttpScheme.size());
  } else if (istarts_with(url, kHttpsScheme)) {
    rest = url.substr(kHttpsScheme.size());
  } else {
    return false;
  }
  if (rest.empty() || rest.front() == '/' || rest.front() == '?' ||
      rest.front() == '#') {
    return false;
  }
  for (const char c : url) {
    if (is_control_or_space(c)) return false;
  }
  return true;
}

bool is_valid_header_name(std::string_view name) noexcept {
  if (name.empty()) return false;
  for (const char c : name) {
    if (!is_tchar(c)) return false;
  }
  return true;
}

bool is_valid_header_value(std::string_view value) noexcept {
  return value.find_first_of(std::string_view("\r\n\0", 3)) ==
         std::string_view::npos;
}

std::string make_request_id() {
  auto& engine = request_id_engine();
  std::array<unsigned char, kUuidBytes> bytes{};
  for (std::size_t i = 0; i < kUuidBytes; i += sizeof(std::uint64_t)) {
    std::uint64_t word = engine();
    for (std::size_t j = 0; j < sizeof(std::uint64_t); ++j) {
      bytes[i + j] = static_cast<unsigned char>(word);
      word >>= kBitsPerByte;
    }
  }
  bytes[kUuidVersionByte] = static_cast<unsigned char>(
      (bytes[kUuidVersionByte] & kLowNibble) | kUuidVersion4);
  bytes[kUuidVariantByte] = static_cast<unsigned char>(
      (bytes[kUuidVariantByte] & kUuidVariantMask) | kUuidVariantRfc4122);

  std::string text;
  text.reserve(kUuidTextLength);
  std::size_t next_dash = 0;
  for (std::size_t i = 0; i < kUuidBytes; ++i) {
    text += kHexLower[bytes[i] >> kNibbleBits];
    text += kHexLower[bytes[i] & kLowNibble];
    if (next_dash < kUuidDashAfter.size() && kUuidDashAfter[next_dash] == i) {
      text += '-';
      ++next_dash;
    }
  }
  return text;
}

bool iequals(std::string_view a, std::string_view b) noexcept {
  if (a.size() != b.size()) return false;
  for (std::size_t i = 0; i < a.size(); ++i) {
    if (ascii_lower(a[i]) != ascii_lower(b[i])) return false;
  }
  return true;
}

std::string_view trim(std::string_view text) noexcept {
  constexpr std::string_view kSpace = " \t\r\n";
  const auto first = text.find_first_not_of(kSpace);
  if (first == std::string_view::npos) return {};
  const auto last = text.find_last_not_of(kSpace);
  return text.substr(first, last - first + 1);
}

std::string value_or_env(std::string value, const std::string& variable) {
  if (!value.empty() || variable.empty()) return value;
  const char* from_env = std::getenv(variable.c_str());
  return from_env != nullptr ? std::string(from_env) : std::string();
}

void replace_all(std::string& text, std::string_view needle,
                 std::string_view with) {
  if (needle.empty()) return;
  for (auto pos = text.find(needle); pos != std::string::npos;
       pos = text.find(needle, pos + with.size())) {
    text.replace(pos, needle.size(), with);
  }
}

}  // namespace budgateway::detail
