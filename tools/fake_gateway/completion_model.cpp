#include "completion_model.hpp"

#include <simdjson.h>

#include <algorithm>
#include <utility>

#include "json_text.hpp"

namespace fake_gateway {
namespace {

using simdjson::dom::element;

constexpr std::int64_t kMinN = 1;
constexpr std::int64_t kMaxN = 128;
constexpr std::int64_t kMaxLogprobs = 20;
constexpr std::int64_t kNoUpperBound = INT64_MAX;
constexpr std::size_t kMaxChoices = 1024;
constexpr std::string_view kFallbackWord = "tok";
// Token k's log-probability is -(k % 10 + 1) tenths; each lower-ranked
// alternative is one unit (ten tenths) less likely.
constexpr std::int64_t kLogprobCycle = 10;
constexpr std::int64_t kTenthsPerAlternative = 10;
constexpr std::string_view kFilterResults =
    R"({"hate":{"filtered":false,"severity":"safe"},)"
    R"("self_harm":{"filtered":false,"severity":"safe"},)"
    R"("sexual":{"filtered":false,"severity":"safe"},)"
    R"("violence":{"filtered":false,"severity":"safe"}})";

class FieldReader {
 public:
  explicit FieldReader(simdjson::dom::object object) : object_(object) {}

  // A present, non-null member.
  std::optional<element> find(std::string_view key) const {
    element value;
    if (object_.at_key(key).get(value) != simdjson::SUCCESS ||
        value.is_null()) {
      return std::nullopt;
    }
    return value;
  }

  std::optional<std::int64_t> integer(std::string_view key, std::int64_t min,
                                      std::int64_t max) {
    const std::optional<element> value = find(key);
    if (!value) return std::nullopt;
    std::int64_t number = 0;
    if (value->get_int64().get(number) != simdjson::SUCCESS || number < min ||
        number > max) {
      fail(std::string(key) + " must be an integer from " +
           std::to_string(min) +
           (max == kNoUpperBound ? std::string(" up")
                                 : " to " + std::to_string(max)));
      return std::nullopt;
    }
    return number;
  }

  bool boolean(std::string_view key) {
    const std::optional<element> value = find(key);
    if (!value) return false;
    bool flag = false;
    if (value->get_bool().get(flag) != simdjson::SUCCESS) {
      fail(std::string(key) + " must be a boolean");
    }
    return flag;
  }

  void fail(std::string message) {
    if (error_.empty()) error_ = std::move(message);
  }

  const std::string& error() const { return error_; }

 private:
  simdjson::dom::object object_;
  std::string error_;
};

std::optional<std::string> token_prompt(element value) {
  simdjson::dom::array ids;
  if (value.get_array().get(ids) != simdjson::SUCCESS) return std::nullopt;
  std::string text;
  for (element id_value : ids) {
    std::int64_t id = 0;
    if (id_value.get_int64().get(id) != simdjson::SUCCESS) return std::nullopt;
    if (!text.empty()) text += ' ';
    text += std::to_string(id);
  }
  return text;
}

// A string, an array of strings, an array of token ids, or an array of
// token-id arrays; anything else is refused.
std::optional<std::vector<std::string>> read_prompts(element prompt) {
  std::string_view single;
  if (prompt.get_string().get(single) == simdjson::SUCCESS) {
    return std::vector<std::string>{std::string(single)};
  }
  simdjson::dom::array items;
  if (prompt.get_array().get(items) != simdjson::SUCCESS || items.size() == 0) {
    return std::nullopt;
  }
  const element first = items.at(0).value_unsafe();
  if (first.is_int64()) {
    std::optional<std::string> tokens = token_prompt(prompt);
    if (!tokens) return std::nullopt;
    return std::vector<std::string>{std::move(*tokens)};
  }
  std::vector<std::string> prompts;
  for (element item : items) {
    if (first.is_string() &&
        item.get_string().get(single) == simdjson::SUCCESS) {
      prompts.emplace_back(single);
      continue;
    }
    std::optional<std::string> tokens =
        first.is_array() ? token_prompt(item) : std::nullopt;
    if (!tokens) return std::nullopt;
    prompts.push_back(std::move(*tokens));
  }
  return prompts;
}

bool is_space(char c) {
  return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\f' ||
         c == '\v';
}

std::vector<std::string> split_words(std::string_view text) {
  std::vector<std::string> words;
  std::size_t pos = 0;
  while (pos < text.size()) {
    while (pos < text.size() && is_space(text[pos])) ++pos;
    const std::size_t start = pos;
    while (pos < text.size() && !is_space(text[pos])) ++pos;
    if (pos > start) words.emplace_back(text.substr(start, pos - start));
  }
  return words;
}

std::string full_text(const GeneratedChoice& choice) {
  std::string text = choice.echoed_prompt;
  for (const std::string& token : choice.tokens) text += token;
  return text;
}

std::vector<std::size_t> text_offsets(const GeneratedChoice& choice) {
  std::vector<std::size_t> offsets;
  std::size_t offset = choice.echoed_prompt.size();
  for (const std::string& token : choice.tokens) {
    offsets.push_back(offset);
    offset += token.size();
  }
  return offsets;
}

std::int64_t token_tenths(std::size_t token_index) {
  return static_cast<std::int64_t>(token_index) % kLogprobCycle + 1;
}

std::string top_logprobs_object(const std::string& token, std::int64_t tenths,
                                std::int64_t top_count) {
  std::string out = "{";
  for (std::int64_t rank = 0; rank < top_count; ++rank) {
    if (rank > 0) out += ',';
    append_json_string(out,
                       rank == 0 ? token : token + "#" + std::to_string(rank));
    out += ':' + negative_tenths(tenths + rank * kTenthsPerAlternative);
  }
  return out + "}";
}

// The legacy completions logprobs object for tokens [first, last).
std::string legacy_logprobs(const GeneratedChoice& choice,
                            std::int64_t top_count, std::size_t first,
                            std::size_t last) {
  const std::vector<std::size_t> offsets = text_offsets(choice);
  std::string tokens;
  std::string values;
  std::string tops;
  std::string offsets_text;
  for (std::size_t k = first; k < last; ++k) {
    const char* separator = k == first ? "" : ",";
    tokens += separator + json_string(choice.tokens[k]);
    values += separator + negative_tenths(token_tenths(k));
    tops += separator +
            top_logprobs_object(choice.tokens[k], token_tenths(k), top_count);
    offsets_text += separator + std::to_string(offsets[k]);
  }
  return R"({"tokens":[)" + tokens + R"(],"token_logprobs":[)" + values +
         R"(],"top_logprobs":[)" + tops + R"(],"text_offset":[)" +
         offsets_text + "]}";
}

// The chat completions shape, which some servers send on this endpoint too.
std::string chat_logprobs(const GeneratedChoice& choice, std::size_t first,
                          std::size_t last) {
  std::string content;
  for (std::size_t k = first; k < last; ++k) {
    if (k > first) content += ',';
    content += R"({"token":)" + json_string(choice.tokens[k]) +
               R"(,"logprob":)" + negative_tenths(token_tenths(k)) +
               R"(,"top_logprobs":[]})";
  }
  return R"({"content":[)" + content + "]}";
}

// The logprobs value for tokens [first, last), or empty when the answer has
// none.
std::string logprobs_value(const Completion& completion,
                           const RenderOptions& options,
                           const GeneratedChoice& choice, std::size_t first,
                           std::size_t last) {
  if (options.logprob_style == LogprobStyle::kChat) {
    return chat_logprobs(choice, first, last);
  }
  if (!completion.logprobs) return {};
  return legacy_logprobs(choice, *completion.logprobs, first, last);
}

std::string finish_reason(const GeneratedChoice& choice,
                          const RenderOptions& options) {
  return options.finish_reason_override.empty()
             ? choice.finish_reason
             : options.finish_reason_override;
}

std::string header_members(const Completion& completion) {
  return R"("id":)" + json_string(completion.id) +
         R"(,"object":"text_completion","created":)" +
         std::to_string(kCreated) + R"(,"model":)" +
         json_string(completion.model);
}

std::string usage_object(const Completion& completion) {
  return R"({"prompt_tokens":)" + std::to_string(completion.prompt_tokens) +
         R"(,"completion_tokens":)" +
         std::to_string(completion.completion_tokens) + R"(,"total_tokens":)" +
         std::to_string(completion.prompt_tokens +
                        completion.completion_tokens) +
         "}";
}

std::string prompt_filter_results(std::size_t prompt_count) {
  std::string out = "[";
  for (std::size_t p = 0; p < prompt_count; ++p) {
    if (p > 0) out += ',';
    out += R"({"prompt_index":)" + std::to_string(p) +
           R"(,"content_filter_results":)" + std::string(kFilterResults) + "}";
  }
  return out + "]";
}

// Members of one choice object after "text" and "index", in the order each
// flavour's server writes them.
std::string choice_tail(const RenderOptions& options,
                        const std::string& logprobs, const std::string& finish,
                        bool logprobs_key_optional) {
  if (options.flavor == Flavor::kAzure) {
    return R"(,"finish_reason":)" + finish + R"(,"logprobs":)" +
           (logprobs.empty() ? "null" : logprobs) +
           R"(,"content_filter_results":)" + std::string(kFilterResults);
  }
  std::string out;
  if (!logprobs.empty()) {
    out += R"(,"logprobs":)" + logprobs;
  } else if (!logprobs_key_optional) {
    out += R"(,"logprobs":null)";
  }
  out += R"(,"finish_reason":)" + finish;
  if (!logprobs_key_optional) out += R"(,"stop_reason":null)";
  return out;
}

std::string with_extra_member(std::string object, const std::string& extra) {
  if (extra.empty()) return object;
  object.insert(object.size() - 1, "," + extra);
  return object;
}

struct Piece {
  const GeneratedChoice* choice;
  std::string text;
  std::size_t first_token;
  std::size_t last_token;
  bool is_last;
};

std::vector<Piece> choice_pieces(const GeneratedChoice& choice) {
  std::vector<Piece> pieces;
  if (!choice.echoed_prompt.empty()) {
    pieces.push_back({&choice, choice.echoed_prompt, 0, 0, false});
  }
  for (std::size_t k = 0; k < choice.tokens.size(); ++k) {
    pieces.push_back({&choice, choice.tokens[k], k, k + 1, false});
  }
  // A choice with no text still needs a chunk to carry its finish_reason.
  if (pieces.empty()) pieces.push_back({&choice, "", 0, 0, false});
  pieces.back().is_last = true;
  return pieces;
}

std::string chunk_json(const Completion& completion,
                       const RenderOptions& options, const Piece& piece) {
  const std::string logprobs = logprobs_value(
      completion, options, *piece.choice, piece.first_token, piece.last_token);
  const std::string finish =
      piece.is_last ? json_string(finish_reason(*piece.choice, options))
                    : "null";
  return "{" + header_members(completion) + R"(,"choices":[{"text":)" +
         json_string(piece.text) + R"(,"index":)" +
         std::to_string(piece.choice->index) +
         choice_tail(options, logprobs, finish, false) + "}]}";
}

}  // namespace

ParsedInput parse_completion_input(std::string_view body, bool model_required) {
  simdjson::dom::parser parser;
  element root;
  if (parser.parse(body.data(), body.size()).get(root) != simdjson::SUCCESS) {
    return {std::nullopt, "request body is not valid JSON"};
  }
  simdjson::dom::object object;
  if (root.get_object().get(object) != simdjson::SUCCESS) {
    return {std::nullopt, "request body must be a JSON object"};
  }
  FieldReader reader(object);
  CompletionInput input;
  const std::optional<element> model = reader.find("model");
  std::string_view model_text;
  if (model && model->get_string().get(model_text) == simdjson::SUCCESS) {
    input.model = std::string(model_text);
  } else if (model || model_required) {
    reader.fail("model must be a string");
  }
  const std::optional<element> prompt = reader.find("prompt");
  std::optional<std::vector<std::string>> prompts =
      prompt ? read_prompts(*prompt) : std::nullopt;
  if (prompts) {
    input.prompts = std::move(*prompts);
  } else {
    reader.fail(
        "prompt must be a string, an array of strings, an array of token ids "
        "or an array of token-id arrays");
  }
  input.n = reader.integer("n", kMinN, kMaxN).value_or(kMinN);
  input.max_tokens = reader.integer("max_tokens", 0, kNoUpperBound)
                         .value_or(kDefaultMaxTokens);
  input.logprobs = reader.integer("logprobs", 0, kMaxLogprobs);
  input.echo = reader.boolean("echo");
  input.stream = reader.boolean("stream");
  if (input.prompts.size() * static_cast<std::size_t>(input.n) > kMaxChoices) {
    reader.fail("too many choices: prompts times n exceeds " +
                std::to_string(kMaxChoices));
  }
  if (!reader.error().empty()) return {std::nullopt, reader.error()};
  return {std::move(input), {}};
}

Completion generate_completion(const CompletionInput& input, std::string id,
                               std::string model) {
  Completion completion;
  completion.id = std::move(id);
  completion.model = std::move(model);
  completion.logprobs = input.logprobs;
  completion.prompt_count = input.prompts.size();
  const std::int64_t token_count = std::min(input.max_tokens, kAnswerWords);
  const char* finish = input.max_tokens > kAnswerWords ? "stop" : "length";
  std::int64_t index = 0;
  for (const std::string& prompt : input.prompts) {
    std::vector<std::string> words = split_words(prompt);
    completion.prompt_tokens += static_cast<std::int64_t>(words.size());
    if (words.empty()) words.emplace_back(kFallbackWord);
    for (std::int64_t j = 0; j < input.n; ++j) {
      GeneratedChoice choice;
      choice.index = index++;
      if (input.echo) choice.echoed_prompt = prompt;
      const std::string suffix = j == 0 ? "" : "_" + std::to_string(j);
      for (std::int64_t k = 0; k < token_count; ++k) {
        const std::size_t word = static_cast<std::size_t>(k) % words.size();
        choice.tokens.push_back(" " + words[word] + suffix);
      }
      choice.finish_reason = finish;
      completion.completion_tokens += token_count;
      completion.choices.push_back(std::move(choice));
    }
  }
  return completion;
}

std::string render_unary(const Completion& completion,
                         const RenderOptions& options) {
  std::string choices;
  for (const GeneratedChoice& choice : completion.choices) {
    if (!choices.empty()) choices += ',';
    const std::string logprobs =
        logprobs_value(completion, options, choice, 0, choice.tokens.size());
    choices += R"({"text":)" + json_string(full_text(choice)) + R"(,"index":)" +
               std::to_string(choice.index) +
               choice_tail(options, logprobs,
                           json_string(finish_reason(choice, options)), true) +
               "}";
  }
  std::string body = "{" + header_members(completion);
  if (options.flavor == Flavor::kAzure) {
    body += R"(,"prompt_filter_results":)" +
            prompt_filter_results(completion.prompt_count);
  }
  body += R"(,"choices":[)" + choices + R"(],"usage":)" +
          usage_object(completion) + "}";
  return with_extra_member(std::move(body), options.extra_member);
}

ChunkPayloads render_chunks(const Completion& completion,
                            const RenderOptions& options) {
  ChunkPayloads payloads;
  if (options.flavor == Flavor::kAzure) {
    payloads.chunks.push_back(
        R"({"id":"","object":"","created":0,"model":"","prompt_filter_results":)" +
        prompt_filter_results(completion.prompt_count) + R"(,"choices":[]})");
  }
  std::vector<std::vector<Piece>> per_choice;
  std::size_t rounds = 0;
  for (const GeneratedChoice& choice : completion.choices) {
    per_choice.push_back(choice_pieces(choice));
    rounds = std::max(rounds, per_choice.back().size());
  }
  for (std::size_t round = 0; round < rounds; ++round) {
    for (const std::vector<Piece>& pieces : per_choice) {
      if (round < pieces.size()) {
        payloads.chunks.push_back(
            chunk_json(completion, options, pieces[round]));
      }
    }
  }
  payloads.usage = "{" + header_members(completion) +
                   R"(,"choices":[],"usage":)" + usage_object(completion) + "}";
  if (!payloads.chunks.empty()) {
    payloads.chunks.front() = with_extra_member(
        std::move(payloads.chunks.front()), options.extra_member);
  } else {
    payloads.usage =
        with_extra_member(std::move(payloads.usage), options.extra_member);
  }
  return payloads;
}

}  // namespace fake_gateway
