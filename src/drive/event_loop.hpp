// Copyright 2026 The budgateway Authors. SPDX-License-Identifier: Apache-2.0
// The async driver: one thread and one multi handle driving every async
// call (complete_async, stream_async) of a client.
#ifndef BUDGATEWAY_SRC_DRIVE_EVENT_LOOP_HPP_
#define BUDGATEWAY_SRC_DRIVE_EVENT_LOOP_HPP_

#include <budgateway/completion.hpp>
#include <budgateway/result.hpp>
#include <budgateway/stream.hpp>

#include <cstddef>
#include <future>
#include <memory>
#include <mutex>
#include <thread>
#include <unordered_map>
#include <vector>

#include "call/context.hpp"
#include "drive/transports.hpp"

namespace budgateway::detail {

class EventLoop : public std::enable_shared_from_this<EventLoop> {
 public:
  /// Starts the loop thread; at most `max_connections` connections open at
  /// once (libcurl queues the transfers beyond that).
  static std::shared_ptr<EventLoop> start(std::size_t max_connections);
  ~EventLoop();

  EventLoop(const EventLoop&) = delete;
  EventLoop& operator=(const EventLoop&) = delete;

  void submit(std::shared_ptr<const CallContext> context,
              std::shared_ptr<Transports> transports, PreparedCall call,
              std::promise<Result<CompletionResponse>> promise);
  void submit(std::shared_ptr<const CallContext> context,
              std::shared_ptr<Transports> transports, PreparedCall call,
              StreamHandler handler);

  /// Completes every pending job with Cancelled and ends the thread. From
  /// another thread it waits for that; from the loop's own thread (a
  /// callback dropped the last Client) it returns at once.
  void stop();

 private:
  class Job;
  class UnaryJob;
  class StreamJob;

  EventLoop();
  void enqueue(std::unique_ptr<Job> job);
  void run();
  void cancel_all(std::vector<std::unique_ptr<Job>>& incoming);
  Millis poll_timeout(Clock::time_point now) const;

  http::Multi multi_;
  std::mutex mutex_;
  std::vector<std::unique_ptr<Job>> incoming_;
  bool stopping_ = false;
  std::thread thread_;
  std::unordered_map<std::size_t, std::unique_ptr<Job>> jobs_;
  std::size_t next_id_ = 1;
};

}  // namespace budgateway::detail

#endif  // BUDGATEWAY_SRC_DRIVE_EVENT_LOOP_HPP_
