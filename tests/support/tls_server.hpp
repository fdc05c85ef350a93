// Copyright 2026 The budgateway Authors. SPDX-License-Identifier: Apache-2.0
// A TLS server on 127.0.0.1 for the TLS tests, and the certificates it needs,
// made at test time with the `openssl` command: a CA, a server certificate
// for 127.0.0.1 and localhost, a client certificate, and a second CA that
// signed neither. The server answers every request with one fixed
// completion and closes the connection; it can require a client certificate
// signed by the test CA.
#ifndef BUDGATEWAY_TESTS_SUPPORT_TLS_SERVER_HPP_
#define BUDGATEWAY_TESTS_SUPPORT_TLS_SERVER_HPP_

#include <arpa/inet.h>
#include <netinet/in.h>
#include <openssl/err.h>
#include <openssl/ssl.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <atomic>
#include <csignal>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <stdexcept>
#include <string>
#include <thread>

namespace budgateway::testing {

inline std::string read_text_file(const std::filesystem::path& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) throw std::runtime_error("cannot read " + path.string());
  std::ostringstream text;
  text << in.rdbuf();
  return text.str();
}

/// The certificates, as files in a temporary directory removed at exit.
class TestPki {
 public:
  /// Made once per process (a few openssl runs).
  static const TestPki& shared() {
    static const TestPki pki;
    return pki;
  }

  std::filesystem::path file(const char* name) const { return dir_ / name; }
  std::string pem(const char* name) const { return read_text_file(file(name)); }

  ~TestPki() {
    std::error_code ignored;
    std::filesystem::remove_all(dir_, ignored);
  }
  TestPki(const TestPki&) = delete;
  TestPki& operator=(const TestPki&) = delete;

 private:
  TestPki() {
    std::string pattern =
        (std::filesystem::temp_directory_path() / "budgateway-tls-XXXXXX")
            .string();
    if (mkdtemp(pattern.data()) == nullptr) {
      throw std::runtime_error("TestPki: mkdtemp failed");
    }
    dir_ = pattern;
    const std::string d = dir_.string();
    const std::string key =
        "-newkey ec -pkeyopt ec_paramgen_curve:prime256v1 -nodes";
    auto write = [&](const char* name, const char* text) {
      std::ofstream(dir_ / name) << text;
    };
    write("server.ext",
          "basicConstraints=CA:FALSE\n"
          "subjectAltName=IP:127.0.0.1,DNS:localhost\n"
          "extendedKeyUsage=serverAuth\n");
    write("client.ext",
          "basicConstraints=CA:FALSE\n"
          "extendedKeyUsage=clientAuth\n");
    auto ca = [&](const char* name, const char* cn) {
      run("openssl req -x509 " + key + " -keyout " + d + "/" + name +
          ".key -out " + d + "/" + name + ".pem -days 2 -subj '/CN=" + cn +
          "' -addext basicConstraints=critical,CA:TRUE"
          " -addext keyUsage=critical,keyCertSign,cRLSign");
    };
    auto leaf = [&](const char* name, const char* cn, int serial) {
      run("openssl req " + key + " -keyout " + d + "/" + name + ".key -out " +
          d + "/" + name + ".csr -subj '/CN=" + cn + "'");
      run("openssl x509 -req -in " + d + "/" + name + ".csr -CA " + d +
          "/ca.pem -CAkey " + d + "/ca.key -set_serial " +
          std::to_string(serial) + " -days 2 -out " + d + "/" + name +
          ".pem -extfile " + d + "/" + name + ".ext");
    };
    ca("ca", "budgateway test CA");
    ca("other-ca", "budgateway unrelated CA");
    leaf("server", "localhost", 1001);
    leaf("client", "budgateway test client", 1002);
    run("openssl pkey -in " + d + "/client.key -aes256 -passout pass:s3cret " +
        "-out " + d + "/client-encrypted.key");
  }

  static void run(const std::string& command) {
    const std::string quiet = command + " >/dev/null 2>&1";
    if (std::system(quiet.c_str()) != 0) {
      throw std::runtime_error("TestPki: failed: " + command);
    }
  }

  std::filesystem::path dir_;
};

class TlsServer {
 public:
  /// Serves with `cert_file`/`key_file`; a non-empty `client_ca_file`
  /// requires a client certificate signed by that CA.
  TlsServer(const std::string& cert_file, const std::string& key_file,
            const std::string& client_ca_file = {}) {
    // A client that gives up mid-handshake must not kill the test process.
    std::signal(SIGPIPE, SIG_IGN);
    ctx_ = SSL_CTX_new(TLS_server_method());
    if (ctx_ == nullptr ||
        SSL_CTX_use_certificate_chain_file(ctx_, cert_file.c_str()) != 1 ||
        SSL_CTX_use_PrivateKey_file(ctx_, key_file.c_str(), SSL_FILETYPE_PEM) !=
            1) {
      throw std::runtime_error("TlsServer: cannot load " + cert_file);
    }
    if (!client_ca_file.empty()) {
      if (SSL_CTX_load_verify_locations(ctx_, client_ca_file.c_str(),
                                        nullptr) != 1) {
        throw std::runtime_error("TlsServer: cannot load " + client_ca_file);
      }
      SSL_CTX_set_client_CA_list(
          ctx_, SSL_load_client_CA_file(client_ca_file.c_str()));
      SSL_CTX_set_verify(
          ctx_, SSL_VERIFY_PEER | SSL_VERIFY_FAIL_IF_NO_PEER_CERT, nullptr);
    }
    listener_ = socket(AF_INET, SOCK_STREAM, 0);
    sockaddr_in address{};
    address.sin_family = AF_INET;
    address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    address.sin_port = 0;
    socklen_t length = sizeof(address);
    if (listener_ < 0 ||
        bind(listener_, reinterpret_cast<sockaddr*>(&address), length) != 0 ||
        listen(listener_, 16) != 0 ||
        getsockname(listener_, reinterpret_cast<sockaddr*>(&address),
                    &length) != 0) {
      throw std::runtime_error("TlsServer: cannot listen on 127.0.0.1");
    }
    port_ = ntohs(address.sin_port);
    thread_ = std::thread([this] { serve(); });
  }
  ~TlsServer() {
    stop_ = true;
    thread_.join();
    close(listener_);
    SSL_CTX_free(ctx_);
  }
  TlsServer(const TlsServer&) = delete;
  TlsServer& operator=(const TlsServer&) = delete;

  std::string base_url(const std::string& host = "127.0.0.1") const {
    return "https://" + host + ":" + std::to_string(port_) + "/v1";
  }
  /// TCP connections accepted.
  int connections() const { return connections_; }
  /// Requests read and answered over a completed handshake.
  int answered() const { return answered_; }

  static constexpr const char* kBody =
      R"({"id":"cmpl-1","object":"text_completion","created":1,"model":"m",)"
      R"("choices":[{"text":"secure","index":0,"finish_reason":"stop"}]})";

 private:
  void serve() {
    while (!stop_) {
      pollfd ready{listener_, POLLIN, 0};
      if (poll(&ready, 1, 50) <= 0) continue;
      const int connection = accept(listener_, nullptr, nullptr);
      if (connection < 0) continue;
      ++connections_;
      // A client that stops talking cannot hold the server.
      timeval limit{2, 0};
      setsockopt(connection, SOL_SOCKET, SO_RCVTIMEO, &limit, sizeof(limit));
      SSL* ssl = SSL_new(ctx_);
      SSL_set_fd(ssl, connection);
      if (SSL_accept(ssl) == 1 && answer(ssl)) {
        ++answered_;
        SSL_shutdown(ssl);
      }
      ERR_clear_error();
      SSL_free(ssl);
      close(connection);
    }
  }

  /// Reads one request (head and Content-Length body) and answers it.
  static bool answer(SSL* ssl) {
    std::string request;
    char buffer[4096];
    std::size_t head_end = std::string::npos;
    std::size_t wanted = 0;
    while (head_end == std::string::npos || request.size() < wanted) {
      const int n = SSL_read(ssl, buffer, sizeof(buffer));
      if (n <= 0) return false;
      request.append(buffer, static_cast<std::size_t>(n));
      if (head_end == std::string::npos) {
        head_end = request.find("\r\n\r\n");
        if (head_end == std::string::npos) continue;
        wanted = head_end + 4 + content_length(request.substr(0, head_end));
      }
    }
    const std::string body = kBody;
    const std::string reply =
        "HTTP/1.1 200 OK\r\nContent-Type: application/json\r\n"
        "Content-Length: " +
        std::to_string(body.size()) + "\r\nConnection: close\r\n\r\n" + body;
    return SSL_write(ssl, reply.data(), static_cast<int>(reply.size())) ==
           static_cast<int>(reply.size());
  }

  static std::size_t content_length(std::string head) {
    for (auto& c : head) {
      if (c >= 'A' && c <= 'Z') c = static_cast<char>(c - 'A' + 'a');
    }
    const auto at = head.find("\r\ncontent-length:");
    if (at == std::string::npos) return 0;
    return std::strtoul(head.c_str() + at + 17, nullptr, 10);
  }

  SSL_CTX* ctx_ = nullptr;
  int listener_ = -1;
  int port_ = 0;
  std::atomic<bool> stop_{false};
  std::atomic<int> connections_{0};
  std::atomic<int> answered_{0};
  std::thread thread_;
};

}  // namespace budgateway::testing

#endif  // BUDGATEWAY_TESTS_SUPPORT_TLS_SERVER_HPP_
