// The routes of the fake gateway and the scenarios behind them; README.md
// lists every scenario and x-fake-* header.
#pragma once

#include <httplib.h>
#include <functional>

#include <atomic>
#include <cstddef>
#include <cstdint>
#include <mutex>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include "completion_model.hpp"
#include "stop_signal.hpp"
#include "token_bucket.hpp"

namespace fake_gateway {

inline constexpr double kDefaultLimitRps = 50.0;
inline constexpr std::int64_t kDefaultLimitBurst = 10;
inline constexpr std::size_t kDefaultMaxBodyBytes = std::size_t{1} << 20;

struct ServiceOptions {
  std::string api_key;  // empty: any non-empty key is accepted
  double limit_rps = kDefaultLimitRps;
  std::int64_t limit_burst = kDefaultLimitBurst;
  std::size_t max_body_bytes = kDefaultMaxBodyBytes;  // 0: no limit
  // Where the `fixture` scenario reads its files; empty: that scenario
  // answers 400.
  std::string fixtures_dir;
};

// The names x-fake-scenario accepts, in the order README.md lists them.
std::vector<std::string_view> scenario_names();

// Defined in gateway_service.cpp: what one request asked for in its x-fake-*
// headers, and the answer chosen for it.
struct FakeParams;
struct Outcome;

struct Route {
  Flavor flavor = Flavor::kBud;
  std::string deployment;  // Azure only
};

// One completion request. The service reads the body itself: httplib caps
// form-encoded bodies (what `curl -d` sends) at 8 KiB and parses them into
// query parameters.
struct Call {
  const httplib::Request& request;
  std::string body;
  Route route;
};

class GatewayService {
 public:
  GatewayService(ServiceOptions options, StopSignal& stop);

  void install(httplib::Server& server);
  // Where /_stats reads the number of connections accepted.
  void count_connections_with(std::function<std::uint64_t()> source);

 private:
  void handle_completion(const httplib::Request& request,
                         httplib::Response& response,
                         const httplib::ContentReader& reader, Route route);
  Outcome decide(const Call& call, const FakeParams& params,
                 std::int64_t attempt);
  Outcome succeed(const Call& call, const FakeParams& params,
                  const CompletionInput& input);
  Outcome replay_fixture(const FakeParams& params);
  void send(const httplib::Request& request, httplib::Response& response,
            const FakeParams& params, Outcome outcome);
  bool key_accepted(const std::string& key) const;
  std::int64_t record_attempt(const std::string& request_id);
  std::int64_t attempts(const std::string& request_id);
  std::string stats_json();
  std::string arrivals_json();

  const ServiceOptions options_;
  StopSignal& stop_;
  TokenBucket bucket_;
  std::mutex attempts_mutex_;
  std::unordered_map<std::string, std::int64_t> attempts_;
  std::atomic<std::int64_t> requests_{0};
  std::atomic<std::int64_t> rate_limited_{0};
  std::atomic<std::int64_t> completions_{0};
  std::atomic<std::uint64_t> next_id_{1};
  // Completion requests being handled, and how many were at each arrival
  // (that one included), in arrival order: a client's concurrency as the
  // server saw it.
  std::atomic<std::int64_t> in_flight_{0};
  std::atomic<std::int64_t> max_in_flight_{0};
  std::mutex arrivals_mutex_;
  std::vector<std::int64_t> in_flight_at_arrival_;
  std::function<std::uint64_t()> connection_count_;
};

}  // namespace fake_gateway
