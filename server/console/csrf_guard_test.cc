#include "server/console/csrf_guard.h"

#include "gtest/gtest.h"

namespace sx::console {
namespace {

using core::Identity;

const Identity kOps{Identity::Kind::kAdmin, "ops"};

CsrfHeaders SameOrigin(const CsrfGuard& guard) {
  CsrfHeaders headers;
  headers.host = "127.0.0.1:7444";
  headers.origin = "https://127.0.0.1:7444";
  headers.sec_fetch_site = "same-origin";
  headers.token = guard.TokenFor(kOps);
  return headers;
}

TEST(CsrfGuardTest, TheConsolesOwnPageIsAllowed) {
  const CsrfGuard guard("key");
  EXPECT_TRUE(guard.Check(kOps, SameOrigin(guard)).ok());
  CsrfHeaders without_fetch_metadata = SameOrigin(guard);
  without_fetch_metadata.sec_fetch_site.clear();  // older browsers
  EXPECT_TRUE(guard.Check(kOps, without_fetch_metadata).ok());
}

TEST(CsrfGuardTest, EachMissingProofIsRefused) {
  const CsrfGuard guard("key");
  CsrfHeaders no_origin = SameOrigin(guard);
  no_origin.origin.clear();
  CsrfHeaders other_origin = SameOrigin(guard);
  other_origin.origin = "https://evil.example";
  CsrfHeaders cross_site = SameOrigin(guard);
  cross_site.sec_fetch_site = "cross-site";
  CsrfHeaders no_token = SameOrigin(guard);
  no_token.token.clear();
  CsrfHeaders plain_http = SameOrigin(guard);
  plain_http.origin = "http://127.0.0.1:7444";
  for (const CsrfHeaders& headers :
       {no_origin, other_origin, cross_site, no_token, plain_http}) {
    EXPECT_EQ(guard.Check(kOps, headers).code(),
              absl::StatusCode::kPermissionDenied)
        << headers.origin << " " << headers.sec_fetch_site;
  }
}

TEST(CsrfGuardTest, ATokenIsBoundToItsIdentityAndKey) {
  const CsrfGuard guard("key");
  const Identity other{Identity::Kind::kAdmin, "other"};
  const Identity agency_named_ops{Identity::Kind::kAgency, "ops"};
  EXPECT_FALSE(guard.Check(other, SameOrigin(guard)).ok());
  EXPECT_FALSE(guard.Check(agency_named_ops, SameOrigin(guard)).ok());
  EXPECT_NE(CsrfGuard("key").TokenFor(kOps), CsrfGuard("other").TokenFor(kOps));
  // Random keys differ: a restart ends the tokens of every page open.
  EXPECT_NE(CsrfGuard().TokenFor(kOps), CsrfGuard().TokenFor(kOps));
}

}  // namespace
}  // namespace sx::console
