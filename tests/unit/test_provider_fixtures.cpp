// Copyright 2026 The budgateway Authors. SPDX-License-Identifier: Apache-2.0
// Every provider fixture through the parsers the client uses, without a
// socket: unary bodies through ResponseParser::parse_completion, streams
// through SseDecoder and parse_chunk, error bodies through parse_api_error
// and error_from_response. The fixtures, the public API reference each was
// written from, and the typed values expected of them are listed in
// tests/support/provider_fixtures.hpp.
#include <budgateway/completion.hpp>
#include <budgateway/error.hpp>
#include <budgateway/headers.hpp>

#include <algorithm>
#include <chrono>
#include <cstddef>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "catch.hpp"
#include "error_mapping.hpp"
#include "json/response_parser.hpp"
#include "provider_fixtures.hpp"
#include "read_chunk.hpp"
#include "sse/decoder.hpp"

namespace budgateway::detail {
namespace {

using testing::ErrorFixture;
using testing::read_fixture;
using testing::StreamFixture;
using testing::UnaryFixture;

constexpr std::string_view kDone = "[DONE]";
constexpr std::string_view kSentRequestId = "sent-id-1";
// Feeding a stream whole, byte by byte, and in pieces of an odd size puts
// read boundaries inside lines, inside UTF-8 and between CR and LF.
constexpr std::size_t kWhole = 0;
constexpr std::size_t kOneByte = 1;
constexpr std::size_t kOddPieceBytes = 7;

/// What a stream fixture decodes into, as the client would read it.
struct DecodedStream {
  std::vector<CompletionChunk> chunks;
  std::optional<ApiErrorFields> error;  ///< An `error:` field's payload.
  bool done = false;                    ///< `data: [DONE]` arrived.
  bool partial = false;  ///< The body ended in the middle of an event.
};

std::vector<SseEvent> decode_events(const std::string& body,
                                    std::size_t piece_bytes, bool& partial) {
  SseDecoder decoder;
  const std::size_t step = piece_bytes == kWhole ? body.size() : piece_bytes;
  for (std::size_t offset = 0; offset < body.size(); offset += step) {
    REQUIRE(decoder.feed(std::string_view(body).substr(offset, step)));
  }
  partial = decoder.has_partial_event();
  std::vector<SseEvent> events;
  while (decoder.has_event()) events.push_back(decoder.pop_event());
  return events;
}

DecodedStream decode_stream(const std::string& body, std::size_t piece_bytes) {
  DecodedStream out;
  ResponseParser parser;
  for (SseEvent& event : decode_events(body, piece_bytes, out.partial)) {
    if (!event.error.empty()) {
      out.error = parse_api_error(event.error);
      break;
    }
    if (event.data == kDone) {
      out.done = true;
      break;
    }
    Result<CompletionChunk> chunk = read_chunk(parser, std::move(event.data));
    INFO((chunk ? std::string() : chunk.error().to_string()));
    REQUIRE(chunk.has_value());
    out.chunks.push_back(std::move(*chunk));
  }
  return out;
}

}  // namespace

TEST_CASE(
    "every provider's unary fixture parses into typed values with its unknown "
    "members kept in raw_json()") {
  for (const UnaryFixture& fixture : testing::unary_fixtures()) {
    INFO(fixture.path << " (from " << fixture.source << ")");
    const std::string body = read_fixture(fixture.path);
    ResponseParser parser;
    Result<CompletionResponse> response = parser.parse_completion(body);
    INFO((response ? std::string() : response.error().to_string()));
    REQUIRE(response.has_value());
    testing::check_unary(*response, fixture);
    CHECK(response->raw_json() == body);
  }
}

TEST_CASE(
    "every provider's stream fixture decodes into typed chunks however the "
    "bytes are split") {
  const std::size_t piece_bytes = GENERATE(kWhole, kOneByte, kOddPieceBytes);
  for (const StreamFixture& fixture : testing::stream_fixtures()) {
    INFO(fixture.path << " (from " << fixture.source << "), pieces of "
                      << piece_bytes);
    const DecodedStream stream =
        decode_stream(read_fixture(fixture.path), piece_bytes);
    testing::check_stream_chunks(stream.chunks, fixture);
    CHECK_FALSE(stream.partial);
    CHECK(stream.done == !fixture.error.has_value());
    REQUIRE(stream.error.has_value() == fixture.error.has_value());
    if (fixture.error) {
      CHECK(stream.error->message == fixture.error->message);
      CHECK(stream.error->type == fixture.error->type);
      CHECK(stream.error->code == fixture.error->api_code);
      CHECK(code_from_api_error(stream.error->type, stream.error->code) ==
            fixture.error->code);
    }
  }
}

TEST_CASE(
    "llama.cpp's streamed error is an error: field line that carries no "
    "data") {
  bool partial = false;
  const std::vector<SseEvent> events =
      decode_events(read_fixture("llamacpp/stream_error.sse"), kWhole, partial);
  REQUIRE(events.size() == 2);
  CHECK(events[0].error.empty());
  CHECK(events[1].data.empty());
  CHECK(
      events[1].error ==
      R"({"code":500,"message":"Invalid input batch.","type":"server_error"})");
}

TEST_CASE(
    "Azure's prompt_filter_results opener is a chunk without choices, and a "
    "filtered choice ends with content_filter") {
  const DecodedStream stream =
      decode_stream(read_fixture("azure/completion.sse"), kWhole);
  REQUIRE(stream.chunks.size() > 1);
  const CompletionChunk& opener = stream.chunks.front();
  CHECK(opener.choices.empty());
  CHECK(opener.id.empty());
  CHECK(opener.created == 0);
  CHECK(opener.raw_json().find("\"prompt_filter_results\"") !=
        std::string::npos);
  const Choice& last = stream.chunks.back().choices.at(0);
  REQUIRE(last.finish_reason);
  CHECK(*last.finish_reason == FinishReason::ContentFilter);
  CHECK(last.finish_reason->str() == "content_filter");
}

TEST_CASE(
    "every provider's error fixture maps to a typed error with the server's "
    "words") {
  for (const ErrorFixture& fixture : testing::error_fixtures()) {
    INFO(fixture.path << " (from " << fixture.source << ")");
    const std::string body = read_fixture(fixture.path);

    const ApiErrorFields fields = parse_api_error(body);
    CHECK(fields.parsed);
    CHECK(fields.message == fixture.message);
    CHECK(fields.type == fixture.type);
    CHECK(fields.param == fixture.param);
    CHECK(fields.code == fixture.api_code);

    ResponseHeaders headers;
    headers.add("Content-Type", "application/json");
    const Error error =
        error_from_response(fixture.status, body, headers, kSentRequestId,
                            std::chrono::system_clock::now());
    testing::check_error(error, fixture);
    CHECK(error.request_id() == kSentRequestId);
    CHECK_FALSE(error.retry_after());
  }
}

}  // namespace budgateway::detail
