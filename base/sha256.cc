#include "sx/base/sha256.h"

#include <openssl/evp.h>

#include <cstdlib>

#include "absl/strings/escaping.h"

namespace sx {

namespace {

// Fetched once: EVP_sha256() makes OpenSSL 3 look the algorithm up again in
// its provider tables on every EVP_Digest call.
const EVP_MD* Sha256Algorithm() {
  static const EVP_MD* const algorithm = [] {
    const EVP_MD* fetched = EVP_MD_fetch(nullptr, "SHA256", nullptr);
    return fetched != nullptr ? fetched : EVP_sha256();
  }();
  return algorithm;
}

}  // namespace

std::string Sha256(absl::string_view data) {
  std::string digest(kSha256Bytes, '\0');
  unsigned int length = 0;
  // EVP_Digest only fails on allocation failure inside OpenSSL; there is no
  // sensible way to continue hashing audit data after that.
  if (EVP_Digest(data.data(), data.size(),
                 reinterpret_cast<unsigned char*>(digest.data()), &length,
                 Sha256Algorithm(), nullptr) != 1 ||
      length != kSha256Bytes) {
    std::abort();
  }
  return digest;
}

std::string Sha256Hex(absl::string_view data) {
  return absl::BytesToHexString(Sha256(data));
}

}  // namespace sx
