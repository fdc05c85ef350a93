// Copyright 2026 The budgateway Authors. SPDX-License-Identifier: Apache-2.0
#include "json.hpp"

#include <simdjson.h>

#include <array>
#include <charconv>
#include <cmath>

namespace budgateway_cli {
namespace {

// One DOM parser per thread: the command parses on the thread that reads.
simdjson::dom::parser& thread_parser() {
  thread_local simdjson::dom::parser parser;
  return parser;
}

std::optional<simdjson::dom::element> parse(std::string_view text,
                                            std::string* problem) {
  simdjson::dom::element element;
  const simdjson::error_code error =
      thread_parser().parse(text.data(), text.size(), true).get(element);
  if (error) {
    if (problem) {
      *problem = std::string("not valid JSON (") +
                 simdjson::error_message(error) + ")";
    }
    return std::nullopt;
  }
  return element;
}

}  // namespace

void append_json_string(std::string& out, std::string_view text) {
  constexpr char kHex[] = "0123456789abcdef";
  constexpr unsigned char kFirstPrintable = 0x20;
  out.push_back('"');
  for (const char c : text) {
    switch (c) {
      case '"':
        out.append("\\\"");
        break;
      case '\\':
        out.append("\\\\");
        break;
      case '\n':
        out.append("\\n");
        break;
      case '\r':
        out.append("\\r");
        break;
      case '\t':
        out.append("\\t");
        break;
      default:
        if (static_cast<unsigned char>(c) < kFirstPrintable) {
          const auto byte = static_cast<unsigned char>(c);
          out.append("\\u00");
          out.push_back(kHex[byte >> 4]);
          out.push_back(kHex[byte & 0xf]);
        } else {
          out.push_back(c);
        }
    }
  }
  out.push_back('"');
}

std::string json_string(std::string_view text) {
  std::string out;
  append_json_string(out, text);
  return out;
}

std::string json_number(double value) {
  if (!std::isfinite(value)) return "null";
  std::array<char, 32> buffer{};
  const std::to_chars_result result =
      std::to_chars(buffer.data(), buffer.data() + buffer.size(), value);
  return std::string(buffer.data(), result.ptr);
}

std::optional<std::string> minified_json(std::string_view text) {
  const std::optional<simdjson::dom::element> element = parse(text, nullptr);
  if (!element) return std::nullopt;
  return simdjson::minify(*element);
}

const std::string* JsonObject::find(std::string_view name) const {
  for (const auto& [key, value] : members) {
    if (key == name) return &value;
  }
  return nullptr;
}

std::optional<JsonObject> parse_json_object(std::string_view text,
                                            std::string& problem) {
  const std::optional<simdjson::dom::element> element = parse(text, &problem);
  if (!element) return std::nullopt;
  simdjson::dom::object object;
  if (element->get_object().get(object)) {
    problem = "not a JSON object";
    return std::nullopt;
  }
  JsonObject out;
  for (const simdjson::dom::key_value_pair member : object) {
    out.members.emplace_back(std::string(member.key),
                             simdjson::minify(member.value));
  }
  return out;
}

std::optional<std::string> json_string_value(std::string_view raw_json) {
  const std::optional<simdjson::dom::element> element =
      parse(raw_json, nullptr);
  std::string_view value;
  if (!element || element->get_string().get(value)) return std::nullopt;
  return std::string(value);
}

std::optional<std::int64_t> json_integer_value(std::string_view raw_json) {
  const std::optional<simdjson::dom::element> element =
      parse(raw_json, nullptr);
  std::int64_t value = 0;
  if (!element || element->get_int64().get(value)) return std::nullopt;
  return value;
}

}  // namespace budgateway_cli
