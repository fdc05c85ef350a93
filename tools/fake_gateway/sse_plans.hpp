// The bytes of each stream scenario, laid out as timed segments; writing
// them to a socket is the service's job.
#pragma once

#include <chrono>
#include <cstddef>
#include <string>
#include <vector>

#include "completion_model.hpp"

namespace fake_gateway {

enum class StreamKind {
  kNormal,      // chunks, usage chunk, [DONE]
  kDoneOnly,    // only [DONE]
  kNoDone,      // chunks and usage, then a clean end without [DONE]
  kCut,         // a few chunks, then the connection drops mid-event
  kErrorEvent,  // a few chunks, then `event: error`
  kErrorData,   // a few chunks, then `data: {"error":{...}}`
  kErrorField,  // a few chunks, then llama.cpp's `error: {...}` line
  kOdd,         // legal but unusual framing throughout
  kDonePrefix,  // ends with `data: [DONE]garbage`
  kIdle,        // one chunk, a long run of keep-alive comments, the rest
  kBigEvent,    // the first event padded to a given size
};

inline constexpr std::size_t kDefaultKeepaliveEvery = 3;
inline constexpr std::chrono::milliseconds kDefaultKeepaliveInterval{50};
inline constexpr std::chrono::milliseconds kDefaultIdle{5000};
inline constexpr std::size_t kDefaultEventBytes = std::size_t{1} << 20;

struct StreamParams {
  std::size_t keepalive_every = kDefaultKeepaliveEvery;  // 0: none
  std::chrono::milliseconds keepalive_interval = kDefaultKeepaliveInterval;
  std::chrono::milliseconds idle = kDefaultIdle;
  std::size_t event_bytes = kDefaultEventBytes;
  bool nested_error = false;  // kErrorEvent: wrap the data in {"error":...}
};

struct Segment {
  std::string bytes;
  std::chrono::milliseconds delay_before{0};
};

struct StreamPlan {
  std::vector<Segment> segments;
  bool cut = false;  // drop the connection after the last segment
};

StreamPlan plan_stream(StreamKind kind, const ChunkPayloads& payloads,
                       const StreamParams& params);

}  // namespace fake_gateway
