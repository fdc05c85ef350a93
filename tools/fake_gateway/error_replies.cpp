#include "error_replies.hpp"

#include "json_text.hpp"

namespace fake_gateway {
namespace {

constexpr int kBadRequest = 400;
constexpr int kUnauthorized = 401;
constexpr int kPaymentRequired = 402;
constexpr int kForbidden = 403;
constexpr int kNotFound = 404;
constexpr int kTooManyRequests = 429;
constexpr int kInternalServerError = 500;
constexpr int kBadGateway = 502;
constexpr std::string_view kJson = "application/json";
constexpr std::string_view kText = "text/plain";
constexpr std::string_view kHtml = "text/html";
constexpr std::string_view kDefaultRetryAfter = "1";

struct Shape {
  std::string_view name;
  int status;
  std::string_view message;
  std::string_view content_type;
};

// Each shape's own status and message, used unless the request overrides.
constexpr Shape kShapes[] = {
    {"message_only", kInternalServerError, "upstream unreachable", kJson},
    {"flat", kBadRequest, "bad request", kJson},
    {"nested_int", kUnauthorized, "Invalid API key", kJson},
    {"quota", kPaymentRequired, "Usage quota exceeded", kJson},
    {"forbidden", kForbidden, "Blocked by rule", kText},
    {"rate_limit", kTooManyRequests, "Rate limit exceeded", kText},
    {"provider", kBadGateway, "Error from provider", kJson},
    {"html", kBadGateway, "Bad Gateway", kHtml},
    {"empty", kInternalServerError, "", ""},
    {"azure_content_filter", kBadRequest,
     "The response was filtered due to the prompt triggering Azure OpenAI's "
     "content management policy.",
     kJson},
    {"llamacpp", kInternalServerError, "llama.cpp failed to decode", kJson},
};

constexpr std::string_view kAzureFilterResults =
    R"({"hate":{"filtered":true,"severity":"high"},)"
    R"("jailbreak":{"filtered":false,"detected":false},)"
    R"("self_harm":{"filtered":false,"severity":"safe"},)"
    R"("sexual":{"filtered":false,"severity":"safe"},)"
    R"("violence":{"filtered":false,"severity":"safe"}})";

std::string shape_body(std::string_view shape, int status,
                       const std::string& message) {
  const std::string quoted = json_string(message);
  if (shape == "message_only") return R"({"error":{"message":)" + quoted + "}}";
  if (shape == "flat") return R"({"error":)" + quoted + "}";
  if (shape == "nested_int") {
    return R"({"error":{"message":)" + quoted +
           R"(,"type":"invalid_request_error","code":)" +
           std::to_string(status) + "}}";
  }
  if (shape == "quota") {
    return R"({"error":{"message":)" + quoted +
           R"(,"type":"insufficient_quota","code":)" + std::to_string(status) +
           "}}";
  }
  if (shape == "forbidden") {
    return R"({"error":"forbidden","message":)" + quoted + "}";
  }
  if (shape == "rate_limit") {
    return R"({"error":{"message":)" + quoted +
           R"(,"type":"rate_limit_error","code":"rate_limit_exceeded"}})";
  }
  if (shape == "provider") {
    return R"({"error":{"message":)" + quoted +
           R"(},"provider_error":{"error":{"message":"upstream says no",)"
           R"("type":"invalid_request_error","code":"bad"}}})";
  }
  if (shape == "html") {
    return "<html><head><title>" + std::to_string(status) + " " + message +
           "</title></head><body><h1>" + message + "</h1></body></html>\n";
  }
  if (shape == "azure_content_filter") {
    return R"({"error":{"message":)" + quoted +
           R"(,"type":null,"param":"prompt","code":"content_filter",)"
           R"("status":)" +
           std::to_string(status) +
           R"(,"innererror":{"code":"ResponsibleAIPolicyViolation",)"
           R"("content_filter_result":)" +
           std::string(kAzureFilterResults) + "}}}";
  }
  if (shape == "llamacpp") {
    return R"({"error":{"code":)" + std::to_string(status) + R"(,"message":)" +
           quoted + R"(,"type":"server_error"}})";
  }
  return {};
}

}  // namespace

std::optional<Reply> error_reply(const ErrorRequest& request) {
  const std::string_view name =
      request.shape.empty() ? kShapes[0].name : request.shape;
  for (const Shape& shape : kShapes) {
    if (shape.name != name) continue;
    Reply reply;
    reply.status = request.status.value_or(shape.status);
    reply.content_type = std::string(shape.content_type);
    reply.body = shape_body(
        name, reply.status,
        request.message.empty() ? std::string(shape.message) : request.message);
    if (name == "rate_limit") {
      reply.headers.emplace_back("Retry-After",
                                 request.retry_after.empty()
                                     ? std::string(kDefaultRetryAfter)
                                     : request.retry_after);
    }
    return reply;
  }
  return std::nullopt;
}

Reply flat_error(int status, std::string_view message) {
  return {status,
          std::string(kJson),
          R"({"error":)" + json_string(message) + "}",
          {}};
}

Reply invalid_key_error() {
  return *error_reply({"nested_int", kUnauthorized, "Invalid API key", {}});
}

Reply azure_access_denied_error() {
  return {kUnauthorized,
          std::string(kJson),
          R"({"error":{"code":"401","message":"Access denied due to invalid )"
          R"(subscription key or wrong API endpoint. Make sure to provide a )"
          R"(valid key for an active subscription and use a correct regional )"
          R"(API endpoint for your resource."}})",
          {}};
}

Reply azure_not_found_error() {
  return {kNotFound,
          std::string(kJson),
          R"({"error":{"code":"404","message":"Resource not found"}})",
          {}};
}

Reply rate_limited_error(std::string retry_after_seconds) {
  return *error_reply(
      {"rate_limit", kTooManyRequests, {}, std::move(retry_after_seconds)});
}

}  // namespace fake_gateway
