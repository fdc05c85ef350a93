// Copyright 2026 The budgateway Authors. SPDX-License-Identifier: Apache-2.0
// Feeds the input to ResponseParser::parse_completion and parse_chunk.
// Neither may crash; a success keeps the input byte for byte in raw_json();
// a chunk that parses parses as a completion too, to the same fields (the
// chunk object is reused across inputs, as a stream reuses it); a failure is
// typed as the parser promises and keeps a truncated copy of the body. A
// document that simdjson's DOM parser accepts as an object with a
// "choices" array must parse.
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <optional>
#include <string>
#include <string_view>

#include <simdjson.h>

#include "json/response_parser.hpp"

namespace {

using budgateway::CompletionChunk;
using budgateway::CompletionResponse;
using budgateway::ErrorCode;
using budgateway::detail::kMaxErrorBodyBytes;
using budgateway::detail::ResponseParser;

void check(bool condition) {
  if (!condition) std::abort();
}

bool same_usage(const std::optional<budgateway::Usage>& a,
                const std::optional<budgateway::Usage>& b) {
  if (a.has_value() != b.has_value()) return false;
  if (!a) return true;
  const auto same_prompt = [](const auto& x, const auto& y) {
    if (x.has_value() != y.has_value()) return false;
    return !x || (x->cached_tokens == y->cached_tokens &&
                  x->audio_tokens == y->audio_tokens);
  };
  const auto same_completion = [](const auto& x, const auto& y) {
    if (x.has_value() != y.has_value()) return false;
    return !x ||
           (x->reasoning_tokens == y->reasoning_tokens &&
            x->audio_tokens == y->audio_tokens &&
            x->accepted_prediction_tokens == y->accepted_prediction_tokens &&
            x->rejected_prediction_tokens == y->rejected_prediction_tokens);
  };
  return a->prompt_tokens == b->prompt_tokens &&
         a->completion_tokens == b->completion_tokens &&
         a->total_tokens == b->total_tokens &&
         same_prompt(a->prompt_tokens_details, b->prompt_tokens_details) &&
         same_completion(a->completion_tokens_details,
                         b->completion_tokens_details);
}

bool same_choices(const CompletionResponse& a, const CompletionResponse& b) {
  if (a.choices.size() != b.choices.size()) return false;
  for (std::size_t i = 0; i < a.choices.size(); ++i) {
    const budgateway::Choice& x = a.choices[i];
    const budgateway::Choice& y = b.choices[i];
    if (x.text != y.text || x.index != y.index || !(x.logprobs == y.logprobs) ||
        x.finish_reason.has_value() != y.finish_reason.has_value()) {
      return false;
    }
    if (x.finish_reason &&
        (*x.finish_reason != *y.finish_reason ||
         x.finish_reason->kind() != y.finish_reason->kind())) {
      return false;
    }
  }
  return true;
}

bool same_response(const CompletionResponse& a, const CompletionResponse& b) {
  return a.id == b.id && a.object == b.object && a.created == b.created &&
         a.model == b.model && a.system_fingerprint == b.system_fingerprint &&
         same_choices(a, b) && same_usage(a.usage, b.usage) &&
         a.raw_json() == b.raw_json();
}

bool is_continuation_byte(char c) {
  return (static_cast<unsigned char>(c) & 0xC0U) == 0x80U;
}

// An error keeps the body whole up to kMaxErrorBodyBytes; past that, a cut
// at most three bytes earlier (not inside a UTF-8 sequence) and a marker.
void check_error_body(const std::string& kept, std::string_view input) {
  if (input.size() <= kMaxErrorBodyBytes) {
    check(kept == input);
    return;
  }
  const std::string marker =
      "...(truncated, " + std::to_string(input.size()) + " bytes)";
  check(kept.size() > marker.size());
  const std::size_t cut = kept.size() - marker.size();
  check(kept.compare(cut, std::string::npos, marker) == 0);
  check(cut <= kMaxErrorBodyBytes && cut + 3 >= kMaxErrorBodyBytes);
  check(input.compare(0, cut, kept, 0, cut) == 0);
  check(cut + 3 == kMaxErrorBodyBytes || !is_continuation_byte(input[cut]));
}

// What the DOM parser says of the input, where it accepts it. Keys are
// compared unescaped here and raw by the parser, so a document with a \u
// escape anywhere is not judged.
struct Expectation {
  bool judged = false;
  bool has_choices_array = false;
  bool has_error = false;  // an "error" member that is a string or object
};

Expectation expect(std::string_view input) {
  Expectation result;
  if (input.find("\\u") != std::string_view::npos) return result;
  simdjson::dom::parser parser;
  simdjson::dom::element root;
  if (parser.parse(input.data(), input.size()).get(root) != simdjson::SUCCESS) {
    return result;
  }
  simdjson::dom::object object;
  if (root.get_object().get(object) != simdjson::SUCCESS) return result;
  result.judged = true;
  for (const auto field : object) {
    if (field.key == "choices" && field.value.is_array()) {
      result.has_choices_array = true;
    }
    if (field.key == "error" &&
        (field.value.is_string() || field.value.is_object())) {
      result.has_error = true;
    }
  }
  return result;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data,
                                      std::size_t size) {
  const std::string input(reinterpret_cast<const char*>(data), size);
  // One parser and one chunk for every input, as one stream uses them.
  static ResponseParser parser;
  static CompletionChunk chunk;

  const auto completion = parser.parse_completion(input);
  if (completion) {
    check(completion->raw_json() == input);
    check(completion->headers().empty());
  } else {
    check(completion.error().code() == ErrorCode::Protocol);
    check(!completion.error().message().empty());
    check_error_body(completion.error().body(), input);
  }

  const auto problem = parser.parse_chunk(input, chunk);
  if (!problem) {
    check(chunk.raw_json() == input);
    check(completion.has_value());
    check(same_response(chunk, *completion));
  } else {
    check(problem->server_reported ==
          (problem->error.code() != ErrorCode::Protocol));
    if (problem->server_reported) {
      check(problem->error.code() == ErrorCode::Server);
    }
    check(!problem->error.message().empty());
    check_error_body(problem->error.body(), input);
  }

  const Expectation expected = expect(input);
  if (expected.judged) {
    check(completion.has_value() == expected.has_choices_array);
    check(!problem == (expected.has_choices_array && !expected.has_error));
    if (problem) {
      check(problem->server_reported == expected.has_error);
    }
  }
  return 0;
}
