// Copyright 2026 The budgateway Authors. SPDX-License-Identifier: Apache-2.0
#ifndef BUDGATEWAY_HEADERS_HPP_
#define BUDGATEWAY_HEADERS_HPP_

/// @file
/// HTTP header lists: what a request adds, and what a response carried.

#include <budgateway/export.hpp>

#include <cstddef>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace budgateway {

/// Headers a request adds (name, value), sent in this order.
using HeaderList = std::vector<std::pair<std::string, std::string>>;

/// Query parameters (name, value), URL-encoded by the client.
using QueryList = std::vector<std::pair<std::string, std::string>>;

/// The headers of a response, in the order received, names lower-cased.
///
/// @par Thread safety
/// As a plain value type: const access from many threads is safe.
class BUDGATEWAY_EXPORT ResponseHeaders {
 public:
  /// One header: (name, value).
  using value_type = std::pair<std::string, std::string>;
  /// Iterates the headers in the order received.
  using const_iterator = std::vector<value_type>::const_iterator;

  /// Appends a header; the name is stored lower-cased.
  void add(std::string_view name, std::string_view value);

  /// The first value of a header, the name matched without regard to case.
  std::optional<std::string_view> get(std::string_view name) const noexcept;

  /// The first header.
  const_iterator begin() const noexcept { return entries_.begin(); }
  /// Past the last header.
  const_iterator end() const noexcept { return entries_.end(); }
  /// How many headers there are (a repeated name counts each time).
  std::size_t size() const noexcept { return entries_.size(); }
  /// Whether there is none.
  bool empty() const noexcept { return entries_.empty(); }
  /// Removes every header.
  void clear() noexcept { entries_.clear(); }

 private:
  std::vector<value_type> entries_;
};

}  // namespace budgateway

#endif  // BUDGATEWAY_HEADERS_HPP_
