// Copyright 2026 The budgateway Authors. SPDX-License-Identifier: Apache-2.0
// The SDK side of each figure: the same work as raw_clients.cpp through the
// public API only, reading the typed results into the same tallies.
#include <chrono>
#include <utility>

#include "bench.hpp"

namespace bench {
namespace {

namespace bg = budgateway;
using Clock = std::chrono::steady_clock;

double seconds_since(Clock::time_point start) {
  return std::chrono::duration<double>(Clock::now() - start).count();
}

std::uint64_t as_count(std::int64_t value) {
  return static_cast<std::uint64_t>(value);
}

void note_error(RunResult& result, const bg::Error& error) {
  if (result.first_error.empty()) result.first_error = error.to_string();
}

void finish(RunResult& result, const Tally& tally, Clock::time_point start) {
  result.seconds = seconds_since(start);
  result.checksum = tally.checksum;
  result.value_sum = tally.value_sum;
}

}  // namespace

void tally_small(const bg::CompletionResponse& response, Tally& tally) {
  for (const auto& choice : response.choices) {
    tally.checksum += choice.text.size();
  }
  if (response.usage) tally.checksum += as_count(response.usage->total_tokens);
}

void tally_big(const bg::CompletionResponse& response, Tally& tally) {
  for (const auto& choice : response.choices) {
    tally.checksum += choice.text.size();
    if (!choice.logprobs) continue;
    const bg::Logprobs& logprobs = *choice.logprobs;
    for (const auto& token : logprobs.tokens) tally.checksum += token.size();
    for (const auto& logprob : logprobs.token_logprobs) {
      if (!logprob) continue;
      tally.value_sum += *logprob;
      ++tally.checksum;
    }
    for (const auto& entry : logprobs.top_logprobs) {
      for (const auto& top : entry) {
        tally.checksum += top.token.size() + 1;
        tally.value_sum += top.logprob;
      }
    }
    for (const auto offset : logprobs.text_offset) {
      tally.checksum += as_count(offset);
    }
  }
  if (response.usage) tally.checksum += as_count(response.usage->total_tokens);
}

RunResult sdk_many(const bg::Client& client,
                   const std::vector<bg::CompletionRequest>& requests,
                   std::size_t concurrency) {
  RunResult result;
  result.expected = requests.size();
  Tally tally;
  const auto start = Clock::now();
  {
    // The results are freed inside the timed region: a caller pays for that.
    bg::BatchOptions options;
    options.max_concurrency = concurrency;
    const auto results = client.complete_many(requests, options);
    for (const auto& response : results) {
      if (!response) {
        note_error(result, response.error());
        continue;
      }
      tally_small(*response, tally);
      ++result.ok;
    }
  }
  finish(result, tally, start);
  return result;
}

namespace {

template <typename TallyFn>
RunResult sequential(const bg::Client& client,
                     const bg::CompletionRequest& request, std::size_t count,
                     TallyFn&& tally_fn) {
  RunResult result;
  result.expected = count;
  Tally tally;
  const auto start = Clock::now();
  for (std::size_t i = 0; i < count; ++i) {
    const auto response = client.complete(request);
    if (!response) {
      note_error(result, response.error());
      continue;
    }
    tally_fn(*response, tally);
    ++result.ok;
  }
  finish(result, tally, start);
  return result;
}

}  // namespace

RunResult sdk_sequential(const bg::Client& client,
                         const bg::CompletionRequest& request,
                         std::size_t count) {
  return sequential(client, request, count, tally_small);
}

RunResult sdk_big(const bg::Client& client,
                  const bg::CompletionRequest& request, std::size_t count) {
  return sequential(client, request, count, tally_big);
}

RunResult sdk_stream(const bg::Client& client,
                     const bg::CompletionRequest& request,
                     std::size_t repeats) {
  RunResult result;
  result.expected = repeats * stream_chunk_count();
  Tally tally;
  const auto start = Clock::now();
  for (std::size_t i = 0; i < repeats; ++i) {
    auto stream = client.stream(request);
    for (const auto& chunk : stream) {
      if (!chunk) {
        note_error(result, chunk.error());
        break;
      }
      if (!chunk->choices.empty()) {
        tally.checksum += chunk->choices[0].text.size();
      }
      ++result.ok;
    }
  }
  finish(result, tally, start);
  return result;
}

}  // namespace bench
