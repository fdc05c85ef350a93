// Copyright 2026 The budgateway Authors. SPDX-License-Identifier: Apache-2.0
#ifndef BUDGATEWAY_RESULT_HPP_
#define BUDGATEWAY_RESULT_HPP_

/// @file
/// Result<T>: a value or an Error, spelled like std::expected.

#include <budgateway/error.hpp>

#include <cassert>
#include <functional>
#include <type_traits>
#include <utility>
#include <variant>

// std::expected, where the user's standard library has it (C++23).
#if defined(__has_include)
#if __has_include(<version>)
#include <version>
#endif
#endif
#if defined(__cpp_lib_expected) && __cpp_lib_expected >= 202202L
#include <expected>
/// Defined to 1 when Result<T> converts to std::expected<T, Error>.
#define BUDGATEWAY_HAS_STD_EXPECTED 1
#else
/// Defined to 1 when Result<T> converts to std::expected<T, Error>.
#define BUDGATEWAY_HAS_STD_EXPECTED 0
#endif

namespace budgateway {

template <typename T>
class Result;

namespace detail {
template <typename R>
struct IsResult : std::false_type {};
template <typename U>
struct IsResult<Result<U>> : std::true_type {};
template <typename R>
using RemoveCvRef = std::remove_cv_t<std::remove_reference_t<R>>;
}  // namespace detail

/// Holds either a T or an Error. Only value() throws (Exception) when there
/// is no value; operator* and operator-> on an error are a precondition
/// violation, as with std::expected.
///
/// Chains as std::expected does:
/// @code
/// Result<std::string> text = client.complete(request).transform(
///     [](const CompletionResponse& r) { return r.choices.at(0).text; });
/// @endcode
/// When the program is compiled as C++23 with a standard library that has
/// `<expected>`, a Result converts to `std::expected<T, Error>`
/// (BUDGATEWAY_HAS_STD_EXPECTED is then 1).
///
/// @par Thread safety
/// As a plain value type: const access from many threads is safe.
template <typename T>
class [[nodiscard]] Result {
  static_assert(!std::is_same_v<std::decay_t<T>, Error>,
                "Result<Error> is ambiguous");

 public:
  /// The type of the value.
  using value_type = T;
  /// The type of the error: always Error.
  using error_type = Error;

  /// A Result that holds `value`.
  Result(const T& value) : storage_(std::in_place_index<0>, value) {}
  /// A Result that holds `value`, moved in.
  Result(T&& value) : storage_(std::in_place_index<0>, std::move(value)) {}
  /// A Result that holds `error`.
  Result(Error error) : storage_(std::in_place_index<1>, std::move(error)) {}

  /// True when there is a value, false when there is an error.
  bool has_value() const noexcept { return storage_.index() == 0; }
  /// has_value().
  explicit operator bool() const noexcept { return has_value(); }

  ///@{
  /// The value; a precondition is that there is one.
  T& operator*() & noexcept { return *checked_value(); }
  const T& operator*() const& noexcept { return *checked_value(); }
  T&& operator*() && noexcept { return std::move(*checked_value()); }
  T* operator->() noexcept { return checked_value(); }
  const T* operator->() const noexcept { return checked_value(); }
  ///@}

  ///@{
  /// The value; throws Exception, carrying the Error, when there is none.
  T& value() & { return throw_if_error(), std::get<0>(storage_); }
  const T& value() const& { return throw_if_error(), std::get<0>(storage_); }
  T&& value() && { return throw_if_error(), std::get<0>(std::move(storage_)); }
  ///@}

  ///@{
  /// The error; a precondition is that there is no value.
  const Error& error() const& noexcept { return *checked_error(); }
  Error& error() & noexcept { return *checked_error(); }
  Error&& error() && noexcept { return std::move(*checked_error()); }
  ///@}

  ///@{
  /// The value, or `fallback` converted to T.
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
  ///@}

  ///@{
  /// The error, or `fallback` converted to Error when there is a value.
  template <typename G>
  Error error_or(G&& fallback) const& {
    return has_value() ? static_cast<Error>(std::forward<G>(fallback))
                       : std::get<1>(storage_);
  }
  template <typename G>
  Error error_or(G&& fallback) && {
    return has_value() ? static_cast<Error>(std::forward<G>(fallback))
                       : std::get<1>(std::move(storage_));
  }
  ///@}

  ///@{
  /// `f(value)`, which returns a Result, or this error in a Result of that
  /// type.
  template <typename F>
  auto and_then(F&& f) & {
    return and_then_impl(*this, std::forward<F>(f));
  }
  template <typename F>
  auto and_then(F&& f) const& {
    return and_then_impl(*this, std::forward<F>(f));
  }
  template <typename F>
  auto and_then(F&& f) && {
    return and_then_impl(std::move(*this), std::forward<F>(f));
  }
  template <typename F>
  auto and_then(F&& f) const&& {
    return and_then_impl(std::move(*this), std::forward<F>(f));
  }
  ///@}

  ///@{
  /// A Result holding `f(value)` (of whatever type `f` returns), or this
  /// error.
  template <typename F>
  auto transform(F&& f) & {
    return transform_impl(*this, std::forward<F>(f));
  }
  template <typename F>
  auto transform(F&& f) const& {
    return transform_impl(*this, std::forward<F>(f));
  }
  template <typename F>
  auto transform(F&& f) && {
    return transform_impl(std::move(*this), std::forward<F>(f));
  }
  template <typename F>
  auto transform(F&& f) const&& {
    return transform_impl(std::move(*this), std::forward<F>(f));
  }
  ///@}

  ///@{
  /// This value, or `f(error)`, which returns a Result of the same type (to
  /// recover or to replace the error).
  template <typename F>
  Result or_else(F&& f) & {
    return or_else_impl(*this, std::forward<F>(f));
  }
  template <typename F>
  Result or_else(F&& f) const& {
    return or_else_impl(*this, std::forward<F>(f));
  }
  template <typename F>
  Result or_else(F&& f) && {
    return or_else_impl(std::move(*this), std::forward<F>(f));
  }
  template <typename F>
  Result or_else(F&& f) const&& {
    return or_else_impl(std::move(*this), std::forward<F>(f));
  }
  ///@}

  ///@{
  /// This value, or the Error `f(error)` returns. The error type stays
  /// Error, so `f` returns an Error (or something that converts to one).
  template <typename F>
  Result transform_error(F&& f) & {
    return transform_error_impl(*this, std::forward<F>(f));
  }
  template <typename F>
  Result transform_error(F&& f) const& {
    return transform_error_impl(*this, std::forward<F>(f));
  }
  template <typename F>
  Result transform_error(F&& f) && {
    return transform_error_impl(std::move(*this), std::forward<F>(f));
  }
  template <typename F>
  Result transform_error(F&& f) const&& {
    return transform_error_impl(std::move(*this), std::forward<F>(f));
  }
  ///@}

#if BUDGATEWAY_HAS_STD_EXPECTED
  ///@{
  /// The same value or error as a std::expected (C++23).
  operator std::expected<T, Error>() const& {
    if (has_value()) return std::expected<T, Error>(std::get<0>(storage_));
    return std::unexpected<Error>(std::get<1>(storage_));
  }
  operator std::expected<T, Error>() && {
    if (has_value()) {
      return std::expected<T, Error>(std::get<0>(std::move(storage_)));
    }
    return std::unexpected<Error>(std::get<1>(std::move(storage_)));
  }
  ///@}
#endif

 private:
  template <typename Self, typename F>
  static auto and_then_impl(Self&& self, F&& f) {
    using U = detail::RemoveCvRef<std::invoke_result_t<
        F, decltype(std::get<0>(std::forward<Self>(self).storage_))>>;
    static_assert(detail::IsResult<U>::value,
                  "and_then: the function must return a Result");
    if (self.has_value()) {
      return U(std::invoke(std::forward<F>(f),
                           std::get<0>(std::forward<Self>(self).storage_)));
    }
    return U(std::get<1>(std::forward<Self>(self).storage_));
  }

  template <typename Self, typename F>
  static auto transform_impl(Self&& self, F&& f) {
    using U = detail::RemoveCvRef<std::invoke_result_t<
        F, decltype(std::get<0>(std::forward<Self>(self).storage_))>>;
    static_assert(!std::is_void_v<U>,
                  "transform: the function must return a value");
    if (self.has_value()) {
      return Result<U>(std::invoke(
          std::forward<F>(f), std::get<0>(std::forward<Self>(self).storage_)));
    }
    return Result<U>(std::get<1>(std::forward<Self>(self).storage_));
  }

  template <typename Self, typename F>
  static Result or_else_impl(Self&& self, F&& f) {
    using G = detail::RemoveCvRef<std::invoke_result_t<
        F, decltype(std::get<1>(std::forward<Self>(self).storage_))>>;
    static_assert(std::is_same_v<G, Result>,
                  "or_else: the function must return the same Result type");
    if (self.has_value()) {
      return Result(std::get<0>(std::forward<Self>(self).storage_));
    }
    return std::invoke(std::forward<F>(f),
                       std::get<1>(std::forward<Self>(self).storage_));
  }

  template <typename Self, typename F>
  static Result transform_error_impl(Self&& self, F&& f) {
    using G = std::invoke_result_t<F, decltype(std::get<1>(
                                          std::forward<Self>(self).storage_))>;
    static_assert(std::is_constructible_v<Error, G>,
                  "transform_error: the function must return an Error");
    if (self.has_value()) {
      return Result(std::get<0>(std::forward<Self>(self).storage_));
    }
    return Result(static_cast<Error>(std::invoke(
        std::forward<F>(f), std::get<1>(std::forward<Self>(self).storage_))));
  }

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
