// Copyright 2026 The budgateway Authors. SPDX-License-Identifier: Apache-2.0
#ifndef BUDGATEWAY_TESTING_HPP_
#define BUDGATEWAY_TESTING_HPP_

/// @file
/// For unit tests of code that uses a Client: a connection that answers
/// from a script and records what it was asked, and streams built from a
/// list. No network, no thread.
///
///     auto fake = std::make_shared<bg::testing::FakeConnection>();
///     fake->push(completion_with_text("hi"));
///     bg::Client client(fake);
///     code_under_test(client);
///     CHECK(fake->requests().at(0).model == "m");

#include <budgateway/completion.hpp>
#include <budgateway/connection.hpp>
#include <budgateway/export.hpp>
#include <budgateway/headers.hpp>
#include <budgateway/result.hpp>
#include <budgateway/stream.hpp>

#include <deque>
#include <mutex>
#include <vector>

namespace budgateway::testing {

/// A CompletionStream that yields `elements` in order (an error, if any,
/// must be the last), with `headers` as its response headers; collect()
/// folds its chunks as a live stream's would.
BUDGATEWAY_EXPORT CompletionStream
make_stream(std::vector<Result<CompletionChunk>> elements,
            ResponseHeaders headers = {});

/// Answers complete() and stream() in order from what was pushed, and
/// records every request. With nothing left to answer, a call gets an
/// InvalidArgument error that says so.
///
/// @par Thread safety
/// Safe to call from many threads; read requests() once the calls are done.
class BUDGATEWAY_EXPORT FakeConnection : public Connection {
 public:
  /// The answer to the next complete() call.
  void push(Result<CompletionResponse> answer);
  /// The elements of the stream the next stream() call returns.
  void push_stream(std::vector<Result<CompletionChunk>> elements);
  /// Every request made so far, complete() and stream() alike, in order.
  const std::vector<CompletionRequest>& requests() const;

  Result<CompletionResponse> complete(const CompletionRequest& request,
                                      const CallOptions& options) override;
  CompletionStream stream(const CompletionRequest& request,
                          const CallOptions& options) override;

 private:
  mutable std::mutex mutex_;
  std::deque<Result<CompletionResponse>> answers_;
  std::deque<std::vector<Result<CompletionChunk>>> streams_;
  std::vector<CompletionRequest> requests_;
};

}  // namespace budgateway::testing

#endif  // BUDGATEWAY_TESTING_HPP_
