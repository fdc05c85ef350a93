// Copyright 2026 The budgateway Authors. SPDX-License-Identifier: Apache-2.0
// The seam users unit-test their own code with: a Client over a
// FakeConnection, streams built from lists, and the async and batch calls
// that every Connection gets from complete() and stream().
#include <budgateway/budgateway.hpp>
#include <budgateway/testing.hpp>

#include <atomic>
#include <chrono>
#include <condition_variable>
#include <future>
#include <memory>
#include <mutex>
#include <optional>
#include <stdexcept>
#include <string>
#include <thread>
#include <variant>
#include <vector>

#include "catch.hpp"

namespace bg = budgateway;

namespace {

bg::CompletionChunk chunk(std::string text, std::int64_t index = 0) {
  bg::CompletionChunk c;
  c.id = "c";
  c.model = "m";
  bg::Choice choice;
  choice.text = std::move(text);
  choice.index = index;
  c.choices.push_back(std::move(choice));
  return c;
}

bg::CompletionResponse answer(std::string text) {
  bg::CompletionResponse r;
  r.id = "cmpl";
  r.choices.push_back(chunk(std::move(text)).choices.front());
  return r;
}

bg::CompletionRequest request(std::string prompt) {
  bg::CompletionRequest r;
  r.model = "m";
  r.prompt = std::move(prompt);
  return r;
}

/// Code under test: what an application might do with a Client.
std::string shout(const bg::Client& client, const std::string& prompt) {
  auto r = client.complete(request(prompt));
  if (!r) return "error: " + r.error().message();
  return r->choices.at(0).text + "!";
}

}  // namespace

TEST_CASE("a Client over a FakeConnection answers from its script", "[seam]") {
  auto fake = std::make_shared<bg::testing::FakeConnection>();
  fake->push(answer("hello"));
  fake->push(bg::Error(bg::ErrorCode::RateLimited, "slow down"));
  bg::Client client(fake);
  CHECK(shout(client, "first") == "hello!");
  CHECK(shout(client, "second") == "error: slow down");
  // Nothing left: an error that says so, not a hang or a crash.
  const auto none = client.complete(request("third"));
  REQUIRE_FALSE(none);
  CHECK(none.error().code() == bg::ErrorCode::InvalidArgument);
  REQUIRE(fake->requests().size() == 3);
  CHECK(std::get<std::string>(fake->requests()[0].prompt.value()) == "first");
  CHECK(std::get<std::string>(fake->requests()[2].prompt.value()) == "third");
}

TEST_CASE("make_stream yields its elements and collect() folds them",
          "[seam]") {
  std::string text;
  auto stream = bg::testing::make_stream({chunk("a"), chunk("b")});
  for (auto& element : stream) {
    REQUIRE(element);
    text += element->choices.at(0).text;
  }
  CHECK(text == "ab");

  auto again =
      bg::testing::make_stream({chunk("x"), chunk("y", 1), chunk("z")});
  const auto folded = again.collect();
  REQUIRE(folded);
  REQUIRE(folded->choices.size() == 2);
  CHECK(folded->choices[0].text == "xz");
  CHECK(folded->choices[1].text == "y");
}

TEST_CASE("a list stream's error is its last element", "[seam]") {
  auto stream = bg::testing::make_stream(
      {chunk("a"), bg::Error(bg::ErrorCode::Connection, "cut"),
       chunk("never")});
  std::vector<std::string> seen;
  for (auto& element : stream) {
    seen.push_back(element ? element->choices.at(0).text
                           : "error:" + element.error().message());
  }
  CHECK(seen == std::vector<std::string>{"a", "error:cut"});
  CHECK_FALSE(bg::testing::make_stream({bg::Error(bg::ErrorCode::Timeout, "t")})
                  .collect());
}

TEST_CASE("`*it++` reads the element the iterator pointed to", "[seam]") {
  auto stream = bg::testing::make_stream({chunk("a"), chunk("b")});
  auto it = stream.begin();
  auto first = *it++;
  CHECK(first->choices.at(0).text == "a");
  CHECK((*it)->choices.at(0).text == "b");
  ++it;
  CHECK(it == stream.end());
}

TEST_CASE("begin() on a started stream resumes where reading stopped",
          "[seam]") {
  auto stream = bg::testing::make_stream({chunk("a"), chunk("b"), chunk("c")});
  CHECK((*stream.begin())->choices.at(0).text == "a");
  CHECK((*stream.begin())->choices.at(0).text == "a");  // begin() again
  auto it = stream.begin();
  ++it;
  // A range-for after a partial read sees the rest, nothing skipped.
  std::string rest;
  for (auto& element : stream) {
    REQUIRE(element);
    rest += element->choices.at(0).text;
  }
  CHECK(rest == "bc");
}

TEST_CASE("a moved-from stream is empty", "[seam]") {
  auto stream = bg::testing::make_stream({chunk("a")});
  auto taken = std::move(stream);
  CHECK(stream.begin() == stream.end());  // NOLINT(bugprone-use-after-move)
  CHECK_FALSE(stream.collect());          // NOLINT(bugprone-use-after-move)
  CHECK(taken.begin() != taken.end());
  CHECK(bg::CompletionStream().begin() == bg::CompletionStream().end());
}

TEST_CASE("the FakeConnection's streams reach Client::stream", "[seam]") {
  auto fake = std::make_shared<bg::testing::FakeConnection>();
  fake->push_stream({chunk("to"), chunk("ken")});
  bg::Client client(fake);
  const auto folded = client.stream(request("p")).collect();
  REQUIRE(folded);
  CHECK(folded->choices.at(0).text == "token");
  const auto none = client.stream(request("q")).collect();
  CHECK(none.error().code() == bg::ErrorCode::InvalidArgument);
}

TEST_CASE("the async and batch calls work on any Connection", "[seam]") {
  auto fake = std::make_shared<bg::testing::FakeConnection>();
  fake->push(answer("async"));
  fake->push(answer("one"));
  fake->push(answer("two"));
  fake->push_stream({chunk("s1"), chunk("s2")});
  bg::Client client(fake);

  auto future = client.complete_async(request("a"));
  REQUIRE(future.wait_for(std::chrono::seconds(10)) ==
          std::future_status::ready);
  CHECK(future.get()->choices.at(0).text == "async");

  std::vector<std::size_t> reported;
  bg::BatchOptions batch;
  batch.on_result = [&](std::size_t i, const auto&) { reported.push_back(i); };
  const auto results =
      client.complete_many({request("1"), request("2")}, batch);
  REQUIRE(results.size() == 2);
  CHECK(results[1]->choices.at(0).text == "two");
  CHECK(reported == std::vector<std::size_t>{0, 1});

  std::promise<std::string> ended;
  std::atomic<int> chunks{0};
  bg::StreamHandler handler;
  handler.on_chunk = [&](const bg::CompletionChunk&) { ++chunks; };
  handler.on_end = [&](bg::Result<bg::CompletionResponse> end) {
    ended.set_value(end ? end->choices.at(0).text : "error");
  };
  client.stream_async(request("s"), std::move(handler));
  auto text = ended.get_future();
  REQUIRE(text.wait_for(std::chrono::seconds(10)) == std::future_status::ready);
  CHECK(text.get() == "s1s2");
  CHECK(chunks == 2);
}

namespace {

/// A Connection of the user's own: answers every call, records what it got.
class RecordingConnection final : public bg::Connection {
 public:
  bg::Result<bg::CompletionResponse> complete(
      const bg::CompletionRequest& /*request*/,
      const bg::CallOptions& options) override {
    timeouts.push_back(options.timeout);
    cancelled_when_called.push_back(options.cancellation.cancelled());
    return answer("ok");
  }
  bg::CompletionStream stream(const bg::CompletionRequest& /*request*/,
                              const bg::CallOptions& /*options*/) override {
    return bg::testing::make_stream({});
  }
  std::vector<std::optional<std::chrono::milliseconds>> timeouts;
  std::vector<bool> cancelled_when_called;
};

}  // namespace

TEST_CASE("the default batch gives BatchOptions::call to every item",
          "[seam]") {
  auto connection = std::make_shared<RecordingConnection>();
  bg::Client client(connection);
  bg::BatchOptions batch;
  batch.call.timeout = std::chrono::milliseconds(1234);
  const auto results =
      client.complete_many({request("1"), request("2"), request("3")}, batch);
  REQUIRE(results.size() == 3);
  CHECK(connection->timeouts ==
        std::vector<std::optional<std::chrono::milliseconds>>(
            3, std::chrono::milliseconds(1234)));
}

TEST_CASE("cancelling the default batch ends the items not yet started",
          "[seam]") {
  auto connection = std::make_shared<RecordingConnection>();
  bg::Client client(connection);
  bg::CancellationSource source;
  bg::BatchOptions batch;
  batch.call.cancellation = source.token();
  std::vector<std::size_t> reported;
  batch.on_result = [&](std::size_t index, const auto&) {
    reported.push_back(index);
    if (index == 1) source.cancel();
  };
  const auto results = client.complete_many(
      {request("1"), request("2"), request("3"), request("4")}, batch);
  REQUIRE(results.size() == 4);
  CHECK(results[0]);
  CHECK(results[1]);
  for (std::size_t i = 2; i < 4; ++i) {
    REQUIRE_FALSE(results[i]);
    CHECK(results[i].error().code() == bg::ErrorCode::Cancelled);
  }
  // Only the first two reached the connection; every item was reported.
  CHECK(connection->cancelled_when_called == std::vector<bool>{false, false});
  CHECK(reported == std::vector<std::size_t>{0, 1, 2, 3});
}

TEST_CASE("a list stream has the headers it was made with", "[seam]") {
  bg::ResponseHeaders headers;
  headers.add("x-request-id", "req-list");
  auto stream = bg::testing::make_stream({chunk("a")}, headers);
  CHECK(stream.headers().get("x-request-id") == "req-list");
  const auto folded = stream.collect();
  REQUIRE(folded);
  CHECK(folded->headers().get("x-request-id") == "req-list");
  CHECK(folded->object == "text_completion");
}

TEST_CASE("the FakeConnection records stream requests too", "[seam]") {
  auto fake = std::make_shared<bg::testing::FakeConnection>();
  fake->push_stream({chunk("x")});
  bg::Client client(fake);
  CHECK(client.stream(request("streamed")).collect());
  CHECK(client.stream(request("unanswered")).collect().error().code() ==
        bg::ErrorCode::InvalidArgument);
  REQUIRE(fake->requests().size() == 2);
  CHECK(std::get<std::string>(fake->requests()[0].prompt.value()) ==
        "streamed");
  CHECK(std::get<std::string>(fake->requests()[1].prompt.value()) ==
        "unanswered");
}

namespace {

/// What a StreamHandler saw, set once its stream ended (or after 10 s).
struct Seen {
  std::mutex mutex;
  std::condition_variable changed;
  std::vector<std::string> chunks;
  std::vector<bg::Result<bg::CompletionResponse>> ends;

  bool wait_for_end() {
    std::unique_lock<std::mutex> lock(mutex);
    return changed.wait_for(lock, std::chrono::seconds(10),
                            [&] { return !ends.empty(); });
  }
  void end(bg::Result<bg::CompletionResponse> result) {
    {
      std::lock_guard<std::mutex> lock(mutex);
      ends.push_back(std::move(result));
    }
    changed.notify_all();
  }
};

}  // namespace

TEST_CASE("the default stream_async hands over each chunk, then the error",
          "[seam]") {
  auto fake = std::make_shared<bg::testing::FakeConnection>();
  fake->push_stream({chunk("a"), bg::Error(bg::ErrorCode::Connection, "cut")});
  bg::Client client(fake);
  auto seen = std::make_shared<Seen>();
  bg::StreamHandler handler;
  handler.on_chunk = [seen](const bg::CompletionChunk& c) {
    std::lock_guard<std::mutex> lock(seen->mutex);
    seen->chunks.push_back(c.choices.at(0).text);
  };
  handler.on_end = [seen](bg::Result<bg::CompletionResponse> r) {
    seen->end(std::move(r));
  };
  client.stream_async(request("s"), std::move(handler));
  REQUIRE(seen->wait_for_end());
  std::lock_guard<std::mutex> lock(seen->mutex);
  CHECK(seen->chunks == std::vector<std::string>{"a"});
  REQUIRE(seen->ends.size() == 1);
  REQUIRE_FALSE(seen->ends[0]);
  CHECK(seen->ends[0].error().code() == bg::ErrorCode::Connection);
}

TEST_CASE("a default stream_async handler with only on_end gets the fold",
          "[seam]") {
  auto fake = std::make_shared<bg::testing::FakeConnection>();
  fake->push_stream({chunk("x"), chunk("y")});
  bg::Client client(fake);
  auto seen = std::make_shared<Seen>();
  bg::StreamHandler handler;
  handler.on_end = [seen](bg::Result<bg::CompletionResponse> r) {
    seen->end(std::move(r));
  };
  client.stream_async(request("s"), std::move(handler));
  REQUIRE(seen->wait_for_end());
  std::lock_guard<std::mutex> lock(seen->mutex);
  REQUIRE(seen->ends.size() == 1);
  REQUIRE(seen->ends[0]);
  CHECK(seen->ends[0]->choices.at(0).text == "xy");
}

TEST_CASE("a throwing callback on the default stream_async gets one end",
          "[seam]") {
  const bool throw_in_chunk = GENERATE(true, false);
  CAPTURE(throw_in_chunk);
  auto fake = std::make_shared<bg::testing::FakeConnection>();
  fake->push_stream({chunk("a"), chunk("b")});
  bg::Client client(fake);
  auto seen = std::make_shared<Seen>();
  bg::StreamHandler handler;
  handler.on_chunk = [seen, throw_in_chunk](const bg::CompletionChunk& c) {
    {
      std::lock_guard<std::mutex> lock(seen->mutex);
      seen->chunks.push_back(c.choices.at(0).text);
    }
    if (throw_in_chunk) throw std::runtime_error("chunk handler failed");
  };
  handler.on_end = [seen,
                    throw_in_chunk](bg::Result<bg::CompletionResponse> r) {
    seen->end(std::move(r));
    if (!throw_in_chunk) throw std::runtime_error("end handler failed");
  };
  client.stream_async(request("s"), std::move(handler));
  REQUIRE(seen->wait_for_end());
  // Long enough for a second end to arrive, were there one.
  std::this_thread::sleep_for(std::chrono::milliseconds(200));
  std::lock_guard<std::mutex> lock(seen->mutex);
  REQUIRE(seen->ends.size() == 1);
  if (throw_in_chunk) {
    CHECK(seen->chunks == std::vector<std::string>{"a"});
    REQUIRE_FALSE(seen->ends[0]);
    CHECK(seen->ends[0].error().code() == bg::ErrorCode::InvalidArgument);
  } else {
    CHECK(seen->chunks == std::vector<std::string>{"a", "b"});
    CHECK(seen->ends[0]);
  }
}

TEST_CASE("a stream move-assigned over another takes its place", "[seam]") {
  auto stream = bg::testing::make_stream({chunk("old")});
  auto other = bg::testing::make_stream({chunk("new")});
  CHECK((*stream.begin())->choices.at(0).text == "old");
  stream = std::move(other);
  CHECK(other.begin() == other.end());  // NOLINT(bugprone-use-after-move)
  const auto folded = stream.collect();
  REQUIRE(folded);
  CHECK(folded->choices.at(0).text == "new");
}
