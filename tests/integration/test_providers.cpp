// Copyright 2026 The budgateway Authors. SPDX-License-Identifier: Apache-2.0
// The provider presets and the generic options behind them, on the wire,
// against the fake gateway; and every provider fixture (tests/fixtures/,
// sources cited in tests/support/provider_fixtures.hpp) end to end through
// Client::complete and Client::stream, each with its provider's preset.
#include <budgateway/budgateway.hpp>

#include <cstdlib>
#include <initializer_list>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "catch.hpp"
#include "fake_gateway_process.hpp"
#include "integration_helpers.hpp"
#include "provider_fixtures.hpp"
#include "test_http.hpp"

namespace bg = budgateway;
namespace providers = budgateway::providers;
using budgateway::testing::drain;
using budgateway::testing::Drained;
using budgateway::testing::FakeGatewayProcess;
using budgateway::testing::Json;
using budgateway::testing::Provider;
using budgateway::testing::scenario;
using namespace std::chrono_literals;

namespace {

constexpr const char* kKey = "sk-provider-test-0123";
constexpr const char* kDeployment = "gpt-35-turbo-instruct";
// A write size that splits every fixture event across several reads.
constexpr const char* kSmallWrites = "5";

// Every variable a preset reads, and the Bud ones a preset must not.
const std::vector<const char*> kProviderVariables = {
    "BUD_BASE_URL",      "BUD_API_KEY",           "OPENAI_BASE_URL",
    "OPENAI_API_KEY",    "OPENAI_API_VERSION",    "TOGETHER_API_KEY",
    "FIREWORKS_API_KEY", "AZURE_OPENAI_ENDPOINT", "AZURE_OPENAI_API_KEY",
};

/// Clears the providers' variables, sets the given ones, and restores the
/// environment as it was when it goes.
class ScopedEnvironment {
 public:
  explicit ScopedEnvironment(
      std::initializer_list<std::pair<const char*, std::string>> values = {}) {
    for (const char* name : kProviderVariables) {
      const char* value = std::getenv(name);
      if (value != nullptr) saved_.emplace(name, value);
      unsetenv(name);
    }
    for (const auto& [name, value] : values) set(name, value);
  }
  ScopedEnvironment(const ScopedEnvironment&) = delete;
  ScopedEnvironment& operator=(const ScopedEnvironment&) = delete;
  ~ScopedEnvironment() {
    for (const char* name : kProviderVariables) unsetenv(name);
    for (const auto& [name, value] : saved_) set(name, value);
  }

  static void set(const std::string& name, const std::string& value) {
    setenv(name.c_str(), value.c_str(), 1);
  }

 private:
  std::map<std::string, std::string> saved_;
};

FakeGatewayProcess& gateway() { return FakeGatewayProcess::shared(); }

bg::CompletionRequest request() {
  bg::CompletionRequest r;
  r.model = "gpt-3.5-turbo-instruct";
  r.prompt = "Say hello";
  r.max_tokens = 3;
  return r;
}

/// What the fake gateway received, from the `echo` scenario's answer.
struct Echo {
  explicit Echo(const bg::CompletionResponse& response)
      : doc(response.raw_json()) {}
  std::string field(const char* name) const {
    return std::string(std::string_view(doc.root()["echo"][name]));
  }
  std::string header(const char* name) const {
    auto value = doc.root()["echo"]["headers"][name];
    return value.error() ? std::string("<absent>")
                         : std::string(std::string_view(value));
  }
  Json doc;
};

Echo echo(const bg::ClientOptions& options, bg::CallOptions call = {}) {
  call.extra_headers.emplace_back("x-fake-scenario", "echo");
  auto result = bg::Client(options).complete(request(), call);
  INFO((result ? std::string() : result.error().to_string()));
  REQUIRE(result);
  return Echo(*result);
}

/// The provider's preset, pointed at the fake gateway after the fact.
bg::ClientOptions preset_for(Provider provider) {
  bg::ClientOptions options;
  switch (provider) {
    case Provider::OpenAi:
      options = providers::openai();
      break;
    case Provider::Azure:
      options = providers::azure(
          {.endpoint = gateway().origin(), .deployment = kDeployment});
      break;
    case Provider::Together:
      options = providers::together();
      break;
    case Provider::Fireworks:
      options = providers::fireworks();
      break;
    case Provider::Vllm:
    case Provider::LlamaCpp:
      options = providers::local(gateway().base_url());
      break;
  }
  if (provider != Provider::Azure) options.base_url = gateway().base_url();
  options.api_key = kKey;
  // llama-server answers some bad requests with 500, which would be retried.
  options.max_retries = 0;
  return options;
}

bg::CallOptions fixture_call(const char* path, bg::HeaderList more = {}) {
  more.emplace_back("x-fake-fixture", path);
  return scenario("fixture", std::move(more));
}

}  // namespace

// ---------------------------------------------------------------- fixtures

TEST_CASE(
    "every provider's unary fixture arrives typed through Client::complete") {
  for (const auto& fixture : budgateway::testing::unary_fixtures()) {
    INFO(fixture.path << " (from " << fixture.source << ")");
    bg::Client client(preset_for(fixture.provider));
    auto result = client.complete(request(), fixture_call(fixture.path));
    INFO((result ? std::string() : result.error().to_string()));
    REQUIRE(result);
    budgateway::testing::check_unary(*result, fixture);
    CHECK(result->raw_json() ==
          budgateway::testing::read_fixture(fixture.path));
    CHECK(result->headers().get("content-type") == "application/json");
  }
}

TEST_CASE(
    "every provider's stream fixture arrives typed through Client::stream, "
    "ending in its error if it has one") {
  const bool split = GENERATE(false, true);
  for (const auto& fixture : budgateway::testing::stream_fixtures()) {
    INFO(fixture.path << " (from " << fixture.source << ")"
                      << (split ? ", written 5 bytes at a time" : ""));
    bg::HeaderList more;
    if (split) more.emplace_back("x-fake-write-bytes", kSmallWrites);
    bg::Client client(preset_for(fixture.provider));
    const Drained drained =
        drain(client.stream(request(), fixture_call(fixture.path, more)));
    INFO((drained.error ? drained.error->to_string() : std::string()));
    budgateway::testing::check_stream_chunks(drained.chunks, fixture);
    REQUIRE(drained.error.has_value() == fixture.error.has_value());
    if (fixture.error) {
      CHECK(drained.error->code() == fixture.error->code);
      CHECK(drained.error->message() == fixture.error->message);
      CHECK(drained.error->type() == fixture.error->type);
      CHECK(drained.error->api_code() == fixture.error->api_code);
    }
  }
}

TEST_CASE("collect() folds a provider's stream fixture into one completion") {
  for (const auto& fixture : budgateway::testing::stream_fixtures()) {
    if (fixture.error) continue;
    INFO(fixture.path << " (from " << fixture.source << ")");
    bg::Client client(preset_for(fixture.provider));
    auto collected =
        client.stream(request(), fixture_call(fixture.path)).collect();
    INFO((collected ? std::string() : collected.error().to_string()));
    REQUIRE(collected);
    REQUIRE(collected->choices.size() == fixture.choices.size());
    for (std::size_t i = 0; i < fixture.choices.size(); ++i) {
      CHECK(collected->choices[i].text == fixture.choices[i].text);
      REQUIRE(collected->choices[i].finish_reason);
      CHECK(collected->choices[i].finish_reason->kind() ==
            fixture.choices[i].kind);
    }
    CHECK(collected->usage.has_value() == fixture.usage.has_value());
  }
}

TEST_CASE(
    "every provider's error fixture is the same typed error, unary or "
    "streamed") {
  const bool streamed = GENERATE(false, true);
  for (const auto& fixture : budgateway::testing::error_fixtures()) {
    INFO(fixture.path << " (from " << fixture.source << ")"
                      << (streamed ? ", streamed" : ""));
    bg::Client client(preset_for(fixture.provider));
    const bg::CallOptions call = fixture_call(
        fixture.path, {{"x-fake-status", std::to_string(fixture.status)}});
    std::optional<bg::Error> error;
    if (streamed) {
      error = drain(client.stream(request(), call)).error;
    } else {
      auto result = client.complete(request(), call);
      if (!result) error = result.error();
    }
    REQUIRE(error);
    budgateway::testing::check_error(*error, fixture);
    CHECK(error->attempts() == 1);
  }
}

TEST_CASE("the fixture scenario serves only files inside its directory") {
  bg::Client client(preset_for(Provider::OpenAi));
  const char* path = GENERATE("../CMakeLists.txt", "/etc/hostname",
                              "openai/no-such-file.json", "");
  INFO(path);
  auto result = client.complete(request(), fixture_call(path));
  REQUIRE_FALSE(result);
  CHECK(result.error().code() == bg::ErrorCode::BadRequest);
  CHECK(result.error().message().find("fixture") != std::string::npos);
}

// ----------------------------------------------------------------- presets

TEST_CASE("bud() is the gateway: BUD_BASE_URL, else the public URL") {
  {
    ScopedEnvironment env;
    const bg::ClientOptions options = providers::bud();
    CHECK(options.base_url == providers::kBudBaseUrl);
    CHECK(options.base_url_env == "BUD_BASE_URL");
    CHECK(options.api_key_env == "BUD_API_KEY");
    CHECK(options.auth_header == "Authorization");
    CHECK(options.auth_scheme == "Bearer");
    CHECK(options.default_query.empty());
  }
  ScopedEnvironment env(
      {{"BUD_BASE_URL", gateway().base_url()}, {"BUD_API_KEY", "sk-bud"}});
  const bg::ClientOptions options = providers::bud();
  CHECK(options.base_url == gateway().base_url());
  const Echo received = echo(options);
  CHECK(received.field("path") == "/v1/completions");
  CHECK(received.header("authorization") == "Bearer sk-bud");
}

TEST_CASE(
    "openai() reads OPENAI_BASE_URL and OPENAI_API_KEY and never the Bud "
    "variables") {
  {
    ScopedEnvironment env({{"BUD_BASE_URL", "http://bud.invalid/v1"},
                           {"BUD_API_KEY", "sk-bud-secret"}});
    const bg::ClientOptions options = providers::openai();
    CHECK(options.base_url == providers::kOpenAiBaseUrl);
    CHECK(options.base_url_env == "OPENAI_BASE_URL");
    CHECK(options.api_key_env == "OPENAI_API_KEY");
    CHECK(bg::Client(options).options().api_key.empty());
  }
  ScopedEnvironment env({{"OPENAI_BASE_URL", gateway().base_url()},
                         {"OPENAI_API_KEY", "sk-openai"},
                         {"BUD_API_KEY", "sk-bud-secret"}});
  const Echo received = echo(providers::openai());
  CHECK(received.field("path") == "/v1/completions");
  CHECK(received.header("authorization") == "Bearer sk-openai");
}

TEST_CASE(
    "openai() without OPENAI_API_KEY sends no key at all, not BUD_API_KEY") {
  ScopedEnvironment env({{"OPENAI_BASE_URL", gateway().base_url()},
                         {"BUD_API_KEY", "sk-bud-secret"}});
  // The fake gateway takes any Bearer key, so only a request without one
  // is refused.
  auto result = bg::Client(providers::openai()).complete(request());
  REQUIRE_FALSE(result);
  CHECK(result.error().code() == bg::ErrorCode::Authentication);
}

TEST_CASE(
    "together() and fireworks() use their public URLs and only their own "
    "key variable") {
  struct Case {
    bg::ClientOptions (*preset)();
    const char* base_url;
    const char* key_variable;
  };
  const Case c =
      GENERATE(Case{providers::together, providers::kTogetherBaseUrl,
                    "TOGETHER_API_KEY"},
               Case{providers::fireworks, providers::kFireworksBaseUrl,
                    "FIREWORKS_API_KEY"});
  INFO(c.key_variable);
  {
    ScopedEnvironment env({{"BUD_BASE_URL", "http://bud.invalid/v1"},
                           {"BUD_API_KEY", "sk-bud-secret"},
                           {"OPENAI_BASE_URL", "http://openai.invalid/v1"},
                           {"OPENAI_API_KEY", "sk-openai-secret"}});
    const bg::ClientOptions options = c.preset();
    CHECK(options.base_url == c.base_url);
    CHECK(options.base_url_env.empty());
    CHECK(options.api_key_env == c.key_variable);
    const bg::Client client(options);
    CHECK(client.options().base_url == c.base_url);
    CHECK(client.options().api_key.empty());
  }
  ScopedEnvironment env(
      {{c.key_variable, "sk-provider"}, {"BUD_API_KEY", "sk-bud-secret"}});
  bg::ClientOptions options = c.preset();
  options.base_url = gateway().base_url();
  const Echo received = echo(options);
  CHECK(received.header("authorization") == "Bearer sk-provider");
}

TEST_CASE("local() reads no key from anywhere and sends one only if given") {
  ScopedEnvironment env({{"BUD_API_KEY", "sk-bud-secret"},
                         {"OPENAI_API_KEY", "sk-openai-secret"}});
  const bg::ClientOptions defaults = providers::local();
  CHECK(defaults.base_url == providers::kLocalBaseUrl);
  CHECK(defaults.base_url_env.empty());
  CHECK(defaults.api_key_env.empty());
  CHECK(bg::Client(defaults).options().api_key.empty());

  auto refused =
      bg::Client(providers::local(gateway().base_url())).complete(request());
  REQUIRE_FALSE(refused);
  CHECK(refused.error().code() == bg::ErrorCode::Authentication);

  bg::ClientOptions with_key = providers::local(gateway().base_url());
  with_key.api_key = "token-abc123";
  CHECK(echo(with_key).header("authorization") == "Bearer token-abc123");
}

TEST_CASE(
    "azure() builds the deployment URL, api-version query and api-key "
    "header") {
  ScopedEnvironment env;
  const bg::ClientOptions options =
      providers::azure({.endpoint = "https://res.openai.azure.com/",
                        .deployment = "my dep/1",
                        .api_key = "azure-key"});
  CHECK(options.base_url ==
        "https://res.openai.azure.com/openai/deployments/my%20dep%2F1");
  CHECK(options.default_query ==
        bg::QueryList{{"api-version", providers::kAzureApiVersion}});
  CHECK(options.auth_header == "api-key");
  CHECK(options.auth_scheme.empty());
  CHECK(options.api_key == "azure-key");
  CHECK(options.base_url_env.empty());
  CHECK(options.api_key_env == "AZURE_OPENAI_API_KEY");
}

TEST_CASE(
    "azure() sends its key as api-key, with no Authorization header, to the "
    "deployment route") {
  ScopedEnvironment env({{"AZURE_OPENAI_API_KEY", "azure-env-key"},
                         {"OPENAI_API_KEY", "sk-openai-secret"},
                         {"BUD_API_KEY", "sk-bud-secret"}});
  const Echo received = echo(providers::azure(
      {.endpoint = gateway().origin() + "/", .deployment = kDeployment}));
  CHECK(received.field("path") ==
        std::string("/openai/deployments/") + kDeployment + "/completions");
  CHECK(received.field("query") ==
        std::string("api-version=") + providers::kAzureApiVersion);
  CHECK(received.header("api-key") == "azure-env-key");
  CHECK(received.header("authorization") == "<absent>");
}

TEST_CASE(
    "azure() takes an empty endpoint, key and version from the "
    "environment") {
  ScopedEnvironment env({{"AZURE_OPENAI_ENDPOINT", gateway().origin()},
                         {"AZURE_OPENAI_API_KEY", "azure-env-key"},
                         {"OPENAI_API_VERSION", "2024-06-01"}});
  const Echo received =
      echo(providers::azure({.deployment = kDeployment, .api_version = ""}));
  CHECK(received.field("query") == "api-version=2024-06-01");
  CHECK(received.header("api-key") == "azure-env-key");

  const bg::ClientOptions versioned =
      providers::azure({.deployment = kDeployment});
  CHECK(versioned.default_query ==
        bg::QueryList{{"api-version", providers::kAzureApiVersion}});
}

TEST_CASE("azure() falls back to its default api-version when none is set") {
  ScopedEnvironment env({{"AZURE_OPENAI_ENDPOINT", gateway().origin()}});
  const bg::ClientOptions options =
      providers::azure({.deployment = kDeployment, .api_version = ""});
  CHECK(options.default_query ==
        bg::QueryList{{"api-version", providers::kAzureApiVersion}});
}

TEST_CASE("azure() percent-encodes the deployment into one path segment") {
  ScopedEnvironment env;
  const Echo received = echo(providers::azure({.endpoint = gateway().origin(),
                                               .deployment = "my deployment",
                                               .api_key = kKey}));
  // The server sees the segment decoded.
  CHECK(received.field("path") ==
        "/openai/deployments/my deployment/completions");
}

TEST_CASE(
    "azure() without an endpoint or deployment fails the first call, sending "
    "nothing") {
  ScopedEnvironment env({{"AZURE_OPENAI_API_KEY", "azure-env-key"}});
  SECTION("no endpoint") {
    auto result = bg::Client(providers::azure({.deployment = kDeployment}))
                      .complete(request());
    REQUIRE_FALSE(result);
    CHECK(result.error().code() == bg::ErrorCode::InvalidArgument);
    CHECK(result.error().message().find("AZURE_OPENAI_ENDPOINT") !=
          std::string::npos);
  }
  SECTION("no deployment") {
    auto result = bg::Client(providers::azure({.endpoint = gateway().origin()}))
                      .complete(request());
    REQUIRE_FALSE(result);
    CHECK(result.error().code() == bg::ErrorCode::InvalidArgument);
    CHECK(result.error().message().find("deployment") != std::string::npos);
  }
}

TEST_CASE("azure() streams from the deployment route") {
  ScopedEnvironment env;
  bg::Client client(providers::azure({.endpoint = gateway().origin(),
                                      .deployment = kDeployment,
                                      .api_key = kKey}));
  auto unary = client.complete(request());
  REQUIRE(unary);
  auto collected = client.stream(request()).collect();
  INFO((collected ? std::string() : collected.error().to_string()));
  REQUIRE(collected);
  REQUIRE(collected->choices.size() == 1);
  CHECK(collected->choices[0].text == unary->choices[0].text);
}

TEST_CASE("a preset's options can still be changed before use") {
  ScopedEnvironment env({{"TOGETHER_API_KEY", "sk-together"}});
  bg::ClientOptions options = providers::together();
  options.base_url = gateway().base_url();
  options.default_headers = {{"x-team", "search"}};
  const Echo received = echo(options);
  CHECK(received.header("x-team") == "search");
  CHECK(received.header("authorization") == "Bearer sk-together");
}

// --------------------------------------------------------- generic options

TEST_CASE("auth_header and auth_scheme choose how the key is sent") {
  ScopedEnvironment env;
  bg::ClientOptions options = providers::local(gateway().base_url());
  options.api_key = kKey;
  // The fake gateway's own check wants a Bearer key; the header under test
  // rides beside it.
  options.default_headers = {{"Authorization", "Bearer fake-gateway-key"}};
  SECTION("another header and scheme") {
    options.auth_header = "X-Custom-Auth";
    options.auth_scheme = "Token";
    CHECK(echo(options).header("x-custom-auth") ==
          std::string("Token ") + kKey);
  }
  SECTION("an empty scheme sends the bare key") {
    options.auth_header = "x-api-key";
    options.auth_scheme = "";
    CHECK(echo(options).header("x-api-key") == kKey);
  }
}

TEST_CASE("an empty auth_scheme on Authorization sends the key as given") {
  ScopedEnvironment env;
  bg::ClientOptions options = providers::local(gateway().base_url());
  // A key that carries its own scheme: with a scheme added it would arrive
  // as "Bearer Bearer ...".
  options.api_key = "Bearer already-prefixed";
  options.auth_scheme = "";
  CHECK(echo(options).header("authorization") == "Bearer already-prefixed");
}

TEST_CASE(
    "default_query and extra_query are URL-encoded onto the URL, client's "
    "first") {
  ScopedEnvironment env;
  bg::ClientOptions options = providers::local(gateway().base_url());
  options.api_key = kKey;
  options.default_query = {{"tenant", "a b&c"}, {"v", "1"}};
  bg::CallOptions call;
  call.extra_query = {{"trace id", "\xC3\xA9/?="}};
  CHECK(echo(options, call).field("query") ==
        "tenant=a%20b%26c&v=1&trace%20id=%C3%A9%2F%3F%3D");
  CHECK(echo(options).field("query") == "tenant=a%20b%26c&v=1");
}

TEST_CASE("extra_query follows Azure's api-version") {
  ScopedEnvironment env;
  bg::CallOptions call;
  call.extra_query = {{"trace", "1"}};
  const Echo received = echo(providers::azure({.endpoint = gateway().origin(),
                                               .deployment = kDeployment,
                                               .api_key = kKey}),
                             call);
  CHECK(received.field("query") ==
        std::string("api-version=") + providers::kAzureApiVersion + "&trace=1");
}

TEST_CASE("an auth_header that is not a header name is an InvalidArgument") {
  ScopedEnvironment env;
  bg::ClientOptions options = providers::local(gateway().base_url());
  options.api_key = kKey;
  options.auth_header = "bad header:";
  auto result = bg::Client(options).complete(request());
  REQUIRE_FALSE(result);
  CHECK(result.error().code() == bg::ErrorCode::InvalidArgument);
}
