// Copyright 2026 The budgateway Authors. SPDX-License-Identifier: Apache-2.0
// TLS against a local server whose certificates are made at test time: a CA
// given in memory, the system's CAs (which never trust it), skipping
// verification, and mutual TLS.
#include <budgateway/budgateway.hpp>

#include <chrono>
#include <string>
#include <string_view>
#include <vector>

#include "catch.hpp"
#include "tls_server.hpp"

namespace bg = budgateway;
using budgateway::testing::TestPki;
using budgateway::testing::TlsServer;
using namespace std::chrono_literals;

namespace {

const TestPki& pki() { return TestPki::shared(); }

/// A server with the test CA's certificate for 127.0.0.1 and localhost;
/// with `require_client_cert`, it accepts only clients the test CA signed.
TlsServer make_server(bool require_client_cert = false) {
  return TlsServer(pki().file("server.pem").string(),
                   pki().file("server.key").string(),
                   require_client_cert ? pki().file("ca.pem").string() : "");
}

bg::ClientOptions options_for(const TlsServer& server) {
  bg::ClientOptions options;
  options.base_url = server.base_url();
  options.api_key = "sk-tls";
  options.max_retries = 0;
  options.timeout = 10s;
  options.connect_timeout = 5s;
  return options;
}

bg::CompletionRequest request() {
  bg::CompletionRequest r;
  r.model = "m";
  r.prompt = "Say it safely";
  r.max_tokens = 4;
  return r;
}

bool mentions_certificate(const bg::Error& error) {
  return error.transport_detail().find("certificate") != std::string::npos;
}

}  // namespace

TEST_CASE("TLS: ca_pem trusts a CA given in memory", "[tls]") {
  auto server = make_server();
  auto options = options_for(server);
  options.ca_pem = pki().pem("ca.pem");

  SECTION("by IP address") {}
  SECTION("by host name") { options.base_url = server.base_url("localhost"); }

  bg::Client client(options);
  const auto result = client.complete(request());
  REQUIRE(result);
  REQUIRE(result->choices.size() == 1);
  CHECK(result->choices[0].text == "secure");
  CHECK(server.answered() == 1);
}

TEST_CASE("TLS: a CA other than the server's is a certificate failure",
          "[tls]") {
  auto server = make_server();
  auto options = options_for(server);

  SECTION("the system's CAs") {}
  SECTION("ca_pem with an unrelated CA") {
    options.ca_pem = pki().pem("other-ca.pem");
  }
  SECTION("ca_file with an unrelated CA") {
    options.ca_file = pki().file("other-ca.pem").string();
  }

  bg::Client client(options);
  const auto result = client.complete(request());
  REQUIRE_FALSE(result);
  CHECK(result.error().code() == bg::ErrorCode::Connection);
  INFO(result.error().to_string());
  CHECK(mentions_certificate(result.error()));
  CHECK(server.answered() == 0);
}

TEST_CASE("TLS: insecure_skip_tls_verify accepts an unknown CA", "[tls]") {
  auto server = make_server();
  auto options = options_for(server);
  options.insecure_skip_tls_verify = true;
  std::vector<std::string> warnings;
  options.logger = [&](bg::LogLevel level, std::string_view line) {
    if (level == bg::LogLevel::Warning) warnings.emplace_back(line);
  };

  bg::Client insecure(options);
  // Said once, when the client is made: nobody should ship it by accident.
  REQUIRE(warnings.size() == 1);
  CHECK(warnings[0].find("insecure_skip_tls_verify") != std::string::npos);
  const auto result = insecure.complete(request());
  REQUIRE(result);
  CHECK(result->choices[0].text == "secure");
  CHECK(server.answered() == 1);

  // Nothing of it stays behind for a client that verifies.
  bg::Client strict(options_for(server));
  const auto refused = strict.complete(request());
  REQUIRE_FALSE(refused);
  CHECK(mentions_certificate(refused.error()));
  CHECK(server.answered() == 1);
}

TEST_CASE("TLS: a server that requires a client certificate", "[tls]") {
  auto server = make_server(/*require_client_cert=*/true);
  auto options = options_for(server);
  options.ca_pem = pki().pem("ca.pem");

  SECTION("without one, the call fails") {
    bg::Client client(options);
    const auto result = client.complete(request());
    REQUIRE_FALSE(result);
    CHECK(result.error().code() == bg::ErrorCode::Connection);
    CHECK(server.answered() == 0);
  }

  SECTION("with one signed by another CA, the call fails") {
    // The unrelated CA's own certificate and key serve as a client
    // certificate the server's CA never signed.
    options.client_cert_pem = pki().pem("other-ca.pem");
    options.client_key_pem = pki().pem("other-ca.key");
    bg::Client client(options);
    const auto result = client.complete(request());
    REQUIRE_FALSE(result);
    CHECK(server.answered() == 0);
  }

  SECTION("with one, the call succeeds") {
    SECTION("as PEM text") {
      options.client_cert_pem = pki().pem("client.pem");
      options.client_key_pem = pki().pem("client.key");
    }
    SECTION("as PEM text, the key after the certificate") {
      options.client_cert_pem =
          pki().pem("client.pem") + pki().pem("client.key");
    }
    SECTION("as files") {
      options.client_cert_file = pki().file("client.pem").string();
      options.client_key_file = pki().file("client.key").string();
    }
    SECTION("with an encrypted key and its password") {
      options.client_cert_pem = pki().pem("client.pem");
      options.client_key_pem = pki().pem("client-encrypted.key");
      options.client_key_password = "s3cret";
    }
    bg::Client client(options);
    const auto result = client.complete(request());
    INFO((result ? std::string() : result.error().to_string()));
    REQUIRE(result);
    CHECK(result->choices[0].text == "secure");
    CHECK(server.answered() == 1);
  }

  SECTION("an encrypted key with a wrong password, or none, fails at once") {
    options.max_retries = 2;
    options.client_cert_pem = pki().pem("client.pem");
    options.client_key_pem = pki().pem("client-encrypted.key");
    SECTION("wrong") { options.client_key_password = "wrong"; }
    SECTION("none") {}  // Once a crash inside libcurl 7.88.
    SECTION("none, from a file") {
      // OpenSSL would otherwise prompt on the terminal.
      options.client_key_pem.clear();
      options.client_key_file = pki().file("client-encrypted.key").string();
    }
    bg::Client client(options);
    const auto result = client.complete(request());
    REQUIRE_FALSE(result);
    INFO(result.error().to_string());
    // The caller's mistake, which no retry mends.
    CHECK(result.error().code() == bg::ErrorCode::InvalidArgument);
    CHECK(result.error().attempts() == 1);
    CHECK(server.answered() == 0);
  }
}

TEST_CASE("TLS: a ca_pem that is not a certificate fails at once", "[tls]") {
  auto server = make_server();
  auto options = options_for(server);
  options.max_retries = 2;
  options.ca_pem =
      "-----BEGIN CERTIFICATE-----\nbm90IGEgY2VydA==\n-----END "
      "CERTIFICATE-----\n";
  bg::Client client(options);
  const auto result = client.complete(request());
  REQUIRE_FALSE(result);
  INFO(result.error().to_string());
  CHECK(result.error().code() == bg::ErrorCode::InvalidArgument);
  CHECK(result.error().attempts() == 1);
  CHECK(server.answered() == 0);
}

TEST_CASE("TLS: options that cannot be meant are InvalidArgument, unsent",
          "[tls]") {
  auto server = make_server();
  auto options = options_for(server);
  options.ca_pem = pki().pem("ca.pem");
  std::string says;

  SECTION("a key without a certificate") {
    options.client_key_pem = pki().pem("client.key");
    says = "without a client certificate";
  }
  SECTION("a key file without a certificate") {
    options.client_key_file = pki().file("client.key").string();
    says = "without a client certificate";
  }
  SECTION("a password without a certificate") {
    options.client_key_password = "s3cret";
    says = "without a client certificate";
  }
  SECTION("a certificate as both text and file") {
    options.client_cert_pem = pki().pem("client.pem");
    options.client_cert_file = pki().file("client.pem").string();
    options.client_key_pem = pki().pem("client.key");
    says = "not both";
  }
  SECTION("a key as both text and file") {
    options.client_cert_pem = pki().pem("client.pem");
    options.client_key_pem = pki().pem("client.key");
    options.client_key_file = pki().file("client.key").string();
    says = "not both";
  }
  SECTION("a path where PEM text belongs") {
    options.ca_pem = pki().file("ca.pem").string();
    says = "a path goes in ca_file";
  }
  SECTION("a key path in client_key_pem, not echoed") {
    options.client_cert_pem = pki().pem("client.pem");
    options.client_key_pem = pki().file("client.key").string();
    says = "a path goes in client_key_file";
  }

  bg::Client client(options);
  const auto result = client.complete(request());
  REQUIRE_FALSE(result);
  CHECK(result.error().code() == bg::ErrorCode::InvalidArgument);
  CHECK(result.error().message().find(says) != std::string::npos);
  CHECK(result.error().to_string().find("client.key") == std::string::npos);
  CHECK(server.connections() == 0);
}
