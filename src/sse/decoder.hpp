// Copyright 2026 The budgateway Authors. SPDX-License-Identifier: Apache-2.0
// An incremental server-sent-events decoder: bytes in, events out, no I/O.
// Follows the WHATWG event-stream parsing rules.
#ifndef BUDGATEWAY_SRC_SSE_DECODER_HPP_
#define BUDGATEWAY_SRC_SSE_DECODER_HPP_

#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace budgateway::detail {

struct SseEvent {
  std::string type;  ///< The `event` field; empty means "message".
  std::string data;  ///< `data` lines joined with '\n'.
  std::string id;    ///< The last event id seen so far in the stream.
  std::optional<std::int64_t> retry;  ///< A `retry` field in this event.
  /// The non-standard `error:` field some OpenAI-compatible servers
  /// (llama.cpp) send; an event with only this field is still dispatched.
  std::string error;
};

class SseDecoder {
 public:
  static constexpr std::size_t kDefaultMaxEventBytes = std::size_t{16} << 20;

  /// `data_spare`: capacity left past a new event's data, for whoever reads
  /// it next (a JSON parser's padding), so it need not reallocate.
  explicit SseDecoder(std::size_t max_event_bytes = kDefaultMaxEventBytes,
                      std::size_t data_spare = 0);

  /// Decodes `bytes`, queueing each event a blank line dispatches. Returns
  /// false once an event (or line) grew past max_event_bytes; the decoder
  /// then stays failed and ignores further input. An event's size is the
  /// bytes of its field lines plus the line being read, line ends excluded;
  /// comment lines count only while being read.
  bool feed(std::string_view bytes);

  bool has_event() const noexcept { return queued_ != 0; }
  /// How many events were dispatched since construction.
  std::size_t dispatched() const noexcept { return dispatched_; }
  /// The oldest queued event; precondition: has_event().
  SseEvent pop_event();
  /// The oldest queued event, swapped into `into`; precondition:
  /// has_event(). The buffers `into` held are kept and reused for a later
  /// event, so a reader that pops every event into the same object (and
  /// hands its data buffer back the same way) makes the decoder stop
  /// allocating.
  void pop_event(SseEvent& into) noexcept;

  bool failed() const noexcept { return failed_; }
  /// Bytes of an event (or a line) arrived but no blank line dispatched it:
  /// at end of body this event is dropped, and the body ended mid-event.
  /// Exactly: an unfinished line is non-empty, or a field line (anything
  /// but a comment or a blank line) arrived since the last blank line, or
  /// the decoder failed. Complete comment lines alone are not partial.
  bool has_partial_event() const noexcept;

 private:
  std::string_view skip_bom(std::string_view bytes);
  bool fits(std::size_t line_bytes) const noexcept;
  bool fail();
  void process_line(std::string_view line);
  void process_field(std::string_view name, std::string_view value);
  void dispatch();
  SseEvent& pending() noexcept { return ring_[slot(queued_)]; }
  std::size_t slot(std::size_t offset) const noexcept {
    return (head_ + offset) % ring_.size();
  }

  std::size_t max_event_bytes_;
  std::size_t data_spare_;
  std::size_t dispatched_ = 0;
  /// Queued events and, after them, the event being assembled: a ring whose
  /// slots keep their buffers from event to event. The queued events are
  /// the `queued_` slots from `head_`; the pending one is the next slot.
  /// The pending event's `data` and `error` keep one '\n' per line until
  /// dispatch, so "no data line seen" is simply `data.empty()`.
  std::vector<SseEvent> ring_;
  std::size_t head_ = 0;
  std::size_t queued_ = 0;
  /// The start of a line whose end has not arrived yet.
  std::string line_;
  std::string last_id_;
  /// Bytes of the field lines of the pending event, counted against
  /// max_event_bytes_ together with the current line.
  std::size_t pending_bytes_ = 0;
  /// Bytes of a leading BOM matched so far; the BOM's length once the
  /// start of the stream is settled (BOM skipped, or none there). Held-back
  /// bytes join the first line, and the size limit, only if no BOM follows.
  std::size_t bom_matched_ = 0;
  bool pending_has_fields_ = false;
  /// The last line ended in CR, so an LF opening the next feed ends nothing.
  bool last_was_cr_ = false;
  bool failed_ = false;
};

}  // namespace budgateway::detail

#endif  // BUDGATEWAY_SRC_SSE_DECODER_HPP_
