// Copyright 2026 The budgateway Authors. SPDX-License-Identifier: Apache-2.0
#include "call/fold.hpp"

#include <algorithm>
#include <utility>

#include "json/response_parser.hpp"

namespace budgateway::detail {
namespace {

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

void ChunkFold::add(const CompletionChunk& chunk) {
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
    // Most chunks continue the choice the last one did: look there first.
    auto into =
        last_ < folded_.choices.size() &&
                folded_.choices[last_].index == piece.index
            ? folded_.choices.begin() + static_cast<std::ptrdiff_t>(last_)
            : std::find_if(
                  folded_.choices.begin(), folded_.choices.end(),
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
    last_ = static_cast<std::size_t>(into - folded_.choices.begin());
    into->text += piece.text;
    if (piece.finish_reason) into->finish_reason = piece.finish_reason;
    if (piece.logprobs) append_logprobs(into->logprobs, *piece.logprobs);
  }
}

CompletionResponse ChunkFold::result(const ResponseHeaders& headers) const {
  CompletionResponse out = folded_;
  out.object = "text_completion";
  ResponseAccess::headers(out) = headers;
  return out;
}

}  // namespace budgateway::detail
