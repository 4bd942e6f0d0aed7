#include "src/verify/endpoint_probe.h"

#include <arpa/inet.h>
#include <fcntl.h>
#include <gnutls/gnutls.h>
#include <netdb.h>
#include <poll.h>
#include <sys/socket.h>
#include <sys/time.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <climits>
#include <cstring>
#include <optional>
#include <vector>

#include "src/verify/probe_dialogue.h"

namespace mailmig {
namespace {

bool is_ip_literal(const std::string& host) {
  unsigned char address[sizeof(in6_addr)];
  return inet_pton(AF_INET, host.c_str(), address) == 1 ||
         inet_pton(AF_INET6, host.c_str(), address) == 1;
}

// One connection: plain until start_tls(), then through GnuTLS. Every wait ends at the
// probe's deadline.
class Connection : public ConnectingTransport {
 public:
  explicit Connection(ProbeClock::time_point deadline) : deadline_(deadline) {}
  ~Connection() override {
    if (session_) gnutls_deinit(session_);
    if (credentials_) gnutls_certificate_free_credentials(credentials_);
    if (fd_ >= 0) ::close(fd_);
  }
  Connection(const Connection&) = delete;
  Connection& operator=(const Connection&) = delete;

  std::optional<Verdict> connect(const std::string& host, int port) override {
    addrinfo hints{};
    hints.ai_family = AF_UNSPEC;
    hints.ai_socktype = SOCK_STREAM;
    addrinfo* found = nullptr;
    const std::string service = std::to_string(port);
    // Name resolution waits as long as the system resolver does; the probes run in parallel.
    if (const int error = getaddrinfo(host.c_str(), service.c_str(), &hints, &found); error != 0) {
      return fail(EndpointOutcome::NoAnswer,
                  std::string("cannot resolve the host name: ") + gai_strerror(error));
    }
    std::string last_error = "no address";
    for (const addrinfo* address = found; address && fd_ < 0; address = address->ai_next) {
      const int fd =
          ::socket(address->ai_family, address->ai_socktype | SOCK_CLOEXEC | SOCK_NONBLOCK, 0);
      if (fd < 0) continue;
      if (connect_within_deadline(fd, *address, last_error)) {
        fd_ = fd;
      } else {
        ::close(fd);
      }
    }
    freeaddrinfo(found);
    if (fd_ < 0) return fail(EndpointOutcome::NoAnswer, last_error);
    // Blocking from here on: GnuTLS waits with poll() itself when given a timeout.
    ::fcntl(fd_, F_SETFL, ::fcntl(fd_, F_GETFL) & ~O_NONBLOCK);
    const int left = milliseconds_left(deadline_);
    timeval send_timeout{left / 1000, static_cast<suseconds_t>(left % 1000) * 1000};
    ::setsockopt(fd_, SOL_SOCKET, SO_SNDTIMEO, &send_timeout, sizeof send_timeout);
    return std::nullopt;
  }

  std::optional<Verdict> start_tls(const std::string& host,
                                   const std::string& extra_ca_file) override {
    if (gnutls_certificate_allocate_credentials(&credentials_) < 0) {
      return fail(EndpointOutcome::NoTls, "cannot set up TLS");
    }
    gnutls_certificate_set_x509_system_trust(credentials_);
    if (!extra_ca_file.empty() &&
        gnutls_certificate_set_x509_trust_file(credentials_, extra_ca_file.c_str(),
                                               GNUTLS_X509_FMT_PEM) <= 0) {
      return fail(EndpointOutcome::CertificateUntrusted,
                  "no certificate could be read from the CA file " + extra_ca_file);
    }
    if (gnutls_init(&session_, GNUTLS_CLIENT | GNUTLS_NO_SIGNAL) < 0) {
      session_ = nullptr;
      return fail(EndpointOutcome::NoTls, "cannot set up TLS");
    }
    gnutls_set_default_priority(session_);
    gnutls_credentials_set(session_, GNUTLS_CRD_CERTIFICATE, credentials_);
    if (!is_ip_literal(host)) {
      gnutls_server_name_set(session_, GNUTLS_NAME_DNS, host.data(), host.size());
    }
    // The handshake fails unless the chain is trusted and valid for this host name.
    gnutls_session_set_verify_cert(session_, host.c_str(), 0);
    gnutls_transport_set_int(session_, fd_);
    int rc = 0;
    do {
      const int left = milliseconds_left(deadline_);
      if (left == 0)
        return fail(EndpointOutcome::NoTls, "the TLS handshake did not finish in time");
      gnutls_handshake_set_timeout(session_, static_cast<unsigned>(left));
      rc = gnutls_handshake(session_);
    } while (rc < 0 && gnutls_error_is_fatal(rc) == 0);
    if (rc == GNUTLS_E_CERTIFICATE_VERIFICATION_ERROR) return certificate_verdict();
    if (rc < 0) return fail(EndpointOutcome::NoTls, gnutls_strerror(rc));
    return std::nullopt;
  }

  bool send(std::string_view bytes) override {
    while (!bytes.empty()) {
      const ssize_t sent = session_ ? gnutls_record_send(session_, bytes.data(), bytes.size())
                                    : ::send(fd_, bytes.data(), bytes.size(), MSG_NOSIGNAL);
      if (sent == GNUTLS_E_AGAIN || sent == GNUTLS_E_INTERRUPTED) {
        if (milliseconds_left(deadline_) == 0) return false;
        continue;
      }
      if (sent <= 0) return false;
      bytes.remove_prefix(static_cast<std::size_t>(sent));
    }
    return true;
  }

  bool receive(std::string& buffer) override {
    char chunk[4096];
    while (true) {
      const int left = milliseconds_left(deadline_);
      if (left == 0) return false;
      ssize_t received = 0;
      if (session_) {
        gnutls_record_set_timeout(session_, static_cast<unsigned>(left));
        received = gnutls_record_recv(session_, chunk, sizeof chunk);
        if (received == GNUTLS_E_AGAIN || received == GNUTLS_E_INTERRUPTED) continue;
      } else {
        pollfd wanted{fd_, POLLIN, 0};
        const int ready = ::poll(&wanted, 1, left);
        if (ready < 0 && errno == EINTR) continue;
        if (ready <= 0) return false;
        received = ::recv(fd_, chunk, sizeof chunk, 0);
      }
      if (received <= 0) return false;
      buffer.append(chunk, static_cast<std::size_t>(received));
      return true;
    }
  }

 private:
  bool connect_within_deadline(int fd, const addrinfo& address, std::string& error) {
    if (::connect(fd, address.ai_addr, address.ai_addrlen) == 0) return true;
    if (errno != EINPROGRESS) {
      error = std::strerror(errno);
      return false;
    }
    pollfd wanted{fd, POLLOUT, 0};
    const int ready = ::poll(&wanted, 1, milliseconds_left(deadline_));
    if (ready <= 0) {
      error = "no answer in time";
      return false;
    }
    int status = 0;
    socklen_t length = sizeof status;
    ::getsockopt(fd, SOL_SOCKET, SO_ERROR, &status, &length);
    if (status != 0) error = std::strerror(status);
    return status == 0;
  }

  Verdict certificate_verdict() const {
    const unsigned status = gnutls_session_get_verify_cert_status(session_);
    gnutls_datum_t text{};
    std::string detail = "certificate verification failed";
    if (gnutls_certificate_verification_status_print(status, GNUTLS_CRT_X509, &text, 0) == 0) {
      detail.assign(reinterpret_cast<const char*>(text.data), text.size);
      gnutls_free(text.data);
    }
    // An unknown issuer first: then nothing else the certificate says can be believed.
    if (status & GNUTLS_CERT_SIGNER_NOT_FOUND) {
      return fail(EndpointOutcome::CertificateUntrusted, detail);
    }
    if (status & (GNUTLS_CERT_EXPIRED | GNUTLS_CERT_NOT_ACTIVATED)) {
      return fail(EndpointOutcome::CertificateExpired, detail);
    }
    if (status & GNUTLS_CERT_UNEXPECTED_OWNER) {
      return fail(EndpointOutcome::CertificateWrongHost, detail);
    }
    return fail(EndpointOutcome::CertificateUntrusted, detail);
  }

  ProbeClock::time_point deadline_;
  int fd_ = -1;
  gnutls_certificate_credentials_t credentials_ = nullptr;
  gnutls_session_t session_ = nullptr;
};

}  // namespace

EndpointCheck probe_endpoint(const Endpoint& endpoint, const ProbeSettings& settings) {
  Connection connection(ProbeClock::now() + settings.timeout);
  return probe_over(connection, endpoint, settings);
}

}  // namespace mailmig