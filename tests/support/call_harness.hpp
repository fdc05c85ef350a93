// Copyright 2026 The budgateway Authors. SPDX-License-Identifier: Apache-2.0
// Builds call machines for unit tests: a context with deterministic retry
// timing (no jitter) and a fake clock, and helpers that play an attempt's
// events into a machine. No socket, no thread.
#ifndef BUDGATEWAY_TESTS_SUPPORT_CALL_HARNESS_HPP_
#define BUDGATEWAY_TESTS_SUPPORT_CALL_HARNESS_HPP_

#include <budgateway/client.hpp>

#include <chrono>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "call/context.hpp"

namespace budgateway::detail::harness {

using namespace std::chrono_literals;

/// An arbitrary start for the fake clock.
inline const Clock::time_point kT0 =
    Clock::time_point{} + std::chrono::hours(1);

/// Options whose back-off is exactly initial_backoff * 2^n.
inline ClientOptions options() {
  ClientOptions o;
  o.base_url = "http://127.0.0.1:9/v1";
  o.api_key = "sk-test-key";
  o.initial_backoff = 100ms;
  o.max_backoff = 1s;
  o.backoff_jitter = 0.0;
  o.timeout = 5s;
  o.idle_timeout = 10s;
  return o;
}

inline CompletionRequest request() {
  CompletionRequest r;
  r.model = "m";
  r.prompt = "p";
  return r;
}

/// A context and a prepared call for it.
struct Prepared {
  std::shared_ptr<const CallContext> context;
  PreparedCall call;
};

inline Prepared prepare(ClientOptions client_options, bool stream,
                        const CallOptions& call_options = {}) {
  auto context = std::make_shared<const CallContext>(std::move(client_options));
  auto call = context->prepare(request(), call_options, stream);
  if (!call) throw std::runtime_error(call.error().to_string());
  return {std::move(context), std::move(*call)};
}

inline ResponseHeaders headers(
    std::vector<std::pair<std::string, std::string>> entries) {
  ResponseHeaders out;
  for (const auto& [name, value] : entries) out.add(name, value);
  return out;
}

inline ResponseHeaders json_headers() {
  return headers({{"content-type", "application/json"}});
}

inline ResponseHeaders sse_headers() {
  return headers({{"content-type", "text/event-stream"}});
}

/// A minimal completion body with `text`.
inline std::string completion(std::string_view text) {
  return std::string(R"({"id":"cmpl-1","object":"text_completion",)") +
         R"("created":1,"model":"m","choices":[{"text":")" + std::string(text) +
         R"(","index":0,"finish_reason":"stop"}]})";
}

/// One stream chunk's event.
inline std::string chunk_event(std::string_view text,
                               std::string_view finish = "null") {
  return std::string(R"(data: {"id":"c","object":"text_completion",)") +
         R"("created":1,"model":"m","choices":[{"text":")" + std::string(text) +
         R"(","index":0,"finish_reason":)" + std::string(finish) + "}]}\n\n";
}

inline const std::string kDoneEvent = "data: [DONE]\n\n";

/// Plays one whole attempt into `call` at `now`: start, head, body, end.
template <typename Call>
void play(Call& call, Clock::time_point now, int status, ResponseHeaders head,
          std::string_view body, std::optional<Error> transport = {}) {
  call.on_start(now);
  call.on_head(status, std::move(head), now);
  if (!body.empty()) call.on_body(body, now);
  call.on_end(std::move(transport), now);
}

/// A libcurl-like transport failure.
inline Error connection_reset() {
  ErrorInfo info;
  info.code = ErrorCode::Connection;
  info.message = "transport failure: Failure when receiving data";
  return Error(std::move(info));
}

}  // namespace budgateway::detail::harness

#endif  // BUDGATEWAY_TESTS_SUPPORT_CALL_HARNESS_HPP_
