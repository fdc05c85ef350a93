// Copyright 2026 The budgateway Authors. SPDX-License-Identifier: Apache-2.0
// What the integration tests share: choosing a fake gateway scenario, and
// draining a stream into its chunks and its final error.
#ifndef BUDGATEWAY_TESTS_INTEGRATION_HELPERS_HPP_
#define BUDGATEWAY_TESTS_INTEGRATION_HELPERS_HPP_

#include <budgateway/budgateway.hpp>

#include <chrono>
#include <cstdint>
#include <optional>
#include <string>
#include <utility>
#include <vector>

namespace budgateway::testing {

/// Options for a client of the fake gateway at `base_url`, with back-off
/// short enough that retry tests take milliseconds.
inline ClientOptions fake_gateway_options(std::string base_url,
                                          std::string api_key) {
  ClientOptions options;
  options.base_url = std::move(base_url);
  options.api_key = std::move(api_key);
  options.initial_backoff = std::chrono::milliseconds(1);
  options.max_backoff = std::chrono::milliseconds(5);
  return options;
}

/// CallOptions that pick a fake gateway scenario, with its `x-fake-*`
/// parameters (or any other header) after it.
inline CallOptions scenario(std::string name, HeaderList more = {}) {
  CallOptions call;
  call.extra_headers.emplace_back("x-fake-scenario", std::move(name));
  for (auto& header : more) call.extra_headers.push_back(std::move(header));
  return call;
}

/// Everything a stream yielded: the chunks, and the error that ended it.
struct Drained {
  std::vector<CompletionChunk> chunks;
  std::optional<Error> error;

  /// The text of one choice, concatenated over the chunks.
  std::string text(std::int64_t index = 0) const {
    std::string all;
    for (const auto& chunk : chunks) {
      for (const auto& choice : chunk.choices) {
        if (choice.index == index) all += choice.text;
      }
    }
    return all;
  }
};

inline Drained drain(CompletionStream stream) {
  Drained out;
  for (auto& element : stream) {
    if (!element) {
      out.error = element.error();
      break;
    }
    out.chunks.push_back(std::move(*element));
  }
  return out;
}

}  // namespace budgateway::testing

#endif  // BUDGATEWAY_TESTS_INTEGRATION_HELPERS_HPP_
