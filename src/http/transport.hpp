// Copyright 2026 The budgateway Authors. SPDX-License-Identifier: Apache-2.0
// The HTTP transport: RAII over libcurl easy, multi and share handles. This
// header is curl-free; src/http/curl.cpp is the only file that includes
// <curl/curl.h>. Knows nothing about completions.
#ifndef BUDGATEWAY_SRC_HTTP_TRANSPORT_HPP_
#define BUDGATEWAY_SRC_HTTP_TRANSPORT_HPP_

#include <budgateway/error.hpp>
#include <budgateway/headers.hpp>

#include "util/http_request.hpp"

#include <chrono>
#include <cstddef>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

// libcurl's header-list node; only curl.cpp sees its definition.
struct curl_slist;

namespace budgateway::detail::http {

using Millis = std::chrono::milliseconds;

/// libcurl's result of a finished transfer; 0 is success.
using CurlCode = int;
inline constexpr CurlCode kCurlOk = 0;

/// One POST, as the transport needs it.
using RequestSpec = HttpRequest;

/// Receives what a transfer reads, as it reads it, on the thread that drives
/// it. Called from inside libcurl: implementations must not throw.
class TransferObserver {
 public:
  /// The head of the final response is complete: its status (0 when the
  /// status line was malformed) and headers, which the observer may keep,
  /// and libcurl's timers so far.
  virtual void on_head(int status, ResponseHeaders& headers,
                       AttemptTimes times) noexcept = 0;
  /// Body bytes (decoded); false aborts the transfer.
  virtual bool on_body(std::string_view bytes) noexcept = 0;

 protected:
  ~TransferObserver() = default;
};

/// DNS and TLS sessions shared by every transfer of a Client. Connections
/// are kept by each multi handle (see Channel), which the pool reuses.
class Share {
 public:
  Share();
  ~Share();
  Share(const Share&) = delete;
  Share& operator=(const Share&) = delete;

  void* native() const noexcept { return handle_; }

 private:
  struct Locks;
  std::unique_ptr<Locks> locks_;
  void* handle_ = nullptr;
};

/// One easy handle; reused across requests so the handle's buffers,
/// settings and connection are not rebuilt each time. It keeps no body: what
/// it reads goes to its observer.
class Transfer {
 public:
  explicit Transfer(const Share& share);
  ~Transfer();
  Transfer(const Transfer&) = delete;
  Transfer& operator=(const Transfer&) = delete;

  /// Sets every option for `spec`, with `body` as the request body (it must
  /// outlive the transfer) and `observer` to receive the answer.
  std::optional<Error> configure(const RequestSpec& spec, std::string_view body,
                                 TransferObserver* observer);

  /// The Error for a transfer that ended with `code` (not kCurlOk): Timeout,
  /// Connection, InvalidArgument or Protocol, with libcurl's reason.
  Error transport_error(CurlCode code) const;

  /// libcurl's timers for the current transfer, from its start.
  AttemptTimes times() const noexcept;

  void* native() const noexcept { return handle_; }

  /// A number the owner uses to find what this transfer is for.
  std::size_t tag() const noexcept { return tag_; }
  void set_tag(std::size_t tag) noexcept { tag_ = tag; }

  // libcurl callbacks; public only so curl.cpp's C trampolines reach them.
  std::size_t on_header(const char* data, std::size_t size) noexcept;
  std::size_t on_body(const char* data, std::size_t size) noexcept;

 private:
  /// Whether the last transfer sent its request (libcurl's count).
  bool request_sent() const noexcept;
  /// Sets what is the same for every request, once per handle.
  std::optional<Error> configure_once();
  /// Sets the TLS options for `tls` (null: libcurl's defaults), resetting
  /// whatever an earlier request set; skipped while they stay the same.
  std::optional<Error> configure_tls(
      const std::shared_ptr<const TlsSettings>& tls);
  /// Sets the blob `option` (a CURLoption) to `pem`, or clears it when
  /// `pem` is empty; `name` is the ClientOptions field, for the error.
  std::optional<Error> set_blob(int option, const std::string& pem,
                                std::string_view name);

  void* handle_ = nullptr;
  bool configured_ = false;
  /// The TLS settings the handle has, valid while tls_applied_.
  std::shared_ptr<const TlsSettings> tls_;
  bool tls_applied_ = false;
  /// libcurl's header list, built over the spec's own strings (curl reads
  /// the list, never frees or changes it), so no line is copied.
  std::vector<curl_slist> header_nodes_;
  std::string error_buffer_;
  int status_ = 0;
  bool head_done_ = false;
  std::size_t tag_ = 0;
  ResponseHeaders headers_;
  TransferObserver* observer_ = nullptr;
};

/// A multi handle: drives any number of transfers on the calling thread.
class Multi {
 public:
  Multi();
  ~Multi();
  Multi(const Multi&) = delete;
  Multi& operator=(const Multi&) = delete;

  std::optional<Error> add(Transfer& transfer);
  void remove(Transfer& transfer) noexcept;
  /// Bounds the connections this multi opens at once.
  void set_max_connections(std::size_t count) noexcept;

  /// Moves transfers along without blocking; returns how many still run.
  int perform() noexcept;
  /// Waits for activity, at most `timeout`; wakeup() ends the wait early.
  void poll(Millis timeout) noexcept;
  /// Ends a poll() in progress; safe from any thread.
  void wakeup() noexcept;
  /// Hands out finished transfers one by one.
  bool next_done(Transfer*& transfer, CurlCode& code) noexcept;

 private:
  void* handle_ = nullptr;
};

/// The easy handle + multi pair a single call drives, pooled per Client;
/// the multi handle keeps the connections alive between calls.
struct Channel {
  explicit Channel(const Share& share) : transfer(share) {}
  Transfer transfer;
  Multi multi;
};

/// A free list of Channels: calls take one and give it back, so keep-alive
/// handles and their buffers are reused.
class ChannelPool {
 public:
  explicit ChannelPool(const Share& share) : share_(share) {}

  class Lease {
   public:
    Lease(ChannelPool* pool, std::unique_ptr<Channel> channel)
        : pool_(pool), channel_(std::move(channel)) {}
    Lease(Lease&&) noexcept = default;
    Lease& operator=(Lease&&) noexcept = default;
    ~Lease() {
      if (pool_ && channel_) pool_->give_back(std::move(channel_));
    }
    Channel* operator->() const noexcept { return channel_.get(); }
    Channel& operator*() const noexcept { return *channel_; }

   private:
    ChannelPool* pool_;
    std::unique_ptr<Channel> channel_;
  };

  Lease take();

 private:
  void give_back(std::unique_ptr<Channel> channel);

  static constexpr std::size_t kMaxIdleChannels = 64;
  const Share& share_;
  std::mutex mutex_;
  std::vector<std::unique_ptr<Channel>> idle_;
};

}  // namespace budgateway::detail::http

#endif  // BUDGATEWAY_SRC_HTTP_TRANSPORT_HPP_
