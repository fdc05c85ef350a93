// Copyright 2026 The budgateway Authors. SPDX-License-Identifier: Apache-2.0
// A CompletionStream's state: a StreamMachine driven on the caller's thread
// over a pooled channel (easy handle + multi handle).
#ifndef BUDGATEWAY_SRC_STREAM_STATE_HPP_
#define BUDGATEWAY_SRC_STREAM_STATE_HPP_

#include <budgateway/stream.hpp>

#include <memory>
#include <optional>

#include "client_impl.hpp"
#include "stream_machine.hpp"

namespace budgateway::detail {

class StreamState {
 public:
  StreamState(std::shared_ptr<ClientImpl> client, Result<PreparedCall> call);

  bool started() const noexcept { return started_; }
  bool done() const noexcept { return current_ == nullptr && started_; }
  Result<CompletionChunk>* current() noexcept { return current_; }
  /// Reads the next element; after an error or the end, the stream is done.
  void advance();
  Result<CompletionResponse> collect();
  const ResponseHeaders& headers() const noexcept;

 private:
  /// Drives the machine to its next element; null at the clean end.
  Result<CompletionChunk>* next_element();

  // Destroyed last to first: the machine (which uses the leased channel),
  // then the lease (which returns the channel to the client's pool), then
  // the client that owns the pool.
  std::shared_ptr<ClientImpl> client_;
  BudgetSlot slot_;
  std::optional<http::ChannelPool::Lease> lease_;
  std::optional<StreamMachine> machine_;
  /// Set when the call was rejected before a machine could exist.
  std::optional<Result<CompletionChunk>> rejected_;
  /// The element the iterator reads: in the machine (or rejected_), never
  /// copied out.
  Result<CompletionChunk>* current_ = nullptr;
  bool started_ = false;
  bool finished_ = false;
};

}  // namespace budgateway::detail

#endif  // BUDGATEWAY_SRC_STREAM_STATE_HPP_
