// Copyright 2026 The budgateway Authors. SPDX-License-Identifier: Apache-2.0
// A stream chunk read as a stream reads it: parsed, and an error the server
// reported typed from its type/code.
#ifndef BUDGATEWAY_TESTS_SUPPORT_READ_CHUNK_HPP_
#define BUDGATEWAY_TESTS_SUPPORT_READ_CHUNK_HPP_

#include <string>
#include <utility>

#include "error_mapping.hpp"
#include "json/response_parser.hpp"

namespace budgateway::detail {

inline Result<CompletionChunk> read_chunk(ResponseParser& parser,
                                          std::string data) {
  CompletionChunk chunk;
  auto problem = parser.parse_chunk(std::move(data), chunk);
  if (!problem) return chunk;
  ErrorInfo info = std::move(problem->error).info();
  if (problem->server_reported) {
    info.code = code_from_api_error(info.type, info.api_code);
  }
  return Error(std::move(info));
}

}  // namespace budgateway::detail

#endif  // BUDGATEWAY_TESTS_SUPPORT_READ_CHUNK_HPP_
