// The fake model: reads a completion request and produces a deterministic
// answer, rendered as a unary body or as stream chunks.
//
// Every choice's text is built from the words of its prompt, so a test can
// predict it: token k of choice j is " " + word[k % word_count], with "_j"
// appended for j > 0 so that interleaved choices are told apart. The answer
// has at most kAnswerWords tokens: `max_tokens` of them and finish_reason
// "length", or kAnswerWords and "stop" when `max_tokens` is larger.
#pragma once

#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace fake_gateway {

inline constexpr std::int64_t kAnswerWords = 100;
inline constexpr std::int64_t kDefaultMaxTokens = 16;
inline constexpr std::int64_t kCreated = 1699000000;

struct CompletionInput {
  std::string model;
  // One text per prompt; a token-id prompt becomes its ids joined by spaces.
  std::vector<std::string> prompts;
  std::int64_t n = 1;
  std::int64_t max_tokens = kDefaultMaxTokens;
  std::optional<std::int64_t> logprobs;
  bool echo = false;
  bool stream = false;
};

struct ParsedInput {
  std::optional<CompletionInput> input;
  std::string error;  // why the body was refused, when `input` is empty
};

// Reads the fields the fake uses and checks their types the way the gateway
// does. Azure takes the model from the URL, so there `model` may be absent.
ParsedInput parse_completion_input(std::string_view body, bool model_required);

struct GeneratedChoice {
  std::int64_t index = 0;
  std::string echoed_prompt;  // empty unless the request asked for echo
  std::vector<std::string> tokens;
  std::string finish_reason;
};

struct Completion {
  std::string id;
  std::string model;
  std::vector<GeneratedChoice> choices;
  std::optional<std::int64_t> logprobs;
  std::size_t prompt_count = 0;
  std::int64_t prompt_tokens = 0;
  std::int64_t completion_tokens = 0;
};

Completion generate_completion(const CompletionInput& input, std::string id,
                               std::string model);

enum class Flavor { kBud, kAzure };
enum class LogprobStyle { kLegacy, kChat };

struct RenderOptions {
  Flavor flavor = Flavor::kBud;
  LogprobStyle logprob_style = LogprobStyle::kLegacy;
  std::string finish_reason_override;  // empty: the generated reason
  std::string extra_member;  // raw `"name":value` added to the first object
};

std::string render_unary(const Completion& completion,
                         const RenderOptions& options);

struct ChunkPayloads {
  // Azure's prompt-filter chunk first, then the content chunks with the
  // choices interleaved; the last chunk of each choice has finish_reason.
  std::vector<std::string> chunks;
  std::string usage;  // the final `"choices":[]` chunk with usage
};

ChunkPayloads render_chunks(const Completion& completion,
                            const RenderOptions& options);

}  // namespace fake_gateway
