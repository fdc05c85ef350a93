// Copyright 2026 The budgateway Authors. SPDX-License-Identifier: Apache-2.0
#include "sse/decoder.hpp"

#include <algorithm>
#include <charconv>
#include <cstring>
#include <system_error>
#include <utility>

namespace budgateway::detail {
namespace {

constexpr std::string_view kBom = "\xEF\xBB\xBF";
constexpr std::string_view kDataField = "data";
constexpr std::string_view kEventField = "event";
constexpr std::string_view kIdField = "id";
constexpr std::string_view kRetryField = "retry";
constexpr std::string_view kErrorField = "error";

// Position of the first `byte` at or after `from`, or `bytes.size()`.
std::size_t find_byte(std::string_view bytes, std::size_t from, char byte) {
  if (from >= bytes.size()) return bytes.size();
  const void* hit = std::memchr(bytes.data() + from, byte, bytes.size() - from);
  if (hit == nullptr) return bytes.size();
  return static_cast<std::size_t>(static_cast<const char*>(hit) - bytes.data());
}

// The spec accepts only ASCII digits; a value too large for the type is
// treated like any other unusable value and ignored.
std::optional<std::int64_t> parse_retry(std::string_view value) {
  const auto is_digit = [](char c) { return c >= '0' && c <= '9'; };
  if (value.empty() || !std::all_of(value.begin(), value.end(), is_digit)) {
    return std::nullopt;
  }
  std::int64_t milliseconds = 0;
  const auto result =
      std::from_chars(value.data(), value.data() + value.size(), milliseconds);
  if (result.ec != std::errc{}) return std::nullopt;
  return milliseconds;
}

void append_line(std::string& buffer, std::string_view value) {
  buffer.append(value);
  buffer.push_back('\n');
}

void strip_last_newline(std::string& buffer) {
  if (!buffer.empty() && buffer.back() == '\n') buffer.pop_back();
}

void clear_event(SseEvent& event) noexcept {
  event.type.clear();
  event.data.clear();
  event.id.clear();
  event.retry.reset();
  event.error.clear();
}

// Most events have only data: the other strings are swapped only when one
// side has text (a string swap is not cheap).
void swap_if_any(std::string& a, std::string& b) noexcept {
  if (!a.empty() || !b.empty()) a.swap(b);
}

void swap_events(SseEvent& a, SseEvent& b) noexcept {
  a.data.swap(b.data);
  swap_if_any(a.type, b.type);
  swap_if_any(a.id, b.id);
  swap_if_any(a.error, b.error);
  a.retry.swap(b.retry);
}

}  // namespace

SseDecoder::SseDecoder(std::size_t max_event_bytes, std::size_t data_spare)
    : max_event_bytes_(max_event_bytes), data_spare_(data_spare), ring_(1) {}

bool SseDecoder::feed(std::string_view bytes) {
  if (failed_) return false;
  bytes = skip_bom(bytes);
  if (bytes.empty()) return true;
  if (last_was_cr_) {
    last_was_cr_ = false;
    if (bytes.front() == '\n') bytes.remove_prefix(1);
  }
  // Each memchr result is reused until the scan passes it, so a chunk
  // without CR (the usual case) is searched for CR once, not once per line.
  std::size_t next_cr = find_byte(bytes, 0, '\r');
  std::size_t next_lf = find_byte(bytes, 0, '\n');
  std::size_t start = 0;
  while (start < bytes.size()) {
    if (next_cr < start) next_cr = find_byte(bytes, start, '\r');
    if (next_lf < start) next_lf = find_byte(bytes, start, '\n');
    const std::size_t end = std::min(next_cr, next_lf);
    if (end == bytes.size()) {
      const std::string_view rest = bytes.substr(start);
      if (!fits(line_.size() + rest.size())) return fail();
      line_.append(rest);
      return true;
    }
    std::string_view line = bytes.substr(start, end - start);
    if (!fits(line_.size() + line.size())) return fail();
    if (!line_.empty()) {
      line_.append(line);
      line = line_;
    }
    process_line(line);
    line_.clear();
    start = end + 1;
    if (bytes[end] == '\r') {
      if (start == bytes.size()) {
        last_was_cr_ = true;
      } else if (bytes[start] == '\n') {
        ++start;
      }
    }
  }
  return true;
}

SseEvent SseDecoder::pop_event() {
  SseEvent event;
  pop_event(event);
  return event;
}

void SseDecoder::pop_event(SseEvent& into) noexcept {
  // The slot takes `into`'s buffers; it is cleared when it next becomes the
  // pending event.
  swap_events(into, ring_[head_]);
  head_ = slot(1);
  --queued_;
}

bool SseDecoder::has_partial_event() const noexcept {
  const bool bom_undecided = bom_matched_ > 0 && bom_matched_ < kBom.size();
  return failed_ || !line_.empty() || pending_has_fields_ || bom_undecided;
}

std::string_view SseDecoder::skip_bom(std::string_view bytes) {
  while (bom_matched_ < kBom.size() && !bytes.empty()) {
    if (bytes.front() != kBom[bom_matched_]) {
      // Not a BOM after all: the bytes held back start the first line.
      line_.assign(kBom.substr(0, bom_matched_));
      bom_matched_ = kBom.size();
      break;
    }
    ++bom_matched_;
    bytes.remove_prefix(1);
  }
  return bytes;
}

bool SseDecoder::fits(std::size_t line_bytes) const noexcept {
  // pending_bytes_ never exceeds the limit, so this cannot wrap.
  return line_bytes <= max_event_bytes_ - pending_bytes_;
}

bool SseDecoder::fail() {
  failed_ = true;
  std::string().swap(line_);
  pending() = SseEvent{};
  return false;
}

void SseDecoder::process_line(std::string_view line) {
  if (line.empty()) {
    dispatch();
    return;
  }
  if (line.front() == ':') return;
  const std::size_t colon = line.find(':');
  if (colon == std::string_view::npos) {
    process_field(line, {});
  } else {
    std::string_view value = line.substr(colon + 1);
    if (!value.empty() && value.front() == ' ') value.remove_prefix(1);
    process_field(line.substr(0, colon), value);
  }
  pending_bytes_ += line.size();
  pending_has_fields_ = true;
}

void SseDecoder::process_field(std::string_view name, std::string_view value) {
  SseEvent& event = pending();
  if (name == kDataField) {
    if (event.data.empty()) event.data.reserve(value.size() + 1 + data_spare_);
    append_line(event.data, value);
  } else if (name == kEventField) {
    event.type.assign(value);
  } else if (name == kIdField) {
    if (value.find('\0') == std::string_view::npos) last_id_.assign(value);
  } else if (name == kRetryField) {
    if (const auto milliseconds = parse_retry(value)) {
      event.retry = milliseconds;
    }
  } else if (name == kErrorField) {
    append_line(event.error, value);
  }
}

void SseDecoder::dispatch() {
  pending_bytes_ = 0;
  pending_has_fields_ = false;
  SseEvent& event = pending();
  if (event.data.empty() && event.error.empty()) {
    event.type.clear();
    event.retry.reset();
    return;
  }
  strip_last_newline(event.data);
  strip_last_newline(event.error);
  if (!last_id_.empty()) event.id = last_id_;
  ++queued_;
  ++dispatched_;
  if (queued_ == ring_.size()) {
    // Every slot is queued: make room for the next pending event after
    // them, in order.
    std::rotate(ring_.begin(),
                ring_.begin() + static_cast<std::ptrdiff_t>(head_),
                ring_.end());
    head_ = 0;
    ring_.emplace_back();
  } else {
    clear_event(pending());
  }
}

}  // namespace budgateway::detail
