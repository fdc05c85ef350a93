// Copyright 2026 The budgateway Authors. SPDX-License-Identifier: Apache-2.0
#include "event_loop.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <optional>
#include <utility>

#include "stream_machine.hpp"

namespace budgateway::detail {
namespace {

using Clock = std::chrono::steady_clock;
/// The longest the loop sleeps with nothing due; a submission or a stop
/// wakes it at once.
constexpr Millis kMaxLoopPoll{1000};
/// How soon a job that found the connection budget spent looks again.
constexpr Millis kBudgetRecheck{10};

Error loop_stopped() {
  return Error(ErrorCode::Cancelled,
               "the Client was destroyed before the call finished");
}

}  // namespace

// A job's members are destroyed in reverse order: its transfer (which uses
// the client's share) before its reference to the client.
struct EventLoop::Job {
  Job(std::shared_ptr<ClientImpl> owner, http::Multi& loop_multi)
      : client(std::move(owner)),
        multi(loop_multi),
        transfer(client->share()) {}
  virtual ~Job() = default;
  Job(const Job&) = delete;
  Job& operator=(const Job&) = delete;

  /// The transfer finished with `code`.
  virtual void on_done(http::CurlCode code) = 0;
  /// Makes what progress it can; true once the job delivered its end.
  virtual bool advance(Clock::time_point now) = 0;
  /// When advance() must run even if no byte arrives.
  virtual std::optional<Clock::time_point> wake_time() const = 0;
  /// Ends the job with `error`, delivering it, unless it already ended.
  virtual void abandon(Error error) = 0;

  /// Takes this job's slot of the client's connection budget when it has
  /// none; false while every slot is taken.
  bool has_slot() {
    if (slot) return true;
    if (!client->budget().try_acquire()) return false;
    slot = BudgetSlot(&client->budget());
    return true;
  }

  std::shared_ptr<ClientImpl> client;
  http::Multi& multi;
  http::Transfer transfer;
  /// Held from the first attempt to the end, retries included.
  BudgetSlot slot;
};

struct EventLoop::UnaryJob final : Job {
  UnaryJob(std::shared_ptr<ClientImpl> owner, http::Multi& loop_multi,
           PreparedCall prepared,
           std::promise<Result<CompletionResponse>> result)
      : Job(std::move(owner), loop_multi),
        call(std::move(prepared)),
        promise(std::move(result)) {
    if (call.cancel) {
      waker = call.cancel->add_waker([m = &multi] { m->wakeup(); });
    }
  }
  ~UnaryJob() override {
    if (in_multi) multi.remove(transfer);
    if (call.cancel) call.cancel->remove_waker(waker);
  }

  /// Only on the loop's thread: a multi handle is not thread-safe.
  void start() {
    started = true;
    ++attempts;
    std::optional<Error> error =
        transfer.prepare(call.spec, call.body, call.max_response_bytes);
    if (!error) error = multi.add(transfer);
    if (error) {
      finish(std::move(*error));
      return;
    }
    in_multi = true;
  }

  void finish(Result<CompletionResponse> result) {
    if (!result) {
      result = client->finish_error(std::move(result).error(), attempts,
                                    call.request_id);
    }
    promise.set_value(std::move(result));
    ended = true;
  }

  void on_done(http::CurlCode code) override {
    multi.remove(transfer);
    in_multi = false;
    auto error = client->answer_error(transfer, TransferEnd{code, false}, call,
                                      call.max_response_bytes);
    if (!error) {
      thread_local ResponseParser parser;
      finish(client->read_completion(transfer, parser));
      return;
    }
    if (auto delay =
            client->retry_delay(call, attempts, *error, transfer.headers())) {
      retry_at = Clock::now() + *delay;
      return;
    }
    finish(std::move(*error));
  }

  bool advance(Clock::time_point now) override {
    if (ended) return true;
    if (call.cancel && call.cancel->cancelled()) {
      abandon(Error(ErrorCode::Cancelled, "the call was cancelled"));
      return true;
    }
    if (!started || (retry_at && now >= *retry_at)) {
      if (!has_slot()) return false;
      retry_at.reset();
      start();
    }
    return ended;
  }

  std::optional<Clock::time_point> wake_time() const override {
    return retry_at;
  }

  void abandon(Error error) override {
    if (ended) return;
    if (in_multi) multi.remove(transfer);
    in_multi = false;
    retry_at.reset();
    finish(std::move(error));
  }

  PreparedCall call;
  std::promise<Result<CompletionResponse>> promise;
  CancelState::WakerId waker = 0;
  int attempts = 0;
  bool started = false;
  bool in_multi = false;
  bool ended = false;
  std::optional<Clock::time_point> retry_at;
};

struct EventLoop::StreamJob final : Job {
  StreamJob(std::shared_ptr<ClientImpl> owner, http::Multi& loop_multi,
            PreparedCall prepared, StreamHandler callbacks)
      : Job(std::move(owner), loop_multi),
        handler(std::move(callbacks)),
        machine(client, std::move(prepared), multi, transfer) {}

  void on_done(http::CurlCode code) override { machine.on_transfer_done(code); }

  bool advance(Clock::time_point now) override {
    const bool cancelled =
        machine.cancel_state() && machine.cancel_state()->cancelled();
    // A cancelled stream ends without a slot; any other waits for one.
    if (!cancelled && !has_slot()) return false;
    try {
      for (;;) {
        switch (machine.step(now)) {
          case StreamMachine::Status::Waiting:
            return false;
          case StreamMachine::Status::End:
            end(machine.folded());
            return true;
          case StreamMachine::Status::Element: {
            auto element = machine.take();
            if (!element) {
              end(std::move(element));
              return true;
            }
            if (handler.on_chunk) handler.on_chunk(*element);
            break;
          }
        }
      }
    } catch (...) {
      // A throwing handler must not take the loop (and every other call on
      // it) down: it ends its own stream instead.
      abandon(Error(ErrorCode::InvalidArgument,
                    "a StreamHandler callback threw an exception"));
      return true;
    }
  }

  std::optional<Clock::time_point> wake_time() const override {
    return machine.wake_time();
  }

  void abandon(Error error) override {
    if (ended) return;
    machine.fail(std::move(error));
    try {
      end(machine.take());
    } catch (...) {
      // Nothing is left to tell: the stream has ended either way.
    }
  }

  void end(Result<CompletionResponse> result) {
    ended = true;
    if (handler.on_end) handler.on_end(std::move(result));
  }

  StreamHandler handler;
  StreamMachine machine;
  bool ended = false;
};

std::shared_ptr<EventLoop> EventLoop::start(std::size_t max_connections) {
  std::shared_ptr<EventLoop> loop(new EventLoop());
  loop->multi_.set_max_connections(max_connections);
  // The thread keeps the loop alive until it returns, so a loop stopped
  // from its own thread is not destroyed under it.
  loop->thread_ = std::thread([self = loop] { self->run(); });
  return loop;
}

EventLoop::EventLoop() = default;

EventLoop::~EventLoop() {
  if (thread_.joinable()) {
    if (thread_.get_id() == std::this_thread::get_id()) {
      thread_.detach();
    } else {
      stop();
    }
  }
}

void EventLoop::submit(std::shared_ptr<ClientImpl> client, PreparedCall call,
                       std::promise<Result<CompletionResponse>> promise) {
  enqueue(std::make_unique<UnaryJob>(std::move(client), multi_, std::move(call),
                                     std::move(promise)));
}

void EventLoop::submit(std::shared_ptr<ClientImpl> client, PreparedCall call,
                       StreamHandler handler) {
  enqueue(std::make_unique<StreamJob>(std::move(client), multi_,
                                      std::move(call), std::move(handler)));
}

void EventLoop::enqueue(std::unique_ptr<Job> job) {
  std::unique_lock<std::mutex> lock(mutex_);
  if (stopping_) {
    lock.unlock();
    job->abandon(loop_stopped());
    return;
  }
  incoming_.push_back(std::move(job));
  lock.unlock();
  multi_.wakeup();
}

void EventLoop::stop() {
  {
    std::lock_guard<std::mutex> lock(mutex_);
    stopping_ = true;
  }
  multi_.wakeup();
  if (!thread_.joinable()) return;
  if (thread_.get_id() == std::this_thread::get_id()) {
    thread_.detach();
  } else {
    thread_.join();
  }
}

void EventLoop::run() {
  std::vector<std::unique_ptr<Job>> incoming;
  for (;;) {
    {
      std::lock_guard<std::mutex> lock(mutex_);
      if (stopping_) break;
      incoming.swap(incoming_);
    }
    for (auto& job : incoming) {
      const std::size_t id = next_id_++;
      job->transfer.set_tag(id);
      jobs_.emplace(id, std::move(job));
    }
    incoming.clear();

    multi_.perform();
    http::Transfer* transfer = nullptr;
    http::CurlCode code = http::kCurlOk;
    while (multi_.next_done(transfer, code)) {
      const auto found = jobs_.find(transfer->tag());
      if (found != jobs_.end()) found->second->on_done(code);
    }
    const auto now = Clock::now();
    for (auto it = jobs_.begin(); it != jobs_.end();) {
      it = it->second->advance(now) ? jobs_.erase(it) : std::next(it);
    }
    multi_.poll(poll_timeout(Clock::now()));
  }
  cancel_all(incoming);
}

void EventLoop::cancel_all(std::vector<std::unique_ptr<Job>>& incoming) {
  {
    std::lock_guard<std::mutex> lock(mutex_);
    for (auto& job : incoming_) incoming.push_back(std::move(job));
    incoming_.clear();
  }
  for (auto& job : incoming) job->abandon(loop_stopped());
  incoming.clear();
  for (auto& [id, job] : jobs_) job->abandon(loop_stopped());
  jobs_.clear();
}

Millis EventLoop::poll_timeout(Clock::time_point now) const {
  Clock::time_point wake = now + kMaxLoopPoll;
  for (const auto& [id, job] : jobs_) {
    if (auto due = job->wake_time()) wake = std::min(wake, *due);
    // Slots freed by other calls do not wake this loop: look again soon.
    if (!job->slot) wake = std::min(wake, now + kBudgetRecheck);
  }
  if (wake <= now) return Millis{0};
  return std::chrono::duration_cast<Millis>(wake - now) + Millis{1};
}

}  // namespace budgateway::detail
