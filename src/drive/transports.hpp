// Copyright 2026 The budgateway Authors. SPDX-License-Identifier: Apache-2.0
// What drivers share across the calls of one client: the libcurl share
// (DNS, TLS sessions) and the pooled channels that keep connections alive;
// and the glue that turns a transfer's callbacks into a call's events.
#ifndef BUDGATEWAY_SRC_DRIVE_TRANSPORTS_HPP_
#define BUDGATEWAY_SRC_DRIVE_TRANSPORTS_HPP_

#include <chrono>
#include <optional>
#include <string_view>
#include <utility>

#include "http/transport.hpp"

namespace budgateway::detail {

struct Transports {
  http::Share share;
  http::ChannelPool pool{share};
};

/// Feeds a call machine (UnaryCall or StreamCall) what its transfer reads,
/// stamped with the time it landed.
template <typename Call>
class CallFeed final : public http::TransferObserver {
 public:
  explicit CallFeed(Call& call) : call_(&call) {}

  void on_head(int status, ResponseHeaders& headers,
               AttemptTimes times) noexcept override {
    try {
      call_->on_head(status, std::move(headers),
                     std::chrono::steady_clock::now(), times);
    } catch (...) {
      failed_ = true;  // Out of memory: the next body byte stops it.
    }
  }
  bool on_body(std::string_view bytes) noexcept override {
    if (failed_) return false;
    try {
      return call_->on_body(bytes, std::chrono::steady_clock::now());
    } catch (...) {
      return false;  // Never unwind through libcurl's C frames.
    }
  }

 private:
  Call* call_;
  bool failed_ = false;
};

/// libcurl's result for a finished transfer as the call's event: nothing
/// for success, else the transport's Error.
inline std::optional<Error> transport_outcome(const http::Transfer& transfer,
                                              http::CurlCode code) {
  if (code == http::kCurlOk) return std::nullopt;
  return transfer.transport_error(code);
}

/// Starts an attempt of `call` on `transfer` in `multi`: the call hears that
/// it went out (on_start) and, when it could not, why (on_end) at once.
/// True when the transfer runs.
template <typename Call>
bool start_attempt(http::Multi& multi, http::Transfer& transfer, Call& call,
                   http::TransferObserver& feed,
                   std::chrono::steady_clock::time_point now) {
  call.on_start(now);
  std::optional<Error> error =
      transfer.configure(call.call().http, call.call().body, &feed);
  if (!error) error = multi.add(transfer);
  if (!error) return true;
  call.on_end(std::move(error), now);
  return false;
}

/// Moves the one transfer of `multi` along; when it finished, takes it out
/// and tells `call` how. True while it still runs.
template <typename Call>
bool pump_one(http::Multi& multi, http::Transfer& transfer, Call& call) {
  multi.perform();
  http::Transfer* done = nullptr;
  http::CurlCode code = http::kCurlOk;
  if (!multi.next_done(done, code)) return true;
  multi.remove(transfer);
  call.on_end(transport_outcome(transfer, code),
              std::chrono::steady_clock::now());
  return false;
}

}  // namespace budgateway::detail

#endif  // BUDGATEWAY_SRC_DRIVE_TRANSPORTS_HPP_
