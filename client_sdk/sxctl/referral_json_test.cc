#include "client_sdk/sxctl/referral_json.h"

#include <string>

#include "absl/strings/match.h"
#include "client_sdk/sxctl/json_writer.h"
#include "gtest/gtest.h"

namespace sx::sxctl {
namespace {

std::string CompactJson(const client::Referral& referral) {
  JsonWriter json(JsonWriter::Style::kCompact);
  WriteReferralJson(referral, nullptr, json);
  return json.text();
}

// 退回后重新移送: the new referral names the returned one; a referral of its
// own says so with null.
TEST(ReferralJsonTest, ResubmissionOfIsTheReturnedReferralOrNull) {
  client::Referral referral;
  referral.referral_id = "demo-0000000009";
  referral.resubmission_of = "demo-0000000007";
  std::string text = CompactJson(referral);
  EXPECT_TRUE(
      absl::StrContains(text, "\"resubmission_of\":\"demo-0000000007\""))
      << text;

  referral.resubmission_of.clear();
  text = CompactJson(referral);
  EXPECT_TRUE(absl::StrContains(text, "\"resubmission_of\":null")) << text;
}

}  // namespace
}  // namespace sx::sxctl
