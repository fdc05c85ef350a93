// Copyright 2026 The budgateway Authors. SPDX-License-Identifier: Apache-2.0
#include "json/request_writer.hpp"

#include <array>
#include <charconv>
#include <cmath>
#include <cstddef>
#include <cstdint>
#include <cstring>
#include <limits>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <variant>
#include <vector>

#include <fmt/compile.h>
#include <fmt/format.h>
#include <simdjson.h>

namespace budgateway::detail {
namespace {

namespace ondemand = simdjson::ondemand;

// Every byte of a 64-bit word set to `byte`.
constexpr std::uint64_t repeat_byte(unsigned char byte) noexcept {
  return std::uint64_t{0x0101010101010101} * byte;
}

constexpr std::uint64_t kEveryByte = repeat_byte(1);
constexpr std::uint64_t kHighBits = repeat_byte(0x80);
constexpr unsigned char kFirstUnescaped = 0x20;  // RFC 8259: below is control
constexpr std::uint64_t kSpaces = repeat_byte(kFirstUnescaped);
constexpr std::uint64_t kQuotes = repeat_byte('"');
constexpr std::uint64_t kBackslashes = repeat_byte('\\');

// The fast path checks two words per step.
constexpr std::size_t kStepBytes = 2 * sizeof(std::uint64_t);

// Non-zero when some byte of `word` is below ' ', '"' or '\'. Each part is
// the classic test (v - c) & ~v & 0x80.. for "some byte of v is below c":
// v = word with c = ' ', and v = word ^ '"' or word ^ '\' with c = 1. They
// share one ~v mask because no constant has a byte's high bit set. Exact as
// to whether any bit is set; bytes >= 0x80 (UTF-8 sequences) never match.
constexpr std::uint64_t escape_bits(std::uint64_t word) noexcept {
  return ((word - kSpaces) | ((word ^ kQuotes) - kEveryByte) |
          ((word ^ kBackslashes) - kEveryByte)) &
         ~word & kHighBits;
}

constexpr bool byte_needs_escape(unsigned char byte) noexcept {
  return byte < kFirstUnescaped || byte == '"' || byte == '\\';
}

constexpr unsigned kNibbleBits = 4;
constexpr unsigned char kNibbleMask = 0x0F;

void append_escape(std::string& out, unsigned char byte) {
  switch (byte) {
    case '"':
      out.append("\\\"");
      return;
    case '\\':
      out.append("\\\\");
      return;
    case '\b':
      out.append("\\b");
      return;
    case '\f':
      out.append("\\f");
      return;
    case '\n':
      out.append("\\n");
      return;
    case '\r':
      out.append("\\r");
      return;
    case '\t':
      out.append("\\t");
      return;
    default: {
      constexpr std::string_view kHexDigits = "0123456789abcdef";
      const std::array<char, 6> escape = {'\\',
                                          'u',
                                          '0',
                                          '0',
                                          kHexDigits[byte >> kNibbleBits],
                                          kHexDigits[byte & kNibbleMask]};
      out.append(escape.data(), escape.size());
    }
  }
}

// Longest shortest-round-trip double: "-2.2250738585072014e-308".
constexpr std::size_t kMaxDoubleChars = 32;
constexpr std::size_t kMaxIntegerChars = 24;

template <typename Integer>
void append_integer(std::string& out, Integer value) {
  std::array<char, kMaxIntegerChars> buffer{};
  const std::to_chars_result result =
      std::to_chars(buffer.data(), buffer.data() + buffer.size(), value);
  out.append(buffer.data(), result.ptr);
}

// The typed members of the body, in the order they are written.
enum class Field : unsigned {
  kModel,
  kPrompt,
  kSuffix,
  kMaxTokens,
  kTemperature,
  kTopP,
  kN,
  kLogprobs,
  kEcho,
  kStop,
  kPresencePenalty,
  kFrequencyPenalty,
  kRepetitionPenalty,
  kBestOf,
  kLogitBias,
  kUser,
  kSeed,
  kIgnoreEos,
  kStreamOptions,
  kCount,
};

constexpr std::size_t kFieldCount = static_cast<std::size_t>(Field::kCount);

constexpr std::array<std::string_view, kFieldCount> kFieldNames = {
    "model",
    "prompt",
    "suffix",
    "max_tokens",
    "temperature",
    "top_p",
    "n",
    "logprobs",
    "echo",
    "stop",
    "presence_penalty",
    "frequency_penalty",
    "repetition_penalty",
    "best_of",
    "logit_bias",
    "user",
    "seed",
    "ignore_eos",
    "stream_options",
};

using FieldMask = std::uint32_t;
static_assert(kFieldCount <= std::numeric_limits<FieldMask>::digits,
              "FieldMask too narrow");

constexpr FieldMask field_bit(Field field) noexcept {
  return FieldMask{1} << static_cast<unsigned>(field);
}

constexpr std::string_view field_name(Field field) noexcept {
  return kFieldNames[static_cast<std::size_t>(field)];
}

constexpr std::string_view kStreamMember = "stream";

Error invalid_argument(std::string message) {
  return Error(ErrorCode::InvalidArgument, std::move(message));
}

// extra_body, validated, split into members whose values stay raw JSON text.
struct ExtraBody {
  simdjson::padded_string text;
  std::vector<std::pair<std::string, std::string_view>> members;
  FieldMask replaced = 0;
};

std::string_view trim_trailing_json_space(std::string_view text) noexcept {
  const std::size_t end = text.find_last_not_of(" \t\r\n");
  return end == std::string_view::npos ? std::string_view()
                                       : text.substr(0, end + 1);
}

simdjson::error_code raw_value_text(ondemand::value& value,
                                    std::string_view& raw) {
  ondemand::json_type type;
  SIMDJSON_TRY(value.type().get(type));
  if (type == ondemand::json_type::object) {
    ondemand::object object;
    SIMDJSON_TRY(value.get_object().get(object));
    return object.raw_json().get(raw);
  }
  if (type == ondemand::json_type::array) {
    ondemand::array array;
    SIMDJSON_TRY(value.get_array().get(array));
    return array.raw_json().get(raw);
  }
  raw = trim_trailing_json_space(value.raw_json_token());
  return simdjson::SUCCESS;
}

simdjson::error_code split_members(const simdjson::padded_string& text,
                                   ExtraBody& extra) {
  ondemand::parser parser;
  ondemand::document document;
  SIMDJSON_TRY(parser.iterate(text).get(document));
  ondemand::object object;
  SIMDJSON_TRY(document.get_object().get(object));
  for (auto member : object) {
    ondemand::field field;
    SIMDJSON_TRY(std::move(member).get(field));
    std::string_view key;
    SIMDJSON_TRY(field.unescaped_key().get(key));
    std::string_view raw;
    SIMDJSON_TRY(raw_value_text(field.value(), raw));
    extra.members.emplace_back(std::string(key), raw);
  }
  return simdjson::SUCCESS;
}

std::optional<Error> parse_extra_body(std::string_view text, ExtraBody& extra) {
  extra.text = simdjson::padded_string(text);
  // The DOM parser validates every value; on-demand, used below to keep the
  // members' raw text, would skip over the ones it is not asked about.
  simdjson::dom::parser validator;
  simdjson::dom::element root;
  if (const auto error = validator.parse(extra.text).get(root)) {
    return invalid_argument(std::string("extra_body is not valid JSON: ") +
                            simdjson::error_message(error));
  }
  if (root.type() != simdjson::dom::element_type::OBJECT) {
    return invalid_argument("extra_body must be a JSON object");
  }
  if (const auto error = split_members(extra.text, extra)) {
    return invalid_argument(std::string("extra_body is not valid JSON: ") +
                            simdjson::error_message(error));
  }
  for (const auto& member : extra.members) {
    if (member.first == kStreamMember) {
      return invalid_argument(
          "extra_body must not set \"stream\": call Client::stream() to "
          "stream");
    }
    for (std::size_t i = 0; i < kFieldCount; ++i) {
      if (kFieldNames[i] == member.first) {
        extra.replaced |= field_bit(static_cast<Field>(i));
      }
    }
  }
  return std::nullopt;
}

// Bytes reserved beyond the variable-length fields: member names and numbers.
constexpr std::size_t kFixedBodyBytes = 384;
// A token id with its comma; a logit_bias entry with its quotes and colon.
constexpr std::size_t kTokenBytes = 12;
constexpr std::size_t kLogitBiasEntryBytes = 36;
constexpr std::size_t kQuotedStringOverhead = 3;

std::size_t prompt_size_estimate(const Prompt& prompt) {
  struct Estimate {
    std::size_t operator()(const std::string& text) const {
      return text.size() + kQuotedStringOverhead;
    }
    std::size_t operator()(const std::vector<std::string>& texts) const {
      std::size_t total = kQuotedStringOverhead;
      for (const std::string& text : texts) total += (*this)(text);
      return total;
    }
    std::size_t operator()(const Prompt::Tokens& tokens) const {
      return tokens.size() * kTokenBytes + kQuotedStringOverhead;
    }
    std::size_t operator()(const std::vector<Prompt::Tokens>& arrays) const {
      std::size_t total = kQuotedStringOverhead;
      for (const Prompt::Tokens& tokens : arrays) total += (*this)(tokens);
      return total;
    }
  };
  return std::visit(Estimate{}, prompt.value());
}

std::size_t stop_size_estimate(const std::optional<Stop>& stop) {
  if (!stop) return 0;
  if (const auto* text = std::get_if<std::string>(&stop->value())) {
    return text->size() + kQuotedStringOverhead;
  }
  std::size_t total = kQuotedStringOverhead;
  for (const std::string& text :
       std::get<std::vector<std::string>>(stop->value())) {
    total += text.size() + kQuotedStringOverhead;
  }
  return total;
}

std::size_t body_size_estimate(const CompletionRequest& request) {
  return kFixedBodyBytes + request.model.size() +
         prompt_size_estimate(request.prompt) +
         (request.suffix ? request.suffix->size() : 0) +
         stop_size_estimate(request.stop) +
         (request.user ? request.user->size() : 0) +
         request.logit_bias.size() * kLogitBiasEntryBytes +
         request.extra_body.size();
}

// Appends members to a body opened with '{'. The first failure is kept and
// every later call does nothing, so the caller checks once at the end.
class BodyWriter {
 public:
  BodyWriter(std::string& out, FieldMask replaced)
      : out_(out), replaced_(replaced) {}

  void string(Field field, const std::string& text) {
    if (begin(field)) append_string(field, text);
  }
  void string(Field field, const std::optional<std::string>& text) {
    if (text) string(field, *text);
  }
  void integer(Field field, const std::optional<std::int64_t>& value) {
    if (value && begin(field)) append_integer(out_, *value);
  }
  void number(Field field, const std::optional<double>& value) {
    if (value && begin(field)) append_number(field, *value);
  }
  void boolean(Field field, const std::optional<bool>& value) {
    if (value && begin(field)) append_bool(*value);
  }

  void prompt(const Prompt& prompt) {
    if (!begin(Field::kPrompt)) return;
    std::visit([this](const auto& value) { append_prompt(value); },
               prompt.value());
  }

  void stop(const std::optional<Stop>& stop) {
    if (!stop || !begin(Field::kStop)) return;
    if (const auto* text = std::get_if<std::string>(&stop->value())) {
      append_string(Field::kStop, *text);
    } else {
      append_strings(Field::kStop,
                     std::get<std::vector<std::string>>(stop->value()));
    }
  }

  void logit_bias(const std::map<std::int32_t, double>& biases) {
    if (biases.empty() || !begin(Field::kLogitBias)) return;
    out_.push_back('{');
    for (const auto& [token, bias] : biases) {
      if (out_.back() != '{') out_.push_back(',');
      out_.push_back('"');
      append_integer(out_, token);
      out_.append("\":");
      append_number(Field::kLogitBias, bias);
    }
    out_.push_back('}');
  }

  void stream_options(const std::optional<StreamOptions>& options) {
    if (!options || !begin(Field::kStreamOptions)) return;
    out_.push_back('{');
    if (options->include_usage) {
      out_.append("\"include_usage\":");
      append_bool(*options->include_usage);
    }
    out_.push_back('}');
  }

  void raw_member(std::string_view key, std::string_view raw_value) {
    if (failed_) return;
    separate();
    // The key came out of simdjson, which checked its UTF-8.
    append_json_string(out_, key);
    out_.push_back(':');
    out_.append(raw_value);
  }

  void stream_flag() {
    if (failed_) return;
    separate();
    out_.append("\"stream\":true");
  }

  std::optional<Error> finish() {
    if (failed_) return std::move(failure_);
    out_.push_back('}');
    return std::nullopt;
  }

 private:
  void separate() {
    if (out_.back() != '{') out_.push_back(',');
  }

  // Writes `"name":` unless the field was replaced by extra_body or a
  // previous field failed; false means the value must not be written.
  bool begin(Field field) {
    if (failed_ || (replaced_ & field_bit(field)) != 0) return false;
    separate();
    out_.push_back('"');
    out_.append(field_name(field));
    out_.append("\":");
    return true;
  }

  void fail(Field field, std::string_view problem) {
    if (failed_) return;
    failed_ = true;
    std::string message(field_name(field));
    message.append(problem);
    failure_ = invalid_argument(std::move(message));
  }

  void append_string(Field field, std::string_view text) {
    if (!failed_ && !append_json_string(out_, text)) {
      fail(field, " is not valid UTF-8");
    }
  }

  void append_strings(Field field, const std::vector<std::string>& texts) {
    out_.push_back('[');
    for (const std::string& text : texts) {
      if (out_.back() != '[') out_.push_back(',');
      append_string(field, text);
    }
    out_.push_back(']');
  }

  void append_number(Field field, double value) {
    if (!failed_ && !append_json_number(out_, value)) {
      fail(field, " is not a finite number");
    }
  }

  void append_bool(bool value) { out_.append(value ? "true" : "false"); }

  void append_tokens(const Prompt::Tokens& tokens) {
    out_.push_back('[');
    for (const std::int32_t token : tokens) {
      if (out_.back() != '[') out_.push_back(',');
      append_integer(out_, token);
    }
    out_.push_back(']');
  }

  void append_prompt(const std::string& text) {
    append_string(Field::kPrompt, text);
  }
  void append_prompt(const std::vector<std::string>& texts) {
    append_strings(Field::kPrompt, texts);
  }
  void append_prompt(const Prompt::Tokens& tokens) { append_tokens(tokens); }
  void append_prompt(const std::vector<Prompt::Tokens>& arrays) {
    out_.push_back('[');
    for (const Prompt::Tokens& tokens : arrays) {
      if (out_.back() != '[') out_.push_back(',');
      append_tokens(tokens);
    }
    out_.push_back(']');
  }

  std::string& out_;
  FieldMask replaced_;
  bool failed_ = false;
  std::optional<Error> failure_;
};

}  // namespace

bool append_json_string(std::string& out, std::string_view text) {
  out.push_back('"');
  // The high bits of every byte seen: ASCII text skips UTF-8 validation.
  std::uint64_t seen = 0;
  const char* const end = text.data() + text.size();
  const char* run = text.data();
  const char* cursor = run;
  while (cursor < end) {
    if (static_cast<std::size_t>(end - cursor) >= kStepBytes) {
      std::uint64_t first;
      std::uint64_t second;
      std::memcpy(&first, cursor, sizeof first);
      std::memcpy(&second, cursor + sizeof first, sizeof second);
      seen |= first | second;
      if ((escape_bits(first) | escape_bits(second)) == 0) {
        cursor += kStepBytes;
        continue;
      }
    }
    const auto byte = static_cast<unsigned char>(*cursor);
    seen |= byte;
    if (byte_needs_escape(byte)) {
      out.append(run, cursor);
      append_escape(out, byte);
      run = cursor + 1;
    }
    ++cursor;
  }
  out.append(run, end);
  out.push_back('"');
  return (seen & kHighBits) == 0 ||
         simdjson::validate_utf8(text.data(), text.size());
}

bool append_json_number(std::string& out, double value) {
  if (!std::isfinite(value)) return false;
  // fmt's shortest round-trip form of a finite double ("0.7", "1", "1e-07",
  // "-1.5e+300") is always in JSON's number grammar.
  std::array<char, kMaxDoubleChars> buffer{};
  const char* const end =
      fmt::format_to(buffer.data(), FMT_COMPILE("{}"), value);
  out.append(buffer.data(), static_cast<std::size_t>(end - buffer.data()));
  return true;
}

std::optional<Error> write_request_json(const CompletionRequest& request,
                                        bool stream, std::string& out) {
  out.clear();
  ExtraBody extra;
  if (!request.extra_body.empty()) {
    if (auto error = parse_extra_body(request.extra_body, extra)) return error;
  }
  out.reserve(body_size_estimate(request));
  out.push_back('{');
  BodyWriter writer(out, extra.replaced);
  writer.string(Field::kModel, request.model);
  writer.prompt(request.prompt);
  writer.string(Field::kSuffix, request.suffix);
  writer.integer(Field::kMaxTokens, request.max_tokens);
  writer.number(Field::kTemperature, request.temperature);
  writer.number(Field::kTopP, request.top_p);
  writer.integer(Field::kN, request.n);
  writer.integer(Field::kLogprobs, request.logprobs);
  writer.boolean(Field::kEcho, request.echo);
  writer.stop(request.stop);
  writer.number(Field::kPresencePenalty, request.presence_penalty);
  writer.number(Field::kFrequencyPenalty, request.frequency_penalty);
  writer.number(Field::kRepetitionPenalty, request.repetition_penalty);
  writer.integer(Field::kBestOf, request.best_of);
  writer.logit_bias(request.logit_bias);
  writer.string(Field::kUser, request.user);
  writer.integer(Field::kSeed, request.seed);
  writer.boolean(Field::kIgnoreEos, request.ignore_eos);
  // vLLM and OpenAI answer 400 to stream_options on a unary request.
  if (stream) writer.stream_options(request.stream_options);
  for (const auto& [key, raw_value] : extra.members) {
    writer.raw_member(key, raw_value);
  }
  if (stream) writer.stream_flag();
  return writer.finish();
}

}  // namespace budgateway::detail
