// Copyright 2026 The budgateway Authors. SPDX-License-Identifier: Apache-2.0
// The little JSON the command reads and writes itself: input lines, output
// lines, request members given as flags. Reading uses simdjson (linked to the
// tool privately); writing is string building.
#ifndef BUDGATEWAY_TOOLS_JSON_HPP_
#define BUDGATEWAY_TOOLS_JSON_HPP_

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace budgateway_cli {

/// Appends `text` as a JSON string literal, quotes included.
void append_json_string(std::string& out, std::string_view text);

/// `text` as a JSON string literal.
std::string json_string(std::string_view text);

/// A number for JSON output: finite, shortest form that reads back the same;
/// NaN and infinities as null.
std::string json_number(double value);

/// `text` minified when it is one valid JSON value, else nothing.
std::optional<std::string> minified_json(std::string_view text);

/// One JSON object's members, each value as minified JSON text.
struct JsonObject {
  std::vector<std::pair<std::string, std::string>> members;
  const std::string* find(std::string_view name) const;
};

/// Parses `text` as a JSON object; on failure, says why in `problem`.
std::optional<JsonObject> parse_json_object(std::string_view text,
                                            std::string& problem);

/// The string a JSON string literal holds, or nothing for other JSON.
std::optional<std::string> json_string_value(std::string_view raw_json);

/// The integer a JSON number holds, or nothing for other JSON.
std::optional<std::int64_t> json_integer_value(std::string_view raw_json);

}  // namespace budgateway_cli

#endif  // BUDGATEWAY_TOOLS_JSON_HPP_
