// Copyright 2026 The budgateway Authors. SPDX-License-Identifier: Apache-2.0
#include "stream_machine.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <utility>

#include "error_mapping.hpp"
#include "json/response_parser.hpp"

namespace budgateway::detail {
namespace {

constexpr std::string_view kDone = "[DONE]";
constexpr std::string_view kRequestIdHeader = "x-request-id";
/// What a stream keeps of a body that is not an event stream (an error).
constexpr std::size_t kMaxOtherBody = kMaxErrorBodyBytes * 4;
/// After `[DONE]`, how long to wait for the body's end so the connection
/// stays reusable; a server that holds it open longer loses it.
constexpr std::chrono::milliseconds kDrainAfterDone{1000};

bool is_event_stream(const ResponseHeaders& headers) {
  const auto type = headers.get("content-type");
  return type && type->find("text/event-stream") != std::string_view::npos;
}

void append_logprobs(std::optional<Logprobs>& into, const Logprobs& from) {
  if (!into) {
    into = from;
    return;
  }
  auto append = [](auto& to, const auto& items) {
    to.insert(to.end(), items.begin(), items.end());
  };
  append(into->tokens, from.tokens);
  append(into->token_logprobs, from.token_logprobs);
  append(into->top_logprobs, from.top_logprobs);
  append(into->text_offset, from.text_offset);
}

}  // namespace

StreamMachine::StreamMachine(std::shared_ptr<ClientImpl> client,
                             PreparedCall call, http::Multi& multi,
                             http::Transfer& transfer)
    : client_(std::move(client)),
      call_(std::move(call)),
      multi_(multi),
      transfer_(transfer),
      decoder_(call_.max_event_bytes) {
  if (call_.cancel) {
    waker_ = call_.cancel->add_waker([multi = &multi_] { multi->wakeup(); });
  }
}

StreamMachine::~StreamMachine() {
  stop_transfer();
  if (call_.cancel) call_.cancel->remove_waker(waker_);
}

StreamMachine::Status StreamMachine::step(Clock::time_point now) {
  if (element_) return Status::Element;
  if (ended_) return Status::End;
  if (call_.cancel && call_.cancel->cancelled()) {
    finish_with(Error(ErrorCode::Cancelled, "the stream was cancelled"));
    return Status::Element;
  }
  if (retry_at_ || attempts_ == 0) {
    if (retry_at_ && now < *retry_at_) return Status::Waiting;
    retry_at_.reset();
    if (auto error = start_attempt(now)) {
      finish_with(std::move(*error));
      return Status::Element;
    }
  }
  if (!headers_seen_ && transfer_.headers_done()) {
    headers_seen_ = true;
    headers_ = transfer_.headers();
    last_data_ = now;
  }

  while (decoder_.has_event()) {
    auto event = decoder_.pop_event();
    if (draining_) continue;
    last_data_ = now;
    switch (handle_event(std::move(event))) {
      case EventKind::Skip:
        continue;
      case EventKind::Done:
        if (!got_completion_) {
          ErrorInfo info = protocol_error("").info();
          info.code = ErrorCode::Server;
          info.message =
              "the stream ended with [DONE] before any completion chunk (the "
              "Bud gateway answers so when its backend rejected the request)";
          finish_with(Error(std::move(info)));
          return Status::Element;
        }
        draining_ = true;
        drain_until_ = now + kDrainAfterDone;
        continue;
      case EventKind::Element:
        break;
    }
    if (!element_->has_value()) {
      Error error = std::move(*element_).error();
      finish_with(std::move(error));
      return Status::Element;
    }
    const CompletionChunk& chunk = **element_;
    delivered_ = true;
    if (!chunk.choices.empty()) got_completion_ = true;
    fold(chunk);
    return Status::Element;
  }

  if (draining_) {
    if (!transfer_done_ && now < drain_until_) return Status::Waiting;
    stop_transfer();
    ended_ = true;
    return Status::End;
  }
  if (transfer_done_) {
    stop_transfer();
    retry_or_fail(end_of_body_error(), transfer_.headers(), now);
    return element_ ? Status::Element : Status::Waiting;
  }
  if (!headers_seen_) {
    if (now >= attempt_start_ + call_.timeout) {
      stop_transfer();
      retry_or_fail(Error(ErrorCode::Timeout,
                          fmt::format("no response headers within {} ms",
                                      call_.timeout.count())),
                    {}, now);
      return element_ ? Status::Element : Status::Waiting;
    }
  } else if (now >= last_data_ + call_.idle_timeout) {
    finish_with(Error(ErrorCode::Timeout,
                      fmt::format("no stream event with data for {} ms "
                                  "(idle_timeout); keep-alive comments do "
                                  "not count",
                                  call_.idle_timeout.count())));
    return Status::Element;
  }
  return Status::Waiting;
}

Result<CompletionChunk> StreamMachine::take() {
  Result<CompletionChunk> out = std::move(*element_);
  element_.reset();
  return out;
}

void StreamMachine::on_transfer_done(http::CurlCode code) {
  transfer_done_ = true;
  end_code_ = code;
}

StreamMachine::Clock::time_point StreamMachine::wake_time() const noexcept {
  if (retry_at_) return *retry_at_;
  if (draining_) return drain_until_;
  if (!headers_seen_) return attempt_start_ + call_.timeout;
  return last_data_ + call_.idle_timeout;
}

void StreamMachine::fail(Error error) {
  if (ended_ && !element_) return;
  finish_with(std::move(error));
}

CompletionResponse StreamMachine::folded() const {
  CompletionResponse out = folded_;
  out.object = "text_completion";
  ResponseAccess::headers(out) = headers_;
  return out;
}

std::optional<Error> StreamMachine::start_attempt(Clock::time_point now) {
  ++attempts_;
  decoder_ = SseDecoder(call_.max_event_bytes);
  other_body_.clear();
  headers_.clear();
  headers_seen_ = false;
  sse_checked_ = false;
  sse_ = false;
  transfer_done_ = false;
  end_code_ = http::kCurlOk;
  auto sink = [this](std::string_view bytes) { return on_data(bytes); };
  if (auto error = transfer_.prepare(call_.spec, call_.body, kMaxOtherBody,
                                     std::move(sink))) {
    return error;
  }
  if (auto error = multi_.add(transfer_)) return error;
  in_multi_ = true;
  attempt_start_ = now;
  last_data_ = now;
  return std::nullopt;
}

bool StreamMachine::on_data(std::string_view bytes) {
  if (!sse_checked_) {
    sse_checked_ = true;
    sse_ = is_event_stream(transfer_.headers());
  }
  if (sse_) return decoder_.feed(bytes);
  // A 2xx that is not an event stream: keep (bounded) what it says.
  if (other_body_.size() + bytes.size() > kMaxOtherBody) return false;
  other_body_.append(bytes);
  return true;
}

void StreamMachine::stop_transfer() noexcept {
  if (!in_multi_) return;
  // Removing a running transfer closes its connection: nothing is left
  // half-read on a socket another call could reuse.
  multi_.remove(transfer_);
  in_multi_ = false;
}

Error StreamMachine::in_stream_error(std::string_view json) const {
  const ApiErrorFields fields = parse_api_error(json);
  ErrorInfo info;
  info.http_status = transfer_.status();
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
  if (auto id = headers_.get(kRequestIdHeader)) {
    info.request_id = std::string(*id);
  }
  return Error(std::move(info));
}

Error StreamMachine::protocol_error(std::string message) const {
  ErrorInfo info;
  info.code = ErrorCode::Protocol;
  info.message = std::move(message);
  info.http_status = transfer_.status();
  if (auto id = headers_.get(kRequestIdHeader)) {
    info.request_id = std::string(*id);
  }
  return Error(std::move(info));
}

StreamMachine::EventKind StreamMachine::handle_event(SseEvent&& event) {
  if (!event.error.empty()) {
    element_.emplace(in_stream_error(event.error));
    return EventKind::Element;
  }
  if (event.type == "error") {
    element_.emplace(in_stream_error(event.data));
    return EventKind::Element;
  }
  // Other named events (pings and the like) carry nothing for us.
  if (!event.type.empty() && event.type != "message") return EventKind::Skip;
  if (event.data == kDone) return EventKind::Done;
  if (event.data.compare(0, kDone.size(), kDone) == 0) {
    element_.emplace(protocol_error(fmt::format(
        "malformed end of stream: \"{}\"", event.data.substr(0, 64))));
    return EventKind::Element;
  }
  thread_local ResponseParser parser;
  if (auto error = parser.parse_chunk_into(std::move(event.data), spare_)) {
    ErrorInfo info = std::move(*error).info();
    info.http_status = transfer_.status();
    if (auto id = headers_.get(kRequestIdHeader)) {
      info.request_id = std::string(*id);
    }
    element_.emplace(Error(std::move(info)));
  } else {
    element_.emplace(std::move(spare_));
  }
  return EventKind::Element;
}

void StreamMachine::consume() noexcept {
  // The chunk's buffers go back to spare_ for the next chunk (unless the
  // caller moved the chunk out, which leaves nothing to keep).
  if (element_ && element_->has_value()) spare_ = std::move(**element_);
  element_.reset();
}

Error StreamMachine::end_of_body_error() {
  if (decoder_.failed()) {
    return protocol_error(fmt::format("a stream event is larger than {} bytes",
                                      call_.max_event_bytes));
  }
  const TransferEnd end{end_code_, false};
  if (auto error =
          client_->answer_error(transfer_, end, call_, kMaxOtherBody)) {
    return *std::move(error);
  }
  if (!sse_) {
    const ApiErrorFields fields = parse_api_error(other_body_);
    if (fields.parsed && !fields.message.empty()) {
      return in_stream_error(other_body_);
    }
    const auto type = transfer_.headers().get("content-type");
    return protocol_error(
        fmt::format("expected a text/event-stream answer, got \"{}\"",
                    type ? *type : "no content type"));
  }
  if (decoder_.has_partial_event()) {
    return protocol_error(
        "the stream ended in the middle of an event, without [DONE]");
  }
  return protocol_error(delivered_
                            ? "the stream ended without [DONE]"
                            : "the stream ended without any event or [DONE]");
}

void StreamMachine::retry_or_fail(Error error, const ResponseHeaders& headers,
                                  Clock::time_point now) {
  // Once an event reached the caller a retry would repeat it: never.
  if (!delivered_) {
    if (auto delay = client_->retry_delay(call_, attempts_, error, headers)) {
      retry_at_ = now + *delay;
      return;
    }
  }
  finish_with(std::move(error));
}

void StreamMachine::finish_with(Error error) {
  stop_transfer();
  element_.emplace(
      client_->finish_error(std::move(error), attempts_, call_.request_id));
  ended_ = true;
}

void StreamMachine::fold(const CompletionChunk& chunk) {
  if (folded_.id.empty()) {
    folded_.id = chunk.id;
    folded_.created = chunk.created;
    folded_.model = chunk.model;
  }
  if (chunk.system_fingerprint) {
    folded_.system_fingerprint = chunk.system_fingerprint;
  }
  if (chunk.usage) folded_.usage = chunk.usage;
  for (const Choice& piece : chunk.choices) {
    auto into =
        std::find_if(folded_.choices.begin(), folded_.choices.end(),
                     [&](const Choice& c) { return c.index == piece.index; });
    if (into == folded_.choices.end()) {
      Choice fresh;
      fresh.index = piece.index;
      // Keep the choices ordered by index as they appear.
      into = folded_.choices.insert(
          std::upper_bound(folded_.choices.begin(), folded_.choices.end(),
                           piece.index,
                           [](std::int64_t index, const Choice& c) {
                             return index < c.index;
                           }),
          std::move(fresh));
    }
    into->text += piece.text;
    if (piece.finish_reason) into->finish_reason = piece.finish_reason;
    if (piece.logprobs) append_logprobs(into->logprobs, *piece.logprobs);
  }
}

}  // namespace budgateway::detail
