// Copyright 2026 The budgateway Authors. SPDX-License-Identifier: Apache-2.0
#ifndef BUDGATEWAY_RESULT_HPP_
#define BUDGATEWAY_RESULT_HPP_

/// @file
/// Result<T>: a value or an Error, spelled like std::expected.

#include <budgateway/error.hpp>

#include <cassert>
#include <type_traits>
#include <utility>
#include <variant>

namespace budgateway {

/// Holds either a T or an Error. Only value() throws (Exception) when there
/// is no value; operator* and operator-> on an error are a precondition
/// violation, as with std::expected.
///
/// @par Thread safety
/// As a plain value type: const access from many threads is safe.
template <typename T>
class [[nodiscard]] Result {
  static_assert(!std::is_same_v<std::decay_t<T>, Error>,
                "Result<Error> is ambiguous");

 public:
  using value_type = T;
  using error_type = Error;

  Result(const T& value) : storage_(std::in_place_index<0>, value) {}
  Result(T&& value) : storage_(std::in_place_index<0>, std::move(value)) {}
  Result(Error error) : storage_(std::in_place_index<1>, std::move(error)) {}

  bool has_value() const noexcept { return storage_.index() == 0; }
  explicit operator bool() const noexcept { return has_value(); }

  T& operator*() & noexcept { return *checked_value(); }
  const T& operator*() const& noexcept { return *checked_value(); }
  T&& operator*() && noexcept { return std::move(*checked_value()); }
  T* operator->() noexcept { return checked_value(); }
  const T* operator->() const noexcept { return checked_value(); }

  T& value() & { return throw_if_error(), std::get<0>(storage_); }
  const T& value() const& { return throw_if_error(), std::get<0>(storage_); }
  T&& value() && { return throw_if_error(), std::get<0>(std::move(storage_)); }

  /// The error; a precondition is that there is no value.
  const Error& error() const& noexcept { return *checked_error(); }
  Error& error() & noexcept { return *checked_error(); }
  Error&& error() && noexcept { return std::move(*checked_error()); }

  template <typename U>
  T value_or(U&& fallback) const& {
    return has_value() ? std::get<0>(storage_)
                       : static_cast<T>(std::forward<U>(fallback));
  }
  template <typename U>
  T value_or(U&& fallback) && {
    return has_value() ? std::get<0>(std::move(storage_))
                       : static_cast<T>(std::forward<U>(fallback));
  }

 private:
  void throw_if_error() const {
    if (!has_value()) throw Exception(std::get<1>(storage_));
  }
  T* checked_value() noexcept {
    assert(has_value());
    return &std::get<0>(storage_);
  }
  const T* checked_value() const noexcept {
    assert(has_value());
    return &std::get<0>(storage_);
  }
  Error* checked_error() noexcept {
    assert(!has_value());
    return &std::get<1>(storage_);
  }
  const Error* checked_error() const noexcept {
    assert(!has_value());
    return &std::get<1>(storage_);
  }

  std::variant<T, Error> storage_;
};

}  // namespace budgateway

#endif  // BUDGATEWAY_RESULT_HPP_
