// Copyright 2026 The budgateway Authors. SPDX-License-Identifier: Apache-2.0
// What a CompletionStream reads from: a live stream pumped on the caller's
// thread, or a list of elements (testing::make_stream).
#ifndef BUDGATEWAY_SRC_STREAM_SOURCE_HPP_
#define BUDGATEWAY_SRC_STREAM_SOURCE_HPP_

#include <budgateway/completion.hpp>
#include <budgateway/headers.hpp>
#include <budgateway/result.hpp>
#include <budgateway/stream.hpp>

#include <memory>
#include <optional>

namespace budgateway::detail {

class StreamSource {
 public:
  virtual ~StreamSource() = default;
  /// Drops the element last returned and reads the next: a chunk, or an
  /// error (the last element); null at the clean end.
  virtual Result<CompletionChunk>* advance() = 0;
  /// The fold of every chunk read so far.
  virtual CompletionResponse folded() const = 0;
  virtual const ResponseHeaders& headers() const noexcept = 0;
  /// Where the stream's time went so far; empty when nothing is known.
  virtual std::optional<Timing> timing() const { return std::nullopt; }
};

/// Builds CompletionStreams for the library, whose constructor is private.
struct StreamAccess {
  static CompletionStream make(std::unique_ptr<StreamSource> source) {
    return CompletionStream(std::move(source));
  }
};

}  // namespace budgateway::detail

#endif  // BUDGATEWAY_SRC_STREAM_SOURCE_HPP_
