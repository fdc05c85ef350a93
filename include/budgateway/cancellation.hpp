// Copyright 2026 The budgateway Authors. SPDX-License-Identifier: Apache-2.0
#ifndef BUDGATEWAY_CANCELLATION_HPP_
#define BUDGATEWAY_CANCELLATION_HPP_

/// @file
/// Cancelling calls from another thread.

#include <budgateway/export.hpp>

#include <memory>

namespace budgateway {

namespace detail {
class CancelState;
struct CancelAccess;
}  // namespace detail

/// Observes a CancellationSource. A default-constructed token is never
/// cancelled. Pass one in CallOptions::cancellation.
///
/// @par Thread safety
/// Copies may be used from many threads at once.
class BUDGATEWAY_EXPORT CancellationToken {
 public:
  /// A token that is never cancelled.
  CancellationToken() = default;
  /// Whether its source was cancelled.
  bool cancelled() const noexcept;

 private:
  friend class CancellationSource;
  friend struct detail::CancelAccess;
  explicit CancellationToken(std::shared_ptr<detail::CancelState> state)
      : state_(std::move(state)) {}
  std::shared_ptr<detail::CancelState> state_;
};

/// Cancels every call that was given one of its tokens: a blocked call,
/// stream iteration or retry back-off ends promptly with ErrorCode::Cancelled.
///
/// @par Thread safety
/// cancel() may be called from any thread, any number of times.
class BUDGATEWAY_EXPORT CancellationSource {
 public:
  CancellationSource();
  /// A token that observes this source; give it to calls to cancel.
  CancellationToken token() const { return CancellationToken(state_); }
  /// Cancels every call holding one of this source's tokens. Idempotent.
  void cancel() noexcept;
  /// Whether cancel() was called.
  bool cancelled() const noexcept;

 private:
  std::shared_ptr<detail::CancelState> state_;
};

}  // namespace budgateway

#endif  // BUDGATEWAY_CANCELLATION_HPP_
