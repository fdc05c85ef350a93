#include "token_bucket.hpp"

#include <algorithm>
#include <cmath>

namespace fake_gateway {
namespace {

constexpr double kMinimumRetryAfterSeconds = 1.0;

std::int64_t whole_seconds_up(double seconds) {
  return static_cast<std::int64_t>(std::ceil(seconds));
}

}  // namespace

TokenBucket::TokenBucket(double tokens_per_second, std::int64_t burst)
    : rate_(tokens_per_second),
      burst_(burst),
      tokens_(static_cast<double>(burst)),
      last_refill_(Clock::now()) {}

BucketDecision TokenBucket::take() {
  std::lock_guard<std::mutex> lock(mutex_);
  const Clock::time_point now = Clock::now();
  const double elapsed =
      std::chrono::duration<double>(now - last_refill_).count();
  last_refill_ = now;
  const double capacity = static_cast<double>(burst_);
  tokens_ = std::min(capacity, tokens_ + elapsed * rate_);

  BucketDecision decision;
  decision.limit = burst_;
  decision.allowed = tokens_ >= 1.0;
  if (decision.allowed) {
    tokens_ -= 1.0;
  } else {
    decision.retry_after_seconds = whole_seconds_up(
        std::max(kMinimumRetryAfterSeconds, (1.0 - tokens_) / rate_));
  }
  decision.remaining = static_cast<std::int64_t>(std::floor(tokens_));
  const std::int64_t now_unix =
      std::chrono::duration_cast<std::chrono::seconds>(
          std::chrono::system_clock::now().time_since_epoch())
          .count();
  decision.reset_unix_seconds =
      now_unix + whole_seconds_up((capacity - tokens_) / rate_);
  return decision;
}

}  // namespace fake_gateway
