// Copyright 2026 The budgateway Authors. SPDX-License-Identifier: Apache-2.0
// budgateway bench: a load test of a completions server, with the figures
// defined in kHelp (and the README) and measured the way kHelp says.
#include <pthread.h>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <cmath>
#include <condition_variable>
#include <csignal>
#include <cstdio>
#include <fstream>
#include <iostream>
#include <map>
#include <mutex>
#include <optional>
#include <string>
#include <thread>
#include <vector>

#include "commands.hpp"
#include "json.hpp"

namespace budgateway_cli {
namespace {

using Clock = std::chrono::steady_clock;

constexpr const char* kHelp =
    "usage: budgateway bench -m MODEL [-n 1000] [-c 64 | --rate R] [--stream]\n"
    "                        [--prompt-tokens N] [--max-tokens N] [--json]\n"
    "                        [--csv FILE] [-p PROMPT] [--FIELD VALUE ...]\n"
    "\n"
    "Sends N completions and reports how the server (and the path to it)\n"
    "performed. Retries are off unless --max-retries says otherwise: a\n"
    "failed request counts as a failure, never as a slow success.\n"
    "\n"
    "  -m, --model MODEL   the model (required)\n"
    "  -n, --requests N    requests to send (default 1000)\n"
    "  -c, --concurrency N closed loop: N requests in flight, each followed\n"
    "                      at once by the next (default 64)\n"
    "  --rate R            open loop: start R requests per second, evenly\n"
    "                      spaced, whatever is in flight; -c then caps what\n"
    "                      is in flight (default 256), and a start that finds\n"
    "                      the cap full goes out late and is counted\n"
    "  --stream            stream the answers (needed for TTFT, TPOT, ITL)\n"
    "  --prompt-tokens N   prompts of N words (default 32), each request's\n"
    "                      different; about N tokens for common tokenizers,\n"
    "                      and the report gives usage's own count\n"
    "  -p, --prompt TEXT   send this prompt instead\n"
    "  --max-tokens N      (default 128)\n"
    "  --json              print the report as one JSON object\n"
    "  --csv FILE          write one row per request\n"
    "  --FIELD VALUE, --extra-body JSON   request fields, as in complete\n"
    "Ctrl-C stops the run: requests in flight are cancelled and left out,\n"
    "and the report covers the requests that finished.\n"
    "\n"
    "Figures (percentiles p50, p90, p99 and max are over requests, except\n"
    "ITL's, which are over every gap between chunks of every request):\n"
    "  requests/s        successful requests / wall time of the run\n"
    "  output tokens/s   output tokens of successful requests / wall time\n"
    "  output tokens     from each answer's usage.completion_tokens; streams\n"
    "                    ask for it with stream_options.include_usage. When\n"
    "                    a server sends no usage, that request's content\n"
    "                    chunks are counted instead (an undercount when a\n"
    "                    chunk carries several tokens) and the report says\n"
    "                    how many requests that was\n"
    "  latency           request start to its last chunk with text (not to\n"
    "                    [DONE]); unary: to the whole answer\n"
    "  TTFT              time to first token: start to the first chunk with\n"
    "                    text\n"
    "  TPOT              time per output token after the first: (last text\n"
    "                    chunk - first text chunk) / (output tokens - 1)\n"
    "  ITL               inter-token latency: the gaps between consecutive\n"
    "                    text chunks; the first token's wait is TTFT's, not\n"
    "                    ITL's\n"
    "  errors            failed requests by kind and HTTP status; an error\n"
    "                    inside a 200 stream is a failure\n"
    "A request starts when the call is made (connection set-up included).\n"
    "TTFT's first token is stamped by the library when its bytes land,\n"
    "before parsing (CompletionStream::timing()). Later chunks are stamped\n"
    "when the stream hands them over: each request's stream is pumped on its\n"
    "own thread, so that is right after the chunk's bytes were read and\n"
    "parsed (parsing takes microseconds).\n"
    "\n";

constexpr std::size_t kDefaultRequests = 1000;
constexpr std::size_t kDefaultConcurrency = 64;
constexpr std::size_t kDefaultRateCap = 256;
constexpr std::size_t kDefaultConnections = 256;
constexpr std::int64_t kDefaultPromptWords = 32;
constexpr std::int64_t kDefaultMaxTokens = 128;
// A request claimed by a worker this long after its scheduled start waited
// for a free worker: every allowed request was in flight.
constexpr auto kLateStart = std::chrono::milliseconds(1);

// Common one-token English words; prompts are windows over them, shifted per
// request so that no two requests share a prefix cache entry.
constexpr const char* kWords[] = {
    "the",   "of",     "and",   "to",    "in",    "is",     "you",   "that",
    "it",    "he",     "was",   "for",   "on",    "are",    "as",    "with",
    "his",   "they",   "at",    "be",    "this",  "have",   "from",  "or",
    "one",   "had",    "by",    "word",  "but",   "not",    "what",  "all",
    "were",  "we",     "when",  "your",  "can",   "said",   "there", "use",
    "an",    "each",   "which", "she",   "do",    "how",    "their", "if",
    "will",  "up",     "other", "about", "out",   "many",   "then",  "them",
    "these", "so",     "some",  "her",   "would", "make",   "like",  "him",
    "into",  "time",   "has",   "look",  "two",   "more",   "write", "go",
    "see",   "number", "no",    "way",   "could", "people", "my",    "than"};
constexpr std::size_t kWordCount = sizeof(kWords) / sizeof(kWords[0]);

struct BenchFlags {
  std::string model;
  std::size_t requests = kDefaultRequests;
  std::optional<std::size_t> concurrency;
  std::optional<double> rate;
  bool stream = false;
  std::int64_t prompt_words = kDefaultPromptWords;
  std::optional<std::string> prompt;
  bool json = false;
  std::string csv;
  ConnectionFlags connection;
  RequestFields fields;

  std::size_t workers() const {
    return concurrency.value_or(rate ? kDefaultRateCap : kDefaultConcurrency);
  }
};

BenchFlags parse_flags(Args& args) {
  BenchFlags flags;
  while (!args.done()) {
    const std::string flag = args.next();
    if (flag == "-m" || flag == "--model") {
      flags.model = args.value();
    } else if (flag == "-n" || flag == "--requests") {
      flags.requests =
          static_cast<std::size_t>(parse_int(flag, args.value(), 1));
    } else if (flag == "-c" || flag == "--concurrency") {
      flags.concurrency =
          static_cast<std::size_t>(parse_int(flag, args.value(), 1));
    } else if (flag == "--rate") {
      flags.rate = parse_double(flag, args.value());
      if (*flags.rate <= 0) throw UsageError("--rate must be > 0");
    } else if (flag == "--stream") {
      flags.stream = true;
    } else if (flag == "--prompt-tokens") {
      flags.prompt_words = parse_int(flag, args.value(), 1);
    } else if (flag == "-p" || flag == "--prompt") {
      flags.prompt = args.value();
    } else if (flag == "--json") {
      flags.json = true;
    } else if (flag == "--csv") {
      flags.csv = args.value();
    } else if (!parse_connection_flag(flag, args, flags.connection) &&
               !parse_field_flag(flag, args, flags.fields)) {
      throw UsageError("unknown argument '" + flag + "'");
    }
  }
  if (flags.model.empty()) throw UsageError("-m MODEL is required");
  if (!flags.fields.has("max_tokens")) {
    flags.fields.set("max_tokens", std::to_string(kDefaultMaxTokens));
  }
  return flags;
}

std::string prompt_for(std::size_t index, const BenchFlags& flags) {
  if (flags.prompt) return *flags.prompt;
  std::string prompt;
  const auto words = static_cast<std::size_t>(flags.prompt_words);
  for (std::size_t k = 0; k < words; ++k) {
    if (k > 0) prompt.push_back(' ');
    prompt += kWords[(index + k) % kWordCount];
  }
  return prompt;
}

// SIGINT or SIGTERM: no new request starts, and those in flight are
// cancelled, so the report comes out at once.
struct Interrupt {
  std::atomic<bool> requested{false};
  bg::CancellationSource cancel;
  std::mutex mutex;
  std::condition_variable wake;  // rate-paced workers waiting for their time
};

// Never destroyed: the detached signal thread may still notify it while the
// process exits (ThreadSanitizer saw the condition variable destroyed under
// it by the static destructors).
Interrupt& interrupt() {
  static Interrupt* const instance = new Interrupt();
  return *instance;
}

// Blocks the stop signals in this thread (and so in every thread started
// after), and hands them to a thread of their own.
void watch_stop_signals() {
  sigset_t signals;
  sigemptyset(&signals);
  sigaddset(&signals, SIGINT);
  sigaddset(&signals, SIGTERM);
  pthread_sigmask(SIG_BLOCK, &signals, nullptr);
  std::thread([signals] {
    int signal_number = 0;
    sigwait(&signals, &signal_number);
    Interrupt& state = interrupt();
    {
      std::lock_guard<std::mutex> lock(state.mutex);
      state.requested = true;
    }
    state.cancel.cancel();
    state.wake.notify_all();
  }).detach();
}

// Waits for a rate-paced start; false when the run was interrupted first.
bool wait_until(Clock::time_point when) {
  Interrupt& state = interrupt();
  std::unique_lock<std::mutex> lock(state.mutex);
  return !state.wake.wait_until(lock, when,
                                [&] { return state.requested.load(); });
}

// What one request did.
struct Record {
  bool started = false;
  bool ok = false;
  std::optional<bg::Error> error;
  std::string error_kind;  // ErrorCode name and HTTP status
  bool late = false;
  double start_ms = 0;  // from the start of the run
  double latency_ms = 0;
  std::optional<double> ttft_ms;
  std::optional<double> tpot_ms;
  std::vector<double> itl_ms;
  std::int64_t output_tokens = 0;
  std::int64_t prompt_tokens = 0;
  bool usage = false;
  std::size_t text_chunks = 0;
};

double milliseconds(Clock::duration duration) {
  return std::chrono::duration<double, std::milli>(duration).count();
}

std::string error_kind(const bg::Error& error) {
  std::string kind(bg::to_string(error.code()));
  if (error.http_status() != 0) {
    kind += " " + std::to_string(error.http_status());
  }
  return kind;
}

void take_usage(const bg::CompletionResponse& response, Record& record) {
  if (!response.usage) return;
  record.usage = true;
  record.output_tokens = response.usage->completion_tokens;
  record.prompt_tokens = response.usage->prompt_tokens;
}

bg::CallOptions call_options() {
  bg::CallOptions options;
  options.cancellation = interrupt().cancel.token();
  return options;
}

void run_unary(const bg::Client& client, const bg::CompletionRequest& request,
               Clock::time_point start, Record& record) {
  const bg::Result<bg::CompletionResponse> result =
      client.complete(request, call_options());
  record.latency_ms = milliseconds(Clock::now() - start);
  if (!result) {
    record.error_kind = error_kind(result.error());
    record.error = result.error();
    return;
  }
  record.ok = true;
  take_usage(*result, record);
}

void run_stream(const bg::Client& client, const bg::CompletionRequest& request,
                Clock::time_point start, Record& record) {
  std::optional<Clock::time_point> first;
  Clock::time_point last;
  bg::CompletionStream stream = client.stream(request, call_options());
  // The library's Timing counts from the stream's first read: from here.
  const Clock::time_point reading = Clock::now();
  for (auto& chunk : stream) {
    const Clock::time_point now = Clock::now();
    if (!chunk) {
      record.latency_ms = milliseconds(now - start);
      record.error_kind = error_kind(chunk.error());
      record.error = chunk.error();
      return;
    }
    take_usage(*chunk, record);
    const bool has_text = std::any_of(
        chunk->choices.begin(), chunk->choices.end(),
        [](const bg::Choice& choice) { return !choice.text.empty(); });
    if (!has_text) continue;
    ++record.text_chunks;
    if (first) {
      record.itl_ms.push_back(milliseconds(now - last));
    } else {
      first = now;
    }
    last = now;
  }
  record.ok = true;
  if (!record.usage) {
    record.output_tokens = static_cast<std::int64_t>(record.text_chunks);
  }
  if (!first) {
    record.latency_ms = milliseconds(Clock::now() - start);
    return;
  }
  record.latency_ms = milliseconds(last - start);
  // The first token as the library stamped it, when its bytes landed;
  // the iterator's own stamp is the fallback.
  const std::optional<bg::Timing> timing = stream.timing();
  record.ttft_ms =
      timing && timing->first_token.count() > 0
          ? milliseconds(reading - start) +
                std::chrono::duration<double, std::milli>(timing->first_token)
                    .count()
          : milliseconds(*first - start);
  if (record.output_tokens > 1) {
    record.tpot_ms = milliseconds(last - *first) /
                     static_cast<double>(record.output_tokens - 1);
  }
}

struct Run {
  std::vector<Record> records;
  double seconds = 0;
  bool interrupted = false;
};

Run run(const bg::Client& client, const BenchFlags& flags) {
  bg::CompletionRequest base;
  base.model = flags.model;
  base.extra_body = flags.fields.object_text();
  if (flags.stream && !flags.fields.has("stream_options")) {
    base.stream_options = bg::StreamOptions{true};
  }
  Run result;
  result.records.resize(flags.requests);
  std::atomic<std::size_t> next{0};
  const Clock::time_point run_start = Clock::now();
  const auto worker = [&] {
    while (!interrupt().requested) {
      const std::size_t index = next.fetch_add(1);
      if (index >= flags.requests) return;
      Record& record = result.records[index];
      bg::CompletionRequest request = base;
      request.prompt = prompt_for(index, flags);
      if (flags.rate) {
        const auto scheduled =
            run_start + std::chrono::duration_cast<Clock::duration>(
                            std::chrono::duration<double>(
                                static_cast<double>(index) / *flags.rate));
        // Claimed after its time: every allowed request was in flight.
        record.late = Clock::now() - scheduled > kLateStart;
        if (!wait_until(scheduled)) return;
      }
      record.started = true;
      const Clock::time_point start = Clock::now();
      record.start_ms = milliseconds(start - run_start);
      if (flags.stream) {
        run_stream(client, request, start, record);
      } else {
        run_unary(client, request, start, record);
      }
    }
  };
  const std::size_t count = std::min(flags.workers(), flags.requests);
  std::vector<std::thread> workers;
  workers.reserve(count);
  for (std::size_t i = 0; i < count; ++i) workers.emplace_back(worker);
  for (std::thread& thread : workers) thread.join();
  result.seconds =
      std::chrono::duration<double>(Clock::now() - run_start).count();
  result.interrupted = interrupt().requested;
  return result;
}

struct Distribution {
  std::size_t count = 0;
  double mean = 0;
  double p50 = 0;
  double p90 = 0;
  double p99 = 0;
  double max = 0;
};

// Nearest-rank percentiles.
std::optional<Distribution> distribution(std::vector<double> values) {
  if (values.empty()) return std::nullopt;
  std::sort(values.begin(), values.end());
  const auto rank = [&](double percent) {
    const auto position = static_cast<std::size_t>(
        std::ceil(percent / 100.0 * static_cast<double>(values.size())));
    return values[std::max<std::size_t>(position, 1) - 1];
  };
  Distribution out;
  out.count = values.size();
  double sum = 0;
  for (const double value : values) sum += value;
  out.mean = sum / static_cast<double>(values.size());
  constexpr double kP50 = 50;
  constexpr double kP90 = 90;
  constexpr double kP99 = 99;
  out.p50 = rank(kP50);
  out.p90 = rank(kP90);
  out.p99 = rank(kP99);
  out.max = values.back();
  return out;
}

struct Report {
  bool interrupted = false;
  std::size_t requests = 0;
  std::size_t succeeded = 0;
  std::size_t failed = 0;
  std::size_t late_starts = 0;
  std::size_t without_usage = 0;
  std::int64_t output_tokens = 0;
  std::int64_t prompt_tokens = 0;
  double seconds = 0;
  std::optional<Distribution> latency, ttft, tpot, itl;
  std::map<std::string, std::size_t> errors;
};

Report summarize(const Run& run) {
  Report report;
  report.seconds = run.seconds;
  report.interrupted = run.interrupted;
  std::vector<double> latency, ttft, tpot, itl;
  for (const Record& record : run.records) {
    // Not sent, or cut short by an interrupt: not a measurement.
    if (!record.started ||
        (record.error && record.error->code() == bg::ErrorCode::Cancelled)) {
      continue;
    }
    ++report.requests;
    if (record.late) ++report.late_starts;
    if (!record.ok) {
      ++report.failed;
      ++report.errors[record.error_kind];
      continue;
    }
    ++report.succeeded;
    if (!record.usage) ++report.without_usage;
    report.output_tokens += record.output_tokens;
    report.prompt_tokens += record.prompt_tokens;
    latency.push_back(record.latency_ms);
    if (record.ttft_ms) ttft.push_back(*record.ttft_ms);
    if (record.tpot_ms) tpot.push_back(*record.tpot_ms);
    itl.insert(itl.end(), record.itl_ms.begin(), record.itl_ms.end());
  }
  report.latency = distribution(std::move(latency));
  report.ttft = distribution(std::move(ttft));
  report.tpot = distribution(std::move(tpot));
  report.itl = distribution(std::move(itl));
  return report;
}

double per_second(double amount, double seconds) {
  return seconds > 0 ? amount / seconds : 0;
}

std::string distribution_json(const std::optional<Distribution>& d) {
  if (!d) return "null";
  return "{\"count\":" + std::to_string(d->count) +
         ",\"mean\":" + json_number(d->mean) +
         ",\"p50\":" + json_number(d->p50) + ",\"p90\":" + json_number(d->p90) +
         ",\"p99\":" + json_number(d->p99) + ",\"max\":" + json_number(d->max) +
         "}";
}

void print_json(const Report& report, const BenchFlags& flags) {
  std::string out = "{\"model\":" + json_string(flags.model);
  out += ",\"stream\":" + std::string(flags.stream ? "true" : "false");
  out += ",\"concurrency\":" + std::to_string(flags.workers());
  out += ",\"rate\":" + (flags.rate ? json_number(*flags.rate) : "null");
  out +=
      ",\"interrupted\":" + std::string(report.interrupted ? "true" : "false");
  out += ",\"requests\":" + std::to_string(report.requests);
  out += ",\"succeeded\":" + std::to_string(report.succeeded);
  out += ",\"failed\":" + std::to_string(report.failed);
  out += ",\"duration_s\":" + json_number(report.seconds);
  out += ",\"requests_per_s\":" +
         json_number(
             per_second(static_cast<double>(report.succeeded), report.seconds));
  out += ",\"output_tokens\":" + std::to_string(report.output_tokens);
  out += ",\"output_tokens_per_s\":" +
         json_number(per_second(static_cast<double>(report.output_tokens),
                                report.seconds));
  out += ",\"prompt_tokens\":" + std::to_string(report.prompt_tokens);
  out += ",\"requests_without_usage\":" + std::to_string(report.without_usage);
  out += ",\"late_starts\":" + std::to_string(report.late_starts);
  out += ",\"latency_ms\":" + distribution_json(report.latency);
  out += ",\"ttft_ms\":" + distribution_json(report.ttft);
  out += ",\"tpot_ms\":" + distribution_json(report.tpot);
  out += ",\"itl_ms\":" + distribution_json(report.itl);
  out += ",\"errors\":{";
  bool first = true;
  for (const auto& [kind, count] : report.errors) {
    if (!first) out += ',';
    first = false;
    append_json_string(out, kind);
    out += ':' + std::to_string(count);
  }
  out += "}}\n";
  std::cout << out;
}

void print_row(const char* name, const std::optional<Distribution>& d) {
  if (!d) {
    std::printf("  %-8s %10s\n", name, "-");
    return;
  }
  std::printf("  %-8s %10.2f %10.2f %10.2f %10.2f %10.2f\n", name, d->mean,
              d->p50, d->p90, d->p99, d->max);
}

void print_text(const Report& report, const BenchFlags& flags) {
  std::printf("budgateway bench: %zu requests, %s, %s %s, %.2f s\n",
              report.requests, flags.stream ? "streamed" : "unary",
              flags.rate ? "rate" : "concurrency",
              flags.rate ? (json_number(*flags.rate) + "/s").c_str()
                         : std::to_string(flags.workers()).c_str(),
              report.seconds);
  if (report.interrupted)
    std::printf("  interrupted: the rest were not sent\n");
  std::printf("  succeeded %zu, failed %zu", report.succeeded, report.failed);
  if (flags.rate) std::printf(", late starts %zu", report.late_starts);
  std::printf(
      "\n  requests/s       %12.1f\n",
      per_second(static_cast<double>(report.succeeded), report.seconds));
  std::printf(
      "  output tokens/s  %12.1f  (%lld output, %lld prompt tokens)\n",
      per_second(static_cast<double>(report.output_tokens), report.seconds),
      static_cast<long long>(report.output_tokens),
      static_cast<long long>(report.prompt_tokens));
  if (report.without_usage > 0) {
    std::printf(
        "  %zu requests had no usage: their output tokens are counted as "
        "text chunks\n",
        report.without_usage);
  }
  std::printf("  %-8s %10s %10s %10s %10s %10s\n", "ms", "mean", "p50", "p90",
              "p99", "max");
  print_row("latency", report.latency);
  if (flags.stream) {
    print_row("TTFT", report.ttft);
    print_row("TPOT", report.tpot);
    print_row("ITL", report.itl);
  }
  for (const auto& [kind, count] : report.errors) {
    std::printf("  error %s: %zu\n", kind.c_str(), count);
  }
}

void write_csv(const std::string& path, const Run& run) {
  std::ofstream out(path);
  if (!out) throw std::runtime_error("cannot write " + path);
  out << "index,start_ms,ok,error,latency_ms,ttft_ms,tpot_ms,output_tokens,"
         "usage,text_chunks,late\n";
  const auto optional_ms = [](const std::optional<double>& value) {
    return value ? json_number(*value) : std::string();
  };
  for (std::size_t i = 0; i < run.records.size(); ++i) {
    const Record& r = run.records[i];
    out << i << ',' << json_number(r.start_ms) << ',' << (r.ok ? 1 : 0) << ','
        << r.error_kind << ',' << json_number(r.latency_ms) << ','
        << optional_ms(r.ttft_ms) << ',' << optional_ms(r.tpot_ms) << ','
        << r.output_tokens << ',' << (r.usage ? 1 : 0) << ',' << r.text_chunks
        << ',' << (r.late ? 1 : 0) << '\n';
  }
}

}  // namespace

int bench_command(Args& args) {
  if (args.asks_for_help()) {
    std::cout << kHelp << kConnectionHelp << '\n' << kExitCodeHelp;
    return kExitOk;
  }
  BenchFlags flags = parse_flags(args);
  if (!flags.connection.max_retries) flags.connection.max_retries = 0;
  bg::ClientOptions options = client_options(flags.connection, flags.model);
  options.max_connections = std::max(kDefaultConnections, flags.workers());
  // Before the Client starts any thread, so all inherit the blocked mask.
  watch_stop_signals();
  const bg::Client client(options);

  const Run result = run(client, flags);
  const Report report = summarize(result);
  if (flags.json) {
    print_json(report, flags);
  } else {
    print_text(report, flags);
  }
  if (!flags.csv.empty()) {
    try {
      write_csv(flags.csv, result);
    } catch (const std::runtime_error& error) {
      std::cerr << "budgateway bench: " << error.what() << '\n';
      return kExitFailed;
    }
  }
  if (report.interrupted) return kExitInterrupted;
  if (report.succeeded == 0) {
    // Every request failed: show the first failure, and exit with its kind.
    const Record& first = result.records.front();
    report_error("bench", *first.error);
    return exit_code_for(*first.error);
  }
  return kExitOk;
}

}  // namespace budgateway_cli
