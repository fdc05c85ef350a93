// Copyright 2026 The budgateway Authors. SPDX-License-Identifier: Apache-2.0
// Small helpers for integration tests: a plain GET (for the fake gateway's
// /_stats) and JSON look-ups done with simdjson, independent of the SDK.
#ifndef BUDGATEWAY_TESTS_TEST_HTTP_HPP_
#define BUDGATEWAY_TESTS_TEST_HTTP_HPP_

#include <curl/curl.h>
#include <simdjson.h>

#include <cstdint>
#include <string>
#include <string_view>

namespace budgateway::testing {

inline std::string http_get(const std::string& url) {
  std::string body;
  CURL* handle = curl_easy_init();
  curl_easy_setopt(handle, CURLOPT_URL, url.c_str());
  curl_easy_setopt(
      handle, CURLOPT_WRITEFUNCTION,
      +[](char* data, std::size_t size, std::size_t count, void* out) {
        static_cast<std::string*>(out)->append(data, size * count);
        return size * count;
      });
  curl_easy_setopt(handle, CURLOPT_WRITEDATA, &body);
  curl_easy_perform(handle);
  curl_easy_cleanup(handle);
  return body;
}

/// A parsed JSON document that owns its text.
class Json {
 public:
  explicit Json(std::string_view text) : text_(text) {
    root_ = parser_.parse(text_);
  }
  simdjson::dom::element root() const { return root_; }

 private:
  simdjson::padded_string text_;
  simdjson::dom::parser parser_;
  simdjson::dom::element root_;
};

}  // namespace budgateway::testing

#endif  // BUDGATEWAY_TESTS_TEST_HTTP_HPP_
