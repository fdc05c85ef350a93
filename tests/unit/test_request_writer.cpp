// Copyright 2026 The budgateway Authors. SPDX-License-Identifier: Apache-2.0
#include "json/request_writer.hpp"

#include <cmath>
#include <cstdint>
#include <cstdlib>
#include <cstring>
#include <limits>
#include <optional>
#include <random>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "catch.hpp"

namespace budgateway::detail {
namespace {

constexpr double kInfinity = std::numeric_limits<double>::infinity();
constexpr double kNaN = std::numeric_limits<double>::quiet_NaN();
constexpr int kRandomDoubles = 20000;
constexpr int kRandomStrings = 2000;
constexpr std::size_t kMaxRandomPieces = 64;
constexpr std::uint64_t kRandomSeed = 20260101;
constexpr std::size_t kLongRun = 40;
constexpr unsigned char kFirstPrintable = 0x20;

CompletionRequest minimal_request() {
  CompletionRequest request;
  request.model = "m";
  request.prompt = "p";
  return request;
}

std::string body_of(const CompletionRequest& request, bool stream = false) {
  std::string out;
  const std::optional<Error> error = write_request_json(request, stream, out);
  INFO((error ? error->message() : std::string()));
  REQUIRE_FALSE(error.has_value());
  return out;
}

Error error_of(const CompletionRequest& request, bool stream = false) {
  std::string out;
  std::optional<Error> error = write_request_json(request, stream, out);
  REQUIRE(error.has_value());
  return std::move(*error);
}

std::string json_string(std::string_view text) {
  std::string out;
  REQUIRE(append_json_string(out, text));
  return out;
}

std::string json_number(double value) {
  std::string out;
  REQUIRE(append_json_number(out, value));
  return out;
}

bool is_digit(char c) { return c >= '0' && c <= '9'; }

// RFC 8259 section 6: -? (0 | [1-9][0-9]*) (. [0-9]+)? ([eE] [+-]? [0-9]+)?
bool is_json_number(std::string_view text) {
  std::size_t i = 0;
  const auto digits = [&] {
    const std::size_t start = i;
    while (i < text.size() && is_digit(text[i])) ++i;
    return i > start;
  };
  if (i < text.size() && text[i] == '-') ++i;
  if (i < text.size() && text[i] == '0') {
    ++i;
  } else if (!digits()) {
    return false;
  }
  if (i < text.size() && text[i] == '.') {
    ++i;
    if (!digits()) return false;
  }
  if (i < text.size() && (text[i] == 'e' || text[i] == 'E')) {
    ++i;
    if (i < text.size() && (text[i] == '+' || text[i] == '-')) ++i;
    if (!digits()) return false;
  }
  return i == text.size();
}

TEST_CASE("model and prompt are always written, unset fields never",
          "[request_writer]") {
  CHECK(body_of(minimal_request()) == R"({"model":"m","prompt":"p"})");
  CompletionRequest empty;
  CHECK(body_of(empty) == R"({"model":"","prompt":""})");
}

TEST_CASE("every field is written in declaration order with its JSON name",
          "[request_writer]") {
  CompletionRequest request = minimal_request();
  request.suffix = "s";
  request.max_tokens = 50;
  request.temperature = 0.7;
  request.top_p = 0.9;
  request.n = 2;
  request.logprobs = 3;
  request.echo = true;
  request.stop = "\n";
  request.presence_penalty = 0.5;
  request.frequency_penalty = -0.5;
  request.repetition_penalty = 1.1;
  request.best_of = 4;
  request.logit_bias = {{50256, -100.0}, {13, 2.5}};
  request.user = "u";
  request.seed = 42;
  request.ignore_eos = false;
  request.stream_options = StreamOptions{true};
  CHECK(body_of(request, true) ==
        R"({"model":"m","prompt":"p","suffix":"s","max_tokens":50,)"
        R"("temperature":0.7,"top_p":0.9,"n":2,"logprobs":3,"echo":true,)"
        R"("stop":"\n","presence_penalty":0.5,"frequency_penalty":-0.5,)"
        R"("repetition_penalty":1.1,"best_of":4,)"
        R"("logit_bias":{"13":2.5,"50256":-100},"user":"u","seed":42,)"
        R"("ignore_eos":false,"stream_options":{"include_usage":true},)"
        R"("stream":true})");
}

TEST_CASE("each optional field alone is written after model and prompt",
          "[request_writer]") {
  CompletionRequest request = minimal_request();
  std::string expected;
  SECTION("suffix") {
    request.suffix = "end";
    expected = R"("suffix":"end")";
  }
  SECTION("max_tokens") {
    request.max_tokens = 16;
    expected = R"("max_tokens":16)";
  }
  SECTION("temperature") {
    request.temperature = 0.0;
    expected = R"("temperature":0)";
  }
  SECTION("top_p") {
    request.top_p = 1.0;
    expected = R"("top_p":1)";
  }
  SECTION("n") {
    request.n = 1;
    expected = R"("n":1)";
  }
  SECTION("logprobs") {
    request.logprobs = 0;
    expected = R"("logprobs":0)";
  }
  SECTION("echo") {
    request.echo = false;
    expected = R"("echo":false)";
  }
  SECTION("stop as one string") {
    request.stop = "END";
    expected = R"("stop":"END")";
  }
  SECTION("stop as several strings") {
    request.stop = std::vector<std::string>{"a", "b\"c"};
    expected = R"("stop":["a","b\"c"])";
  }
  SECTION("stop as no strings") {
    request.stop = std::vector<std::string>{};
    expected = R"("stop":[])";
  }
  SECTION("presence_penalty") {
    request.presence_penalty = -2.0;
    expected = R"("presence_penalty":-2)";
  }
  SECTION("frequency_penalty") {
    request.frequency_penalty = 0.25;
    expected = R"("frequency_penalty":0.25)";
  }
  SECTION("repetition_penalty") {
    request.repetition_penalty = 1.05;
    expected = R"("repetition_penalty":1.05)";
  }
  SECTION("best_of") {
    request.best_of = 3;
    expected = R"("best_of":3)";
  }
  SECTION("logit_bias with negative token ids, ordered by id") {
    request.logit_bias = {{7, 1.5}, {-1, 0.0}, {2147483647, -100.0}};
    expected = R"("logit_bias":{"-1":0,"7":1.5,"2147483647":-100})";
  }
  SECTION("user") {
    request.user = "user-1";
    expected = R"("user":"user-1")";
  }
  SECTION("seed, including the extremes") {
    request.seed = std::numeric_limits<std::int64_t>::min();
    expected = R"("seed":-9223372036854775808)";
  }
  SECTION("ignore_eos") {
    request.ignore_eos = true;
    expected = R"("ignore_eos":true)";
  }
  CHECK(body_of(request) == R"({"model":"m","prompt":"p",)" + expected + "}");
}

TEST_CASE("stream adds stream:true and stream_options, only when streaming",
          "[request_writer]") {
  CompletionRequest request = minimal_request();
  CHECK(body_of(request, true) ==
        R"({"model":"m","prompt":"p","stream":true})");

  request.stream_options = StreamOptions{false};
  CHECK(
      body_of(request, true) ==
      R"({"model":"m","prompt":"p","stream_options":{"include_usage":false},"stream":true})");
  CHECK(body_of(request, false) == R"({"model":"m","prompt":"p"})");

  request.stream_options = StreamOptions{};
  CHECK(body_of(request, true) ==
        R"({"model":"m","prompt":"p","stream_options":{},"stream":true})");
}

TEST_CASE("every prompt form is written as its JSON shape",
          "[request_writer]") {
  CompletionRequest request = minimal_request();
  std::string expected;
  SECTION("a string") {
    request.prompt = std::string("Say \"hi\"");
    expected = R"("Say \"hi\"")";
  }
  SECTION("an array of strings") {
    request.prompt = std::vector<std::string>{"one", "", "three"};
    expected = R"(["one","","three"])";
  }
  SECTION("an empty array of strings") {
    request.prompt = std::vector<std::string>{};
    expected = "[]";
  }
  SECTION("an array of token ids") {
    request.prompt = Prompt::Tokens{1, -2, 2147483647, 0};
    expected = "[1,-2,2147483647,0]";
  }
  SECTION("an array of token-id arrays") {
    request.prompt = std::vector<Prompt::Tokens>{{1, 2}, {}, {3}};
    expected = "[[1,2],[],[3]]";
  }
  CHECK(body_of(request) == R"({"model":"m","prompt":)" + expected + "}");
}

TEST_CASE("every control character is escaped, short forms where defined",
          "[request_writer]") {
  for (unsigned c = 0; c < kFirstPrintable; ++c) {
    const std::string text(1, static_cast<char>(c));
    std::string expected;
    switch (c) {
      case '\b':
        expected = R"("\b")";
        break;
      case '\f':
        expected = R"("\f")";
        break;
      case '\n':
        expected = R"("\n")";
        break;
      case '\r':
        expected = R"("\r")";
        break;
      case '\t':
        expected = R"("\t")";
        break;
      default: {
        constexpr std::string_view kHex = "0123456789abcdef";
        expected = std::string(R"("\u00)") + kHex[c / 16] + kHex[c % 16] + '"';
      }
    }
    INFO("byte " << c);
    CHECK(json_string(text) == expected);
  }
}

TEST_CASE("quote and backslash are escaped; / and DEL pass through",
          "[request_writer]") {
  CHECK(json_string("\"") == R"("\"")");
  CHECK(json_string("\\") == R"("\\")");
  CHECK(json_string("a/b\x7f") == "\"a/b\x7f\"");
  CHECK(json_string("") == R"("")");
}

TEST_CASE("escapes are found at every position of long strings",
          "[request_writer]") {
  for (std::size_t position = 0; position < kLongRun; ++position) {
    for (const char special : {'"', '\\', '\n', '\x01'}) {
      std::string text(kLongRun, 'a');
      text[position] = special;
      std::string escaped = json_string(std::string(1, special));
      escaped = escaped.substr(1, escaped.size() - 2);
      const std::string expected = '"' + std::string(position, 'a') + escaped +
                                   std::string(kLongRun - position - 1, 'a') +
                                   '"';
      INFO("position " << position << " byte " << int{special});
      CHECK(json_string(text) == expected);
    }
  }
}

// The escaping rules written the slow way, byte by byte.
std::string reference_json_string(std::string_view text) {
  std::string out = "\"";
  for (const char c : text) {
    const auto byte = static_cast<unsigned char>(c);
    if (byte < kFirstPrintable || c == '"' || c == '\\') {
      std::string escaped = json_string(std::string(1, c));
      out += escaped.substr(1, escaped.size() - 2);
    } else {
      out += c;
    }
  }
  return out + '"';
}

TEST_CASE("random mixes of plain, escaped and UTF-8 bytes escape exactly",
          "[request_writer]") {
  // Pieces that keep the text valid UTF-8 whatever their order.
  const std::vector<std::string> pieces = {"a",
                                           "Z",
                                           " ",
                                           "~",
                                           "\"",
                                           "\\",
                                           "\n",
                                           "\t",
                                           std::string(1, '\0'),
                                           "\x1f",
                                           "\x7f",
                                           "\xc3\xa9",
                                           "\xe2\x80\xa8",
                                           "\xf0\x9f\x98\x80",
                                           "plain text run"};
  std::mt19937_64 random(kRandomSeed);
  for (int round = 0; round < kRandomStrings; ++round) {
    std::string text;
    const std::size_t length = random() % kMaxRandomPieces;
    for (std::size_t i = 0; i < length; ++i) {
      text += pieces[random() % pieces.size()];
    }
    INFO("round " << round);
    REQUIRE(json_string(text) == reference_json_string(text));
  }
}

TEST_CASE("append_json_string appends to what is already there",
          "[request_writer]") {
  std::string out = "[1,";
  REQUIRE(append_json_string(out, "x"));
  CHECK(out == R"([1,"x")");
}

TEST_CASE("valid UTF-8 passes through byte for byte", "[request_writer]") {
  const std::string text = GENERATE(
      std::string("caf\xc3\xa9"),                 // U+00E9, two bytes
      std::string("\xe2\x82\xac"),                // U+20AC, three bytes
      std::string("a\xe2\x80\xa8z\xe2\x80\xa9"),  // U+2028, U+2029
      std::string("\xf0\x9f\x98\x80"),            // U+1F600, four bytes
      std::string("\xf4\x8f\xbf\xbf"),            // U+10FFFF, the last
      std::string("\xef\xbf\xbf\xee\x80\x80"),    // U+FFFF, U+E000
      std::string("\xc2\x80\xdf\xbf"),            // U+0080, U+07FF
      std::string("0123456789abcdef\xf0\x9f\x98\x80"
                  "0123456789abcdef\xc3\xa9"));  // after word-sized runs
  CHECK(json_string(text) == '"' + text + '"');
}

TEST_CASE("invalid UTF-8 is rejected", "[request_writer]") {
  const std::string text =
      GENERATE(std::string("\xc0\xaf"),          // overlong '/'
               std::string("\xc1\xbf"),          // overlong two-byte
               std::string("\xe0\x80\xaf"),      // overlong three-byte
               std::string("\xf0\x80\x80\xaf"),  // overlong four-byte
               std::string("\xed\xa0\x80"),      // U+D800, a surrogate
               std::string("\xed\xbf\xbf"),      // U+DFFF, a surrogate
               std::string("\xf4\x90\x80\x80"),  // U+110000, too large
               std::string("\xf5\x80\x80\x80"),  // lead byte past U+10FFFF
               std::string("ab\xc3"),            // truncated two-byte
               std::string("ab\xe2\x82"),        // truncated three-byte
               std::string("\xf0\x9f\x98"),      // truncated four-byte
               std::string("\xe2\x82z"),         // cut by an ASCII byte
               std::string("\x80"),              // stray continuation
               std::string("a\xbf"),             // stray continuation
               std::string("\xfe"), std::string("\xff"),
               std::string("0123456789abcdef0123\x80"));
  std::string out;
  CHECK_FALSE(append_json_string(out, text));
}

TEST_CASE("invalid UTF-8 in a field is InvalidArgument naming the field",
          "[request_writer]") {
  const std::string bad = "ok\xed\xa0\x80";
  CompletionRequest request = minimal_request();
  std::string field;
  SECTION("model") {
    request.model = bad;
    field = "model";
  }
  SECTION("prompt as a string") {
    request.prompt = bad;
    field = "prompt";
  }
  SECTION("prompt as an array") {
    request.prompt = std::vector<std::string>{"fine", bad};
    field = "prompt";
  }
  SECTION("suffix") {
    request.suffix = bad;
    field = "suffix";
  }
  SECTION("stop as a string") {
    request.stop = bad;
    field = "stop";
  }
  SECTION("stop as an array") {
    request.stop = std::vector<std::string>{bad};
    field = "stop";
  }
  SECTION("user") {
    request.user = bad;
    field = "user";
  }
  const Error error = error_of(request);
  CHECK(error.code() == ErrorCode::InvalidArgument);
  CHECK(error.message() == field + " is not valid UTF-8");
}

TEST_CASE("doubles are written in shortest round-trip form",
          "[request_writer]") {
  CHECK(json_number(0.7) == "0.7");
  CHECK(json_number(1.0) == "1");
  CHECK(json_number(0.0) == "0");
  CHECK(json_number(-0.0) == "-0");
  CHECK(json_number(-2.5) == "-2.5");
  CHECK(json_number(0.1 + 0.2) == "0.30000000000000004");
  CHECK(json_number(1e-7) == "1e-07");
  CHECK(json_number(1e300) == "1e+300");
  CHECK(json_number(123456.789) == "123456.789");
}

TEST_CASE("every written double is a JSON number that reads back exactly",
          "[request_writer]") {
  std::vector<double> values = {
      std::numeric_limits<double>::max(),
      std::numeric_limits<double>::lowest(),
      std::numeric_limits<double>::min(),
      std::numeric_limits<double>::denorm_min(),
      -std::numeric_limits<double>::denorm_min(),
      1e16,
      1e-5,
      9007199254740993.0,
      100.0,
  };
  std::mt19937_64 random(kRandomSeed);
  while (values.size() < kRandomDoubles) {
    const std::uint64_t bits = random();
    double value;
    std::memcpy(&value, &bits, sizeof value);
    if (std::isfinite(value)) values.push_back(value);
  }
  for (const double value : values) {
    const std::string text = json_number(value);
    INFO(text);
    REQUIRE(is_json_number(text));
    REQUIRE(std::strtod(text.c_str(), nullptr) == value);
  }
}

TEST_CASE("NaN and infinities are not written", "[request_writer]") {
  const double value = GENERATE(values({kNaN, kInfinity, -kInfinity}));
  std::string out = "x";
  CHECK_FALSE(append_json_number(out, value));
  CHECK(out == "x");
}

TEST_CASE("a non-finite double is InvalidArgument naming the field",
          "[request_writer]") {
  CompletionRequest request = minimal_request();
  std::string field;
  SECTION("temperature") {
    request.temperature = kNaN;
    field = "temperature";
  }
  SECTION("top_p") {
    request.top_p = kInfinity;
    field = "top_p";
  }
  SECTION("presence_penalty") {
    request.presence_penalty = -kInfinity;
    field = "presence_penalty";
  }
  SECTION("frequency_penalty") {
    request.frequency_penalty = kNaN;
    field = "frequency_penalty";
  }
  SECTION("repetition_penalty") {
    request.repetition_penalty = kInfinity;
    field = "repetition_penalty";
  }
  SECTION("logit_bias") {
    request.logit_bias = {{1, 0.5}, {2, kNaN}};
    field = "logit_bias";
  }
  const Error error = error_of(request);
  CHECK(error.code() == ErrorCode::InvalidArgument);
  CHECK(error.message() == field + " is not a finite number");
}

TEST_CASE("the body replaces what out held before", "[request_writer]") {
  std::string out = "stale";
  REQUIRE_FALSE(write_request_json(minimal_request(), false, out).has_value());
  CHECK(out == R"({"model":"m","prompt":"p"})");
}

TEST_CASE("extra_body members are merged in as raw JSON text",
          "[request_writer]") {
  CompletionRequest request = minimal_request();
  request.max_tokens = 5;
  request.extra_body =
      R"( { "top_k" : 40 , "min_p":1.50, "guided":{"a":[1, {"b":null}]},)"
      R"( "tags":["x", "y"], "note":"caf\u00e9\n", "flag":true } )";
  CHECK(body_of(request) ==
        R"({"model":"m","prompt":"p","max_tokens":5,"top_k":40,)"
        R"("min_p":1.50,"guided":{"a":[1, {"b":null}]},"tags":["x", "y"],)"
        R"("note":"caf\u00e9\n","flag":true})");
}

TEST_CASE("extra_body members come before stream:true", "[request_writer]") {
  CompletionRequest request = minimal_request();
  request.extra_body = R"({"top_k":1})";
  CHECK(body_of(request, true) ==
        R"({"model":"m","prompt":"p","top_k":1,"stream":true})");
}

TEST_CASE("an empty extra_body object adds nothing", "[request_writer]") {
  CompletionRequest request = minimal_request();
  request.extra_body = "{}";
  CHECK(body_of(request) == R"({"model":"m","prompt":"p"})");
}

TEST_CASE("an extra_body member replaces the typed field of the same name",
          "[request_writer]") {
  CompletionRequest request = minimal_request();
  request.temperature = 0.7;
  request.max_tokens = 5;
  SECTION("a field in the middle") {
    request.extra_body = R"({"temperature":"hot"})";
    CHECK(body_of(request) ==
          R"({"model":"m","prompt":"p","max_tokens":5,"temperature":"hot"})");
  }
  SECTION("the first field, model") {
    request.extra_body = R"({"model":"other"})";
    CHECK(body_of(request) ==
          R"({"prompt":"p","max_tokens":5,"temperature":0.7,"model":"other"})");
  }
  SECTION("a key written with escapes") {
    request.extra_body = R"({"temper\u0061ture":1})";
    CHECK(body_of(request) ==
          R"({"model":"m","prompt":"p","max_tokens":5,"temperature":1})");
  }
  SECTION("a field the request left unset") {
    request.extra_body = R"({"seed":7})";
    CHECK(
        body_of(request) ==
        R"({"model":"m","prompt":"p","max_tokens":5,"temperature":0.7,"seed":7})");
  }
  SECTION("stream_options while streaming") {
    request.stream_options = StreamOptions{true};
    request.extra_body = R"({"stream_options":{"include_usage":false}})";
    CHECK(body_of(request, true) ==
          R"({"model":"m","prompt":"p","max_tokens":5,"temperature":0.7,)"
          R"("stream_options":{"include_usage":false},"stream":true})");
  }
}

TEST_CASE("an extra_body that is not a JSON object is InvalidArgument",
          "[request_writer]") {
  CompletionRequest request = minimal_request();
  std::string expected_prefix;
  SECTION("an array") {
    request.extra_body = "[1]";
    expected_prefix = "extra_body must be a JSON object";
  }
  SECTION("a string") {
    request.extra_body = R"("text")";
    expected_prefix = "extra_body must be a JSON object";
  }
  SECTION("null") {
    request.extra_body = "null";
    expected_prefix = "extra_body must be a JSON object";
  }
  SECTION("whitespace only") {
    request.extra_body = "  ";
    expected_prefix = "extra_body is not valid JSON";
  }
  SECTION("an unclosed object") {
    request.extra_body = R"({"a":1)";
    expected_prefix = "extra_body is not valid JSON";
  }
  SECTION("a bad literal inside") {
    request.extra_body = R"({"a":tru})";
    expected_prefix = "extra_body is not valid JSON";
  }
  SECTION("a mismatched bracket deep inside") {
    request.extra_body = R"({"a":{"b":[1,2}}})";
    expected_prefix = "extra_body is not valid JSON";
  }
  SECTION("trailing content") {
    request.extra_body = R"({"a":1} {"b":2})";
    expected_prefix = "extra_body is not valid JSON";
  }
  SECTION("invalid UTF-8") {
    request.extra_body = "{\"a\":\"\xed\xa0\x80\"}";
    expected_prefix = "extra_body is not valid JSON";
  }
  const Error error = error_of(request);
  CHECK(error.code() == ErrorCode::InvalidArgument);
  CHECK(error.message().rfind(expected_prefix, 0) == 0);
}

TEST_CASE("extra_body may not set stream", "[request_writer]") {
  CompletionRequest request = minimal_request();
  request.extra_body = R"({"stream":false})";
  const bool stream = GENERATE(false, true);
  const Error error = error_of(request, stream);
  CHECK(error.code() == ErrorCode::InvalidArgument);
  CHECK(error.message().find("\"stream\"") != std::string::npos);
}

}  // namespace
}  // namespace budgateway::detail
