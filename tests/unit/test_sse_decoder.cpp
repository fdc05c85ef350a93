// Copyright 2026 The budgateway Authors. SPDX-License-Identifier: Apache-2.0
#include "sse/decoder.hpp"

#include <cstddef>
#include <string>
#include <string_view>
#include <vector>

#include "catch.hpp"

namespace {

using budgateway::detail::SseDecoder;
using budgateway::detail::SseEvent;
using namespace std::string_literals;

constexpr std::size_t kNoLimit = SseDecoder::kDefaultMaxEventBytes;

struct Decoded {
  std::vector<SseEvent> events;
  bool failed = false;
  bool partial = false;
};

// One comparable line per event, so a mismatch prints every field.
std::string describe(const SseEvent& event) {
  std::string text = "type=[" + event.type + "] data=[" + event.data +
                     "] id=[" + event.id + "] error=[" + event.error +
                     "] retry=";
  text += event.retry ? std::to_string(*event.retry) : "none";
  return text;
}

std::vector<std::string> describe(const Decoded& decoded) {
  std::vector<std::string> lines;
  for (const SseEvent& event : decoded.events) {
    lines.push_back(describe(event));
  }
  lines.push_back(decoded.failed ? "failed" : "ok");
  lines.push_back(decoded.partial ? "partial" : "complete");
  return lines;
}

// How a reader takes events: each into a new object, or every one into the
// same object, whose buffers then circulate through the decoder.
enum class Pop { Fresh, Reused };

Decoded decode_pieces(const std::vector<std::string_view>& pieces,
                      std::size_t max_event_bytes, Pop pop = Pop::Fresh) {
  SseDecoder decoder(max_event_bytes);
  Decoded decoded;
  SseEvent reused;
  for (std::string_view piece : pieces) {
    const bool accepted = decoder.feed(piece);
    REQUIRE(accepted == !decoder.failed());
    while (decoder.has_event()) {
      if (pop == Pop::Fresh) {
        decoded.events.push_back(decoder.pop_event());
      } else {
        decoder.pop_event(reused);
        decoded.events.push_back(reused);
      }
    }
  }
  decoded.failed = decoder.failed();
  decoded.partial = decoder.has_partial_event();
  return decoded;
}

// Decodes `input` whole, split in two at every position, and one byte at a
// time; all must agree, since a network read can end anywhere.
Decoded decode(std::string_view input, std::size_t max_event_bytes = kNoLimit) {
  const Decoded whole = decode_pieces({input}, max_event_bytes);
  const std::vector<std::string> expected = describe(whole);
  for (std::size_t split = 0; split <= input.size(); ++split) {
    INFO("split at byte " << split);
    const Decoded halves = decode_pieces(
        {input.substr(0, split), input.substr(split)}, max_event_bytes);
    REQUIRE(describe(halves) == expected);
  }
  std::vector<std::string_view> bytes;
  for (std::size_t i = 0; i < input.size(); ++i) {
    bytes.push_back(input.substr(i, 1));
  }
  REQUIRE(describe(decode_pieces(bytes, max_event_bytes)) == expected);
  // Popping into one object reads the same events, whole or byte by byte.
  REQUIRE(describe(decode_pieces({input}, max_event_bytes, Pop::Reused)) ==
          expected);
  REQUIRE(describe(decode_pieces(bytes, max_event_bytes, Pop::Reused)) ==
          expected);
  return whole;
}

std::vector<std::string> data_of(const Decoded& decoded) {
  std::vector<std::string> data;
  for (const SseEvent& event : decoded.events) data.push_back(event.data);
  return data;
}

using Strings = std::vector<std::string>;

}  // namespace

TEST_CASE("LF, CR and CRLF each end lines and separate events", "[sse]") {
  const std::string separator = GENERATE("\n"s, "\r"s, "\r\n"s);
  const std::string input =
      "data: a" + separator + separator + "data: b" + separator + separator;
  const Decoded decoded = decode(input);
  CHECK(data_of(decoded) == Strings{"a", "b"});
  CHECK_FALSE(decoded.partial);
}

TEST_CASE("A CR ending one feed and an LF opening the next are one line end",
          "[sse]") {
  SseDecoder decoder;
  REQUIRE(decoder.feed("data: a\r"));
  REQUIRE(decoder.feed("\ndata: b\r"));
  REQUIRE(decoder.feed("\n\r"));
  REQUIRE(decoder.feed("\n"));
  REQUIRE(decoder.has_event());
  CHECK(decoder.pop_event().data == "a\nb");
  CHECK_FALSE(decoder.has_event());
  CHECK_FALSE(decoder.has_partial_event());
}

TEST_CASE("CR CR LF ends a line and then one blank line", "[sse]") {
  // Searching for CRLF before CR would read the line "data: a\r" instead.
  const Decoded decoded = decode("data: a\r\r\ndata: b\r\r\n");
  CHECK(data_of(decoded) == Strings{"a", "b"});
  CHECK_FALSE(decoded.partial);
}

TEST_CASE("CRLF is one line end, not a CR and a blank line", "[sse]") {
  const Decoded decoded = decode("data: a\r\ndata: b\r\n\r\n");
  CHECK(data_of(decoded) == Strings{"a\nb"});
}

TEST_CASE("Mixed line endings inside one event", "[sse]") {
  const Decoded decoded = decode("data: a\rdata: b\r\ndata: c\ndata: d\r\n\r");
  CHECK(data_of(decoded) == Strings{"a\nb\nc\nd"});
  CHECK_FALSE(decoded.partial);
}

TEST_CASE("Comment and keep-alive lines are ignored", "[sse]") {
  const Decoded decoded =
      decode(":\n: ping\ndata: a\n: inside an event\ndata: b\n\n:\n\n: x\n");
  CHECK(data_of(decoded) == Strings{"a\nb"});
  CHECK_FALSE(decoded.partial);
}

TEST_CASE("Data lines join with LF and lose one trailing LF", "[sse]") {
  CHECK(data_of(decode("data: a\ndata: b\ndata: c\n\n")) == Strings{"a\nb\nc"});
  CHECK(data_of(decode("data\ndata\n\n")) == Strings{"\n"});
  CHECK(data_of(decode("data: a\ndata\n\n")) == Strings{"a\n"});
}

TEST_CASE("A field value drops exactly one leading space", "[sse]") {
  CHECK(data_of(decode("data:x\n\n")) == Strings{"x"});
  CHECK(data_of(decode("data: x\n\n")) == Strings{"x"});
  CHECK(data_of(decode("data:  two spaces\n\n")) == Strings{" two spaces"});
  CHECK(data_of(decode("data:\tx\n\n")) == Strings{"\tx"});
  CHECK(data_of(decode("data: x \n\n")) == Strings{"x "});
}

TEST_CASE("A line splits at its first colon only", "[sse]") {
  CHECK(data_of(decode("data: a: b:c\n\n")) == Strings{"a: b:c"});
  CHECK(data_of(decode("data::\n\n")) == Strings{":"});
}

TEST_CASE("A data line without a colon dispatches an event with empty data",
          "[sse]") {
  const Decoded bare = decode("data\n\n");
  REQUIRE(bare.events.size() == 1);
  CHECK(bare.events[0].data.empty());
  const Decoded colon = decode("data:\n\n");
  REQUIRE(colon.events.size() == 1);
  CHECK(colon.events[0].data.empty());
}

TEST_CASE("Field names are case-sensitive and exact", "[sse]") {
  CHECK(decode("Data: a\n\n").events.empty());
  CHECK(decode("data : a\n\n").events.empty());
  CHECK(decode(" data: a\n\n").events.empty());
}

TEST_CASE("A blank line with no data or error dispatches nothing", "[sse]") {
  const Decoded decoded = decode("\n\n\r\n\r\r");
  CHECK(decoded.events.empty());
  CHECK_FALSE(decoded.partial);
}

TEST_CASE("The event field sets the type of its own event only", "[sse]") {
  const Decoded decoded = decode(
      "event: first\ndata: a\n\ndata: b\n\nevent: x\nevent: y\n"
      "data: c\n\n");
  REQUIRE(decoded.events.size() == 3);
  CHECK(decoded.events[0].type == "first");
  CHECK(decoded.events[1].type.empty());
  CHECK(decoded.events[2].type == "y");
}

TEST_CASE("An event type without data is reset by the blank line", "[sse]") {
  const Decoded decoded = decode("event: lost\n\ndata: a\n\n");
  REQUIRE(decoded.events.size() == 1);
  CHECK(decoded.events[0].type.empty());
}

TEST_CASE("The last event id persists across events until changed", "[sse]") {
  const Decoded decoded = decode(
      "data: none\n\nid: 1\ndata: a\n\ndata: b\n\nid: 7\n\ndata: c\n\n"
      "id\ndata: d\n\n");
  REQUIRE(decoded.events.size() == 5);
  CHECK(decoded.events[0].id.empty());
  CHECK(decoded.events[1].id == "1");
  CHECK(decoded.events[2].id == "1");
  CHECK(decoded.events[3].id == "7");
  CHECK(decoded.events[4].id.empty());
}

TEST_CASE("An id containing NUL is ignored", "[sse]") {
  const Decoded decoded = decode("id: 1\ndata: a\n\nid: 2\0x\ndata: b\n\n"s);
  REQUIRE(decoded.events.size() == 2);
  CHECK(decoded.events[1].id == "1");
}

TEST_CASE("Retry is taken only when the value is all ASCII digits", "[sse]") {
  const Decoded good = decode("retry: 3000\ndata: a\n\n");
  REQUIRE(good.events.size() == 1);
  REQUIRE(good.events[0].retry.has_value());
  CHECK(*good.events[0].retry == 3000);

  const std::string bad =
      GENERATE("retry: 30x\n"s, "retry: -1\n"s, "retry: +1\n"s, "retry: 1 \n"s,
               "retry:\n"s, "retry\n"s, "retry: 1.5\n"s,
               "retry: 99999999999999999999\n"s);
  const Decoded ignored = decode(bad + "data: a\n\n");
  REQUIRE(ignored.events.size() == 1);
  CHECK_FALSE(ignored.events[0].retry.has_value());
}

TEST_CASE("Retry belongs to one event and a retry-only event is skipped",
          "[sse]") {
  const Decoded decoded =
      decode("retry: 100\n\ndata: a\n\nretry: 5\ndata: b\n\ndata: c\n\n");
  REQUIRE(decoded.events.size() == 3);
  CHECK_FALSE(decoded.events[0].retry.has_value());
  REQUIRE(decoded.events[1].retry.has_value());
  CHECK(*decoded.events[1].retry == 5);
  CHECK_FALSE(decoded.events[2].retry.has_value());
}

TEST_CASE("Unknown fields are ignored", "[sse]") {
  const Decoded decoded = decode("foo: bar\ndata: a\nbaz\n\nfoo: only\n\n");
  REQUIRE(decoded.events.size() == 1);
  CHECK(decoded.events[0].data == "a");
}

TEST_CASE("An error field alone dispatches an event carrying it", "[sse]") {
  const std::string json =
      R"({"code":500,"message":"boom","type":"server_error"})";
  const Decoded decoded = decode("error: " + json + "\n\n");
  REQUIRE(decoded.events.size() == 1);
  CHECK(decoded.events[0].error == json);
  CHECK(decoded.events[0].data.empty());
}

TEST_CASE("Several error lines join with LF and sit beside data", "[sse]") {
  const Decoded decoded =
      decode("error: a\ndata: d\nerror: b\n\ndata: next\n\nerror\n\n");
  REQUIRE(decoded.events.size() == 3);
  CHECK(decoded.events[0].error == "a\nb");
  CHECK(decoded.events[0].data == "d");
  CHECK(decoded.events[1].error.empty());
  CHECK(decoded.events[2].error.empty());
  CHECK(decoded.events[2].data.empty());
}

TEST_CASE("An event without its blank line at end of body is not dispatched",
          "[sse]") {
  const Decoded decoded = decode("data: a\n\ndata: b\n");
  CHECK(data_of(decoded) == Strings{"a"});
  CHECK(decoded.partial);
}

TEST_CASE("has_partial_event follows the documented rule", "[sse]") {
  SECTION("nothing, or complete events, or only comments: not partial") {
    CHECK_FALSE(decode("").partial);
    CHECK_FALSE(decode("data: a\n\n").partial);
    CHECK_FALSE(decode(": ping\n").partial);
    CHECK_FALSE(decode("data: a\n\n:\n: keep-alive\r\n").partial);
    CHECK_FALSE(decode("data: a\n\r").partial);
  }
  SECTION("an unfinished line, even a comment: partial") {
    CHECK(decode("data: a").partial);
    CHECK(decode(": pi").partial);
    CHECK(decode("data: a\n\nd").partial);
  }
  SECTION("any field line since the last blank line: partial") {
    CHECK(decode("data: a\n").partial);
    CHECK(decode("retry: 5\n").partial);
    CHECK(decode("event: x\n: comment\n").partial);
    CHECK(decode("unknown\n").partial);
  }
}

TEST_CASE("A leading UTF-8 BOM is skipped once", "[sse]") {
  CHECK(data_of(decode("\xEF\xBB\xBF"
                       "data: a\n\n")) == Strings{"a"});
  // A second BOM is part of the first field's name, so no "data" field.
  CHECK(decode("\xEF\xBB\xBF\xEF\xBB\xBF"
               "data: a\n\n")
            .events.empty());
  CHECK(data_of(decode("data: \xEF\xBB\xBF"
                       "a\n\n")) == Strings{"\xEF\xBB\xBF"
                                            "a"});
  CHECK_FALSE(decode("\xEF\xBB\xBF").partial);
  CHECK_FALSE(decode("\xEF\xBB\xBF\n").partial);
}

TEST_CASE("Bytes that only begin like a BOM stay in the first line", "[sse]") {
  CHECK(decode("\xEF").partial);
  // Kept bytes make "\xEF\xBB" an unknown field line, hence partial.
  CHECK(decode("\xEF\xBB\n").partial);
  // Kept bytes count towards the limit: 3 bytes exceed 2, 2 fit.
  CHECK(decode("\xEF\xBBx\n", 2).failed);
  CHECK_FALSE(decode("\xEF\xBB\xBF"
                     "ab\n",
                     2)
                  .failed);
  // Until the third byte decides, held-back bytes are no line yet, so a
  // BOM fits any limit, whichever feed its bytes arrive in.
  CHECK_FALSE(decode("\xEF\xBB\xBF", 0).failed);
  const Decoded undecided = decode("\xEF\xBB", 0);
  CHECK_FALSE(undecided.failed);
  CHECK(undecided.partial);
}

TEST_CASE("UTF-8, U+2028, U+2029 and NUL are plain data", "[sse]") {
  const std::string text = "h\xC3\xA9llo \xE2\x82\xAC \xF0\x9F\x98\x80";
  CHECK(data_of(decode("data: " + text + "\n\n")) == Strings{text});
  const std::string separators =
      "a\xE2\x80\xA8"
      "b\xE2\x80\xA9"
      "c";
  CHECK(data_of(decode("data: " + separators + "\n\n")) == Strings{separators});
  CHECK(data_of(decode("data: a\0b\n\n"s)) == Strings{"a\0b"s});
}

TEST_CASE("An event exactly at max_event_bytes passes, one byte more fails",
          "[sse]") {
  // Counted: the field lines "data: 12345" (11) and "data: 6" (7).
  const std::string input = "data: 12345\ndata: 6\n\n";
  constexpr std::size_t kEventBytes = 18;
  const Decoded at_limit = decode(input, kEventBytes);
  CHECK_FALSE(at_limit.failed);
  CHECK(data_of(at_limit) == Strings{"12345\n6"});

  const Decoded over = decode(input, kEventBytes - 1);
  CHECK(over.failed);
  CHECK(over.events.empty());
}

TEST_CASE("The limit applies per event, not per stream", "[sse]") {
  constexpr std::size_t kEventBytes = 8;
  const Decoded decoded = decode(
      "data: ab\n\ndata: cd\n\n: ping\n: ping\ndata: ef\n\n", kEventBytes);
  CHECK_FALSE(decoded.failed);
  CHECK(data_of(decoded) == Strings{"ab", "cd", "ef"});
}

TEST_CASE("Events before the oversized one are still delivered", "[sse]") {
  constexpr std::size_t kEventBytes = 8;
  const Decoded decoded = decode("data: ab\n\ndata: toolong\n\n", kEventBytes);
  CHECK(decoded.failed);
  CHECK(decoded.partial);
  CHECK(data_of(decoded) == Strings{"ab"});
}

TEST_CASE("An unfinished line beyond the limit fails without a line end",
          "[sse]") {
  constexpr std::size_t kEventBytes = 64;
  SseDecoder decoder(kEventBytes);
  const std::string chunk(kEventBytes / 2, 'x');
  REQUIRE(decoder.feed("data: "));
  REQUIRE(decoder.feed(chunk));
  CHECK_FALSE(decoder.feed(chunk));
  CHECK(decoder.failed());
}

TEST_CASE("A long comment line is bounded too", "[sse]") {
  constexpr std::size_t kEventBytes = 4;
  CHECK_FALSE(decode(":abc\ndata\n\n", kEventBytes).failed);
  CHECK(decode(":abcd\ndata\n\n", kEventBytes).failed);
}

TEST_CASE("Failure is sticky: later valid input is refused", "[sse]") {
  constexpr std::size_t kEventBytes = 4;
  SseDecoder decoder(kEventBytes);
  CHECK_FALSE(decoder.feed("data: too long\n\n"));
  CHECK(decoder.failed());
  CHECK_FALSE(decoder.feed("\n\ndata\n\n"));
  CHECK(decoder.failed());
  CHECK_FALSE(decoder.has_event());
  CHECK(decoder.has_partial_event());
}

TEST_CASE("Events pop in arrival order and move out of the queue", "[sse]") {
  SseDecoder decoder;
  REQUIRE(decoder.feed("data: 1\n\ndata: 2\n\ndata: 3\n\n"));
  for (const char* expected : {"1", "2", "3"}) {
    REQUIRE(decoder.has_event());
    CHECK(decoder.pop_event().data == expected);
  }
  CHECK_FALSE(decoder.has_event());
}

TEST_CASE("A gateway-style stream decodes to its JSON chunks and DONE",
          "[sse]") {
  const std::string chunk1 =
      R"({"id":"cmpl-1","object":"text_completion","created":1,)"
      R"("model":"m","choices":[{"text":"Hel","index":0,)"
      R"("logprobs":null,"finish_reason":null}]})";
  const std::string chunk2 =
      R"({"id":"cmpl-1","object":"text_completion","created":1,)"
      R"("model":"m","choices":[{"text":"lo","index":0,)"
      R"("logprobs":null,"finish_reason":"length","stop_reason":null}]})";
  const std::string usage =
      R"({"id":"cmpl-1","object":"text_completion","created":1,)"
      R"("model":"m","choices":[],"usage":{"prompt_tokens":1,)"
      R"("completion_tokens":2,"total_tokens":3}})";
  const std::string body = "data: " + chunk1 + "\n\n:\n\n: keep-alive\n\n" +
                           "data: " + chunk2 + "\n\n" + "data: " + usage +
                           "\n\n" + "data: [DONE]\n\n";
  const Decoded decoded = decode(body);
  CHECK(data_of(decoded) == Strings{chunk1, chunk2, usage, "[DONE]"});
  for (const SseEvent& event : decoded.events) {
    CHECK(event.type.empty());
    CHECK(event.id.empty());
    CHECK(event.error.empty());
  }
  CHECK_FALSE(decoded.failed);
  CHECK_FALSE(decoded.partial);
}

TEST_CASE("Twenty thousand small feeds decode every event", "[sse]") {
  constexpr int kChunks = 20000;
  const std::string frame = "data: {\"choices\":[{\"text\":\"x\"}]}\n\n";
  SseDecoder decoder;
  int events = 0;
  for (int i = 0; i < kChunks; ++i) {
    REQUIRE(decoder.feed(frame));
    while (decoder.has_event()) {
      if (decoder.pop_event().data == "{\"choices\":[{\"text\":\"x\"}]}") {
        ++events;
      }
    }
  }
  CHECK(events == kChunks);
  CHECK_FALSE(decoder.has_partial_event());
}

TEST_CASE("Events popped into one object keep no field of an earlier event",
          "[sse]") {
  // Events with every field, then bare data, queued in bursts of several
  // sizes, so the queue grows, wraps and hands recycled buffers to new
  // events; each must read exactly as from a fresh decoder.
  std::string stream;
  for (int i = 0; i < 40; ++i) {
    if (i % 5 == 0) {
      stream += "event: tick\nid: " + std::to_string(i) +
                "\nretry: 250\nerror: e" + std::to_string(i) + "\n";
    }
    stream += "data: {\"n\":" + std::to_string(i) + ",\"pad\":\"" +
              std::string(static_cast<std::size_t>(i * 7 % 90), 'x') +
              "\"}\n\n";
  }
  const Decoded expected = decode_pieces({stream}, kNoLimit);
  REQUIRE(expected.events.size() == 40);
  for (const std::size_t burst : {1U, 2U, 3U, 7U, 64U}) {
    INFO("feeds of " << burst << " events");
    std::vector<std::string_view> pieces;
    std::string_view rest = stream;
    while (!rest.empty()) {
      std::size_t cut = 0;
      for (std::size_t n = 0; n < burst && cut < rest.size(); ++n) {
        cut = rest.find("\n\n", cut) + 2;
      }
      pieces.push_back(rest.substr(0, cut));
      rest.remove_prefix(cut);
    }
    CHECK(describe(decode_pieces(pieces, kNoLimit, Pop::Reused)) ==
          describe(expected));
  }
}

TEST_CASE("A reader's recycled buffers are reused, not reallocated", "[sse]") {
  const std::string frame = "data: {\"choices\":[{\"text\":\"x\"}]}\n\n";
  SseDecoder decoder;
  SseEvent event;
  for (int i = 0; i < 20; ++i) {
    REQUIRE(decoder.feed(frame));
    decoder.pop_event(event);
    CHECK(event.data == "{\"choices\":[{\"text\":\"x\"}]}");
    // With one event queued at a time, the reader's buffer and the
    // queue's two slots take turns: once each has been through the
    // reader (and grown here), every event arrives in a grown one.
    if (i >= 3) CHECK(event.data.capacity() >= 4096);
    event.data.reserve(4096);
  }
}

TEST_CASE("A reader that never empties the queue reads every event", "[sse]") {
  // One event stays queued behind the one read, so the decoder must drop
  // what was read while events are still queued, and keep the rest right.
  SseDecoder decoder;
  const auto frame = [](int n) {
    return "data: " + std::to_string(n) + std::string(1000, 'x') + "\n\n";
  };
  REQUIRE(decoder.feed(frame(0)));
  int next = 0;
  for (int n = 1; n < 200; ++n) {
    REQUIRE(decoder.feed(frame(n)));
    REQUIRE(decoder.has_event());
    SseEvent event;
    decoder.pop_event(event);
    CHECK(event.data == std::to_string(next) + std::string(1000, 'x'));
    ++next;
  }
  REQUIRE(decoder.has_event());
  CHECK(decoder.pop_event().data == "199" + std::string(1000, 'x'));
  CHECK_FALSE(decoder.has_event());
}

TEST_CASE("Events queued before an oversized one stay readable", "[sse]") {
  SseDecoder decoder(64);
  CHECK_FALSE(
      decoder.feed("data: one\n\ndata: two\n\ndata: " + std::string(100, 'x')));
  CHECK(decoder.failed());
  REQUIRE(decoder.has_event());
  CHECK(decoder.pop_event().data == "one");
  REQUIRE(decoder.has_event());
  CHECK(decoder.pop_event().data == "two");
  CHECK_FALSE(decoder.has_event());
}
