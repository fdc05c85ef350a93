// Copyright 2026 The budgateway Authors. SPDX-License-Identifier: Apache-2.0
// Every public aggregate, built with designated initializers that name one
// field and leave the rest to their defaults. Compiled as C++20 with
// -Wextra -Werror: g++ before 14 warns (-Wmissing-field-initializers) for
// every omitted field that lacks a default member initializer.
#include <budgateway/budgateway.hpp>

namespace bg = budgateway;

namespace {

[[maybe_unused]] void designate_one_field_of_each() {
  bg::ClientOptions client{.base_url = "http://127.0.0.1:1/v1"};
  bg::CallOptions call{.max_retries = 0};
  bg::BatchOptions batch{.max_concurrency = 4};
  bg::StreamHandler handler{.on_chunk = [](const bg::CompletionChunk&) {}};
  bg::StreamOptions stream{.include_usage = true};
  bg::CompletionRequest request{.model = "m"};
  bg::TopLogprob top{.token = "t"};
  bg::Logprobs logprobs{.tokens = {"t"}};
  bg::Choice choice{.text = "x"};
  bg::PromptTokensDetails prompt_details{.cached_tokens = 1};
  bg::CompletionTokensDetails completion_details{.reasoning_tokens = 1};
  bg::Usage usage{.prompt_tokens = 1};
  bg::ErrorInfo info{.message = "m"};
  bg::providers::AzureOptions azure{.endpoint = "https://r.openai.azure.com"};
  (void)client, (void)call, (void)batch, (void)handler, (void)stream;
  (void)request, (void)top, (void)logprobs, (void)choice, (void)usage;
  (void)prompt_details, (void)completion_details, (void)info, (void)azure;
}

}  // namespace
