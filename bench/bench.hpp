// Copyright 2026 The budgateway Authors. SPDX-License-Identifier: Apache-2.0
// The pieces main.cpp alternates: the same work done by raw libcurl (+
// simdjson) and by the SDK, each run reporting what it read so the two sides
// can be checked against each other before their speeds are compared.
#ifndef BUDGATEWAY_BENCH_BENCH_HPP_
#define BUDGATEWAY_BENCH_BENCH_HPP_

#include <budgateway/budgateway.hpp>

#include <cstddef>
#include <cstdint>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

namespace bench {

/// What one timed run did. `checksum` and `value_sum` fold in everything the
/// run read (text lengths, token counts, offsets, logprobs), so a side that
/// skipped work or read something else shows up as a mismatch.
struct RunResult {
  double seconds = 0;
  std::size_t expected = 0;  ///< Responses (or chunks) asked for.
  std::size_t ok = 0;        ///< Responses (or chunks) read successfully.
  std::uint64_t checksum = 0;
  double value_sum = 0;
  std::string first_error;

  double rate() const {
    return seconds > 0 ? static_cast<double>(ok) / seconds : 0;
  }
  bool complete() const { return ok == expected && first_error.empty(); }
};

/// Folds a response (or a parsed body, on the raw side) into a RunResult the
/// same way on both sides.
struct Tally {
  std::uint64_t checksum = 0;
  double value_sum = 0;
};

// ------------------------------------------------------------ requests ----

/// The POST bodies the raw side sends, written to match what the SDK writes
/// for small_request(), stream_request() and big_request().
std::string small_request_json();
std::string stream_request_json();
std::string big_request_json();

budgateway::CompletionRequest small_request();
budgateway::CompletionRequest stream_request();
budgateway::CompletionRequest big_request();

inline constexpr std::string_view kApiKey = "sk-bench";
inline constexpr std::string_view kCompletionsPath = "/completions";

// ------------------------------------------------------------- raw side ----

/// The header lines a raw side sends.
enum class Wire {
  /// Content-Type and Authorization, nothing else: the floor.
  Plain,
  /// The SDK's lines, in its order: Content-Type, User-Agent
  /// (budgateway-cpp/VERSION), Authorization, Accept (application/json, or
  /// text/event-stream for the stream), a fresh x-request-id (a random
  /// UUID v4) per request, and Accept-Encoding: gzip. The two sides then put
  /// the same bytes on the wire, so SDK/raw measures what the SDK itself
  /// adds, not what libcurl charges to format header lines.
  SameAsSdk,
};

/// N POSTs at concurrency C over one multi handle whose easy handles and
/// connections persist across runs (the best a libcurl client can do), each
/// body walked with simdjson: choices[].text and usage.total_tokens.
class RawMulti {
 public:
  RawMulti(std::string url, std::string request_body, std::size_t concurrency,
           Wire wire = Wire::Plain);
  ~RawMulti();
  RawMulti(const RawMulti&) = delete;
  RawMulti& operator=(const RawMulti&) = delete;

  RunResult run(std::size_t total);

 private:
  struct State;
  std::unique_ptr<State> state_;
};

/// One easy handle reused for every request, driven by curl_easy_perform.
class RawEasy {
 public:
  RawEasy(std::string url, std::string request_body, Wire wire = Wire::Plain);
  ~RawEasy();
  RawEasy(const RawEasy&) = delete;
  RawEasy& operator=(const RawEasy&) = delete;

  /// `count` small completions, walked like RawMulti's.
  RunResult run_small(std::size_t count);
  /// `count` logprobs completions, every logprobs field walked.
  RunResult run_big(std::size_t count);
  /// The stream read `repeats` times: SSE split by hand, each chunk's
  /// choices[].text read with simdjson.
  RunResult run_stream(std::size_t repeats);

  /// Public only so raw_clients.cpp's libcurl callbacks can reach it.
  struct State;

 private:
  std::unique_ptr<State> state_;
};

// ------------------------------------------------------------- SDK side ----

void tally_small(const budgateway::CompletionResponse& response, Tally& tally);
void tally_big(const budgateway::CompletionResponse& response, Tally& tally);

RunResult sdk_many(const budgateway::Client& client,
                   const std::vector<budgateway::CompletionRequest>& requests,
                   std::size_t concurrency);
RunResult sdk_sequential(const budgateway::Client& client,
                         const budgateway::CompletionRequest& request,
                         std::size_t count);
RunResult sdk_big(const budgateway::Client& client,
                  const budgateway::CompletionRequest& request,
                  std::size_t count);
RunResult sdk_stream(const budgateway::Client& client,
                     const budgateway::CompletionRequest& request,
                     std::size_t repeats);

// ----------------------------------------------------------- test data ----

/// Writes completion.json, completion_logprobs.json and stream.sse into
/// `directory` (created if missing); returns false and says why on failure.
bool generate_data(const std::string& directory);

/// Chunks in the generated stream that carry data, before `[DONE]`.
std::size_t stream_chunk_count();

}  // namespace bench

#endif  // BUDGATEWAY_BENCH_BENCH_HPP_
