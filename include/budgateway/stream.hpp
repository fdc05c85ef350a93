// Copyright 2026 The budgateway Authors. SPDX-License-Identifier: Apache-2.0
#ifndef BUDGATEWAY_STREAM_HPP_
#define BUDGATEWAY_STREAM_HPP_

/// @file
/// CompletionStream: a streamed completion as a single-pass input range; and
/// StreamHandler, which receives one from Client::stream_async().

#include <budgateway/completion.hpp>
#include <budgateway/export.hpp>
#include <budgateway/headers.hpp>
#include <budgateway/result.hpp>

#include <cstddef>
#include <functional>
#include <iterator>
#include <memory>
#include <optional>
#include <utility>

namespace budgateway {

namespace detail {
class StreamSource;
struct StreamAccess;
}  // namespace detail

/// The chunks of a streamed completion, read by iterating:
///
///     for (auto& chunk : client.stream(request)) {
///       if (!chunk) { report(chunk.error()); break; }
///       std::cout << chunk->choices[0].text;
///     }
///
/// Reading pumps the transfer on the calling thread (no background thread).
/// A failure is always the last element. Destroying the stream, or leaving
/// the loop early and then destroying it, aborts the transfer at once.
///
/// @par Thread safety
/// Move-only and single-pass: use one stream from one thread at a time. To
/// stop it from another thread, cancel the CallOptions::cancellation source.
class BUDGATEWAY_EXPORT CompletionStream {
 public:
  /// A single-pass input iterator over the stream's elements.
  class iterator {
   public:
    ///@{
    /// Standard iterator traits: an input iterator of Result<CompletionChunk>.
    using iterator_category = std::input_iterator_tag;
    using value_type = Result<CompletionChunk>;
    using difference_type = std::ptrdiff_t;
    using pointer = value_type*;
    using reference = value_type&;
    ///@}

    /// The end iterator.
    iterator() = default;
    /// The current element (a chunk, or the error that ended the stream).
    reference operator*() const { return *stream_->current(); }
    /// The current element's members.
    pointer operator->() const { return stream_->current(); }
    /// Reads the next element, waiting for it.
    iterator& operator++() {
      stream_->advance();
      return *this;
    }
    /// What `it++` returns: the element it pointed to, moved out before the
    /// stream moved on, so `*it++` reads it (the stream is single-pass).
    class postfix {
     public:
      /// The element the iterator pointed to.
      value_type& operator*() noexcept { return value_; }

     private:
      friend class iterator;
      explicit postfix(value_type value) : value_(std::move(value)) {}
      value_type value_;
    };
    /// Reads the next element; the returned object holds the previous one.
    postfix operator++(int) {
      postfix old(std::move(*stream_->current()));
      stream_->advance();
      return old;
    }
    ///@{
    /// Iterators compare equal when both are at the end, or neither is.
    friend bool operator==(const iterator& a, const iterator& b) noexcept {
      return a.at_end() == b.at_end();
    }
    friend bool operator!=(const iterator& a, const iterator& b) noexcept {
      return !(a == b);
    }
    ///@}

   private:
    friend class CompletionStream;
    explicit iterator(CompletionStream* stream) : stream_(stream) {}
    bool at_end() const noexcept { return !stream_ || stream_->done(); }
    CompletionStream* stream_ = nullptr;
  };

  /// An empty stream (as a moved-from one): no element, begin() == end().
  CompletionStream() noexcept;
  ///@{
  /// Moves the transfer; the moved-from stream is empty.
  CompletionStream(CompletionStream&&) noexcept;
  CompletionStream& operator=(CompletionStream&&) noexcept;
  ///@}
  CompletionStream(const CompletionStream&) = delete;
  CompletionStream& operator=(const CompletionStream&) = delete;
  ~CompletionStream();

  /// Reads the first element (sending the request) unless already started.
  iterator begin();
  /// The end of the stream.
  iterator end() noexcept { return iterator(); }

  /// Reads what is left and folds it into one completion: text appended per
  /// choice index, the last finish_reason and logprobs, usage from the usage
  /// chunk. Chunks already read through begin() are included.
  Result<CompletionResponse> collect();

  /// The response headers, names lower-cased; empty before the first element
  /// was read or when no response arrived.
  const ResponseHeaders& headers() const noexcept;
  /// Where the stream's time went so far (first_token once a chunk with
  /// text arrived, total at the end); empty before the first element was
  /// read or when no response arrived.
  std::optional<Timing> timing() const;

 private:
  friend struct detail::StreamAccess;
  explicit CompletionStream(std::unique_ptr<detail::StreamSource> source);

  Result<CompletionChunk>* current() noexcept { return current_; }
  void advance();
  bool done() const noexcept { return !source_ || (started_ && !current_); }

  std::unique_ptr<detail::StreamSource> source_;
  /// The element the iterator reads, owned by the source; null at the end.
  Result<CompletionChunk>* current_ = nullptr;
  bool started_ = false;
  bool finished_ = false;
};

/// Receives a streamed completion on the Client's event-loop thread: every
/// chunk in order, then exactly one end. Keep the callbacks short (they run
/// on the thread that drives every async call of the Client) and do not let
/// them throw: a throwing callback ends its stream with an error.
struct StreamHandler {
  /// Each chunk as it arrives, including the usage chunk with empty choices.
  std::function<void(const CompletionChunk& chunk)> on_chunk{};
  /// Last, once: the chunks folded into one completion (as
  /// CompletionStream::collect()), or the error that ended the stream —
  /// ErrorCode::Cancelled when the last Client copy went away first.
  std::function<void(Result<CompletionResponse> end)> on_end{};
};

}  // namespace budgateway

#endif  // BUDGATEWAY_STREAM_HPP_
