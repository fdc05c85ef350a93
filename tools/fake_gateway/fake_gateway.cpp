// fake_gateway: a local HTTP server that answers like the Bud gateway's
// /v1/completions (docs/gateway.md), with scenarios chosen per request by
// x-fake-* headers. See README.md. It shares no code with the SDK, so that
// one cannot hide the other's bug.
#include <httplib.h>
#include <pthread.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <unistd.h>

#include <array>
#include <cerrno>
#include <charconv>
#include <chrono>
#include <csignal>
#include <cstdlib>
#include <filesystem>
#include <future>
#include <iostream>
#include <optional>
#include <string>
#include <string_view>
#include <system_error>
#include <thread>

#include "elastic_pool.hpp"
#include "gateway_service.hpp"
#include "http_server.hpp"
#include "stop_signal.hpp"

namespace fake_gateway {
namespace {

constexpr const char* kHost = "127.0.0.1";
constexpr std::size_t kDefaultMaxThreads = 2048;
// httplib listens with a backlog of 5; a burst of a thousand connects needs
// room or the kernel drops SYNs and clients stall for a second.
constexpr int kListenBacklog = 4096;
constexpr std::size_t kThreadStackBytes = std::size_t{1} << 20;
constexpr std::size_t kKeepAliveMaxRequests = 1'000'000;
// Idle connections cost nothing while they wait (see http_server.hpp), and a
// loaded client may take seconds to send its first request.
constexpr std::chrono::seconds kKeepAliveTimeout{30};
constexpr std::chrono::seconds kReadTimeout{30};
constexpr std::chrono::seconds kWriteTimeout{60};
// A worker still blocked writing to a client that stopped reading does not
// delay the exit.
constexpr std::chrono::seconds kShutdownGrace{2};
constexpr int kMaxPort = 65535;
constexpr std::size_t kStdinBufferSize = 256;
constexpr int kUsageError = 2;

constexpr std::string_view kUsage =
    "usage: budgateway-fake-gateway [--port N] [--host 127.0.0.1]\n"
    "         [--threads N] [--api-key KEY] [--limit-rps R] [--limit-burst B]\n"
    "         [--max-body-bytes N] [--fixtures DIR] [--exit-on-stdin-eof]\n"
    "\n"
    "A local server that answers POST /v1/completions like the Bud gateway,\n"
    "for tests. --port 0 (the default) takes a free port. Once it accepts\n"
    "connections it prints the port, alone, as the first line of stdout, and\n"
    "serves until SIGTERM or SIGINT (or stdin EOF with --exit-on-stdin-eof).\n"
    "\n"
    "A request picks its behaviour with the x-fake-scenario header:\n";

constexpr std::string_view kUsageTail =
    "\n"
    "Other x-fake-* headers tune them (x-fake-delay-ms, x-fake-status,\n"
    "x-fake-error-shape, x-fake-chunk-delay-ms, ...): see fake-gateway.md,\n"
    "installed beside budgateway's README (share/doc/budgateway).\n";

// One line per scenario for --help; the full story is in README.md.
struct ScenarioSummary {
  std::string_view name;
  std::string_view summary;
};

constexpr ScenarioSummary kScenarioSummaries[] = {
    {"ok", "a completion built from the prompt's words (the default)"},
    {"echo", "as ok, plus the request as received"},
    {"error", "an error; x-fake-error-shape and x-fake-status choose it"},
    {"fail_then_ok", "x-fake-fail-count errors per request id, then ok"},
    {"slow", "as ok after x-fake-delay-ms (default 1000)"},
    {"truncated", "half of the announced body, then the connection closes"},
    {"not_json", "200 text/plain that is not JSON"},
    {"no_choices", "200 JSON without choices"},
    {"chat_logprobs", "as ok with chat-style logprobs"},
    {"unknown_finish_reason", "as ok with finish_reason \"eos_token\""},
    {"rate_limit_headers", "as ok with X-RateLimit-* headers"},
    {"gzip", "as ok, gzip-compressed when Accept-Encoding allows"},
    {"limited", "a token bucket (--limit-rps, --limit-burst); 429 beyond it"},
    {"no_request_id_echo", "as ok without echoing x-request-id"},
    {"fixture", "the file x-fake-fixture names under --fixtures"},
    {"stream_done_only", "a stream of only [DONE]"},
    {"stream_no_done", "a stream that ends without [DONE]"},
    {"stream_cut", "a stream cut off mid-event"},
    {"stream_error_event", "2 chunks, then an `event: error`"},
    {"stream_error_data", "2 chunks, then a data payload with an error"},
    {"stream_error_field", "2 chunks, then llama.cpp's `error:` field"},
    {"stream_odd", "every event framed differently (CR, CRLF, split data)"},
    {"stream_done_prefix", "a stream ending in `[DONE]garbage`"},
    {"stream_idle", "one chunk, then only keep-alives for x-fake-idle-ms"},
    {"stream_big_event", "a first event of x-fake-event-bytes (1 MiB)"},
};

std::string_view summary_of(std::string_view scenario) {
  for (const ScenarioSummary& entry : kScenarioSummaries) {
    if (entry.name == scenario) return entry.summary;
  }
  return "see fake-gateway.md";
}

// The usage text, listing every scenario the service knows.
std::string usage() {
  constexpr std::size_t kNameColumn = 24;
  std::string text(kUsage);
  for (const std::string_view name : scenario_names()) {
    text += "  ";
    text += name;
    text.append(name.size() < kNameColumn ? kNameColumn - name.size() : 1, ' ');
    text += summary_of(name);
    text += '\n';
  }
  text += kUsageTail;
  return text;
}

struct CliOptions {
  int port = 0;
  std::size_t max_threads = kDefaultMaxThreads;
  bool exit_on_stdin_eof = false;
  ServiceOptions service;
};

template <typename Number>
bool parse_number(std::string_view text, Number& out) {
  const char* end = text.data() + text.size();
  const std::from_chars_result result = std::from_chars(text.data(), end, out);
  return result.ec == std::errc() && result.ptr == end;
}

bool parse_rate(const std::string& text, double& out) {
  char* end = nullptr;
  out = std::strtod(text.c_str(), &end);
  return !text.empty() && end == text.c_str() + text.size() && out > 0.0;
}

constexpr std::string_view kValueFlags[] = {
    "--port",      "--host",        "--threads",        "--api-key",
    "--limit-rps", "--limit-burst", "--max-body-bytes", "--fixtures"};

bool takes_value(std::string_view flag) {
  for (const std::string_view known : kValueFlags) {
    if (flag == known) return true;
  }
  return false;
}

// The options, or a message saying what is wrong with them.
std::optional<CliOptions> parse_cli(int argc, char** argv,
                                    std::string& problem) {
  CliOptions cli;
  for (int i = 1; i < argc; ++i) {
    const std::string_view flag = argv[i];
    if (flag == "--exit-on-stdin-eof") {
      cli.exit_on_stdin_eof = true;
      continue;
    }
    if (flag == "--help") {
      problem = "";
      return std::nullopt;
    }
    if (!takes_value(flag)) {
      problem = "unknown option " + std::string(flag);
      return std::nullopt;
    }
    if (i + 1 >= argc) {
      problem = std::string(flag) + " needs a value";
      return std::nullopt;
    }
    const std::string value = argv[++i];
    bool valid = false;
    if (flag == "--port") {
      valid = parse_number(value, cli.port) && cli.port >= 0 &&
              cli.port <= kMaxPort;
    } else if (flag == "--host") {
      valid = value == kHost || value == "localhost";
    } else if (flag == "--threads") {
      valid = parse_number(value, cli.max_threads) && cli.max_threads > 0;
    } else if (flag == "--api-key") {
      cli.service.api_key = value;
      valid = !value.empty();
    } else if (flag == "--limit-rps") {
      valid = parse_rate(value, cli.service.limit_rps);
    } else if (flag == "--fixtures") {
      cli.service.fixtures_dir = value;
      std::error_code error;
      valid = std::filesystem::is_directory(value, error);
    } else if (flag == "--limit-burst") {
      valid = parse_number(value, cli.service.limit_burst) &&
              cli.service.limit_burst > 0;
    } else {
      valid = parse_number(value, cli.service.max_body_bytes);
    }
    if (!valid) {
      problem = "bad value for " + std::string(flag) + ": " + value +
                (flag == "--host" ? " (only 127.0.0.1 is served)" : "");
      return std::nullopt;
    }
  }
  return cli;
}

sigset_t stop_signals() {
  sigset_t signals;
  sigemptyset(&signals);
  sigaddset(&signals, SIGTERM);
  sigaddset(&signals, SIGINT);
  return signals;
}

// Many connections need many descriptors; take all the hard limit allows.
void raise_descriptor_limit() {
  rlimit limit{};
  if (getrlimit(RLIMIT_NOFILE, &limit) == 0 &&
      limit.rlim_cur < limit.rlim_max) {
    limit.rlim_cur = limit.rlim_max;
    setrlimit(RLIMIT_NOFILE, &limit);
  }
}

// Thousands of workers with the default 8 MiB stacks would reserve tens of
// GiB of address space; handlers here need little stack.
void shrink_thread_stacks() {
  pthread_attr_t attributes;
  pthread_attr_init(&attributes);
  pthread_attr_setstacksize(&attributes, kThreadStackBytes);
  pthread_setattr_default_np(&attributes);
  pthread_attr_destroy(&attributes);
}

void configure(HttpServer& server, const CliOptions& cli, int& listen_socket) {
  const std::size_t max_threads = cli.max_threads;
  server.new_task_queue = [max_threads] {
    return new ElasticPool(max_threads);
  };
  server.set_socket_options([&listen_socket](socket_t socket) {
    const int enable = 1;
    setsockopt(socket, SOL_SOCKET, SO_REUSEADDR, &enable, sizeof(enable));
    listen_socket = socket;
  });
  server.set_tcp_nodelay(true);
  server.set_keep_alive_max_count(kKeepAliveMaxRequests);
  server.set_keep_alive_timeout(kKeepAliveTimeout.count());
  server.set_read_timeout(kReadTimeout);
  server.set_write_timeout(kWriteTimeout);
}

void watch_stdin() {
  std::array<char, kStdinBufferSize> buffer{};
  for (;;) {
    const ssize_t got = read(STDIN_FILENO, buffer.data(), buffer.size());
    if (got == 0 || (got < 0 && errno != EINTR)) break;
  }
  kill(getpid(), SIGTERM);
}

int run(const CliOptions& cli) {
  // Blocked before any thread starts, so every thread inherits the mask and
  // only the waiter below ever sees these signals.
  const sigset_t signals = stop_signals();
  pthread_sigmask(SIG_BLOCK, &signals, nullptr);
  std::signal(SIGPIPE, SIG_IGN);
  raise_descriptor_limit();
  shrink_thread_stacks();

  StopSignal stop;
  GatewayService service(cli.service, stop);
  HttpServer server;
  int listen_socket = -1;
  configure(server, cli, listen_socket);
  service.install(server);
  service.count_connections_with([&server] { return server.connections(); });

  const int port = cli.port == 0 ? server.bind_to_any_port(kHost)
                   : server.bind_to_port(kHost, cli.port) ? cli.port
                                                          : -1;
  if (port <= 0) {
    std::cerr << "budgateway-fake-gateway: cannot bind " << kHost << ":"
              << cli.port << "\n";
    return 1;
  }
  listen(listen_socket, kListenBacklog);
  // The first line of stdout is the port alone: what scripts read.
  std::cout << port << std::endl;

  std::promise<void> served;
  std::future<void> served_future = served.get_future();
  std::thread waiter([&] {
    int signal_number = 0;
    sigwait(&signals, &signal_number);
    stop.request();
    server.stop_all();
    if (served_future.wait_for(kShutdownGrace) == std::future_status::timeout) {
      std::_Exit(0);
    }
  });
  if (cli.exit_on_stdin_eof) std::thread(watch_stdin).detach();

  server.listen_after_bind();
  const bool stopped = stop.requested();
  if (!stopped) kill(getpid(), SIGTERM);
  served.set_value();
  waiter.join();
  if (!stopped) {
    std::cerr << "budgateway-fake-gateway: the server stopped by itself\n";
  }
  return stopped ? 0 : 1;
}

}  // namespace
}  // namespace fake_gateway

int main(int argc, char** argv) {
  std::string problem;
  const std::optional<fake_gateway::CliOptions> cli =
      fake_gateway::parse_cli(argc, argv, problem);
  if (!cli) {
    if (problem.empty()) {
      std::cout << fake_gateway::usage();
      return 0;
    }
    std::cerr << "budgateway-fake-gateway: " << problem << "\n"
              << fake_gateway::usage();
    return fake_gateway::kUsageError;
  }
  return fake_gateway::run(*cli);
}
