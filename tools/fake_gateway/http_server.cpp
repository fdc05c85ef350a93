#include "http_server.hpp"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <poll.h>
#include <sys/eventfd.h>
#include <sys/socket.h>
#include <unistd.h>

#include <array>
#include <cerrno>
#include <cstdint>
#include <cstring>
#include <stdexcept>

namespace fake_gateway {
namespace {

using std::chrono::milliseconds;

constexpr std::size_t kReadBufferSize = 16384;
constexpr std::uint64_t kWakeIncrement = 1;
constexpr long kMillisPerSecond = 1000;
constexpr long kMicrosPerMilli = 1000;

milliseconds to_millis(time_t seconds, time_t microseconds) {
  return milliseconds(static_cast<milliseconds::rep>(
      seconds * kMillisPerSecond + microseconds / kMicrosPerMilli));
}

void address_of(const sockaddr_storage& address, std::string& ip, int& port) {
  std::array<char, INET6_ADDRSTRLEN> text{};
  if (address.ss_family == AF_INET) {
    const auto& v4 = reinterpret_cast<const sockaddr_in&>(address);
    inet_ntop(AF_INET, &v4.sin_addr, text.data(), text.size());
    port = ntohs(v4.sin_port);
  } else if (address.ss_family == AF_INET6) {
    const auto& v6 = reinterpret_cast<const sockaddr_in6&>(address);
    inet_ntop(AF_INET6, &v6.sin6_addr, text.data(), text.size());
    port = ntohs(v6.sin6_port);
  }
  ip = text.data();
}

// One accepted connection. Reads are buffered because httplib reads the
// request head one byte at a time.
class ConnectionStream : public httplib::Stream {
 public:
  ConnectionStream(socket_t sock, int wake_fd, milliseconds read_timeout,
                   milliseconds write_timeout)
      : sock_(sock),
        wake_fd_(wake_fd),
        read_timeout_(read_timeout),
        write_timeout_(write_timeout) {}

  // True when a request (or the peer's close) is there to be read within
  // `timeout`, false on timeout or when the server stops.
  bool wait_for_request(milliseconds timeout) const {
    return offset_ < filled_ || wait(POLLIN, timeout);
  }

  bool is_readable() const override { return wait_for_request(read_timeout_); }

  bool is_writable() const override { return wait(POLLOUT, write_timeout_); }

  ssize_t read(char* ptr, size_t size) override {
    if (offset_ == filled_) {
      if (!wait(POLLIN, read_timeout_)) return -1;
      const ssize_t got = recv(sock_, buffer_.data(), buffer_.size(), 0);
      if (got <= 0) return got;
      offset_ = 0;
      filled_ = static_cast<std::size_t>(got);
    }
    const std::size_t count = std::min(size, filled_ - offset_);
    std::memcpy(ptr, buffer_.data() + offset_, count);
    offset_ += count;
    return static_cast<ssize_t>(count);
  }

  ssize_t write(const char* ptr, size_t size) override {
    if (!wait(POLLOUT, write_timeout_)) return -1;
    return send(sock_, ptr, size, MSG_NOSIGNAL);
  }

  void get_remote_ip_and_port(std::string& ip, int& port) const override {
    sockaddr_storage address{};
    socklen_t length = sizeof(address);
    if (getpeername(sock_, reinterpret_cast<sockaddr*>(&address), &length) ==
        0) {
      address_of(address, ip, port);
    }
  }

  void get_local_ip_and_port(std::string& ip, int& port) const override {
    sockaddr_storage address{};
    socklen_t length = sizeof(address);
    if (getsockname(sock_, reinterpret_cast<sockaddr*>(&address), &length) ==
        0) {
      address_of(address, ip, port);
    }
  }

  socket_t socket() const override { return sock_; }

 private:
  // Waits for `events` on the socket; a stopping server ends read waits.
  bool wait(short events, milliseconds timeout) const {
    std::array<pollfd, 2> fds{};
    fds[0] = {sock_, events, 0};
    fds[1] = {wake_fd_, POLLIN, 0};
    const nfds_t count = events == POLLIN ? 2 : 1;
    for (;;) {
      const int ready =
          poll(fds.data(), count, static_cast<int>(timeout.count()));
      if (ready < 0 && errno == EINTR) continue;
      if (ready <= 0 || fds[1].revents != 0) return false;
      return fds[0].revents != 0;
    }
  }

  socket_t sock_;
  int wake_fd_;
  milliseconds read_timeout_;
  milliseconds write_timeout_;
  std::array<char, kReadBufferSize> buffer_{};
  std::size_t offset_ = 0;
  std::size_t filled_ = 0;
};

}  // namespace

HttpServer::HttpServer() : wake_fd_(eventfd(0, EFD_CLOEXEC)) {
  if (wake_fd_ < 0) throw std::runtime_error("eventfd failed");
}

HttpServer::~HttpServer() { close(wake_fd_); }

void HttpServer::stop_all() {
  // The eventfd stays readable from now on, so every wait sees it.
  const std::uint64_t increment = kWakeIncrement;
  const ssize_t written = ::write(wake_fd_, &increment, sizeof(increment));
  (void)written;
  stop();
}

bool HttpServer::process_and_close_socket(socket_t sock) {
  ++connections_;
  ConnectionStream stream(sock, wake_fd_,
                          to_millis(read_timeout_sec_, read_timeout_usec_),
                          to_millis(write_timeout_sec_, write_timeout_usec_));
  const milliseconds keep_alive(static_cast<milliseconds::rep>(
      keep_alive_timeout_sec_ * kMillisPerSecond));
  bool served = true;
  for (std::size_t count = 0; served && count < keep_alive_max_count_;
       ++count) {
    if (svr_sock_ == INVALID_SOCKET || !stream.wait_for_request(keep_alive)) {
      break;
    }
    bool connection_closed = false;
    const bool last = count + 1 == keep_alive_max_count_;
    served = process_request(stream, last, connection_closed, nullptr);
    if (connection_closed) break;
  }
  shutdown(sock, SHUT_RDWR);
  close(sock);
  return served;
}

}  // namespace fake_gateway
