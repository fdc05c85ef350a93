#include "gateway_service.hpp"

#include <algorithm>
#include <cctype>
#include <charconv>
#include <chrono>
#include <exception>
#include <filesystem>
#include <fstream>
#include <map>
#include <memory>
#include <optional>
#include <sstream>
#include <string_view>
#include <utility>
#include <vector>

#include "error_replies.hpp"
#include "gzip_encoding.hpp"
#include "json_text.hpp"
#include "sse_plans.hpp"

namespace fake_gateway {
namespace {

using std::chrono::milliseconds;

constexpr int kStatusOk = 200;
constexpr int kStatusBadRequest = 400;
constexpr int kStatusInternalServerError = 500;
constexpr int kStatusServiceUnavailable = 503;
constexpr int kMinStatus = 100;
constexpr int kMaxStatus = 599;
constexpr std::uint64_t kMaxMillis = 3'600'000;
constexpr std::uint64_t kMaxCount = 1'000'000;
constexpr std::uint64_t kMaxEventBytes = std::uint64_t{64} << 20;
constexpr std::uint64_t kMaxWriteBytes = std::uint64_t{1} << 30;
constexpr milliseconds kSlowDefaultDelay{1000};
constexpr std::string_view kBearerPrefix = "Bearer ";
constexpr std::string_view kHeaderPrefix = "x-fake-header-";
constexpr std::string_view kDefaultAzureModel = "gpt-35-turbo-instruct";
constexpr std::string_view kJson = "application/json";
constexpr std::string_view kEventStream = "text/event-stream";
constexpr std::string_view kPlainText = "text/plain";
constexpr std::string_view kSseExtension = ".sse";
constexpr std::string_view kJsonExtension = ".json";
constexpr std::string_view kEventEnd = "\n\n";
constexpr std::string_view kNotJsonBody = "this is not json";
constexpr std::string_view kNoChoicesBody =
    R"({"id":"x","object":"text_completion"})";
constexpr std::string_view kOddFinishReason = "eos_token";
constexpr std::string_view kFixedRateLimit = "100";
constexpr std::string_view kFixedRateRemaining = "99";
constexpr std::string_view kFixedRateReset = "1699000060";
// httplib files the peer's addresses among the request headers.
constexpr std::string_view kPseudoHeaders[] = {"REMOTE_ADDR", "REMOTE_PORT",
                                               "LOCAL_ADDR", "LOCAL_PORT"};

enum class Scenario {
  kOk,
  kEcho,
  kError,
  kFailThenOk,
  kSlow,
  kTruncated,
  kNotJson,
  kNoChoices,
  kChatLogprobs,
  kUnknownFinishReason,
  kRateLimitHeaders,
  kGzip,
  kLimited,
  kNoRequestIdEcho,
  kFixture,
  kStream,  // one of the stream_* scenarios: always answers with a stream
};

struct ScenarioEntry {
  std::string_view name;
  Scenario scenario;
  StreamKind stream_kind;
};

constexpr ScenarioEntry kScenarios[] = {
    {"ok", Scenario::kOk, StreamKind::kNormal},
    {"echo", Scenario::kEcho, StreamKind::kNormal},
    {"error", Scenario::kError, StreamKind::kNormal},
    {"fail_then_ok", Scenario::kFailThenOk, StreamKind::kNormal},
    {"slow", Scenario::kSlow, StreamKind::kNormal},
    {"truncated", Scenario::kTruncated, StreamKind::kNormal},
    {"not_json", Scenario::kNotJson, StreamKind::kNormal},
    {"no_choices", Scenario::kNoChoices, StreamKind::kNormal},
    {"chat_logprobs", Scenario::kChatLogprobs, StreamKind::kNormal},
    {"unknown_finish_reason", Scenario::kUnknownFinishReason,
     StreamKind::kNormal},
    {"rate_limit_headers", Scenario::kRateLimitHeaders, StreamKind::kNormal},
    {"gzip", Scenario::kGzip, StreamKind::kNormal},
    {"limited", Scenario::kLimited, StreamKind::kNormal},
    {"no_request_id_echo", Scenario::kNoRequestIdEcho, StreamKind::kNormal},
    {"fixture", Scenario::kFixture, StreamKind::kNormal},
    {"stream_done_only", Scenario::kStream, StreamKind::kDoneOnly},
    {"stream_no_done", Scenario::kStream, StreamKind::kNoDone},
    {"stream_cut", Scenario::kStream, StreamKind::kCut},
    {"stream_error_event", Scenario::kStream, StreamKind::kErrorEvent},
    {"stream_error_data", Scenario::kStream, StreamKind::kErrorData},
    {"stream_error_field", Scenario::kStream, StreamKind::kErrorField},
    {"stream_odd", Scenario::kStream, StreamKind::kOdd},
    {"stream_done_prefix", Scenario::kStream, StreamKind::kDonePrefix},
    {"stream_idle", Scenario::kStream, StreamKind::kIdle},
    {"stream_big_event", Scenario::kStream, StreamKind::kBigEvent},
};

const ScenarioEntry* find_scenario(std::string_view name) {
  for (const ScenarioEntry& entry : kScenarios) {
    if (entry.name == name) return &entry;
  }
  return nullptr;
}

std::string lower(std::string_view text) {
  std::string out(text);
  for (char& c : out) {
    c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  }
  return out;
}

bool is_pseudo_header(std::string_view name) {
  return std::find(std::begin(kPseudoHeaders), std::end(kPseudoHeaders),
                   name) != std::end(kPseudoHeaders);
}

class ParamReader {
 public:
  explicit ParamReader(const httplib::Request& request) : request_(request) {}

  std::string text(const char* name, std::string_view fallback = {}) const {
    return request_.has_header(name) ? request_.get_header_value(name)
                                     : std::string(fallback);
  }

  std::uint64_t number(const char* name, std::uint64_t fallback,
                       std::uint64_t max) {
    if (!request_.has_header(name)) return fallback;
    const std::string value = request_.get_header_value(name);
    const char* end = value.data() + value.size();
    std::uint64_t parsed = 0;
    const std::from_chars_result result =
        std::from_chars(value.data(), end, parsed);
    if (result.ec != std::errc() || result.ptr != end || parsed > max) {
      fail(std::string(name) + " must be an integer from 0 to " +
           std::to_string(max));
      return fallback;
    }
    return parsed;
  }

  milliseconds millis(const char* name, milliseconds fallback) {
    const std::uint64_t fallback_count =
        static_cast<std::uint64_t>(fallback.count());
    return milliseconds(static_cast<milliseconds::rep>(
        number(name, fallback_count, kMaxMillis)));
  }

  void fail(std::string message) {
    if (problem_.empty()) problem_ = std::move(message);
  }

  const std::string& problem() const { return problem_; }

 private:
  const httplib::Request& request_;
  std::string problem_;
};

std::string query_of(const httplib::Request& request) {
  const std::size_t question = request.target.find('?');
  return question == std::string::npos ? std::string()
                                       : request.target.substr(question + 1);
}

std::string echo_member(const httplib::Request& request,
                        const std::string& body) {
  std::map<std::string, std::string> headers;
  for (const auto& [name, value] : request.headers) {
    if (is_pseudo_header(name)) continue;
    const std::string key = lower(name);
    auto [slot, inserted] = headers.emplace(key, value);
    if (!inserted) slot->second += ", " + value;
  }
  std::string header_object;
  for (const auto& [name, value] : headers) {
    if (!header_object.empty()) header_object += ',';
    header_object += json_string(name) + ":" + json_string(value);
  }
  return R"("echo":{"method":)" + json_string(request.method) + R"(,"path":)" +
         json_string(request.path) + R"(,"query":)" +
         json_string(query_of(request)) + R"(,"body":)" + json_string(body) +
         R"(,"headers":{)" + header_object + "}}";
}

// The response headers asked for with x-fake-header-<name>: value.
std::vector<std::pair<std::string, std::string>> requested_headers(
    const httplib::Request& request) {
  std::vector<std::pair<std::string, std::string>> headers;
  for (const auto& [name, value] : request.headers) {
    if (name.size() > kHeaderPrefix.size() &&
        lower(name).compare(0, kHeaderPrefix.size(), kHeaderPrefix) == 0) {
      headers.emplace_back(name.substr(kHeaderPrefix.size()), value);
    }
  }
  return headers;
}

// Sets `name` once: a later value replaces an earlier one whatever the case.
void set_header(std::vector<std::pair<std::string, std::string>>& headers,
                std::string name, std::string value) {
  const std::string key = lower(name);
  headers.erase(std::remove_if(headers.begin(), headers.end(),
                               [&key](const auto& header) {
                                 return lower(header.first) == key;
                               }),
                headers.end());
  headers.emplace_back(std::move(name), std::move(value));
}

// Writes a stream plan to an httplib chunked sink: whole segments, or the
// bytes N at a time when the test asks for awkward splits.
class StreamWriter {
 public:
  StreamWriter(httplib::DataSink& sink, std::size_t write_bytes,
               milliseconds chunk_delay, bool gzip, StopSignal& stop)
      : sink_(sink),
        write_bytes_(write_bytes),
        chunk_delay_(chunk_delay),
        stop_(stop),
        encoder_(gzip ? std::make_unique<GzipEncoder>() : nullptr) {}

  // False when the client left, the server is stopping, or the plan ends by
  // cutting the connection.
  bool write(const StreamPlan& plan) {
    for (std::size_t i = 0; i < plan.segments.size(); ++i) {
      const Segment& segment = plan.segments[i];
      milliseconds delay = segment.delay_before;
      if (write_bytes_ == 0 && i > 0) delay += chunk_delay_;
      if (delay.count() > 0 && (!flush() || !stop_.sleep_for(delay))) {
        return false;
      }
      if (!emit(encoder_ ? encoder_->flush(segment.bytes) : segment.bytes)) {
        return false;
      }
    }
    if (plan.cut) {
      flush();
      return false;
    }
    if (encoder_ && !emit(encoder_->finish())) return false;
    return flush();
  }

 private:
  bool emit(const std::string& bytes) {
    // An empty write would be read as the chunked body's terminator.
    if (bytes.empty()) return true;
    if (write_bytes_ == 0) return write_piece(bytes.data(), bytes.size());
    pending_ += bytes;
    std::size_t offset = 0;
    for (; pending_.size() - offset >= write_bytes_; offset += write_bytes_) {
      if (!write_piece(pending_.data() + offset, write_bytes_)) return false;
    }
    pending_.erase(0, offset);
    return true;
  }

  bool flush() {
    if (pending_.empty()) return true;
    const std::string rest = std::move(pending_);
    pending_.clear();
    return write_piece(rest.data(), rest.size());
  }

  bool write_piece(const char* data, std::size_t size) {
    if (write_bytes_ > 0 && pieces_ > 0 && chunk_delay_.count() > 0 &&
        !stop_.sleep_for(chunk_delay_)) {
      return false;
    }
    ++pieces_;
    return sink_.write(data, size);
  }

  httplib::DataSink& sink_;
  const std::size_t write_bytes_;
  const milliseconds chunk_delay_;
  StopSignal& stop_;
  std::unique_ptr<GzipEncoder> encoder_;
  std::string pending_;
  std::size_t pieces_ = 0;
};

// The Debian httplib compresses (br or gzip) any set_content() body and any
// chunked body of a compressible type when the client accepts it. A body
// given with its length, or an empty one, is never compressed, and the real
// gateway never compresses.
void set_uncompressed_body(httplib::Response& response, std::string body,
                           const std::string& content_type) {
  if (body.empty()) {
    if (!content_type.empty()) {
      response.set_header("Content-Type", content_type);
    }
    return;
  }
  auto shared = std::make_shared<const std::string>(std::move(body));
  response.set_content_provider(shared->size(), content_type,
                                [shared](std::size_t offset, std::size_t length,
                                         httplib::DataSink& sink) {
                                  return sink.write(shared->data() + offset,
                                                    length);
                                });
}

// x-fake-fixture names a file inside --fixtures: relative, without "..".
bool is_inside_fixtures(const std::filesystem::path& path) {
  if (path.empty() || path.is_absolute()) return false;
  for (const std::filesystem::path& part : path) {
    if (part == "..") return false;
  }
  return true;
}

std::string fixture_content_type(const std::filesystem::path& path) {
  const std::string extension = path.extension().string();
  if (extension == kSseExtension) return std::string(kEventStream);
  if (extension == kJsonExtension) return std::string(kJson);
  return std::string(kPlainText);
}

// One segment per event, through its blank line, so that a recorded stream
// arrives event by event as a live one does. Fixtures end lines with LF;
// other line ends are still sent byte for byte, only in fewer writes.
StreamPlan fixture_stream(const std::string& bytes) {
  StreamPlan plan;
  std::size_t start = 0;
  while (start < bytes.size()) {
    const std::size_t blank = bytes.find(kEventEnd, start);
    const std::size_t end =
        blank == std::string::npos ? bytes.size() : blank + kEventEnd.size();
    plan.segments.push_back(Segment{bytes.substr(start, end - start), {}});
    start = end;
  }
  return plan;
}

std::string concatenated(const StreamPlan& plan) {
  std::string bytes;
  for (const Segment& segment : plan.segments) bytes += segment.bytes;
  return bytes;
}

}  // namespace

std::vector<std::string_view> scenario_names() {
  std::vector<std::string_view> names;
  for (const ScenarioEntry& entry : kScenarios) names.push_back(entry.name);
  return names;
}

struct FakeParams {
  const ScenarioEntry* scenario = nullptr;
  milliseconds delay{0};
  ErrorRequest error;
  std::int64_t fail_count = 1;
  bool echo_request_id = true;
  std::string azure_model;
  std::string fixture;  // x-fake-fixture, for the fixture scenario
  std::size_t write_bytes = 0;
  milliseconds chunk_delay{0};
  StreamParams stream;
  std::string problem;  // the first malformed x-fake-* header
};

struct Outcome {
  Reply reply;
  std::optional<StreamPlan> stream;
  bool gzip = false;      // compress the body or the stream
  bool truncate = false;  // announce the whole body, send half, hang up
};

namespace {

FakeParams read_params(const httplib::Request& request) {
  ParamReader reader(request);
  FakeParams params;
  const std::string scenario = reader.text("x-fake-scenario", "ok");
  params.scenario = find_scenario(scenario);
  if (!params.scenario) reader.fail("unknown x-fake-scenario: " + scenario);
  const bool slow =
      params.scenario && params.scenario->scenario == Scenario::kSlow;
  params.delay = reader.millis("x-fake-delay-ms",
                               slow ? kSlowDefaultDelay : milliseconds{0});
  params.error.shape = reader.text("x-fake-error-shape");
  if (request.has_header("x-fake-status")) {
    const std::uint64_t status = reader.number("x-fake-status", 0, kMaxStatus);
    if (status < kMinStatus) {
      reader.fail("x-fake-status must be an HTTP status from 100 to 599");
    }
    params.error.status = static_cast<int>(status);
  }
  params.error.message = reader.text("x-fake-error-message");
  params.error.retry_after = reader.text("x-fake-retry-after");
  params.fail_count = static_cast<std::int64_t>(
      reader.number("x-fake-fail-count", 1, kMaxCount));
  const std::string echo_id = lower(reader.text("x-fake-echo-request-id", "1"));
  params.echo_request_id = echo_id != "0" && echo_id != "false";
  params.azure_model = reader.text("x-fake-azure-model", kDefaultAzureModel);
  params.fixture = reader.text("x-fake-fixture");
  params.write_bytes = static_cast<std::size_t>(
      reader.number("x-fake-write-bytes", 0, kMaxWriteBytes));
  params.chunk_delay = reader.millis("x-fake-chunk-delay-ms", milliseconds{0});
  params.stream.keepalive_every = static_cast<std::size_t>(reader.number(
      "x-fake-keepalive-every", kDefaultKeepaliveEvery, kMaxCount));
  params.stream.keepalive_interval =
      reader.millis("x-fake-keepalive-ms", kDefaultKeepaliveInterval);
  params.stream.idle = reader.millis("x-fake-idle-ms", kDefaultIdle);
  params.stream.event_bytes = static_cast<std::size_t>(
      reader.number("x-fake-event-bytes", kDefaultEventBytes, kMaxEventBytes));
  const std::string form = reader.text("x-fake-error-form", "flat");
  if (form != "flat" && form != "nested") {
    reader.fail("x-fake-error-form must be flat or nested");
  }
  params.stream.nested_error = form == "nested";
  params.problem = reader.problem();
  return params;
}

Outcome reply_outcome(Reply reply) {
  return Outcome{std::move(reply), {}, false, false};
}

}  // namespace

GatewayService::GatewayService(ServiceOptions options, StopSignal& stop)
    : options_(std::move(options)),
      stop_(stop),
      bucket_(options_.limit_rps, options_.limit_burst) {}

void GatewayService::install(httplib::Server& server) {
  server.Post(
      R"((/.*)?/v1/completions)",
      [this](const httplib::Request& request, httplib::Response& response,
             const httplib::ContentReader& reader) {
        handle_completion(request, response, reader, Route{});
      });
  server.Post(
      R"(/openai/deployments/([^/]+)/completions)",
      [this](const httplib::Request& request, httplib::Response& response,
             const httplib::ContentReader& reader) {
        handle_completion(request, response, reader,
                          Route{Flavor::kAzure, request.matches[1]});
      });
  server.set_exception_handler([](const httplib::Request&,
                                  httplib::Response& response,
                                  std::exception_ptr failure) {
    std::string what = "unknown exception";
    try {
      std::rethrow_exception(failure);
    } catch (const std::exception& error) {
      what = error.what();
    } catch (...) {
    }
    const Reply reply =
        flat_error(kStatusInternalServerError, "fake gateway failed: " + what);
    response.status = reply.status;
    set_uncompressed_body(response, reply.body, reply.content_type);
  });
  server.Get("/health",
             [](const httplib::Request&, httplib::Response& response) {
               set_uncompressed_body(response, "ok", "text/plain");
             });
  server.Get("/_stats", [this](const httplib::Request& request,
                               httplib::Response& response) {
    std::string body = stats_json();
    if (request.has_param("id")) {
      body = R"({"attempts":)" +
             std::to_string(attempts(request.get_param_value("id"))) + "}";
    } else if (request.has_param("arrivals")) {
      body = arrivals_json();
    }
    set_uncompressed_body(response, body, std::string(kJson));
  });
}

void GatewayService::handle_completion(const httplib::Request& request,
                                       httplib::Response& response,
                                       const httplib::ContentReader& reader,
                                       Route route) {
  ++requests_;
  const std::int64_t now_in_flight = ++in_flight_;
  struct InFlight {
    std::atomic<std::int64_t>& count;
    ~InFlight() { --count; }
  } in_flight{in_flight_};
  {
    std::lock_guard<std::mutex> lock(arrivals_mutex_);
    in_flight_at_arrival_.push_back(now_in_flight);
    if (now_in_flight > max_in_flight_) max_in_flight_ = now_in_flight;
  }
  const std::int64_t attempt =
      record_attempt(request.get_header_value("x-request-id"));
  Call call{request, {}, std::move(route)};
  const bool read = reader([&call](const char* data, std::size_t length) {
    call.body.append(data, length);
    return true;
  });
  const FakeParams params = read_params(request);
  send(request, response, params,
       read ? decide(call, params, attempt)
            : reply_outcome(flat_error(kStatusBadRequest,
                                       "the request body could not be read")));
}

Outcome GatewayService::decide(const Call& call, const FakeParams& params,
                               std::int64_t attempt) {
  const httplib::Request& request = call.request;
  if (!params.problem.empty()) {
    return reply_outcome(flat_error(kStatusBadRequest, params.problem));
  }
  if (params.delay.count() > 0 && !stop_.sleep_for(params.delay)) {
    return reply_outcome(
        flat_error(kStatusServiceUnavailable, "fake gateway is shutting down"));
  }
  if (call.route.flavor == Flavor::kAzure) {
    if (!key_accepted(request.get_header_value("api-key"))) {
      return reply_outcome(azure_access_denied_error());
    }
    if (!request.has_param("api-version")) {
      return reply_outcome(azure_not_found_error());
    }
  } else {
    const std::string authorization = request.get_header_value("Authorization");
    if (authorization.compare(0, kBearerPrefix.size(), kBearerPrefix) != 0 ||
        !key_accepted(authorization.substr(kBearerPrefix.size()))) {
      return reply_outcome(invalid_key_error());
    }
  }
  if (options_.max_body_bytes > 0 &&
      call.body.size() > options_.max_body_bytes) {
    return reply_outcome(flat_error(
        kStatusBadRequest, "request body is larger than " +
                               std::to_string(options_.max_body_bytes) +
                               " bytes"));
  }
  const ParsedInput parsed =
      parse_completion_input(call.body, call.route.flavor == Flavor::kBud);
  if (!parsed.input) {
    return reply_outcome(flat_error(kStatusBadRequest, parsed.error));
  }

  const Scenario scenario = params.scenario->scenario;
  if (scenario == Scenario::kFixture) return replay_fixture(params);
  if (scenario == Scenario::kError ||
      (scenario == Scenario::kFailThenOk && attempt <= params.fail_count)) {
    std::optional<Reply> reply = error_reply(params.error);
    if (!reply) {
      return reply_outcome(
          flat_error(kStatusBadRequest,
                     "unknown x-fake-error-shape: " + params.error.shape));
    }
    return reply_outcome(std::move(*reply));
  }
  if (scenario != Scenario::kLimited) {
    return succeed(call, params, *parsed.input);
  }
  const BucketDecision decision = bucket_.take();
  Outcome outcome = decision.allowed
                        ? succeed(call, params, *parsed.input)
                        : reply_outcome(rate_limited_error(
                              std::to_string(decision.retry_after_seconds)));
  if (!decision.allowed) ++rate_limited_;
  outcome.reply.headers.emplace_back("X-RateLimit-Limit",
                                     std::to_string(decision.limit));
  outcome.reply.headers.emplace_back("X-RateLimit-Remaining",
                                     std::to_string(decision.remaining));
  outcome.reply.headers.emplace_back(
      "X-RateLimit-Reset", std::to_string(decision.reset_unix_seconds));
  return outcome;
}

Outcome GatewayService::succeed(const Call& call, const FakeParams& params,
                                const CompletionInput& input) {
  const httplib::Request& request = call.request;
  const Scenario scenario = params.scenario->scenario;
  Outcome outcome;
  outcome.reply.status = kStatusOk;
  outcome.truncate = scenario == Scenario::kTruncated;
  outcome.gzip = scenario == Scenario::kGzip &&
                 accepts_gzip(request.get_header_value("Accept-Encoding"));
  if (scenario == Scenario::kNotJson) {
    outcome.reply.content_type = "text/plain";
    outcome.reply.body = std::string(kNotJsonBody);
    return outcome;
  }
  if (scenario == Scenario::kRateLimitHeaders) {
    outcome.reply.headers = {
        {"X-RateLimit-Limit", std::string(kFixedRateLimit)},
        {"X-RateLimit-Remaining", std::string(kFixedRateRemaining)},
        {"X-RateLimit-Reset", std::string(kFixedRateReset)}};
  }
  ++completions_;

  const std::string request_id = request.get_header_value("x-request-id");
  const std::string id =
      "cmpl-" +
      (request_id.empty() ? "fake-" + std::to_string(next_id_++) : request_id);
  const Completion completion = generate_completion(
      input, id,
      call.route.flavor == Flavor::kAzure ? params.azure_model : input.model);
  RenderOptions render;
  render.flavor = call.route.flavor;
  render.logprob_style = scenario == Scenario::kChatLogprobs
                             ? LogprobStyle::kChat
                             : LogprobStyle::kLegacy;
  if (scenario == Scenario::kUnknownFinishReason) {
    render.finish_reason_override = std::string(kOddFinishReason);
  }
  if (scenario == Scenario::kEcho)
    render.extra_member = echo_member(request, call.body);

  const bool streamed = input.stream || scenario == Scenario::kStream;
  if (!streamed) {
    outcome.reply.content_type = std::string(kJson);
    outcome.reply.body = scenario == Scenario::kNoChoices
                             ? std::string(kNoChoicesBody)
                             : render_unary(completion, render);
    return outcome;
  }
  outcome.reply.content_type = std::string(kEventStream);
  const ChunkPayloads payloads =
      scenario == Scenario::kNoChoices
          ? ChunkPayloads{{std::string(kNoChoicesBody)}, {}}
          : render_chunks(completion, render);
  outcome.stream =
      plan_stream(params.scenario->stream_kind, payloads, params.stream);
  return outcome;
}

Outcome GatewayService::replay_fixture(const FakeParams& params) {
  if (options_.fixtures_dir.empty()) {
    return reply_outcome(flat_error(
        kStatusBadRequest, "the fixture scenario needs --fixtures DIR"));
  }
  const std::filesystem::path relative(params.fixture);
  if (!is_inside_fixtures(relative)) {
    return reply_outcome(flat_error(
        kStatusBadRequest,
        "x-fake-fixture must name a file inside --fixtures (relative, "
        "without \"..\"): " +
            params.fixture));
  }
  std::ifstream file(std::filesystem::path(options_.fixtures_dir) / relative,
                     std::ios::binary);
  std::ostringstream bytes;
  if (!file || !(bytes << file.rdbuf())) {
    return reply_outcome(flat_error(kStatusBadRequest,
                                    "cannot read fixture: " + params.fixture));
  }
  Outcome outcome;
  outcome.reply.status = params.error.status.value_or(kStatusOk);
  outcome.reply.content_type = fixture_content_type(relative);
  if (outcome.reply.status == kStatusOk) ++completions_;
  if (outcome.reply.content_type == kEventStream) {
    outcome.stream = fixture_stream(bytes.str());
  } else {
    outcome.reply.body = bytes.str();
  }
  return outcome;
}

void GatewayService::send(const httplib::Request& request,
                          httplib::Response& response, const FakeParams& params,
                          Outcome outcome) {
  std::vector<std::pair<std::string, std::string>> headers =
      std::move(outcome.reply.headers);
  const std::string request_id = request.get_header_value("x-request-id");
  const bool echo_id = params.echo_request_id &&
                       !(params.scenario && params.scenario->scenario ==
                                                Scenario::kNoRequestIdEcho);
  if (echo_id && !request_id.empty()) {
    set_header(headers, "x-request-id", request_id);
  }
  if (outcome.gzip) set_header(headers, "Content-Encoding", "gzip");
  for (auto& [name, value] : requested_headers(request)) {
    set_header(headers, std::move(name), std::move(value));
  }
  response.status = outcome.reply.status;
  for (const auto& [name, value] : headers) response.set_header(name, value);

  const std::string& content_type = outcome.reply.content_type;
  if (outcome.stream && !outcome.truncate) {
    auto plan = std::make_shared<const StreamPlan>(std::move(*outcome.stream));
    const std::size_t write_bytes = params.write_bytes;
    const milliseconds chunk_delay = params.chunk_delay;
    const bool gzip = outcome.gzip;
    StopSignal& stop = stop_;
    // text/event-stream is the one text type httplib never compresses.
    response.set_chunked_content_provider(
        content_type, [plan, write_bytes, chunk_delay, gzip, &stop](
                          std::size_t, httplib::DataSink& sink) {
          StreamWriter writer(sink, write_bytes, chunk_delay, gzip, stop);
          const bool finished = writer.write(*plan);
          if (finished) sink.done();
          return finished;
        });
    return;
  }
  std::string body = outcome.stream ? concatenated(*outcome.stream)
                                    : std::move(outcome.reply.body);
  if (outcome.gzip) body = gzip_compress(body);
  if (!outcome.truncate || body.empty()) {
    set_uncompressed_body(response, std::move(body), content_type);
    return;
  }
  auto shared = std::make_shared<const std::string>(std::move(body));
  response.set_content_provider(
      shared->size(), content_type,
      [shared](std::size_t offset, std::size_t, httplib::DataSink& sink) {
        // Half the announced bytes; returning false then drops the socket.
        if (offset == 0) sink.write(shared->data(), shared->size() / 2);
        return false;
      });
}

bool GatewayService::key_accepted(const std::string& key) const {
  return !key.empty() && (options_.api_key.empty() || key == options_.api_key);
}

std::int64_t GatewayService::record_attempt(const std::string& request_id) {
  std::lock_guard<std::mutex> lock(attempts_mutex_);
  return ++attempts_[request_id];
}

std::int64_t GatewayService::attempts(const std::string& request_id) {
  std::lock_guard<std::mutex> lock(attempts_mutex_);
  const auto found = attempts_.find(request_id);
  return found == attempts_.end() ? 0 : found->second;
}

void GatewayService::count_connections_with(
    std::function<std::uint64_t()> source) {
  connection_count_ = std::move(source);
}

std::string GatewayService::stats_json() {
  const std::uint64_t connections = connection_count_ ? connection_count_() : 0;
  return R"({"requests":)" + std::to_string(requests_.load()) +
         R"(,"rate_limited":)" + std::to_string(rate_limited_.load()) +
         R"(,"completions":)" + std::to_string(completions_.load()) +
         R"(,"connections":)" + std::to_string(connections) +
         R"(,"in_flight":)" + std::to_string(in_flight_.load()) +
         R"(,"max_in_flight":)" + std::to_string(max_in_flight_.load()) + "}";
}

std::string GatewayService::arrivals_json() {
  std::lock_guard<std::mutex> lock(arrivals_mutex_);
  std::string list;
  for (const std::int64_t count : in_flight_at_arrival_) {
    if (!list.empty()) list += ',';
    list += std::to_string(count);
  }
  return R"({"in_flight_at_arrival":[)" + list + "]}";
}

}  // namespace fake_gateway
