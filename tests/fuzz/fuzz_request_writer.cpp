// Copyright 2026 The budgateway Authors. SPDX-License-Identifier: Apache-2.0
// Round trip of the request writer: builds a CompletionRequest from the fuzz
// bytes, writes it with write_request_json, and predicts independently
// whether that must succeed (every string that is written is valid UTF-8,
// every number finite, extra_body empty or a JSON object without "stream").
// A failure must be InvalidArgument naming the first bad field. A success
// must parse back (simdjson DOM) to an object whose members are, in order,
// the typed fields that were set and not replaced by extra_body, each with
// the value that was set, then extra_body's members with their values, then
// "stream":true for a streamed request.
#include <fuzzer/FuzzedDataProvider.h>

#include <cmath>
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <cstring>
#include <functional>
#include <map>
#include <optional>
#include <set>
#include <string>
#include <string_view>
#include <utility>
#include <variant>
#include <vector>

#include <simdjson.h>

#include "json/request_writer.hpp"

namespace {

namespace dom = simdjson::dom;
using budgateway::CompletionRequest;
using budgateway::ErrorCode;
using budgateway::Prompt;
using budgateway::Stop;
using budgateway::StreamOptions;

void check(bool condition) {
  if (!condition) std::abort();
}

constexpr std::size_t kMaxStringBytes = 48;
constexpr std::size_t kMaxItems = 5;

std::string consume_string(FuzzedDataProvider& in) {
  return in.ConsumeRandomLengthString(kMaxStringBytes);
}

std::vector<std::string> consume_strings(FuzzedDataProvider& in) {
  std::vector<std::string> texts(
      in.ConsumeIntegralInRange<std::size_t>(0, kMaxItems));
  for (std::string& text : texts) text = consume_string(in);
  return texts;
}

Prompt::Tokens consume_tokens(FuzzedDataProvider& in) {
  Prompt::Tokens tokens(in.ConsumeIntegralInRange<std::size_t>(0, kMaxItems));
  for (std::int32_t& token : tokens) token = in.ConsumeIntegral<std::int32_t>();
  return tokens;
}

// Any bit pattern, so NaN, infinities, -0 and subnormals all occur; or a
// small "ordinary" value.
double consume_double(FuzzedDataProvider& in) {
  if (in.ConsumeBool()) {
    const auto bits = in.ConsumeIntegral<std::uint64_t>();
    double value;
    std::memcpy(&value, &bits, sizeof value);
    return value;
  }
  return static_cast<double>(in.ConsumeIntegral<std::int16_t>()) / 8;
}

template <typename T, typename Make>
std::optional<T> maybe(FuzzedDataProvider& in, Make make) {
  if (!in.ConsumeBool()) return std::nullopt;
  return make(in);
}

// A JSON string for a key or value of extra_body, escaped here so that
// the writer's own escaping is not what is tested against itself.
std::string quote(std::string_view text) {
  std::string out = "\"";
  for (const char c : text) {
    const auto byte = static_cast<unsigned char>(c);
    if (c == '"' || c == '\\') {
      out.push_back('\\');
      out.push_back(c);
    } else if (byte < 0x20) {
      constexpr std::string_view kHex = "0123456789abcdef";
      out.append("\\u00");
      out.push_back(kHex[static_cast<std::size_t>(byte >> 4U)]);
      out.push_back(kHex[static_cast<std::size_t>(byte & 0xFU)]);
    } else {
      out.push_back(c);
    }
  }
  out.push_back('"');
  return out;
}

constexpr const char* kFieldNames[] = {"model",
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
                                       "stream"};

constexpr const char* kRawValues[] = {
    "1",          "-0.5e3",
    "true",       "false",
    "null",       "\"x\"",
    "[1,[2,{}]]", "{\"a\":null,\"b\":[\"\\n\"]}",
    " 7 ",        "\"\\u00e9\\ud83d\\ude00\"",
    "1e400",      "[",
    "01"};

// extra_body: empty, arbitrary bytes, or an object put together from field
// names, "stream", fuzzed keys and a few raw values (some invalid).
std::string consume_extra_body(FuzzedDataProvider& in) {
  switch (in.ConsumeIntegralInRange<int>(0, 3)) {
    case 0:
      return {};
    case 1:
      return consume_string(in);
    default: {
      std::string text = in.ConsumeBool() ? "{" : " { ";
      const std::size_t count =
          in.ConsumeIntegralInRange<std::size_t>(0, kMaxItems);
      for (std::size_t i = 0; i < count; ++i) {
        if (i > 0) text.push_back(',');
        if (in.ConsumeBool()) {
          text.append(quote(in.PickValueInArray(kFieldNames)));
        } else {
          text.append(quote(consume_string(in)));
        }
        text.push_back(':');
        if (in.ConsumeBool()) {
          text.append(in.PickValueInArray(kRawValues));
        } else {
          text.append(quote(consume_string(in)));
        }
      }
      text.append(in.ConsumeBool() ? "}" : "}\n");
      return text;
    }
  }
}

CompletionRequest consume_request(FuzzedDataProvider& in) {
  CompletionRequest r;
  r.model = consume_string(in);
  switch (in.ConsumeIntegralInRange<int>(0, 4)) {
    case 0:
      break;  // the default: an empty string
    case 1:
      r.prompt = consume_string(in);
      break;
    case 2:
      r.prompt = consume_strings(in);
      break;
    case 3:
      r.prompt = consume_tokens(in);
      break;
    default: {
      std::vector<Prompt::Tokens> arrays(
          in.ConsumeIntegralInRange<std::size_t>(0, kMaxItems));
      for (Prompt::Tokens& tokens : arrays) tokens = consume_tokens(in);
      r.prompt = std::move(arrays);
    }
  }
  const auto integer = [](FuzzedDataProvider& p) {
    return p.ConsumeIntegral<std::int64_t>();
  };
  const auto real = [](FuzzedDataProvider& p) { return consume_double(p); };
  const auto flag = [](FuzzedDataProvider& p) { return p.ConsumeBool(); };
  const auto text = [](FuzzedDataProvider& p) { return consume_string(p); };
  r.suffix = maybe<std::string>(in, text);
  r.max_tokens = maybe<std::int64_t>(in, integer);
  r.temperature = maybe<double>(in, real);
  r.top_p = maybe<double>(in, real);
  r.n = maybe<std::int64_t>(in, integer);
  r.logprobs = maybe<std::int64_t>(in, integer);
  r.echo = maybe<bool>(in, flag);
  r.stop = maybe<Stop>(in, [](FuzzedDataProvider& p) -> Stop {
    if (p.ConsumeBool()) return consume_string(p);
    return consume_strings(p);
  });
  r.presence_penalty = maybe<double>(in, real);
  r.frequency_penalty = maybe<double>(in, real);
  r.repetition_penalty = maybe<double>(in, real);
  r.best_of = maybe<std::int64_t>(in, integer);
  const std::size_t biases =
      in.ConsumeIntegralInRange<std::size_t>(0, kMaxItems);
  for (std::size_t i = 0; i < biases; ++i) {
    r.logit_bias[in.ConsumeIntegral<std::int32_t>()] = consume_double(in);
  }
  r.user = maybe<std::string>(in, text);
  r.seed = maybe<std::int64_t>(in, integer);
  r.ignore_eos = maybe<bool>(in, flag);
  r.stream_options = maybe<StreamOptions>(in, [](FuzzedDataProvider& p) {
    StreamOptions options;
    if (p.ConsumeBool()) options.include_usage = p.ConsumeBool();
    return options;
  });
  r.extra_body = consume_extra_body(in);
  return r;
}

// ---- the expected body -------------------------------------------------

using Checker = std::function<bool(dom::element)>;

struct Member {
  std::string name;
  Checker value;
};

struct Expected {
  std::vector<Member> members;
  std::optional<std::string> failure;  // the field the error must name
};

bool valid_utf8(const std::string& text) {
  return simdjson::validate_utf8(text.data(), text.size());
}

Checker string_is(std::string expected) {
  return [expected = std::move(expected)](dom::element e) {
    std::string_view text;
    return e.get_string().get(text) == simdjson::SUCCESS && text == expected;
  };
}

Checker integer_is(std::int64_t expected) {
  return [expected](dom::element e) {
    std::int64_t value = 0;
    return e.get_int64().get(value) == simdjson::SUCCESS && value == expected;
  };
}

Checker number_is(double expected) {
  return [expected](dom::element e) {
    double value = 0;
    return e.is_number() && e.get_double().get(value) == simdjson::SUCCESS &&
           value == expected;
  };
}

Checker bool_is(bool expected) {
  return [expected](dom::element e) {
    bool value = false;
    return e.get_bool().get(value) == simdjson::SUCCESS && value == expected;
  };
}

Checker array_is(std::vector<Checker> items) {
  return [items = std::move(items)](dom::element e) {
    dom::array array;
    if (e.get_array().get(array) != simdjson::SUCCESS) return false;
    if (array.size() != items.size()) return false;
    std::size_t i = 0;
    for (const dom::element item : array) {
      if (!items[i++](item)) return false;
    }
    return true;
  };
}

Checker strings_are(const std::vector<std::string>& texts) {
  std::vector<Checker> items;
  for (const std::string& text : texts) items.push_back(string_is(text));
  return array_is(std::move(items));
}

Checker tokens_are(const Prompt::Tokens& tokens) {
  std::vector<Checker> items;
  for (const std::int32_t token : tokens) items.push_back(integer_is(token));
  return array_is(std::move(items));
}

// Two DOM values are equal: same type, same value, members in order.
bool same_json(dom::element a, dom::element b) {
  if (a.type() != b.type()) return false;
  switch (a.type()) {
    case dom::element_type::ARRAY: {
      const dom::array x = a.get_array().value_unsafe();
      const dom::array y = b.get_array().value_unsafe();
      if (x.size() != y.size()) return false;
      auto j = y.begin();
      for (const dom::element item : x) {
        if (!same_json(item, *j)) return false;
        ++j;
      }
      return true;
    }
    case dom::element_type::OBJECT: {
      const dom::object x = a.get_object().value_unsafe();
      const dom::object y = b.get_object().value_unsafe();
      if (x.size() != y.size()) return false;
      auto j = y.begin();
      for (const dom::key_value_pair member : x) {
        if (member.key != j.key() || !same_json(member.value, j.value())) {
          return false;
        }
        ++j;
      }
      return true;
    }
    case dom::element_type::INT64:
      return a.get_int64().value_unsafe() == b.get_int64().value_unsafe();
    case dom::element_type::UINT64:
      return a.get_uint64().value_unsafe() == b.get_uint64().value_unsafe();
    case dom::element_type::DOUBLE:
      return a.get_double().value_unsafe() == b.get_double().value_unsafe();
    case dom::element_type::STRING:
      return a.get_string().value_unsafe() == b.get_string().value_unsafe();
    case dom::element_type::BOOL:
      return a.get_bool().value_unsafe() == b.get_bool().value_unsafe();
    case dom::element_type::NULL_VALUE:
      return true;
  }
  return false;
}

class Predictor {
 public:
  Predictor(std::set<std::string> replaced, Expected& out)
      : replaced_(std::move(replaced)), out_(out) {}

  // Adds the member unless extra_body replaces it; `ok` says whether its
  // value can be written.
  void add(const std::string& name, bool ok, Checker value) {
    if (replaced_.count(name) != 0) return;
    if (!ok && !out_.failure) out_.failure = name;
    out_.members.push_back({name, std::move(value)});
  }
  void text(const std::string& name, const std::optional<std::string>& value) {
    if (value) add(name, valid_utf8(*value), string_is(*value));
  }
  void integer(const std::string& name,
               const std::optional<std::int64_t>& value) {
    if (value) add(name, true, integer_is(*value));
  }
  void number(const std::string& name, const std::optional<double>& value) {
    if (value) add(name, std::isfinite(*value), number_is(*value));
  }
  void boolean(const std::string& name, const std::optional<bool>& value) {
    if (value) add(name, true, bool_is(*value));
  }

 private:
  std::set<std::string> replaced_;
  Expected& out_;
};

bool all_valid(const std::vector<std::string>& texts) {
  for (const std::string& text : texts) {
    if (!valid_utf8(text)) return false;
  }
  return true;
}

Expected predict(const CompletionRequest& r, bool stream,
                 dom::parser& extra_parser) {
  Expected expected;
  std::vector<std::pair<std::string, dom::element>> extra;
  std::set<std::string> replaced;
  if (!r.extra_body.empty()) {
    dom::element root;
    dom::object object;
    if (extra_parser.parse(r.extra_body).get(root) != simdjson::SUCCESS ||
        root.get_object().get(object) != simdjson::SUCCESS) {
      expected.failure = "extra_body";
      return expected;
    }
    for (const dom::key_value_pair member : object) {
      if (member.key == "stream") {
        expected.failure = "extra_body";
        return expected;
      }
      extra.emplace_back(std::string(member.key), member.value);
      replaced.insert(std::string(member.key));
    }
  }

  Predictor p(std::move(replaced), expected);
  p.text("model", r.model);
  const Prompt::Value& prompt = r.prompt.value();
  if (const auto* text = std::get_if<std::string>(&prompt)) {
    p.add("prompt", valid_utf8(*text), string_is(*text));
  } else if (const auto* texts =
                 std::get_if<std::vector<std::string>>(&prompt)) {
    p.add("prompt", all_valid(*texts), strings_are(*texts));
  } else if (const auto* tokens = std::get_if<Prompt::Tokens>(&prompt)) {
    p.add("prompt", true, tokens_are(*tokens));
  } else {
    std::vector<Checker> arrays;
    for (const Prompt::Tokens& each :
         std::get<std::vector<Prompt::Tokens>>(prompt)) {
      arrays.push_back(tokens_are(each));
    }
    p.add("prompt", true, array_is(std::move(arrays)));
  }
  p.text("suffix", r.suffix);
  p.integer("max_tokens", r.max_tokens);
  p.number("temperature", r.temperature);
  p.number("top_p", r.top_p);
  p.integer("n", r.n);
  p.integer("logprobs", r.logprobs);
  p.boolean("echo", r.echo);
  if (r.stop) {
    if (const auto* text = std::get_if<std::string>(&r.stop->value())) {
      p.add("stop", valid_utf8(*text), string_is(*text));
    } else {
      const auto& texts = std::get<std::vector<std::string>>(r.stop->value());
      p.add("stop", all_valid(texts), strings_are(texts));
    }
  }
  p.number("presence_penalty", r.presence_penalty);
  p.number("frequency_penalty", r.frequency_penalty);
  p.number("repetition_penalty", r.repetition_penalty);
  p.integer("best_of", r.best_of);
  if (!r.logit_bias.empty()) {
    bool finite = true;
    for (const auto& entry : r.logit_bias) {
      finite = finite && std::isfinite(entry.second);
    }
    p.add("logit_bias", finite, [biases = r.logit_bias](dom::element e) {
      dom::object object;
      if (e.get_object().get(object) != simdjson::SUCCESS) return false;
      if (object.size() != biases.size()) return false;
      auto entry = biases.begin();
      for (const dom::key_value_pair member : object) {
        if (member.key != std::to_string(entry->first) ||
            !number_is(entry->second)(member.value)) {
          return false;
        }
        ++entry;
      }
      return true;
    });
  }
  p.text("user", r.user);
  p.integer("seed", r.seed);
  p.boolean("ignore_eos", r.ignore_eos);
  if (stream && r.stream_options) {
    const std::optional<bool> include = r.stream_options->include_usage;
    p.add("stream_options", true, [include](dom::element e) {
      dom::object object;
      if (e.get_object().get(object) != simdjson::SUCCESS) return false;
      if (!include) return object.size() == 0;
      bool value = false;
      return object.size() == 1 &&
             object["include_usage"].get_bool().get(value) ==
                 simdjson::SUCCESS &&
             value == *include;
    });
  }
  for (const auto& [key, value] : extra) {
    expected.members.push_back(
        {key, [value = value](dom::element e) { return same_json(e, value); }});
  }
  if (stream) expected.members.push_back({"stream", bool_is(true)});
  return expected;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data,
                                      std::size_t size) {
  FuzzedDataProvider in(data, size);
  const bool stream = in.ConsumeBool();
  const CompletionRequest request = consume_request(in);

  std::string body = "left over from an earlier call";
  const auto error =
      budgateway::detail::write_request_json(request, stream, body);

  dom::parser extra_parser;
  const Expected expected = predict(request, stream, extra_parser);
  if (expected.failure) {
    check(error.has_value());
    check(error->code() == ErrorCode::InvalidArgument);
    check(error->message().rfind(*expected.failure, 0) == 0);
    return 0;
  }
  check(!error.has_value());

  dom::parser parser;
  dom::element root;
  check(parser.parse(body).get(root) == simdjson::SUCCESS);
  dom::object object;
  check(root.get_object().get(object) == simdjson::SUCCESS);
  check(object.size() == expected.members.size());
  std::size_t i = 0;
  for (const dom::key_value_pair member : object) {
    check(member.key == expected.members[i].name);
    check(expected.members[i].value(member.value));
    ++i;
  }
  return 0;
}
