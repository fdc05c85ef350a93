// Copyright 2026 The budgateway Authors. SPDX-License-Identifier: Apache-2.0
// The defaults of Connection's async and batch calls, built on complete()
// and stream(), so every implementation has all of them.
#include <budgateway/connection.hpp>

#include <thread>
#include <utility>

namespace budgateway {

Connection::~Connection() = default;

std::vector<Result<CompletionResponse>> Connection::complete_many(
    const std::vector<CompletionRequest>& requests,
    const BatchOptions& options) {
  std::vector<Result<CompletionResponse>> results;
  results.reserve(requests.size());
  for (std::size_t i = 0; i < requests.size(); ++i) {
    if (options.call.cancellation.cancelled()) {
      results.emplace_back(
          Error(ErrorCode::Cancelled, "the batch was cancelled"));
    } else {
      results.push_back(complete(requests[i], options.call));
    }
    if (options.on_result) options.on_result(i, results.back());
  }
  return results;
}

std::future<Result<CompletionResponse>> Connection::complete_async(
    const CompletionRequest& request, const CallOptions& options) {
  std::promise<Result<CompletionResponse>> promise;
  auto future = promise.get_future();
  std::thread([self = shared_from_this(), request, options,
               promise = std::move(promise)]() mutable {
    promise.set_value(self->complete(request, options));
  }).detach();
  return future;
}

void Connection::stream_async(const CompletionRequest& request,
                              StreamHandler handler,
                              const CallOptions& options) {
  std::thread([self = shared_from_this(), request, options,
               handler = std::move(handler)]() mutable {
    CompletionStream stream = self->stream(request, options);
    // As on the real event loop: exactly one end, even when on_end throws.
    bool ended = false;
    auto end = [&](Result<CompletionResponse> result) {
      ended = true;
      if (handler.on_end) handler.on_end(std::move(result));
    };
    try {
      for (auto& element : stream) {
        if (!element) {
          end(element.error());
          return;
        }
        if (handler.on_chunk) handler.on_chunk(*element);
      }
      end(stream.collect());
    } catch (...) {
      // A throwing on_chunk ends its stream.
      if (!ended && handler.on_end) {
        try {
          handler.on_end(Error(ErrorCode::InvalidArgument,
                               "a StreamHandler callback threw an exception"));
        } catch (...) {
        }
      }
    }
  }).detach();
}

const ClientOptions& Connection::options() const noexcept {
  static const ClientOptions kDefaults;
  return kDefaults;
}

}  // namespace budgateway
