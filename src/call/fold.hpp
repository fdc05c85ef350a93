// Copyright 2026 The budgateway Authors. SPDX-License-Identifier: Apache-2.0
// Folds the chunks of a stream into one completion, as collect() returns it.
#ifndef BUDGATEWAY_SRC_CALL_FOLD_HPP_
#define BUDGATEWAY_SRC_CALL_FOLD_HPP_

#include <budgateway/completion.hpp>

#include <cstddef>

namespace budgateway::detail {

class ChunkFold {
 public:
  /// Text is appended per choice index (choices kept in index order), the
  /// last non-null finish_reason wins, logprobs are appended, usage and
  /// system_fingerprint come from the last chunk that has them.
  void add(const CompletionChunk& chunk);
  /// The fold so far, with `headers`.
  CompletionResponse result(const ResponseHeaders& headers) const;

 private:
  CompletionResponse folded_;
  /// The position of the choice the last chunk added to.
  std::size_t last_ = 0;
};

}  // namespace budgateway::detail

#endif  // BUDGATEWAY_SRC_CALL_FOLD_HPP_
