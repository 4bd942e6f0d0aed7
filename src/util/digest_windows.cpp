// Digests on Windows through its own BCrypt (Nettle is not built for Windows).
#include <windows.h>
// clang-format off: bcrypt.h needs the types windows.h defines first
#include <bcrypt.h>
// clang-format on

#include <exception>
#include <string>
#include <vector>

#include "src/util/digest.h"

namespace mailmig {
namespace {

std::string to_hex(const std::vector<unsigned char>& digest) {
  static constexpr char kHex[] = "0123456789abcdef";
  std::string hex;
  hex.reserve(digest.size() * 2);
  for (const unsigned char byte : digest) {
    hex += kHex[byte >> 4];
    hex += kHex[byte & 0x0F];
  }
  return hex;
}

// The digest of `bytes` with a BCrypt algorithm; the algorithms used are always present, so a
// failure is a broken system and ends the program rather than return a wrong hash.
std::string bcrypt_hex(LPCWSTR algorithm, std::size_t digest_size, std::string_view bytes) {
  BCRYPT_ALG_HANDLE provider = nullptr;
  BCRYPT_HASH_HANDLE hash = nullptr;
  std::vector<unsigned char> digest(digest_size);
  // BCrypt takes a non-const input pointer but only reads it.
  auto* input = reinterpret_cast<PUCHAR>(const_cast<char*>(bytes.data()));
  const bool ok =
      BCRYPT_SUCCESS(BCryptOpenAlgorithmProvider(&provider, algorithm, nullptr, 0)) &&
      BCRYPT_SUCCESS(BCryptCreateHash(provider, &hash, nullptr, 0, nullptr, 0, 0)) &&
      BCRYPT_SUCCESS(BCryptHashData(hash, input, static_cast<ULONG>(bytes.size()), 0)) &&
      BCRYPT_SUCCESS(BCryptFinishHash(hash, digest.data(), static_cast<ULONG>(digest.size()), 0));
  if (hash != nullptr) BCryptDestroyHash(hash);
  if (provider != nullptr) BCryptCloseAlgorithmProvider(provider, 0);
  if (!ok) std::terminate();
  return to_hex(digest);
}

}  // namespace

std::string sha256_hex(std::string_view bytes) {
  return bcrypt_hex(BCRYPT_SHA256_ALGORITHM, 32, bytes);
}

std::string md5_hex(std::string_view bytes) { return bcrypt_hex(BCRYPT_MD5_ALGORITHM, 16, bytes); }

}  // namespace mailmig
