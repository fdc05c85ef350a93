// Copyright 2026 The budgateway Authors. SPDX-License-Identifier: Apache-2.0
#include "call/context.hpp"

#include <budgateway/providers.hpp>
#include <budgateway/version.hpp>

#include <fmt/format.h>

#include <algorithm>
#include <cstdio>
#include <utility>

#include "json/request_writer.hpp"
#include "request_util.hpp"

namespace budgateway::detail {
namespace {

constexpr std::string_view kCompletionsPath = "/completions";
constexpr std::string_view kRedacted = "[REDACTED]";
/// Bodies above this size would make libcurl send `Expect: 100-continue`
/// (its threshold is this or more, depending on the version).
constexpr std::size_t kExpectThreshold = 1024;

/// Sets `name` to `value` in `headers`, replacing a header of the same name
/// (case-insensitively) so later layers override earlier ones.
void set_header(HeaderList& headers, std::string_view name,
                std::string_view value) {
  for (auto& [existing, existing_value] : headers) {
    if (iequals(existing, name)) {
      existing_value = std::string(value);
      return;
    }
  }
  headers.emplace_back(std::string(name), std::string(value));
}

std::optional<Error> check_headers(const HeaderList& headers,
                                   std::string_view where) {
  for (const auto& [name, value] : headers) {
    if (!is_valid_header_name(name)) {
      return Error(ErrorCode::InvalidArgument,
                   fmt::format("{}: invalid header name \"{}\"", where, name));
    }
    // The value is not echoed: it may be a credential.
    if (!is_valid_header_value(value)) {
      return Error(
          ErrorCode::InvalidArgument,
          fmt::format("{}: the value of header \"{}\" contains CR, LF or NUL",
                      where, name));
    }
  }
  return std::nullopt;
}

/// The lines libcurl sends for `headers`. "Name;" is libcurl's spelling of
/// a header with an empty value; "Name:" removes the header, which is what
/// an empty Expect is for.
std::vector<std::string> header_lines(const HeaderList& headers) {
  std::vector<std::string> lines;
  lines.reserve(headers.size());
  for (const auto& [name, value] : headers) {
    if (value.empty() && !iequals(name, "Expect")) {
      lines.push_back(fmt::format("{};", name));
    } else {
      lines.push_back(fmt::format("{}: {}", name, value));
    }
  }
  return lines;
}

/// `key` as a JSON string's content: how a server quoting it in a JSON
/// message writes it (`/` may be escaped too).
std::string json_escaped(std::string_view key, bool escape_slash) {
  std::string out;
  for (const char c : key) {
    if (c == '"' || c == '\\' || (escape_slash && c == '/')) out += '\\';
    out += c;
  }
  return out;
}

std::string lower_hex(std::string text) {
  for (std::size_t i = 0; i + 2 < text.size(); ++i) {
    if (text[i] != '%') continue;
    for (std::size_t j = i + 1; j <= i + 2; ++j) {
      if (text[j] >= 'A' && text[j] <= 'F') {
        text[j] = static_cast<char>(text[j] - 'A' + 'a');
      }
    }
  }
  return text;
}

/// Every spelling of `key` a server may echo, longest first so that a
/// longer form is replaced whole before a shorter one inside it.
std::vector<std::string> secret_forms(const std::string& key) {
  std::vector<std::string> forms;
  if (key.empty()) return forms;
  auto add = [&](std::string form) {
    for (const auto& existing : forms) {
      if (existing == form) return;
    }
    forms.push_back(std::move(form));
  };
  add(json_escaped(key, true));
  add(json_escaped(key, false));
  add(url_encode(key));
  add(lower_hex(url_encode(key)));
  add(key);
  std::stable_sort(forms.begin(), forms.end(),
                   [](const std::string& a, const std::string& b) {
                     return a.size() > b.size();
                   });
  return forms;
}

/// Whether `text` holds a PEM block; a path put where PEM text belongs
/// does not.
bool has_pem_block(std::string_view text) {
  return text.find("-----BEGIN ") != std::string_view::npos;
}

/// `BUD_LOG`'s level, when it names one.
std::optional<LogLevel> level_from_env() {
  const std::string level = value_or_env({}, "BUD_LOG");
  if (iequals(level, "debug")) return LogLevel::Debug;
  if (iequals(level, "info")) return LogLevel::Info;
  if (iequals(level, "warning") || iequals(level, "warn")) {
    return LogLevel::Warning;
  }
  return std::nullopt;
}

std::string_view level_name(LogLevel level) {
  switch (level) {
    case LogLevel::Debug:
      return "debug";
    case LogLevel::Info:
      return "info";
    case LogLevel::Warning:
      return "warning";
  }
  return "log";
}

}  // namespace

CallContext::CallContext(ClientOptions options)
    : options_(std::move(options)), budget_(options_.max_connections) {
  if (!options_.logger) stderr_level_ = level_from_env();
  resolve();
  secrets_ = secret_forms(options_.api_key);
  if (options_.insecure_skip_tls_verify && !invalid_options_) {
    log(LogLevel::Warning,
        "insecure_skip_tls_verify is set: server certificates and host names "
        "are not verified");
  }
}

void CallContext::resolve() {
  if (!options_.preset_error.empty()) {
    invalid_options_ = Error(ErrorCode::InvalidArgument, options_.preset_error);
    return;
  }
  options_.base_url =
      value_or_env(std::move(options_.base_url), options_.base_url_env);
  if (options_.base_url.empty()) options_.base_url = providers::kBudBaseUrl;
  options_.api_key =
      value_or_env(std::move(options_.api_key), options_.api_key_env);

  if (!is_http_url(options_.base_url)) {
    invalid_options_ =
        Error(ErrorCode::InvalidArgument,
              fmt::format("base_url \"{}\" is not an http:// or https:// URL",
                          loggable_url(options_.base_url)));
    return;
  }
  if (!is_valid_header_value(options_.api_key) ||
      !is_valid_header_value(options_.auth_scheme)) {
    invalid_options_ = Error(ErrorCode::InvalidArgument,
                             "api_key or auth_scheme contains CR, LF or NUL");
    return;
  }
  if (!is_valid_header_name(options_.auth_header)) {
    invalid_options_ =
        Error(ErrorCode::InvalidArgument,
              fmt::format("auth_header \"{}\" is not a valid header name",
                          options_.auth_header));
    return;
  }
  if (auto error = check_headers(options_.default_headers, "default_headers")) {
    invalid_options_ = std::move(error);
    return;
  }
  if (options_.max_retries < 0) {
    invalid_options_ =
        Error(ErrorCode::InvalidArgument, "max_retries is negative");
    return;
  }
  if (auto error = resolve_tls()) {
    invalid_options_ = std::move(error);
    return;
  }

  set_header(base_headers_, "Content-Type", "application/json");
  set_header(base_headers_, "User-Agent",
             fmt::format("budgateway-cpp/{}", BUDGATEWAY_VERSION_STRING));
  if (!options_.api_key.empty()) {
    set_header(
        base_headers_, options_.auth_header,
        options_.auth_scheme.empty()
            ? options_.api_key
            : fmt::format("{} {}", options_.auth_scheme, options_.api_key));
  }
  for (const auto& [name, value] : options_.default_headers) {
    set_header(base_headers_, name, value);
  }
  for (const auto& [name, value] : base_headers_) {
    if (iequals(name, kRequestIdHeader)) fixed_request_id_ = value;
  }
  HeaderList unary = base_headers_;
  set_header(unary, "Accept", "application/json");
  unary_lines_ =
      std::make_shared<const std::vector<std::string>>(header_lines(unary));
  HeaderList stream = base_headers_;
  set_header(stream, "Accept", "text/event-stream");
  stream_lines_ =
      std::make_shared<const std::vector<std::string>>(header_lines(stream));
  url_ = std::make_shared<const std::string>(build_url(
      options_.base_url, kCompletionsPath, options_.default_query, {}));
}

std::optional<Error> CallContext::resolve_tls() {
  const ClientOptions& o = options_;
  auto invalid = [](std::string message) {
    return Error(ErrorCode::InvalidArgument, std::move(message));
  };
  if (!o.client_cert_pem.empty() && !o.client_cert_file.empty()) {
    return invalid("set client_cert_pem or client_cert_file, not both");
  }
  if (!o.client_key_pem.empty() && !o.client_key_file.empty()) {
    return invalid("set client_key_pem or client_key_file, not both");
  }
  const bool has_cert =
      !o.client_cert_pem.empty() || !o.client_cert_file.empty();
  const bool has_key = !o.client_key_pem.empty() || !o.client_key_file.empty();
  if (has_key && !has_cert) {
    return invalid(
        "a client key was given without a client certificate "
        "(client_cert_pem or client_cert_file)");
  }
  if (!o.client_key_password.empty() && !has_cert) {
    return invalid(
        "client_key_password was given without a client certificate "
        "(client_cert_pem or client_cert_file)");
  }
  // The text is not echoed: a key is a secret, and a wrong field may hold
  // one.
  const std::pair<const std::string*, std::string_view> pems[] = {
      {&o.ca_pem,
       "ca_pem holds no PEM block (-----BEGIN ...); a path goes "
       "in ca_file"},
      {&o.client_cert_pem,
       "client_cert_pem holds no PEM block (-----BEGIN ...); a path goes in "
       "client_cert_file"},
      {&o.client_key_pem,
       "client_key_pem holds no PEM block (-----BEGIN ...); a path goes in "
       "client_key_file"},
  };
  for (const auto& [text, message] : pems) {
    if (!text->empty() && !has_pem_block(*text)) {
      return invalid(std::string(message));
    }
  }
  if (o.ca_file.empty() && o.ca_pem.empty() && !has_cert &&
      !o.insecure_skip_tls_verify) {
    return std::nullopt;  // libcurl's defaults: nothing to share.
  }
  TlsSettings tls;
  tls.ca_file = o.ca_file;
  tls.ca_pem = o.ca_pem;
  tls.client_cert_pem = o.client_cert_pem;
  tls.client_cert_file = o.client_cert_file;
  tls.client_key_pem = o.client_key_pem;
  tls.client_key_file = o.client_key_file;
  tls.client_key_password = o.client_key_password;
  tls.insecure_skip_verify = o.insecure_skip_tls_verify;
  tls_ = std::make_shared<const TlsSettings>(std::move(tls));
  return std::nullopt;
}

Result<PreparedCall> CallContext::prepare(const CompletionRequest& request,
                                          const CallOptions& call,
                                          bool stream) const {
  if (invalid_options_) return *invalid_options_;
  if (request.model.empty()) {
    return Error(ErrorCode::InvalidArgument, "the request has no model");
  }
  if (auto error = check_headers(call.extra_headers, "extra_headers"))
    return *error;
  const int max_retries = call.max_retries.value_or(options_.max_retries);
  if (max_retries < 0) {
    return Error(ErrorCode::InvalidArgument, "max_retries is negative");
  }

  PreparedCall prepared;
  prepared.stream = stream;
  if (auto error = write_request_json(request, stream, prepared.body))
    return *error;

  auto& http = prepared.http;
  if (prepared.body.size() > kExpectThreshold) {
    // libcurl would otherwise hold a large body for a 100-continue round
    // trip; "Expect:" removes the header.
    http.header_lines.emplace_back("Expect:");
  }
  if (call.extra_headers.empty()) {
    // The common case copies no header: the client's lines are shared, and
    // only the request id is this call's own.
    http.shared_header_lines = stream ? stream_lines_ : unary_lines_;
    prepared.request_id = fixed_request_id_;
    if (prepared.request_id.empty()) {
      prepared.request_id = make_request_id();
      http.header_lines.push_back(
          fmt::format("{}: {}", kRequestIdHeader, prepared.request_id));
    }
  } else {
    HeaderList headers = base_headers_;
    set_header(headers, "Accept",
               stream ? "text/event-stream" : "application/json");
    for (const auto& [name, value] : call.extra_headers) {
      set_header(headers, name, value);
    }
    for (const auto& [name, value] : headers) {
      if (iequals(name, kRequestIdHeader)) prepared.request_id = value;
    }
    if (prepared.request_id.empty()) {
      prepared.request_id = make_request_id();
      headers.emplace_back(std::string(kRequestIdHeader), prepared.request_id);
    }
    for (auto& line : header_lines(headers)) {
      http.header_lines.push_back(std::move(line));
    }
  }
  http.url = call.extra_query.empty()
                 ? url_
                 : std::make_shared<const std::string>(
                       build_url(options_.base_url, kCompletionsPath,
                                 options_.default_query, call.extra_query));
  http.connect_timeout = options_.connect_timeout;
  http.proxy = options_.proxy;
  http.tls = tls_;

  prepared.timeout = call.timeout.value_or(options_.timeout);
  prepared.idle_timeout = call.idle_timeout.value_or(options_.idle_timeout);
  prepared.stream_deadline =
      call.stream_deadline ? call.stream_deadline : options_.stream_deadline;
  prepared.max_event_bytes = options_.max_event_bytes;
  prepared.max_response_bytes = options_.max_response_bytes;
  prepared.cancel = CancelAccess::state(call.cancellation);
  prepared.retry.max_retries = max_retries;
  prepared.retry.initial_backoff = options_.initial_backoff;
  prepared.retry.max_backoff = options_.max_backoff;
  prepared.retry.jitter = options_.backoff_jitter;
  prepared.retry.max_retry_after = options_.max_retry_after;
  // A unary attempt is bounded by libcurl too; a stream bounds its own
  // phases (head, idle, deadline) and sets this per attempt.
  http.total_timeout = stream ? Millis{0} : prepared.timeout;
  return prepared;
}

Error CallContext::stamp(Error error, int attempts,
                         std::string_view request_id) const {
  ErrorInfo info = std::move(error).info();
  info.attempts = attempts;
  if (info.request_id.empty()) info.request_id = std::string(request_id);
  // A server may quote the credential back (e.g. "Incorrect API key: sk-...").
  for (std::string* field :
       {&info.message, &info.body, &info.transport_detail, &info.type,
        &info.param, &info.api_code, &info.request_id}) {
    redact(*field);
  }
  return Error(std::move(info));
}

void CallContext::redact(std::string& text) const {
  for (const auto& secret : secrets_) replace_all(text, secret, kRedacted);
}

bool CallContext::redact(ResponseHeaders& headers) const {
  if (secrets_.empty()) return false;
  bool found = false;
  for (const auto& [name, value] : headers) {
    for (const auto& secret : secrets_) {
      if (value.find(secret) != std::string::npos) found = true;
    }
  }
  if (!found) return false;
  ResponseHeaders clean;
  for (const auto& [name, value] : headers) {
    std::string redacted = value;
    redact(redacted);
    clean.add(name, redacted);
  }
  headers = std::move(clean);
  return true;
}

void CallContext::log(LogLevel level, std::string message) const {
  if (!logs(level)) return;
  redact(message);
  if (options_.logger) {
    options_.logger(level, message);
    return;
  }
  // One write per line, so lines of concurrent calls do not interleave.
  std::string line =
      fmt::format("budgateway {}: {}\n", level_name(level), message);
  std::fwrite(line.data(), 1, line.size(), stderr);
}

}  // namespace budgateway::detail
