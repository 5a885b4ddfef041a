#include "server/console/csrf_guard.h"

#include <openssl/crypto.h>
#include <openssl/evp.h>
#include <openssl/hmac.h>
#include <openssl/rand.h>

#include <cstdlib>

#include "absl/strings/escaping.h"
#include "absl/strings/str_cat.h"

namespace sx::console {
namespace {

std::string RandomKey() {
  std::string key(32, '\0');
  if (RAND_bytes(reinterpret_cast<unsigned char*>(key.data()),
                 static_cast<int>(key.size())) != 1) {
    // Without randomness every token would be guessable: better not to
    // serve at all.
    std::abort();
  }
  return key;
}

}  // namespace

CsrfGuard::CsrfGuard() : key_(RandomKey()) {}

std::string CsrfGuard::TokenFor(const core::Identity& caller) const {
  const std::string message =
      absl::StrCat("sxhub-console-csrf/v1\n", static_cast<int>(caller.kind),
                   "/", caller.name);
  unsigned char mac[EVP_MAX_MD_SIZE];
  unsigned int length = 0;
  HMAC(EVP_sha256(), key_.data(), static_cast<int>(key_.size()),
       reinterpret_cast<const unsigned char*>(message.data()), message.size(),
       mac, &length);
  return absl::BytesToHexString(
      absl::string_view(reinterpret_cast<const char*>(mac), length));
}

absl::Status CsrfGuard::Check(const core::Identity& caller,
                              const CsrfHeaders& headers) const {
  if (headers.host.empty() ||
      headers.origin != absl::StrCat("https://", headers.host)) {
    return absl::PermissionDeniedError(
        "cross-site request refused: the Origin header is not this "
        "console's");
  }
  if (!headers.sec_fetch_site.empty() &&
      headers.sec_fetch_site != "same-origin") {
    return absl::PermissionDeniedError(
        "cross-site request refused: Sec-Fetch-Site is not same-origin");
  }
  const std::string expected = TokenFor(caller);
  if (headers.token.size() != expected.size() ||
      CRYPTO_memcmp(headers.token.data(), expected.data(), expected.size()) !=
          0) {
    return absl::PermissionDeniedError(
        "cross-site request refused: missing or wrong X-CSRF-Token (reload "
        "the page)");
  }
  return absl::OkStatus();
}

}  // namespace sx::console
