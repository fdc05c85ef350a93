#include "sse_plans.hpp"

#include <algorithm>
#include <string_view>
#include <utility>

namespace fake_gateway {
namespace {

constexpr std::string_view kKeepalive = ":\n\n";
constexpr std::string_view kDone = "data: [DONE]\n\n";
constexpr std::size_t kChunksBeforeError = 2;
constexpr std::size_t kChunksBeforeCut = 3;
constexpr std::string_view kErrorMembers =
    R"("message":"boom","type":"server_error","code":"internal")";
constexpr std::string_view kErrorData =
    R"(data: {"error":{"message":"Rate limit exceeded",)"
    R"("type":"rate_limit_error","code":"rate_limit_exceeded"}})"
    "\n\n";
constexpr std::string_view kErrorField =
    R"(error: {"code":500,"message":"llama.cpp failed to decode",)"
    R"("type":"server_error"})"
    "\n\n";
constexpr std::string_view kOddRetry = "retry: 1000\n\n";
constexpr std::string_view kOddDone = "data:[DONE]\r\n\r\n";
constexpr std::string_view kOddSplitBefore = R"(,"created":)";
constexpr std::size_t kOddStyles = 5;
constexpr std::string_view kPaddingMember = R"(,"padding":"")";

std::string data_frame(std::string_view json) {
  return "data: " + std::string(json) + "\n\n";
}

// Content and usage payloads in order, the usage one only when present.
std::vector<std::string> data_payloads(const ChunkPayloads& payloads) {
  std::vector<std::string> all = payloads.chunks;
  if (!payloads.usage.empty()) all.push_back(payloads.usage);
  return all;
}

class PlanBuilder {
 public:
  explicit PlanBuilder(std::size_t keepalive_every)
      : keepalive_every_(keepalive_every) {}

  void add(std::string bytes,
           std::chrono::milliseconds delay = std::chrono::milliseconds{0}) {
    plan_.segments.push_back({std::move(bytes), delay});
  }

  // A data frame, with a keep-alive comment between every few of them the
  // way the gateway's keep-alive timer interleaves them.
  void add_frame(std::string_view json) {
    if (keepalive_every_ > 0 && frames_ > 0 &&
        frames_ % keepalive_every_ == 0) {
      add(std::string(kKeepalive));
    }
    add(data_frame(json));
    ++frames_;
  }

  void add_frames(const std::vector<std::string>& payloads, std::size_t first,
                  std::size_t last) {
    for (std::size_t i = first; i < std::min(last, payloads.size()); ++i) {
      add_frame(payloads[i]);
    }
  }

  StreamPlan finish(bool cut = false) {
    plan_.cut = cut;
    return std::move(plan_);
  }

 private:
  std::size_t keepalive_every_;
  std::size_t frames_ = 0;
  StreamPlan plan_;
};

std::string odd_frame(std::string_view json, std::size_t style) {
  switch (style) {
    case 0:
      return "data: " + std::string(json) + "\r\n\r\n";
    case 1:
      return "data:" + std::string(json) + "\r\r";
    case 2: {
      // Lines of one event are joined with "\n", which JSON reads as space.
      const std::size_t split = json.find(kOddSplitBefore);
      if (split == std::string_view::npos) return odd_frame(json, 0);
      return "data: " + std::string(json.substr(0, split)) +
             "\ndata: " + std::string(json.substr(split)) + "\n\n";
    }
    case 3:
      return ": an ignored comment\nevent: message\nid: 7\ndata: " +
             std::string(json) + "\n\n";
    default:
      return "data: " + std::string(json) + "\r\n\n";
  }
}

StreamPlan odd_plan(const std::vector<std::string>& payloads) {
  PlanBuilder builder(0);
  for (std::size_t i = 0; i < payloads.size(); ++i) {
    builder.add(odd_frame(payloads[i], i % kOddStyles));
    if (i == 0) builder.add(std::string(kOddRetry));
  }
  builder.add(std::string(kOddDone));
  return builder.finish();
}

StreamPlan idle_plan(const std::vector<std::string>& payloads,
                     const StreamParams& params) {
  PlanBuilder builder(params.keepalive_every);
  builder.add_frames(payloads, 0, 1);
  std::chrono::milliseconds silent{0};
  if (params.keepalive_interval.count() > 0) {
    while (silent + params.keepalive_interval <= params.idle) {
      builder.add(std::string(kKeepalive), params.keepalive_interval);
      silent += params.keepalive_interval;
    }
  }
  const std::chrono::milliseconds rest_delay = params.idle - silent;
  if (payloads.size() > 1) {
    builder.add(data_frame(payloads[1]), rest_delay);
    builder.add_frames(payloads, 2, payloads.size());
    builder.add(std::string(kDone));
  } else {
    builder.add(std::string(kDone), rest_delay);
  }
  return builder.finish();
}

// `json` (an object) grown to `target` bytes by a string member, when it is
// not already at least that large.
std::string padded_object(std::string json, std::size_t target) {
  if (json.empty() || json.size() + kPaddingMember.size() > target) {
    return json;
  }
  const std::size_t fill = target - json.size() - kPaddingMember.size();
  json.insert(json.size() - 1,
              R"(,"padding":")" + std::string(fill, 'x') + "\"");
  return json;
}

}  // namespace

StreamPlan plan_stream(StreamKind kind, const ChunkPayloads& payloads,
                       const StreamParams& params) {
  std::vector<std::string> frames = data_payloads(payloads);
  PlanBuilder builder(params.keepalive_every);
  switch (kind) {
    case StreamKind::kDoneOnly:
      builder.add(std::string(kDone));
      return builder.finish();
    case StreamKind::kNoDone:
      builder.add_frames(frames, 0, frames.size());
      return builder.finish();
    case StreamKind::kCut: {
      const std::size_t whole =
          std::min(kChunksBeforeCut, frames.empty() ? 0 : frames.size() - 1);
      builder.add_frames(frames, 0, whole);
      const std::string last =
          data_frame(whole < frames.size() ? frames[whole] : "{}");
      builder.add(last.substr(0, last.size() / 2));
      return builder.finish(true);
    }
    case StreamKind::kErrorEvent: {
      builder.add_frames(frames, 0, kChunksBeforeError);
      const std::string members = "{" + std::string(kErrorMembers) + "}";
      builder.add(
          "event: error\ndata: " +
          (params.nested_error ? R"({"error":)" + members + "}" : members) +
          "\n\n");
      return builder.finish();
    }
    case StreamKind::kErrorData:
      builder.add_frames(frames, 0, kChunksBeforeError);
      builder.add(std::string(kErrorData));
      return builder.finish();
    case StreamKind::kErrorField:
      builder.add_frames(frames, 0, kChunksBeforeError);
      builder.add(std::string(kErrorField));
      return builder.finish();
    case StreamKind::kOdd:
      return odd_plan(frames);
    case StreamKind::kDonePrefix:
      builder.add_frames(frames, 0, frames.size());
      builder.add("data: [DONE]garbage\n\n");
      return builder.finish();
    case StreamKind::kIdle:
      return idle_plan(frames, params);
    case StreamKind::kBigEvent:
      if (!frames.empty()) {
        frames.front() =
            padded_object(std::move(frames.front()), params.event_bytes);
      }
      break;
    case StreamKind::kNormal:
      break;
  }
  builder.add_frames(frames, 0, frames.size());
  builder.add(std::string(kDone));
  return builder.finish();
}

}  // namespace fake_gateway
