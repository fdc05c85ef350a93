// Copyright 2026 The budgateway Authors. SPDX-License-Identifier: Apache-2.0
// Serializes a CompletionRequest to its exact JSON body. Knows nothing of HTTP.
#ifndef BUDGATEWAY_SRC_JSON_REQUEST_WRITER_HPP_
#define BUDGATEWAY_SRC_JSON_REQUEST_WRITER_HPP_

#include <budgateway/completion.hpp>
#include <budgateway/error.hpp>

#include <optional>
#include <string>
#include <string_view>

namespace budgateway::detail {

/// Appends `text` as a JSON string (quotes included) escaped per RFC 8259:
/// `"` `\` and control characters escaped, valid UTF-8 passed through.
/// Returns false, leaving `out` unspecified, when `text` is not valid UTF-8.
bool append_json_string(std::string& out, std::string_view text);

/// Appends `value` in shortest round-trip form (0.7 -> "0.7").
/// Returns false, appending nothing, for NaN and infinities.
bool append_json_number(std::string& out, double value);

/// Replaces `out` with the request's body; `stream` adds `"stream":true`.
/// Unset fields are not written. extra_body members are merged in, replacing
/// typed fields of the same name. InvalidArgument for invalid UTF-8 (naming
/// the field), NaN/Inf, or an extra_body that is not a JSON object.
std::optional<Error> write_request_json(const CompletionRequest& request,
                                        bool stream, std::string& out);

}  // namespace budgateway::detail

#endif  // BUDGATEWAY_SRC_JSON_REQUEST_WRITER_HPP_
