// Copyright 2026 The budgateway Authors. SPDX-License-Identifier: Apache-2.0
#include <budgateway/providers.hpp>

#include <string>
#include <string_view>
#include <utility>

#include "request_util.hpp"

namespace budgateway::providers {
namespace {

constexpr const char* kBudBaseUrlEnv = "BUD_BASE_URL";
constexpr const char* kOpenAiBaseUrlEnv = "OPENAI_BASE_URL";
constexpr const char* kAzureApiKeyHeader = "api-key";
constexpr const char* kAzureApiVersionParameter = "api-version";
constexpr std::string_view kAzureDeploymentsPath = "/openai/deployments/";

/// `$variable`, else `fallback`.
std::string env_or(const char* variable, const char* fallback) {
  std::string value = detail::value_or_env({}, variable);
  return value.empty() ? std::string(fallback) : value;
}

// A provider spoken to with `Authorization: Bearer`, whose key comes from
// its own variable only.
ClientOptions bearer_provider(std::string base_url, std::string base_url_env,
                              std::string api_key_env) {
  ClientOptions options;
  options.base_url = std::move(base_url);
  options.base_url_env = std::move(base_url_env);
  options.api_key_env = std::move(api_key_env);
  return options;
}

std::string trim_trailing_slashes(std::string text) {
  while (!text.empty() && text.back() == '/') text.pop_back();
  return text;
}

}  // namespace

ClientOptions bud() {
  return bearer_provider(env_or(kBudBaseUrlEnv, kBudBaseUrl), kBudBaseUrlEnv,
                         "BUD_API_KEY");
}

ClientOptions openai() {
  return bearer_provider(env_or(kOpenAiBaseUrlEnv, kOpenAiBaseUrl),
                         kOpenAiBaseUrlEnv, "OPENAI_API_KEY");
}

ClientOptions together() {
  return bearer_provider(kTogetherBaseUrl, {}, "TOGETHER_API_KEY");
}

ClientOptions fireworks() {
  return bearer_provider(kFireworksBaseUrl, {}, "FIREWORKS_API_KEY");
}

ClientOptions local(std::string base_url) {
  return bearer_provider(std::move(base_url), {}, {});
}

ClientOptions azure(AzureOptions azure_options) {
  const std::string endpoint = trim_trailing_slashes(detail::value_or_env(
      std::move(azure_options.endpoint), "AZURE_OPENAI_ENDPOINT"));
  std::string api_version = detail::value_or_env(
      std::move(azure_options.api_version), "OPENAI_API_VERSION");
  if (api_version.empty()) api_version = kAzureApiVersion;

  ClientOptions options;
  // The client refuses an incomplete preset on the first call, sending
  // nothing; an empty base_url would instead fall back to the Bud gateway.
  if (endpoint.empty()) {
    options.preset_error =
        "Azure OpenAI needs an endpoint: set AzureOptions::endpoint or "
        "AZURE_OPENAI_ENDPOINT";
  } else if (azure_options.deployment.empty()) {
    options.preset_error =
        "Azure OpenAI needs a deployment: set AzureOptions::deployment";
  } else {
    options.base_url = endpoint;
    options.base_url += kAzureDeploymentsPath;
    options.base_url += detail::url_encode(azure_options.deployment);
  }
  options.api_key = std::move(azure_options.api_key);
  options.auth_header = kAzureApiKeyHeader;
  options.auth_scheme.clear();
  options.default_query.emplace_back(kAzureApiVersionParameter,
                                     std::move(api_version));
  options.base_url_env.clear();
  options.api_key_env = "AZURE_OPENAI_API_KEY";
  return options;
}

}  // namespace budgateway::providers
