// Error answers in every shape the gateway and its neighbours send; see
// docs/gateway.md ("Failures").
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace fake_gateway {

struct Reply {
  int status = 0;
  std::string content_type;  // empty: no Content-Type, no body
  std::string body;
  std::vector<std::pair<std::string, std::string>> headers;
};

struct ErrorRequest {
  std::string shape;          // x-fake-error-shape; empty: "message_only"
  std::optional<int> status;  // x-fake-status; default: the shape's own
  std::string message;        // x-fake-error-message; empty: the shape's own
  std::string retry_after;    // x-fake-retry-after, for "rate_limit"
};

// The reply for a known shape, or nothing when the shape is unknown.
std::optional<Reply> error_reply(const ErrorRequest& request);

// The gateway's flat 400: {"error":"<message>"}.
Reply flat_error(int status, std::string_view message);

// The gateway's answer to a missing or wrong key.
Reply invalid_key_error();

// Azure OpenAI's answers to a wrong key and to a missing api-version.
Reply azure_access_denied_error();
Reply azure_not_found_error();

// The limiter's 429, with the gateway's Retry-After in whole seconds.
Reply rate_limited_error(std::string retry_after_seconds);

}  // namespace fake_gateway
