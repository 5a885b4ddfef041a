#include "client_sdk/sxctl/admin_json.h"

#include <string>

#include "absl/strings/match.h"
#include "gtest/gtest.h"

namespace sx::sxctl {
namespace {

// What an administrator's script reads of a transfer: the warning level (预警)
// beside the overdue flags, as for a referral, and the 交办 links.
TEST(AdminJsonTest, TransfersCarryTheirWarningLevelAndDelegation) {
  client::TransferPage page;
  client::TransferSummary parent;
  parent.referral_id = "demo-0000000012";
  parent.feedback_overdue = true;
  parent.warning_level = client::WarningLevel::kRed;
  parent.version = 9;
  parent.delegation_count = 2;
  client::TransferSummary child;
  child.referral_id = "demo-0000000015";
  child.parent_referral_id = "demo-0000000012";
  child.delegated = true;
  page.transfers = {parent, child};
  JsonWriter json(JsonWriter::Style::kCompact);
  WriteTransferPageJson(page, json);
  const std::string& text = json.text();
  EXPECT_TRUE(absl::StrContains(
      text, "\"feedback_overdue\":true,\"warning_level\":\"red\""))
      << text;
  EXPECT_TRUE(absl::StrContains(
      text, "\"version\":9,\"delegation_count\":2,\"delegated\":false}"))
      << text;
  EXPECT_TRUE(absl::StrContains(
      text, "\"feedback_overdue\":false,\"warning_level\":\"none\""))
      << text;
  EXPECT_TRUE(absl::StrContains(
      text, "\"version\":0,\"delegation_count\":0,\"delegated\":true}"))
      << text;
}

}  // namespace
}  // namespace sx::sxctl
