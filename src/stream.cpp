// Copyright 2026 The budgateway Authors. SPDX-License-Identifier: Apache-2.0
#include <budgateway/stream.hpp>

#include <fmt/format.h>

#include <algorithm>
#include <optional>
#include <utility>

#include "client_impl.hpp"
#include "error_mapping.hpp"
#include "json/response_parser.hpp"
#include "sse/decoder.hpp"
#include "stream_state.hpp"

namespace budgateway {
namespace detail {
namespace {

using Clock = std::chrono::steady_clock;

constexpr std::string_view kDone = "[DONE]";
constexpr std::string_view kRequestIdHeader = "x-request-id";
/// Checks for timeouts at least this often while nothing else wakes a poll.
constexpr Millis kMaxPollWait{250};
/// After `[DONE]`, how long to wait for the body's end so the connection
/// stays reusable; a server that keeps it open longer loses it.
constexpr Millis kDrainAfterDone{1000};

bool is_event_stream(const ResponseHeaders& headers) {
  const auto type = headers.get("content-type");
  return type && type->find("text/event-stream") != std::string_view::npos;
}

Millis remaining(Clock::time_point deadline, Clock::time_point now) {
  return std::max(Millis{0},
                  std::chrono::duration_cast<Millis>(deadline - now));
}

void append_logprobs(std::optional<Logprobs>& into, Logprobs&& from) {
  if (!into) {
    into = std::move(from);
    return;
  }
  auto append = [](auto& to, auto& items) {
    to.insert(to.end(), std::make_move_iterator(items.begin()),
              std::make_move_iterator(items.end()));
  };
  append(into->tokens, from.tokens);
  append(into->token_logprobs, from.token_logprobs);
  append(into->top_logprobs, from.top_logprobs);
  append(into->text_offset, from.text_offset);
}

}  // namespace

StreamState::StreamState(std::shared_ptr<ClientImpl> client,
                         Result<PreparedCall> call)
    : client_(std::move(client)) {
  if (call) {
    call_ = std::move(*call);
    decoder_.emplace(call_.max_event_bytes);
  } else {
    current_.emplace(client_->finish_error(std::move(call).error(), 0, {}));
    finished_ = true;
    started_ = true;
  }
}

StreamState::~StreamState() { stop_transfer(); }

void StreamState::advance() {
  if (finished_) {
    current_.reset();
    return;
  }
  started_ = true;
  current_ = next_element();
  if (!current_ || !current_->has_value()) finished_ = true;
}

Result<CompletionResponse> StreamState::collect() {
  if (!started_) advance();
  while (current_) {
    if (!current_->has_value()) return std::move(*current_).error();
    advance();
  }
  CompletionResponse folded = std::move(folded_);
  folded.object = "text_completion";
  ResponseAccess::headers(folded) = headers_;
  return folded;
}

void StreamState::fold(const CompletionChunk& chunk) {
  if (folded_.id.empty()) {
    folded_.id = chunk.id;
    folded_.created = chunk.created;
    folded_.model = chunk.model;
  }
  if (chunk.system_fingerprint)
    folded_.system_fingerprint = chunk.system_fingerprint;
  if (chunk.usage) folded_.usage = chunk.usage;
  for (const Choice& piece : chunk.choices) {
    auto into =
        std::find_if(folded_.choices.begin(), folded_.choices.end(),
                     [&](const Choice& c) { return c.index == piece.index; });
    if (into == folded_.choices.end()) {
      folded_.choices.push_back(Choice{{}, piece.index, {}, {}});
      into = std::prev(folded_.choices.end());
    }
    into->text += piece.text;
    if (piece.finish_reason) into->finish_reason = piece.finish_reason;
    if (piece.logprobs)
      append_logprobs(into->logprobs, Logprobs(*piece.logprobs));
  }
  std::sort(folded_.choices.begin(), folded_.choices.end(),
            [](const Choice& a, const Choice& b) { return a.index < b.index; });
}

std::optional<Error> StreamState::start_attempt() {
  ++attempts_;
  decoder_.emplace(call_.max_event_bytes);
  other_body_.clear();
  sse_checked_ = false;
  sse_ = false;
  transfer_done_ = false;
  end_ = {};
  if (!lease_) lease_.emplace(client_->pool().take());
  auto& channel = **lease_;
  auto sink = [this](std::string_view bytes) { return on_data(bytes); };
  if (auto error = channel.transfer.prepare(call_.spec, call_.body,
                                            kMaxErrorBodyBytes * 4, sink)) {
    return error;
  }
  if (auto error = channel.multi.add(channel.transfer)) return error;
  in_multi_ = true;
  if (call_.cancel) {
    waker_ =
        call_.cancel->add_waker([multi = &channel.multi] { multi->wakeup(); });
  }
  attempt_start_ = Clock::now();
  last_data_ = attempt_start_;
  return std::nullopt;
}

bool StreamState::on_data(std::string_view bytes) {
  auto& transfer = (*lease_)->transfer;
  if (!sse_checked_) {
    sse_checked_ = true;
    sse_ = is_event_stream(transfer.headers());
    last_data_ = Clock::now();
  }
  if (sse_) return decoder_->feed(bytes);
  // A 2xx that is not an event stream: keep (bounded) what it says.
  if (other_body_.size() + bytes.size() > kMaxErrorBodyBytes * 4) return false;
  other_body_.append(bytes);
  return true;
}

void StreamState::stop_transfer() noexcept {
  if (!lease_) return;
  auto& channel = **lease_;
  if (call_.cancel && waker_ != 0) {
    call_.cancel->remove_waker(waker_);
    waker_ = 0;
  }
  if (in_multi_) {
    // Removing a running transfer closes its connection: nothing is left
    // half-read on a socket that another call could reuse.
    channel.multi.remove(channel.transfer);
    in_multi_ = false;
  }
}

void StreamState::pump(Clock::time_point wait_until) {
  auto& channel = **lease_;
  channel.multi.perform();
  http::Transfer* done = nullptr;
  if (channel.multi.next_done(done, end_.code)) {
    transfer_done_ = true;
    if (!headers_seen_ && channel.transfer.headers_done()) record_headers();
    return;
  }
  if (!headers_seen_ && channel.transfer.headers_done()) record_headers();
  if (decoder_->has_event()) return;
  const auto now = Clock::now();
  channel.multi.poll(std::min(kMaxPollWait, remaining(wait_until, now)));
}

void StreamState::record_headers() {
  headers_seen_ = true;
  headers_ = (*lease_)->transfer.headers();
}

Error StreamState::in_stream_error(std::string_view json) const {
  const ApiErrorFields fields = parse_api_error(json);
  ErrorInfo info;
  info.http_status = (*lease_)->transfer.status();
  info.body = truncate_body(json);
  if (fields.parsed) {
    info.code = code_from_api_error(fields.type, fields.code);
    info.message = fields.message.empty()
                       ? "the server reported an error in the stream"
                       : fields.message;
    info.type = fields.type;
    info.param = fields.param;
    info.api_code = fields.code;
  } else {
    info.code = ErrorCode::Server;
    info.message = json.empty() ? "the server reported an error in the stream"
                                : std::string(json);
  }
  if (auto id = headers_.get(kRequestIdHeader))
    info.request_id = std::string(*id);
  return Error(std::move(info));
}

Error StreamState::protocol_error(std::string message) const {
  ErrorInfo info;
  info.code = ErrorCode::Protocol;
  info.message = std::move(message);
  info.http_status = lease_ ? (*lease_)->transfer.status() : 0;
  if (auto id = headers_.get(kRequestIdHeader))
    info.request_id = std::string(*id);
  return Error(std::move(info));
}

StreamState::EventOutcome StreamState::handle_event(SseEvent&& event) {
  if (!event.error.empty()) return in_stream_error(event.error);
  if (event.type == "error") return in_stream_error(event.data);
  // Other named events (pings and the like) carry nothing for us.
  if (!event.type.empty() && event.type != "message") return Skip{};
  if (event.data == kDone) return Done{};
  if (event.data.compare(0, kDone.size(), kDone) == 0) {
    return protocol_error(fmt::format("malformed end of stream: \"{}\"",
                                      event.data.substr(0, 64)));
  }
  thread_local ResponseParser parser;
  auto chunk = parser.parse_chunk(std::move(event.data));
  if (!chunk) {
    ErrorInfo info = std::move(chunk).error().info();
    info.http_status = (*lease_)->transfer.status();
    if (auto id = headers_.get(kRequestIdHeader))
      info.request_id = std::string(*id);
    return Error(std::move(info));
  }
  return std::move(*chunk);
}

std::optional<Error> StreamState::end_of_body_error() {
  auto& transfer = (*lease_)->transfer;
  if (decoder_->failed()) {
    return protocol_error(fmt::format("a stream event is larger than {} bytes",
                                      call_.max_event_bytes));
  }
  const TransferEnd end{end_.code, false};
  if (auto error =
          client_->answer_error(transfer, end, call_, kMaxErrorBodyBytes * 4)) {
    return error;
  }
  if (!sse_) {
    const ApiErrorFields fields = parse_api_error(other_body_);
    if (fields.parsed && !fields.message.empty())
      return in_stream_error(other_body_);
    const auto type = transfer.headers().get("content-type");
    return protocol_error(
        fmt::format("expected a text/event-stream answer, got \"{}\"",
                    type ? *type : "no content type"));
  }
  if (decoder_->has_partial_event()) {
    return protocol_error(
        "the stream ended in the middle of an event, without [DONE]");
  }
  return protocol_error(delivered_
                            ? "the stream ended without [DONE]"
                            : "the stream ended without any event or [DONE]");
}

void StreamState::drain_after_done() {
  const auto until = Clock::now() + kDrainAfterDone;
  while (!transfer_done_ && Clock::now() < until) {
    while (decoder_->has_event()) decoder_->pop_event();
    pump(until);
  }
}

std::optional<Result<CompletionChunk>> StreamState::next_element() {
  if (!in_multi_ && !transfer_done_) {
    if (auto error = start_attempt()) {
      stop_transfer();
      return client_->finish_error(std::move(*error), attempts_,
                                   call_.request_id);
    }
  }
  for (;;) {
    while (decoder_->has_event()) {
      auto outcome = handle_event(decoder_->pop_event());
      last_data_ = Clock::now();
      if (std::holds_alternative<Skip>(outcome)) continue;
      if (auto* chunk = std::get_if<CompletionChunk>(&outcome)) {
        delivered_ = true;
        if (!chunk->choices.empty()) got_completion_ = true;
        fold(*chunk);
        return Result<CompletionChunk>(std::move(*chunk));
      }
      if (std::holds_alternative<Done>(outcome)) {
        drain_after_done();
        stop_transfer();
        if (!got_completion_) {
          ErrorInfo info = protocol_error("").info();
          info.code = ErrorCode::Server;
          info.message =
              "the stream ended with [DONE] before any completion chunk (the "
              "Bud "
              "gateway answers so when its backend rejected the request)";
          return client_->finish_error(Error(std::move(info)), attempts_,
                                       call_.request_id);
        }
        return std::nullopt;
      }
      stop_transfer();
      return client_->finish_error(std::get<Error>(std::move(outcome)),
                                   attempts_, call_.request_id);
    }

    if (call_.cancel && call_.cancel->cancelled()) {
      stop_transfer();
      return client_->finish_error(
          Error(ErrorCode::Cancelled, "the stream was cancelled"), attempts_,
          call_.request_id);
    }

    if (transfer_done_) {
      stop_transfer();
      auto error = end_of_body_error();
      if (!error) return std::nullopt;
      if (!delivered_ &&
          client_->wait_before_retry(call_, attempts_, *error,
                                     (*lease_)->transfer.headers())) {
        stop_transfer();
        headers_seen_ = false;
        headers_.clear();
        if (auto start_error = start_attempt()) {
          stop_transfer();
          return client_->finish_error(std::move(*start_error), attempts_,
                                       call_.request_id);
        }
        continue;
      }
      stop_transfer();
      if (call_.cancel && call_.cancel->cancelled()) {
        error = Error(ErrorCode::Cancelled, "the stream was cancelled");
      }
      return client_->finish_error(std::move(*error), attempts_,
                                   call_.request_id);
    }

    const auto now = Clock::now();
    Clock::time_point wait_until;
    if (!headers_seen_) {
      wait_until = attempt_start_ + call_.timeout;
      if (now >= wait_until) {
        // No answer in time: a transfer failure like any other, retried
        // while no event has reached the caller.
        stop_transfer();
        end_.code = http::kCurlOk;
        Error timeout(ErrorCode::Timeout,
                      fmt::format("no response headers within {} ms",
                                  call_.timeout.count()));
        if (!delivered_ &&
            client_->wait_before_retry(call_, attempts_, timeout, {})) {
          if (auto start_error = start_attempt()) {
            return client_->finish_error(std::move(*start_error), attempts_,
                                         call_.request_id);
          }
          continue;
        }
        return client_->finish_error(std::move(timeout), attempts_,
                                     call_.request_id);
      }
    } else {
      wait_until = last_data_ + call_.idle_timeout;
      if (now >= wait_until) {
        stop_transfer();
        return client_->finish_error(
            Error(ErrorCode::Timeout,
                  fmt::format(
                      "no stream event with data for {} ms (idle_timeout); "
                      "keep-alive comments do not count",
                      call_.idle_timeout.count())),
            attempts_, call_.request_id);
      }
    }
    pump(wait_until);
  }
}

}  // namespace detail

CompletionStream::CompletionStream(std::unique_ptr<detail::StreamState> state)
    : state_(std::move(state)) {}
CompletionStream::CompletionStream(CompletionStream&&) noexcept = default;
CompletionStream& CompletionStream::operator=(CompletionStream&&) noexcept =
    default;
CompletionStream::~CompletionStream() = default;

CompletionStream::iterator CompletionStream::begin() {
  if (state_ && !state_->started()) state_->advance();
  return iterator(this);
}

Result<CompletionResponse> CompletionStream::collect() {
  if (!state_)
    return Error(ErrorCode::InvalidArgument, "the stream was moved from");
  return state_->collect();
}

const ResponseHeaders& CompletionStream::headers() const noexcept {
  static const ResponseHeaders kNone;
  return state_ ? state_->headers() : kNone;
}

Result<CompletionChunk>* CompletionStream::current() {
  return state_->current();
}
void CompletionStream::advance() { state_->advance(); }
bool CompletionStream::done() const noexcept {
  return !state_ || state_->done();
}

}  // namespace budgateway
