// Copyright 2026 The budgateway Authors. SPDX-License-Identifier: Apache-2.0
#include <budgateway/headers.hpp>

#include "request_util.hpp"

namespace budgateway {

namespace {

/// Room for the headers of a small response, made with the first one
/// instead of in four steps as they arrive. Not more: a result keeps its
/// headers, and a batch keeps thousands of results.
constexpr std::size_t kTypicalHeaders = 8;

}  // namespace

void ResponseHeaders::add(std::string_view name, std::string_view value) {
  if (entries_.capacity() == 0) entries_.reserve(kTypicalHeaders);
  std::string lowered(name);
  for (char& c : lowered) {
    if (c >= 'A' && c <= 'Z') c = static_cast<char>(c - 'A' + 'a');
  }
  entries_.emplace_back(std::move(lowered), std::string(value));
}

std::optional<std::string_view> ResponseHeaders::get(
    std::string_view name) const noexcept {
  for (const auto& [entry_name, entry_value] : entries_) {
    if (detail::iequals(entry_name, name)) return entry_value;
  }
  return std::nullopt;
}

}  // namespace budgateway
