// Copyright 2026 The budgateway Authors. SPDX-License-Identifier: Apache-2.0
#ifndef BUDGATEWAY_OPTIONS_HPP_
#define BUDGATEWAY_OPTIONS_HPP_

/// @file
/// ClientOptions, CallOptions and logging: what configures a Client and
/// varies one call.

#include <budgateway/cancellation.hpp>
#include <budgateway/headers.hpp>

#include <chrono>
#include <cstddef>
#include <functional>
#include <optional>
#include <string>
#include <string_view>

namespace budgateway {

/// How much a log line matters.
enum class LogLevel {
  Debug,    ///< Detail that matters only while debugging.
  Info,     ///< Routine events, such as an attempt that is being retried.
  Warning,  ///< Something the application should look at.
};

/// Receives the client's log lines. Never given a credential.
using Logger = std::function<void(LogLevel level, std::string_view message)>;

/// Options of a Client. Precedence, written once in the library: a
/// CallOptions field, when set, beats the ClientOptions field, which beats the
/// environment (`BUD_BASE_URL`, `BUD_API_KEY`), which beats the default.
/// Field order is API: it is the order of designated initializers.
struct ClientOptions {
  /// Empty: `$BUD_BASE_URL`, else `https://gateway.bud.studio/v1`.
  std::string base_url{};
  /// Empty: `$BUD_API_KEY`. Sent as `Authorization: Bearer <key>`.
  std::string api_key{};
  /// Bounds one attempt of a unary call; for a stream, the wait for headers.
  std::chrono::milliseconds timeout = std::chrono::seconds(600);
  /// Bounds connecting (TCP and TLS) within an attempt.
  std::chrono::milliseconds connect_timeout = std::chrono::seconds(10);
  /// Retries after the first attempt (connection errors, timeouts, 408, 409,
  /// 429, 5xx; `x-should-retry` overrides).
  int max_retries = 2;
  /// Sent with every request, after the SDK's own headers.
  HeaderList default_headers{};

  /// Back-off before retry n (from 0): min(initial * 2^n, max), less up to
  /// `backoff_jitter` of it at random.
  std::chrono::milliseconds initial_backoff = std::chrono::milliseconds(500);
  /// The longest back-off between two attempts.
  std::chrono::milliseconds max_backoff = std::chrono::seconds(8);
  /// The share of each back-off taken off at random (0 to 1).
  double backoff_jitter = 0.25;
  /// A server's `retry-after-ms`/`Retry-After` is honoured up to this; a
  /// longer wait returns the error at once with Error::retry_after() set.
  std::chrono::milliseconds max_retry_after = std::chrono::seconds(60);

  /// Streams: the longest wait between two events that carry data
  /// (keep-alive comments do not count).
  std::chrono::milliseconds idle_timeout = std::chrono::seconds(180);
  /// Streams: a bound on the whole stream; unset, a long generation is never
  /// cut.
  std::optional<std::chrono::milliseconds> stream_deadline{};
  /// Streams: an event larger than this is a Protocol error.
  std::size_t max_event_bytes = std::size_t{16} << 20;
  /// Unary calls: a body larger than this is a Protocol error.
  std::size_t max_response_bytes = std::size_t{256} << 20;

  /// Bounds the connections this Client keeps open, shared by every call;
  /// 0 is taken as 1.
  std::size_t max_connections = 256;

  /// `http://host:port`, `socks5://...`; empty: libcurl's environment rules.
  std::string proxy{};
  /// A PEM bundle file to verify servers with, instead of the system's
  /// (with `ca_pem`, both are trusted); empty: the system's.
  std::string ca_file{};

  /// The header that carries the key, and its scheme ("Bearer"; empty sends
  /// the bare key).
  std::string auth_header = "Authorization";
  /// Written before the key, with one space ("Bearer"; empty: none).
  std::string auth_scheme = "Bearer";
  /// Query parameters added to every request's URL.
  QueryList default_query{};

  /// Receives log lines (attempts, retries, failures); empty: silent.
  Logger logger{};

  /// The environment variables an empty base_url / api_key is read from;
  /// an empty name reads none. Provider presets point these at their own
  /// variables, so a Bud key is never sent to another provider.
  std::string base_url_env = "BUD_BASE_URL";
  /// The environment variable an empty api_key is read from.
  std::string api_key_env = "BUD_API_KEY";
  /// Set by a provider preset that could not be completed (e.g.
  /// providers::azure() without an endpoint): every call fails with
  /// ErrorCode::InvalidArgument and this message, and nothing is sent.
  std::string preset_error{};

  /// PEM text (in memory) of the CA certificates to verify servers with,
  /// instead of the system's (with `ca_file`, both are trusted); empty: none.
  /// A file's path belongs in `ca_file`.
  std::string ca_pem{};
  /// Mutual TLS: the client certificate as PEM text (its chain may follow;
  /// so may its key, when neither `client_key_pem` nor `client_key_file` is
  /// set). Set this or `client_cert_file`, not both.
  std::string client_cert_pem{};
  /// Mutual TLS: the path of a PEM file holding the client certificate.
  std::string client_cert_file{};
  /// Mutual TLS: the client certificate's private key as PEM text. Needs a
  /// client certificate; set this or `client_key_file`, not both.
  std::string client_key_pem{};
  /// Mutual TLS: the path of a PEM file holding the private key.
  std::string client_key_file{};
  /// The passphrase of an encrypted private key; empty: none.
  std::string client_key_password{};
  /// INSECURE, for local testing only: true skips verifying the server's
  /// certificate and host name, so anyone on the path can read and change
  /// the traffic, the API key included. Logged as a warning.
  bool insecure_skip_tls_verify = false;
};

/// Per-call variation; an unset field takes the Client's value.
struct CallOptions {
  /// Replaces ClientOptions::timeout for this call.
  std::optional<std::chrono::milliseconds> timeout{};
  /// Replaces ClientOptions::max_retries for this call.
  std::optional<int> max_retries{};
  /// Added after the client's headers; a header named like one of the
  /// client's replaces it (e.g. your own `x-request-id`).
  HeaderList extra_headers{};
  /// Cancels the call from another thread.
  CancellationToken cancellation{};
  /// Query parameters added to this call's URL.
  QueryList extra_query{};
  /// Streams: replaces ClientOptions::idle_timeout for this call.
  std::optional<std::chrono::milliseconds> idle_timeout{};
  /// Streams: replaces ClientOptions::stream_deadline for this call.
  std::optional<std::chrono::milliseconds> stream_deadline{};
};

}  // namespace budgateway

#endif  // BUDGATEWAY_OPTIONS_HPP_
