// Copyright 2026 The budgateway Authors. SPDX-License-Identifier: Apache-2.0
#include "json/response_parser.hpp"

#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include <simdjson.h>

namespace budgateway::detail {
namespace {

namespace ondemand = simdjson::ondemand;
using ondemand::json_type;
using ondemand::raw_json_string;
using simdjson::error_code;
using simdjson::SUCCESS;

// A UTF-8 sequence has at most three bytes after its first.
constexpr std::size_t kMaxContinuationBytes = 3;
constexpr unsigned char kContinuationMask = 0xC0;
constexpr unsigned char kContinuationBits = 0x80;

// 2^63: doubles at or beyond it do not fit an int64.
constexpr double kInt64Bound = 9223372036854775808.0;

constexpr std::string_view kJsonSpace = " \t\r\n";

bool is_continuation_byte(char c) noexcept {
  return (static_cast<unsigned char>(c) & kContinuationMask) ==
         kContinuationBits;
}

bool is_blank(std::string_view text) noexcept {
  return text.find_first_not_of(kJsonSpace) == std::string_view::npos;
}

std::string_view trim_trailing_space(std::string_view text) noexcept {
  const std::size_t end = text.find_last_not_of(kJsonSpace);
  return end == std::string_view::npos ? std::string_view()
                                       : text.substr(0, end + 1);
}

error_code type_of(ondemand::value& value, json_type& type) {
  return value.type().get(type);
}

// Lenient readers: each tries its getter directly, and a value of another
// type (INCORRECT_TYPE, which on-demand reports without consuming anything)
// leaves the target at its default. Other errors mean malformed JSON.

error_code other_shape_is_fine(error_code error) noexcept {
  return error == simdjson::INCORRECT_TYPE ? SUCCESS : error;
}

error_code read_string(ondemand::value& value, std::string& out) {
  std::string_view text;
  const error_code error = value.get_string().get(text);
  if (error == SUCCESS) out.assign(text.data(), text.size());
  return other_shape_is_fine(error);
}

// read_string for a member that repeats from chunk to chunk (id, object,
// model): `out` is left alone when it already holds the text, which costs
// a compare instead of a copy. The caller clears `out` when the member is
// absent.
error_code read_same_string(ondemand::value& value, std::string& out,
                            bool& seen) {
  std::string_view text;
  const error_code error = value.get_string().get(text);
  if (error == SUCCESS) {
    seen = true;
    if (std::string_view(out) != text) out.assign(text.data(), text.size());
  }
  return other_shape_is_fine(error);
}

error_code read_optional_string(ondemand::value& value,
                                std::optional<std::string>& out) {
  std::string_view text;
  const error_code error = value.get_string().get(text);
  if (error == SUCCESS) {
    out.emplace(text);
  } else {
    out.reset();
  }
  return other_shape_is_fine(error);
}

// Integers, and also floats such as a `created` of 1699000000.5; true when
// the value was a number that fits.
error_code read_int64(ondemand::value& value, std::int64_t& out, bool& found) {
  found = false;
  std::int64_t integer = 0;
  if (value.get_int64().get(integer) == SUCCESS) {
    out = integer;
    found = true;
    return SUCCESS;
  }
  double real = 0;
  const error_code error = value.get_double().get(real);
  if (error == SUCCESS && real > -kInt64Bound && real < kInt64Bound) {
    out = static_cast<std::int64_t>(real);
    found = true;
  }
  return other_shape_is_fine(error);
}

error_code read_int64(ondemand::value& value, std::int64_t& out) {
  bool found = false;
  return read_int64(value, out, found);
}

error_code read_optional_int64(ondemand::value& value,
                               std::optional<std::int64_t>& out) {
  std::int64_t integer = 0;
  bool found = false;
  SIMDJSON_TRY(read_int64(value, integer, found));
  if (found) {
    out = integer;
  } else {
    out.reset();
  }
  return SUCCESS;
}

error_code read_optional_double(ondemand::value& value,
                                std::optional<double>& out) {
  double real = 0;
  const error_code error = value.get_double().get(real);
  if (error == SUCCESS) {
    out = real;
  } else {
    out.reset();
  }
  return other_shape_is_fine(error);
}

// Calls `on_member(key, value)` for each member; it returns an error_code.
template <typename OnMember>
error_code for_each_field(ondemand::object& object, OnMember&& on_member) {
  for (auto member : object) {
    ondemand::field field;
    SIMDJSON_TRY(std::move(member).get(field));
    SIMDJSON_TRY(on_member(field.key(), field.value()));
  }
  return SUCCESS;
}

// for_each_field when `value` is an object; any other type is skipped.
template <typename OnMember>
error_code for_each_member(ondemand::value& value, OnMember&& on_member) {
  ondemand::object object;
  const error_code error = value.get_object().get(object);
  if (error != SUCCESS) return other_shape_is_fine(error);
  return for_each_field(object, on_member);
}

// Calls `on_element(element)` for each element when `value` is an array and
// sets `is_array`; any other type is skipped.
template <typename OnElement>
error_code for_each_element(ondemand::value& value, bool& is_array,
                            OnElement&& on_element) {
  ondemand::array array;
  const error_code error = value.get_array().get(array);
  if (error != SUCCESS) return other_shape_is_fine(error);
  is_array = true;
  for (auto element : array) {
    ondemand::value item;
    SIMDJSON_TRY(element.get(item));
    SIMDJSON_TRY(on_element(item));
  }
  return SUCCESS;
}

error_code parse_top_logprobs(ondemand::value& value,
                              std::vector<TopLogprob>& out) {
  ondemand::object object;
  const error_code error = value.get_object().get(object);
  if (error != SUCCESS) return other_shape_is_fine(error);
  for (auto member : object) {
    ondemand::field field;
    SIMDJSON_TRY(std::move(member).get(field));
    std::string_view token;
    // Tokens are text such as "\n": unescape them.
    SIMDJSON_TRY(field.unescaped_key().get(token));
    std::optional<double> logprob;
    SIMDJSON_TRY(read_optional_double(field.value(), logprob));
    if (logprob) out.push_back(TopLogprob{std::string(token), *logprob});
  }
  return SUCCESS;
}

// The parallel arrays hold one entry per token: the first one read tells
// the others how much to reserve.
std::size_t token_count(const Logprobs& logprobs) noexcept {
  return std::max({logprobs.tokens.size(), logprobs.token_logprobs.size(),
                   logprobs.top_logprobs.size(), logprobs.text_offset.size()});
}

// Legacy completions logprobs; a chat-style object (`content`) or any other
// shape leaves `out` empty. Entries of another shape keep the arrays parallel.
error_code parse_logprobs(ondemand::value& value,
                          std::optional<Logprobs>& out) {
  Logprobs logprobs;
  bool legacy = false;
  SIMDJSON_TRY(
      for_each_member(value, [&](raw_json_string key, ondemand::value& member) {
        if (key == "tokens") {
          logprobs.tokens.reserve(token_count(logprobs));
          return for_each_element(member, legacy, [&](ondemand::value& item) {
            return read_string(item, logprobs.tokens.emplace_back());
          });
        }
        if (key == "token_logprobs") {
          logprobs.token_logprobs.reserve(token_count(logprobs));
          return for_each_element(member, legacy, [&](ondemand::value& item) {
            return read_optional_double(item,
                                        logprobs.token_logprobs.emplace_back());
          });
        }
        if (key == "top_logprobs") {
          logprobs.top_logprobs.reserve(token_count(logprobs));
          // A token has at most as many alternatives as the request asked for
          // (plus, with some servers, the chosen token): the most seen so far
          // is the best guess for the next one, so its vector is allocated
          // once.
          std::size_t alternatives = 0;
          return for_each_element(member, legacy, [&](ondemand::value& item) {
            std::vector<TopLogprob>& top = logprobs.top_logprobs.emplace_back();
            top.reserve(alternatives);
            const error_code error = parse_top_logprobs(item, top);
            alternatives = std::max(alternatives, top.size());
            return error;
          });
        }
        if (key == "text_offset") {
          logprobs.text_offset.reserve(token_count(logprobs));
          return for_each_element(member, legacy, [&](ondemand::value& item) {
            return read_int64(item, logprobs.text_offset.emplace_back());
          });
        }
        return SUCCESS;
      }));
  if (legacy) {
    out = std::move(logprobs);
  } else {
    out.reset();
  }
  return SUCCESS;
}

error_code parse_finish_reason(ondemand::value& value,
                               std::optional<FinishReason>& out) {
  std::optional<std::string> text;
  SIMDJSON_TRY(read_optional_string(value, text));
  if (text) {
    out.emplace(std::move(*text));
  } else {
    out.reset();
  }
  return SUCCESS;
}

// The first byte of a key: each member below is compared only with the
// names that start like it (a chunk has a dozen keys, read per chunk).
char first_byte(raw_json_string key) noexcept { return key.raw()[0]; }

error_code parse_choice(ondemand::object& object, Choice& choice) {
  return for_each_field(
      object, [&](raw_json_string key, ondemand::value& member) {
        switch (first_byte(key)) {
          case 't':
            if (key == "text") return read_string(member, choice.text);
            break;
          case 'i':
            if (key == "index") return read_int64(member, choice.index);
            break;
          case 'l':
            if (key == "logprobs") {
              return parse_logprobs(member, choice.logprobs);
            }
            break;
          case 'f':
            if (key == "finish_reason") {
              return parse_finish_reason(member, choice.finish_reason);
            }
            break;
          default:
            break;
        }
        return SUCCESS;
      });
}

// The choice after the first `used` of `choices`, reusing one already there
// (a stream parses every chunk into the same response): its text keeps its
// buffer.
Choice& next_choice(std::vector<Choice>& choices, std::size_t& used) {
  if (used == choices.size()) {
    ++used;
    return choices.emplace_back();
  }
  Choice& choice = choices[used++];
  choice.text.clear();
  choice.index = 0;
  choice.logprobs.reset();
  choice.finish_reason.reset();
  return choice;
}

// Parses into the choices after the first `used`; the caller drops the
// ones past `used` at the end.
error_code parse_choices(ondemand::value& value, std::vector<Choice>& choices,
                         std::size_t& used, bool& is_array) {
  return for_each_element(value, is_array, [&](ondemand::value& item) {
    ondemand::object object;
    const error_code error = item.get_object().get(object);
    if (error != SUCCESS) return other_shape_is_fine(error);
    return parse_choice(object, next_choice(choices, used));
  });
}

error_code parse_prompt_details(ondemand::value& value,
                                std::optional<PromptTokensDetails>& out) {
  ondemand::object object;
  const error_code error = value.get_object().get(object);
  if (error != SUCCESS) return other_shape_is_fine(error);
  PromptTokensDetails& details = out.emplace();
  return for_each_field(
      object, [&](raw_json_string key, ondemand::value& member) {
        if (key == "cached_tokens") {
          return read_optional_int64(member, details.cached_tokens);
        }
        if (key == "audio_tokens") {
          return read_optional_int64(member, details.audio_tokens);
        }
        return SUCCESS;
      });
}

error_code parse_completion_details(
    ondemand::value& value, std::optional<CompletionTokensDetails>& out) {
  ondemand::object object;
  const error_code error = value.get_object().get(object);
  if (error != SUCCESS) return other_shape_is_fine(error);
  CompletionTokensDetails& details = out.emplace();
  return for_each_field(object, [&](raw_json_string key,
                                    ondemand::value& member) {
    if (key == "reasoning_tokens") {
      return read_optional_int64(member, details.reasoning_tokens);
    }
    if (key == "audio_tokens") {
      return read_optional_int64(member, details.audio_tokens);
    }
    if (key == "accepted_prediction_tokens") {
      return read_optional_int64(member, details.accepted_prediction_tokens);
    }
    if (key == "rejected_prediction_tokens") {
      return read_optional_int64(member, details.rejected_prediction_tokens);
    }
    return SUCCESS;
  });
}

error_code parse_usage(ondemand::value& value, std::optional<Usage>& out) {
  ondemand::object object;
  const error_code error = value.get_object().get(object);
  if (error != SUCCESS) {
    out.reset();
    return other_shape_is_fine(error);
  }
  Usage& usage = out.emplace();
  return for_each_field(object, [&](raw_json_string key,
                                    ondemand::value& member) {
    if (key == "prompt_tokens") return read_int64(member, usage.prompt_tokens);
    if (key == "completion_tokens") {
      return read_int64(member, usage.completion_tokens);
    }
    if (key == "total_tokens") return read_int64(member, usage.total_tokens);
    if (key == "prompt_tokens_details") {
      return parse_prompt_details(member, usage.prompt_tokens_details);
    }
    if (key == "completion_tokens_details") {
      return parse_completion_details(member, usage.completion_tokens_details);
    }
    return SUCCESS;
  });
}

// An error code as text: a string as is, a number as written ("401").
error_code read_code(ondemand::value& value, std::string& out) {
  json_type type;
  SIMDJSON_TRY(type_of(value, type));
  if (type == json_type::string) return read_string(value, out);
  if (type != json_type::number) return SUCCESS;
  const std::string_view token = trim_trailing_space(value.raw_json_token());
  double checked = 0;
  SIMDJSON_TRY(value.get_double().get(checked));
  out.assign(token.data(), token.size());
  return SUCCESS;
}

// message/type/param/code of one object; members it does not know are
// skipped.
error_code read_error_fields(raw_json_string key, ondemand::value& value,
                             ApiErrorFields& fields) {
  if (key == "message") return read_string(value, fields.message);
  if (key == "type") return read_string(value, fields.type);
  if (key == "param") return read_string(value, fields.param);
  if (key == "code") return read_code(value, fields.code);
  return SUCCESS;
}

// `provider_error` is the upstream's own error body, passed through: a
// string, `{message}`, `{error: "..."}` or `{error: {message}}`.
error_code read_provider_message(ondemand::value& value, std::string& out) {
  json_type type;
  SIMDJSON_TRY(type_of(value, type));
  if (type == json_type::string) return read_string(value, out);
  std::string message;
  std::string nested;
  SIMDJSON_TRY(
      for_each_member(value, [&](raw_json_string key, ondemand::value& member) {
        if (key == "message") return read_string(member, message);
        if (key != "error") return SUCCESS;
        json_type member_type;
        SIMDJSON_TRY(type_of(member, member_type));
        if (member_type == json_type::string) {
          return read_string(member, nested);
        }
        return for_each_member(member, [&](raw_json_string inner_key,
                                           ondemand::value& inner) {
          return inner_key == "message" ? read_string(inner, nested) : SUCCESS;
        });
      }));
  out = message.empty() ? std::move(nested) : std::move(message);
  return SUCCESS;
}

// Collects the members of a top-level object that describe an error, in
// every shape servers use, then settles which one wins.
class ErrorMembers {
 public:
  error_code read(raw_json_string key, ondemand::value& value) {
    if (key == "error") return read_error(value);
    if (key == "provider_error") {
      return read_provider_message(value, provider_message_);
    }
    if (key == "detail") return read_string(value, detail_);
    return read_error_fields(key, value, top_);
  }

  /// A non-null `error` member was seen.
  bool has_error() const noexcept { return has_error_; }

  ApiErrorFields resolve() && {
    ApiErrorFields fields;
    if (error_is_object_) {
      fields = std::move(error_object_);
      fields.message = first_non_empty(std::move(fields.message),
                                       std::move(provider_message_),
                                       std::move(top_.message));
      if (fields.type.empty()) fields.type = std::move(top_.type);
      if (fields.param.empty()) fields.param = std::move(top_.param);
      if (fields.code.empty()) fields.code = std::move(top_.code);
    } else if (has_error_ && !top_.message.empty()) {
      // {"error":"forbidden","message":"<why>"}: the string is a code.
      fields = std::move(top_);
      if (fields.code.empty()) fields.code = std::move(error_text_);
    } else {
      fields = std::move(top_);
      fields.message =
          first_non_empty(std::move(error_text_), std::move(provider_message_),
                          std::move(fields.message));
    }
    if (fields.message.empty()) fields.message = std::move(detail_);
    return fields;
  }

 private:
  static std::string first_non_empty(std::string a, std::string b,
                                     std::string c) {
    if (!a.empty()) return a;
    if (!b.empty()) return b;
    return c;
  }

  error_code read_error(ondemand::value& value) {
    json_type type;
    SIMDJSON_TRY(type_of(value, type));
    if (type == json_type::string) {
      has_error_ = true;
      return read_string(value, error_text_);
    }
    if (type != json_type::object) return SUCCESS;
    has_error_ = true;
    error_is_object_ = true;
    return for_each_member(
        value, [&](raw_json_string key, ondemand::value& member) {
          return read_error_fields(key, member, error_object_);
        });
  }

  bool has_error_ = false;
  bool error_is_object_ = false;
  std::string error_text_;
  ApiErrorFields error_object_;
  ApiErrorFields top_;
  std::string provider_message_;
  std::string detail_;
};

// The members of a response being read; those that describe an error are
// collected only when one appears (most bodies have none).
struct ResponseMembers {
  CompletionResponse& response;
  std::size_t choices_used = 0;
  bool has_choices = false;
  bool has_id = false;
  bool has_object = false;
  bool has_model = false;
  std::optional<ErrorMembers> errors{};

  bool has_error() const noexcept { return errors && errors->has_error(); }
  ApiErrorFields resolve_errors() && {
    return errors ? std::move(*errors).resolve() : ApiErrorFields{};
  }
};

error_code parse_response_member(raw_json_string key, ondemand::value& value,
                                 ResponseMembers& members) {
  CompletionResponse& response = members.response;
  switch (first_byte(key)) {
    case 'c':
      if (key == "choices") {
        return parse_choices(value, response.choices, members.choices_used,
                             members.has_choices);
      }
      if (key == "created") return read_int64(value, response.created);
      break;
    case 'i':
      if (key == "id")
        return read_same_string(value, response.id, members.has_id);
      break;
    case 'o':
      if (key == "object") {
        return read_same_string(value, response.object, members.has_object);
      }
      break;
    case 'm':
      if (key == "model") {
        return read_same_string(value, response.model, members.has_model);
      }
      break;
    case 'u':
      if (key == "usage") return parse_usage(value, response.usage);
      break;
    case 's':
      if (key == "system_fingerprint") {
        return read_optional_string(value, response.system_fingerprint);
      }
      break;
    default:
      break;
  }
  // Any other member may describe an error ("error", "message", "detail",
  // ...), which the error members sort out.
  if (!members.errors) members.errors.emplace();
  return members.errors->read(key, value);
}

// The end of the document, or the error for what follows the root value.
error_code check_at_end(ondemand::document& document) {
  const char* trailing = nullptr;
  const error_code error = document.current_location().get(trailing);
  return error == simdjson::OUT_OF_BOUNDS ? SUCCESS
                                          : simdjson::TRAILING_CONTENT;
}

// Walks `document`'s root object; `is_object` is false for another root.
template <typename OnMember>
error_code for_each_root_member(ondemand::document& document, bool& is_object,
                                OnMember&& on_member) {
  json_type type;
  SIMDJSON_TRY(document.type().get(type));
  if (type != json_type::object) {
    is_object = false;
    return SUCCESS;
  }
  ondemand::object object;
  SIMDJSON_TRY(document.get_object().get(object));
  for (auto member : object) {
    ondemand::field field;
    SIMDJSON_TRY(std::move(member).get(field));
    SIMDJSON_TRY(on_member(field.key(), field.value()));
  }
  return check_at_end(document);
}

ErrorInfo protocol_info(std::string message, std::string_view body) {
  ErrorInfo info;
  info.code = ErrorCode::Protocol;
  info.message = std::move(message);
  info.body = truncate_body(body);
  return info;
}

Error protocol_error(std::string message, std::string_view body) {
  return Error(protocol_info(std::move(message), body));
}

}  // namespace

std::string truncate_body(std::string_view body) {
  if (body.size() <= kMaxErrorBodyBytes) return std::string(body);
  std::size_t cut = kMaxErrorBodyBytes;
  for (std::size_t back = 0;
       back < kMaxContinuationBytes && is_continuation_byte(body[cut]);
       ++back) {
    --cut;
  }
  std::string out(body.substr(0, cut));
  out.append("...(truncated, ");
  out.append(std::to_string(body.size()));
  out.append(" bytes)");
  return out;
}

struct ResponseParser::Impl {
  ondemand::parser parser;

  Result<CompletionResponse> parse(std::string body, std::string_view what) {
    CompletionResponse response;
    if (auto error = parse_into(body, what, false, response)) {
      return *std::move(error);
    }
    ResponseAccess::raw_json(response) = std::move(body);
    return response;
  }

  // Fills `response`, whose strings and vectors keep their capacity, so a
  // stream that parses every chunk into the same object stops allocating
  // for them.
  std::optional<Error> parse_into(std::string& body, std::string_view what,
                                  bool errors_are_typed,
                                  CompletionResponse& response) {
    // Padding goes into the string's own capacity, so parsing needs no copy.
    body.reserve(body.size() + simdjson::SIMDJSON_PADDING);
    response.created = 0;
    response.usage.reset();
    response.system_fingerprint.reset();
    ResponseMembers members{response};
    bool is_object = true;
    const error_code error = parse_members(
        body, is_object, [&](raw_json_string key, ondemand::value& value) {
          return parse_response_member(key, value, members);
        });
    // What an earlier chunk left that this one did not overwrite.
    response.choices.resize(members.choices_used);
    if (!members.has_id) response.id.clear();
    if (!members.has_object) response.object.clear();
    if (!members.has_model) response.model.clear();
    if (error != SUCCESS) {
      if (is_blank(body)) {
        return protocol_error(std::string(what) + " is empty", body);
      }
      return protocol_error(std::string(what) + " is not valid JSON: " +
                                simdjson::error_message(error),
                            body);
    }
    if (!is_object) {
      return protocol_error(std::string(what) + " is not a JSON object", body);
    }
    if (errors_are_typed && members.has_error()) {
      return server_reported_error(std::move(members).resolve_errors(), body);
    }
    if (!members.has_choices) {
      return missing_choices(what, std::move(members).resolve_errors(), body);
    }
    return std::nullopt;
  }

  // `body` must have SIMDJSON_PADDING spare bytes of capacity.
  template <typename OnMember>
  error_code parse_members(const std::string& body, bool& is_object,
                           OnMember&& on_member) {
    ondemand::document document;
    SIMDJSON_TRY(parser.iterate(body.data(), body.size(), body.capacity())
                     .get(document));
    return for_each_root_member(document, is_object, on_member);
  }

  // The code stays Server here: mapping a server's type/code to an
  // ErrorCode is the caller's (error_mapping), not the parser's.
  static Error server_reported_error(ApiErrorFields fields,
                                     std::string_view body) {
    ErrorInfo info;
    info.code = ErrorCode::Server;
    info.message = fields.message.empty()
                       ? "the server reported an error without a message"
                       : std::move(fields.message);
    info.type = std::move(fields.type);
    info.param = std::move(fields.param);
    info.api_code = std::move(fields.code);
    info.body = truncate_body(body);
    return Error(std::move(info));
  }

  static Error missing_choices(std::string_view what, ApiErrorFields fields,
                               std::string_view body) {
    std::string message(what);
    message.append(" has no \"choices\" array");
    if (!fields.message.empty()) {
      message.append("; the server said: ");
      message.append(fields.message);
    }
    ErrorInfo info = protocol_info(std::move(message), body);
    info.type = std::move(fields.type);
    info.param = std::move(fields.param);
    info.api_code = std::move(fields.code);
    return Error(std::move(info));
  }
};

static_assert(kJsonPadding >= simdjson::SIMDJSON_PADDING,
              "kJsonPadding must cover simdjson's padding");

ResponseParser::ResponseParser() : impl_(std::make_unique<Impl>()) {}

ResponseParser& ResponseParser::for_this_thread() {
  thread_local ResponseParser parser;
  return parser;
}

ResponseParser::~ResponseParser() = default;

Result<CompletionResponse> ResponseParser::parse_completion(std::string body) {
  return impl_->parse(std::move(body), "response");
}

std::optional<ChunkProblem> ResponseParser::parse_chunk(std::string data,
                                                        CompletionChunk& out) {
  return parse_chunk_in_place(data, out);
}

std::optional<ChunkProblem> ResponseParser::parse_chunk_in_place(
    std::string& data, CompletionChunk& out) {
  // A reported error is told apart from a malformed chunk by its code: the
  // parser leaves a reported error's code at Server, and says which it was.
  auto error = impl_->parse_into(data, "stream chunk", true, out);
  if (!error) {
    std::string& raw_json = ResponseAccess::raw_json(out);
    raw_json.swap(data);
    data.clear();
    return std::nullopt;
  }
  const bool reported = error->code() != ErrorCode::Protocol;
  return ChunkProblem{reported, *std::move(error)};
}

ApiErrorFields parse_api_error(std::string_view body) {
  const simdjson::padded_string padded(body);
  ondemand::parser parser;
  ondemand::document document;
  ErrorMembers members;
  bool is_object = true;
  if (parser.iterate(padded).get(document) != SUCCESS) return {};
  const error_code error = for_each_root_member(
      document, is_object, [&](raw_json_string key, ondemand::value& value) {
        return members.read(key, value);
      });
  if (error != SUCCESS || !is_object) return {};
  ApiErrorFields fields = std::move(members).resolve();
  fields.parsed = true;
  return fields;
}

}  // namespace budgateway::detail
