// Copyright 2026 The budgateway Authors. SPDX-License-Identifier: Apache-2.0
// The provider fixtures under tests/fixtures/ and what each must parse into.
// Shared by the parser-level unit test and the end-to-end integration test,
// so both hold every fixture to the same typed values.
//
// Each fixture was written from the provider's public API reference, cited
// in its `source`:
// - OpenAI: https://platform.openai.com/docs/api-reference/completions
// - Azure OpenAI:
// https://learn.microsoft.com/en-us/azure/ai-services/openai/reference
//   (body shape, `api-key`, `api-version`) and
//   https://learn.microsoft.com/en-us/azure/ai-services/openai/concepts/content-filter
//   (`prompt_filter_results`, `content_filter_results`, `finish_reason:
//   "content_filter"`, the 400 with `innererror`)
// - Together AI: https://docs.together.ai/reference/completions-1
// - Fireworks AI: https://docs.fireworks.ai/api-reference/post-completions
// - vLLM: https://docs.vllm.ai/en/latest/serving/openai_compatible_server.html
//   (`stop_reason`, `prompt_logprobs` of vllm/entrypoints/openai/protocol.py)
// - llama.cpp:
// https://github.com/ggml-org/llama.cpp/blob/master/tools/server/README.md
//   (`/v1/completions`: `chatcmpl-` ids, `logprobs: {"content": [...]}`,
//   `timings`; streamed errors as an `error:` line), validation errors
//   answered 500: https://github.com/ggml-org/llama.cpp/pull/17572
#ifndef BUDGATEWAY_TESTS_PROVIDER_FIXTURES_HPP_
#define BUDGATEWAY_TESTS_PROVIDER_FIXTURES_HPP_

#include <budgateway/completion.hpp>
#include <budgateway/error.hpp>

#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <fstream>
#include <optional>
#include <sstream>
#include <stdexcept>
#include <string>
#include <vector>

#include "catch.hpp"

namespace budgateway::testing {

/// Which preset talks to the server a fixture comes from.
enum class Provider { OpenAi, Azure, Together, Fireworks, Vllm, LlamaCpp };

struct ExpectedUsage {
  std::int64_t prompt_tokens = 0;
  std::int64_t completion_tokens = 0;
  std::int64_t total_tokens = 0;
  std::optional<std::int64_t> cached_tokens;
};

/// One choice; for a stream, its chunks folded: the text joined, the last
/// finish_reason sent, the legacy logprob tokens joined.
struct ExpectedChoice {
  std::int64_t index = 0;
  std::string text;
  std::optional<std::string> finish_reason;
  FinishReason::Kind kind = FinishReason::Kind::Other;
  /// Unset: no Logprobs (absent, null, chat-style or of another shape).
  std::optional<std::vector<std::string>> logprob_tokens;
};

struct UnaryFixture {
  const char* path;  ///< Relative to the fixtures directory.
  const char* source;
  Provider provider;
  std::string id;
  std::string object;
  std::string model;
  std::optional<std::string> system_fingerprint;
  std::vector<ExpectedChoice> choices;
  std::optional<ExpectedUsage> usage;
  /// Text of members the typed fields do not cover, kept in raw_json().
  std::vector<std::string> raw_markers;
};

/// The error a stream ends with, reported inside its 200 body.
struct ExpectedStreamError {
  ErrorCode code;
  std::string message;
  std::string type;
  std::string api_code;
};

struct StreamFixture {
  const char* path;
  const char* source;
  Provider provider;
  std::string model;  ///< Of the last chunk.
  std::size_t chunks;
  std::vector<ExpectedChoice> choices;
  std::optional<ExpectedUsage> usage;  ///< Of the last chunk that has one.
  /// Found in the raw_json() of one of the chunks.
  std::vector<std::string> raw_markers;
  std::optional<ExpectedStreamError> error;
};

struct ErrorFixture {
  const char* path;
  const char* source;
  Provider provider;
  int status;
  ErrorCode code;
  std::string message;
  std::string type;
  std::string param;
  std::string api_code;
  /// Found in Error::body().
  std::vector<std::string> body_markers;
};

inline constexpr const char* kOpenAiSource =
    "https://platform.openai.com/docs/api-reference/completions";
inline constexpr const char* kAzureSource =
    "https://learn.microsoft.com/en-us/azure/ai-services/openai/reference";
inline constexpr const char* kAzureFilterSource =
    "https://learn.microsoft.com/en-us/azure/ai-services/openai/concepts/"
    "content-filter";
inline constexpr const char* kTogetherSource =
    "https://docs.together.ai/reference/completions-1";
inline constexpr const char* kFireworksSource =
    "https://docs.fireworks.ai/api-reference/post-completions";
inline constexpr const char* kVllmSource =
    "https://docs.vllm.ai/en/latest/serving/openai_compatible_server.html";
inline constexpr const char* kLlamaCppSource =
    "https://github.com/ggml-org/llama.cpp/blob/master/tools/server/README.md";
inline constexpr const char* kLlamaCpp500Source =
    "https://github.com/ggml-org/llama.cpp/pull/17572";

using Kind = FinishReason::Kind;
using Tokens = std::vector<std::string>;

inline const std::vector<UnaryFixture>& unary_fixtures() {
  static const std::vector<UnaryFixture> fixtures = {
      {"openai/completion.json",
       kOpenAiSource,
       Provider::OpenAi,
       "cmpl-9xKq2mN4bT7cL1pZ8rYv3WfE",
       "text_completion",
       "gpt-3.5-turbo-instruct",
       "fp_44709d6fcb",
       {{0, "\n\nSweet moments, one scoop at a time.", "stop", Kind::Stop, {}}},
       ExpectedUsage{10, 10, 20, {}},
       {}},
      {"azure/completion.json",
       kAzureFilterSource,
       Provider::Azure,
       "cmpl-8sTtqXUfTw0yTmsKN8MZJx2tVzKoP",
       "text_completion",
       "gpt-35-turbo-instruct",
       {},
       {{0, "\n\nA scoop of sunshine in every cone.", "stop", Kind::Stop, {}},
        {1, "", "content_filter", Kind::ContentFilter, {}}},
       ExpectedUsage{10, 11, 21, {}},
       {"\"prompt_filter_results\"", "\"content_filter_results\"",
        "\"protected_material_text\"", "\"medium\""}},
      {"together/completion.json",
       kTogetherSource,
       Provider::Together,
       "8f0b6a5c2d1e4b7a-SJC",
       "text.completion",
       "meta-llama/Meta-Llama-3.1-8B-Instruct-Turbo",
       {},
       {{0, " Paris", "length", Kind::Length, Tokens{" Paris"}}},
       ExpectedUsage{7, 1, 8, {}},
       {"\"seed\"", "14571523145378582000", "\"token_ids\"",
        "The largest city in France is"}},
      {"fireworks/completion.json",
       kFireworksSource,
       Provider::Fireworks,
       "c9c1f727-afe7-430a-b759-df1dc392266c",
       "text_completion",
       "accounts/fireworks/models/llama-v3p1-8b-instruct",
       {},
       {{0, " blue.", "stop", Kind::Stop, Tokens{" blue", "."}}},
       ExpectedUsage{4, 2, 6, 3},
       {"\"raw_output\"", "\"perf_metrics\"", "\"completion_token_ids\""}},
      {"vllm/completion.json",
       kVllmSource,
       Provider::Vllm,
       "cmpl-3b4f2f6f6f3a4a4f9f3e2d1c0b9a8f7e",
       "text_completion",
       "meta-llama/Meta-Llama-3-8B-Instruct",
       {},
       {{0, " Paris.", "stop", Kind::Stop, Tokens{" Paris", "."}}},
       ExpectedUsage{6, 2, 8, {}},
       {"\"stop_reason\"", "\"prompt_logprobs\"", "\"decoded_token\"",
        "\"kv_transfer_params\""}},
      {"llamacpp/completion.json",
       kLlamaCppSource,
       Provider::LlamaCpp,
       "chatcmpl-lcVnI7dk6GUrWVAV5ZbBxe3TPv2eDl1j",
       "text_completion",
       "gpt-3.5-turbo",
       "b4589-1a24c462",
       {{0, " Paris.", "stop", Kind::Stop, {}}},
       ExpectedUsage{6, 2, 8, {}},
       {"\"content\"", "\"bytes\"", "\"timings\""}},
  };
  return fixtures;
}

inline const std::vector<StreamFixture>& stream_fixtures() {
  static const std::vector<StreamFixture> fixtures = {
      {"openai/completion.sse",
       kOpenAiSource,
       Provider::OpenAi,
       "gpt-3.5-turbo-instruct",
       5,
       {{0, "\n\nSweet moments", "length", Kind::Length, {}}},
       ExpectedUsage{10, 3, 13, {}},
       {"fp_44709d6fcb"},
       {}},
      {"azure/completion.sse",
       kAzureFilterSource,
       Provider::Azure,
       "gpt-35-turbo-instruct",
       5,
       {{0,
         "\n\nA scoop of sunshine",
         "content_filter",
         Kind::ContentFilter,
         {}}},
       {},
       {"\"prompt_filter_results\"", "\"content_filter_results\"",
        "\"severity\":\"medium\""},
       {}},
      {"together/completion.sse",
       kTogetherSource,
       Provider::Together,
       "meta-llama/Meta-Llama-3.1-8B-Instruct-Turbo",
       3,
       {{0, " Paris, France", "length", Kind::Length, {}}},
       ExpectedUsage{7, 3, 10, {}},
       {"\"completion.chunk\"", "\"delta\"", "\"logprobs\":-0.0215",
        "14571523145378582000"},
       {}},
      {"fireworks/completion.sse",
       kFireworksSource,
       Provider::Fireworks,
       "accounts/fireworks/models/llama-v3p1-8b-instruct",
       3,
       {{0, " blue.", "stop", Kind::Stop, {}}},
       ExpectedUsage{4, 2, 6, {}},
       {"\"perf_metrics\""},
       {}},
      {"vllm/completion.sse",
       kVllmSource,
       Provider::Vllm,
       "meta-llama/Meta-Llama-3-8B-Instruct",
       4,
       {{0, " Paris.", "stop", Kind::Stop, {}}},
       ExpectedUsage{6, 2, 8, {}},
       {"\"stop_reason\":128009"},
       {}},
      {"llamacpp/completion.sse",
       kLlamaCppSource,
       Provider::LlamaCpp,
       "gpt-3.5-turbo",
       3,
       {{0, " Paris.", "stop", Kind::Stop, {}}},
       ExpectedUsage{6, 2, 8, {}},
       {"\"content\":[", "\"timings\"", "chatcmpl-"},
       {}},
      {"llamacpp/stream_error.sse",
       kLlamaCppSource,
       Provider::LlamaCpp,
       "gpt-3.5-turbo",
       1,
       {{0, " Paris", {}, Kind::Other, {}}},
       {},
       {},
       ExpectedStreamError{ErrorCode::Server, "Invalid input batch.",
                           "server_error", "500"}},
  };
  return fixtures;
}

inline const std::vector<ErrorFixture>& error_fixtures() {
  static const std::vector<ErrorFixture> fixtures = {
      {"azure/content_filter_error.json",
       kAzureFilterSource,
       Provider::Azure,
       400,
       ErrorCode::BadRequest,
       "The response was filtered due to the prompt triggering Azure "
       "OpenAI's content management policy. Please modify your prompt and "
       "retry. To learn more about our content filtering policies please read "
       "our documentation: https://go.microsoft.com/fwlink/?linkid=2198766",
       "",
       "prompt",
       "content_filter",
       {"\"innererror\"", "\"ResponsibleAIPolicyViolation\""}},
      {"vllm/bad_request_error.json",
       kVllmSource,
       Provider::Vllm,
       400,
       ErrorCode::BadRequest,
       "This model's maximum context length is 8192 tokens. However, you "
       "requested 8200 tokens (6 in the messages, 8194 in the completion). "
       "Please reduce the length of the messages or completion.",
       "BadRequestError",
       "",
       "400",
       {"\"object\": \"error\""}},
      {"llamacpp/validation_error.json",
       kLlamaCpp500Source,
       Provider::LlamaCpp,
       500,
       ErrorCode::Server,
       "JSON schema conversion failed: Unrecognized schema: {\"not\":{}}",
       "server_error",
       "",
       "500",
       {}},
  };
  return fixtures;
}

/// The bytes of a fixture file.
inline std::string read_fixture(const std::string& path) {
  std::ifstream file(std::string(BUDGATEWAY_FIXTURES_DIR) + "/" + path,
                     std::ios::binary);
  if (!file) throw std::runtime_error("cannot read fixture " + path);
  std::ostringstream bytes;
  bytes << file.rdbuf();
  return bytes.str();
}

/// A choice as the caller sees it, or a stream's chunks of one choice
/// folded together.
struct FoldedChoice {
  std::int64_t index = 0;
  std::string text;
  std::optional<FinishReason> finish_reason;
  std::optional<std::vector<std::string>> logprob_tokens;
};

inline void fold_choice(const Choice& choice,
                        std::vector<FoldedChoice>& folded) {
  auto slot = std::find_if(folded.begin(), folded.end(),
                           [&choice](const FoldedChoice& seen) {
                             return seen.index == choice.index;
                           });
  if (slot == folded.end()) {
    slot = folded.insert(folded.end(), FoldedChoice{choice.index, {}, {}, {}});
  }
  slot->text += choice.text;
  if (choice.finish_reason) slot->finish_reason = choice.finish_reason;
  if (choice.logprobs) {
    if (!slot->logprob_tokens) slot->logprob_tokens.emplace();
    slot->logprob_tokens->insert(slot->logprob_tokens->end(),
                                 choice.logprobs->tokens.begin(),
                                 choice.logprobs->tokens.end());
  }
}

inline std::vector<FoldedChoice> fold(
    const std::vector<CompletionChunk>& chunks) {
  std::vector<FoldedChoice> folded;
  for (const CompletionChunk& chunk : chunks) {
    for (const Choice& choice : chunk.choices) fold_choice(choice, folded);
  }
  return folded;
}

inline void check_choices(const std::vector<FoldedChoice>& actual,
                          const std::vector<ExpectedChoice>& expected) {
  REQUIRE(actual.size() == expected.size());
  for (std::size_t i = 0; i < expected.size(); ++i) {
    INFO("choice " << i);
    CHECK(actual[i].index == expected[i].index);
    CHECK(actual[i].text == expected[i].text);
    REQUIRE(actual[i].finish_reason.has_value() ==
            expected[i].finish_reason.has_value());
    if (expected[i].finish_reason) {
      CHECK(actual[i].finish_reason->str() == *expected[i].finish_reason);
      CHECK(actual[i].finish_reason->kind() == expected[i].kind);
    }
    CHECK(actual[i].logprob_tokens == expected[i].logprob_tokens);
  }
}

inline void check_usage(const std::optional<Usage>& actual,
                        const std::optional<ExpectedUsage>& expected) {
  REQUIRE(actual.has_value() == expected.has_value());
  if (!expected) return;
  CHECK(actual->prompt_tokens == expected->prompt_tokens);
  CHECK(actual->completion_tokens == expected->completion_tokens);
  CHECK(actual->total_tokens == expected->total_tokens);
  std::optional<std::int64_t> cached;
  if (actual->prompt_tokens_details) {
    cached = actual->prompt_tokens_details->cached_tokens;
  }
  CHECK(cached == expected->cached_tokens);
}

inline void check_unary(const CompletionResponse& response,
                        const UnaryFixture& fixture) {
  CHECK(response.id == fixture.id);
  CHECK(response.object == fixture.object);
  CHECK(response.model == fixture.model);
  CHECK(response.system_fingerprint == fixture.system_fingerprint);
  std::vector<FoldedChoice> choices;
  for (const Choice& choice : response.choices) fold_choice(choice, choices);
  check_choices(choices, fixture.choices);
  check_usage(response.usage, fixture.usage);
  for (const std::string& marker : fixture.raw_markers) {
    INFO("raw_json() keeps " << marker);
    CHECK(response.raw_json().find(marker) != std::string::npos);
  }
}

/// The chunks a stream yielded before it ended (with [DONE] or an error).
inline void check_stream_chunks(const std::vector<CompletionChunk>& chunks,
                                const StreamFixture& fixture) {
  REQUIRE(chunks.size() == fixture.chunks);
  CHECK(chunks.back().model == fixture.model);
  check_choices(fold(chunks), fixture.choices);
  std::optional<Usage> usage;
  for (const CompletionChunk& chunk : chunks) {
    if (chunk.usage) usage = chunk.usage;
  }
  check_usage(usage, fixture.usage);
  for (const std::string& marker : fixture.raw_markers) {
    INFO("a chunk's raw_json() keeps " << marker);
    CHECK(std::any_of(
        chunks.begin(), chunks.end(), [&marker](const CompletionChunk& chunk) {
          return chunk.raw_json().find(marker) != std::string::npos;
        }));
  }
}

/// An error answer: everything but the request id, which the caller knows.
inline void check_error(const Error& error, const ErrorFixture& fixture) {
  CHECK(error.code() == fixture.code);
  CHECK(error.http_status() == fixture.status);
  CHECK(error.message() == fixture.message);
  CHECK(error.type() == fixture.type);
  CHECK(error.param() == fixture.param);
  CHECK(error.api_code() == fixture.api_code);
  for (const std::string& marker : fixture.body_markers) {
    INFO("body() keeps " << marker);
    CHECK(error.body().find(marker) != std::string::npos);
  }
}

}  // namespace budgateway::testing

#endif  // BUDGATEWAY_TESTS_PROVIDER_FIXTURES_HPP_
