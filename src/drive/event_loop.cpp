// Copyright 2026 The budgateway Authors. SPDX-License-Identifier: Apache-2.0
#include "drive/event_loop.hpp"

#include <algorithm>
#include <optional>
#include <utility>

#include "call/stream_call.hpp"
#include "call/unary_call.hpp"

namespace budgateway::detail {
namespace {

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

/// A call on the loop: its transfer, its budget slot, and the machine that
/// decides. Members are destroyed in reverse order: the transfer (which
/// uses the share) before the transports.
class EventLoop::Job {
 public:
  Job(std::shared_ptr<const CallContext> context,
      std::shared_ptr<Transports> transports, http::Multi& multi)
      : context_(std::move(context)),
        transports_(std::move(transports)),
        multi_(multi),
        transfer_(transports_->share) {}
  virtual ~Job() { stop_transfer(); }
  Job(const Job&) = delete;
  Job& operator=(const Job&) = delete;

  http::Transfer& transfer() noexcept { return transfer_; }
  bool has_slot() const noexcept { return static_cast<bool>(slot_); }

  /// The transfer finished with `code`.
  void on_done(http::CurlCode code) {
    multi_.remove(transfer_);
    running_ = false;
    transfer_ended(transport_outcome(transfer_, code), Clock::now());
  }
  /// Makes what progress it can; true once the job delivered its end.
  virtual bool advance(Clock::time_point now) = 0;
  /// When advance() must run even if no byte arrives.
  virtual Clock::time_point wake_time() const = 0;
  /// Ends the job with `error`, delivering it, unless it already ended.
  virtual void abandon(Error error) = 0;

 protected:
  virtual void transfer_ended(std::optional<Error> outcome,
                              Clock::time_point now) = 0;

  /// Takes a slot of the client's budget, held from the first attempt to
  /// the end; false while every slot is taken.
  bool take_slot() {
    if (slot_) return true;
    if (!context_->budget().try_acquire()) return false;
    slot_ = BudgetSlot(&context_->budget());
    return true;
  }

  /// Starts an attempt of `call`; on failure the call hears of it at once.
  template <typename Call, typename Feed>
  void start_attempt(Call& call, Feed& feed, Clock::time_point now) {
    running_ = detail::start_attempt(multi_, transfer_, call, feed, now);
  }

  void stop_transfer() noexcept {
    if (!running_) return;
    multi_.remove(transfer_);
    running_ = false;
  }
  bool running() const noexcept { return running_; }

  std::shared_ptr<const CallContext> context_;
  std::shared_ptr<Transports> transports_;
  http::Multi& multi_;
  http::Transfer transfer_;
  BudgetSlot slot_;
  bool running_ = false;
};

class EventLoop::UnaryJob final : public Job {
 public:
  UnaryJob(std::shared_ptr<const CallContext> context,
           std::shared_ptr<Transports> transports, http::Multi& multi,
           PreparedCall prepared,
           std::promise<Result<CompletionResponse>> result)
      : Job(context, std::move(transports), multi),
        call_(std::move(context), std::move(prepared)),
        promise_(std::move(result)) {
    if (const auto& cancel = call_.call().cancel) {
      waker_ = cancel->add_waker([m = &multi_] { m->wakeup(); });
    }
  }
  ~UnaryJob() override {
    stop_transfer();
    if (const auto& cancel = call_.call().cancel) cancel->remove_waker(waker_);
  }

  bool advance(Clock::time_point now) override {
    if (ended_) return true;
    for (;;) {
      const bool cancelled =
          call_.call().cancel && call_.call().cancel->cancelled();
      const Next next = call_.next(now);
      if (running() && !call_.wants_transfer()) stop_transfer();
      switch (next.need) {
        case Need::Done:
          ended_ = true;
          promise_.set_value(call_.take_result());
          return true;
        case Need::Attempt:
          if (!cancelled && !take_slot()) return false;
          start_attempt(call_, feed_, now);
          continue;
        case Need::Transfer:
        case Need::Wait:
        case Need::Element:
          wake_ = next.until;
          return false;
      }
    }
  }

  Clock::time_point wake_time() const override { return wake_; }

  void abandon(Error error) override {
    if (ended_) return;
    stop_transfer();
    ended_ = true;
    promise_.set_value(context_->stamp(std::move(error), call_.attempts(),
                                       call_.call().request_id));
  }

 private:
  void transfer_ended(std::optional<Error> outcome,
                      Clock::time_point now) override {
    call_.on_end(std::move(outcome), now);
  }

  UnaryCall call_;
  CallFeed<UnaryCall> feed_{call_};
  std::promise<Result<CompletionResponse>> promise_;
  CancelState::WakerId waker_ = 0;
  Clock::time_point wake_ = Clock::time_point::max();
  bool ended_ = false;
};

class EventLoop::StreamJob final : public Job {
 public:
  StreamJob(std::shared_ptr<const CallContext> context,
            std::shared_ptr<Transports> transports, http::Multi& multi,
            PreparedCall prepared, StreamHandler callbacks)
      : Job(context, std::move(transports), multi),
        handler_(std::move(callbacks)),
        call_(std::move(context), std::move(prepared)) {
    if (const auto& cancel = call_.call().cancel) {
      waker_ = cancel->add_waker([m = &multi_] { m->wakeup(); });
    }
  }
  ~StreamJob() override {
    stop_transfer();
    if (const auto& cancel = call_.call().cancel) cancel->remove_waker(waker_);
  }

  bool advance(Clock::time_point now) override {
    if (ended_) return true;
    const bool cancelled =
        call_.call().cancel && call_.call().cancel->cancelled();
    // A cancelled stream ends without a slot; any other waits for one.
    if (!cancelled && !take_slot()) return false;
    try {
      for (;;) {
        const Next next = call_.next(now);
        if (running() && !call_.wants_transfer()) stop_transfer();
        switch (next.need) {
          case Need::Done:
            end(call_.folded());
            return true;
          case Need::Element: {
            auto element = call_.take();
            if (!element) {
              end(std::move(element).error());
              return true;
            }
            if (handler_.on_chunk) handler_.on_chunk(*element);
            continue;
          }
          case Need::Attempt:
            start_attempt(call_, feed_, now);
            continue;
          case Need::Transfer:
          case Need::Wait:
            wake_ = next.until;
            return false;
        }
      }
    } catch (...) {
      // A throwing handler must not take the loop (and every other call on
      // it) down: it ends its own stream instead, with one on_end.
      abandon(Error(ErrorCode::InvalidArgument,
                    "a StreamHandler callback threw an exception"));
      return true;
    }
  }

  Clock::time_point wake_time() const override { return wake_; }

  void abandon(Error error) override {
    if (ended_) return;
    stop_transfer();
    call_.fail(std::move(error), Clock::now());
    try {
      end(call_.take());
    } catch (...) {
      // Nothing is left to tell: the stream has ended either way.
    }
  }

 private:
  void transfer_ended(std::optional<Error> outcome,
                      Clock::time_point now) override {
    call_.on_end(std::move(outcome), now);
  }

  void end(Result<CompletionResponse> result) {
    ended_ = true;
    if (handler_.on_end) handler_.on_end(std::move(result));
  }

  StreamHandler handler_;
  StreamCall call_;
  CallFeed<StreamCall> feed_{call_};
  CancelState::WakerId waker_ = 0;
  Clock::time_point wake_ = Clock::time_point::max();
  bool ended_ = false;
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

void EventLoop::submit(std::shared_ptr<const CallContext> context,
                       std::shared_ptr<Transports> transports,
                       PreparedCall call,
                       std::promise<Result<CompletionResponse>> promise) {
  enqueue(std::make_unique<UnaryJob>(std::move(context), std::move(transports),
                                     multi_, std::move(call),
                                     std::move(promise)));
}

void EventLoop::submit(std::shared_ptr<const CallContext> context,
                       std::shared_ptr<Transports> transports,
                       PreparedCall call, StreamHandler handler) {
  enqueue(std::make_unique<StreamJob>(std::move(context), std::move(transports),
                                      multi_, std::move(call),
                                      std::move(handler)));
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
      job->transfer().set_tag(id);
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
  Clock::time_point wake = later(now, kMaxLoopPoll);
  for (const auto& [id, job] : jobs_) {
    wake = std::min(wake, job->wake_time());
    // Slots freed by other calls do not wake this loop: look again soon.
    if (!job->has_slot()) wake = std::min(wake, later(now, kBudgetRecheck));
  }
  if (wake <= now) return Millis{0};
  return std::chrono::duration_cast<Millis>(wake - now) + Millis{1};
}

}  // namespace budgateway::detail
