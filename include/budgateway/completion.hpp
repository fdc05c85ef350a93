// Copyright 2026 The budgateway Authors. SPDX-License-Identifier: Apache-2.0
#ifndef BUDGATEWAY_COMPLETION_HPP_
#define BUDGATEWAY_COMPLETION_HPP_

/// @file
/// The request and response of `POST /v1/completions`.

#include <budgateway/export.hpp>
#include <budgateway/headers.hpp>

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <variant>
#include <vector>

namespace budgateway {

/// The `prompt`: a string, several strings, token ids, or several token-id
/// arrays. Converts implicitly from each.
class BUDGATEWAY_EXPORT Prompt {
 public:
  using Tokens = std::vector<std::int32_t>;
  using Value = std::variant<std::string, std::vector<std::string>, Tokens,
                             std::vector<Tokens>>;

  Prompt() = default;
  Prompt(const char* text) : value_(std::string(text)) {}
  Prompt(std::string text) : value_(std::move(text)) {}
  Prompt(std::string_view text) : value_(std::string(text)) {}
  Prompt(std::vector<std::string> texts) : value_(std::move(texts)) {}
  Prompt(Tokens tokens) : value_(std::move(tokens)) {}
  Prompt(std::vector<Tokens> token_arrays) : value_(std::move(token_arrays)) {}

  const Value& value() const noexcept { return value_; }

 private:
  Value value_;
};

/// The `stop` sequences: one string or several.
class BUDGATEWAY_EXPORT Stop {
 public:
  using Value = std::variant<std::string, std::vector<std::string>>;

  Stop(const char* text) : value_(std::string(text)) {}
  Stop(std::string text) : value_(std::move(text)) {}
  Stop(std::string_view text) : value_(std::string(text)) {}
  Stop(std::vector<std::string> texts) : value_(std::move(texts)) {}

  const Value& value() const noexcept { return value_; }

 private:
  Value value_;
};

/// `stream_options`; only read for streamed calls.
struct StreamOptions {
  /// Ask for a last chunk with empty `choices` and the request's `usage`.
  std::optional<bool> include_usage;
};

/// The body of `POST /v1/completions`. Every field after `prompt` is optional:
/// an unset (or empty) field is not sent. The SDK does not check ranges;
/// the server does, and its 400 comes back as ErrorCode::BadRequest.
/// There is no `stream` field: Client::stream() sets it.
struct CompletionRequest {
  std::string model;
  Prompt prompt;
  std::optional<std::string> suffix;
  std::optional<std::int64_t> max_tokens;
  std::optional<double> temperature;
  std::optional<double> top_p;
  std::optional<std::int64_t> n;
  std::optional<std::int64_t> logprobs;
  std::optional<bool> echo;
  std::optional<Stop> stop;
  std::optional<double> presence_penalty;
  std::optional<double> frequency_penalty;
  std::optional<double> repetition_penalty;
  std::optional<std::int64_t> best_of;
  /// Token id -> bias (-100 to 100); sent with the ids as string keys.
  std::map<std::int32_t, double> logit_bias;
  std::optional<std::string> user;
  std::optional<std::int64_t> seed;
  std::optional<bool> ignore_eos;
  std::optional<StreamOptions> stream_options;
  /// Raw JSON object text whose members are merged into the body; a member
  /// named like a typed field replaces it. Must be a JSON object.
  std::string extra_body;
};

/// Why a choice stopped. Typed for the known values; any other string a
/// compatible server sends stays readable through str().
class BUDGATEWAY_EXPORT FinishReason {
 public:
  enum class Kind { Stop, Length, ContentFilter, Other };
  static constexpr Kind Stop = Kind::Stop;
  static constexpr Kind Length = Kind::Length;
  static constexpr Kind ContentFilter = Kind::ContentFilter;
  static constexpr Kind Other = Kind::Other;

  FinishReason() = default;
  explicit FinishReason(std::string value);

  Kind kind() const noexcept { return kind_; }
  /// The string as the server sent it.
  const std::string& str() const noexcept { return value_; }

  friend bool operator==(const FinishReason& a, Kind b) noexcept {
    return a.kind_ == b;
  }
  friend bool operator!=(const FinishReason& a, Kind b) noexcept {
    return a.kind_ != b;
  }
  friend bool operator==(const FinishReason& a,
                         const FinishReason& b) noexcept {
    return a.value_ == b.value_;
  }
  friend bool operator!=(const FinishReason& a,
                         const FinishReason& b) noexcept {
    return a.value_ != b.value_;
  }

 private:
  Kind kind_ = Kind::Other;
  std::string value_;
};

/// One of a token's most likely alternatives.
struct TopLogprob {
  std::string token;
  double logprob = 0;
  friend bool operator==(const TopLogprob& a, const TopLogprob& b) {
    return a.token == b.token && a.logprob == b.logprob;
  }
};

/// Legacy completions `logprobs`: parallel arrays, one entry per token.
/// A `null` entry (e.g. the first echoed token) is an empty optional or an
/// empty vector.
struct Logprobs {
  std::vector<std::string> tokens;
  std::vector<std::optional<double>> token_logprobs;
  std::vector<std::vector<TopLogprob>> top_logprobs;
  std::vector<std::int64_t> text_offset;
  friend bool operator==(const Logprobs& a, const Logprobs& b) {
    return a.tokens == b.tokens && a.token_logprobs == b.token_logprobs &&
           a.top_logprobs == b.top_logprobs && a.text_offset == b.text_offset;
  }
};

struct Choice {
  std::string text;
  std::int64_t index = 0;
  /// Absent, null, or of another shape (chat-style): empty.
  std::optional<Logprobs> logprobs;
  /// Null in stream chunks until the choice ends.
  std::optional<FinishReason> finish_reason;
};

struct PromptTokensDetails {
  std::optional<std::int64_t> cached_tokens;
  std::optional<std::int64_t> audio_tokens;
};

struct CompletionTokensDetails {
  std::optional<std::int64_t> reasoning_tokens;
  std::optional<std::int64_t> audio_tokens;
  std::optional<std::int64_t> accepted_prediction_tokens;
  std::optional<std::int64_t> rejected_prediction_tokens;
};

struct Usage {
  std::int64_t prompt_tokens = 0;
  std::int64_t completion_tokens = 0;
  std::int64_t total_tokens = 0;
  std::optional<PromptTokensDetails> prompt_tokens_details;
  std::optional<CompletionTokensDetails> completion_tokens_details;
};

namespace detail {
struct ResponseAccess;
}  // namespace detail

/// A completion, and the shape of each streamed chunk.
///
/// @par Thread safety
/// As a plain value type: const access from many threads is safe.
class BUDGATEWAY_EXPORT CompletionResponse {
 public:
  std::string id;
  std::string object;
  std::int64_t created = 0;
  std::string model;
  std::vector<Choice> choices;
  std::optional<Usage> usage;
  std::optional<std::string> system_fingerprint;

  /// The JSON text as received (for a chunk: its `data`), with every member
  /// the typed fields do not cover.
  const std::string& raw_json() const noexcept { return raw_json_; }
  /// The response headers, names lower-cased. Empty on a stream chunk: read
  /// CompletionStream::headers() instead.
  const ResponseHeaders& headers() const noexcept { return headers_; }

 private:
  friend struct detail::ResponseAccess;
  std::string raw_json_;
  ResponseHeaders headers_;
};

/// A streamed chunk has the shape of a completion.
using CompletionChunk = CompletionResponse;

}  // namespace budgateway

#endif  // BUDGATEWAY_COMPLETION_HPP_
