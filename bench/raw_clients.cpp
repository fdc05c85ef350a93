// Copyright 2026 The budgateway Authors. SPDX-License-Identifier: Apache-2.0
// The baselines: libcurl and simdjson used directly, with nothing a typed
// client adds (no retries, no typed structs, no per-request options). Every
// handle, buffer and connection is reused, so these are floors an SDK built
// on libcurl cannot beat.
#include <curl/curl.h>
#include <simdjson.h>

#include <budgateway/version.hpp>

#include <array>
#include <chrono>
#include <cstdint>
#include <random>
#include <string>
#include <utility>
#include <vector>

#include "bench.hpp"

namespace bench {
namespace {

namespace ondemand = simdjson::ondemand;
using Clock = std::chrono::steady_clock;

constexpr long kHttpOk = 200;
/// curl_multi_poll's longest sleep; transfers end it much sooner.
constexpr int kPollTimeoutMs = 1000;
constexpr std::string_view kEventEnd = "\n\n";
constexpr std::string_view kDataPrefix = "data: ";
constexpr std::string_view kDone = "[DONE]";

double seconds_since(Clock::time_point start) {
  return std::chrono::duration<double>(Clock::now() - start).count();
}

std::size_t append_to_string(char* data, std::size_t size, std::size_t count,
                             void* user) {
  static_cast<std::string*>(user)->append(data, size * count);
  return size * count;
}

/// The two headers any client of the endpoint must send.
curl_slist* make_headers() {
  const std::string auth = "Authorization: Bearer " + std::string(kApiKey);
  curl_slist* list =
      curl_slist_append(nullptr, "Content-Type: application/json");
  return curl_slist_append(list, auth.c_str());
}

constexpr std::string_view kRequestIdLine =
    "x-request-id: 00000000-0000-4000-8000-000000000000";
constexpr std::size_t kRequestIdOffset = sizeof("x-request-id: ") - 1;
/// Bodies above this get "Expect:", as the SDK sends them (none here do).
constexpr std::size_t kExpectThreshold = 1024;
/// The raw side's request ids need not be unpredictable, only fresh.
constexpr std::uint64_t kRequestIdSeed = 12;

/// One handle's header lines. With Wire::SameAsSdk each handle owns its
/// list, whose last line is its x-request-id, rewritten in place before each
/// request; with Wire::Plain `request_id` is null and the list may be
/// shared.
struct Headers {
  curl_slist* list = nullptr;
  char* request_id = nullptr;
};

/// The lines the SDK sends (src/call/context.cpp: the client's lines, then
/// Expect: for a large body and the request's id).
Headers make_sdk_headers(std::string_view accept, std::size_t body_size) {
  const std::string lines[] = {
      "Content-Type: application/json",
      std::string("User-Agent: budgateway-cpp/") + BUDGATEWAY_VERSION_STRING,
      "Authorization: Bearer " + std::string(kApiKey),
      "Accept: " + std::string(accept),
  };
  Headers headers;
  for (const auto& line : lines) {
    headers.list = curl_slist_append(headers.list, line.c_str());
  }
  if (body_size > kExpectThreshold) {
    headers.list = curl_slist_append(headers.list, "Expect:");
  }
  headers.list =
      curl_slist_append(headers.list, std::string(kRequestIdLine).c_str());
  curl_slist* last = headers.list;
  while (last->next != nullptr) last = last->next;
  headers.request_id = last->data + kRequestIdOffset;
  return headers;
}

/// A random UUID v4 in the SDK's spelling (36 lower-case characters), from
/// two draws of a 64-bit Mersenne Twister as the SDK makes it, written over
/// the id in `headers` with no allocation.
void renew_request_id(Headers& headers, std::mt19937_64& engine) {
  if (headers.request_id == nullptr) return;
  constexpr std::string_view kHex = "0123456789abcdef";
  constexpr std::size_t kBytes = 16;
  std::array<unsigned char, kBytes> bytes{};
  for (std::size_t i = 0; i < kBytes; i += sizeof(std::uint64_t)) {
    std::uint64_t word = engine();
    for (std::size_t j = 0; j < sizeof(std::uint64_t); ++j) {
      bytes[i + j] = static_cast<unsigned char>(word);
      word >>= 8U;
    }
  }
  bytes[6] = static_cast<unsigned char>((bytes[6] & 0x0fU) | 0x40U);
  bytes[8] = static_cast<unsigned char>((bytes[8] & 0x3fU) | 0x80U);
  char* out = headers.request_id;
  for (std::size_t i = 0; i < kBytes; ++i) {
    *out++ = kHex[bytes[i] >> 4U];
    *out++ = kHex[bytes[i] & 0x0fU];
    if (i == 3 || i == 5 || i == 7 || i == 9) *out++ = '-';
  }
}

/// What libcurl does with the headers of a wire-equal handle: only gzip
/// offered, as the SDK sets CURLOPT_ACCEPT_ENCODING (src/http/curl.cpp).
void set_wire_options(CURL* handle, Wire wire) {
  if (wire == Wire::SameAsSdk) {
    curl_easy_setopt(handle, CURLOPT_ACCEPT_ENCODING, "gzip");
  }
}

/// Sets what every request of a handle shares, once: later requests on the
/// same handle reuse these settings.
void set_post(CURL* handle, const std::string& url, curl_slist* headers,
              const std::string& body, std::string* sink) {
  curl_easy_setopt(handle, CURLOPT_URL, url.c_str());
  curl_easy_setopt(handle, CURLOPT_HTTPHEADER, headers);
  curl_easy_setopt(handle, CURLOPT_POSTFIELDS, body.c_str());
  curl_easy_setopt(handle, CURLOPT_POSTFIELDSIZE_LARGE,
                   static_cast<curl_off_t>(body.size()));
  curl_easy_setopt(handle, CURLOPT_WRITEFUNCTION, append_to_string);
  curl_easy_setopt(handle, CURLOPT_WRITEDATA, sink);
  curl_easy_setopt(handle, CURLOPT_NOSIGNAL, 1L);
}

/// simdjson reads up to SIMDJSON_PADDING bytes past the end; reserving them
/// in the body's own capacity spares copying it into a padded_string.
simdjson::padded_string_view padded(std::string& body) {
  body.reserve(body.size() + simdjson::SIMDJSON_PADDING);
  return simdjson::padded_string_view(body.data(), body.size(),
                                      body.capacity());
}

std::uint64_t as_count(std::int64_t value) {
  return static_cast<std::uint64_t>(value);
}

/// choices[].text and usage.total_tokens: the least a typed client reads.
void walk_small(ondemand::parser& parser, std::string& body, Tally& tally) {
  ondemand::document document = parser.iterate(padded(body));
  for (auto choice : document["choices"]) {
    const std::string_view text = choice["text"];
    tally.checksum += text.size();
  }
  const std::int64_t total_tokens = document["usage"]["total_tokens"];
  tally.checksum += as_count(total_tokens);
}

/// Every field of the legacy logprobs object, in document order: the
/// tokens, each token's logprob, each top-logprobs entry (its token
/// unescaped and its logprob), and the text offsets.
void walk_logprobs(ondemand::object logprobs, Tally& tally) {
  for (auto token : logprobs["tokens"]) {
    const std::string_view text = token.get_string();
    tally.checksum += text.size();
  }
  for (auto logprob : logprobs["token_logprobs"]) {
    double value = 0;
    if (logprob.get_double().get(value) == simdjson::SUCCESS) {
      tally.value_sum += value;
      ++tally.checksum;
    }
  }
  for (auto entry : logprobs["top_logprobs"]) {
    for (auto field : entry.get_object()) {
      const std::string_view token = field.unescaped_key();
      const double value = field.value().get_double();
      tally.checksum += token.size() + 1;
      tally.value_sum += value;
    }
  }
  for (auto offset : logprobs["text_offset"]) {
    const std::int64_t value = offset.get_int64();
    tally.checksum += as_count(value);
  }
}

void walk_big(ondemand::parser& parser, std::string& body, Tally& tally) {
  ondemand::document document = parser.iterate(padded(body));
  for (auto choice : document["choices"]) {
    const std::string_view text = choice["text"];
    tally.checksum += text.size();
    walk_logprobs(choice["logprobs"].get_object(), tally);
  }
  const std::int64_t total_tokens = document["usage"]["total_tokens"];
  tally.checksum += as_count(total_tokens);
}

void note_error(RunResult& result, std::string message) {
  if (result.first_error.empty()) result.first_error = std::move(message);
}

}  // namespace

// ------------------------------------------------------------- RawMulti ----

struct RawMulti::State {
  struct Slot {
    CURL* handle = nullptr;
    std::string body;
    /// Wire::SameAsSdk: this handle's own lines; else empty.
    Headers own;
  };

  std::string url;
  std::string request_body;
  /// Wire::Plain: the one list every handle sends.
  curl_slist* headers = nullptr;
  CURLM* multi = nullptr;
  std::vector<Slot> slots;
  ondemand::parser parser;
  std::mt19937_64 ids{kRequestIdSeed};
};

RawMulti::RawMulti(std::string url, std::string request_body,
                   std::size_t concurrency, Wire wire)
    : state_(std::make_unique<State>()) {
  curl_global_init(CURL_GLOBAL_DEFAULT);
  state_->url = std::move(url);
  state_->request_body = std::move(request_body);
  if (wire == Wire::Plain) state_->headers = make_headers();
  state_->multi = curl_multi_init();
  curl_multi_setopt(state_->multi, CURLMOPT_MAX_TOTAL_CONNECTIONS,
                    static_cast<long>(concurrency));
  state_->slots.resize(concurrency);
  for (auto& slot : state_->slots) {
    slot.handle = curl_easy_init();
    if (wire == Wire::SameAsSdk) {
      slot.own =
          make_sdk_headers("application/json", state_->request_body.size());
    }
    set_post(slot.handle, state_->url,
             wire == Wire::SameAsSdk ? slot.own.list : state_->headers,
             state_->request_body, &slot.body);
    set_wire_options(slot.handle, wire);
    curl_easy_setopt(slot.handle, CURLOPT_PRIVATE, static_cast<void*>(&slot));
  }
}

RawMulti::~RawMulti() {
  for (auto& slot : state_->slots) {
    curl_easy_cleanup(slot.handle);
    curl_slist_free_all(slot.own.list);
  }
  curl_multi_cleanup(state_->multi);
  curl_slist_free_all(state_->headers);
}

RunResult RawMulti::run(std::size_t total) {
  State& state = *state_;
  RunResult result;
  result.expected = total;
  Tally tally;
  std::size_t started = 0;
  std::size_t done = 0;
  auto start_one = [&](State::Slot& slot) {
    slot.body.clear();
    renew_request_id(slot.own, state.ids);
    curl_multi_add_handle(state.multi, slot.handle);
    ++started;
  };
  const auto start = Clock::now();
  for (auto& slot : state.slots) {
    if (started == total) break;
    start_one(slot);
  }
  while (done < total) {
    int running = 0;
    curl_multi_perform(state.multi, &running);
    int queued = 0;
    while (CURLMsg* message = curl_multi_info_read(state.multi, &queued)) {
      if (message->msg != CURLMSG_DONE) continue;
      char* owner = nullptr;
      curl_easy_getinfo(message->easy_handle, CURLINFO_PRIVATE, &owner);
      auto& slot = *static_cast<State::Slot*>(static_cast<void*>(owner));
      long status = 0;
      curl_easy_getinfo(slot.handle, CURLINFO_RESPONSE_CODE, &status);
      const CURLcode code = message->data.result;
      curl_multi_remove_handle(state.multi, slot.handle);
      ++done;
      if (code == CURLE_OK && status == kHttpOk) {
        walk_small(state.parser, slot.body, tally);
        ++result.ok;
      } else {
        note_error(result, code != CURLE_OK ? curl_easy_strerror(code)
                                            : "HTTP " + std::to_string(status));
      }
      if (started < total) start_one(slot);
    }
    if (done < total) {
      curl_multi_poll(state.multi, nullptr, 0, kPollTimeoutMs, nullptr);
    }
  }
  result.seconds = seconds_since(start);
  result.checksum = tally.checksum;
  result.value_sum = tally.value_sum;
  return result;
}

// -------------------------------------------------------------- RawEasy ----

struct RawEasy::State {
  std::string url;
  std::string request_body;
  /// Wire::Plain: `unary` holds the two lines and serves the stream too.
  Headers unary;
  Headers stream;
  CURL* handle = nullptr;
  std::string body;
  ondemand::parser parser;
  std::mt19937_64 ids{kRequestIdSeed};

  // Streaming: bytes not yet split into events, and one event's data
  // copied with padding (its buffer reused from event to event).
  std::string pending;
  std::string event;
  Tally stream_tally;
  std::size_t stream_chunks = 0;
  bool stream_done = false;
};

namespace {

void on_event(RawEasy::State& state, std::string_view data);

std::size_t on_stream_data(char* data, std::size_t size, std::size_t count,
                           void* user) {
  auto& state = *static_cast<RawEasy::State*>(user);
  state.pending.append(data, size * count);
  std::size_t position = 0;
  for (std::size_t end = state.pending.find(kEventEnd, position);
       end != std::string::npos;
       end = state.pending.find(kEventEnd, position)) {
    const std::string_view event(state.pending.data() + position,
                                 end - position);
    if (event.substr(0, kDataPrefix.size()) == kDataPrefix) {
      on_event(state, event.substr(kDataPrefix.size()));
    }
    position = end + kEventEnd.size();
  }
  state.pending.erase(0, position);
  return size * count;
}

void on_event(RawEasy::State& state, std::string_view data) {
  if (data == kDone) {
    state.stream_done = true;
    return;
  }
  state.event.assign(data);
  ondemand::document document = state.parser.iterate(padded(state.event));
  for (auto choice : document["choices"]) {
    const std::string_view text = choice["text"];
    state.stream_tally.checksum += text.size();
  }
  ++state.stream_chunks;
}

}  // namespace

RawEasy::RawEasy(std::string url, std::string request_body, Wire wire)
    : state_(std::make_unique<State>()) {
  curl_global_init(CURL_GLOBAL_DEFAULT);
  state_->url = std::move(url);
  state_->request_body = std::move(request_body);
  if (wire == Wire::SameAsSdk) {
    const std::size_t size = state_->request_body.size();
    state_->unary = make_sdk_headers("application/json", size);
    state_->stream = make_sdk_headers("text/event-stream", size);
  } else {
    state_->unary.list = make_headers();
  }
  state_->handle = curl_easy_init();
  set_post(state_->handle, state_->url, state_->unary.list,
           state_->request_body, &state_->body);
  set_wire_options(state_->handle, wire);
}

RawEasy::~RawEasy() {
  curl_easy_cleanup(state_->handle);
  curl_slist_free_all(state_->unary.list);
  curl_slist_free_all(state_->stream.list);
}

namespace {

template <typename Walk>
RunResult run_easy(RawEasy::State& state, std::size_t count, Walk&& walk) {
  CURL* handle = state.handle;
  std::string& body = state.body;
  RunResult result;
  result.expected = count;
  Tally tally;
  const auto start = Clock::now();
  for (std::size_t i = 0; i < count; ++i) {
    body.clear();
    renew_request_id(state.unary, state.ids);
    const CURLcode code = curl_easy_perform(handle);
    long status = 0;
    curl_easy_getinfo(handle, CURLINFO_RESPONSE_CODE, &status);
    if (code == CURLE_OK && status == kHttpOk) {
      walk(body, tally);
      ++result.ok;
    } else {
      note_error(result, code != CURLE_OK ? curl_easy_strerror(code)
                                          : "HTTP " + std::to_string(status));
    }
  }
  result.seconds = seconds_since(start);
  result.checksum = tally.checksum;
  result.value_sum = tally.value_sum;
  return result;
}

}  // namespace

RunResult RawEasy::run_small(std::size_t count) {
  return run_easy(*state_, count, [this](std::string& body, Tally& tally) {
    walk_small(state_->parser, body, tally);
  });
}

RunResult RawEasy::run_big(std::size_t count) {
  return run_easy(*state_, count, [this](std::string& body, Tally& tally) {
    walk_big(state_->parser, body, tally);
  });
}

RunResult RawEasy::run_stream(std::size_t repeats) {
  State& state = *state_;
  curl_easy_setopt(state.handle, CURLOPT_WRITEFUNCTION, on_stream_data);
  curl_easy_setopt(state.handle, CURLOPT_WRITEDATA, &state);
  Headers& headers = state.stream.list != nullptr ? state.stream : state.unary;
  curl_easy_setopt(state.handle, CURLOPT_HTTPHEADER, headers.list);
  RunResult result;
  result.expected = repeats * stream_chunk_count();
  state.stream_tally = {};
  state.stream_chunks = 0;
  const auto start = Clock::now();
  for (std::size_t i = 0; i < repeats; ++i) {
    state.pending.clear();
    state.stream_done = false;
    renew_request_id(headers, state.ids);
    const CURLcode code = curl_easy_perform(state.handle);
    long status = 0;
    curl_easy_getinfo(state.handle, CURLINFO_RESPONSE_CODE, &status);
    if (code != CURLE_OK || status != kHttpOk || !state.stream_done) {
      note_error(result,
                 code != CURLE_OK
                     ? curl_easy_strerror(code)
                     : "HTTP " + std::to_string(status) +
                           (state.stream_done ? "" : " without [DONE]"));
    }
  }
  result.seconds = seconds_since(start);
  result.ok = state.stream_chunks;
  result.checksum = state.stream_tally.checksum;
  curl_easy_setopt(state.handle, CURLOPT_WRITEFUNCTION, append_to_string);
  curl_easy_setopt(state.handle, CURLOPT_WRITEDATA, &state.body);
  curl_easy_setopt(state.handle, CURLOPT_HTTPHEADER, state.unary.list);
  return result;
}

}  // namespace bench
