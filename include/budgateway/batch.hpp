// Copyright 2026 The budgateway Authors. SPDX-License-Identifier: Apache-2.0
#ifndef BUDGATEWAY_BATCH_HPP_
#define BUDGATEWAY_BATCH_HPP_

/// @file
/// Options of Client::complete_many(). StreamHandler, the handler of
/// Client::stream_async(), is in stream.hpp, included here.

#include <budgateway/completion.hpp>
#include <budgateway/options.hpp>
#include <budgateway/result.hpp>
#include <budgateway/stream.hpp>

#include <cstddef>
#include <functional>
#include <optional>

namespace budgateway {

/// Options of a batch. Field order is API.
struct BatchOptions {
  /// The most transfers in flight at once.
  std::size_t max_concurrency = 32;
  /// Called as each item finishes (any order), on the calling thread. If
  /// it throws, the exception leaves complete_many(): the transfers in
  /// flight are stopped and their connection slots released.
  std::function<void(std::size_t index, const Result<CompletionResponse>&)>
      on_result{};
  /// A budget of requests started per minute; unset: none.
  std::optional<double> max_requests_per_minute{};
  /// A 429, or `X-RateLimit-Remaining: 0`, slows the whole batch: the
  /// concurrency halves and recovers as requests succeed, and new starts wait
  /// out the server's Retry-After or reset time. Off: only the item that met
  /// the limit waits.
  bool adapt_to_rate_limits = true;
  /// Per-call options for every item: timeout, retries, headers, query.
  /// Its `cancellation` stops the whole batch: items in flight and items
  /// not yet started end with ErrorCode::Cancelled, promptly.
  CallOptions call{};
};

}  // namespace budgateway

#endif  // BUDGATEWAY_BATCH_HPP_
