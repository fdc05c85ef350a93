// httplib::Server with connections that wait for their next request in
// poll(). httplib 0.11's own wait loop wakes every few milliseconds: a
// thousand idle keep-alive connections (what a client pool holds after a big
// batch) kept both cores of a test machine busy. The wait also ends at once
// when the server stops.
#pragma once

#include <httplib.h>

#include <atomic>
#include <chrono>
#include <cstdint>

namespace fake_gateway {

class HttpServer : public httplib::Server {
 public:
  HttpServer();
  ~HttpServer() override;
  HttpServer(const HttpServer&) = delete;
  HttpServer& operator=(const HttpServer&) = delete;

  // Stops accepting and wakes every connection waiting for a request.
  void stop_all();

  // Connections accepted so far: what tests read to see keep-alive reuse.
  std::uint64_t connections() const { return connections_.load(); }

 private:
  bool process_and_close_socket(socket_t sock) override;

  int wake_fd_;
  std::atomic<std::uint64_t> connections_{0};
};

}  // namespace fake_gateway
