// Lets every sleeping handler wake up at once when the server shuts down.
#pragma once

#include <chrono>
#include <condition_variable>
#include <mutex>

namespace fake_gateway {

class StopSignal {
 public:
  void request() {
    {
      std::lock_guard<std::mutex> lock(mutex_);
      requested_ = true;
    }
    changed_.notify_all();
  }

  bool requested() const {
    std::lock_guard<std::mutex> lock(mutex_);
    return requested_;
  }

  // Sleeps for `duration`; false when a stop cut the sleep short.
  bool sleep_for(std::chrono::milliseconds duration) {
    std::unique_lock<std::mutex> lock(mutex_);
    return !changed_.wait_for(lock, duration, [this] { return requested_; });
  }

 private:
  mutable std::mutex mutex_;
  std::condition_variable changed_;
  bool requested_ = false;
};

}  // namespace fake_gateway
