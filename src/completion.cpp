// Copyright 2026 The budgateway Authors. SPDX-License-Identifier: Apache-2.0
#include <budgateway/completion.hpp>

#include <string>
#include <utility>

namespace budgateway {

FinishReason::FinishReason(std::string value) : value_(std::move(value)) {
  if (value_ == "stop") {
    kind_ = Kind::Stop;
  } else if (value_ == "length") {
    kind_ = Kind::Length;
  } else if (value_ == "content_filter") {
    kind_ = Kind::ContentFilter;
  } else {
    kind_ = Kind::Other;
  }
}

}  // namespace budgateway
