// Copyright 2026 The budgateway Authors. SPDX-License-Identifier: Apache-2.0
#include <budgateway/stream.hpp>

#include <utility>

#include "stream_source.hpp"

namespace budgateway {

CompletionStream::CompletionStream() noexcept = default;
CompletionStream::CompletionStream(std::unique_ptr<detail::StreamSource> source)
    : source_(std::move(source)) {}

CompletionStream::CompletionStream(CompletionStream&& other) noexcept
    : source_(std::move(other.source_)),
      current_(std::exchange(other.current_, nullptr)),
      started_(std::exchange(other.started_, false)),
      finished_(std::exchange(other.finished_, false)) {}

CompletionStream& CompletionStream::operator=(
    CompletionStream&& other) noexcept {
  if (this != &other) {
    source_ = std::move(other.source_);
    current_ = std::exchange(other.current_, nullptr);
    started_ = std::exchange(other.started_, false);
    finished_ = std::exchange(other.finished_, false);
  }
  return *this;
}

CompletionStream::~CompletionStream() = default;

void CompletionStream::advance() {
  if (!source_ || finished_) {
    current_ = nullptr;
    return;
  }
  started_ = true;
  current_ = source_->advance();
  if (current_ == nullptr || !current_->has_value()) finished_ = true;
}

CompletionStream::iterator CompletionStream::begin() {
  if (source_ && !started_) advance();
  return iterator(this);
}

Result<CompletionResponse> CompletionStream::collect() {
  if (!source_) {
    return Error(ErrorCode::InvalidArgument, "the stream was moved from");
  }
  if (!started_) advance();
  while (current_ != nullptr) {
    if (!current_->has_value()) return current_->error();
    advance();
  }
  return source_->folded();
}

std::optional<Timing> CompletionStream::timing() const {
  return source_ ? source_->timing() : std::nullopt;
}

const ResponseHeaders& CompletionStream::headers() const noexcept {
  static const ResponseHeaders kNone;
  return source_ ? source_->headers() : kNone;
}

}  // namespace budgateway
