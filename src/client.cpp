// Copyright 2026 The budgateway Authors. SPDX-License-Identifier: Apache-2.0
// The facade: a Client hands every call to its Connection; the real one
// prepares the call and hands it to a driver.
#include <budgateway/client.hpp>
#include <budgateway/connection.hpp>

#include <memory>
#include <mutex>
#include <utility>

#include "call/context.hpp"
#include "drive/batch.hpp"
#include "drive/blocking.hpp"
#include "drive/event_loop.hpp"
#include "drive/transports.hpp"
#include "stream_source.hpp"

namespace budgateway {
namespace detail {
namespace {

/// A stream that was rejected before anything was sent: one error.
class RejectedStream final : public StreamSource {
 public:
  explicit RejectedStream(Error error) : error_(std::move(error)) {}
  Result<CompletionChunk>* advance() override {
    if (read_) return nullptr;
    read_ = true;
    return &error_;
  }
  CompletionResponse folded() const override { return {}; }
  const ResponseHeaders& headers() const noexcept override { return headers_; }

 private:
  Result<CompletionChunk> error_;
  ResponseHeaders headers_;
  bool read_ = false;
};

/// The real connection: a context, the transports, and an event loop for
/// async calls. Streams and async jobs in flight share the context and the
/// transports, not this object, so its end stops the loop.
class ClientConnection final : public Connection {
 public:
  explicit ClientConnection(ClientOptions options)
      : context_(std::make_shared<CallContext>(std::move(options))),
        transports_(std::make_shared<Transports>()) {}

  ~ClientConnection() override {
    std::shared_ptr<EventLoop> loop;
    {
      std::lock_guard<std::mutex> lock(loop_mutex_);
      loop = std::move(loop_);
    }
    if (loop) loop->stop();
  }

  Result<CompletionResponse> complete(const CompletionRequest& request,
                                      const CallOptions& options) override {
    auto prepared = context_->prepare(request, options, /*stream=*/false);
    if (!prepared) return context_->stamp(std::move(prepared).error(), 0, {});
    prepared->start = Clock::now();
    return run_unary(context_, *transports_, std::move(*prepared));
  }

  CompletionStream stream(const CompletionRequest& request,
                          const CallOptions& options) override {
    auto prepared = context_->prepare(request, options, /*stream=*/true);
    if (!prepared) {
      return StreamAccess::make(std::make_unique<RejectedStream>(
          context_->stamp(std::move(prepared).error(), 0, {})));
    }
    return StreamAccess::make(std::make_unique<StreamPump>(
        context_, transports_, std::move(*prepared)));
  }

  std::vector<Result<CompletionResponse>> complete_many(
      const std::vector<CompletionRequest>& requests,
      const BatchOptions& options) override {
    return run_batch(context_, *transports_, requests, options);
  }

  std::future<Result<CompletionResponse>> complete_async(
      const CompletionRequest& request, const CallOptions& options) override {
    std::promise<Result<CompletionResponse>> promise;
    auto future = promise.get_future();
    auto prepared = context_->prepare(request, options, /*stream=*/false);
    if (!prepared) {
      promise.set_value(context_->stamp(std::move(prepared).error(), 0, {}));
      return future;
    }
    prepared->start = Clock::now();
    loop()->submit(context_, transports_, std::move(*prepared),
                   std::move(promise));
    return future;
  }

  void stream_async(const CompletionRequest& request, StreamHandler handler,
                    const CallOptions& options) override {
    auto prepared = context_->prepare(request, options, /*stream=*/true);
    if (!prepared) {
      if (handler.on_end) {
        handler.on_end(context_->stamp(std::move(prepared).error(), 0, {}));
      }
      return;
    }
    prepared->start = Clock::now();
    loop()->submit(context_, transports_, std::move(*prepared),
                   std::move(handler));
  }

  const ClientOptions& options() const noexcept override {
    return context_->options();
  }

 private:
  /// The event loop of the async calls, started on first use.
  std::shared_ptr<EventLoop> loop() {
    std::lock_guard<std::mutex> lock(loop_mutex_);
    if (!loop_) loop_ = EventLoop::start(context_->options().max_connections);
    return loop_;
  }

  std::shared_ptr<CallContext> context_;
  std::shared_ptr<Transports> transports_;
  std::mutex loop_mutex_;
  std::shared_ptr<EventLoop> loop_;
};

}  // namespace
}  // namespace detail

std::shared_ptr<Connection> make_connection(ClientOptions options) {
  return std::make_shared<detail::ClientConnection>(std::move(options));
}

Client::Client(ClientOptions options)
    : connection_(make_connection(std::move(options))) {}

Client::Client(std::shared_ptr<Connection> connection)
    : connection_(std::move(connection)) {}

const ClientOptions& Client::options() const noexcept {
  return connection_->options();
}

Result<CompletionResponse> Client::complete(const CompletionRequest& request,
                                            const CallOptions& options) const {
  return connection_->complete(request, options);
}

CompletionStream Client::stream(const CompletionRequest& request,
                                const CallOptions& options) const {
  return connection_->stream(request, options);
}

std::future<Result<CompletionResponse>> Client::complete_async(
    const CompletionRequest& request, const CallOptions& options) const {
  return connection_->complete_async(request, options);
}

void Client::stream_async(const CompletionRequest& request,
                          StreamHandler handler,
                          const CallOptions& options) const {
  connection_->stream_async(request, std::move(handler), options);
}

std::vector<Result<CompletionResponse>> Client::complete_many(
    const std::vector<CompletionRequest>& requests,
    const BatchOptions& options) const {
  return connection_->complete_many(requests, options);
}

}  // namespace budgateway
