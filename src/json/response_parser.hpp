// Copyright 2026 The budgateway Authors. SPDX-License-Identifier: Apache-2.0
// Parses completion bodies, stream chunks and error bodies with simdjson
// ondemand into owned structs. Knows nothing of HTTP.
#ifndef BUDGATEWAY_SRC_JSON_RESPONSE_PARSER_HPP_
#define BUDGATEWAY_SRC_JSON_RESPONSE_PARSER_HPP_

#include <budgateway/completion.hpp>
#include <budgateway/error.hpp>
#include <budgateway/result.hpp>

#include <memory>
#include <optional>
#include <string>
#include <string_view>

namespace budgateway::detail {

/// Lets library code set the private members of a CompletionResponse.
struct ResponseAccess {
  static std::string& raw_json(CompletionResponse& r) { return r.raw_json_; }
  static ResponseHeaders& headers(CompletionResponse& r) { return r.headers_; }
};

/// The most a Protocol error keeps of a body, in bytes.
inline constexpr std::size_t kMaxErrorBodyBytes = 4096;

/// `body` cut to kMaxErrorBodyBytes (at a UTF-8 boundary), with a marker.
std::string truncate_body(std::string_view body);

/// One parser per thread or per stream: never shared across threads.
class ResponseParser {
 public:
  ResponseParser();
  ~ResponseParser();
  ResponseParser(const ResponseParser&) = delete;
  ResponseParser& operator=(const ResponseParser&) = delete;

  /// A unary body. The string is moved into raw_json() (padding is added to
  /// its capacity, so no copy is made). Unknown members are ignored; an
  /// optional member of another shape is left empty. Not JSON, not an
  /// object, or no `choices` array: a Protocol error holding the truncated
  /// body.
  Result<CompletionResponse> parse_completion(std::string body);

  /// One stream event's data, as parse_completion. A top-level `error`
  /// member instead yields the typed error it describes (code from its
  /// `type`/`code` via code_from_api_error, default Server).
  Result<CompletionChunk> parse_chunk(std::string data);

  /// As parse_chunk, into `out`, whose strings and vectors keep their
  /// capacity (a stream reuses one chunk object). On an error `out` holds
  /// part of the chunk and must not be read.
  std::optional<Error> parse_chunk_into(std::string data, CompletionChunk& out);

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

/// The parts of an error body, in any of the shapes servers send.
struct ApiErrorFields {
  bool parsed = false;  ///< The body was a JSON object.
  std::string message;
  std::string type;
  std::string param;
  std::string code;  ///< An integer code as its digits.
};

/// Reads `{"error":{message,type,param,code}}`, `{"error":"msg"}`,
/// `{"error":"forbidden","message":"why"}`, a flat `{message,type,code}`,
/// and `provider_error` beside `error` (its message used when `error` has
/// none). Whatever the Content-Type said.
ApiErrorFields parse_api_error(std::string_view body);

}  // namespace budgateway::detail

#endif  // BUDGATEWAY_SRC_JSON_RESPONSE_PARSER_HPP_
