// Copyright 2026 The budgateway Authors. SPDX-License-Identifier: Apache-2.0
// One POST as plain data: what a call decides to send and what the transport
// sends. Neither layer owns the other, so the description lives below both.
#ifndef BUDGATEWAY_SRC_UTIL_HTTP_REQUEST_HPP_
#define BUDGATEWAY_SRC_UTIL_HTTP_REQUEST_HPP_

#include <chrono>
#include <memory>
#include <string>
#include <vector>

namespace budgateway::detail {

/// How a request's TLS is set up, resolved once per client and shared by its
/// requests (a CA bundle in memory may be large). Every string may be empty.
struct TlsSettings {
  /// A PEM bundle file to trust instead of the system's.
  std::string ca_file;
  /// PEM text of CA certificates to trust instead of the system's (with
  /// ca_file, both are trusted).
  std::string ca_pem;
  /// The client certificate (mutual TLS), PEM text or a PEM file.
  std::string client_cert_pem;
  std::string client_cert_file;
  /// Its private key, PEM text or a PEM file; empty: in the certificate's.
  std::string client_key_pem;
  std::string client_key_file;
  std::string client_key_password;
  /// Skips verifying the server's certificate and name.
  bool insecure_skip_verify = false;
};

struct HttpRequest {
  /// Shared by the requests of a client, so a call copies no string.
  std::shared_ptr<const std::string> url;
  /// Header lines ("Name: value") shared by the requests of a client; may
  /// be null. Sent first.
  std::shared_ptr<const std::vector<std::string>> shared_header_lines;
  /// This request's own header lines, sent after the shared ones.
  std::vector<std::string> header_lines;
  std::chrono::milliseconds connect_timeout{10000};
  /// Bounds the whole transfer; zero: unbounded.
  std::chrono::milliseconds total_timeout{0};
  std::string proxy;
  /// Null: libcurl's defaults (verify against the system's CAs, no client
  /// certificate).
  std::shared_ptr<const TlsSettings> tls;
};

/// libcurl's timers for one attempt, from the attempt's start.
struct AttemptTimes {
  /// The connection was established (zero when one was reused).
  std::chrono::microseconds connect{0};
};

}  // namespace budgateway::detail

#endif  // BUDGATEWAY_SRC_UTIL_HTTP_REQUEST_HPP_
