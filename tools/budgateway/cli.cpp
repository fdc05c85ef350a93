// Copyright 2026 The budgateway Authors. SPDX-License-Identifier: Apache-2.0
#include "cli.hpp"

#include <algorithm>
#include <chrono>
#include <cstdlib>
#include <iostream>

#include "json.hpp"

namespace budgateway_cli {

const char* const kExitCodeHelp =
    "Exit codes:\n"
    "  0  success\n"
    "  1  any other failure (files, ...); batch: some lines failed or were "
    "bad\n"
    "  2  usage: bad arguments, or a request the SDK refused to send\n"
    "  3  authentication: HTTP 401 or 403\n"
    "  4  rate limit or quota: HTTP 429 or 402\n"
    "  5  server: HTTP 5xx, an error inside a stream, a malformed answer\n"
    "  6  network: no connection, a broken connection, a timeout\n"
    "  7  refused: HTTP 400, 404, 409 or 422 (the request was wrong)\n"
    "  130 interrupted (SIGINT; 143 for SIGTERM)\n";

const char* const kConnectionHelp =
    "Server:\n"
    "  --provider NAME    bud (default), openai, azure, together, fireworks,\n"
    "                     local. bud reads BUD_BASE_URL (default\n"
    "                     https://gateway.bud.studio/v1) and BUD_API_KEY;\n"
    "                     the others read their own variables "
    "(OPENAI_API_KEY,\n"
    "                     AZURE_OPENAI_ENDPOINT/_API_KEY, TOGETHER_API_KEY,\n"
    "                     FIREWORKS_API_KEY); local sends no key\n"
    "  --base-url URL     the server's URL up to /v1 (azure: the endpoint)\n"
    "  --deployment NAME  azure: the deployment (default: the model)\n"
    "  -H, --header 'Name: value'   an extra request header (repeatable)\n"
    "  --timeout SECONDS  bound on one attempt (default 600)\n"
    "  --max-retries N    retries after the first attempt\n";

int exit_code_for(const bg::Error& error) {
  switch (error.code()) {
    case bg::ErrorCode::InvalidArgument:
      return kExitUsage;
    case bg::ErrorCode::Authentication:
    case bg::ErrorCode::PermissionDenied:
      return kExitAuthentication;
    case bg::ErrorCode::RateLimited:
    case bg::ErrorCode::QuotaExceeded:
      return kExitRateLimited;
    case bg::ErrorCode::Server:
    case bg::ErrorCode::Protocol:
      return kExitServer;
    case bg::ErrorCode::Connection:
    case bg::ErrorCode::Timeout:
      return kExitNetwork;
    case bg::ErrorCode::BadRequest:
    case bg::ErrorCode::NotFound:
    case bg::ErrorCode::Conflict:
    case bg::ErrorCode::UnprocessableEntity:
      return kExitRefused;
    case bg::ErrorCode::Cancelled:
      return kExitInterrupted;
  }
  return kExitFailed;
}

void report_error(std::string_view command, const bg::Error& error) {
  std::cerr << "budgateway " << command << ": " << error.to_string() << '\n';
}

bool Args::asks_for_help() const {
  return std::any_of(args_.begin(), args_.end(), [](const std::string& arg) {
    return arg == "--help" || arg == "-h";
  });
}

std::string Args::next() {
  std::string arg = args_.at(next_++);
  inline_value_.reset();
  const std::size_t equals = arg.find('=');
  if (arg.rfind("--", 0) == 0 && equals != std::string::npos) {
    inline_value_ = arg.substr(equals + 1);
    arg.resize(equals);
  }
  flag_ = arg;
  return arg;
}

std::string Args::value() {
  if (inline_value_) {
    std::string value = std::move(*inline_value_);
    inline_value_.reset();
    return value;
  }
  if (done()) throw UsageError(flag_ + " needs a value");
  return args_[next_++];
}

double parse_double(std::string_view flag, const std::string& text) {
  char* end = nullptr;
  const double value = std::strtod(text.c_str(), &end);
  if (text.empty() || end != text.c_str() + text.size()) {
    throw UsageError(std::string(flag) + " takes a number, not '" + text + "'");
  }
  return value;
}

std::int64_t parse_int(std::string_view flag, const std::string& text,
                       std::int64_t min) {
  char* end = nullptr;
  constexpr int kDecimal = 10;
  const long long value = std::strtoll(text.c_str(), &end, kDecimal);
  if (text.empty() || end != text.c_str() + text.size() || value < min) {
    throw UsageError(std::string(flag) + " takes an integer >= " +
                     std::to_string(min) + ", not '" + text + "'");
  }
  return value;
}

bool parse_connection_flag(const std::string& flag, Args& args,
                           ConnectionFlags& flags) {
  if (flag == "--provider") {
    flags.provider = args.value();
    static const char* const kProviders[] = {"bud",      "openai",    "azure",
                                             "together", "fireworks", "local"};
    if (std::none_of(
            std::begin(kProviders), std::end(kProviders),
            [&](const char* name) { return flags.provider == name; })) {
      throw UsageError("unknown provider '" + flags.provider +
                       "' (bud, openai, azure, together, fireworks, local)");
    }
  } else if (flag == "--base-url") {
    flags.base_url = args.value();
  } else if (flag == "--deployment") {
    flags.deployment = args.value();
  } else if (flag == "-H" || flag == "--header") {
    const std::string header = args.value();
    const std::size_t colon = header.find(':');
    if (colon == std::string::npos || colon == 0) {
      throw UsageError("a header is 'Name: value', not '" + header + "'");
    }
    const std::size_t start = header.find_first_not_of(' ', colon + 1);
    flags.headers.emplace_back(
        header.substr(0, colon),
        start == std::string::npos ? "" : header.substr(start));
  } else if (flag == "--timeout") {
    flags.timeout_seconds = parse_double(flag, args.value());
    if (*flags.timeout_seconds <= 0) throw UsageError("--timeout must be > 0");
  } else if (flag == "--max-retries") {
    flags.max_retries = static_cast<int>(parse_int(flag, args.value(), 0));
  } else {
    return false;
  }
  return true;
}

bg::ClientOptions client_options(const ConnectionFlags& flags,
                                 const std::string& model) {
  bg::ClientOptions options;
  if (flags.provider == "azure") {
    bg::providers::AzureOptions azure;
    azure.endpoint = flags.base_url;
    azure.deployment = flags.deployment.empty() ? model : flags.deployment;
    options = bg::providers::azure(azure);
  } else if (flags.provider == "local") {
    options = flags.base_url.empty() ? bg::providers::local()
                                     : bg::providers::local(flags.base_url);
  } else {
    if (flags.provider == "openai") {
      options = bg::providers::openai();
    } else if (flags.provider == "together") {
      options = bg::providers::together();
    } else if (flags.provider == "fireworks") {
      options = bg::providers::fireworks();
    } else {
      options = bg::providers::bud();
    }
    if (!flags.base_url.empty()) options.base_url = flags.base_url;
  }
  for (const auto& header : flags.headers) {
    options.default_headers.push_back(header);
  }
  if (flags.timeout_seconds) {
    options.timeout = std::chrono::milliseconds(
        static_cast<std::int64_t>(*flags.timeout_seconds * 1000));
  }
  if (flags.max_retries) options.max_retries = *flags.max_retries;
  return options;
}

void RequestFields::set(std::string name, std::string raw_json) {
  for (auto& member : members_) {
    if (member.first == name) {
      member.second = std::move(raw_json);
      return;
    }
  }
  members_.emplace_back(std::move(name), std::move(raw_json));
}

void RequestFields::merge_object(std::string_view flag,
                                 std::string_view object_text) {
  std::string problem;
  std::optional<JsonObject> object = parse_json_object(object_text, problem);
  if (!object) {
    throw UsageError(std::string(flag) + ": " + problem);
  }
  for (auto& [name, value] : object->members) {
    set(std::move(name), std::move(value));
  }
}

void RequestFields::set_from_flag(std::string_view flag,
                                  const std::string& value) {
  std::string name(flag.substr(2));
  std::replace(name.begin(), name.end(), '-', '_');
  if (name.empty()) throw UsageError("a field flag needs a name");
  std::optional<std::string> json = minified_json(value);
  set(std::move(name), json ? std::move(*json) : json_string(value));
}

bool RequestFields::has(std::string_view name) const {
  return std::any_of(members_.begin(), members_.end(),
                     [&](const auto& member) { return member.first == name; });
}

std::string RequestFields::object_text() const {
  if (members_.empty()) return {};
  std::string out = "{";
  for (const auto& [name, value] : members_) {
    if (out.size() > 1) out.push_back(',');
    append_json_string(out, name);
    out.push_back(':');
    out.append(value);
  }
  out.push_back('}');
  return out;
}

bool parse_field_flag(const std::string& flag, Args& args,
                      RequestFields& fields) {
  if (flag.rfind("--", 0) != 0 || flag.size() <= 2) return false;
  if (flag == "--stream" || flag == "--prompt" || flag == "--model") {
    return false;
  }
  if (flag == "--extra-body") {
    fields.merge_object(flag, args.value());
  } else if (flag == "--max-tokens") {
    const std::string value = args.value();
    fields.set("max_tokens", std::to_string(parse_int(flag, value, 0)));
  } else if (flag == "--temperature") {
    const std::string value = args.value();
    fields.set("temperature", json_number(parse_double(flag, value)));
  } else {
    fields.set_from_flag(flag, args.value());
  }
  return true;
}

}  // namespace budgateway_cli
