// Copyright 2026 The budgateway Authors. SPDX-License-Identifier: Apache-2.0
#include <budgateway/error.hpp>

#include <ostream>
#include <string>
#include <string_view>
#include <utility>

namespace budgateway {
namespace {

// Keeps Error::to_string() on one line whatever the server put in a message.
void append_one_line(std::string& out, std::string_view text) {
  for (const char c : text) out.push_back(c == '\n' || c == '\r' ? ' ' : c);
}

void append_labelled(std::string& out, std::string_view label,
                     std::string_view text) {
  if (text.empty()) return;
  out.append("; ");
  out.append(label);
  out.push_back('=');
  append_one_line(out, text);
}

}  // namespace

std::string_view to_string(ErrorCode code) noexcept {
  switch (code) {
    case ErrorCode::InvalidArgument:
      return "InvalidArgument";
    case ErrorCode::Connection:
      return "Connection";
    case ErrorCode::Timeout:
      return "Timeout";
    case ErrorCode::Cancelled:
      return "Cancelled";
    case ErrorCode::BadRequest:
      return "BadRequest";
    case ErrorCode::Authentication:
      return "Authentication";
    case ErrorCode::PermissionDenied:
      return "PermissionDenied";
    case ErrorCode::NotFound:
      return "NotFound";
    case ErrorCode::Conflict:
      return "Conflict";
    case ErrorCode::UnprocessableEntity:
      return "UnprocessableEntity";
    case ErrorCode::RateLimited:
      return "RateLimited";
    case ErrorCode::QuotaExceeded:
      return "QuotaExceeded";
    case ErrorCode::Server:
      return "Server";
    case ErrorCode::Protocol:
      return "Protocol";
  }
  return "Unknown";
}

Error::Error(ErrorCode code, std::string message) {
  info_.code = code;
  info_.message = std::move(message);
}

std::string Error::to_string() const {
  std::string out(budgateway::to_string(info_.code));
  if (info_.http_status != 0) {
    out.append(" HTTP ");
    out.append(std::to_string(info_.http_status));
  }
  if (!info_.message.empty()) {
    out.append(": ");
    append_one_line(out, info_.message);
  }
  append_labelled(out, "type", info_.type);
  append_labelled(out, "code", info_.api_code);
  append_labelled(out, "param", info_.param);
  append_labelled(out, "request_id", info_.request_id);
  if (info_.attempts != 0) {
    append_labelled(out, "attempts", std::to_string(info_.attempts));
  }
  append_labelled(out, "transport", info_.transport_detail);
  return out;
}

std::ostream& operator<<(std::ostream& os, const Error& error) {
  return os << error.to_string();
}

Exception::Exception(Error error)
    : std::runtime_error(error.to_string()), error_(std::move(error)) {}

}  // namespace budgateway
