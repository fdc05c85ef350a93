// Copyright 2026 The budgateway Authors. SPDX-License-Identifier: Apache-2.0
#include <budgateway/client.hpp>
#include <budgateway/version.hpp>

#include <fmt/format.h>

#include <cstdlib>
#include <random>
#include <thread>
#include <utility>

#include "client_impl.hpp"
#include "error_mapping.hpp"
#include "event_loop.hpp"
#include "json/request_writer.hpp"
#include "json/response_parser.hpp"
#include "request_util.hpp"
#include "stream_state.hpp"

namespace budgateway {
namespace detail {
namespace {

constexpr std::string_view kDefaultBaseUrl = "https://gateway.bud.studio/v1";
constexpr std::string_view kCompletionsPath = "/completions";
constexpr std::string_view kRequestIdHeader = "x-request-id";
constexpr std::string_view kRedacted = "[REDACTED]";
/// Bodies above this size would make libcurl send `Expect: 100-continue`
/// (its threshold is this or more, depending on the version).
constexpr std::size_t kExpectThreshold = 1024;
/// How long a blocked transfer sleeps between checks when nothing wakes it;
/// cancellation wakes it at once, so this only bounds a missed wake-up.
constexpr Millis kPollInterval{1000};

std::string env_or(std::string value, const std::string& variable) {
  if (!value.empty() || variable.empty()) return value;
  const char* from_env = std::getenv(variable.c_str());
  return from_env != nullptr ? std::string(from_env) : std::string();
}

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

void replace_all(std::string& text, std::string_view needle,
                 std::string_view with) {
  if (needle.empty()) return;
  for (auto pos = text.find(needle); pos != std::string::npos;
       pos = text.find(needle, pos + with.size())) {
    text.replace(pos, needle.size(), with);
  }
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

/// The URL without its query, which may carry credentials of its own.
std::string_view loggable_url(std::string_view url) {
  return url.substr(0, url.find('?'));
}

}  // namespace

double random_unit() {
  thread_local std::mt19937_64 generator{std::random_device{}()};
  return std::uniform_real_distribution<double>(0.0, 1.0)(generator);
}

TransferEnd run_transfer(http::Channel& channel, CancelState* cancel) {
  TransferEnd end;
  if (auto error = channel.multi.add(channel.transfer)) {
    end.code = -1;
    return end;
  }
  CancelState::WakerId waker = 0;
  if (cancel != nullptr) {
    waker = cancel->add_waker([multi = &channel.multi] { multi->wakeup(); });
  }
  for (;;) {
    channel.multi.perform();
    http::Transfer* done = nullptr;
    if (channel.multi.next_done(done, end.code)) break;
    if (cancel != nullptr && cancel->cancelled()) {
      end.cancelled = true;
      break;
    }
    channel.multi.poll(kPollInterval);
  }
  if (cancel != nullptr) cancel->remove_waker(waker);
  channel.multi.remove(channel.transfer);
  return end;
}

ClientImpl::ClientImpl(ClientOptions options) : options_(std::move(options)) {
  options_.base_url =
      env_or(std::move(options_.base_url), options_.base_url_env);
  if (options_.base_url.empty())
    options_.base_url = std::string(kDefaultBaseUrl);
  options_.api_key = env_or(std::move(options_.api_key), options_.api_key_env);

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

Result<PreparedCall> ClientImpl::prepare(const CompletionRequest& request,
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
  if (auto error = write_request_json(request, stream, prepared.body))
    return *error;

  auto& spec = prepared.spec;
  if (prepared.body.size() > kExpectThreshold) {
    // libcurl would otherwise hold a large body for a 100-continue round
    // trip; "Expect:" removes the header.
    spec.header_lines.emplace_back("Expect:");
  }
  if (call.extra_headers.empty()) {
    // The common case copies no header: the client's lines are shared, and
    // only the request id is this call's own.
    spec.shared_header_lines = stream ? stream_lines_ : unary_lines_;
    prepared.request_id = fixed_request_id_;
    if (prepared.request_id.empty()) {
      prepared.request_id = make_request_id();
      spec.header_lines.push_back(
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
      spec.header_lines.push_back(std::move(line));
    }
  }
  spec.url = call.extra_query.empty()
                 ? url_
                 : std::make_shared<const std::string>(
                       build_url(options_.base_url, kCompletionsPath,
                                 options_.default_query, call.extra_query));
  spec.connect_timeout = options_.connect_timeout;
  spec.proxy = options_.proxy;
  spec.ca_file = options_.ca_file;

  prepared.timeout = call.timeout.value_or(options_.timeout);
  prepared.idle_timeout = call.idle_timeout.value_or(options_.idle_timeout);
  prepared.stream_deadline =
      call.stream_deadline ? call.stream_deadline : options_.stream_deadline;
  prepared.max_event_bytes = options_.max_event_bytes;
  prepared.max_response_bytes = options_.max_response_bytes;
  prepared.cancel = call.cancellation.state();
  prepared.retry.max_retries = max_retries;
  prepared.retry.initial_backoff = options_.initial_backoff;
  prepared.retry.max_backoff = options_.max_backoff;
  prepared.retry.jitter = options_.backoff_jitter;
  prepared.retry.max_retry_after = options_.max_retry_after;
  // A stream's attempt timeout bounds the wait for headers, which the stream
  // checks itself; libcurl's own bound is the whole-stream deadline.
  spec.total_timeout =
      stream ? prepared.stream_deadline.value_or(Millis{0}) : prepared.timeout;
  return prepared;
}

Error ClientImpl::finish_error(Error error, int attempts,
                               std::string_view request_id) const {
  ErrorInfo info = std::move(error).info();
  info.attempts = attempts;
  if (info.request_id.empty()) info.request_id = std::string(request_id);
  // A server may quote the credential back (e.g. "Incorrect API key: sk-...").
  for (std::string* field : {&info.message, &info.body, &info.transport_detail,
                             &info.type, &info.param, &info.api_code}) {
    replace_all(*field, options_.api_key, kRedacted);
  }
  return Error(std::move(info));
}

std::optional<Millis> ClientImpl::retry_delay(
    const PreparedCall& call, int attempts, const Error& error,
    const ResponseHeaders& headers) const {
  const RetryDecision decision =
      decide_retry(call.retry, attempts, error, headers, random_unit());
  if (!decision.retry) return std::nullopt;
  if (logging()) {
    log(LogLevel::Info,
        fmt::format("POST {} attempt {} failed ({}{}): retrying in {} ms "
                    "[request id {}]",
                    loggable_url(*call.spec.url), attempts,
                    to_string(error.code()),
                    error.http_status() != 0
                        ? fmt::format(", HTTP {}", error.http_status())
                        : std::string(),
                    decision.delay.count(), call.request_id));
  }
  return decision.delay;
}

bool ClientImpl::wait_before_retry(const PreparedCall& call, int attempts,
                                   const Error& error,
                                   const ResponseHeaders& headers) const {
  const auto delay = retry_delay(call, attempts, error, headers);
  if (!delay) return false;
  if (call.cancel) return call.cancel->sleep_for(*delay);
  std::this_thread::sleep_for(*delay);
  return true;
}

std::optional<Error> ClientImpl::answer_error(
    const http::Transfer& transfer, const TransferEnd& end,
    const PreparedCall& call, std::size_t max_body_bytes) const {
  if (end.cancelled)
    return Error(ErrorCode::Cancelled, "the call was cancelled");
  if (transfer.body_too_large()) {
    return Error(ErrorCode::Protocol,
                 fmt::format("the response body is larger than {} bytes",
                             max_body_bytes));
  }
  const int status = transfer.status();
  if (end.code != http::kCurlOk) return transfer.transport_error(end.code);
  if (status >= 200 && status < 300) return std::nullopt;
  return error_from_response(status, transfer.body(), transfer.headers(),
                             call.request_id, std::chrono::system_clock::now());
}

std::optional<Error> ClientImpl::take_slot(const PreparedCall& call,
                                           BudgetSlot& slot) {
  if (!budget_.try_acquire() &&
      !budget_.acquire(call.timeout, call.cancel.get())) {
    if (call.cancel && call.cancel->cancelled()) {
      return Error(ErrorCode::Cancelled, "the call was cancelled");
    }
    return Error(ErrorCode::Timeout,
                 fmt::format("no connection free within {} ms: this Client's "
                             "max_connections ({}) are all in use",
                             call.timeout.count(), budget_.limit()));
  }
  slot = BudgetSlot(&budget_);
  return std::nullopt;
}

std::shared_ptr<EventLoop> ClientImpl::loop() {
  std::lock_guard<std::mutex> lock(loop_mutex_);
  if (!loop_) loop_ = EventLoop::start(options_.max_connections);
  return loop_;
}

void ClientImpl::stop_loop() {
  std::shared_ptr<EventLoop> loop;
  {
    std::lock_guard<std::mutex> lock(loop_mutex_);
    loop = std::move(loop_);
  }
  if (loop) loop->stop();
}

void ClientImpl::log(LogLevel level, std::string_view message) const {
  if (!options_.logger) return;
  std::string line(message);
  replace_all(line, options_.api_key, kRedacted);
  options_.logger(level, line);
}

Result<CompletionResponse> ClientImpl::attempt_complete(
    http::Channel& channel, const PreparedCall& call) {
  auto& transfer = channel.transfer;
  if (auto error =
          transfer.prepare(call.spec, call.body, call.max_response_bytes))
    return *error;
  const TransferEnd end = run_transfer(channel, call.cancel.get());
  if (auto error = answer_error(transfer, end, call, call.max_response_bytes)) {
    return *std::move(error);
  }
  thread_local ResponseParser parser;
  return read_completion(transfer, parser);
}

Result<CompletionResponse> ClientImpl::read_completion(
    http::Transfer& transfer, ResponseParser& parser) const {
  auto parsed = parser.parse_completion(std::move(transfer.body()));
  if (!parsed) {
    ErrorInfo info = std::move(parsed).error().info();
    info.http_status = transfer.status();
    if (auto id = transfer.headers().get(kRequestIdHeader))
      info.request_id = std::string(*id);
    return Error(std::move(info));
  }
  ResponseAccess::headers(*parsed) = std::move(transfer.headers());
  return parsed;
}

Result<CompletionResponse> ClientImpl::complete(
    const CompletionRequest& request, const CallOptions& call) {
  auto prepared = prepare(request, call, /*stream=*/false);
  if (!prepared) return finish_error(std::move(prepared).error(), 0, {});
  BudgetSlot slot;
  if (auto error = take_slot(*prepared, slot)) {
    return finish_error(std::move(*error), 0, prepared->request_id);
  }
  auto lease = pool_.take();
  for (int attempts = 1;; ++attempts) {
    auto result = attempt_complete(*lease, *prepared);
    if (result) return result;
    if (!wait_before_retry(*prepared, attempts, result.error(),
                           lease->transfer.headers())) {
      if (prepared->cancel && prepared->cancel->cancelled()) {
        return finish_error(
            Error(ErrorCode::Cancelled, "the call was cancelled"), attempts,
            prepared->request_id);
      }
      if (logging()) {
        log(LogLevel::Warning,
            fmt::format("POST {} failed: {}", loggable_url(*prepared->spec.url),
                        result.error().to_string()));
      }
      return finish_error(std::move(result).error(), attempts,
                          prepared->request_id);
    }
  }
}

}  // namespace detail

Client::Client(ClientOptions options)
    : impl_(std::make_shared<detail::ClientImpl>(std::move(options))),
      owner_(std::make_shared<detail::ClientOwner>(impl_)) {}

const ClientOptions& Client::options() const noexcept {
  return impl_->options();
}

Result<CompletionResponse> Client::complete(const CompletionRequest& request,
                                            const CallOptions& options) const {
  return impl_->complete(request, options);
}

CompletionStream Client::stream(const CompletionRequest& request,
                                const CallOptions& options) const {
  return CompletionStream(std::make_unique<detail::StreamState>(
      impl_, impl_->prepare(request, options, /*stream=*/true)));
}

std::future<Result<CompletionResponse>> Client::complete_async(
    const CompletionRequest& request, const CallOptions& options) const {
  std::promise<Result<CompletionResponse>> promise;
  auto future = promise.get_future();
  auto prepared = impl_->prepare(request, options, /*stream=*/false);
  if (!prepared) {
    promise.set_value(impl_->finish_error(std::move(prepared).error(), 0, {}));
    return future;
  }
  impl_->loop()->submit(impl_, std::move(*prepared), std::move(promise));
  return future;
}

void Client::stream_async(const CompletionRequest& request,
                          StreamHandler handler,
                          const CallOptions& options) const {
  auto prepared = impl_->prepare(request, options, /*stream=*/true);
  if (!prepared) {
    if (handler.on_end) {
      handler.on_end(impl_->finish_error(std::move(prepared).error(), 0, {}));
    }
    return;
  }
  impl_->loop()->submit(impl_, std::move(*prepared), std::move(handler));
}

std::vector<Result<CompletionResponse>> Client::complete_many(
    const std::vector<CompletionRequest>& requests,
    const BatchOptions& options) const {
  return impl_->complete_many(requests, options);
}

}  // namespace budgateway
