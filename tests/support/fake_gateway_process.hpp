// Copyright 2026 The budgateway Authors. SPDX-License-Identifier: Apache-2.0
// Starts tools/fake_gateway on 127.0.0.1 for a test and stops it after.
#ifndef BUDGATEWAY_TESTS_FAKE_GATEWAY_PROCESS_HPP_
#define BUDGATEWAY_TESTS_FAKE_GATEWAY_PROCESS_HPP_

#include <signal.h>
#include <spawn.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cstdio>
#include <stdexcept>
#include <string>
#include <string_view>
#include <vector>

extern char** environ;

namespace budgateway::testing {

/// A fake gateway child process: started on a free port, ended (SIGTERM,
/// and its stdin closed, which it also takes as the signal to exit) when
/// this object dies, so a crashed test leaves no server behind.
class FakeGatewayProcess {
 public:
  explicit FakeGatewayProcess(std::vector<std::string> extra_args = {}) {
    int to_child[2];
    int from_child[2];
    if (pipe(to_child) != 0 || pipe(from_child) != 0) {
      throw std::runtime_error("pipe failed");
    }
    std::vector<std::string> args = {BUDGATEWAY_FAKE_GATEWAY, "--port", "0",
                                     "--exit-on-stdin-eof"};
    args.insert(args.end(), extra_args.begin(), extra_args.end());
    std::vector<char*> argv;
    for (auto& arg : args) argv.push_back(arg.data());
    argv.push_back(nullptr);

    posix_spawn_file_actions_t actions;
    posix_spawn_file_actions_init(&actions);
    posix_spawn_file_actions_adddup2(&actions, to_child[0], STDIN_FILENO);
    posix_spawn_file_actions_adddup2(&actions, from_child[1], STDOUT_FILENO);
    posix_spawn_file_actions_addclose(&actions, to_child[1]);
    posix_spawn_file_actions_addclose(&actions, from_child[0]);
    const int spawned =
        posix_spawn(&pid_, argv[0], &actions, nullptr, argv.data(), environ);
    posix_spawn_file_actions_destroy(&actions);
    close(to_child[0]);
    close(from_child[1]);
    stdin_ = to_child[1];
    if (spawned != 0) {
      close(from_child[0]);
      throw std::runtime_error("could not start the fake gateway");
    }
    read_port(from_child[0]);
    close(from_child[0]);
  }

  FakeGatewayProcess(const FakeGatewayProcess&) = delete;
  FakeGatewayProcess& operator=(const FakeGatewayProcess&) = delete;

  ~FakeGatewayProcess() {
    close(stdin_);
    kill(pid_, SIGTERM);
    int status = 0;
    waitpid(pid_, &status, 0);
  }

  int port() const { return port_; }
  std::string origin() const {
    return "http://127.0.0.1:" + std::to_string(port_);
  }
  std::string base_url() const { return origin() + "/v1"; }

  /// The process-wide default instance, started on first use; it serves
  /// the provider fixtures when the test target defines where they are.
  static FakeGatewayProcess& shared() {
    static FakeGatewayProcess instance(shared_args());
    return instance;
  }

 private:
  static std::vector<std::string> shared_args() {
#ifdef BUDGATEWAY_FIXTURES_DIR
    return {"--fixtures", BUDGATEWAY_FIXTURES_DIR};
#else
    return {};
#endif
  }

  // The first line of the gateway's stdout is its port, alone.
  void read_port(int fd) {
    std::string line;
    char c = 0;
    while (read(fd, &c, 1) == 1 && c != '\n') line.push_back(c);
    if (line.empty() ||
        line.find_first_not_of("0123456789") != std::string::npos) {
      throw std::runtime_error("fake gateway said: " + line);
    }
    port_ = std::stoi(line);
  }

  pid_t pid_ = 0;
  int stdin_ = -1;
  int port_ = 0;
};

}  // namespace budgateway::testing

#endif  // BUDGATEWAY_TESTS_FAKE_GATEWAY_PROCESS_HPP_
