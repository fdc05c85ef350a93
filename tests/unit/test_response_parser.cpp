// Copyright 2026 The budgateway Authors. SPDX-License-Identifier: Apache-2.0
#include "json/response_parser.hpp"
#include "read_chunk.hpp"

#include <array>
#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "catch.hpp"

namespace budgateway::detail {
namespace {

// The canned body of the benchmarks (bench/data/completion.json).
constexpr std::string_view kCompletion =
    R"({"id":"cmpl-8f3b2a","object":"text_completion","created":1699000000,)"
    R"("model":"gpt-3.5-turbo-instruct","choices":[{"text":"\n\nSweet )"
    R"(moments, one scoop at a time.","index":0,"logprobs":null,)"
    R"("finish_reason":"stop"}],"usage":{"prompt_tokens":10,)"
    R"("completion_tokens":12,"total_tokens":22}})";

constexpr std::size_t kBigLogprobTokens = 300;
constexpr std::size_t kTopAlternatives = 3;
constexpr std::size_t kDoubleTextBytes = 32;
constexpr std::size_t kTruncationSlack = 64;
// simdjson's SIMDJSON_PADDING: spare capacity that makes parsing copy-free.
constexpr std::size_t kParserPadding = 64;

CompletionResponse parse_ok(std::string body) {
  ResponseParser parser;
  Result<CompletionResponse> result = parser.parse_completion(std::move(body));
  INFO((result ? std::string() : result.error().to_string()));
  REQUIRE(result.has_value());
  return std::move(*result);
}

Error parse_error(std::string body) {
  ResponseParser parser;
  Result<CompletionResponse> result = parser.parse_completion(std::move(body));
  REQUIRE_FALSE(result.has_value());
  return std::move(result).error();
}

Choice only_choice(std::string choice_json) {
  CompletionResponse response =
      parse_ok(R"({"choices":[)" + std::move(choice_json) + "]}");
  REQUIRE(response.choices.size() == 1);
  return std::move(response.choices[0]);
}

std::string double_text(double value) {
  std::array<char, kDoubleTextBytes> buffer{};
  std::snprintf(buffer.data(), buffer.size(), "%.17g", value);
  return buffer.data();
}

TEST_CASE("the canned completion body fills every field", "[response_parser]") {
  const CompletionResponse response = parse_ok(std::string(kCompletion));
  CHECK(response.id == "cmpl-8f3b2a");
  CHECK(response.object == "text_completion");
  CHECK(response.created == 1699000000);
  CHECK(response.model == "gpt-3.5-turbo-instruct");
  REQUIRE(response.choices.size() == 1);
  const Choice& choice = response.choices[0];
  CHECK(choice.text == "\n\nSweet moments, one scoop at a time.");
  CHECK(choice.index == 0);
  CHECK_FALSE(choice.logprobs.has_value());
  REQUIRE(choice.finish_reason.has_value());
  CHECK(*choice.finish_reason == FinishReason::Stop);
  CHECK(choice.finish_reason->str() == "stop");
  REQUIRE(response.usage.has_value());
  CHECK(response.usage->prompt_tokens == 10);
  CHECK(response.usage->completion_tokens == 12);
  CHECK(response.usage->total_tokens == 22);
  CHECK_FALSE(response.usage->prompt_tokens_details.has_value());
  CHECK_FALSE(response.usage->completion_tokens_details.has_value());
  CHECK_FALSE(response.system_fingerprint.has_value());
  CHECK(response.raw_json() == kCompletion);
}

TEST_CASE("the body is moved into raw_json without a copy",
          "[response_parser]") {
  std::string body(kCompletion);
  body.reserve(body.size() + kParserPadding);
  const char* const data = body.data();
  const CompletionResponse response = parse_ok(std::move(body));
  CHECK(response.raw_json().data() == data);
}

TEST_CASE("usage details and system_fingerprint are read",
          "[response_parser]") {
  const CompletionResponse response = parse_ok(
      R"({"choices":[],"system_fingerprint":"fp_44709d6fcb","usage":{)"
      R"("prompt_tokens":3,"completion_tokens":4,"total_tokens":7,)"
      R"("prompt_tokens_details":{"cached_tokens":2,"audio_tokens":null},)"
      R"("completion_tokens_details":{"reasoning_tokens":1,"audio_tokens":0,)"
      R"("accepted_prediction_tokens":5,"rejected_prediction_tokens":6}}})");
  CHECK(response.system_fingerprint ==
        std::optional<std::string>("fp_44709d6fcb"));
  REQUIRE(response.usage.has_value());
  const Usage& usage = *response.usage;
  CHECK(usage.total_tokens == 7);
  REQUIRE(usage.prompt_tokens_details.has_value());
  CHECK(usage.prompt_tokens_details->cached_tokens ==
        std::optional<std::int64_t>(2));
  CHECK_FALSE(usage.prompt_tokens_details->audio_tokens.has_value());
  REQUIRE(usage.completion_tokens_details.has_value());
  const CompletionTokensDetails& details = *usage.completion_tokens_details;
  CHECK(details.reasoning_tokens == std::optional<std::int64_t>(1));
  CHECK(details.audio_tokens == std::optional<std::int64_t>(0));
  CHECK(details.accepted_prediction_tokens == std::optional<std::int64_t>(5));
  CHECK(details.rejected_prediction_tokens == std::optional<std::int64_t>(6));
}

TEST_CASE("optional usage counts written as floats are read",
          "[response_parser]") {
  // Some servers write every number as a float; a whole count such as 2.0
  // is still the count, and one out of int64's range is absent.
  const CompletionResponse response = parse_ok(
      R"({"choices":[],"usage":{"prompt_tokens":3.0,"completion_tokens":4.0,)"
      R"("total_tokens":7.0,)"
      R"("prompt_tokens_details":{"cached_tokens":2.0,"audio_tokens":1e300},)"
      R"("completion_tokens_details":{"reasoning_tokens":1.0,)"
      R"("audio_tokens":0.0,"accepted_prediction_tokens":5e0,)"
      R"("rejected_prediction_tokens":6.0}}})");
  REQUIRE(response.usage.has_value());
  const Usage& usage = *response.usage;
  CHECK(usage.prompt_tokens == 3);
  CHECK(usage.completion_tokens == 4);
  CHECK(usage.total_tokens == 7);
  REQUIRE(usage.prompt_tokens_details.has_value());
  CHECK(usage.prompt_tokens_details->cached_tokens ==
        std::optional<std::int64_t>(2));
  CHECK_FALSE(usage.prompt_tokens_details->audio_tokens.has_value());
  REQUIRE(usage.completion_tokens_details.has_value());
  const CompletionTokensDetails& details = *usage.completion_tokens_details;
  CHECK(details.reasoning_tokens == std::optional<std::int64_t>(1));
  CHECK(details.audio_tokens == std::optional<std::int64_t>(0));
  CHECK(details.accepted_prediction_tokens == std::optional<std::int64_t>(5));
  CHECK(details.rejected_prediction_tokens == std::optional<std::int64_t>(6));
}

TEST_CASE("legacy logprobs are read, null entries kept as empty",
          "[response_parser]") {
  const Choice choice = only_choice(
      R"({"text":"\nHi","index":0,"finish_reason":"length","logprobs":{)"
      R"("tokens":["\n","Hi"],"token_logprobs":[null,-0.25],)"
      R"("top_logprobs":[null,{"Hi":-0.25,"Hello":-1.5,"\u00e9":-3}],)"
      R"("text_offset":[0,1]}})");
  REQUIRE(choice.logprobs.has_value());
  const Logprobs& logprobs = *choice.logprobs;
  CHECK(logprobs.tokens == std::vector<std::string>{"\n", "Hi"});
  CHECK(logprobs.token_logprobs ==
        std::vector<std::optional<double>>{std::nullopt, -0.25});
  REQUIRE(logprobs.top_logprobs.size() == 2);
  CHECK(logprobs.top_logprobs[0].empty());
  CHECK(logprobs.top_logprobs[1] ==
        std::vector<TopLogprob>{
            {"Hi", -0.25}, {"Hello", -1.5}, {"\xc3\xa9", -3.0}});
  CHECK(logprobs.text_offset == std::vector<std::int64_t>{0, 1});
  CHECK(*choice.finish_reason == FinishReason::Length);
}

TEST_CASE("a large logprobs body is read entry for entry",
          "[response_parser]") {
  Logprobs expected;
  std::string tokens;
  std::string token_logprobs;
  std::string top_logprobs;
  std::string text_offset;
  std::int64_t offset = 0;
  for (std::size_t i = 0; i < kBigLogprobTokens; ++i) {
    const std::string separator = i == 0 ? "" : ",";
    const std::string token =
        "tok" + std::to_string(i) + (i % 7 == 0 ? "\"" : " ");
    expected.tokens.push_back(token);
    tokens += separator + "\"tok" + std::to_string(i) +
              (i % 7 == 0 ? "\\\"" : " ") + "\"";
    const double logprob = -1.0 / static_cast<double>(i + 1) - 0.001;
    const std::string logprob_text = double_text(logprob);
    expected.token_logprobs.emplace_back(
        std::strtod(logprob_text.c_str(), nullptr));
    token_logprobs += separator + logprob_text;
    std::vector<TopLogprob> top;
    std::string top_json = "{";
    for (std::size_t k = kTopAlternatives; k > 0; --k) {
      const std::string alternative = "alt" + std::to_string(k);
      const std::string alternative_logprob =
          double_text(logprob - static_cast<double>(k));
      top.push_back(
          {alternative, std::strtod(alternative_logprob.c_str(), nullptr)});
      top_json += (k == kTopAlternatives ? "\"" : ",\"") + alternative +
                  "\":" + alternative_logprob;
    }
    expected.top_logprobs.push_back(std::move(top));
    top_logprobs += separator + top_json + "}";
    expected.text_offset.push_back(offset);
    text_offset += separator + std::to_string(offset);
    offset += static_cast<std::int64_t>(token.size());
  }
  const Choice choice = only_choice(
      R"({"text":"x","index":3,"logprobs":{"tokens":[)" + tokens +
      R"(],"token_logprobs":[)" + token_logprobs + R"(],"top_logprobs":[)" +
      top_logprobs + R"(],"text_offset":[)" + text_offset +
      R"(]},"finish_reason":"length"})");
  CHECK(choice.index == 3);
  REQUIRE(choice.logprobs.has_value());
  CHECK(choice.logprobs->tokens.size() == kBigLogprobTokens);
  CHECK(*choice.logprobs == expected);
}

TEST_CASE("logprobs of another shape are left empty", "[response_parser]") {
  const std::string logprobs = GENERATE(
      std::string("null"),
      std::string(
          R"({"content":[{"token":"a","logprob":-1,"top_logprobs":[]}]})"),
      std::string("{}"), std::string("[1,2]"), std::string("-1.5"),
      std::string(R"("text")"));
  const Choice choice =
      only_choice(R"({"text":"a","logprobs":)" + logprobs + "}");
  CHECK(choice.text == "a");
  CHECK_FALSE(choice.logprobs.has_value());
}

TEST_CASE("finish_reason: known values typed, others kept, null empty",
          "[response_parser]") {
  CHECK_FALSE(only_choice(R"({"finish_reason":null})").finish_reason);
  CHECK_FALSE(only_choice(R"({"text":"a"})").finish_reason);
  CHECK_FALSE(only_choice(R"({"finish_reason":7})").finish_reason);
  CHECK(*only_choice(R"({"finish_reason":"stop"})").finish_reason ==
        FinishReason::Stop);
  CHECK(*only_choice(R"({"finish_reason":"length"})").finish_reason ==
        FinishReason::Length);
  CHECK(*only_choice(R"({"finish_reason":"content_filter"})").finish_reason ==
        FinishReason::ContentFilter);
  const FinishReason other =
      *only_choice(R"({"finish_reason":"eos_token"})").finish_reason;
  CHECK(other == FinishReason::Other);
  CHECK(other.str() == "eos_token");
}

TEST_CASE("FinishReason keeps the string and types the known values",
          "[response_parser]") {
  CHECK(FinishReason("stop").kind() == FinishReason::Stop);
  CHECK(FinishReason("length").kind() == FinishReason::Length);
  CHECK(FinishReason("content_filter").kind() == FinishReason::ContentFilter);
  CHECK(FinishReason("Stop").kind() == FinishReason::Other);
  CHECK(FinishReason("tool_calls").str() == "tool_calls");
  CHECK(FinishReason("stop") == FinishReason("stop"));
  CHECK(FinishReason("x") != FinishReason("y"));
  CHECK(FinishReason().kind() == FinishReason::Other);
}

TEST_CASE("members other servers add are ignored", "[response_parser]") {
  const CompletionResponse response = parse_ok(
      R"({"id":"cmpl-1","object":"text_completion","created":1,"model":"m",)"
      R"("prompt_filter_results":[{"prompt_index":0,"content_filter_results":)"
      R"({"hate":{"filtered":false,"severity":"safe"}}}],)"
      R"("choices":[{"text":"ok","index":0,"logprobs":null,)"
      R"("finish_reason":"stop","stop_reason":null,"prompt_logprobs":[null,)"
      R"({"1":{"logprob":-1,"rank":1,"decoded_token":"a"}}],)"
      R"("content_filter_results":{"hate":{"filtered":false}},"seed":1,)"
      R"("extra":[[{"deep":[1,{"x":"y"}]}]]}],"warnings":["w"],)"
      R"("service_tier":"default","kv_transfer_params":null,)"
      R"("usage":{"prompt_tokens":1,"completion_tokens":1,"total_tokens":2,)"
      R"("cost":0.5}})");
  REQUIRE(response.choices.size() == 1);
  CHECK(response.choices[0].text == "ok");
  CHECK(response.choices[0].finish_reason->str() == "stop");
  CHECK(response.usage->total_tokens == 2);
  CHECK(response.model == "m");
}

TEST_CASE("absent or odd scalar members are left at their defaults",
          "[response_parser]") {
  SECTION("all absent") {
    const CompletionResponse response = parse_ok(R"({"choices":[{}]})");
    CHECK(response.id.empty());
    CHECK(response.object.empty());
    CHECK(response.created == 0);
    CHECK(response.model.empty());
    CHECK_FALSE(response.usage.has_value());
    REQUIRE(response.choices.size() == 1);
    CHECK(response.choices[0].text.empty());
    CHECK(response.choices[0].index == 0);
  }
  SECTION("created as a float") {
    CHECK(parse_ok(R"({"created":1699000000.75,"choices":[]})").created ==
          1699000000);
  }
  SECTION("created out of range") {
    CHECK(parse_ok(R"({"created":1e300,"choices":[]})").created == 0);
  }
  SECTION("integers too big for int64") {
    const CompletionResponse response = parse_ok(
        R"({"created":99999999999999999999,"choices":[{"index":-99999999999999999999}]})");
    CHECK(response.created == 0);
    CHECK(response.choices[0].index == 0);
  }
  SECTION("usage null") {
    CHECK_FALSE(parse_ok(R"({"choices":[],"usage":null})").usage.has_value());
  }
  SECTION("nulls and wrong types everywhere") {
    const CompletionResponse response =
        parse_ok(R"({"id":null,"object":5,"created":"now","model":[],)"
                 R"("system_fingerprint":null,"choices":[null,{"text":null,)"
                 R"("index":"0"},7]})");
    CHECK(response.id.empty());
    CHECK(response.object.empty());
    CHECK(response.created == 0);
    CHECK(response.model.empty());
    CHECK_FALSE(response.system_fingerprint.has_value());
    REQUIRE(response.choices.size() == 1);
    CHECK(response.choices[0].text.empty());
  }
}

TEST_CASE("several choices keep their order", "[response_parser]") {
  const CompletionResponse response = parse_ok(
      R"({"choices":[{"text":"a","index":1},{"text":"b","index":0}]})");
  REQUIRE(response.choices.size() == 2);
  CHECK(response.choices[0].text == "a");
  CHECK(response.choices[0].index == 1);
  CHECK(response.choices[1].text == "b");
}

TEST_CASE("a body that is not a completion is a Protocol error with the body",
          "[response_parser]") {
  std::string body;
  std::string message;
  SECTION("HTML") {
    body = "<html><body>502 Bad Gateway</body></html>";
    message = "response is not valid JSON";
  }
  SECTION("empty") {
    body = "";
    message = "response is empty";
  }
  SECTION("whitespace") {
    body = " \r\n";
    message = "response is empty";
  }
  SECTION("truncated") {
    body = R"({"choices":[{"text":"a")";
    message = "response is not valid JSON";
  }
  SECTION("trailing content") {
    body = R"({"choices":[]} {"choices":[]})";
    message = "response is not valid JSON";
  }
  SECTION("invalid UTF-8") {
    body = "{\"choices\":[{\"text\":\"\xff\"}]}";
    message = "response is not valid JSON";
  }
  SECTION("a bad escape") {
    body = R"({"choices":[{"text":"\q"}]})";
    message = "response is not valid JSON";
  }
  SECTION("an array") {
    body = "[1,2]";
    message = "response is not a JSON object";
  }
  SECTION("a string") {
    body = R"("hello")";
    message = "response is not a JSON object";
  }
  SECTION("no choices") {
    body = R"({"id":"x"})";
    message = R"(response has no "choices" array)";
  }
  SECTION("choices null") {
    body = R"({"choices":null})";
    message = R"(response has no "choices" array)";
  }
  SECTION("choices an object") {
    body = R"({"choices":{"text":"a"}})";
    message = R"(response has no "choices" array)";
  }
  const Error error = parse_error(body);
  CHECK(error.code() == ErrorCode::Protocol);
  CHECK(error.message().rfind(message, 0) == 0);
  CHECK(error.body() == body);
}

TEST_CASE("a 200 body holding an error is Protocol with the server's words",
          "[response_parser]") {
  const Error error = parse_error(
      R"({"error":{"message":"model overloaded","type":"server_error",)"
      R"("param":null,"code":"overloaded"}})");
  CHECK(error.code() == ErrorCode::Protocol);
  CHECK(
      error.message() ==
      R"(response has no "choices" array; the server said: model overloaded)");
  CHECK(error.type() == "server_error");
  CHECK(error.api_code() == "overloaded");
}

TEST_CASE("one parser reads many bodies, also after a failure",
          "[response_parser]") {
  ResponseParser parser;
  for (int round = 0; round < 3; ++round) {
    CHECK_FALSE(parser.parse_completion("not json").has_value());
    Result<CompletionResponse> result =
        parser.parse_completion(std::string(kCompletion));
    REQUIRE(result.has_value());
    CHECK(result->choices[0].text == "\n\nSweet moments, one scoop at a time.");
    Result<CompletionChunk> chunk = read_chunk(parser, R"({"choices":[]})");
    CHECK(chunk.has_value());
  }
}

TEST_CASE("a stream chunk is read like a completion", "[response_parser]") {
  ResponseParser parser;
  const std::string data =
      R"({"id":"cmpl-s1","object":"text_completion","created":1699000002,)"
      R"("model":"m","choices":[{"text":" was","index":0,"logprobs":null,)"
      R"("finish_reason":null,"stop_reason":null}]})";
  Result<CompletionChunk> chunk = read_chunk(parser, data);
  REQUIRE(chunk.has_value());
  CHECK(chunk->id == "cmpl-s1");
  REQUIRE(chunk->choices.size() == 1);
  CHECK(chunk->choices[0].text == " was");
  CHECK_FALSE(chunk->choices[0].finish_reason.has_value());
  CHECK(chunk->raw_json() == data);
}

TEST_CASE("chunks parsed into one object keep nothing of the last one",
          "[response_parser]") {
  ResponseParser parser;
  CompletionChunk chunk;
  std::string data =
      R"({"id":"a","object":"text_completion","created":7,"model":"m",)"
      R"("system_fingerprint":"fp","usage":{"prompt_tokens":1,)"
      R"("completion_tokens":2,"total_tokens":3},"choices":[)"
      R"({"text":"one","index":0,"finish_reason":"stop","logprobs":)"
      R"({"tokens":["one"],"token_logprobs":[-1],"top_logprobs":[{"one":-1}],)"
      R"("text_offset":[0]}},{"text":"two","index":1}]})";
  const std::string first = data;
  REQUIRE_FALSE(parser.parse_chunk_in_place(data, chunk));
  CHECK(chunk.raw_json() == first);
  // The caller's string gets the chunk's old buffer, emptied.
  CHECK(data.empty());
  REQUIRE(chunk.choices.size() == 2);
  CHECK(chunk.choices[0].logprobs.has_value());

  data = R"({"id":"b","choices":[{"text":"three"}]})";
  const std::string second = data;
  REQUIRE_FALSE(parser.parse_chunk_in_place(data, chunk));
  CHECK(chunk.raw_json() == second);
  CHECK(data.empty());
  CHECK(chunk.id == "b");
  CHECK(chunk.object.empty());
  CHECK(chunk.created == 0);
  CHECK(chunk.model.empty());
  CHECK_FALSE(chunk.system_fingerprint.has_value());
  CHECK_FALSE(chunk.usage.has_value());
  REQUIRE(chunk.choices.size() == 1);
  CHECK(chunk.choices[0].text == "three");
  CHECK(chunk.choices[0].index == 0);
  CHECK_FALSE(chunk.choices[0].logprobs.has_value());
  CHECK_FALSE(chunk.choices[0].finish_reason.has_value());

  // A chunk that is not one leaves the caller's data as it was.
  data = R"({"id":"c"})";
  const auto problem = parser.parse_chunk_in_place(data, chunk);
  REQUIRE(problem);
  CHECK(problem->error.code() == ErrorCode::Protocol);
  CHECK(data == R"({"id":"c"})");
}

TEST_CASE("top_logprobs with a varying number of alternatives are all read",
          "[response_parser]") {
  ResponseParser parser;
  const auto response = parser.parse_completion(
      R"({"choices":[{"text":"abc","logprobs":{"tokens":["a","b","c","d"],)"
      R"("top_logprobs":[{"a":-1},{"b":-1,"x":-2,"y":-3},{"c":-1,"z":-4},)"
      R"({"d":-1,"p":-2,"q":-3,"r":-4,"s":-5}]}}]})");
  REQUIRE(response.has_value());
  const auto& top = response->choices.at(0).logprobs.value().top_logprobs;
  REQUIRE(top.size() == 4);
  CHECK(top[0].size() == 1);
  CHECK(top[1].size() == 3);
  CHECK(top[2].size() == 2);
  REQUIRE(top[3].size() == 5);
  CHECK(top[3][4].token == "s");
  CHECK(top[3][4].logprob == -5);
}

TEST_CASE("the usage chunk with empty choices is valid", "[response_parser]") {
  ResponseParser parser;
  Result<CompletionChunk> chunk = read_chunk(
      parser,
      R"({"id":"c","object":"text_completion","created":1,"model":"m",)"
      R"("choices":[],"usage":{"prompt_tokens":5,"completion_tokens":7,)"
      R"("total_tokens":12}})");
  REQUIRE(chunk.has_value());
  CHECK(chunk->choices.empty());
  REQUIRE(chunk->usage.has_value());
  CHECK(chunk->usage->total_tokens == 12);
}

TEST_CASE("a chunk without choices, or not JSON, is Protocol",
          "[response_parser]") {
  ResponseParser parser;
  Result<CompletionChunk> missing = read_chunk(parser, R"({"id":"x"})");
  REQUIRE_FALSE(missing.has_value());
  CHECK(missing.error().code() == ErrorCode::Protocol);
  CHECK(missing.error().message() == R"(stream chunk has no "choices" array)");
  Result<CompletionChunk> garbage = read_chunk(parser, "{oops");
  REQUIRE_FALSE(garbage.has_value());
  CHECK(garbage.error().code() == ErrorCode::Protocol);
  CHECK(garbage.error().body() == "{oops");
}

TEST_CASE("a chunk with an error object yields the typed error",
          "[response_parser]") {
  ResponseParser parser;
  std::string data;
  ErrorCode code = ErrorCode::Server;
  std::string message;
  std::string type;
  std::string api_code;
  SECTION("rate limited") {
    data = R"({"error":{"message":"slow down","type":"rate_limit_error",)"
           R"("param":"n","code":"rate_limit_exceeded"}})";
    code = ErrorCode::RateLimited;
    message = "slow down";
    type = "rate_limit_error";
    api_code = "rate_limit_exceeded";
  }
  SECTION("server error with an integer code (llama.cpp)") {
    data = R"({"error":{"code":500,"message":"boom","type":"server_error"}})";
    code = ErrorCode::Server;
    message = "boom";
    type = "server_error";
    api_code = "500";
  }
  SECTION("invalid request") {
    data = R"({"error":{"message":"bad","type":"invalid_request_error"}})";
    code = ErrorCode::BadRequest;
    message = "bad";
    type = "invalid_request_error";
  }
  SECTION("no type: Server") {
    data = R"({"choices":[],"error":{"message":"upstream died"}})";
    message = "upstream died";
  }
  SECTION("an error string") {
    data = R"({"error":"Internal error"})";
    message = "Internal error";
  }
  SECTION("an empty error object") {
    data = R"({"error":{}})";
    message = "the server reported an error without a message";
  }
  Result<CompletionChunk> chunk = read_chunk(parser, data);
  REQUIRE_FALSE(chunk.has_value());
  const Error& error = chunk.error();
  CHECK(error.code() == code);
  CHECK(error.message() == message);
  CHECK(error.type() == type);
  CHECK(error.api_code() == api_code);
  CHECK(error.body() == data);
  if (code == ErrorCode::RateLimited) CHECK(error.param() == "n");
}

TEST_CASE("a chunk with error null is an ordinary chunk", "[response_parser]") {
  ResponseParser parser;
  Result<CompletionChunk> chunk =
      read_chunk(parser, R"({"error":null,"choices":[{"text":"a"}]})");
  REQUIRE(chunk.has_value());
  CHECK(chunk->choices[0].text == "a");
}

TEST_CASE("truncate_body keeps short bodies and cuts long ones with a marker",
          "[response_parser]") {
  CHECK(truncate_body("") == "");
  CHECK(truncate_body("short") == "short");
  const std::string exact(kMaxErrorBodyBytes, 'a');
  CHECK(truncate_body(exact) == exact);

  const std::string long_body(kMaxErrorBodyBytes + 1, 'b');
  CHECK(truncate_body(long_body) ==
        std::string(kMaxErrorBodyBytes, 'b') + "...(truncated, 4097 bytes)");
}

TEST_CASE("truncate_body never splits a UTF-8 sequence", "[response_parser]") {
  // Every sequence length: a 4-byte one cut after its first byte leaves
  // three continuation bytes to step back over, one more than a 3-byte one.
  const std::string sequence =
      GENERATE(as<std::string>{}, "\xc3\xa9", "\xe2\x82\xac",
               "\xf0\x9f\x98\x80");  // é, €, U+1F600
  for (std::size_t shift = 0; shift < sequence.size(); ++shift) {
    // The sequence starts `shift` bytes before the limit.
    std::string body(kMaxErrorBodyBytes - shift - 1, 'a');
    body += sequence;
    body += std::string(kTruncationSlack, 'z');
    const std::string cut = truncate_body(body);
    const std::string marker =
        "...(truncated, " + std::to_string(body.size()) + " bytes)";
    CAPTURE(sequence.size(), shift);
    REQUIRE(cut.size() > marker.size());
    CHECK(cut.substr(cut.size() - marker.size()) == marker);
    const std::string kept = cut.substr(0, cut.size() - marker.size());
    CHECK(kept.size() <= kMaxErrorBodyBytes);
    const bool ends_whole =
        kept.size() >= sequence.size() &&
        kept.substr(kept.size() - sequence.size()) == sequence;
    const bool ends_before =
        kept == std::string(body, 0, kMaxErrorBodyBytes - shift - 1);
    CHECK((ends_whole || ends_before));
  }
}

TEST_CASE("parse_api_error reads every error shape", "[response_parser]") {
  struct Case {
    std::string body;
    ApiErrorFields expected;
  };
  const Case c = GENERATE(values<Case>({
      {R"({"error":"model 'x' not found"})",
       {true, "model 'x' not found", "", "", ""}},
      {R"({"error":{"message":"Invalid API key","type":"invalid_request_error","code":401}})",
       {true, "Invalid API key", "invalid_request_error", "", "401"}},
      {R"({"error":{"message":"Quota","type":"insufficient_quota","code":402}})",
       {true, "Quota", "insufficient_quota", "", "402"}},
      {R"({"error":"forbidden","message":"blocked by rule r1"})",
       {true, "blocked by rule r1", "", "", "forbidden"}},
      {R"({"error":{"message":"Rate limit exceeded","type":"rate_limit_error","code":"rate_limit_exceeded"}})",
       {true, "Rate limit exceeded", "rate_limit_error", "",
        "rate_limit_exceeded"}},
      {R"({"error":{"message":"Upstream failed"},"provider_error":{"error":{"message":"inner"}}})",
       {true, "Upstream failed", "", "", ""}},
      {R"({"error":{"message":""},"provider_error":{"error":{"message":"inner","type":"x"}}})",
       {true, "inner", "", "", ""}},
      {R"({"error":{},"provider_error":{"message":"flat inner"}})",
       {true, "flat inner", "", "", ""}},
      {R"({"error":{"type":"t"},"provider_error":"plain inner"})",
       {true, "plain inner", "t", "", ""}},
      {R"({"error":{},"provider_error":{"error":"string inner"}})",
       {true, "string inner", "", "", ""}},
      {R"({"error":{"code":500,"message":"llama failed","type":"server_error"}})",
       {true, "llama failed", "server_error", "", "500"}},
      {R"({"error":{"code":"content_filter","message":"filtered","param":"prompt","status":400,"innererror":{"code":"ResponsibleAIPolicyViolation","content_filter_result":{"hate":{"filtered":true}}}}})",
       {true, "filtered", "", "prompt", "content_filter"}},
      {R"({"object":"error","message":"vllm says no","type":"BadRequestError","param":null,"code":400})",
       {true, "vllm says no", "BadRequestError", "", "400"}},
      {R"({"detail":"Not Found"})", {true, "Not Found", "", "", ""}},
      {R"({"error":null,"message":"flat"})", {true, "flat", "", "", ""}},
      {R"({"unrelated":1})", {true, "", "", "", ""}},
      {R"({"error":{"message":"m","code":4.5e2}})",
       {true, "m", "", "", "4.5e2"}},
      {"<html>502</html>", {false, "", "", "", ""}},
      {"", {false, "", "", "", ""}},
      {"[1]", {false, "", "", "", ""}},
      {R"({"error":"x"} trailing)", {false, "", "", "", ""}},
  }));
  INFO(c.body);
  const ApiErrorFields fields = parse_api_error(c.body);
  CHECK(fields.parsed == c.expected.parsed);
  CHECK(fields.message == c.expected.message);
  CHECK(fields.type == c.expected.type);
  CHECK(fields.param == c.expected.param);
  CHECK(fields.code == c.expected.code);
}

}  // namespace
}  // namespace budgateway::detail
