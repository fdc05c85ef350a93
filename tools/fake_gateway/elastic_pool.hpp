// httplib's task queue, grown on demand: a worker per busy connection up to a
// limit, so a thousand slow streams are served at once without a thousand
// threads waiting from the start.
#pragma once

#include <httplib.h>

#include <condition_variable>
#include <cstddef>
#include <deque>
#include <functional>
#include <mutex>
#include <thread>
#include <vector>

namespace fake_gateway {

class ElasticPool : public httplib::TaskQueue {
 public:
  explicit ElasticPool(std::size_t max_threads);
  ~ElasticPool() override;
  ElasticPool(const ElasticPool&) = delete;
  ElasticPool& operator=(const ElasticPool&) = delete;

  void enqueue(std::function<void()> job) override;
  void shutdown() override;

 private:
  void work();

  const std::size_t max_threads_;
  std::mutex mutex_;
  std::condition_variable ready_;
  std::deque<std::function<void()>> jobs_;
  std::vector<std::thread> threads_;
  std::size_t idle_ = 0;
  bool shutting_down_ = false;
};

}  // namespace fake_gateway
