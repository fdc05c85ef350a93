// Copyright 2026 The budgateway Authors. SPDX-License-Identifier: Apache-2.0
// The three requests of the benchmark, typed for the SDK and as the JSON the
// raw side posts; the two spellings of each carry the same members.
#include "bench.hpp"

namespace bench {
namespace {

constexpr std::string_view kModel = "gpt-3.5-turbo-instruct";
constexpr std::string_view kSmallPrompt =
    "Write a tagline for an ice cream shop.";
constexpr std::int64_t kSmallMaxTokens = 50;
constexpr double kSmallTemperature = 0.7;
constexpr std::string_view kStreamPrompt = "hi";
constexpr std::int64_t kBigMaxTokens = 256;
constexpr std::int64_t kBigChoices = 4;
constexpr std::int64_t kBigLogprobs = 5;

}  // namespace

std::string small_request_json() {
  return R"({"model":"gpt-3.5-turbo-instruct","prompt":"Write a tagline for an ice cream shop.","max_tokens":50,"temperature":0.7})";
}

std::string stream_request_json() {
  return R"({"model":"gpt-3.5-turbo-instruct","prompt":"hi","stream":true})";
}

std::string big_request_json() {
  return R"({"model":"gpt-3.5-turbo-instruct","prompt":"Write a tagline for an ice cream shop.","max_tokens":256,"n":4,"logprobs":5})";
}

budgateway::CompletionRequest small_request() {
  budgateway::CompletionRequest request;
  request.model = kModel;
  request.prompt = kSmallPrompt;
  request.max_tokens = kSmallMaxTokens;
  request.temperature = kSmallTemperature;
  return request;
}

budgateway::CompletionRequest stream_request() {
  budgateway::CompletionRequest request;
  request.model = kModel;
  request.prompt = kStreamPrompt;
  return request;
}

budgateway::CompletionRequest big_request() {
  budgateway::CompletionRequest request = small_request();
  request.max_tokens = kBigMaxTokens;
  request.temperature.reset();
  request.n = kBigChoices;
  request.logprobs = kBigLogprobs;
  return request;
}

}  // namespace bench
