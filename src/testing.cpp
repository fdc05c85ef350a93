// Copyright 2026 The budgateway Authors. SPDX-License-Identifier: Apache-2.0
#include <budgateway/testing.hpp>

#include <utility>

#include "call/fold.hpp"
#include "stream_source.hpp"

namespace budgateway::testing {
namespace {

/// A stream read from a list, folded as it is read.
class ListSource final : public detail::StreamSource {
 public:
  ListSource(std::vector<Result<CompletionChunk>> elements,
             ResponseHeaders headers)
      : elements_(std::move(elements)), headers_(std::move(headers)) {}

  Result<CompletionChunk>* advance() override {
    if (next_ >= elements_.size() || ended_) return nullptr;
    Result<CompletionChunk>* element = &elements_[next_++];
    if (*element) {
      fold_.add(**element);
    } else {
      ended_ = true;  // An error is always the last element.
    }
    return element;
  }
  CompletionResponse folded() const override { return fold_.result(headers_); }
  const ResponseHeaders& headers() const noexcept override { return headers_; }

 private:
  std::vector<Result<CompletionChunk>> elements_;
  ResponseHeaders headers_;
  detail::ChunkFold fold_;
  std::size_t next_ = 0;
  bool ended_ = false;
};

Error nothing_left(std::string_view what) {
  return Error(ErrorCode::InvalidArgument,
               std::string("FakeConnection has no ") + std::string(what) +
                   " left to answer with: push() one first");
}

}  // namespace

CompletionStream make_stream(std::vector<Result<CompletionChunk>> elements,
                             ResponseHeaders headers) {
  return detail::StreamAccess::make(
      std::make_unique<ListSource>(std::move(elements), std::move(headers)));
}

void FakeConnection::push(Result<CompletionResponse> answer) {
  std::lock_guard<std::mutex> lock(mutex_);
  answers_.push_back(std::move(answer));
}

void FakeConnection::push_stream(
    std::vector<Result<CompletionChunk>> elements) {
  std::lock_guard<std::mutex> lock(mutex_);
  streams_.push_back(std::move(elements));
}

const std::vector<CompletionRequest>& FakeConnection::requests() const {
  std::lock_guard<std::mutex> lock(mutex_);
  return requests_;
}

Result<CompletionResponse> FakeConnection::complete(
    const CompletionRequest& request, const CallOptions& /*options*/) {
  std::lock_guard<std::mutex> lock(mutex_);
  requests_.push_back(request);
  if (answers_.empty()) return nothing_left("answer");
  Result<CompletionResponse> answer = std::move(answers_.front());
  answers_.pop_front();
  return answer;
}

CompletionStream FakeConnection::stream(const CompletionRequest& request,
                                        const CallOptions& /*options*/) {
  std::vector<Result<CompletionChunk>> elements;
  {
    std::lock_guard<std::mutex> lock(mutex_);
    requests_.push_back(request);
    if (streams_.empty()) {
      elements.emplace_back(nothing_left("stream"));
    } else {
      elements = std::move(streams_.front());
      streams_.pop_front();
    }
  }
  return make_stream(std::move(elements));
}

}  // namespace budgateway::testing
