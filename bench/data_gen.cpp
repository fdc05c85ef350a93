// Copyright 2026 The budgateway Authors. SPDX-License-Identifier: Apache-2.0
// The canned answers nginx serves, generated so the benchmark needs nothing
// outside the repository: a small completion, a legacy-logprobs completion
// (n=4, 256 tokens each, logprobs=5) and a 20,000-chunk stream. A fixed seed
// makes every run serve the same bytes.
#include <algorithm>
#include <array>
#include <charconv>
#include <cstdint>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "bench.hpp"

namespace bench {
namespace {

/// 283 bytes, as an OpenAI-compatible server answers a short completion.
constexpr std::string_view kSmallCompletion =
    R"({"id":"cmpl-8f3b2a","object":"text_completion","created":1699000000,)"
    R"("model":"gpt-3.5-turbo-instruct","choices":[{"text":"\n\nSweet moments, )"
    R"(one scoop at a time.","index":0,"logprobs":null,"finish_reason":"stop"}],)"
    R"("usage":{"prompt_tokens":10,"completion_tokens":12,"total_tokens":22}})";

constexpr std::array<std::string_view, 33> kWords = {
    "his", "as",   "have", "to",  "in",   "that", "which", "there", "by",
    "and", "is",   "they", "an",  "not",  "for",  "on",    "it",    "are",
    "or",  "with", "be",   "she", "were", "her",  "you",   "from",  "at",
    "was", "this", "but",  "of",  "he",   "the"};

constexpr std::uint64_t kSeed = 0x5eed'b0d9'a7e3'0001;
constexpr std::size_t kBigChoices = 4;
constexpr std::size_t kBigTokens = 256;
constexpr std::size_t kTopLogprobs = 5;
constexpr std::size_t kBigPromptTokens = 10;
/// Logprobs are drawn from (-kLogprobSpan, 0].
constexpr double kLogprobSpan = 4.0;
constexpr std::size_t kStreamChunks = 20000;
constexpr std::size_t kStreamPromptTokens = 5;

/// splitmix64: tiny, and its output is the same on every platform, unlike
/// the standard library's distributions.
class Random {
 public:
  explicit Random(std::uint64_t seed) : state_(seed) {}

  std::uint64_t next() {
    constexpr std::uint64_t kIncrement = 0x9e3779b97f4a7c15;
    constexpr std::uint64_t kMix1 = 0xbf58476d1ce4e5b9;
    constexpr std::uint64_t kMix2 = 0x94d049bb133111eb;
    constexpr int kShift1 = 30;
    constexpr int kShift2 = 27;
    constexpr int kShift3 = 31;
    std::uint64_t z = (state_ += kIncrement);
    z = (z ^ (z >> kShift1)) * kMix1;
    z = (z ^ (z >> kShift2)) * kMix2;
    return z ^ (z >> kShift3);
  }

  /// Uniform in [0, 1), from the top 53 bits.
  double unit() {
    constexpr int kMantissaBits = 53;
    constexpr double kScale = 1.0 / static_cast<double>(1ULL << kMantissaBits);
    return static_cast<double>(next() >> (64 - kMantissaBits)) * kScale;
  }

  std::size_t below(std::size_t bound) { return next() % bound; }

 private:
  std::uint64_t state_;
};

/// Enough for any double's shortest round-trip form.
constexpr std::size_t kDoubleTextBytes = 32;

void append_double(std::string& out, double value) {
  std::array<char, kDoubleTextBytes> buffer{};
  const auto [end, error] =
      std::to_chars(buffer.data(), buffer.data() + buffer.size(), value);
  out.append(buffer.data(), end);
}

template <typename T, typename Append>
void append_array(std::string& out, const T& items, Append&& append) {
  out += '[';
  for (std::size_t i = 0; i < items.size(); ++i) {
    if (i > 0) out += ',';
    append(items[i]);
  }
  out += ']';
}

struct TokenDraw {
  std::string token;
  double logprob = 0;
  /// Up to kTopLogprobs alternatives (word index, logprob).
  std::vector<std::pair<std::size_t, double>> top;
};

TokenDraw draw_token(Random& random) {
  TokenDraw draw;
  draw.token = std::string(kWords[random.below(kWords.size())]) + " ";
  draw.logprob = -kLogprobSpan * random.unit();
  // kTopLogprobs draws, a repeated word dropped as a JSON object cannot
  // repeat a key: 4.7 alternatives on average, as servers' maps collapse.
  for (std::size_t i = 0; i < kTopLogprobs; ++i) {
    const std::size_t word = random.below(kWords.size());
    const double logprob = -kLogprobSpan * random.unit();
    const bool repeated =
        std::any_of(draw.top.begin(), draw.top.end(),
                    [&](const auto& top) { return top.first == word; });
    if (!repeated) draw.top.emplace_back(word, logprob);
  }
  return draw;
}

std::string big_choice(Random& random, std::size_t index) {
  std::vector<TokenDraw> draws;
  std::string text;
  std::vector<std::size_t> offsets;
  for (std::size_t i = 0; i < kBigTokens; ++i) {
    draws.push_back(draw_token(random));
    offsets.push_back(text.size());
    text += draws.back().token;
  }
  std::string out = R"({"text":")" + text + R"(","index":)" +
                    std::to_string(index) + R"(,"logprobs":{"tokens":)";
  append_array(out, draws,
               [&](const TokenDraw& d) { out += '"' + d.token + '"'; });
  out += R"(,"token_logprobs":)";
  append_array(out, draws,
               [&](const TokenDraw& d) { append_double(out, d.logprob); });
  out += R"(,"top_logprobs":)";
  append_array(out, draws, [&](const TokenDraw& d) {
    out += '{';
    for (std::size_t i = 0; i < d.top.size(); ++i) {
      if (i > 0) out += ',';
      out += '"' + std::string(kWords[d.top[i].first]) + "\":";
      append_double(out, d.top[i].second);
    }
    out += '}';
  });
  out += R"(,"text_offset":)";
  append_array(out, offsets,
               [&](std::size_t offset) { out += std::to_string(offset); });
  out += R"(},"finish_reason":"length"})";
  return out;
}

std::string big_completion() {
  Random random(kSeed);
  std::string out =
      R"({"id":"cmpl-9a1c","object":"text_completion","created":1699000001,)"
      R"("model":"gpt-3.5-turbo-instruct","choices":[)";
  for (std::size_t i = 0; i < kBigChoices; ++i) {
    if (i > 0) out += ',';
    out += big_choice(random, i);
  }
  const std::size_t completion_tokens = kBigChoices * kBigTokens;
  out += R"(],"usage":{"prompt_tokens":)" + std::to_string(kBigPromptTokens) +
         R"(,"completion_tokens":)" + std::to_string(completion_tokens) +
         R"(,"total_tokens":)" +
         std::to_string(kBigPromptTokens + completion_tokens) + "}}";
  return out;
}

constexpr std::string_view kChunkHead =
    R"(data: {"id":"cmpl-s1","object":"text_completion","created":1699000002,)"
    R"("model":"gpt-3.5-turbo-instruct","choices":[{"text":")";

std::string stream_body() {
  Random random(kSeed);
  std::string out;
  for (std::size_t i = 0; i < kStreamChunks; ++i) {
    out += kChunkHead;
    out += ' ';
    out += kWords[random.below(kWords.size())];
    out += R"(","index":0,"logprobs":null,"finish_reason":null}]})";
    out += "\n\n";
  }
  out += kChunkHead;
  out += R"(","index":0,"logprobs":null,"finish_reason":"length"}],)";
  out += R"("usage":{"prompt_tokens":)" + std::to_string(kStreamPromptTokens) +
         R"(,"completion_tokens":)" + std::to_string(kStreamChunks) +
         R"(,"total_tokens":)" +
         std::to_string(kStreamPromptTokens + kStreamChunks) + "}}\n\n";
  out += "data: [DONE]\n\n";
  return out;
}

bool write_file(const std::filesystem::path& path, std::string_view content) {
  std::ofstream file(path, std::ios::binary | std::ios::trunc);
  file.write(content.data(), static_cast<std::streamsize>(content.size()));
  if (!file) {
    std::cerr << "cannot write " << path << '\n';
    return false;
  }
  std::cout << path.string() << ": " << content.size() << " bytes\n";
  return true;
}

}  // namespace

std::size_t stream_chunk_count() { return kStreamChunks + 1; }

bool generate_data(const std::string& directory) {
  const std::filesystem::path dir(directory);
  std::error_code error;
  std::filesystem::create_directories(dir, error);
  if (error) {
    std::cerr << "cannot create " << directory << ": " << error.message()
              << '\n';
    return false;
  }
  return write_file(dir / "completion.json", kSmallCompletion) &&
         write_file(dir / "completion_logprobs.json", big_completion()) &&
         write_file(dir / "stream.sse", stream_body());
}

}  // namespace bench
