// Copyright 2026 The budgateway Authors. SPDX-License-Identifier: Apache-2.0
#ifndef BUDGATEWAY_CLIENT_HPP_
#define BUDGATEWAY_CLIENT_HPP_

/// @file
/// Client. Its options and per-call options are in options.hpp.

#include <budgateway/batch.hpp>
#include <budgateway/cancellation.hpp>
#include <budgateway/completion.hpp>
#include <budgateway/export.hpp>
#include <budgateway/headers.hpp>
#include <budgateway/options.hpp>
#include <budgateway/result.hpp>
#include <budgateway/stream.hpp>

#include <future>
#include <memory>
#include <vector>

namespace budgateway {

class Connection;

/// A client of an OpenAI-compatible `/v1/completions` endpoint.
///
/// Constructing one never fails and sends nothing; invalid options come back
/// as an ErrorCode::InvalidArgument result of the first call.
///
/// @par Thread safety
/// Cheap to copy; copies share connections. Any number of threads may call
/// any method of the same Client, or of its copies, at once.
class BUDGATEWAY_EXPORT Client {
 public:
  /// A client with `options` (the environment and defaults fill the rest).
  explicit Client(ClientOptions options = {});
  /// A client over `connection`: make_connection() for the real one, or a
  /// testing::FakeConnection (or your own) in unit tests.
  explicit Client(std::shared_ptr<Connection> connection);

  /// One completion. Retries per the options; never throws.
  Result<CompletionResponse> complete(const CompletionRequest& request,
                                      const CallOptions& options = {}) const;

  /// A streamed completion (`"stream": true`), read by iterating the result.
  /// Nothing is sent until the first element is read.
  CompletionStream stream(const CompletionRequest& request,
                          const CallOptions& options = {}) const;

  /// Many completions over one multi handle, results in input order.
  std::vector<Result<CompletionResponse>> complete_many(
      const std::vector<CompletionRequest>& requests,
      const BatchOptions& options = {}) const;

  /// One completion on the Client's event-loop thread (started on first use,
  /// stopped when the last Client copy goes: pending futures then hold
  /// ErrorCode::Cancelled).
  std::future<Result<CompletionResponse>> complete_async(
      const CompletionRequest& request, const CallOptions& options = {}) const;

  /// A streamed completion whose chunks, then end, reach `handler` on the
  /// event-loop thread. Any number of streams share that one thread. A call
  /// rejected before anything is sent (InvalidArgument) ends at once, on the
  /// calling thread.
  void stream_async(const CompletionRequest& request, StreamHandler handler,
                    const CallOptions& options = {}) const;

  /// The options in force, with the environment and defaults applied.
  const ClientOptions& options() const noexcept;

 private:
  /// Shared by the copies of this Client (not by streams in flight): when
  /// the last holder goes, a real connection stops its event loop.
  std::shared_ptr<Connection> connection_;
};

}  // namespace budgateway

#endif  // BUDGATEWAY_CLIENT_HPP_
