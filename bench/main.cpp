// Copyright 2026 The budgateway Authors. SPDX-License-Identifier: Apache-2.0
// The SDK measured beside raw libcurl in one run: each figure alternates the
// sides for a few rounds in this process, checks they read the same bytes,
// and reports medians and the ratio SDK/raw. Figures 1-5 have two raw sides:
// the plain one (two header lines, the floor) and one sending the SDK's
// header lines (Wire::SameAsSdk), whose ratio is what the SDK itself adds.
//
// usage:
//   bench_budgateway gen DIR
//       writes the canned answers start-nginx.sh serves
//   bench_budgateway run BASE [--rounds N] [--scale X] [--only DIGITS]
//                             [--dat FILE] [--server-cpu N --client-cpu M]
//       every figure against BASE (http://127.0.0.1:PORT); prints the table.
//       With the CPU nginx is pinned to (N) and another (M), figures of one
//       connection run on N beside nginx and figures of many run on M.
//   bench_budgateway rss raw|raw-wire|sdk BASE REQUESTS CONCURRENCY
//       one side of figure 5, alone in its process; prints its peak RSS
//   bench_budgateway one WHAT BASE COUNT
//       one run of one side, for a profiler; WHAT is SIDE-RUN, SIDE one of
//       raw, wire (raw with the SDK's header lines) and sdk, RUN one of
//       many, seq, big and stream
#include <sched.h>
#include <sys/resource.h>

#include <algorithm>
#include <array>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <functional>
#include <iostream>
#include <string>
#include <vector>

#include "bench.hpp"

namespace bench {
namespace {

namespace bg = budgateway;

constexpr std::string_view kSmallPath = "/small/v1";
constexpr std::string_view kBigPath = "/big/v1";
constexpr std::string_view kStreamPath = "/stream/v1";

constexpr int kDefaultRounds = 5;
constexpr int kSweepRounds = 3;
constexpr int kRssRounds = 3;
constexpr std::size_t kBatchRequests = 20000;
constexpr std::size_t kBatchConcurrency = 64;
constexpr std::size_t kSequentialRequests = 5000;
/// One stream is 20,001 chunks, a few milliseconds: each sample reads it
/// this many times so timer and scheduler noise stay small.
constexpr std::size_t kStreamRepeats = 10;
constexpr std::size_t kBigRequests = 200;
constexpr std::size_t kRssRequests = 5000;
constexpr std::size_t kRssConcurrency = 1000;
constexpr std::size_t kSweepRequests = 3000;
constexpr std::array<std::size_t, 9> kSweepConcurrency = {1,  2,  4,   8,  16,
                                                          32, 64, 128, 256};
/// Untimed work before the first round of a figure: connections opened,
/// allocator and caches warm, on both sides alike.
constexpr std::size_t kWarmupDivisor = 10;

constexpr double kBatchTarget = 0.90;
constexpr double kSequentialTarget = 0.90;
constexpr double kStreamTarget = 0.80;
constexpr double kBigTarget = 0.80;
constexpr double kRssTarget = 1.3;

constexpr double kKilo = 1000.0;
constexpr double kMega = 1e6;
/// Below this a value is printed whole ("9358.5 req/s"), above in k or M.
constexpr double kShortFormFrom = 1e4;
constexpr std::size_t kFormatBufferBytes = 64;
constexpr double kKibPerMib = 1024.0;

struct Settings {
  std::string base;
  int rounds = kDefaultRounds;
  double scale = 1.0;
  std::string only;
  std::string dat_file;
  /// Negative: the scheduler places everything.
  int server_cpu = -1;
  int client_cpu = -1;
};

/// Where a figure runs. Left to itself the scheduler sometimes puts the
/// bench beside nginx and sometimes not, and one request costs 2.5x more
/// across cores (a wake-up on the other core) than on one: pinning makes
/// the rounds comparable.
enum class Placement {
  /// One connection, request after request: on nginx's CPU, so each
  /// request costs the CPU time of both ends and no cross-core wake-up.
  BesideServer,
  /// Many connections: a core of its own, nginx on the other.
  OwnCore,
};

void place(const Settings& settings, Placement placement) {
  const int cpu = placement == Placement::BesideServer ? settings.server_cpu
                                                       : settings.client_cpu;
  if (cpu < 0) return;
  cpu_set_t set;
  CPU_ZERO(&set);
  CPU_SET(static_cast<std::size_t>(cpu), &set);
  if (sched_setaffinity(0, sizeof(set), &set) != 0) {
    std::perror("sched_setaffinity");
  }
}

struct Figure {
  std::string name;
  std::string unit;
  double target = 0;
  /// RSS: the SDK should stay under target x raw.
  bool lower_is_better = false;
  std::vector<double> raw;
  std::vector<double> sdk;
  /// SDK/raw of each round, the two runs of a round back to back: the
  /// machine's load drifts less within a round than across rounds.
  std::vector<double> ratios;
  /// The raw side sending the SDK's header lines, when the figure has one,
  /// and SDK/that side of each round (also back to back).
  std::vector<double> wire;
  std::vector<double> wire_ratios;
  bool valid = true;
};

Figure make_figure(std::string name, std::string unit, double target,
                   bool lower_is_better = false) {
  Figure figure;
  figure.name = std::move(name);
  figure.unit = std::move(unit);
  figure.target = target;
  figure.lower_is_better = lower_is_better;
  return figure;
}

double median(std::vector<double> values) {
  if (values.empty()) return 0;
  std::sort(values.begin(), values.end());
  const std::size_t middle = values.size() / 2;
  return values.size() % 2 == 1 ? values[middle]
                                : (values[middle - 1] + values[middle]) / 2;
}

double ratio(const Figure& figure) { return median(figure.ratios); }

void add_round(Figure& figure, double raw, double sdk) {
  figure.raw.push_back(raw);
  figure.sdk.push_back(sdk);
  figure.ratios.push_back(raw > 0 ? sdk / raw : 0);
}

/// After add_round: the same round's wire-equal raw side.
void add_wire_round(Figure& figure, double wire) {
  const double sdk = figure.sdk.back();
  figure.wire.push_back(wire);
  figure.wire_ratios.push_back(wire > 0 ? sdk / wire : 0);
}

bool met(const Figure& figure, const std::vector<double>& ratios) {
  const double value = median(ratios);
  return figure.valid && (figure.lower_is_better ? value <= figure.target
                                                 : value >= figure.target);
}

std::string format_value(double value, const std::string& unit) {
  std::array<char, kFormatBufferBytes> buffer{};
  if (value >= kMega) {
    std::snprintf(buffer.data(), buffer.size(), "%.2fM %s", value / kMega,
                  unit.c_str());
  } else if (value >= kShortFormFrom) {
    std::snprintf(buffer.data(), buffer.size(), "%.1fk %s", value / kKilo,
                  unit.c_str());
  } else {
    std::snprintf(buffer.data(), buffer.size(), "%.1f %s", value, unit.c_str());
  }
  return buffer.data();
}

std::size_t scaled(std::size_t count, const Settings& settings) {
  const auto value = static_cast<double>(count) * settings.scale;
  return std::max<std::size_t>(1,
                               static_cast<std::size_t>(std::llround(value)));
}

/// Both sides must have read everything, and the same things.
bool same_work(const std::string& name, const RunResult& raw,
               const RunResult& sdk) {
  bool ok = true;
  if (!raw.complete()) {
    std::cerr << name << ": raw read " << raw.ok << "/" << raw.expected << " "
              << raw.first_error << '\n';
    ok = false;
  }
  if (!sdk.complete()) {
    std::cerr << name << ": SDK read " << sdk.ok << "/" << sdk.expected << " "
              << sdk.first_error << '\n';
    ok = false;
  }
  // The same doubles summed in the same order: equal to the last bit.
  if (raw.checksum != sdk.checksum || raw.value_sum != sdk.value_sum) {
    std::cerr << name << ": the sides read different data (checksum "
              << raw.checksum << " vs " << sdk.checksum << ", sum "
              << raw.value_sum << " vs " << sdk.value_sum << ")\n";
    ok = false;
  }
  return ok;
}

using Runner = std::function<RunResult(std::size_t count)>;

/// Warms every side, then alternates which goes first each round so that
/// none always runs on a cooler (or hotter) machine. With a wire-equal raw
/// side (`wire` not empty) the SDK runs between the two raw sides, raw
/// first in even rounds and wire first in odd ones, so each ratio compares
/// two runs back to back.
void alternate(Figure& figure, int rounds, std::size_t count, const Runner& raw,
               const Runner& sdk, const Runner& wire = nullptr) {
  const std::string wire_name = figure.name + " (raw with the SDK's headers)";
  const std::size_t warmup = std::max<std::size_t>(1, count / kWarmupDivisor);
  const RunResult sdk_warm = sdk(warmup);
  figure.valid &= same_work(figure.name + " (warm-up)", raw(warmup), sdk_warm);
  if (wire) {
    figure.valid &= same_work(wire_name + " (warm-up)", wire(warmup), sdk_warm);
  }
  for (int round = 0; round < rounds; ++round) {
    RunResult raw_result;
    RunResult sdk_result;
    RunResult wire_result;
    if (wire) {
      const Runner& first = round % 2 == 0 ? raw : wire;
      const Runner& last = round % 2 == 0 ? wire : raw;
      RunResult& first_result = round % 2 == 0 ? raw_result : wire_result;
      RunResult& last_result = round % 2 == 0 ? wire_result : raw_result;
      first_result = first(count);
      sdk_result = sdk(count);
      last_result = last(count);
    } else if (round % 2 == 0) {
      raw_result = raw(count);
      sdk_result = sdk(count);
    } else {
      sdk_result = sdk(count);
      raw_result = raw(count);
    }
    figure.valid &= same_work(figure.name, raw_result, sdk_result);
    add_round(figure, raw_result.rate(), sdk_result.rate());
    std::cerr << "  " << figure.name << " round " << round + 1 << ": raw "
              << format_value(raw_result.rate(), figure.unit) << ", SDK "
              << format_value(sdk_result.rate(), figure.unit);
    if (wire) {
      figure.valid &= same_work(wire_name, wire_result, sdk_result);
      add_wire_round(figure, wire_result.rate());
      std::cerr << ", raw with the SDK's headers "
                << format_value(wire_result.rate(), figure.unit);
    }
    std::cerr << '\n';
  }
}

bg::Client make_client(const std::string& base, std::string_view path,
                       std::size_t max_connections) {
  bg::ClientOptions options;
  options.base_url = base + std::string(path);
  options.api_key = std::string(kApiKey);
  options.max_connections = max_connections;
  return bg::Client(std::move(options));
}

std::string raw_url(const std::string& base, std::string_view path) {
  return base + std::string(path) + std::string(kCompletionsPath);
}

Figure batch_figure(const Settings& settings) {
  Figure figure =
      make_figure("1. complete_many, 20k small, C=64", "req/s", kBatchTarget);
  RawMulti raw(raw_url(settings.base, kSmallPath), small_request_json(),
               kBatchConcurrency);
  RawMulti wire(raw_url(settings.base, kSmallPath), small_request_json(),
                kBatchConcurrency, Wire::SameAsSdk);
  const auto client = make_client(settings.base, kSmallPath, kBatchConcurrency);
  const std::vector<bg::CompletionRequest> requests(
      scaled(kBatchRequests, settings), small_request());
  alternate(
      figure, settings.rounds, requests.size(),
      [&](std::size_t count) { return raw.run(count); },
      [&](std::size_t count) {
        if (count == requests.size()) {
          return sdk_many(client, requests, kBatchConcurrency);
        }
        const std::vector<bg::CompletionRequest> some(count, small_request());
        return sdk_many(client, some, kBatchConcurrency);
      },
      [&](std::size_t count) { return wire.run(count); });
  return figure;
}

Figure sequential_figure(const Settings& settings) {
  Figure figure = make_figure("2. sequential complete(), 5k small", "req/s",
                              kSequentialTarget);
  RawEasy raw(raw_url(settings.base, kSmallPath), small_request_json());
  RawEasy wire(raw_url(settings.base, kSmallPath), small_request_json(),
               Wire::SameAsSdk);
  const auto client = make_client(settings.base, kSmallPath, 1);
  const auto request = small_request();
  alternate(
      figure, settings.rounds, scaled(kSequentialRequests, settings),
      [&](std::size_t count) { return raw.run_small(count); },
      [&](std::size_t count) { return sdk_sequential(client, request, count); },
      [&](std::size_t count) { return wire.run_small(count); });
  return figure;
}

Figure stream_figure(const Settings& settings) {
  Figure figure =
      make_figure("3. stream, 20,001 chunks", "chunks/s", kStreamTarget);
  RawEasy raw(raw_url(settings.base, kStreamPath), stream_request_json());
  RawEasy wire(raw_url(settings.base, kStreamPath), stream_request_json(),
               Wire::SameAsSdk);
  const auto client = make_client(settings.base, kStreamPath, 1);
  const auto request = stream_request();
  alternate(
      figure, settings.rounds, scaled(kStreamRepeats, settings),
      [&](std::size_t count) { return raw.run_stream(count); },
      [&](std::size_t count) { return sdk_stream(client, request, count); },
      [&](std::size_t count) { return wire.run_stream(count); });
  return figure;
}

Figure big_figure(const Settings& settings) {
  Figure figure =
      make_figure("4. 160 KB logprobs complete()", "resp/s", kBigTarget);
  RawEasy raw(raw_url(settings.base, kBigPath), big_request_json());
  RawEasy wire(raw_url(settings.base, kBigPath), big_request_json(),
               Wire::SameAsSdk);
  const auto client = make_client(settings.base, kBigPath, 1);
  const auto request = big_request();
  alternate(
      figure, settings.rounds, scaled(kBigRequests, settings),
      [&](std::size_t count) { return raw.run_big(count); },
      [&](std::size_t count) { return sdk_big(client, request, count); },
      [&](std::size_t count) { return wire.run_big(count); });
  return figure;
}

/// The peak resident set of this process (VmHWM), in KiB. Unlike
/// ru_maxrss it belongs to the address space itself, so a child spawned
/// from a large parent does not start from the parent's peak.
long peak_rss_kib() {
  std::ifstream status("/proc/self/status");
  std::string line;
  constexpr std::string_view kKey = "VmHWM:";
  while (std::getline(status, line)) {
    if (line.compare(0, kKey.size(), kKey) == 0) {
      return std::atol(line.c_str() + kKey.size());
    }
  }
  rusage usage{};
  getrusage(RUSAGE_SELF, &usage);
  return usage.ru_maxrss;
}

int rss_child(const std::string& side, const std::string& base,
              std::size_t total, std::size_t concurrency) {
  RunResult result;
  if (side == "raw" || side == "raw-wire") {
    RawMulti raw(raw_url(base, kSmallPath), small_request_json(), concurrency,
                 side == "raw" ? Wire::Plain : Wire::SameAsSdk);
    result = raw.run(total);
  } else {
    const auto client = make_client(base, kSmallPath, concurrency);
    const std::vector<bg::CompletionRequest> requests(total, small_request());
    result = sdk_many(client, requests, concurrency);
  }
  std::printf("peak_rss_kib=%ld ok=%zu checksum=%llu seconds=%.3f\n",
              peak_rss_kib(), result.ok,
              static_cast<unsigned long long>(result.checksum), result.seconds);
  if (!result.complete())
    std::fprintf(stderr, "%s\n", result.first_error.c_str());
  return result.complete() ? 0 : 1;
}

struct ChildReport {
  long peak_rss_kib = -1;
  std::size_t ok = 0;
  unsigned long long checksum = 0;
};

ChildReport run_rss_child(const std::string& side, const Settings& settings,
                          std::size_t total) {
  const std::string self = std::filesystem::read_symlink("/proc/self/exe");
  const std::string command = "'" + self + "' rss " + side + " '" +
                              settings.base + "' " + std::to_string(total) +
                              " " + std::to_string(kRssConcurrency);
  ChildReport report;
  FILE* pipe = popen(command.c_str(), "r");
  if (pipe == nullptr) return report;
  double seconds = 0;
  if (std::fscanf(pipe, "peak_rss_kib=%ld ok=%zu checksum=%llu seconds=%lf",
                  &report.peak_rss_kib, &report.ok, &report.checksum,
                  &seconds) != 4) {
    report.peak_rss_kib = -1;
  }
  if (pclose(pipe) != 0) report.peak_rss_kib = -1;
  return report;
}

Figure rss_figure(const Settings& settings) {
  Figure figure = make_figure("5. peak RSS, 1000 in flight (5k req)", "MiB",
                              kRssTarget, /*lower_is_better=*/true);
  const std::size_t total = scaled(kRssRequests, settings);
  for (int round = 0; round < kRssRounds; ++round) {
    // The SDK between the two raw sides, as alternate() runs them.
    const bool raw_first = round % 2 == 0;
    const auto first =
        run_rss_child(raw_first ? "raw" : "raw-wire", settings, total);
    const auto sdk = run_rss_child("sdk", settings, total);
    const auto last =
        run_rss_child(raw_first ? "raw-wire" : "raw", settings, total);
    const auto& raw = raw_first ? first : last;
    const auto& wire = raw_first ? last : first;
    for (const ChildReport* side : {&raw, &wire}) {
      if (side->peak_rss_kib < 0 || sdk.peak_rss_kib < 0 || side->ok != total ||
          sdk.ok != total || side->checksum != sdk.checksum) {
        std::cerr << figure.name << ": a child failed or read different data\n";
        figure.valid = false;
      }
    }
    add_round(figure, static_cast<double>(raw.peak_rss_kib) / kKibPerMib,
              static_cast<double>(sdk.peak_rss_kib) / kKibPerMib);
    add_wire_round(figure, static_cast<double>(wire.peak_rss_kib) / kKibPerMib);
    std::cerr << "  " << figure.name << " round " << round + 1 << ": raw "
              << figure.raw.back() << " MiB, SDK " << figure.sdk.back()
              << " MiB, raw with the SDK's headers " << figure.wire.back()
              << " MiB\n";
  }
  return figure;
}

void sweep(const Settings& settings, std::vector<Figure>& rows) {
  const auto client =
      make_client(settings.base, kSmallPath, kSweepConcurrency.back());
  const std::vector<bg::CompletionRequest> requests(
      scaled(kSweepRequests, settings), small_request());
  for (const std::size_t concurrency : kSweepConcurrency) {
    Figure figure =
        make_figure("6. sweep C=" + std::to_string(concurrency), "req/s", 0);
    RawMulti raw(raw_url(settings.base, kSmallPath), small_request_json(),
                 concurrency);
    alternate(
        figure, std::min(settings.rounds, kSweepRounds), requests.size(),
        [&](std::size_t count) { return raw.run(count); },
        [&](std::size_t count) {
          if (count == requests.size()) {
            return sdk_many(client, requests, concurrency);
          }
          const std::vector<bg::CompletionRequest> some(count, small_request());
          return sdk_many(client, some, concurrency);
        });
    rows.push_back(std::move(figure));
  }
  if (settings.dat_file.empty()) return;
  std::ofstream dat(settings.dat_file, std::ios::trunc);
  dat << "# concurrency raw_req_per_s sdk_req_per_s (medians of "
      << std::min(settings.rounds, kSweepRounds) << " rounds, "
      << requests.size() << " requests each)\n";
  for (std::size_t i = 0; i < rows.size(); ++i) {
    dat << kSweepConcurrency[i] << ' ' << std::llround(median(rows[i].raw))
        << ' ' << std::llround(median(rows[i].sdk)) << '\n';
  }
  std::cerr << "wrote " << settings.dat_file << '\n';
}

/// One row: `raw` is either raw side, `ratios` SDK over it.
void print_row(const Figure& figure, const std::string& name,
               const std::vector<double>& raw,
               const std::vector<double>& ratios) {
  const auto [low, high] = std::minmax_element(ratios.begin(), ratios.end());
  std::printf("| %s | %s | %s | %.2f | %.2f-%.2f | %s %.2f | %s |\n",
              name.c_str(), format_value(median(raw), figure.unit).c_str(),
              format_value(median(figure.sdk), figure.unit).c_str(),
              median(ratios), ratios.empty() ? 0 : *low,
              ratios.empty() ? 0 : *high,
              figure.lower_is_better ? "<=" : ">=", figure.target,
              !figure.valid         ? "INVALID"
              : met(figure, ratios) ? "yes"
                                    : "no");
}

void print_table(const std::vector<Figure>& figures) {
  std::printf(
      "| figure | raw | SDK | SDK/raw | rounds' SDK/raw | target | met |\n");
  std::printf("|---|---:|---:|---:|---:|---:|---|\n");
  for (const auto& figure : figures) {
    print_row(figure, figure.name, figure.raw, figure.ratios);
    if (figure.wire.empty()) continue;
    // "1. complete_many ..." -> "1w. same, raw with the SDK's headers"
    const std::string number = figure.name.substr(0, figure.name.find('.'));
    print_row(figure, number + "w. same, raw with the SDK's headers",
              figure.wire, figure.wire_ratios);
  }
  std::printf(
      "\nraw, SDK: medians of the rounds; SDK/raw: median of each round's "
      "ratio.\nNw rows: the raw side sends the SDK's header lines "
      "(User-Agent, Accept,\nAccept-Encoding: gzip, a fresh x-request-id): "
      "SDK/raw is what the SDK itself adds.\n");
}

void print_sweep(const std::vector<Figure>& rows) {
  std::printf("\n| concurrency | raw req/s | SDK req/s | SDK/raw |\n");
  std::printf("|---:|---:|---:|---:|\n");
  for (std::size_t i = 0; i < rows.size(); ++i) {
    std::printf("| %zu | %.0f | %.0f | %.2f |%s\n", kSweepConcurrency[i],
                median(rows[i].raw), median(rows[i].sdk), ratio(rows[i]),
                rows[i].valid ? "" : " INVALID");
  }
}

bool wanted(const Settings& settings, char figure) {
  return settings.only.empty() ||
         settings.only.find(figure) != std::string::npos;
}

int run_all(const Settings& settings) {
  std::vector<Figure> figures;
  std::vector<Figure> sweep_rows;
  struct Step {
    char digit;
    Placement placement;
    std::function<Figure(const Settings&)> run;
  };
  const std::vector<Step> steps = {
      {'1', Placement::OwnCore, batch_figure},
      {'2', Placement::BesideServer, sequential_figure},
      {'3', Placement::BesideServer, stream_figure},
      {'4', Placement::BesideServer, big_figure},
      {'5', Placement::OwnCore, rss_figure}};
  for (const auto& step : steps) {
    if (!wanted(settings, step.digit)) continue;
    std::cerr << "figure " << step.digit << "...\n";
    place(settings, step.placement);
    figures.push_back(step.run(settings));
  }
  if (wanted(settings, '6')) {
    std::cerr << "figure 6 (sweep)...\n";
    place(settings, Placement::OwnCore);
    sweep(settings, sweep_rows);
  }
  print_table(figures);
  if (!sweep_rows.empty()) print_sweep(sweep_rows);
  const auto invalid = [](const Figure& f) { return !f.valid; };
  return std::any_of(figures.begin(), figures.end(), invalid) ||
                 std::any_of(sweep_rows.begin(), sweep_rows.end(), invalid)
             ? 1
             : 0;
}

int run_one(const std::string& what, const std::string& base,
            std::size_t count) {
  RunResult result;
  // raw-RUN and wire-RUN: the two raw sides.
  const bool raw = what.rfind("raw-", 0) == 0 || what.rfind("wire-", 0) == 0;
  const Wire wire = what.rfind("wire-", 0) == 0 ? Wire::SameAsSdk : Wire::Plain;
  const std::string run = what.substr(what.find('-') + 1);
  if (raw && run == "many") {
    result = RawMulti(raw_url(base, kSmallPath), small_request_json(),
                      kBatchConcurrency, wire)
                 .run(count);
  } else if (what == "sdk-many") {
    const std::vector<bg::CompletionRequest> requests(count, small_request());
    result = sdk_many(make_client(base, kSmallPath, kBatchConcurrency),
                      requests, kBatchConcurrency);
  } else if (raw && run == "seq") {
    result = RawEasy(raw_url(base, kSmallPath), small_request_json(), wire)
                 .run_small(count);
  } else if (what == "sdk-seq") {
    result = sdk_sequential(make_client(base, kSmallPath, 1), small_request(),
                            count);
  } else if (raw && run == "big") {
    result = RawEasy(raw_url(base, kBigPath), big_request_json(), wire)
                 .run_big(count);
  } else if (what == "sdk-big") {
    result = sdk_big(make_client(base, kBigPath, 1), big_request(), count);
  } else if (raw && run == "stream") {
    result = RawEasy(raw_url(base, kStreamPath), stream_request_json(), wire)
                 .run_stream(count);
  } else if (what == "sdk-stream") {
    result =
        sdk_stream(make_client(base, kStreamPath, 1), stream_request(), count);
  } else {
    std::cerr << "unknown run \"" << what << "\"\n";
    return 2;
  }
  std::printf("%s: %zu/%zu in %.3f s, %.0f/s, checksum %llu\n", what.c_str(),
              result.ok, result.expected, result.seconds, result.rate(),
              static_cast<unsigned long long>(result.checksum));
  if (!result.first_error.empty())
    std::fprintf(stderr, "%s\n", result.first_error.c_str());
  return result.complete() ? 0 : 1;
}

int usage() {
  std::cerr << "usage: bench_budgateway gen DIR\n"
               "       bench_budgateway run BASE [--rounds N] [--scale X] "
               "[--only DIGITS] [--dat FILE]\n"
               "           [--server-cpu N --client-cpu M]\n"
               "       bench_budgateway rss raw|raw-wire|sdk BASE REQUESTS "
               "CONCURRENCY\n"
               "       bench_budgateway one WHAT BASE COUNT\n";
  return 2;
}

std::size_t to_count(const char* text) {
  return static_cast<std::size_t>(std::strtoull(text, nullptr, 10));
}

int main_impl(const std::vector<std::string>& args) {
  if (args.size() < 2) return usage();
  const std::string& mode = args[0];
  if (mode == "gen") return generate_data(args[1]) ? 0 : 1;
  if (mode == "rss" && args.size() == 5) {
    return rss_child(args[1], args[2], to_count(args[3].c_str()),
                     to_count(args[4].c_str()));
  }
  if (mode == "one" && args.size() == 4) {
    return run_one(args[1], args[2], to_count(args[3].c_str()));
  }
  if (mode != "run") return usage();
  if (args.size() % 2 != 0) return usage();
  Settings settings;
  settings.base = args[1];
  for (std::size_t i = 2; i + 1 < args.size(); i += 2) {
    const std::string& flag = args[i];
    const std::string& value = args[i + 1];
    if (flag == "--rounds") {
      settings.rounds = std::max(1, std::atoi(value.c_str()));
    } else if (flag == "--scale") {
      settings.scale = std::atof(value.c_str());
    } else if (flag == "--only") {
      settings.only = value;
    } else if (flag == "--dat") {
      settings.dat_file = value;
    } else if (flag == "--server-cpu") {
      settings.server_cpu = std::atoi(value.c_str());
    } else if (flag == "--client-cpu") {
      settings.client_cpu = std::atoi(value.c_str());
    } else {
      return usage();
    }
  }
  return run_all(settings);
}

}  // namespace
}  // namespace bench

int main(int argc, char** argv) {
  std::vector<std::string> args(argv + 1, argv + argc);
  return bench::main_impl(args);
}
