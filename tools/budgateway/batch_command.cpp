// Copyright 2026 The budgateway Authors. SPDX-License-Identifier: Apache-2.0
// budgateway batch: a JSONL file of requests through Client::complete_many,
// each result appended to the output and flushed as it finishes, so that an
// interrupted run loses nothing and a second run does only what is left.
#include <pthread.h>
#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <csignal>
#include <cstdio>
#include <fstream>
#include <iostream>
#include <mutex>
#include <optional>
#include <string>
#include <thread>
#include <unordered_set>
#include <vector>

#include "commands.hpp"
#include "json.hpp"

namespace budgateway_cli {
namespace {

using Clock = std::chrono::steady_clock;

constexpr const char* kHelp =
    "usage: budgateway batch -m MODEL -i IN.jsonl -o OUT.jsonl [-c 64]\n"
    "                        [--rpm N] [--shard K/N] [--FIELD VALUE ...]\n"
    "\n"
    "Each line of IN is a JSON object: {\"id\": ..., \"prompt\": ..., <any\n"
    "request field>}. The id is a string or an integer; without one, the\n"
    "line's number is its id. Each result is appended to OUT as one line,\n"
    "{\"id\": ..., \"text\": <first choice's text>, \"response\": <the\n"
    "response>} or {\"id\": ..., \"error\": {\"code\", \"status\", "
    "\"message\",\n"
    "\"type\", \"request_id\"}}, and flushed as soon as it finishes, in the\n"
    "order they finish. Ctrl-C (or a crash) loses nothing written; running\n"
    "the same command again skips every id already in OUT, errors included\n"
    "(delete an error's line to try it again). A bad input line (not JSON,\n"
    "no prompt, a repeated id, ...) is reported on stderr with its line\n"
    "number and skipped. Rate limits are handled by the batch machinery: a\n"
    "429 halves the concurrency, which grows back as requests succeed.\n"
    "\n"
    "  -m, --model MODEL   the model, unless every line names its own\n"
    "  -i, --input FILE    the requests (JSONL)\n"
    "  -o, --output FILE   the results (JSONL), appended to\n"
    "  -c, --concurrency N requests in flight at most (default 64)\n"
    "  --rpm N             start at most N requests per minute\n"
    "  --shard K/N         only lines K, K+N, K+2N, ... (K from 1 to N), so\n"
    "                      N machines can share one input file\n"
    "  --max-tokens N, --temperature T, --FIELD VALUE, --extra-body JSON\n"
    "                      request fields for every line (a line's own\n"
    "                      members win); as in budgateway complete\n"
    "\n"
    "Progress: a bar on stderr when it is a terminal (done/total, rate,\n"
    "errors, ETA), else one summary line at the end.\n"
    "\n";

constexpr std::size_t kDefaultConcurrency = 64;
constexpr std::size_t kDefaultConnections = 256;
// Lines handed to one complete_many call: large enough that the drain at the
// end of a window is rare, small enough that its results fit in memory.
constexpr std::size_t kWindowLines = 50'000;
constexpr auto kProgressInterval = std::chrono::milliseconds(100);
constexpr int kBarWidth = 30;
constexpr double kPercent = 100.0;
constexpr int kSecondsPerMinute = 60;
constexpr int kSignalExitBase = 128;

struct BatchFlags {
  std::string model;
  std::string input;
  std::string output;
  std::size_t concurrency = kDefaultConcurrency;
  std::optional<double> rpm;
  std::size_t shard_index = 1;  // K, from 1
  std::size_t shard_count = 1;  // N
  ConnectionFlags connection;
  RequestFields fields;
};

void parse_shard(const std::string& text, BatchFlags& flags) {
  const std::size_t slash = text.find('/');
  if (slash == std::string::npos) {
    throw UsageError("--shard takes K/N, such as 1/4, not '" + text + "'");
  }
  flags.shard_index =
      static_cast<std::size_t>(parse_int("--shard", text.substr(0, slash), 1));
  flags.shard_count =
      static_cast<std::size_t>(parse_int("--shard", text.substr(slash + 1), 1));
  if (flags.shard_index > flags.shard_count) {
    throw UsageError("--shard K/N needs 1 <= K <= N, not '" + text + "'");
  }
}

BatchFlags parse_flags(Args& args) {
  BatchFlags flags;
  while (!args.done()) {
    const std::string flag = args.next();
    if (flag == "-m" || flag == "--model") {
      flags.model = args.value();
    } else if (flag == "-i" || flag == "--input") {
      flags.input = args.value();
    } else if (flag == "-o" || flag == "--output") {
      flags.output = args.value();
    } else if (flag == "-c" || flag == "--concurrency") {
      flags.concurrency =
          static_cast<std::size_t>(parse_int(flag, args.value(), 1));
    } else if (flag == "--rpm") {
      flags.rpm = parse_double(flag, args.value());
      if (*flags.rpm <= 0) throw UsageError("--rpm must be > 0");
    } else if (flag == "--shard") {
      parse_shard(args.value(), flags);
    } else if (!parse_connection_flag(flag, args, flags.connection) &&
               !parse_field_flag(flag, args, flags.fields)) {
      throw UsageError("unknown argument '" + flag + "'");
    }
  }
  if (flags.input.empty()) throw UsageError("-i IN.jsonl is required");
  if (flags.output.empty()) throw UsageError("-o OUT.jsonl is required");
  return flags;
}

// An id as a set key: strings and integers never collide.
std::optional<std::string> id_key(std::string_view raw_id) {
  if (std::optional<std::string> text = json_string_value(raw_id)) {
    return "s" + *text;
  }
  if (std::optional<std::int64_t> number = json_integer_value(raw_id)) {
    return "n" + std::to_string(*number);
  }
  return std::nullopt;
}

// The ids already in the output. A last line without its newline was cut
// short by a crash: it is dropped, so appending starts on a fresh line.
std::unordered_set<std::string> read_done_ids(const std::string& path) {
  std::unordered_set<std::string> done;
  std::ifstream in(path, std::ios::binary);
  if (!in) return done;
  std::string line;
  std::streamoff complete_bytes = 0;
  while (std::getline(in, line)) {
    if (in.eof()) break;  // no newline after it
    complete_bytes += static_cast<std::streamoff>(line.size()) + 1;
    std::string problem;
    const std::optional<JsonObject> object = parse_json_object(line, problem);
    const std::string* id = object ? object->find("id") : nullptr;
    if (!id) continue;
    if (std::optional<std::string> key = id_key(*id)) done.insert(*key);
  }
  if (!line.empty() && in.eof()) {
    in.close();
    std::cerr << "budgateway batch: " << path
              << ": dropped a partial last line (it will be done again)\n";
    if (truncate(path.c_str(), complete_bytes) != 0) {
      throw std::runtime_error("cannot truncate " + path);
    }
  }
  return done;
}

// One input line made into a request, or the reason it cannot be.
struct Item {
  std::size_t line = 0;
  std::string id_json;
  std::string key;
  bg::CompletionRequest request;
};

std::optional<Item> read_item(const std::string& text, std::size_t line,
                              const BatchFlags& flags, std::string& problem) {
  std::optional<JsonObject> object = parse_json_object(text, problem);
  if (!object) return std::nullopt;
  Item item;
  item.line = line;
  RequestFields fields = flags.fields;
  for (auto& [name, value] : object->members) {
    if (name == "id") {
      item.id_json = value;
    } else if (name == "stream") {
      problem = "\"stream\" is not a batch field";
      return std::nullopt;
    } else {
      fields.set(name, value);
    }
  }
  if (item.id_json.empty()) item.id_json = std::to_string(line);
  std::optional<std::string> key = id_key(item.id_json);
  if (!key) {
    problem = "the id must be a string or an integer";
    return std::nullopt;
  }
  item.key = std::move(*key);
  if (!fields.has("prompt")) {
    problem = "no \"prompt\"";
    return std::nullopt;
  }
  item.request.model = flags.model;
  if (const std::string* model = object->find("model")) {
    std::optional<std::string> name = json_string_value(*model);
    if (name) item.request.model = *name;
  }
  if (item.request.model.empty()) {
    problem = "no model: give -m MODEL or a \"model\" member";
    return std::nullopt;
  }
  item.request.extra_body = fields.object_text();
  return item;
}

std::string result_line(const std::string& id_json,
                        const bg::Result<bg::CompletionResponse>& result) {
  std::string line = "{\"id\":" + id_json;
  if (result) {
    if (!result->choices.empty()) {
      line += ",\"text\":";
      append_json_string(line, result->choices[0].text);
    }
    if (std::optional<std::string> raw = minified_json(result->raw_json())) {
      line += ",\"response\":" + *raw;
    }
  } else {
    const bg::Error& error = result.error();
    line += ",\"error\":{\"code\":";
    append_json_string(line, bg::to_string(error.code()));
    line += ",\"status\":" + std::to_string(error.http_status());
    line += ",\"message\":";
    append_json_string(line, error.message());
    line += ",\"type\":";
    append_json_string(line, error.type());
    line += ",\"request_id\":";
    append_json_string(line, error.request_id());
    line += '}';
  }
  line += "}\n";
  return line;
}

std::string duration_text(double seconds) {
  const auto total = static_cast<long long>(seconds + 0.5);
  char buffer[32];
  std::snprintf(buffer, sizeof buffer, "%lld:%02lld", total / kSecondsPerMinute,
                total % kSecondsPerMinute);
  return buffer;
}

// What the run has done; shared with the signal thread under `mutex`, which
// is also held while a result line is written, so an interrupt never cuts
// one in half.
struct Progress {
  std::mutex mutex;
  std::FILE* output = nullptr;
  std::string output_path;
  std::size_t total = 0;  // requests this run will send
  std::size_t done = 0;
  std::size_t failed = 0;
  std::size_t skipped = 0;  // already in the output
  std::size_t bad_lines = 0;
  std::optional<bg::Error> first_error;
  bool bar = false;
  Clock::time_point start = Clock::now();
  Clock::time_point last_draw;

  double elapsed() const {
    return std::chrono::duration<double>(Clock::now() - start).count();
  }

  void draw_bar() {
    const double seconds = elapsed();
    const double rate = seconds > 0 ? static_cast<double>(done) / seconds : 0;
    const double fraction =
        total == 0 ? 1.0
                   : static_cast<double>(done) / static_cast<double>(total);
    const auto filled = static_cast<std::size_t>(fraction * kBarWidth);
    const std::string eta =
        rate > 0 ? duration_text(static_cast<double>(total - done) / rate)
                 : "-";
    std::fprintf(stderr,
                 "\r%zu/%zu [%-*s] %3.0f%% %.1f/s %zu errors ETA %s\x1b[K",
                 done, total, kBarWidth, std::string(filled, '=').c_str(),
                 fraction * kPercent, rate, failed, eta.c_str());
    std::fflush(stderr);
    last_draw = Clock::now();
  }

  void print_summary(const char* how) const {
    const double seconds = elapsed();
    std::fprintf(
        stderr,
        "budgateway batch: %s: %zu succeeded, %zu failed, %zu skipped "
        "(already in %s), %zu bad lines; %.1f requests/s over %.1f "
        "s\n",
        how, done - failed, failed, skipped, output_path.c_str(), bad_lines,
        seconds > 0 ? static_cast<double>(done) / seconds : 0.0, seconds);
  }
};

Progress& progress() {
  static Progress instance;
  return instance;
}

// Waits for SIGINT or SIGTERM (blocked in every thread, so only it sees
// them), then stops the run between two result lines.
void watch_signals(sigset_t signals) {
  int signal_number = 0;
  sigwait(&signals, &signal_number);
  Progress& state = progress();
  std::lock_guard<std::mutex> lock(state.mutex);
  if (state.output) std::fflush(state.output);
  if (state.bar) std::fputc('\n', stderr);
  state.print_summary("interrupted");
  std::fprintf(stderr,
               "budgateway batch: run the same command again to do the "
               "rest\n");
  std::_Exit(kSignalExitBase + signal_number);
}

sigset_t block_stop_signals() {
  sigset_t signals;
  sigemptyset(&signals);
  sigaddset(&signals, SIGINT);
  sigaddset(&signals, SIGTERM);
  pthread_sigmask(SIG_BLOCK, &signals, nullptr);
  return signals;
}

bool in_shard(std::size_t line, const BatchFlags& flags) {
  return line >= flags.shard_index &&
         (line - flags.shard_index) % flags.shard_count == 0;
}

// First pass: reports bad lines, and finds the lines still to do.
std::vector<std::size_t> plan(const BatchFlags& flags,
                              const std::unordered_set<std::string>& done,
                              Progress& state) {
  std::ifstream in(flags.input, std::ios::binary);
  if (!in) throw std::runtime_error("cannot read " + flags.input);
  std::vector<std::size_t> todo;
  std::unordered_set<std::string> seen;
  std::string text;
  for (std::size_t line = 1; std::getline(in, text); ++line) {
    if (!in_shard(line, flags)) continue;
    if (text.find_first_not_of(" \t\r") == std::string::npos) continue;
    std::string problem;
    std::optional<Item> item = read_item(text, line, flags, problem);
    if (item && !seen.insert(item->key).second) {
      problem = "id " + item->id_json + " was already used above";
      item.reset();
    }
    if (!item) {
      std::cerr << "budgateway batch: " << flags.input << ":" << line << ": "
                << problem << " (skipped)\n";
      ++state.bad_lines;
      continue;
    }
    if (done.count(item->key) != 0) {
      ++state.skipped;
      continue;
    }
    todo.push_back(line);
  }
  return todo;
}

void on_result(const Item& item,
               const bg::Result<bg::CompletionResponse>& result) {
  const std::string line = result_line(item.id_json, result);
  Progress& state = progress();
  std::lock_guard<std::mutex> lock(state.mutex);
  std::fwrite(line.data(), 1, line.size(), state.output);
  std::fflush(state.output);
  ++state.done;
  if (!result) {
    ++state.failed;
    if (!state.first_error) state.first_error = result.error();
  }
  if (state.bar && Clock::now() - state.last_draw >= kProgressInterval) {
    state.draw_bar();
  }
}

// Second pass: sends the planned lines, a window at a time.
void run(const bg::Client& client, const BatchFlags& flags,
         const std::vector<std::size_t>& todo) {
  std::ifstream in(flags.input, std::ios::binary);
  if (!in) throw std::runtime_error("cannot read " + flags.input);
  std::string text;
  std::size_t line = 0;
  auto next_todo = todo.begin();
  while (next_todo != todo.end()) {
    std::vector<Item> items;
    while (next_todo != todo.end() && items.size() < kWindowLines) {
      while (line < *next_todo && std::getline(in, text)) ++line;
      std::string problem;
      std::optional<Item> item = read_item(text, line, flags, problem);
      if (item) items.push_back(std::move(*item));
      ++next_todo;
    }
    std::vector<bg::CompletionRequest> requests;
    requests.reserve(items.size());
    for (Item& item : items) requests.push_back(std::move(item.request));
    bg::BatchOptions options;
    options.max_concurrency = flags.concurrency;
    if (flags.rpm) options.max_requests_per_minute = *flags.rpm;
    options.on_result = [&items](std::size_t index,
                                 const bg::Result<bg::CompletionResponse>& r) {
      on_result(items[index], r);
    };
    // The results are already written, one by one, by on_result.
    static_cast<void>(client.complete_many(requests, options));
  }
}

}  // namespace

int batch_command(Args& args) {
  if (args.asks_for_help()) {
    std::cout << kHelp << kConnectionHelp << '\n' << kExitCodeHelp;
    return kExitOk;
  }
  const BatchFlags flags = parse_flags(args);
  // Blocked before the Client starts any thread, so all inherit the mask.
  const sigset_t signals = block_stop_signals();

  Progress& state = progress();
  state.output_path = flags.output;
  try {
    const std::unordered_set<std::string> done = read_done_ids(flags.output);
    const std::vector<std::size_t> todo = plan(flags, done, state);
    state.total = todo.size();
    state.output = std::fopen(flags.output.c_str(), "ab");
    if (!state.output) {
      std::cerr << "budgateway batch: cannot write " << flags.output << '\n';
      return kExitFailed;
    }
    state.bar = isatty(STDERR_FILENO) != 0;
    std::thread(watch_signals, signals).detach();
    state.start = Clock::now();

    bg::ClientOptions options = client_options(flags.connection, flags.model);
    options.max_connections = std::max(kDefaultConnections, flags.concurrency);
    const bg::Client client(options);
    run(client, flags, todo);
  } catch (const std::runtime_error& error) {
    std::cerr << "budgateway batch: " << error.what() << '\n';
    return kExitFailed;
  }

  std::lock_guard<std::mutex> lock(state.mutex);
  if (state.bar) {
    state.draw_bar();
    std::fputc('\n', stderr);
  }
  state.print_summary("done");
  std::fclose(state.output);
  state.output = nullptr;
  if (state.failed > 0 && state.failed == state.done) {
    return exit_code_for(*state.first_error);
  }
  return state.failed > 0 || state.bad_lines > 0 ? kExitFailed : kExitOk;
}

}  // namespace budgateway_cli
