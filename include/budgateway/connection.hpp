// Copyright 2026 The budgateway Authors. SPDX-License-Identifier: Apache-2.0
#ifndef BUDGATEWAY_CONNECTION_HPP_
#define BUDGATEWAY_CONNECTION_HPP_

/// @file
/// Connection: what a Client delegates every call to. make_connection()
/// gives the real one; testing::FakeConnection (or your own implementation)
/// lets code that uses a Client be unit-tested without a network.

#include <budgateway/batch.hpp>
#include <budgateway/completion.hpp>
#include <budgateway/export.hpp>
#include <budgateway/options.hpp>
#include <budgateway/result.hpp>
#include <budgateway/stream.hpp>

#include <future>
#include <memory>
#include <vector>

namespace budgateway {

/// The calls a Client makes, as an interface. Implement complete() and
/// stream(); the others have defaults built on those two.
///
/// @par Thread safety
/// The real connection may be used from many threads at once; an
/// implementation used by a shared Client must be too.
class BUDGATEWAY_EXPORT Connection
    : public std::enable_shared_from_this<Connection> {
 public:
  virtual ~Connection();

  /// One completion (Client::complete).
  virtual Result<CompletionResponse> complete(const CompletionRequest& request,
                                              const CallOptions& options) = 0;
  /// A streamed completion (Client::stream).
  virtual CompletionStream stream(const CompletionRequest& request,
                                  const CallOptions& options) = 0;
  /// Many completions, results in input order. Default: complete() on each
  /// in turn with options.call, reporting each to on_result; once its
  /// cancellation is cancelled, the items not yet started end Cancelled.
  virtual std::vector<Result<CompletionResponse>> complete_many(
      const std::vector<CompletionRequest>& requests,
      const BatchOptions& options);
  /// Default: complete() on a thread of its own.
  virtual std::future<Result<CompletionResponse>> complete_async(
      const CompletionRequest& request, const CallOptions& options);
  /// Default: stream() read on a thread of its own, each chunk then the
  /// fold (or the error) handed to `handler`.
  virtual void stream_async(const CompletionRequest& request,
                            StreamHandler handler, const CallOptions& options);
  /// The options in force. Default: ClientOptions{} as given.
  virtual const ClientOptions& options() const noexcept;

 protected:
  ///@{
  /// For implementations only.
  Connection() = default;
  Connection(const Connection&) = default;
  Connection& operator=(const Connection&) = default;
  ///@}
};

/// The real connection: libcurl transfers to `options.base_url`, retries,
/// an event loop for the async calls (started on first use, stopped when
/// the last holder of the connection goes). Never fails; bad options come
/// back as InvalidArgument from the first call.
BUDGATEWAY_EXPORT std::shared_ptr<Connection> make_connection(
    ClientOptions options = {});

}  // namespace budgateway

#endif  // BUDGATEWAY_CONNECTION_HPP_
