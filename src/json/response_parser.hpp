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
  static std::optional<Timing>& timing(CompletionResponse& r) {
    return r.timing_;
  }
};

/// The spare bytes the parser needs past the end of a body (simdjson's
/// padding): buffers that will be parsed reserve this much more.
inline constexpr std::size_t kJsonPadding = 64;

/// Why a stream event's data is not a chunk.
struct ChunkProblem {
  /// The data is an error report (a top-level `error` object): `error`
  /// carries its message, type, param and code, and its ErrorCode is left at
  /// Server for the caller to map (code_from_api_error). Otherwise the data
  /// is malformed and `error` is a Protocol error.
  bool server_reported = false;
  Error error;
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

  /// One stream event's data, as parse_completion, into `out`, whose
  /// strings and vectors keep their capacity (a stream reuses one chunk
  /// object). On a problem `out` holds part of the chunk and must not be
  /// read.
  std::optional<ChunkProblem> parse_chunk(std::string data,
                                          CompletionChunk& out);

  /// parse_chunk without giving up a buffer: `data`'s buffer becomes
  /// `out.raw_json()`, and `data` gets the buffer raw_json() had (cleared,
  /// its capacity kept) for the caller to fill with the next event. On a
  /// problem `data` is left as it was.
  std::optional<ChunkProblem> parse_chunk_in_place(std::string& data,
                                                   CompletionChunk& out);

  /// The calling thread's parser.
  static ResponseParser& for_this_thread();

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
