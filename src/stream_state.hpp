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
  bool done() const noexcept { return finished_ && !current_; }
  Result<CompletionChunk>* current() noexcept {
    return current_ ? &*current_ : nullptr;
  }
  /// Reads the next element; after an error or the end, the stream is done.
  void advance();
  Result<CompletionResponse> collect();
  const ResponseHeaders& headers() const noexcept;

 private:
  std::optional<Result<CompletionChunk>> next_element();

  // Destroyed last to first: the machine (which uses the leased channel),
  // then the lease (which returns the channel to the client's pool), then
  // the client that owns the pool.
  std::shared_ptr<ClientImpl> client_;
  std::optional<http::ChannelPool::Lease> lease_;
  std::optional<StreamMachine> machine_;
  std::optional<Result<CompletionChunk>> current_;
  bool started_ = false;
  bool finished_ = false;
};

}  // namespace budgateway::detail

#endif  // BUDGATEWAY_SRC_STREAM_STATE_HPP_
