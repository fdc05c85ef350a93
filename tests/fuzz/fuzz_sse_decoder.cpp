// Copyright 2026 The budgateway Authors. SPDX-License-Identifier: Apache-2.0
// Feeds the input to SseDecoder in pieces and checks that the events equal
// those of one whole feed and those of a naive reference decoder.
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <limits>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "sse/decoder.hpp"

namespace {

using budgateway::detail::SseDecoder;
using budgateway::detail::SseEvent;

// Input layout: [split seed][limit byte][stream bytes...].
constexpr std::size_t kHeaderBytes = 2;
constexpr std::size_t kMaxPieceBytes = 16;
constexpr std::uint32_t kLcgMultiplier = 1664525;
constexpr std::uint32_t kLcgIncrement = 1013904223;
constexpr unsigned kLcgHighBitsShift = 16;

struct Outcome {
  std::vector<SseEvent> events;
  bool failed = false;
  bool partial = false;
};

bool same_event(const SseEvent& a, const SseEvent& b) {
  return a.type == b.type && a.data == b.data && a.id == b.id &&
         a.retry == b.retry && a.error == b.error;
}

bool same_events(const std::vector<SseEvent>& a,
                 const std::vector<SseEvent>& b) {
  if (a.size() != b.size()) return false;
  for (std::size_t i = 0; i < a.size(); ++i) {
    if (!same_event(a[i], b[i])) return false;
  }
  return true;
}

void check(bool condition) {
  if (!condition) std::abort();
}

void drain(SseDecoder& decoder, Outcome& outcome) {
  while (decoder.has_event()) outcome.events.push_back(decoder.pop_event());
}

Outcome decode_whole(std::string_view stream, std::size_t max_event_bytes) {
  SseDecoder decoder(max_event_bytes);
  Outcome outcome;
  check(decoder.feed(stream) == !decoder.failed());
  drain(decoder, outcome);
  outcome.failed = decoder.failed();
  outcome.partial = decoder.has_partial_event();
  return outcome;
}

// Piece sizes 1..kMaxPieceBytes from a small LCG, so one seed byte gives
// many different split patterns, including CR / LF split from each other.
Outcome decode_pieces(std::string_view stream, std::uint32_t seed,
                      std::size_t max_event_bytes) {
  SseDecoder decoder(max_event_bytes);
  Outcome outcome;
  std::uint32_t state = seed;
  while (!stream.empty()) {
    state = state * kLcgMultiplier + kLcgIncrement;
    const std::size_t size = 1 + (state >> kLcgHighBitsShift) % kMaxPieceBytes;
    const std::string_view piece = stream.substr(0, size);
    stream.remove_prefix(piece.size());
    check(decoder.feed(piece) == !decoder.failed());
    drain(decoder, outcome);
  }
  outcome.failed = decoder.failed();
  outcome.partial = decoder.has_partial_event();
  return outcome;
}

// The reference: cut the whole stream into lines first, then apply the
// field rules line by line, with no buffering cleverness at all.
struct ReferenceLines {
  std::vector<std::string> lines;
  std::string unfinished;
};

constexpr std::string_view kBom = "\xEF\xBB\xBF";

// A stream cut inside what may still become a BOM: no line has begun yet.
bool is_bom_prefix(std::string_view stream) {
  return !stream.empty() && stream.size() < kBom.size() &&
         kBom.substr(0, stream.size()) == stream;
}

ReferenceLines split_lines(std::string_view stream) {
  if (stream.substr(0, kBom.size()) == kBom) stream.remove_prefix(kBom.size());
  ReferenceLines result;
  std::string current;
  for (std::size_t i = 0; i < stream.size(); ++i) {
    const char c = stream[i];
    if (c == '\r') {
      result.lines.push_back(current);
      current.clear();
      if (i + 1 < stream.size() && stream[i + 1] == '\n') ++i;
    } else if (c == '\n') {
      result.lines.push_back(current);
      current.clear();
    } else {
      current += c;
    }
  }
  result.unfinished = current;
  return result;
}

bool all_digits(const std::string& value) {
  if (value.empty()) return false;
  for (char c : value) {
    if (c < '0' || c > '9') return false;
  }
  return true;
}

std::optional<std::int64_t> reference_retry(const std::string& value) {
  if (!all_digits(value)) return std::nullopt;
  constexpr std::int64_t kMax = std::numeric_limits<std::int64_t>::max();
  constexpr std::int64_t kBase = 10;
  std::int64_t result = 0;
  for (char c : value) {
    const std::int64_t digit = c - '0';
    if (result > (kMax - digit) / kBase) return std::nullopt;
    result = result * kBase + digit;
  }
  return result;
}

// Fails like SseDecoder: when the field lines of the pending event plus the
// line being read exceed `max_event_bytes`.
Outcome decode_reference(std::string_view stream, std::size_t max_event_bytes) {
  const ReferenceLines split = split_lines(stream);
  Outcome outcome;
  std::size_t pending_bytes = 0;
  std::string last_id;
  std::string type;
  std::vector<std::string> data_lines;
  std::vector<std::string> error_lines;
  std::optional<std::int64_t> retry;
  bool field_seen = false;
  for (const std::string& line : split.lines) {
    if (pending_bytes + line.size() > max_event_bytes) {
      outcome.failed = true;
      outcome.partial = true;
      return outcome;
    }
    if (line.empty()) {
      if (!data_lines.empty() || !error_lines.empty()) {
        SseEvent event;
        event.type = type;
        for (std::size_t i = 0; i < data_lines.size(); ++i) {
          if (i > 0) event.data += '\n';
          event.data += data_lines[i];
        }
        for (std::size_t i = 0; i < error_lines.size(); ++i) {
          if (i > 0) event.error += '\n';
          event.error += error_lines[i];
        }
        event.id = last_id;
        event.retry = retry;
        outcome.events.push_back(event);
      }
      type.clear();
      data_lines.clear();
      error_lines.clear();
      retry.reset();
      field_seen = false;
      pending_bytes = 0;
      continue;
    }
    if (line[0] == ':') continue;
    field_seen = true;
    pending_bytes += line.size();
    std::string name = line;
    std::string value;
    const std::size_t colon = line.find(':');
    if (colon != std::string::npos) {
      name = line.substr(0, colon);
      value = line.substr(colon + 1);
      if (!value.empty() && value[0] == ' ') value.erase(0, 1);
    }
    if (name == "data") {
      data_lines.push_back(value);
    } else if (name == "event") {
      type = value;
    } else if (name == "id") {
      if (value.find('\0') == std::string::npos) last_id = value;
    } else if (name == "retry") {
      if (reference_retry(value)) retry = reference_retry(value);
    } else if (name == "error") {
      error_lines.push_back(value);
    }
  }
  outcome.failed = !is_bom_prefix(stream) &&
                   pending_bytes + split.unfinished.size() > max_event_bytes;
  outcome.partial = outcome.failed || field_seen || !split.unfinished.empty();
  return outcome;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data,
                                      std::size_t size) {
  if (size < kHeaderBytes) return 0;
  const std::uint32_t seed = data[0];
  // A small limit, often hit, to check that failure too is split-invariant.
  const std::size_t small_limit = data[1];
  const std::string_view stream(
      reinterpret_cast<const char*>(data) + kHeaderBytes, size - kHeaderBytes);

  const Outcome whole = decode_whole(stream, SseDecoder::kDefaultMaxEventBytes);
  const Outcome pieces =
      decode_pieces(stream, seed, SseDecoder::kDefaultMaxEventBytes);
  check(!whole.failed && !pieces.failed);
  check(same_events(whole.events, pieces.events));
  check(whole.partial == pieces.partial);

  const Outcome reference =
      decode_reference(stream, SseDecoder::kDefaultMaxEventBytes);
  check(same_events(whole.events, reference.events));
  check(whole.partial == reference.partial);

  const Outcome whole_limited = decode_whole(stream, small_limit);
  const Outcome pieces_limited = decode_pieces(stream, seed, small_limit);
  check(whole_limited.failed == pieces_limited.failed);
  check(whole_limited.partial == pieces_limited.partial);
  check(same_events(whole_limited.events, pieces_limited.events));
  const Outcome reference_limited = decode_reference(stream, small_limit);
  check(whole_limited.failed == reference_limited.failed);
  check(whole_limited.partial == reference_limited.partial);
  check(same_events(whole_limited.events, reference_limited.events));
  // A limit only cuts the stream short: what came before is unchanged.
  check(whole_limited.events.size() <= whole.events.size());
  check(same_events(whole_limited.events,
                    {whole.events.begin(),
                     whole.events.begin() + static_cast<std::ptrdiff_t>(
                                                whole_limited.events.size())}));
  if (!whole_limited.failed) {
    check(whole_limited.events.size() == whole.events.size());
  }
  return 0;
}
