// The `limited` scenario's global limiter.
#pragma once

#include <chrono>
#include <cstdint>
#include <mutex>

namespace fake_gateway {

struct BucketDecision {
  bool allowed = false;
  std::int64_t limit = 0;                // the burst size
  std::int64_t remaining = 0;            // whole tokens left after this request
  std::int64_t retry_after_seconds = 0;  // when refused: until one token
  std::int64_t reset_unix_seconds = 0;   // when the bucket is full again
};

class TokenBucket {
 public:
  TokenBucket(double tokens_per_second, std::int64_t burst);

  BucketDecision take();

 private:
  using Clock = std::chrono::steady_clock;

  const double rate_;
  const std::int64_t burst_;
  std::mutex mutex_;
  double tokens_;
  Clock::time_point last_refill_;
};

}  // namespace fake_gateway
