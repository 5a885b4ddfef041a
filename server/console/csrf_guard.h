// Cross-site request forgery protection for the console's state-changing
// requests. A browser sends the operator's client certificate with any
// request to the console, including one a foreign page triggers, so a POST
// must prove that the console's own page made it: its Origin is the
// console's (a browser sets Origin and Host itself), Sec-Fetch-Site, where
// the browser sends it, says same-origin, and it carries a token that only
// a same-origin read of /api/session can learn.
#pragma once

#include <string>

#include "absl/status/status.h"
#include "absl/strings/string_view.h"
#include "sx/core/identity.h"

namespace sx::console {

// The headers of a request that the check reads.
struct CsrfHeaders {
  std::string origin;          // Origin
  std::string host;            // Host
  std::string sec_fetch_site;  // Sec-Fetch-Site, empty if not sent
  std::string token;           // X-CSRF-Token
};

// Immutable, thread-safe.
class CsrfGuard {
 public:
  // With a random key: tokens are valid until the hub restarts.
  CsrfGuard();
  // With a given key (tests).
  explicit CsrfGuard(std::string key) : key_(std::move(key)) {}

  // The token of `caller`: HMAC-SHA256 of its identity under the key, hex.
  std::string TokenFor(const core::Identity& caller) const;

  // OK, or PERMISSION_DENIED naming the failed check.
  absl::Status Check(const core::Identity& caller,
                     const CsrfHeaders& headers) const;

 private:
  const std::string key_;
};

}  // namespace sx::console
