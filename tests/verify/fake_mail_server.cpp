#include "tests/verify/fake_mail_server.h"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <stdexcept>

namespace mailmig::verify_testing {
namespace {

void send_all(int fd, const std::string& bytes) {
  std::size_t sent = 0;
  while (sent < bytes.size()) {
    // MSG_NOSIGNAL: the prober may hang up without reading a QUIT reply.
    const ssize_t n = ::send(fd, bytes.data() + sent, bytes.size() - sent, MSG_NOSIGNAL);
    if (n <= 0) return;
    sent += static_cast<std::size_t>(n);
  }
}

int bound_loopback_socket(int& port) {
  const int fd = ::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
  sockaddr_in address{};
  address.sin_family = AF_INET;
  address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  socklen_t length = sizeof address;
  if (fd < 0 || ::bind(fd, reinterpret_cast<sockaddr*>(&address), sizeof address) != 0 ||
      ::getsockname(fd, reinterpret_cast<sockaddr*>(&address), &length) != 0) {
    throw std::runtime_error("cannot bind a socket on 127.0.0.1");
  }
  port = ntohs(address.sin_port);
  return fd;
}

}  // namespace

FakeMailServer::FakeMailServer(ServerScript script) : script_(std::move(script)) {
  listen_fd_ = bound_loopback_socket(port_);
  if (::listen(listen_fd_, 1) != 0) throw std::runtime_error("cannot listen on 127.0.0.1");
  thread_ = std::thread([this] { serve(); });
}

FakeMailServer::~FakeMailServer() {
  if (thread_.joinable()) thread_.join();
  ::close(listen_fd_);
}

std::string FakeMailServer::received() {
  if (thread_.joinable()) thread_.join();
  return received_;
}

void FakeMailServer::serve() {
  const int fd = ::accept(listen_fd_, nullptr, nullptr);
  if (fd < 0) return;
  send_all(fd, script_.greeting);
  std::string pending;
  char chunk[1024];
  ssize_t n = 0;
  while ((n = ::recv(fd, chunk, sizeof chunk, 0)) > 0) {
    received_.append(chunk, static_cast<std::size_t>(n));
    pending.append(chunk, static_cast<std::size_t>(n));
    std::size_t end = 0;
    while ((end = pending.find("\r\n")) != std::string::npos) {
      const std::string line = pending.substr(0, end);
      pending.erase(0, end + 2);
      const auto reply = script_.replies.find(line);
      send_all(fd, reply != script_.replies.end() ? reply->second : script_.other_reply);
      if (script_.close_after.contains(line)) {
        ::close(fd);
        return;
      }
    }
  }
  ::close(fd);
}

int closed_port() {
  int port = 0;
  ::close(bound_loopback_socket(port));
  return port;
}

}  // namespace mailmig::verify_testing
