// Copyright 2026 The budgateway Authors. SPDX-License-Identifier: Apache-2.0
#ifndef BUDGATEWAY_PROVIDERS_HPP_
#define BUDGATEWAY_PROVIDERS_HPP_

/// @file
/// Presets: the ClientOptions of the Bud gateway, of the providers behind it
/// (OpenAI, Azure OpenAI, Together AI, Fireworks AI) and of local
/// OpenAI-compatible servers (vLLM, llama.cpp's `llama-server`).
///
/// Each preset returns plain ClientOptions that the caller may still change
/// before constructing a Client:
/// @code
/// bg::ClientOptions options = bg::providers::together();
/// options.max_retries = 5;
/// bg::Client together(options);
/// @endcode
///
/// A preset resolves its base URL when called (from its own environment
/// variable, else the provider's public URL). The key is read when the Client
/// is constructed, from the preset's own variable (ClientOptions::api_key_env)
/// and never from another provider's: a `BUD_API_KEY` is never sent to
/// OpenAI, nor an `OPENAI_API_KEY` to Azure.
///
/// @par Thread safety
/// Each preset reads the environment; call them while no other thread
/// changes it (`setenv`), as with any `getenv`.

#include <budgateway/export.hpp>
#include <budgateway/options.hpp>

#include <string>

namespace budgateway::providers {

/// The Bud gateway's public URL.
inline constexpr const char* kBudBaseUrl = "https://gateway.bud.studio/v1";
/// OpenAI's API.
inline constexpr const char* kOpenAiBaseUrl = "https://api.openai.com/v1";
/// Together AI's OpenAI-compatible API.
inline constexpr const char* kTogetherBaseUrl = "https://api.together.xyz/v1";
/// Fireworks AI's OpenAI-compatible API.
inline constexpr const char* kFireworksBaseUrl =
    "https://api.fireworks.ai/inference/v1";
/// Where `llama-server` listens by default (vLLM's default port is 8000).
inline constexpr const char* kLocalBaseUrl = "http://127.0.0.1:8080/v1";
/// The Azure OpenAI API version used unless another is given: the latest
/// generally available data-plane inference version that serves
/// completions.
inline constexpr const char* kAzureApiVersion = "2024-10-21";

/// The Bud gateway: the same options as a default-constructed ClientOptions,
/// with the base URL resolved. Base URL from `$BUD_BASE_URL`, else
/// kBudBaseUrl; key from `$BUD_API_KEY`, sent as `Authorization: Bearer`.
BUDGATEWAY_EXPORT ClientOptions bud();

/// OpenAI. Base URL from `$OPENAI_BASE_URL`, else kOpenAiBaseUrl; key from
/// `$OPENAI_API_KEY`, sent as `Authorization: Bearer`. Organization and
/// project headers, when needed, go in ClientOptions::default_headers.
BUDGATEWAY_EXPORT ClientOptions openai();

/// Together AI at kTogetherBaseUrl; key from `$TOGETHER_API_KEY`, sent as
/// `Authorization: Bearer`.
BUDGATEWAY_EXPORT ClientOptions together();

/// Fireworks AI at kFireworksBaseUrl; key from `$FIREWORKS_API_KEY`, sent
/// as `Authorization: Bearer`. Model names are paths such as
/// `accounts/fireworks/models/llama-v3p1-8b-instruct`.
BUDGATEWAY_EXPORT ClientOptions fireworks();

/// A local OpenAI-compatible server: vLLM (`vllm serve`, port 8000) or
/// llama.cpp's `llama-server` (port 8080). No key is read from the
/// environment and none is sent unless ClientOptions::api_key is set (a
/// server started with `--api-key` wants it as `Authorization: Bearer`).
/// @param base_url The server's URL up to and including `/v1`.
BUDGATEWAY_EXPORT ClientOptions local(std::string base_url = kLocalBaseUrl);

/// Where an Azure OpenAI deployment is and how to reach it. An aggregate:
/// with C++20, `azure({.endpoint = "https://res.openai.azure.com",
/// .deployment = "gpt-35-turbo-instruct"})`.
struct AzureOptions {
  /// `https://<resource>.openai.azure.com` (a trailing '/' is fine). Empty:
  /// `$AZURE_OPENAI_ENDPOINT`.
  std::string endpoint{};
  /// The deployment name chosen in Azure; percent-encoded into the path.
  std::string deployment{};
  /// The `api-version` query parameter. Empty: `$OPENAI_API_VERSION`, else
  /// kAzureApiVersion.
  std::string api_version = kAzureApiVersion;
  /// Empty: `$AZURE_OPENAI_API_KEY`, read when the Client is constructed.
  std::string api_key{};
};

/// Azure OpenAI. Requests go to
/// `{endpoint}/openai/deployments/{deployment}/completions?api-version=...`
/// with the key in an `api-key` header and no `Authorization` header. The
/// model comes from the deployment: CompletionRequest::model must still be
/// non-empty, and Azure ignores it.
///
/// Without an endpoint or a deployment, the returned base_url is a sentence
/// naming what is missing rather than a URL, so the first call fails with
/// ErrorCode::InvalidArgument saying so and nothing is sent anywhere.
BUDGATEWAY_EXPORT ClientOptions azure(AzureOptions options);

}  // namespace budgateway::providers

#endif  // BUDGATEWAY_PROVIDERS_HPP_
