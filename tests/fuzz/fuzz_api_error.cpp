// Copyright 2026 The budgateway Authors. SPDX-License-Identifier: Apache-2.0
// Feeds the input to parse_api_error, which must not crash, and compares what
// it reads with a reference that walks simdjson's DOM by the rules of
// response_parser.hpp: `error` as an object or a string, top-level
// message/type/param/code, `provider_error` and `detail`.
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <string>
#include <string_view>

#include <simdjson.h>

#include "json/response_parser.hpp"

namespace {

namespace dom = simdjson::dom;
using budgateway::detail::ApiErrorFields;
using budgateway::detail::parse_api_error;

void check(bool condition) {
  if (!condition) std::abort();
}

// A code as the server wrote it: a string, or a number whose digits the
// DOM does not keep, so only its value is compared.
struct Code {
  std::string text;
  bool is_number = false;
  double number = 0;
  bool empty() const { return text.empty() && !is_number; }
};

struct Fields {
  std::string message;
  std::string type;
  std::string param;
  Code code;
};

void read_string(dom::element value, std::string& out) {
  std::string_view text;
  if (value.get_string().get(text) == simdjson::SUCCESS) out = text;
}

void read_code(dom::element value, Code& out) {
  if (value.is_string()) {
    out = Code{};
    read_string(value, out.text);
  } else if (value.is_number()) {
    out = Code{};
    out.is_number = true;
    check(value.get_double().get(out.number) == simdjson::SUCCESS);
  }
}

void read_error_fields(std::string_view key, dom::element value,
                       Fields& fields) {
  if (key == "message") read_string(value, fields.message);
  if (key == "type") read_string(value, fields.type);
  if (key == "param") read_string(value, fields.param);
  if (key == "code") read_code(value, fields.code);
}

std::string provider_message(dom::element value) {
  std::string text;
  if (value.is_string()) {
    read_string(value, text);
    return text;
  }
  std::string message;
  std::string nested;
  dom::object object;
  if (value.get_object().get(object) == simdjson::SUCCESS) {
    for (const auto member : object) {
      if (member.key == "message") read_string(member.value, message);
      if (member.key != "error") continue;
      if (member.value.is_string()) {
        read_string(member.value, nested);
      } else if (member.value.is_object()) {
        // A named object: value_unsafe() of a temporary result would dangle.
        const dom::object error = member.value.get_object().value_unsafe();
        for (const auto inner : error) {
          if (inner.key == "message") read_string(inner.value, nested);
        }
      }
    }
  }
  return message.empty() ? nested : message;
}

std::string first_non_empty(const std::string& a, const std::string& b,
                            const std::string& c) {
  if (!a.empty()) return a;
  return b.empty() ? c : b;
}

Fields reference(dom::object root) {
  bool has_error = false;
  bool error_is_object = false;
  std::string error_text;
  Fields error_object;
  Fields top;
  std::string provider;
  std::string detail;
  for (const auto member : root) {
    if (member.key == "error") {
      if (member.value.is_string()) {
        has_error = true;
        read_string(member.value, error_text);
      } else if (member.value.is_object()) {
        has_error = true;
        error_is_object = true;
        const dom::object error = member.value.get_object().value_unsafe();
        for (const auto inner : error) {
          read_error_fields(inner.key, inner.value, error_object);
        }
      }
    } else if (member.key == "provider_error") {
      provider = provider_message(member.value);
    } else if (member.key == "detail") {
      read_string(member.value, detail);
    } else {
      read_error_fields(member.key, member.value, top);
    }
  }
  Fields fields;
  if (error_is_object) {
    fields = error_object;
    fields.message = first_non_empty(fields.message, provider, top.message);
    if (fields.type.empty()) fields.type = top.type;
    if (fields.param.empty()) fields.param = top.param;
    if (fields.code.empty()) fields.code = top.code;
  } else if (has_error && !top.message.empty()) {
    fields = top;
    if (fields.code.empty()) fields.code.text = error_text;
  } else {
    fields = top;
    fields.message = first_non_empty(error_text, provider, top.message);
  }
  if (fields.message.empty()) fields.message = detail;
  return fields;
}

void check_code(const std::string& actual, const Code& expected) {
  if (!expected.is_number) {
    check(actual == expected.text);
    return;
  }
  // The number as written: JSON number text that reads back to its value.
  check(!actual.empty());
  char* end = nullptr;
  const double value = std::strtod(actual.c_str(), &end);
  check(end == actual.c_str() + actual.size());
  check(value == expected.number);
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data,
                                      std::size_t size) {
  const std::string_view input(reinterpret_cast<const char*>(data), size);
  const ApiErrorFields fields = parse_api_error(input);
  if (!fields.parsed) {
    check(fields.message.empty() && fields.type.empty() &&
          fields.param.empty() && fields.code.empty());
  }

  // The parser compares raw keys, the DOM unescaped ones: a document with a
  // \u escape anywhere is not judged.
  if (input.find("\\u") != std::string_view::npos) return 0;
  dom::parser parser;
  dom::element root;
  if (parser.parse(input.data(), input.size()).get(root) != simdjson::SUCCESS) {
    return 0;
  }
  dom::object object;
  if (root.get_object().get(object) != simdjson::SUCCESS) {
    check(!fields.parsed);
    return 0;
  }
  check(fields.parsed);
  const Fields expected = reference(object);
  check(fields.message == expected.message);
  check(fields.type == expected.type);
  check(fields.param == expected.param);
  check_code(fields.code, expected.code);
  return 0;
}
