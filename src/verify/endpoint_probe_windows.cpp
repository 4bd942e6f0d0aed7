// The endpoint check on Windows: Winsock for the connection, Schannel (SSPI) for TLS and
// CryptoAPI for the certificate, with the same outcomes and the same deadline as the GnuTLS
// probe on Linux (endpoint_probe.cpp). Schannel is told to leave the certificate alone
// (SCH_CRED_MANUAL_CRED_VALIDATION): the probe builds the chain itself so that it can also
// trust the authorities of ProbeSettings::extra_ca_file and name what is wrong with it.
#include <winsock2.h>
#include <ws2tcpip.h>
// winsock2.h first: it must come before windows.h.
#include <windows.h>
#define SECURITY_WIN32
#include <schannel.h>
#include <security.h>
#include <wincrypt.h>
#include <wininet.h>  // SECURITY_FLAG_IGNORE_CERT_CN_INVALID only: nothing of WinINet is used

#include <algorithm>
#include <climits>
#include <cstdio>
#include <cstring>
#include <fstream>
#include <memory>
#include <optional>
#include <sstream>
#include <vector>

#include "src/encoding/wide_text.h"
#include "src/verify/endpoint_probe.h"
#include "src/verify/probe_dialogue.h"

namespace mailmig {
namespace {

bool is_ip_literal(const std::string& host) {
  unsigned char address[sizeof(in6_addr)];
  return inet_pton(AF_INET, host.c_str(), address) == 1 ||
         inet_pton(AF_INET6, host.c_str(), address) == 1;
}

// Winsock's codes in the words the Linux probe gets from strerror(), so a report reads the same.
std::string socket_error_text(int error) {
  switch (error) {
    case WSAECONNREFUSED:
      return "Connection refused";
    case WSAETIMEDOUT:
      return "Connection timed out";
    case WSAENETUNREACH:
      return "Network is unreachable";
    case WSAEHOSTUNREACH:
      return "No route to host";
    case WSAECONNRESET:
      return "Connection reset by peer";
    case WSAEADDRNOTAVAIL:
      return "Cannot assign requested address";
    case WSAHOST_NOT_FOUND:
      return "Name or service not known";
    case WSATRY_AGAIN:
      return "Temporary failure in name resolution";
    default:
      return "Winsock error " + std::to_string(error);
  }
}

std::string status_text(SECURITY_STATUS status) {
  char hex[16];
  std::snprintf(hex, sizeof hex, "0x%08lX", static_cast<unsigned long>(status));
  return hex;
}

// Winsock is started once for the process and left running (the probes run in parallel).
bool winsock_started() {
  static const bool started = [] {
    WSADATA data;
    return WSAStartup(MAKEWORD(2, 2), &data) == 0;
  }();
  return started;
}

struct StoreCloser {
  void operator()(void* store) const { CertCloseStore(static_cast<HCERTSTORE>(store), 0); }
};
using Store = std::unique_ptr<void, StoreCloser>;

// The PEM file's certificates in a memory store; nullptr when none could be read.
Store read_pem_certificates(const std::string& path) {
  std::ifstream file(widen(path).c_str(), std::ios::binary);
  if (!file) return nullptr;
  std::ostringstream contents;
  contents << file.rdbuf();
  const std::string pem = contents.str();
  Store store(CertOpenStore(CERT_STORE_PROV_MEMORY, 0, 0, 0, nullptr));
  if (!store) return nullptr;
  static const std::string kBegin = "-----BEGIN CERTIFICATE-----";
  static const std::string kEnd = "-----END CERTIFICATE-----";
  int added = 0;
  for (std::size_t begin = pem.find(kBegin); begin != std::string::npos;
       begin = pem.find(kBegin, begin + 1)) {
    const std::size_t end = pem.find(kEnd, begin);
    if (end == std::string::npos) break;
    const std::string block = pem.substr(begin, end + kEnd.size() - begin);
    DWORD size = 0;
    if (!CryptStringToBinaryA(block.c_str(), static_cast<DWORD>(block.size()),
                              CRYPT_STRING_BASE64HEADER, nullptr, &size, nullptr, nullptr)) {
      continue;
    }
    std::vector<BYTE> der(size);
    if (CryptStringToBinaryA(block.c_str(), static_cast<DWORD>(block.size()),
                             CRYPT_STRING_BASE64HEADER, der.data(), &size, nullptr, nullptr) &&
        CertAddEncodedCertificateToStore(store.get(), X509_ASN_ENCODING, der.data(), size,
                                         CERT_STORE_ADD_USE_EXISTING, nullptr)) {
      ++added;
    }
  }
  return added > 0 ? std::move(store) : nullptr;
}

// The outcome of CertVerifyCertificateChainPolicy's SSL policy, as the GnuTLS probe names it.
Verdict policy_verdict(HRESULT error) {
  switch (error) {
    case CERT_E_EXPIRED:
      return fail(EndpointOutcome::CertificateExpired,
                  "The certificate has expired or is not yet valid.");
    case CERT_E_CN_NO_MATCH:
      return fail(EndpointOutcome::CertificateWrongHost,
                  "The name in the certificate does not match the host name.");
    case CERT_E_UNTRUSTEDROOT:
    case CERT_E_CHAINING:
      return fail(EndpointOutcome::CertificateUntrusted,
                  "The certificate is NOT trusted. The certificate issuer is unknown.");
    default:
      return fail(EndpointOutcome::CertificateUntrusted,
                  "The certificate is NOT trusted (" + status_text(error) + ").");
  }
}

// Whether the certificate `top` is one of the PEM file's authorities.
bool is_extra_authority(HCERTSTORE extra, PCCERT_CONTEXT top) {
  if (!extra || !top) return false;
  PCCERT_CONTEXT found =
      CertFindCertificateInStore(extra, X509_ASN_ENCODING, 0, CERT_FIND_EXISTING, top, nullptr);
  if (!found) return false;
  CertFreeCertificateContext(found);
  return true;
}

// Whether the certificate names the address `host` among its subject's alternative names.
bool names_ip_address(PCCERT_CONTEXT certificate, const std::string& host) {
  unsigned char address[sizeof(in6_addr)];
  DWORD address_size = 0;
  if (inet_pton(AF_INET, host.c_str(), address) == 1) {
    address_size = 4;
  } else if (inet_pton(AF_INET6, host.c_str(), address) == 1) {
    address_size = 16;
  } else {
    return false;
  }
  const CERT_EXTENSION* extension =
      CertFindExtension(szOID_SUBJECT_ALT_NAME2, certificate->pCertInfo->cExtension,
                        certificate->pCertInfo->rgExtension);
  CERT_ALT_NAME_INFO* names = nullptr;
  DWORD size = 0;
  if (!extension || !CryptDecodeObjectEx(X509_ASN_ENCODING, X509_ALTERNATE_NAME,
                                         extension->Value.pbData, extension->Value.cbData,
                                         CRYPT_DECODE_ALLOC_FLAG, nullptr, &names, &size)) {
    return false;
  }
  bool found = false;
  for (DWORD i = 0; i < names->cAltEntry && !found; ++i) {
    const CERT_ALT_NAME_ENTRY& entry = names->rgAltEntry[i];
    found = entry.dwAltNameChoice == CERT_ALT_NAME_IP_ADDRESS &&
            entry.IPAddress.cbData == address_size &&
            std::memcmp(entry.IPAddress.pbData, address, address_size) == 0;
  }
  LocalFree(names);
  return found;
}

// The server's certificate checked as the GnuTLS probe checks it: a chain to a trusted
// authority (the system's, or one of the PEM file's: the chain is built with the PEM's
// certificates available, and its top being one of them is trusted), valid dates, and valid
// for the host name. An unknown issuer is named first, as GnuTLS does: nothing else the
// certificate says can be believed then.
std::optional<Verdict> verify_certificate(PCCERT_CONTEXT server, const std::string& host,
                                          HCERTSTORE extra) {
  Store candidates(CertOpenStore(CERT_STORE_PROV_COLLECTION, 0, 0, 0, nullptr));
  if (!candidates) return fail(EndpointOutcome::CertificateUntrusted, "cannot open a store");
  CertAddStoreToCollection(candidates.get(), server->hCertStore, 0, 0);
  if (extra) CertAddStoreToCollection(candidates.get(), extra, 0, 0);

  CERT_CHAIN_PARA chain_para{};
  chain_para.cbSize = sizeof chain_para;
  PCCERT_CHAIN_CONTEXT chain = nullptr;
  if (!CertGetCertificateChain(nullptr, server, nullptr, candidates.get(), &chain_para, 0, nullptr,
                               &chain)) {
    return fail(EndpointOutcome::CertificateUntrusted, "cannot build the certificate chain");
  }
  const std::unique_ptr<const CERT_CHAIN_CONTEXT, decltype(&CertFreeCertificateChain)> owned(
      chain, &CertFreeCertificateChain);

  DWORD policy_flags = 0;
  const DWORD untrusted = CERT_TRUST_IS_UNTRUSTED_ROOT | CERT_TRUST_IS_PARTIAL_CHAIN;
  if (chain->TrustStatus.dwErrorStatus & untrusted) {
    const CERT_SIMPLE_CHAIN* simple = chain->cChain > 0 ? chain->rgpChain[0] : nullptr;
    const PCCERT_CONTEXT top = simple && simple->cElement > 0
                                   ? simple->rgpElement[simple->cElement - 1]->pCertContext
                                   : nullptr;
    if (!is_extra_authority(extra, top)) return policy_verdict(CERT_E_UNTRUSTEDROOT);
    policy_flags = CERT_CHAIN_POLICY_ALLOW_UNKNOWN_CA_FLAG;
  }

  std::wstring server_name = widen(host);
  SSL_EXTRA_CERT_CHAIN_POLICY_PARA ssl_para{};
  ssl_para.cbSize = sizeof ssl_para;
  ssl_para.dwAuthType = AUTHTYPE_SERVER;
  ssl_para.pwszServerName = server_name.data();
  // The SSL policy matches a host name, and not every CryptoAPI (Wine's) an address: an
  // address is matched here against the certificate's IP address names, as GnuTLS does.
  if (names_ip_address(server, host)) ssl_para.fdwChecks = SECURITY_FLAG_IGNORE_CERT_CN_INVALID;
  CERT_CHAIN_POLICY_PARA policy_para{};
  policy_para.cbSize = sizeof policy_para;
  policy_para.dwFlags = policy_flags;
  policy_para.pvExtraPolicyPara = &ssl_para;
  CERT_CHAIN_POLICY_STATUS policy_status{};
  policy_status.cbSize = sizeof policy_status;
  if (!CertVerifyCertificateChainPolicy(CERT_CHAIN_POLICY_SSL, chain, &policy_para,
                                        &policy_status)) {
    return fail(EndpointOutcome::CertificateUntrusted, "cannot check the certificate chain");
  }
  if (policy_status.dwError != 0) {
    return policy_verdict(static_cast<HRESULT>(policy_status.dwError));
  }
  return std::nullopt;
}

// One connection: plain until start_tls(), then through Schannel. Every wait ends at the
// probe's deadline.
class Connection : public ConnectingTransport {
 public:
  explicit Connection(ProbeClock::time_point deadline) : deadline_(deadline) {}
  ~Connection() override {
    if (has_context_) DeleteSecurityContext(&context_);
    if (has_credentials_) FreeCredentialsHandle(&credentials_);
    if (socket_ != INVALID_SOCKET) closesocket(socket_);
  }
  Connection(const Connection&) = delete;
  Connection& operator=(const Connection&) = delete;

  std::optional<Verdict> connect(const std::string& host, int port) override {
    if (!winsock_started()) return fail(EndpointOutcome::NoAnswer, "cannot start Winsock");
    addrinfo hints{};
    hints.ai_family = AF_UNSPEC;
    hints.ai_socktype = SOCK_STREAM;
    hints.ai_protocol = IPPROTO_TCP;
    addrinfo* found = nullptr;
    const std::string service = std::to_string(port);
    // Name resolution waits as long as the system resolver does; the probes run in parallel.
    if (const int error = getaddrinfo(host.c_str(), service.c_str(), &hints, &found); error != 0) {
      return fail(EndpointOutcome::NoAnswer,
                  "cannot resolve the host name: " + socket_error_text(error));
    }
    std::string last_error = "no address";
    for (const addrinfo* address = found; address && socket_ == INVALID_SOCKET;
         address = address->ai_next) {
      const SOCKET candidate =
          ::socket(address->ai_family, address->ai_socktype, address->ai_protocol);
      if (candidate == INVALID_SOCKET) continue;
      if (connect_within_deadline(candidate, *address, last_error)) {
        socket_ = candidate;
      } else {
        closesocket(candidate);
      }
    }
    freeaddrinfo(found);
    if (socket_ == INVALID_SOCKET) return fail(EndpointOutcome::NoAnswer, last_error);
    return std::nullopt;
  }

  std::optional<Verdict> start_tls(const std::string& host,
                                   const std::string& extra_ca_file) override {
    Store extra;
    if (!extra_ca_file.empty()) {
      extra = read_pem_certificates(extra_ca_file);
      if (!extra) {
        return fail(EndpointOutcome::CertificateUntrusted,
                    "no certificate could be read from the CA file " + extra_ca_file);
      }
    }
    SCHANNEL_CRED schannel{};
    schannel.dwVersion = SCHANNEL_CRED_VERSION;
    schannel.dwFlags = SCH_CRED_MANUAL_CRED_VALIDATION | SCH_CRED_NO_DEFAULT_CREDS;
    wchar_t package[] = UNISP_NAME_W;
    TimeStamp expiry;
    if (AcquireCredentialsHandleW(nullptr, package, SECPKG_CRED_OUTBOUND, nullptr, &schannel,
                                  nullptr, nullptr, &credentials_, &expiry) != SEC_E_OK) {
      return fail(EndpointOutcome::NoTls, "cannot set up TLS");
    }
    has_credentials_ = true;
    // The target name is what Schannel sends as the server name (SNI); not for an address.
    if (!is_ip_literal(host)) target_name_ = widen(host);
    if (auto failed = handshake()) return failed;

    PCCERT_CONTEXT server = nullptr;
    if (QueryContextAttributesW(&context_, SECPKG_ATTR_REMOTE_CERT_CONTEXT, &server) != SEC_E_OK ||
        !server) {
      return fail(EndpointOutcome::CertificateUntrusted, "the server sent no certificate");
    }
    std::optional<Verdict> verdict = verify_certificate(server, host, extra.get());
    CertFreeCertificateContext(server);
    if (verdict) return verdict;
    if (QueryContextAttributesW(&context_, SECPKG_ATTR_STREAM_SIZES, &sizes_) != SEC_E_OK) {
      return fail(EndpointOutcome::NoTls, "cannot read the TLS record sizes");
    }
    encrypted_ = true;
    return std::nullopt;
  }

  bool send(std::string_view bytes) override {
    if (!encrypted_) return send_raw(bytes);
    while (!bytes.empty()) {
      const std::size_t length = std::min<std::size_t>(bytes.size(), sizes_.cbMaximumMessage);
      std::vector<char> record(sizes_.cbHeader + length + sizes_.cbTrailer);
      std::memcpy(record.data() + sizes_.cbHeader, bytes.data(), length);
      SecBuffer buffers[4] = {
          {sizes_.cbHeader, SECBUFFER_STREAM_HEADER, record.data()},
          {static_cast<unsigned long>(length), SECBUFFER_DATA, record.data() + sizes_.cbHeader},
          {sizes_.cbTrailer, SECBUFFER_STREAM_TRAILER, record.data() + sizes_.cbHeader + length},
          {0, SECBUFFER_EMPTY, nullptr}};
      SecBufferDesc description{SECBUFFER_VERSION, 4, buffers};
      if (EncryptMessage(&context_, 0, &description, 0) != SEC_E_OK) return false;
      const std::size_t total = buffers[0].cbBuffer + buffers[1].cbBuffer + buffers[2].cbBuffer;
      if (!send_raw(std::string_view(record.data(), total))) return false;
      bytes.remove_prefix(length);
    }
    return true;
  }

  bool receive(std::string& buffer) override {
    if (!encrypted_) return receive_raw(buffer);
    while (true) {
      if (!incoming_.empty()) {
        SecBuffer buffers[4] = {
            {static_cast<unsigned long>(incoming_.size()), SECBUFFER_DATA, incoming_.data()},
            {0, SECBUFFER_EMPTY, nullptr},
            {0, SECBUFFER_EMPTY, nullptr},
            {0, SECBUFFER_EMPTY, nullptr}};
        SecBufferDesc description{SECBUFFER_VERSION, 4, buffers};
        const SECURITY_STATUS status = DecryptMessage(&context_, &description, 0, nullptr);
        if (status == SEC_E_OK || status == SEC_I_RENEGOTIATE) {
          std::string plain;
          std::string extra;
          for (const SecBuffer& part : buffers) {
            if (part.BufferType == SECBUFFER_DATA) {
              plain.append(static_cast<const char*>(part.pvBuffer), part.cbBuffer);
            } else if (part.BufferType == SECBUFFER_EXTRA) {
              extra.assign(incoming_.data() + incoming_.size() - part.cbBuffer, part.cbBuffer);
            }
          }
          incoming_ = std::move(extra);
          // TLS 1.3's messages after the handshake (session tickets) go back to Schannel.
          if (status == SEC_I_RENEGOTIATE && handshake()) return false;
          if (!plain.empty()) {
            buffer += plain;
            return true;
          }
          continue;
        }
        if (status != SEC_E_INCOMPLETE_MESSAGE) return false;  // closed (or broken)
      }
      if (!receive_raw(incoming_)) return false;
    }
  }

 private:
  // InitializeSecurityContextW until the handshake is done, its tokens sent and the server's
  // read into incoming_; what the server sent after its last handshake record stays there.
  std::optional<Verdict> handshake() {
    const DWORD wanted = ISC_REQ_SEQUENCE_DETECT | ISC_REQ_REPLAY_DETECT | ISC_REQ_CONFIDENTIALITY |
                         ISC_REQ_ALLOCATE_MEMORY | ISC_REQ_STREAM | ISC_REQ_EXTENDED_ERROR |
                         ISC_REQ_MANUAL_CRED_VALIDATION;
    wchar_t* target = target_name_.empty() ? nullptr : target_name_.data();
    bool need_input = has_context_ && incoming_.empty();
    while (true) {
      if (need_input && !receive_raw(incoming_)) {
        return fail(EndpointOutcome::NoTls, milliseconds_left(deadline_) == 0
                                                ? "the TLS handshake did not finish in time"
                                                : "the server closed the connection during the "
                                                  "TLS handshake");
      }
      SecBuffer input[2] = {
          {static_cast<unsigned long>(incoming_.size()), SECBUFFER_TOKEN, incoming_.data()},
          {0, SECBUFFER_EMPTY, nullptr}};
      SecBufferDesc input_description{SECBUFFER_VERSION, 2, input};
      SecBuffer output[2] = {{0, SECBUFFER_TOKEN, nullptr}, {0, SECBUFFER_ALERT, nullptr}};
      SecBufferDesc output_description{SECBUFFER_VERSION, 2, output};
      ULONG attributes = 0;
      TimeStamp expiry;
      const SECURITY_STATUS status = InitializeSecurityContextW(
          &credentials_, has_context_ ? &context_ : nullptr, target, wanted, 0, 0,
          has_context_ ? &input_description : nullptr, 0, has_context_ ? nullptr : &context_,
          &output_description, &attributes, &expiry);
      // A first call that failed made no context to delete.
      if (!FAILED(status)) has_context_ = true;
      bool sent = true;
      if (output[0].pvBuffer) {
        if (output[0].cbBuffer > 0) {
          sent = send_raw(
              std::string_view(static_cast<const char*>(output[0].pvBuffer), output[0].cbBuffer));
        }
        FreeContextBuffer(output[0].pvBuffer);
      }
      if (output[1].pvBuffer) FreeContextBuffer(output[1].pvBuffer);
      if (status == SEC_E_INCOMPLETE_MESSAGE) {
        need_input = true;
        continue;
      }
      // The bytes Schannel did not take (the next record) stay for the next round or the data.
      if (input[1].BufferType == SECBUFFER_EXTRA) {
        incoming_.erase(0, incoming_.size() - input[1].cbBuffer);
      } else {
        incoming_.clear();
      }
      if (!sent) return fail(EndpointOutcome::NoTls, "the TLS handshake could not be sent");
      if (status == SEC_E_OK) return std::nullopt;
      if (status == SEC_I_CONTINUE_NEEDED || status == SEC_I_INCOMPLETE_CREDENTIALS) {
        need_input = status == SEC_I_CONTINUE_NEEDED && incoming_.empty();
        continue;
      }
      return fail(EndpointOutcome::NoTls, "the TLS handshake failed (" + status_text(status) + ")");
    }
  }

  // Waits until the socket is readable (or writable) or the deadline passes.
  bool wait_for(SOCKET socket, bool for_writing) {
    const int left = milliseconds_left(deadline_);
    if (left == 0) return false;
    fd_set ready;
    FD_ZERO(&ready);
    FD_SET(socket, &ready);
    fd_set failed;
    FD_ZERO(&failed);
    FD_SET(socket, &failed);
    timeval timeout{left / 1000, (left % 1000) * 1000};
    const int count = ::select(0, for_writing ? nullptr : &ready, for_writing ? &ready : nullptr,
                               &failed, &timeout);
    return count > 0;
  }

  bool receive_raw(std::string& buffer) {
    char chunk[4096];
    while (true) {
      const int received = ::recv(socket_, chunk, sizeof chunk, 0);
      if (received > 0) {
        buffer.append(chunk, static_cast<std::size_t>(received));
        return true;
      }
      if (received == 0 || WSAGetLastError() != WSAEWOULDBLOCK) return false;
      if (!wait_for(socket_, false)) return false;
    }
  }

  bool send_raw(std::string_view bytes) {
    while (!bytes.empty()) {
      const int sent = ::send(socket_, bytes.data(),
                              static_cast<int>(std::min<std::size_t>(bytes.size(), INT_MAX)), 0);
      if (sent > 0) {
        bytes.remove_prefix(static_cast<std::size_t>(sent));
        continue;
      }
      if (sent == 0 || WSAGetLastError() != WSAEWOULDBLOCK) return false;
      if (!wait_for(socket_, true)) return false;
    }
    return true;
  }

  // Non-blocking from here on: every wait is a select() bounded by the deadline.
  bool connect_within_deadline(SOCKET socket, const addrinfo& address, std::string& error) {
    u_long non_blocking = 1;
    ioctlsocket(socket, FIONBIO, &non_blocking);
    if (::connect(socket, address.ai_addr, static_cast<int>(address.ai_addrlen)) == 0) return true;
    if (const int code = WSAGetLastError(); code != WSAEWOULDBLOCK) {
      error = socket_error_text(code);
      return false;
    }
    if (!wait_for(socket, true)) {
      // A refused connection shows in the exception set, not the writable one.
      int status = 0;
      int length = sizeof status;
      getsockopt(socket, SOL_SOCKET, SO_ERROR, reinterpret_cast<char*>(&status), &length);
      error = status != 0 ? socket_error_text(status) : "no answer in time";
      return false;
    }
    int status = 0;
    int length = sizeof status;
    getsockopt(socket, SOL_SOCKET, SO_ERROR, reinterpret_cast<char*>(&status), &length);
    if (status != 0) error = socket_error_text(status);
    return status == 0;
  }

  ProbeClock::time_point deadline_;
  SOCKET socket_ = INVALID_SOCKET;
  CredHandle credentials_{};
  bool has_credentials_ = false;
  CtxtHandle context_{};
  bool has_context_ = false;
  std::wstring target_name_;
  SecPkgContext_StreamSizes sizes_{};
  bool encrypted_ = false;
  // Bytes read from the socket and not yet used: handshake records, or encrypted records.
  std::string incoming_;
};

}  // namespace

EndpointCheck probe_endpoint(const Endpoint& endpoint, const ProbeSettings& settings) {
  Connection connection(ProbeClock::now() + settings.timeout);
  return probe_over(connection, endpoint, settings);
}

}  // namespace mailmig
