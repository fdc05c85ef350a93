// Copyright 2026 The budgateway Authors. SPDX-License-Identifier: Apache-2.0
// The blocking driver: complete() and the CompletionStream pump, on the
// caller's thread, over a pooled channel (easy handle + multi handle).
#ifndef BUDGATEWAY_SRC_DRIVE_BLOCKING_HPP_
#define BUDGATEWAY_SRC_DRIVE_BLOCKING_HPP_

#include <budgateway/completion.hpp>
#include <budgateway/result.hpp>

#include <memory>
#include <optional>

#include "call/context.hpp"
#include "call/stream_call.hpp"
#include "drive/transports.hpp"
#include "stream_source.hpp"

namespace budgateway::detail {

/// One unary call driven to its end on the calling thread.
Result<CompletionResponse> run_unary(
    const std::shared_ptr<const CallContext>& context, Transports& transports,
    PreparedCall call);

/// A stream pumped on the caller's thread as it is read.
class StreamPump final : public StreamSource {
 public:
  StreamPump(std::shared_ptr<const CallContext> context,
             std::shared_ptr<Transports> transports, PreparedCall call);
  ~StreamPump() override;
  StreamPump(const StreamPump&) = delete;
  StreamPump& operator=(const StreamPump&) = delete;

  Result<CompletionChunk>* advance() override;
  CompletionResponse folded() const override { return call_.folded(); }
  const ResponseHeaders& headers() const noexcept override {
    return call_.headers();
  }
  std::optional<Timing> timing() const override { return call_.timing(); }

 private:
  Result<CompletionChunk>* next_element();
  void stop_transfer() noexcept;

  // Destroyed last to first: the call, the lease (which returns the channel
  // to the pool), the transports that own the pool.
  std::shared_ptr<const CallContext> context_;
  std::shared_ptr<Transports> transports_;
  BudgetSlot slot_;
  http::ChannelPool::Lease lease_;
  StreamCall call_;
  CallFeed<StreamCall> feed_{call_};
  CancelState::WakerId waker_ = 0;
  std::optional<Result<CompletionChunk>> rejected_;
  bool running_ = false;
  bool started_ = false;
};

/// A slot of the connection budget for a call that blocks: waits up to the
/// call's timeout, then fails (Timeout) rather than wait forever.
std::optional<Error> take_slot(const CallContext& context,
                               const PreparedCall& call, BudgetSlot& slot);

}  // namespace budgateway::detail

#endif  // BUDGATEWAY_SRC_DRIVE_BLOCKING_HPP_
