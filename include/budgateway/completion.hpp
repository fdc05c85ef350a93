// Copyright 2026 The budgateway Authors. SPDX-License-Identifier: Apache-2.0
#ifndef BUDGATEWAY_COMPLETION_HPP_
#define BUDGATEWAY_COMPLETION_HPP_

/// @file
/// The request and response of `POST /v1/completions`.

#include <budgateway/export.hpp>
#include <budgateway/headers.hpp>

#include <chrono>
#include <cstdint>
#include <initializer_list>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <variant>
#include <vector>

namespace budgateway {

/// The `prompt`: a string, several strings, token ids, or several token-id
/// arrays. Converts implicitly from each, and from a braced list of strings
/// (`r.prompt = {"a", "b"};`) or of token ids (`r.prompt = {1, 2, 3};`). A
/// braced list is always an array, even of one element.
class BUDGATEWAY_EXPORT Prompt {
 public:
  /// One prompt as token ids.
  using Tokens = std::vector<std::int32_t>;
  /// What the prompt holds, in the shape it is sent.
  using Value = std::variant<std::string, std::vector<std::string>, Tokens,
                             std::vector<Tokens>>;

  /// An empty string.
  Prompt() = default;
  ///@{
  /// One prompt.
  Prompt(const char* text) : value_(std::string(text)) {}
  Prompt(std::string text) : value_(std::move(text)) {}
  Prompt(std::string_view text) : value_(std::string(text)) {}
  ///@}
  ///@{
  /// Several prompts: one completion (or `n`) each.
  Prompt(std::vector<std::string> texts) : value_(std::move(texts)) {}
  Prompt(std::initializer_list<std::string> texts)
      : value_(std::vector<std::string>(texts)) {}
  ///@}
  ///@{
  /// One prompt as token ids.
  Prompt(Tokens tokens) : value_(std::move(tokens)) {}
  Prompt(std::initializer_list<std::int32_t> tokens) : value_(Tokens(tokens)) {}
  ///@}
  /// Several prompts as token ids.
  Prompt(std::vector<Tokens> token_arrays) : value_(std::move(token_arrays)) {}

  /// The prompt as it will be sent.
  const Value& value() const noexcept { return value_; }

 private:
  Value value_;
};

/// The `stop` sequences: one string or several. Converts implicitly from a
/// string, a vector of strings or a braced list (`r.stop = {"\n", "END"};`,
/// always sent as an array).
class BUDGATEWAY_EXPORT Stop {
 public:
  /// What is sent: one string, or an array of them.
  using Value = std::variant<std::string, std::vector<std::string>>;

  ///@{
  /// One stop sequence.
  Stop(const char* text) : value_(std::string(text)) {}
  Stop(std::string text) : value_(std::move(text)) {}
  Stop(std::string_view text) : value_(std::string(text)) {}
  ///@}
  ///@{
  /// Several stop sequences.
  Stop(std::vector<std::string> texts) : value_(std::move(texts)) {}
  Stop(std::initializer_list<std::string> texts)
      : value_(std::vector<std::string>(texts)) {}
  ///@}

  /// The sequences as they will be sent.
  const Value& value() const noexcept { return value_; }

 private:
  Value value_;
};

/// `stream_options`; only read for streamed calls.
struct StreamOptions {
  /// Ask for a last chunk with empty `choices` and the request's `usage`.
  std::optional<bool> include_usage{};
};

/// The body of `POST /v1/completions`. Every field after `prompt` is optional:
/// an unset (or empty) field is not sent. The SDK does not check ranges;
/// the server does, and its 400 comes back as ErrorCode::BadRequest.
/// There is no `stream` field: Client::stream() sets it.
struct CompletionRequest {
  /// The model to run; must not be empty.
  std::string model{};
  /// The text (or tokens) to complete.
  Prompt prompt{};
  /// Text that comes after the completion (insertion), where supported.
  std::optional<std::string> suffix{};
  /// The most tokens to generate per choice.
  std::optional<std::int64_t> max_tokens{};
  /// Sampling temperature (the gateway accepts 0 to 2).
  std::optional<double> temperature{};
  /// Nucleus sampling: the probability mass to sample from (0 to 1).
  std::optional<double> top_p{};
  /// How many choices to generate.
  std::optional<std::int64_t> n{};
  /// How many most-likely alternatives to return per token.
  std::optional<std::int64_t> logprobs{};
  /// Return the prompt before the completion.
  std::optional<bool> echo{};
  /// Where generation stops (not included in the text).
  std::optional<Stop> stop{};
  /// Penalises tokens that have appeared at all.
  std::optional<double> presence_penalty{};
  /// Penalises tokens by how often they have appeared.
  std::optional<double> frequency_penalty{};
  /// vLLM's multiplicative repetition penalty (> 0).
  std::optional<double> repetition_penalty{};
  /// Generate this many server-side and return the best `n`.
  std::optional<std::int64_t> best_of{};
  /// Token id -> bias (-100 to 100); sent with the ids as string keys.
  std::map<std::int32_t, double> logit_bias{};
  /// An id for the end user, for the provider's abuse monitoring.
  std::optional<std::string> user{};
  /// Sampling seed, for repeatable answers where supported.
  std::optional<std::int64_t> seed{};
  /// Keep generating past the end-of-sequence token (vLLM).
  std::optional<bool> ignore_eos{};
  /// Streaming options; only sent by Client::stream() and stream_async().
  std::optional<StreamOptions> stream_options{};
  /// Raw JSON object text whose members are merged into the body; a member
  /// named like a typed field replaces it. Must be a JSON object.
  std::string extra_body{};
};

/// Why a choice stopped. Typed for the known values; any other string a
/// compatible server sends stays readable through str().
class BUDGATEWAY_EXPORT FinishReason {
 public:
  /// The reasons the SDK knows.
  enum class Kind {
    Stop,           ///< `stop`: a stop sequence or the end of the text.
    Length,         ///< `length`: max_tokens or the context ran out.
    ContentFilter,  ///< `content_filter`: the provider's filter cut it.
    Other,          ///< Anything else; read str().
  };
  ///@{
  /// Shorthands: `*choice.finish_reason == FinishReason::Stop`.
  static constexpr Kind Stop = Kind::Stop;
  static constexpr Kind Length = Kind::Length;
  static constexpr Kind ContentFilter = Kind::ContentFilter;
  static constexpr Kind Other = Kind::Other;
  ///@}

  /// Kind::Other with an empty string.
  FinishReason() = default;
  /// Classifies the server's string ("stop", "length", "content_filter").
  explicit FinishReason(std::string value);

  /// The typed reason; Other for a value the SDK does not know.
  Kind kind() const noexcept { return kind_; }
  /// The string as the server sent it.
  const std::string& str() const noexcept { return value_; }

  ///@{
  /// Compares the kind: `*choice.finish_reason == FinishReason::Stop`.
  friend bool operator==(const FinishReason& a, Kind b) noexcept {
    return a.kind_ == b;
  }
  friend bool operator!=(const FinishReason& a, Kind b) noexcept {
    return a.kind_ != b;
  }
  ///@}
  ///@{
  /// Compares the strings as the server sent them.
  friend bool operator==(const FinishReason& a,
                         const FinishReason& b) noexcept {
    return a.value_ == b.value_;
  }
  friend bool operator!=(const FinishReason& a,
                         const FinishReason& b) noexcept {
    return a.value_ != b.value_;
  }
  ///@}

 private:
  Kind kind_ = Kind::Other;
  std::string value_;
};

/// One of a token's most likely alternatives.
struct TopLogprob {
  /// The alternative token's text.
  std::string token{};
  /// Its log probability.
  double logprob = 0;
  /// Field by field.
  friend bool operator==(const TopLogprob& a, const TopLogprob& b) {
    return a.token == b.token && a.logprob == b.logprob;
  }
};

/// Legacy completions `logprobs`: parallel arrays, one entry per token.
/// A `null` entry (e.g. the first echoed token) is an empty optional or an
/// empty vector.
struct Logprobs {
  /// Each token's text.
  std::vector<std::string> tokens{};
  /// Each token's log probability.
  std::vector<std::optional<double>> token_logprobs{};
  /// Each token's most likely alternatives.
  std::vector<std::vector<TopLogprob>> top_logprobs{};
  /// Each token's character offset in the text (prompt included with echo).
  std::vector<std::int64_t> text_offset{};
  /// Field by field.
  friend bool operator==(const Logprobs& a, const Logprobs& b) {
    return a.tokens == b.tokens && a.token_logprobs == b.token_logprobs &&
           a.top_logprobs == b.top_logprobs && a.text_offset == b.text_offset;
  }
};

/// One generated completion of a response (or its piece, in a chunk).
struct Choice {
  /// The generated text (in a chunk: the next piece of it).
  std::string text{};
  /// Which choice this is, from 0; chunks of one choice share it.
  std::int64_t index = 0;
  /// Absent, null, or of another shape (chat-style): empty.
  std::optional<Logprobs> logprobs{};
  /// Null in stream chunks until the choice ends.
  std::optional<FinishReason> finish_reason{};
};

/// `usage.prompt_tokens_details`, where the server sends it.
struct PromptTokensDetails {
  /// Prompt tokens served from the provider's prompt cache.
  std::optional<std::int64_t> cached_tokens{};
  /// Prompt tokens that were audio.
  std::optional<std::int64_t> audio_tokens{};
};

/// `usage.completion_tokens_details`, where the server sends it.
struct CompletionTokensDetails {
  /// Tokens spent on hidden reasoning.
  std::optional<std::int64_t> reasoning_tokens{};
  /// Generated tokens that were audio.
  std::optional<std::int64_t> audio_tokens{};
  /// Predicted-output tokens that appeared in the completion.
  std::optional<std::int64_t> accepted_prediction_tokens{};
  /// Predicted-output tokens that did not (still billed).
  std::optional<std::int64_t> rejected_prediction_tokens{};
};

/// The tokens a request consumed.
struct Usage {
  /// Tokens in the prompt.
  std::int64_t prompt_tokens = 0;
  /// Tokens generated, over all choices.
  std::int64_t completion_tokens = 0;
  /// Their sum, as the server reports it.
  std::int64_t total_tokens = 0;
  /// A breakdown of the prompt tokens, when sent.
  std::optional<PromptTokensDetails> prompt_tokens_details{};
  /// A breakdown of the completion tokens, when sent.
  std::optional<CompletionTokensDetails> completion_tokens_details{};
};

namespace detail {
struct ResponseAccess;
}  // namespace detail

/// Where the time of a call went, each figure from the call's start (when
/// complete() or the stream's first read began), for the attempt that
/// answered. Connection set-up comes from libcurl's own timer; the others
/// are stamped when the bytes land, before any parsing.
struct Timing {
  /// Waiting for one of the client's connection slots (max_connections).
  std::chrono::microseconds queued{};
  /// The connection was ready (established, or reused at once).
  std::chrono::microseconds connect{};
  /// The response head arrived.
  std::chrono::microseconds first_byte{};
  /// Streams: the bytes of the first chunk with text arrived (zero for a
  /// unary call, or a stream that had none).
  std::chrono::microseconds first_token{};
  /// The call ended: the whole body read (a stream: at its end).
  std::chrono::microseconds total{};
};

/// A completion, and the shape of each streamed chunk.
///
/// @par Thread safety
/// As a plain value type: const access from many threads is safe.
class BUDGATEWAY_EXPORT CompletionResponse {
 public:
  /// The completion's id (`cmpl-...`); chunks of a stream share one.
  std::string id{};
  /// `text_completion`, or a provider's own spelling.
  std::string object{};
  /// Unix seconds when the completion was created.
  std::int64_t created = 0;
  /// The model that answered.
  std::string model{};
  /// The completions; empty in a stream's usage chunk.
  std::vector<Choice> choices{};
  /// Token counts; in a stream, only on the usage chunk.
  std::optional<Usage> usage{};
  /// The backend configuration that answered, where the provider says.
  std::optional<std::string> system_fingerprint{};

  /// The JSON text as received (for a chunk: its `data`), with every member
  /// the typed fields do not cover.
  const std::string& raw_json() const noexcept { return raw_json_; }
  /// The response headers, names lower-cased. Empty on a stream chunk: read
  /// CompletionStream::headers() instead.
  const ResponseHeaders& headers() const noexcept { return headers_; }
  /// Where the call's time went; empty on a stream chunk (read
  /// CompletionStream::timing() instead) and on a value you built yourself.
  const std::optional<Timing>& timing() const noexcept { return timing_; }

 private:
  friend struct detail::ResponseAccess;
  std::string raw_json_;
  ResponseHeaders headers_;
  std::optional<Timing> timing_;
};

/// A streamed chunk has the shape of a completion.
using CompletionChunk = CompletionResponse;

}  // namespace budgateway

#endif  // BUDGATEWAY_COMPLETION_HPP_
